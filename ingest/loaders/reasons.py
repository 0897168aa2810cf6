"""The reasons, in Swedish, why a file cannot be used: shown to the user as they stand.

Kept apart from the loaders so that every format says the same thing for the same fault, and so
that callers (the index builder, the tests) can name a reason without importing a parser."""

from __future__ import annotations

from collections.abc import Iterable

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


def too_large(size_mb: float, limit_mb: float) -> str:
    return (
        f"filen är {size_mb:.1f} MB; den största som läses in är {limit_mb:g} MB "
        "(inställningen PLANASSISTENT_INGEST__MAX_FILE_MB)"
    )


def too_long(chars: int, limit: int) -> str:
    return (
        f"texten är {chars:,} tecken; den längsta som läses in är {limit:,} tecken "
        "(inställningen PLANASSISTENT_INGEST__MAX_TEXT_CHARS)"
    ).replace(",", " ")


def unsupported_format(suffix: str, supported: Iterable[str]) -> str:
    shown = suffix or "(ingen filändelse)"
    return f"filformatet {shown} stöds inte (stöds: {', '.join(supported)})"


def unreadable(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "filen kunde inte läsas – behörighet saknas"
    return f"filen kunde inte läsas ({error.strerror or error})"
