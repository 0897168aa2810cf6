"""load_document on real files: PDF, Word and HTML built from passages of the example plans."""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ingest.document import PAGE_BREAK, IngestError
from ingest.loaders import SUPPORTED_SUFFIXES, load_document, reasons
from settings import IngestSettings
from tests.bad_inputs import (
    FONT_SIZE,
    JUNK,
    MARGIN,
    PAGE_WIDTH,
    encrypted_pdf,
    scanned_pdf,
    truncated_pdf,
    write_pdf,
    zip_without_word_document,
)
from tests.conftest import (
    ALL_PLANS,
    NORRKOPING_2017,
    NORRTALJE_2023,
    SODERKOPING_2025,
)

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def from_plan(plan: Path, passage: str) -> str:
    """`passage`, after checking that the example plan really says it (whitespace aside)."""
    assert " ".join(passage.split()) in " ".join(plan.read_text(encoding="utf-8").split())
    return passage


# Passages of the example plans that the test documents are built from.
SODERKOPING_HEADING_1 = from_plan(SODERKOPING_2025, "1 Nämndens uppdrag")
SODERKOPING_HEADING_31 = from_plan(
    SODERKOPING_2025, "3.1 Nedbrutna mål och indikatorer utifrån de långsiktiga målen"
)
SODERKOPING_RESPONSIBILITY = from_plan(
    SODERKOPING_2025,
    "Socialnämnden ansvarar för kommunens uppgifter inom socialtjänsten och vad som i lag eller "
    "annan författning sägs om socialnämnd. Nämnden ansvarar för vad kommunen har att fullgöra "
    "enligt hälso- och sjukvårdslagen (HSL).",
)
SODERKOPING_GOALS = from_plan(
    SODERKOPING_2025,
    "Nämnden har brutit ner de långsiktiga målen till följande nedbrutna mål för nämndens "
    "verksamhet",
)
SODERKOPING_TABLE = [
    ["Mål för nämndens verksamhet", "Indikator", "Nuläge (2024 T2)"],
    [
        from_plan(SODERKOPING_2025, "Rätt kompetens på rätt plats"),
        from_plan(
            SODERKOPING_2025,
            "Procentuell jämförelse i hur stor del av den arbetade tiden som utförs av "
            "tillsvidare- och visstidsanställda i jämförelse med timvikarier.",
        ),
        "80%",
    ],
]
NORRTALJE_LIST_INTRO = from_plan(
    NORRTALJE_2023, "Inom försörjning och arbete avser tjänstegarantierna:"
)
NORRTALJE_GUARANTEES = [
    from_plan(NORRTALJE_2023, item)
    for item in (
        "Ombesörja utbetalning av försörjningsstöd den 27:e i varje månad vid fullständig ansökan",
        "Erbjuda personligt möte inom tio arbetsdagar för upprättande av handlingsplan",
        "Följa upp handlingsplan en gång per månad",
    )
]
NORRTALJE_RECEPTION = from_plan(
    NORRTALJE_2023,
    "Socialnämnden ansvarar för det initiala mottagandet av nyanlända och ensamkommande "
    "ungdomar samt praktisk hjälp i samband med bosättningen.",
)


def plan_excerpt(plan: Path, start: str, end: str) -> str:
    """The plan's text from `start` up to and including `end`, byte for byte."""
    text = plan.read_text(encoding="utf-8")
    first = text.index(start)
    return text[first : text.index(end, first) + len(end)]


