"""Plain text and Markdown: decoding the bytes (UTF-8, UTF-16 with a BOM, or cp1252) and
refusing binary data that only carries a text suffix. The HTML loader checks its decoded markup
with the same test."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ingest.document import IngestError
from ingest.loaders.reasons import BINARY_CONTENT

#: Above this share of control characters a decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.05
#: Control characters (Unicode category Cc) except those that belong in text: \t \n \v \f \r
#: (\f is how pdftotext marks pages).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def load_text(path: Path, raw: bytes) -> str:
    text = _decode_text(path, raw)
    ensure_textual(path, text)
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


def ensure_textual(path: Path, text: str) -> None:
    """Reject decoded bytes that are binary data: NUL bytes or many control characters."""
    controls = len(_BINARY_CONTROL.findall(text))
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise IngestError(path, BINARY_CONTENT)
