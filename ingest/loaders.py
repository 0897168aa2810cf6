"""Turn a source file (text, Markdown, PDF, Word, HTML) into a LoadedDocument.

Every loader keeps the text as close to the source as it can: cleaning, sectioning and chunking
happen later. What the loaders do add is structure the later stages rely on: PDF pages are joined
with PAGE_BREAK, and Word and HTML headings become Markdown headings ("## Rubrik"), list items
become "- punkt" and table rows (of Word, HTML and ruled PDF tables, the last found by pdfplumber)
become one line with the cells joined by " | ".

A file that cannot be used raises IngestError with one short Swedish reason, shown to the user.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import docx
import pdfplumber
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import UnicodeDammit
from bs4.element import PreformattedString
from docx.document import Document as DocxDocument
from docx.opc.exceptions import OpcError
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError
from pdfplumber.page import Page as PlumberPage
from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest.document import PAGE_BREAK, TABLE_CELL_SEPARATOR, IngestError, LoadedDocument
from settings import IngestSettings

# --- Reasons shown to the user ----------------------------------------------------------------

NOT_FOUND = "filen finns inte"
BROKEN_LINK = "länken leder inte till någon fil (en bruten länk, eller länkar i en slinga)"
IS_DIRECTORY = "sökvägen är en mapp, inte en fil"
EMPTY_FILE = "filen är tom"
NO_TEXT = "filen innehåller ingen text"
BINARY_CONTENT = "filen innehåller binärdata, inte text (fel filändelse eller skadad fil?)"
INVALID_PDF = "filen är inte en giltig PDF (skadad eller trunkerad)"
PDF_PASSWORD = "PDF:en är lösenordsskyddad; ta bort lösenordet och försök igen"
PDF_NEEDS_CRYPTOGRAPHY = "PDF:en är AES-krypterad; läsningen kräver Python-paketet cryptography"
PDF_NO_PAGES = "PDF:en har inga sidor"
PDF_NO_TEXT_LAYER = (
    "PDF:en saknar textlager – troligen inskannad; text i bilder läses inte (ingen OCR), "
    "så kör OCR på filen först"
)
INVALID_DOCX = "filen är inte ett giltigt Word-dokument (.docx) – skadad, eller ett annat format"
UNDECODABLE_HTML = "HTML-filens teckenkodning gick inte att avgöra"
TOO_DEEP = (
    "filen är för djupt nästlad för att läsas (trasig eller konstruerad för att fälla läsaren)"
)


def _too_large(size_mb: float, limit_mb: float) -> str:
    return (
        f"filen är {size_mb:.1f} MB; den största som läses in är {limit_mb:g} MB "
        "(inställningen PLANASSISTENT_INGEST__MAX_FILE_MB)"
    )


def _too_long(chars: int, limit: int) -> str:
    return (
        f"texten är {chars:,} tecken; den längsta som läses in är {limit:,} tecken "
        "(inställningen PLANASSISTENT_INGEST__MAX_TEXT_CHARS)"
    ).replace(",", " ")


def _unsupported_format(suffix: str) -> str:
    shown = suffix or "(ingen filändelse)"
    return f"filformatet {shown} stöds inte (stöds: {', '.join(SUPPORTED_SUFFIXES)})"


def _unreadable(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "filen kunde inte läsas – behörighet saknas"
    return f"filen kunde inte läsas ({error.strerror or error})"


# --- Entry point ------------------------------------------------------------------------------


def load_document(path: Path, limits: IngestSettings | None = None) -> LoadedDocument:
    """Read `path` and return its text, or raise IngestError saying why it cannot be used. A file
    larger than ``limits.max_file_mb`` is refused before it is read, a text longer than
    ``limits.max_text_chars`` before it is processed: one huge upload must not tie up the
    machine for hours."""
    path = Path(path)
    limits = limits or IngestSettings()
    file_format = _format_of(path)
    _check_size(path, limits.max_file_mb)
    raw = _read_bytes(path)
    if not raw:
        raise IngestError(path, EMPTY_FILE)
    try:
        text = _normalise_newlines(file_format.load(path, raw))
    except RecursionError as error:  # deeply nested HTML or XML exhausts the parsers' recursion
        raise IngestError(path, TOO_DEEP) from error
    if not text.strip():
        raise IngestError(path, NO_TEXT)
    if len(text) > limits.max_text_chars:
        raise IngestError(path, _too_long(len(text), limits.max_text_chars))
    # Text from pdftotext keeps its form feeds: those are real pages too.
    paged = file_format.paged or PAGE_BREAK in text
    return LoadedDocument(path=path, sha256=hashlib.sha256(raw).hexdigest(), text=text, paged=paged)


def _format_of(path: Path) -> _Format:
    # Existence is checked first: "the file does not exist" is the more useful answer for a typo.
    if not path.exists():
        raise IngestError(path, BROKEN_LINK if path.is_symlink() else NOT_FOUND)
    if path.is_dir():
        raise IngestError(path, IS_DIRECTORY)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise IngestError(path, _unsupported_format(suffix))
    return _FORMATS[suffix]


def _check_size(path: Path, limit_mb: float) -> None:
    try:
        size_mb = path.stat().st_size / 1_000_000
    except OSError as error:
        raise IngestError(path, _unreadable(error)) from error
    if size_mb > limit_mb:
        raise IngestError(path, _too_large(size_mb, limit_mb))


def _read_bytes(path: Path) -> bytes:
    # One read serves both the hash and the parser, so the hash is of exactly the parsed bytes.
    try:
        return path.read_bytes()
    except OSError as error:
        raise IngestError(path, _unreadable(error)) from error


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Plain text and Markdown ------------------------------------------------------------------

#: Above this share of control characters a decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.05
#: Control characters (Unicode category Cc) except those that belong in text: \t \n \v \f \r
#: (\f is how pdftotext marks pages).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _load_text(path: Path, raw: bytes) -> str:
    text = _decode_text(path, raw)
    _ensure_textual(path, text)
    return text


def _decode_text(path: Path, raw: bytes) -> str:
    """Decode UTF-8 (BOM or not), UTF-16 with a BOM, or legacy Windows cp1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode" is UTF-16 with a BOM; without this it would look like binary data.
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise IngestError(path, BINARY_CONTENT) from error
    if b"\x00" in raw:
        raise IngestError(path, BINARY_CONTENT)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # A mostly-UTF-8 file with a few stray bytes (e.g. pasted from a cp1252 file) would turn every
    # å, ä and ö into mojibake if decoded as cp1252; losing the few stray bytes is the lesser harm.
    if _mostly_utf8(raw):
        return raw.decode("utf-8-sig", errors="replace")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:  # bytes that cp1252 leaves undefined: not Swedish text
        raise IngestError(path, BINARY_CONTENT) from error


