"""A protocol as a real-layout PDF (reportlab): a header block and a footer on every page, §
paragraphs, a ruled budget table. It must ingest to the same sections and the same table rows as
the same protocol as text without form feeds, and keep no page furniture."""

from __future__ import annotations

import random
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ingest.document import Chunk
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings

HEADER_LINES = ["EXEMPELS KOMMUN", "SAMMANTRÄDESPROTOKOLL", "Socialnämnden"]
FOOTER = "Justerandes signatur Utdragsbestyrkande"
PARAGRAPHS = [
    ("§ 105", "Ekonomisk uppföljning november 2025"),
    ("§ 106", "Internkontrollplan 2026"),
    ("§ 107", "Handlingsplan mot våld i nära relationer"),
]
TABLE_HEADER = ["Verksamhet", "Budget 2025", "Prognos 2025", "Avvikelse"]
TABLE_ROWS = [
    ["Individ- och familjeomsorg", "-41 250", "-42 230", "-980"],
    ["Vård och omsorg", "-152 427", "-151 900", "527"],
    ["Stöd och service", "-117 234", "-118 004", "-770"],
    ["Summa", "-310 911", "-312 134", "-1 223"],
]
WORDS = (
    "nämnden förvaltningen uppföljningen budgeten verksamheten insatserna prognosen "
    "kostnaderna personalen placeringarna arbetet handläggningen samverkan rutinerna"
).split()


def sentences(seed: int, count: int = 7) -> str:
    """Sentences that never repeat (repeated text would look like a second text layer)."""
    generator = random.Random(seed)
    return " ".join(
        " ".join(generator.sample(WORDS, 7)).capitalize() + f" enligt punkt {seed}.{n}."
        for n in range(count)
    )


def page_furniture(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    top = A4[1] - 36
    for offset, line in enumerate([*HEADER_LINES, "Sammanträdesdatum 2025-12-09"]):
        canvas.drawString(60, top - 10 * offset, line)
    canvas.drawRightString(A4[0] - 60, top, f"Sida {document.page} av 4")
    canvas.drawString(60, 30, FOOTER)
    canvas.restoreState()


def budget_table() -> Table:
    table = Table([TABLE_HEADER, *TABLE_ROWS])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    return table


def write_protocol_pdf(path: Path) -> None:
    styles = getSampleStyleSheet()
    story: list[Flowable] = []
    for number, (paragraph, title) in enumerate(PARAGRAPHS):
        story.append(Paragraph(f"{paragraph} {title}", styles["Heading2"]))
        story.append(Paragraph(f"Dnr SN 2025/0{231 + number}", styles["BodyText"]))
        story += [Paragraph(sentences(10 * number + part), styles["BodyText"]) for part in range(5)]
        if number == 0:
            story += [Paragraph("Resultat per verksamhet, tkr", styles["BodyText"])]
            story += [budget_table(), Spacer(1, 12)]
    document = SimpleDocTemplate(str(path), pagesize=A4, topMargin=90)
    document.build(story, onFirstPage=page_furniture, onLaterPages=page_furniture)


def protocol_text() -> str:
    """The same protocol as text from a converter that left no form feeds: each page's header
    block and footer where the page breaks, the table flattened to lines with its cells apart as
    `pdftotext -layout` leaves them (with one space between cells, "-152 427 -151 900 527" under
    three columns splits more than one way, and is rightly kept as plain text)."""
    blocks: list[str] = []
    for number, (paragraph, title) in enumerate(PARAGRAPHS):
        blocks.append(f"{paragraph} {title}\nDnr SN 2025/0{231 + number}")
        blocks += [sentences(10 * number + part) for part in range(5)]
        if number == 0:
            table = ["    ".join(TABLE_HEADER), *("    ".join(row) for row in TABLE_ROWS)]
            blocks.append("Resultat per verksamhet, tkr\n" + "\n".join(table))
    pages = [blocks[i : i + 6] for i in range(0, len(blocks), 6)]
    furniture = [*HEADER_LINES, "Sammanträdesdatum", "2025-12-09"]
    return "\n".join(
        "\n".join([*furniture, f"Sida {page} av {len(pages)}", "", *page_blocks, "", FOOTER, ""])
        for page, page_blocks in enumerate(pages, start=1)
    )


def paragraph_sections(chunks: list[Chunk]) -> list[str]:
    """The § headings the chunks are under, in order, each once."""
    found: dict[str, None] = {}
    for chunk in chunks:
        for heading in chunk.section:
            if heading.startswith("§"):
                found.setdefault(heading)
    return list(found)


def table_rows(chunks: list[Chunk]) -> list[tuple[str, list[str]]]:
    return [(row.label, row.cells) for chunk in chunks for t in chunk.tables for row in t.rows]


def test_a_protocol_pdf_ingests_like_its_text(tmp_path: Path) -> None:
    pdf = tmp_path / "protokoll.pdf"
    write_protocol_pdf(pdf)
    text = tmp_path / "protokoll.txt"
    text.write_text(protocol_text(), encoding="utf-8")
    settings = IngestSettings()

    from_pdf = process_document(load_document(pdf), settings).chunks
    from_text = process_document(load_document(text), settings).chunks

    expected = [f"{paragraph} {title}" for paragraph, title in PARAGRAPHS]
    assert paragraph_sections(from_pdf) == paragraph_sections(from_text) == expected
    assert table_rows(from_pdf) == table_rows(from_text) == [(r[0], r[1:]) for r in TABLE_ROWS]
    for chunks in (from_pdf, from_text):
        ingested = "\n".join(chunk.text for chunk in chunks)
        assert "Justerandes signatur" not in ingested
        assert "Sida " not in ingested
        # The header that opens the protocol stays once, as its title block; no page repeats it.
        assert ingested.count("SAMMANTRÄDESPROTOKOLL") <= 1
