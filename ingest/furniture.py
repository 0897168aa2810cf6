"""Page furniture: page numbers, running headers and footers.

Text from pdftotext marks its pages with form feeds. Text from other converters does not, but its
page numbers are still there ("1 (75)", "Sida 3 av 12", a lone "3"): a chain of such lines whose
numbers rise page by page gives the page boundaries back. The lines that repeat at many page
boundaries are running headers and footers ("REGIONPLAN … | INLEDNING", "Justerandes signatur",
a protocol's header block). They are dropped, and so the sentence that a page break cut in two
becomes one again.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from ingest.lines import Line

#: A line that is only a page number: "3", "- 3 -", "Sida 3", "3 (12)", "3(12)", "Sida 3 av 12".
_PAGE_NUMBER = re.compile(
    r"^[-–]?\s*(?:sid(?:a|an)?\.?\s*)?(\d{1,3})"
    r"(?:\s*\(\s*(\d{1,3})\s*\)|\s*(?:av|/)\s*(\d{1,3}))?\s*[-–]?$",
    re.IGNORECASE,
)
#: A header line that ends in its page number: "SAMMANTRÄDESPROTOKOLL Sida 3 av 12",
#: "PROTOKOLL 3(12)".
_PAGE_NUMBER_AT_END = re.compile(
    r"(?:\bsida\s+|\s)(\d{1,3})(?:\s*\(\s*(\d{1,3})\s*\)|\s*(?:av|/)\s*(\d{1,3}))$"
    r"|\bsida\s+(\d{1,3})$",
    re.IGNORECASE,
)
_LETTER_WORD = re.compile(r"[^\W\d_]+")
#: Most page numbers of a chain are this many text lines apart at least; a column of a flattened
#: table ("1", "2", "3" on consecutive lines) is not a chain of pages.
MIN_PAGE_LINES = 5
MIN_CHAIN = 3
#: Page numbers may skip a page or two (full-page figures carry none).
MAX_PAGE_STEP = 3
#: A page longer than this many times the median page is where one numbering ends and the next
#: begins.
LONG_GAP = 6
#: How far from a page's edge a running header or footer can reach (a protocol's header block
#: "SOCIALNÄMNDEN / SAMMANTRÄDESPROTOKOLL / Sammanträdesdatum / 2025-12-09 / Sida 3 av 12").
EDGE_LINES = 8
#: A running header with a changing part ("REGIONPLAN … 2026-2028 | INLEDNING") repeats its first
#: words.
PREFIX_WORDS = 3


@dataclass(frozen=True)
class _PageNumber:
    index: int
    number: int
    #: The page count printed beside it ("3 (12)"), if any.
    total: int | None


def page_number(text: str) -> tuple[int, int | None] | None:
    """The page number (and page count) that a line consists of or ends with, else None."""
    match = _PAGE_NUMBER.match(text) or _PAGE_NUMBER_AT_END.search(text)
    if not match:
        return None
    number, total = match.group(1) or match.group(4), match.group(2) or match.group(3)
    return int(number), int(total) if total else None


def infer_pages(lines: list[Line]) -> list[Line]:
    """Pages from the page numbers of a text without form feeds. A page-number line ends its page;
    lines before the first one are on page 1."""
    if len({line.page for line in lines}) > 1:
        return lines
    candidates = [
        _PageNumber(index, *number)
        for index, line in enumerate(lines)
        if line.text and (number := page_number(line.text))
    ]
    boundaries = {item.index for chain in _page_chains(lines, candidates) for item in chain}
    page, paged = 1, []
    for index, line in enumerate(lines):
        paged.append(replace(line, page=page))
        page += index in boundaries
    return paged


def _page_chains(lines: list[Line], candidates: list[_PageNumber]) -> list[list[_PageNumber]]:
    """Chains of page numbers: the longest chain first, then the longest of what is left (a
    budget appendix numbers its pages from 1 again)."""
    position = list(itertools.accumulate(int(bool(line.text)) for line in lines))
    chains: list[list[_PageNumber]] = []
    remaining = candidates
    while True:
        chain = _longest_chain(remaining)
        if len(chain) < MIN_CHAIN:
            return chains
        pieces = [p for p in _split_at_long_gaps(chain, position) if _paginates(p, position)]
        chains.extend(pieces)
        # Digits of tables and figures between the pages of a chain form no chain of their own,
        # and a document numbers all its pages in one style ("3 (75)" or a lone "3").
        spans = [(piece[0].index, piece[-1].index) for piece in pieces]
        taken = {item.index for item in chain} if not pieces else set()
        remaining = [
            item
            for item in remaining
            if item.index not in taken
            and not any(a <= item.index <= b for a, b in spans)
            and (not chains or (item.total is None) == (chains[0][0].total is None))
        ]


def _split_at_long_gaps(chain: list[_PageNumber], position: list[int]) -> list[list[_PageNumber]]:
    """A chain that jumps far ahead ("30" on the last page of the plan, "31" on the last of its
    appendix) has linked two numberings: split it there."""
    if chain[0].total is not None:
        return [chain]  # "3 (75)": the page count names the numbering
    gaps = [position[b.index] - position[a.index] for a, b in itertools.pairwise(chain)]
    limit = LONG_GAP * statistics.median(gaps)
    pieces = [[chain[0]]]
    for gap, item in zip(gaps, chain[1:], strict=True):
        if gap > limit:
            pieces.append([])
        pieces[-1].append(item)
    return [piece for piece in pieces if len(piece) >= MIN_CHAIN]


def _paginates(chain: list[_PageNumber], position: list[int]) -> bool:
    """Pages are several lines long and mostly numbered one by one."""
    gaps = [position[b.index] - position[a.index] for a, b in itertools.pairwise(chain)]
    steps = [b.number - a.number for a, b in itertools.pairwise(chain)]
    return statistics.median(gaps) >= MIN_PAGE_LINES and steps.count(1) >= 2 / 3 * len(steps)


def _longest_chain(candidates: list[_PageNumber]) -> list[_PageNumber]:
    """The longest run of candidates in text order whose numbers rise by 1 to MAX_PAGE_STEP (with
    the same page count); of equally long ones, the one that links the earliest candidates."""
    best: list[int] = []
    previous: list[int | None] = []
    # Per (page count, number): the longest chain ending in a candidate of that number so far,
    # and the earliest such candidate. Looking a candidate's predecessors up here, instead of
    # among all earlier candidates, keeps a text of many number-like lines linear.
    ending: dict[tuple[int | None, int], tuple[int, int]] = {}
    for j, item in enumerate(candidates):
        links = [
            ending[key]
            for step in range(1, MAX_PAGE_STEP + 1)
            if (key := (item.total, item.number - step)) in ending
        ]
        length, link = max(links, key=lambda found: (found[0], -found[1]), default=(0, None))
        best.append(length + 1)
        previous.append(link)
        key = (item.total, item.number)
        if key not in ending or ending[key][0] < length + 1:
            ending[key] = (length + 1, j)
    if not best:
        return []
    cursor: int | None = max(range(len(best)), key=best.__getitem__)
    chain: list[_PageNumber] = []
    while cursor is not None:
        chain.append(candidates[cursor])
        cursor = previous[cursor]
    return chain[::-1]


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _prefix_key(text: str) -> str | None:
    """The first words of a line, case kept: the constant part of a running header whose end
    changes with the chapter. The cover's "Regionplan, budget och …" keeps its own case, and
    sentences that start alike ("Nämnden prioriterar arbetet med …") are no header."""
    words = text.split()
    if len(words) <= PREFIX_WORDS or text.endswith("."):
        return None
    return "^" + re.sub(r"\d+", "#", " ".join(words[:PREFIX_WORDS]))


def drop_page_furniture(lines: list[Line]) -> list[Line]:
    """Running headers and footers (lines that repeat at the edges of many pages) and page
    numbers, from the edge of each page inwards. Only paged text has them. The furniture that
    opens the document stays: there the header is its title block ("SAMMANTRÄDESPROTOKOLL /
    Socialnämnden / Sammanträdesdatum / 2025-12-09"), which its metadata is read from."""
    pages: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if line.text:
            pages.setdefault(line.page, []).append(index)
    if len(pages) < 3:
        return lines
    counts: Counter[str] = Counter()
    for indexes in pages.values():
        edge = indexes[:EDGE_LINES] + indexes[-EDGE_LINES:]
        counts.update({key for i in edge for key in _keys(lines[i].text)})
    repeated = {key for key, n in counts.items() if n >= max(MIN_CHAIN, len(pages) // 2)}

    def is_repeated(index: int) -> bool:
        return _is_repeated(lines[index].text, repeated)

    def is_furniture(index: int) -> bool:
        return is_repeated(index) or page_number(lines[index].text) is not None

    drop: set[int] = set()
    for indexes in pages.values():
        for edge in (indexes[:EDGE_LINES], indexes[::-1][:EDGE_LINES]):
            drop.update(_edge_run(edge, is_repeated, is_furniture))
    text_lines = [index for indexes in pages.values() for index in indexes]
    title_block: list[int] = list(itertools.takewhile(is_furniture, text_lines))
    drop.difference_update(title_block)
    # The title block keeps its fields, not its page number ("LOMMA KOMMUN Sida 1 av 12").
    drop.update(i for i in title_block if _PAGE_NUMBER.match(lines[i].text))
    lines = [
        replace(line, text=_PAGE_NUMBER_AT_END.sub("", line.text).rstrip())
        if index in title_block
        else line
        for index, line in enumerate(lines)
    ]
    # A running header where the converter put it mid-page, e.g. above the table of contents.
    # Only a phrase: a single word ("Socialnämnden") is also a field of the text.
    headers = {lines[i].text for i in drop if len(_LETTER_WORD.findall(lines[i].text)) >= 3}
    drop.update(i for i, line in enumerate(lines) if line.text in headers)
    return _without(lines, drop)


def _without(lines: list[Line], drop: set[int]) -> list[Line]:
    """The lines but those dropped. The blank lines around a dropped footer and header are one
    blank line: the page break it was, which a sentence may run across."""
    kept: list[Line] = []
    dropped_since_kept = False
    for index, line in enumerate(lines):
        if index in drop:
            dropped_since_kept = True
            continue
        if not line.text and dropped_since_kept and kept and not kept[-1].text:
            continue
        kept.append(line)
        dropped_since_kept = False
    return kept


def _edge_run(
    edge: list[int], is_repeated: Callable[[int], bool], is_furniture: Callable[[int], bool]
) -> list[int]:
    """The furniture lines of a page edge, from the edge inwards. A lone number counts only
    before the first line of text (further in, it is a table cell); a repeated line may stand
    after one line of text (a photo credit above the running header), not after two (the fields
    "Organ / Socialnämnden / Sammanträdesdatum" of a protocol's anslag)."""
    run: list[int] = []
    text_lines = 0
    for index in edge:
        if is_repeated(index) or (text_lines == 0 and is_furniture(index)):
            run.append(index)
            continue
        text_lines += 1
        if text_lines > 1:
            break
    return run


def _is_repeated(text: str, repeated: set[str]) -> bool:
    """The line is a repeated one, or two of them that a layout-preserving converter put side by
    side ("Justerandes signatur          Utdragsbestyrkande")."""
    if any(key in repeated for key in _keys(text)):
        return True
    words = text.split()
    return any(
        _key(" ".join(words[:cut])) in repeated and _key(" ".join(words[cut:])) in repeated
        for cut in range(1, len(words))
    )


def _keys(text: str) -> set[str]:
    """How a line is recognised when it repeats: whole, by its first words, and without a page
    number at its end (page 1's "LOMMA KOMMUN Sida 1 av 12" is the later pages' "LOMMA KOMMUN")."""
    keys = {_key(text)}
    if (prefix := _prefix_key(text)) is not None:
        keys.add(prefix)
    if (numberless := _PAGE_NUMBER_AT_END.sub("", text).rstrip()) and numberless != text:
        keys.add(_key(numberless))
    return keys