def _mostly_utf8(raw: bytes) -> bool:
    """True when valid UTF-8 multi-byte characters outnumber the invalid bytes."""
    lenient = raw.decode("utf-8", errors="replace")
    invalid = lenient.count("\ufffd")
    valid_non_ascii = sum(1 for char in lenient if ord(char) > 0x7F) - invalid
    return valid_non_ascii > invalid


def _ensure_textual(path: Path, text: str) -> None:
    """Reject decoded bytes that are binary data: NUL bytes or many control characters."""
    controls = len(_BINARY_CONTROL.findall(text))
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise IngestError(path, BINARY_CONTENT)


# --- PDF --------------------------------------------------------------------------------------


def _load_pdf(path: Path, raw: bytes) -> str:
    reader = _open_pdf(path, raw)
    pages = _pdf_pages(path, reader)
    page_texts = [_pdf_page_text(path, number, page) for number, page in enumerate(pages, 1)]
    if not any(text.strip() for text in page_texts):
        raise IngestError(path, PDF_NO_TEXT_LAYER)
    with_tables = _pdf_texts_with_tables(raw, len(pages))
    page_texts = [tabled or text for tabled, text in zip(with_tables, page_texts, strict=True)]
    # Pages without text (a scanned appendix, a blank page) stay as empty pages, so the page
    # numbers that later stages count from PAGE_BREAK match the PDF's own page numbers.
    return PAGE_BREAK.join(page_texts)


def _open_pdf(path: Path, raw: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(raw))
    except Exception as error:
        # pypdf raises more than its own PyPdfError on malformed input (ValueError, KeyError,
        # struct.error, ...); whichever it is, the file is not a PDF we can read.
        raise IngestError(path, INVALID_PDF) from error
    _decrypt_pdf(path, reader)
    return reader


def _decrypt_pdf(path: Path, reader: PdfReader) -> None:
    """Open PDFs that are encrypted with an empty user password (only "protected" from editing)."""
    if not reader.is_encrypted:
        return
    try:
        result = reader.decrypt("")
    except DependencyError as error:
        raise IngestError(path, PDF_NEEDS_CRYPTOGRAPHY) from error
    except Exception as error:
        raise IngestError(path, INVALID_PDF) from error
    if result == PasswordType.NOT_DECRYPTED:
        raise IngestError(path, PDF_PASSWORD)


