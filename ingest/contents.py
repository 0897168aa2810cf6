"""Tables of contents: dropped from the text, and the titles they list kept as heading evidence.

An entry is a title with a page number: after a dot leader ("Inledning.....4", "..60", two
columns interleaved on one line), after a tab ("Inledning<TAB>3") or a space ("Syftet med Mål och
budget 4"). A long title wraps onto the next line. A contents block starts at its "Innehåll" /
"Innehållsförteckning" line or at two dotted entries, and ends at the first line that is neither
an entry nor a title wrapping onto one. Dotted budget rows end in amounts, not in page numbers
("Vuxenvård..... 142 200"), and stay.

The titles a table of contents lists are the document's headings: the lines that print them are
marked (``Line.listed``) with the level the entry has, so that the block builder takes them for
headings even where their shape alone would not tell ("10. Allmänt", listed as "1. Allmänt").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import islice

from ingest.headings import is_letter_spaced
from ingest.lines import Line, Listing, text_lines_after

_TITLE = re.compile(r"^#*\s*innehåll(?:sförteckning)?\s*:?$", re.IGNORECASE)
_LEADER = r"(?:\.{2,}|…{2,}|(?:\. ){3,})\s*\d{1,3}"
#: A dot leader and page number ending the line; a line of two columns has one before, too.
#: A price list ends in its unit ("Besök ......200 kr").
_DOTTED = re.compile(_LEADER + "$")
#: Three dots at least, to start a block.
_DOTTED_START = re.compile(_LEADER.replace("{2,}", "{3,}", 1) + "$")
#: Where the titles of an interleaved line part.
_LEADER_INSIDE = re.compile(_LEADER + r"(?=$|\s+[^\W\d_])")
#: A title and a page number after white space: only inside a block.
_PAGE_REF = re.compile(r"^(?=.*[^\W\d_])(.*?\S)\s+(\d{1,3})$")
#: How a heading starts and ends: not a list item, a sentence or a line that a sentence wraps.
_HEADING_SHAPE = re.compile(r"^[\dA-ZÅÄÖ].*[^.,;]$|^[\dA-ZÅÄÖ]$")
#: An entry of a protocol's list of paragraphs.
_PARAGRAPH_ENTRY = re.compile(r"^§\s*\d{1,4}\s+\S.*\s\d{1,3}$")
_NUMBERING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=\S)")
_NOT_WORD = re.compile(r"[\W_]+")
#: A title that wraps: at most this many lines without a page number before the one with it.
MAX_WRAPPED = 2
MAX_ENTRY_WORDS = 20
MIN_ENTRIES = 2
#: Pages a table of contents may skip between two entries without dot leaders.
MAX_PAGE_JUMP = 50


@dataclass(frozen=True)
class _Entry:
    title: str
    level: int | None


def title_key(text: str) -> str:
    """A title compared across its table-of-contents entry and its heading: without numbering,
    case, punctuation, spaces and the hyphen of a wrapped word."""
    return _NOT_WORD.sub("", _NUMBERING.sub("", text).lower())


def drop_contents(lines: list[Line]) -> list[Line]:
    """The lines without their tables of contents; the lines after a table of contents that print
    one of its titles are marked."""
    drop: set[int] = set()
    marked = list(lines)
    index = 0
    while index < len(lines):
        found = _block_at(lines, index)
        if found is None:
            index += 1
            continue
        block, entries = found
        drop.update(block)
        index = max(block) + 1
        _mark_listed(marked, index, entries)
    return [line for i, line in enumerate(marked) if i not in drop]


def _block_at(lines: list[Line], index: int) -> tuple[set[int], list[_Entry]] | None:
    text = lines[index].text
    if _TITLE.match(text):
        start, title = index + 1, {index}
    elif _starts_untitled_block(lines, index):
        start, title = index, set()
    else:
        return None
    taken, raw_entries = _entries_from(lines, start)
    if len(raw_entries) < MIN_ENTRIES:
        return None
    taken |= title
    leftover = _unnumbered_leftovers(lines, max(taken) + 1)
    raw_entries += [[lines[i].text] for i in leftover]
    return taken | set(leftover), _with_levels(raw_entries)


def _starts_untitled_block(lines: list[Line], index: int) -> bool:
    """Dotted entries, or a protocol's list of paragraphs ("§ 107 Internkontrollplan 2026 6"),
    with another one of their kind within the next lines."""
    text = lines[index].text
    following = [lines[i].text for i in islice(text_lines_after(lines, index), 3)]
    if _DOTTED_START.search(text):
        return any(_DOTTED.search(other) for other in following)
    if _PARAGRAPH_ENTRY.match(text):
        return bool(following) and _PARAGRAPH_ENTRY.match(following[0]) is not None
    return False


def _entries_from(lines: list[Line], start: int) -> tuple[set[int], list[list[str]]]:
    """The block's lines and its entries, each as the printed pieces of one or more titles.
    Without a dot leader, a page number must follow the one before, a little further on: a
    table row that ends in an amount ("Summa 12 400") does not."""
    taken: set[int] = set()
    entries: list[list[str]] = []
    pending: list[int] = []
    last_page = 0
    for index in range(start, len(lines)):
        text = lines[index].text
        if not text:
            continue
        page = _page_of(text)
        dotted = _DOTTED.search(text) is not None
        if dotted or (page is not None and last_page <= page <= last_page + MAX_PAGE_JUMP):
            entries.append([lines[i].text for i in pending] + [text])
            taken.update([*pending, index])
            pending = []
            last_page = last_page if dotted or page is None else page
        elif len(pending) < MAX_WRAPPED and _may_wrap(text):
            pending.append(index)
        else:
            break
    return taken, entries


def _page_of(text: str) -> int | None:
    """The page number of an entry without a dot leader."""
    ref = _PAGE_REF.match(text)
    if ref is None or len(text.split()) > MAX_ENTRY_WORDS:
        return None
    return int(ref.group(2))


def _may_wrap(text: str) -> bool:
    return len(text.split()) <= MAX_ENTRY_WORDS // 2 and not text.endswith((".", "!", "?", ";"))


def _unnumbered_leftovers(lines: list[Line], start: int) -> list[int]:
    """Entries without a page number right after the block ("Bilaga 1: Riktlinjer för ekonomisk
    styrning"): known by their title printed again further on, as a heading."""
    leftovers: list[int] = []
    for index in range(start, len(lines)):
        text = lines[index].text
        if not text:
            continue
        key = title_key(text)
        if not key or not _may_wrap(text):
            break
        if not any(title_key(line.text) == key for line in lines[index + 1 :]):
            break
        leftovers.append(index)
    return leftovers


def _with_levels(raw_entries: list[list[str]]) -> list[_Entry]:
    """Titles with their level: numbering depth; else capitals over mixed case; else an
    unnumbered entry is at the top before the first numbered one and one below it after."""
    titles: list[str] = []
    for title in (title for pieces in raw_entries for title in _titles(pieces)):
        if titles and title[0].islower():
            titles[-1] += " " + title  # a wrapped title with the page number on both lines
        else:
            titles.append(title)
    caps = [t.isupper() for t in titles]
    mixed_case = any(caps) and not all(caps)
    entries: list[_Entry] = []
    depth: int | None = None
    for title, upper in zip(titles, caps, strict=True):
        numbering = _NUMBERING.match(title)
        if numbering:
            depth = numbering.group(1).count(".") + 1
            entries.append(_Entry(title, depth))
        elif mixed_case:
            entries.append(_Entry(title, 1 if upper else 2))
        else:
            entries.append(_Entry(title, 1 if depth is None else depth + 1))
    return entries


def _titles(pieces: list[str]) -> list[str]:
    """The titles in the printed pieces of one entry: the columns of an interleaved line are
    separate titles; the pieces of a wrapped title are one."""
    joined = " ".join(pieces)
    parts = [part.strip() for part in _LEADER_INSIDE.split(joined)]
    if len(parts) == 1:
        ref = _PAGE_REF.match(joined)
        parts = [ref.group(1) if ref else joined]
    return [part for part in parts if title_key(part)]


def _mark_listed(lines: list[Line], start: int, entries: list[_Entry]) -> None:
    """Mark the lines from ``start`` on that print the titles, alone or wrapped over two lines.
    A table of contents lists its headings in their order: of the lines that print a title (a
    heading, but also a list of the chapters in the introduction), those that follow the order of
    the entries in the longest run are the headings."""
    wanted = [title_key(entry.title) for entry in entries]
    candidates = _title_lines(lines, start, set(wanted))
    # Longest common subsequence of the entries and the candidate lines; of equally long ones,
    # the one with most lines that stand alone: a heading is followed by its text, a list of
    # titles by the next title.
    alone = _standing_alone(lines, [index for index, _ in candidates])
    rows, cols = len(wanted), len(candidates)
    longest = [[0] * (cols + 1) for _ in range(rows + 1)]

    def gain(i: int, j: int) -> int:
        return 2 + alone[j] if wanted[i] in candidates[j][1] else 0

    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            match = gain(i, j) + longest[i + 1][j + 1] if gain(i, j) else 0
            longest[i][j] = max(match, longest[i + 1][j], longest[i][j + 1])
    i = j = 0
    while i < rows and j < cols:
        index, spans = candidates[j]
        if gain(i, j) and longest[i][j] == gain(i, j) + longest[i + 1][j + 1]:
            listing = Listing(spans[wanted[i]], entries[i].level or 1, entries[i].title)
            lines[index] = replace(lines[index], listed=listing)
            i, j = i + 1, j + 1
        elif longest[i + 1][j] >= longest[i][j + 1]:
            i += 1
        else:
            j += 1


def _standing_alone(lines: list[Line], indexes: list[int]) -> list[int]:
    """1 for each candidate line whose neighbours are no candidates, else 0."""
    texts = [i for i, line in enumerate(lines) if line.text]
    position = {index: p for p, index in enumerate(texts)}
    taken = set(indexes)
    alone = []
    for index in indexes:
        p = position[index]
        neighbours = texts[max(p - 1, 0) : p] + texts[p + 1 : p + 2]
        alone.append(int(not taken.intersection(neighbours)))
    return alone


def _title_lines(lines: list[Line], start: int, keys: set[str]) -> list[tuple[int, dict[str, int]]]:
    """The lines from ``start`` on that print a title: its key and how many lines it spans."""
    texts = [i for i in range(start, len(lines)) if lines[i].text]
    found: list[tuple[int, dict[str, int]]] = []
    for position, index in enumerate(texts):
        text = lines[index].text
        if not _HEADING_SHAPE.match(text) or is_letter_spaced(text):
            continue
        key = title_key(lines[index].text)
        spans = {key: 1} if key in keys else {}
        if position + 1 < len(texts):
            wrapped = key + title_key(lines[texts[position + 1]].text)
            if wrapped in keys:
                spans.setdefault(wrapped, 2)
        if key and spans:
            found.append((index, spans))
    return found
