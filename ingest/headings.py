"""Heading shapes that no other line has: a protocol's paragraphs and letter-spaced capitals.

A protocol is divided into paragraphs: "§ 112 Ekonomisk uppföljning", or "§ 112" / "§ 112  Dnr SN
2025/0231" above a title line. The paragraph number stays in the heading, a diarienummer does not
(it stays in the text, as a line of its own). A "§" inside prose ("enligt 4 kap. 1 § SoL") never
starts a line with its number after it, and so is never a heading.

Financial statements set their headings letter by letter ("D R IF T R E D O V IS N IN G"). Such a
heading is shown with its letters joined ("DRIFTREDOVISNING"): like a word rejoined across a line
break, this undoes layout, not words. Headings are never quoted as evidence (a chunk's units are
its sentences, list items and table rows), so the rendered heading need not match the page letter
for letter. Where the words of a letter-spaced line began cannot be seen; they stay joined.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ingest.document import TABLE_CELL_SEPARATOR

#: The heading kind of a protocol paragraph.
PARAGRAPH_KIND = "para"
_PARAGRAPH = re.compile(r"^§\s*(\d{1,4})(?:\s+(.*))?$")
_DIARY_NUMBER = re.compile(r"\b(?:Dnr|Diarienummer|Diarienr)\b[.:]?\s*\S.*$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
#: A letter-spaced line: mostly one-letter tokens, and enough of them to be no abbreviation list.
MIN_SPACED_TOKENS = 4
SPACED_SHARE = 0.6
CAPITALS_SHARE = 0.75
SPELLED_SHARE = 0.9
MIN_WORD = 3
#: Longer than any Swedish word in use (the longest in the example plans and corpus-more have 31
#: letters): a longer run of letters is no word to spell a heading from. Without the bound, a text
#: of one 100,000-letter "word" took 5 GB for its beginnings (all of them kept, for every length).
LONGEST_WORD = 60


@dataclass(frozen=True)
class ParagraphLine:
    number: int
    #: The title on the same line, if any ("Ekonomisk uppföljning").
    title: str
    #: The diarienummer on the same line ("Dnr SN 2025/0231"), if any.
    diary_number: str


def paragraph_line(text: str) -> ParagraphLine | None:
    """The parts of a line that opens a protocol paragraph, else None."""
    match = _PARAGRAPH.match(text)
    if not match:
        return None
    rest = (match.group(2) or "").strip()
    diary = _DIARY_NUMBER.search(rest)
    title = rest[: diary.start()].strip(" –-,") if diary else rest
    return ParagraphLine(int(match.group(1)), title, diary.group(0) if diary else "")


def diary_number(text: str) -> bool:
    """A line that holds a diarienummer ("Dnr SN 2025/0231")."""
    return _DIARY_NUMBER.match(text) is not None


def is_letter_spaced(text: str) -> bool:
    """Set letter by letter: "D R IF T", "F o r d r in g a r"."""
    tokens = text.split()
    single = sum(1 for token in tokens if len(token) == 1)
    return len(tokens) >= MIN_SPACED_TOKENS and single >= SPACED_SHARE * len(tokens)


def letter_spaced_capitals(text: str, word_starts: frozenset[str]) -> str | None:
    """The letters of a letter-spaced line of capitals joined ("D R I F T" → "DRIFT"), else None.
    The joined letters must spell words of the document (``word_starts`` holds its words and
    their beginnings): text from a figure comes out letter by letter too, as no words. A comma or
    bracket keeps a space on its outer side ("DRIFTREDOVISNING, mnkr")."""
    # A table row read from a Word, HTML or PDF table has one-character cells ("IFO | - | 1 200").
    if not is_letter_spaced(text) or TABLE_CELL_SEPARATOR in text:
        return None
    tokens = text.split()
    letters = _LETTER.findall(text)
    if not letters or sum(c.isupper() for c in letters) < CAPITALS_SHARE * len(letters):
        return None
    if _spelled_share("".join(letters).lower(), word_starts) < SPELLED_SHARE:
        return None
    joined = "".join(tokens)
    return re.sub(r"\s*\(\s*", " (", re.sub(r",(?=\S)", ", ", joined)).strip()


def words_and_beginnings(vocabulary: set[str]) -> frozenset[str]:
    """The words and their beginnings of four letters or more ("balansräkning" of
    "balansräkningen"): what a compound in letter-spaced capitals is spelled from."""
    words = {word for word in vocabulary if len(word) <= LONGEST_WORD}
    return frozenset(words | {w[:n] for w in words for n in range(4, len(w))})


def _spelled_share(letters: str, known: frozenset[str]) -> float:
    """The share of the letters that known words of three letters or more spell."""

    @functools.cache
    def spelled(start: int) -> int:
        if start >= len(letters):
            return 0
        words = (
            end - start + spelled(end)
            for end in range(start + MIN_WORD, min(start + LONGEST_WORD, len(letters)) + 1)
            if letters[start:end] in known
        )
        return max([spelled(start + 1), *words])

    return spelled(0) / len(letters)