# The list of responsibilities, intro line and all (å, ä, ö, parentheses, dashes).
NORRKOPING_RESPONSIBILITIES = plan_excerpt(
    NORRKOPING_2017, "Socialnämnden ansvarar för:", "bostadstillägg för handikappade\n"
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_error(path: Path) -> IngestError:
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert str(caught.value).startswith(f"{path.name}: ")
    return caught.value


# --- Plain text and Markdown ------------------------------------------------------------------


@pytest.mark.parametrize("plan", ALL_PLANS, ids=lambda plan: plan.name)
def test_example_plans_load_unchanged(plan: Path) -> None:
    loaded = load_document(plan)

    assert loaded.text == plan.read_text(encoding="utf-8")
    assert loaded.sha256 == sha256_of(plan)
    assert loaded.path == plan
    assert not loaded.paged


def test_utf8_with_bom_and_windows_line_endings(tmp_path: Path) -> None:
    text = f"# {SODERKOPING_HEADING_1}\n\n{SODERKOPING_RESPONSIBILITY}\n"
    path = tmp_path / "plan.md"
    path.write_bytes(codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"))

    loaded = load_document(path)

    assert loaded.text == text  # no BOM, \n line endings, nothing else touched
    assert loaded.sha256 == sha256_of(path)  # the hash is of the file's bytes, not of the text


def test_cp1252_swedish_text(tmp_path: Path) -> None:
    path = tmp_path / "gammal.txt"
    path.write_bytes(NORRKOPING_RESPONSIBILITIES.encode("cp1252"))

    assert load_document(path).text == NORRKOPING_RESPONSIBILITIES


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "anteckningar.txt"
    path.write_bytes(NORRKOPING_RESPONSIBILITIES.encode("utf-16"))  # Python writes the BOM

    assert load_document(path).text == NORRKOPING_RESPONSIBILITIES


def test_utf8_with_a_stray_cp1252_byte_keeps_the_utf8(tmp_path: Path) -> None:
    path = tmp_path / "blandad.txt"
    path.write_bytes(
        NORRKOPING_RESPONSIBILITIES.encode("utf-8") + "Budget 2017 – preliminär".encode("cp1252")
    )

    text = load_document(path).text

    assert text.startswith(NORRKOPING_RESPONSIBILITIES)  # not "SocialnÃ¤mnden"
    # Only the stray line loses its non-ASCII characters.
    assert text.endswith("Budget 2017 \ufffd prelimin\ufffdr")


# --- PDF --------------------------------------------------------------------------------------


@pytest.fixture(params=["Helvetica", "DejaVuSans"])
def pdf_font(request: pytest.FixtureRequest) -> str:
    """A standard font (WinAnsi encoding) and an embedded TrueType subset: the two common cases."""
    font: str = request.param
    if font == "DejaVuSans":
        if not DEJAVU_SANS.exists():
            pytest.skip("DejaVu Sans is not installed")
        pdfmetrics.registerFont(TTFont(font, str(DEJAVU_SANS)))
    return font


def wrap(paragraphs: list[str], font: str) -> list[str]:
    """The lines the paragraphs take up on the page, as a word processor would break them."""
    width = PAGE_WIDTH - 2 * MARGIN
    return [line for text in paragraphs for line in simpleSplit(text, font, FONT_SIZE, width)]


def plan_pages(font: str) -> list[list[str]]:
    return [
        wrap([SODERKOPING_HEADING_1, SODERKOPING_RESPONSIBILITY], font),
        wrap([SODERKOPING_HEADING_31, SODERKOPING_GOALS], font),
        wrap([NORRTALJE_LIST_INTRO, *(f"- {item}" for item in NORRTALJE_GUARANTEES)], font),
    ]


def test_pdf_pages_are_joined_with_page_breaks(tmp_path: Path, pdf_font: str) -> None:
    path = tmp_path / "uppdragsplan.pdf"
    pages = plan_pages(pdf_font)
    write_pdf(path, pages, pdf_font)

    loaded = load_document(path)

    assert loaded.paged
    assert loaded.sha256 == sha256_of(path)
    page_texts = loaded.text.split(PAGE_BREAK)
    # Line for line: å, ä, ö, en dashes and the PDF's own line breaks all survive.
    assert [page.splitlines() for page in page_texts] == pages


def test_pdf_keeps_a_hyphenated_line_break(tmp_path: Path) -> None:
    # Joining "social-" and "tjänsten" is a cleaning decision, not the loader's.
    lines = ["Socialnämnden ansvarar för kommunens uppgifter inom social-", "tjänsten."]
    path = tmp_path / "avstavning.pdf"
    write_pdf(path, [lines])

    assert load_document(path).text.splitlines() == lines


def test_pdf_keeps_a_page_without_text_in_place(tmp_path: Path) -> None:
    path = tmp_path / "med-bilaga.pdf"
    write_pdf(path, [[SODERKOPING_HEADING_1], [], [SODERKOPING_HEADING_31]])

    pages = load_document(path).text.split(PAGE_BREAK)

    assert [page.strip() for page in pages] == [SODERKOPING_HEADING_1, "", SODERKOPING_HEADING_31]


# AES is what most protected PDFs use; pypdf reads it with the cryptography package.
@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_encrypted_with_an_empty_user_password_loads(tmp_path: Path, algorithm: str) -> None:
    protected = encrypted_pdf(tmp_path / "skyddad.pdf", "", algorithm, [[SODERKOPING_HEADING_1]])
    assert load_document(protected).text.strip() == SODERKOPING_HEADING_1


# --- Word -------------------------------------------------------------------------------------


def add_numbering(paragraph: Paragraph, numbering_id: int) -> None:
    """Number a paragraph directly (w:numPr), as Word does for a list in "List Paragraph"."""
    numbering = OxmlElement("w:numPr")
    number = OxmlElement("w:numId")
    number.set(qn("w:val"), str(numbering_id))
    numbering.append(number)
    paragraph._p.get_or_add_pPr().append(numbering)


def write_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("Socialnämndens uppdragsplan 2025", level=0)
    document.add_heading(SODERKOPING_HEADING_1, level=1)
    document.add_paragraph(SODERKOPING_RESPONSIBILITY)
    document.add_paragraph("")  # the empty paragraphs people use for spacing
    document.add_heading(SODERKOPING_HEADING_31, level=2)
    document.add_paragraph(SODERKOPING_GOALS)
    table = document.add_table(rows=len(SODERKOPING_TABLE), cols=3)
    for row, values in zip(table.rows, SODERKOPING_TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph(NORRTALJE_LIST_INTRO)
    for item in NORRTALJE_GUARANTEES:
        document.add_paragraph(item, style="List Bullet")
    document.add_paragraph(NORRTALJE_RECEPTION)
    document.save(str(path))


def test_docx_headings_lists_and_tables_in_body_order(tmp_path: Path) -> None:
    path = tmp_path / "uppdragsplan.docx"
    write_docx(path)

    loaded = load_document(path)

    assert loaded.text == (
        "# Socialnämndens uppdragsplan 2025\n\n"
        f"# {SODERKOPING_HEADING_1}\n\n"
        f"{SODERKOPING_RESPONSIBILITY}\n\n"
        f"## {SODERKOPING_HEADING_31}\n\n"
        f"{SODERKOPING_GOALS}\n\n"
        "Mål för nämndens verksamhet | Indikator | Nuläge (2024 T2)\n"
        f"{' | '.join(SODERKOPING_TABLE[1])}\n\n"
        f"{NORRTALJE_LIST_INTRO}\n\n"
        + "\n".join(f"- {item}" for item in NORRTALJE_GUARANTEES)
        + f"\n\n{NORRTALJE_RECEPTION}"
    )
    assert loaded.sha256 == sha256_of(path)
    assert not loaded.paged


def test_docx_template_styles_numbering_and_merged_cells(tmp_path: Path) -> None:
    document = docx.Document()
    # A municipal template's own heading style, built on Heading 2.
    template_heading = document.styles.add_style("Rubrik 2 Kommun", WD_STYLE_TYPE.PARAGRAPH)
    template_heading.base_style = document.styles["Heading 2"]
    document.add_paragraph(SODERKOPING_HEADING_31, style="Rubrik 2 Kommun")
    add_numbering(document.add_paragraph(NORRTALJE_GUARANTEES[0], style="List Paragraph"), 1)
    # numId 0 switches the List Bullet style's numbering off for this paragraph.
    add_numbering(document.add_paragraph(NORRTALJE_RECEPTION, style="List Bullet"), 0)
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "Indikator"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Mål 2025"
    path = tmp_path / "mall.docx"
    document.save(str(path))

    assert load_document(path).text == (
        f"## {SODERKOPING_HEADING_31}\n\n"
        f"- {NORRTALJE_GUARANTEES[0]}\n\n"
        f"{NORRTALJE_RECEPTION}\n\n"
        "Indikator | Mål 2025"  # the merged cell once, not once per column it spans
    )


# --- HTML -------------------------------------------------------------------------------------

PLAN_PAGE = f"""<!DOCTYPE html>
<html lang="sv">
<head>
  <meta charset="utf-8">
  <title>Verksamhetsplan 2023 – Norrtälje kommun</title>
  <style>p {{ color: red; }}</style>
  <script>var tracker = "analytics";</script>
</head>
<body>
  <nav><a href="/">Startsida</a> <a href="/politik">Politik</a></nav>
  <h1>Socialnämndens
      verksamhetsplan 2023</h1>
  <p>{NORRTALJE_RECEPTION.replace("praktisk", "<b>praktisk</b>")}</p>
  <script>alert(1)</script>
  <noscript>Aktivera JavaScript</noscript>
  <div hidden>Dold meny</div>
  <h2>Försörjning &amp; arbete</h2>
  <div>{NORRTALJE_LIST_INTRO}
    <ul>
      <li>{NORRTALJE_GUARANTEES[0]}</li>
      <li><p>{NORRTALJE_GUARANTEES[1]}</p></li>
      <li>{NORRTALJE_GUARANTEES[2]}</li>
    </ul>
  </div>
  <!-- en kommentar som inte är text -->
  <table>
    <tr><th>Indikator</th><th>Utfall 2021</th></tr>
    <tr><td>Antal nämndärenden med landsbygdsperspektiv</td><td>12</td></tr>
  </table>
  <section><p>Adress:<br>Box 803<br>761 28 Norrtälje</p></section>
  <footer>© Norrtälje kommun</footer>
</body>
</html>
"""


def test_html_text_headings_lists_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "verksamhetsplan.html"
    path.write_text(PLAN_PAGE, encoding="utf-8")

    loaded = load_document(path)

    assert loaded.text == (
        "# Socialnämndens verksamhetsplan 2023\n\n"
        f"{NORRTALJE_RECEPTION}\n\n"
        "## Försörjning & arbete\n\n"
        f"{NORRTALJE_LIST_INTRO}\n\n"
        + "\n".join(f"- {item}" for item in NORRTALJE_GUARANTEES)
        + "\n\nIndikator | Utfall 2021\n"
        "Antal nämndärenden med landsbygdsperspektiv | 12\n\n"
        "Adress:\nBox 803\n761 28 Norrtälje"
    )
    assert "alert" not in loaded.text
    assert "<" not in loaded.text


def test_html_in_cp1252_without_a_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "gammal.htm"
    path.write_bytes(f"<p>{NORRTALJE_RECEPTION}</p><p>Åtgärder</p>".encode("cp1252"))

    assert load_document(path).text == f"{NORRTALJE_RECEPTION}\n\nÅtgärder"


# --- Errors -----------------------------------------------------------------------------------


def empty_docx(path: Path) -> None:
    docx.Document().save(str(path))


def nothing(path: Path) -> None:
    """Leaves the path missing."""


#: file name → (how to create the file, the reason load_document must give)
ERROR_CASES: dict[str, tuple[Callable[[Path], object], str]] = {
    "tom.txt": (lambda p: p.write_bytes(b""), reasons.EMPTY_FILE),
    "tom.pdf": (lambda p: p.write_bytes(b""), reasons.EMPTY_FILE),
    "blanktecken.md": (lambda p: p.write_text(" \n\t\r\n  \n"), reasons.NO_TEXT),
    "skräp.txt": (lambda p: p.write_bytes(JUNK), reasons.BINARY_CONTENT),
    "styrtecken.txt": (lambda p: p.write_bytes(bytes(range(1, 32)) * 20), reasons.BINARY_CONTENT),
    "skräp.html": (lambda p: p.write_bytes(JUNK), reasons.BINARY_CONTENT),
    "trunkerad.pdf": (truncated_pdf, reasons.INVALID_PDF),
    "inte-en.pdf": (lambda p: p.write_text("<html>404</html>"), reasons.INVALID_PDF),
    "inskannad.pdf": (scanned_pdf, reasons.PDF_NO_TEXT_LAYER),
    "lösenord.pdf": (lambda p: encrypted_pdf(p, "hemligt", "RC4-128"), reasons.PDF_PASSWORD),
    "text.docx": (lambda p: p.write_text("Detta är inget Word-dokument"), reasons.INVALID_DOCX),
    "zip.docx": (zip_without_word_document, reasons.INVALID_DOCX),
    "tomt.docx": (empty_docx, reasons.NO_TEXT),
    "bara-skript.html": (
        lambda p: p.write_text("<html><body><script>alert(1)</script></body></html>"),
        reasons.NO_TEXT,
    ),
    "mapp.txt": (lambda p: p.mkdir(), reasons.IS_DIRECTORY),
    "saknas.txt": (nothing, reasons.NOT_FOUND),
}


@pytest.mark.parametrize("name", ERROR_CASES)
def test_unusable_files_give_one_clear_reason(tmp_path: Path, name: str) -> None:
    create, reason = ERROR_CASES[name]
    path = tmp_path / name
    create(path)

    assert load_error(path).reason == reason


def test_unsupported_format_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "plan.xyz"
    path.write_text(SODERKOPING_RESPONSIBILITY, encoding="utf-8")

    reason = load_error(path).reason

    assert reason.startswith("filformatet .xyz stöds inte")
    assert all(suffix in reason for suffix in SUPPORTED_SUFFIXES)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "låst.txt"
    path.write_text(SODERKOPING_RESPONSIBILITY, encoding="utf-8")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests run as root here, so chmod would not stop the read; fail it the way the OS would.
    monkeypatch.setattr(Path, "read_bytes", deny)

    assert load_error(path).reason == "filen kunde inte läsas – behörighet saknas"


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm"}


def test_suffix_case_does_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.TXT"
    path.write_text(SODERKOPING_RESPONSIBILITY, encoding="utf-8")

    assert load_document(path).text == SODERKOPING_RESPONSIBILITY


# --- protected, nested and oversized files ------------------------------------------------------


def test_pdf_with_aes_and_a_user_password_is_refused_for_its_password(tmp_path: Path) -> None:
    protected = encrypted_pdf(tmp_path / "skyddad.pdf", "hemligt", "AES-256")
    with pytest.raises(IngestError, match="lösenord"):
        load_document(protected)


def test_deeply_nested_html_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "nastlad.html"
    path.write_text("<div>" * 20_000 + "Text" + "</div>" * 20_000, encoding="utf-8")
    with pytest.raises(IngestError, match="nästlad"):
        load_document(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "stor.txt"
    path.write_text("Nämnden ansvarar för mycket. " * 40_000, encoding="utf-8")
    with pytest.raises(IngestError, match="MAX_FILE_MB"):
        load_document(path, IngestSettings(max_file_mb=1))


def test_a_text_over_the_length_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lang.txt"
    path.write_text("Nämnden ansvarar för mycket. " * 1_000, encoding="utf-8")
    with pytest.raises(IngestError, match="MAX_TEXT_CHARS"):
        load_document(path, IngestSettings(max_text_chars=10_000))
    assert load_document(path, IngestSettings(max_text_chars=100_000)).text
