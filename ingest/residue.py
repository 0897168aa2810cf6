"""What converters leave behind that is not text: image file names, template instructions, page
numbers that belong to no chain, rotated text that comes out one letter per line, and mirrored
text. Each rule drops only lines that clearly are not a document's words; a one-word list item or
table cell stays.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from ingest.lines import Line

#: A Word image placeholder on its own line: "image1.emf", "image3.jpeg".
_IMAGE_FILE = re.compile(r"^[\w-]+\.(?:emf|wmf|png|jpe?g|gif|bmp|tiff?|svg)$", re.IGNORECASE)
#: Instructions that Swedish Word templates carry in hidden or placeholder text.
_TEMPLATE_INSTRUCTION = re.compile(
    r"^(?:ta inte bort denna rad\b|klicka (?:eller tryck )?här för att (?:ange|skriva)\b)",
    re.IGNORECASE,
)
_LONE_NUMBER = re.compile(r"^\d{1,3}$")
#: A piece of text set vertically: one or two letters, or two such pieces ("o n").
_LETTER_PIECE = re.compile(r"^[^\W\d_]{1,2}(?: [^\W\d_])?$")
#: A word printed mirrored: punctuation before it (".nossealC", ":otoF") or a capital at its
#: end ("naffatS").
_MIRRORED = re.compile(r"^[.:,;!?][^\W\d_]+$|^[^\W\d_]*[a-zåäö][A-ZÅÄÖ]$")
_MIRRORED_START = re.compile(r"^[.:,;!?]")
#: A line of running prose: a page number between two of them is no table cell.
PROSE_WORDS = 6
MIN_VERTICAL_RUN = 4


def drop_residue(lines: list[Line]) -> list[Line]:
    lines = [line for line in lines if not _IMAGE_FILE.match(line.text)]
    lines = _drop_stray_page_numbers(lines)
    lines = [line for line in lines if not _TEMPLATE_INSTRUCTION.match(line.text)]
    lines = _drop_runs(lines, _LETTER_PIECE, _is_vertical_text)
    return _drop_runs(lines, _MIRRORED, _is_mirrored_text)


def _text_indexes(lines: list[Line]) -> list[int]:
    return [index for index, line in enumerate(lines) if line.text]


def _drop_stray_page_numbers(lines: list[Line]) -> list[Line]:
    """A lone number (or the same number repeated) between prose, or between prose and the end of
    the document: a page number that a Word conversion left. Next to other numbers, or after a
    label ("Antal platser:"), it is a value."""
    texts = _text_indexes(lines)
    drop: set[int] = set()
    start = 0
    while start < len(texts):
        if not _LONE_NUMBER.match(lines[texts[start]].text):
            start += 1
            continue
        end = start
        while end + 1 < len(texts) and lines[texts[end + 1]].text == lines[texts[start]].text:
            end += 1
        before = lines[texts[start - 1]].text if start > 0 else None
        after = lines[texts[end + 1]].text if end + 1 < len(texts) else None
        if _is_prose(before) and (after is None or not _LONE_NUMBER.match(after)):
            drop.update(texts[start : end + 1])
        start = end + 1
    return [line for index, line in enumerate(lines) if index not in drop]


def _is_prose(text: str | None) -> bool:
    return text is not None and len(text.split()) >= PROSE_WORDS and not text.endswith(":")


def _drop_runs(
    lines: list[Line], piece: re.Pattern[str], is_residue: Callable[[list[str]], bool]
) -> list[Line]:
    """Drop each run of consecutive text lines that all match ``piece`` when the run as a whole
    ``is_residue``."""
    drop: set[int] = set()
    texts = _text_indexes(lines)
    for matches, group in itertools.groupby(texts, key=lambda i: bool(piece.match(lines[i].text))):
        run = list(group)
        if matches and is_residue([lines[i].text for i in run]):
            drop.update(run)
    return [line for index, line in enumerate(lines) if index not in drop]


def _is_vertical_text(texts: list[str]) -> bool:
    """Letters one by one, and not the same one again and again (a column of "X" in a table)."""
    return len(texts) >= MIN_VERTICAL_RUN and len(set(texts)) >= 3


def _is_mirrored_text(texts: list[str]) -> bool:
    return len(texts) >= 2 and any(_MIRRORED_START.match(text) for text in texts)
