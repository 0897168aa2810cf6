"""Word (.docx): paragraphs, headings (by style, following the styles a template builds on),
list items (by style or numbering) and tables, in the body's order, as blocks."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import OpcError
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from ingest.document import IngestError
from ingest.loaders.reasons import INVALID_DOCX
from ingest.loaders.structured import Block, heading, join_blocks, list_item, table, table_row

#: "Heading 1" is what Word stores for its built-in styles whatever the UI language; "Rubrik 1"
#: comes from Swedish LibreOffice and from templates that name their own styles.
_DOCX_HEADING_STYLE = re.compile(r"(?:heading|rubrik)\s*(\d)", re.IGNORECASE)
_DOCX_TITLE_STYLES = frozenset({"title", "titel", "rubrik"})
_DOCX_LIST_STYLE = re.compile(r"list (?:bullet|number)|punktlista|numrerad lista", re.IGNORECASE)
#: Guards the walk up a style's base styles against a (malformed) cycle.
_MAX_STYLE_DEPTH = 10


def load_docx(path: Path, raw: bytes) -> str:
    document = _open_docx(path, raw)
    return join_blocks(_docx_blocks(document))


def _open_docx(path: Path, raw: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(raw))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as error:
        # Not a zip (an old .doc, a renamed file), or a zip without a Word document in it.
        raise IngestError(path, INVALID_DOCX) from error


def _docx_blocks(document: DocxDocument) -> Iterator[Block]:
    # iter_inner_content walks the body's children in order, so tables stay where they stand.
    for item in document.iter_inner_content():
        block = _paragraph_block(item) if isinstance(item, Paragraph) else _docx_table(item)
        if block is not None:
            yield block


def _paragraph_block(paragraph: Paragraph) -> Block | None:
    text = paragraph.text.strip()
    if not text:
        return None
    level = _heading_level(paragraph)
    if level is not None:
        return heading(level, text)
    if _is_list_paragraph(paragraph):
        return list_item(text)
    return Block(text)


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


def _docx_table(docx_table: Table) -> Block | None:
    return table(_docx_row(row) for row in docx_table.rows)


def _docx_row(row: _Row) -> str:
    return table_row([_docx_cell_text(cell) for cell in _distinct_cells(row)])


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