def _pdf_pages(path: Path, reader: PdfReader) -> list[PageObject]:
    try:
        pages = list(reader.pages)
    except Exception as error:  # a broken page tree; see _open_pdf on the exception types
        raise IngestError(path, INVALID_PDF) from error
    if not pages:
        raise IngestError(path, PDF_NO_PAGES)
    return pages


def _pdf_page_text(path: Path, number: int, page: PageObject) -> str:
    try:
        # "plain" follows the content stream, which keeps each column of a multi-column page
        # together; "layout" interleaves the columns line by line and pads with runs of spaces.
        text = page.extract_text(extraction_mode="plain")
    except Exception as error:  # see _open_pdf on the exception types
        raise IngestError(path, f"sidan {number} i PDF:en kunde inte läsas (skadad)") from error
    # A form feed inside a page would be read as a page break and shift all later page numbers.
    return text.replace(PAGE_BREAK, "\n")


def _pdf_texts_with_tables(raw: bytes, count: int) -> list[str | None]:
    """Per page, the text with its ruled tables as rows of cells (one line per row, cells joined
    by TABLE_CELL_SEPARATOR, at the table's place), read with pdfplumber; None for a page without
    such a table, whose text from pypdf stands. pdfplumber reads the whole page in reading order
    line by line, so only pages with tables are taken from it: pypdf keeps the columns of a
    multi-column page together. A file that pdfplumber cannot read keeps pypdf's text throughout
    (pypdf has already accepted it)."""
    try:
        with pdfplumber.open(io.BytesIO(raw), password="") as pdf:
            return [_pdf_page_with_tables(page) for page in pdf.pages[:count]]
    except Exception:  # pdfminer fails on other files than pypdf, in its own ways
        return [None] * count


def _pdf_page_with_tables(page: PlumberPage) -> str | None:
    tables = sorted(page.find_tables(), key=lambda table: table.bbox[1])
    if not tables:
        return None
    outside = page.filter(lambda obj: not any(_within(obj, table.bbox) for table in tables))
    parts: list[str] = []
    top: float = 0
    for table in tables:
        parts.append(_pdf_band_text(outside, top, table.bbox[1]))
        parts.extend(_table_row([cell or "" for cell in row]) for row in table.extract())
        top = table.bbox[3]
    parts.append(_pdf_band_text(outside, top, page.height))
    text = "\n".join(part for part in parts if part)
    return text.replace(PAGE_BREAK, "\n")


