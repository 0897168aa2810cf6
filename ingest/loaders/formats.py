"""The entry point, load_document: which loader reads which suffix, and the checks every file
passes whatever its format (it exists, is not too large, is not empty, has text, is not too
long).

``ingest.isolation`` sends load_document to the reader process by its module-level name, so it
stays a plain function of this module."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ingest.document import PAGE_BREAK, IngestError, LoadedDocument
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.pdf import load_pdf
from ingest.loaders.reasons import (
    BROKEN_LINK,
    EMPTY_FILE,
    IS_DIRECTORY,
    NO_TEXT,
    NOT_FOUND,
    TOO_DEEP,
    too_large,
    too_long,
    unreadable,
    unsupported_format,
)
from ingest.loaders.text import load_text
from settings import IngestSettings


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
        raise IngestError(path, too_long(len(text), limits.max_text_chars))
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
        raise IngestError(path, unsupported_format(suffix, SUPPORTED_SUFFIXES))
    return _FORMATS[suffix]


def _check_size(path: Path, limit_mb: float) -> None:
    try:
        size_mb = path.stat().st_size / 1_000_000
    except OSError as error:
        raise IngestError(path, unreadable(error)) from error
    if size_mb > limit_mb:
        raise IngestError(path, too_large(size_mb, limit_mb))


def _read_bytes(path: Path) -> bytes:
    # One read serves both the hash and the parser, so the hash is of exactly the parsed bytes.
    try:
        return path.read_bytes()
    except OSError as error:
        raise IngestError(path, unreadable(error)) from error


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Format(NamedTuple):
    load: Callable[[Path, bytes], str]
    paged: bool


_FORMATS: dict[str, _Format] = {
    ".txt": _Format(load_text, paged=False),
    ".md": _Format(load_text, paged=False),
    ".markdown": _Format(load_text, paged=False),
    ".pdf": _Format(load_pdf, paged=True),
    ".docx": _Format(load_docx, paged=False),
    ".html": _Format(load_html, paged=False),
    ".htm": _Format(load_html, paged=False),
}

#: File suffixes load_document accepts (lower case, with the dot), e.g. for a file picker.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_FORMATS)
