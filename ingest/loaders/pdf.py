"""PDF: the text layer of each page, read with pypdf, and the pages with ruled tables read again
with pdfplumber so that each table row becomes one line of cells.

Two parsers because each is good at one thing: pypdf keeps the columns of a multi-column page
together, pdfplumber finds the cells of a ruled table. Pages are joined with PAGE_BREAK."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pdfplumber
from pdfplumber.page import Page as PlumberPage
from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest.document import PAGE_BREAK, IngestError
from ingest.loaders.reasons import (
    INVALID_PDF,
    PDF_NEEDS_CRYPTOGRAPHY,
    PDF_NO_PAGES,
    PDF_NO_TEXT_LAYER,
    PDF_PASSWORD,
)
from ingest.loaders.structured import table_row


def load_pdf(path: Path, raw: bytes) -> str:
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
        parts.extend(table_row([cell or "" for cell in row]) for row in table.extract())
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