def _within(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    """Whether an object's centre lies in ``bbox`` (a table's cells hold their text)."""
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _pdf_band_text(page: PlumberPage, top: float, bottom: float) -> str:
    """The text between two heights of a page (above, between or below its tables)."""
    if bottom - top < 1:
        return ""
    return page.crop((0, top, page.width, bottom)).extract_text().strip()


# --- Blocks: the shared output shape of the Word and HTML loaders ------------------------------


class _Block(NamedTuple):
    """One paragraph, heading, list item or table of a structured document, as text."""

    text: str
    list_item: bool = False


def _join_blocks(blocks: Iterable[_Block]) -> str:
    """Blank lines between blocks; consecutive list items stay one list (one item per line)."""
    parts: list[str] = []
    previous: _Block | None = None
    for block in blocks:
        if previous is not None:
            parts.append("\n" if previous.list_item and block.list_item else "\n\n")
        parts.append(block.text)
        previous = block
    return "".join(parts)


def _heading(level: int, text: str) -> _Block:
    # A heading must be one line for the sectioner; Markdown has no level beyond 6.
    return _Block("#" * min(level, 6) + " " + " ".join(text.split()))


def _list_item(text: str) -> _Block:
    return _Block("- " + text, list_item=True)


def _table_row(cell_texts: list[str]) -> str:
    """One line per row; a row of only empty cells (a spacer) gives ""."""
    cells = [" ".join(text.split()) for text in cell_texts]
    return TABLE_CELL_SEPARATOR.join(cells) if any(cells) else ""


def _table(rows: Iterable[str]) -> _Block | None:
    lines = [row for row in rows if row]
    return _Block("\n".join(lines)) if lines else None


# --- Word (.docx) -----------------------------------------------------------------------------

#: "Heading 1" is what Word stores for its built-in styles whatever the UI language; "Rubrik 1"
#: comes from Swedish LibreOffice and from templates that name their own styles.
_DOCX_HEADING_STYLE = re.compile(r"(?:heading|rubrik)\s*(\d)", re.IGNORECASE)
_DOCX_TITLE_STYLES = frozenset({"title", "titel", "rubrik"})
_DOCX_LIST_STYLE = re.compile(r"list (?:bullet|number)|punktlista|numrerad lista", re.IGNORECASE)
#: Guards the walk up a style's base styles against a (malformed) cycle.
_MAX_STYLE_DEPTH = 10


def _load_docx(path: Path, raw: bytes) -> str:
    document = _open_docx(path, raw)
    return _join_blocks(_docx_blocks(document))


def _open_docx(path: Path, raw: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(raw))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as error:
        # Not a zip (an old .doc, a renamed file), or a zip without a Word document in it.
        raise IngestError(path, INVALID_DOCX) from error


def _docx_blocks(document: DocxDocument) -> Iterator[_Block]:
    # iter_inner_content walks the body's children in order, so tables stay where they stand.
    for item in document.iter_inner_content():
        block = _paragraph_block(item) if isinstance(item, Paragraph) else _docx_table(item)
        if block is not None:
            yield block


def _paragraph_block(paragraph: Paragraph) -> _Block | None:
    text = paragraph.text.strip()
    if not text:
        return None
    level = _heading_level(paragraph)
    if level is not None:
        return _heading(level, text)
    if _is_list_paragraph(paragraph):
        return _list_item(text)
    return _Block(text)


def _style_chain(paragraph: Paragraph) -> Iterator[ParagraphStyle]:
    """The paragraph's style and the styles it is based on, nearest first."""
    style: ParagraphStyle | None = paragraph.style
    for _ in range(_MAX_STYLE_DEPTH):
        if style is None:
            return
        yield style
        style = style.base_style


def _heading_level(paragraph: Paragraph) -> int | None:
    # Walking the base styles recognises a template's "Rubrik 1 Kommun" built on Heading 1.
    for style in _style_chain(paragraph):
        name = (style.name or "").strip()
        if name.lower() in _DOCX_TITLE_STYLES:
            return 1
        if match := _DOCX_HEADING_STYLE.fullmatch(name):
            return int(match[1])
    return None


def _is_list_paragraph(paragraph: Paragraph) -> bool:
    own = _numbering(paragraph._p)
    if own is not None:
        return own
    for style in _style_chain(paragraph):
        if _DOCX_LIST_STYLE.match(style.name or ""):
            return True
        inherited = _numbering(style.element)
        if inherited is not None:
            return inherited
    return False


def _numbering(element: BaseOxmlElement) -> bool | None:
    """Whether a paragraph or style element turns numbering on (True), off (False) or neither."""
    numbering_ids: list[str] = element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
    if not numbering_ids:
        return None
    return numbering_ids[0] != "0"  # numId 0 is Word's "no numbering here", overriding the style


def _docx_table(table: Table) -> _Block | None:
    return _table(_docx_row(row) for row in table.rows)


def _docx_row(row: _Row) -> str:
    return _table_row([_docx_cell_text(cell) for cell in _distinct_cells(row)])


def _distinct_cells(row: _Row) -> list[_Cell]:
    # python-docx repeats a horizontally merged cell once per grid column it spans.
    cells: list[_Cell] = []
    for cell in row.cells:
        if not cells or cell._tc is not cells[-1]._tc:
            cells.append(cell)
    return cells


def _docx_cell_text(cell: _Cell) -> str:
    """The cell's paragraphs and any nested table, flattened onto one line."""
    parts = [
        item.text if isinstance(item, Paragraph) else " ".join(_docx_row(r) for r in item.rows)
        for item in cell.iter_inner_content()
    ]
    return " ".join(parts)


# --- HTML -------------------------------------------------------------------------------------

#: Elements whose text is not document content: code, navigation, page chrome.
_HTML_DROPPED = ("head", "script", "style", "noscript", "template", "nav", "footer", "svg")
_HTML_HEADINGS = {f"h{level}": level for level in range(1, 7)}
#: Elements that start a new block of text; everything else is inline.
_HTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "header", "hr", "html",
        "li", "main", "ol", "p", "section", "summary", "td", "th", "tr", "ul",
    }
)  # fmt: skip
#: HTML collapses only ASCII whitespace; a no-break space is content and is kept.
_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


def _load_html(path: Path, raw: bytes) -> str:
    markup = _decode_html(path, raw)
    _ensure_textual(path, markup)
    soup = BeautifulSoup(markup, "html.parser")
    for element in soup.find_all(list(_HTML_DROPPED)):
        element.decompose()
    for element in soup.find_all(hidden=True):
        element.decompose()
    collector = _HtmlBlockCollector()
    collector.visit(soup)
    return _join_blocks(collector.finish())


def _decode_html(path: Path, raw: bytes) -> str:
    # The page's own <meta charset> or BOM wins; without one, try UTF-8 and then cp1252 before
    # any statistical guess (which takes short Swedish texts for Central European cp1250).
    dammit = UnicodeDammit(raw, user_encodings=["utf-8", "cp1252"], is_html=True)
    if dammit.unicode_markup is None:
        raise IngestError(path, UNDECODABLE_HTML)
    return dammit.unicode_markup


def _collapse(text: str) -> str:
    return _HTML_WHITESPACE.sub(" ", text).strip()


def _is_text(node: object) -> bool:
    # Comments, doctypes and CDATA are NavigableStrings too, but not text the reader sees.
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _inline_text(tag: Tag) -> str:
    """All text under `tag` on one line; line breaks and inner blocks become spaces."""
    pieces: list[str] = []
    for node in tag.descendants:
        if isinstance(node, Tag) and (node.name == "br" or node.name in _HTML_BLOCKS):
            pieces.append(" ")
        elif _is_text(node):
            pieces.append(str(node))
    return _collapse("".join(pieces))


def _html_table(table: Tag) -> Iterator[_Block]:
    caption = table.find("caption")
    if isinstance(caption, Tag) and (caption_text := _inline_text(caption)):
        yield _Block(caption_text)
    # Rows of a nested table belong to the outer cell that holds it, not to this table.
    own_rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    block = _table(_html_row(tr) for tr in own_rows)
    if block is not None:
        yield block


def _html_row(tr: Tag) -> str:
    return _table_row([_inline_text(cell) for cell in tr.find_all(["td", "th"], recursive=False)])


class _HtmlBlockCollector:
    """Walks the parsed page and gathers its blocks, joining inline text into paragraphs."""

    def __init__(self) -> None:
        self._blocks: list[_Block] = []
        self._lines: list[list[str]] = [[]]  # inline text so far; a new line after each <br>
        self._in_list_item = False

    def visit(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self._visit_tag(child)
            elif _is_text(child):
                self._lines[-1].append(str(child))

    def finish(self) -> list[_Block]:
        self._flush()
        return self._blocks

    def _visit_tag(self, tag: Tag) -> None:
        name = tag.name
        if name in _HTML_HEADINGS:
            self._flush()
            if text := _inline_text(tag):
                self._blocks.append(_heading(_HTML_HEADINGS[name], text))
        elif name == "table":
            self._flush()
            self._blocks.extend(_html_table(tag))
        elif name == "pre":
            self._flush()
            if text := tag.get_text().strip("\n"):  # preformatted: whitespace is content
                self._blocks.append(_Block(text))
        elif name == "br":
            self._lines.append([])
        elif name == "li":
            self._flush()
            self._in_list_item = True
            self.visit(tag)
            self._flush()
            self._in_list_item = False  # an item without text must not mark the next block
        elif name in _HTML_BLOCKS:
            self._flush()
            self.visit(tag)
            self._flush()
        else:
            self.visit(tag)

    def _flush(self) -> None:
        lines = (_collapse("".join(pieces)) for pieces in self._lines)
        text = "\n".join(line for line in lines if line)
        if text:
            self._blocks.append(_list_item(text) if self._in_list_item else _Block(text))
            # The item's text is used up: a nested list or a second paragraph in the same <li>
            # is not this item's text. An empty flush (e.g. before <li><p>) keeps the mark.
            self._in_list_item = False
        self._lines = [[]]


# --- Dispatch ---------------------------------------------------------------------------------


class _Format(NamedTuple):
    load: Callable[[Path, bytes], str]
    paged: bool


_FORMATS: dict[str, _Format] = {
    ".txt": _Format(_load_text, paged=False),
    ".md": _Format(_load_text, paged=False),
    ".markdown": _Format(_load_text, paged=False),
    ".pdf": _Format(_load_pdf, paged=True),
    ".docx": _Format(_load_docx, paged=False),
    ".html": _Format(_load_html, paged=False),
    ".htm": _Format(_load_html, paged=False),
}

#: File suffixes load_document accepts (lower case, with the dot), e.g. for a file picker.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_FORMATS)
