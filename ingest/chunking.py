"""Sectioned text → chunks: sentences, list items and table rows packed within one section.

A chunk never crosses a heading, so its heading path is exact. Inside a section, units are packed
greedily up to ``max_words``; a list travels with its lead-in ("… avser tjänstegarantierna:") and a
table with its header, split only when they alone exceed the limit. A recognised table
(`ingest.tables.TableBlock`) gives its header, each row and each other line as units; a table
split between chunks repeats nothing: its later parts name the chunk that holds the header.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import groupby

from ingest.document import leads_in
from ingest.sections import PlacedBlock
from ingest.tables import TableBlock

#: Swedish abbreviations after which a full stop does not end the sentence.
_ABBREVIATIONS = frozenset(
    [
        "t.ex",
        "bl.a",
        "m.fl",
        "m.m",
        "fr.o.m",
        "t.o.m",
        "dvs",
        "d.v.s",
        "osv",
        "o.s.v",
        "ca",
        "kap",
        "nr",
        "st",
        "resp",
        "inkl",
        "exkl",
        "jfr",
        "enl",
        "s",
        "f.d",
        "p.g.a",
        "pga",
        "mfl",
        "mm",
        "tex",
        "bla",
        "a.a",
        "e.d",
        "m.a.o",
        "f.n",
        "ang",
        "avd",
        "tel",
    ]
)
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?])[\"”»)]*\s+(?=[\"“«(]?[A-ZÅÄÖ0-9•])")
_WORD = re.compile(r"\S+")
#: A flattened table is quoted whole (its cells mean nothing apart) unless it is longer than this.
MAX_TABLE_UNIT_WORDS = 80
#: A recognised table stays in one chunk up to this many times the longest chunk.
TABLE_STRETCH = 1.5


@dataclass(frozen=True)
class Span:
    """A contiguous piece of the rendered text with the section and page it belongs to."""

    start: int
    end: int
    section: tuple[str, ...]
    page: int
    #: The sentences, list items and table rows inside, as absolute spans.
    units: tuple[tuple[int, int], ...] = ()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (start, end), without the white space between them."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _SENTENCE_BOUNDARY.finditer(text):
        before = text[start : boundary.start()]
        last_word = before.rsplit(None, 1)[-1] if before.strip() else ""
        if last_word.rstrip(".").lower() in _ABBREVIATIONS or re.fullmatch(r"\w\.", last_word):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _units(blocks: list[PlacedBlock]) -> list[list[tuple[int, int]]]:
    """Groups of units (absolute spans) that should stay together when they fit."""
    groups: list[list[tuple[int, int]]] = []
    for position, placed in enumerate(blocks):
        block = placed.block
        if block.kind == "paragraph":
            sentences = [
                (placed.start + s, placed.start + e) for s, e in split_sentences(block.text)
            ]
            groups.extend([sentence] for sentence in sentences)
        elif block.kind == "list_item" or block.kind == "table":
            spans = [(placed.start, placed.end)]
            if isinstance(block, TableBlock):  # header, rows, other lines: units of one group
                spans = [(placed.start + start, placed.start + end) for start, end in block.units]
            elif block.kind == "table" and _words(block.text) > MAX_TABLE_UNIT_WORDS:
                spans = _table_rows(placed)
            if _continues_group(blocks, position):
                groups[-1].extend(spans)
            else:
                groups.append(spans)
    return groups


def _table_rows(placed: PlacedBlock) -> list[tuple[int, int]]:
    rows, offset = [], placed.start
    for row in placed.block.text.split("\n"):
        rows.append((offset, offset + len(row)))
        offset += len(row) + 1
    return rows


def _continues_group(blocks: list[PlacedBlock], position: int) -> bool:
    """A list item or table goes with the block before it when that is the same list or table, or
    a lead-in sentence ending in a colon or semicolon."""
    if position == 0:
        return False
    previous = blocks[position - 1].block
    current = blocks[position].block
    return previous.kind == current.kind or (
        previous.kind == "paragraph" and leads_in(previous.text)
    )


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def pack_section(
    blocks: list[PlacedBlock], text: str, *, max_words: int, min_words: int
) -> list[Span]:
    """Pack one section's units into chunk spans."""
    section, chunks = blocks[0].section, []
    starts = [placed.start for placed in blocks]
    current: list[tuple[int, int]] = []
    current_words = 0

    def close() -> None:
        nonlocal current, current_words
        if current:
            page = _page_at(blocks, starts, current[0][0])
            chunks.append(Span(current[0][0], current[-1][1], section, page, tuple(current)))
        current, current_words = [], 0

    in_tables = _table_units(blocks)
    for group in _units(blocks):
        group_words = sum(_words(text[s:e]) for s, e in group)
        if current and current_words + group_words > max_words and current_words >= min_words // 2:
            close()
        # A table a little longer than a chunk stays whole rather than leave a row or two apart.
        stretched = max_words * TABLE_STRETCH
        whole_table = group[-1] in in_tables and group_words <= stretched
        limit = stretched if whole_table else max_words
        for unit in group:
            unit_words = _words(text[unit[0] : unit[1]])
            if current and current_words + unit_words > limit:
                close()
            current.append(unit)
            current_words += unit_words
    close()
    return chunks


def _table_units(blocks: list[PlacedBlock]) -> set[tuple[int, int]]:
    return {
        (placed.start + start, placed.start + end)
        for placed in blocks
        if isinstance(placed.block, TableBlock)
        for start, end in placed.block.units
    }


def _page_at(blocks: list[PlacedBlock], starts: list[int], offset: int) -> int:
    """The page of the last block starting at or before ``offset`` (``starts``: the blocks'
    starts, in order), found by bisection: a section may have thousands of blocks and chunks."""
    return blocks[max(bisect_right(starts, offset) - 1, 0)].block.page


def chunk_spans(
    blocks: list[PlacedBlock], text: str, *, max_words: int, min_words: int
) -> list[Span]:
    """Chunk spans for a whole document, section by section. A section too small to stand alone
    takes in the subsections that follow it (their headings stay in the text), so that "Mål 1"
    and its "Måluppfyllelse" become one passage under the path of "Mål 1"."""
    spans: list[Span] = []
    for run in _merge_small_sections(_section_runs(blocks), text, min_words):
        section = run[0].section
        packed = pack_section(run, text, max_words=max_words, min_words=min_words)
        spans.extend(Span(span.start, span.end, section, span.page, span.units) for span in packed)
    return spans


def _section_runs(blocks: list[PlacedBlock]) -> list[list[PlacedBlock]]:
    return [list(run) for _, run in groupby(blocks, key=lambda placed: placed.section)]


def _merge_small_sections(
    runs: list[list[PlacedBlock]], text: str, min_words: int
) -> list[list[PlacedBlock]]:
    merged: list[list[PlacedBlock]] = []
    for run in runs:
        if merged and _takes_in(merged[-1], run, text, min_words):
            merged[-1] = merged[-1] + run
        else:
            merged.append(run)
    return merged


def _takes_in(
    current: list[PlacedBlock], following: list[PlacedBlock], text: str, min_words: int
) -> bool:
    """The following run is a subsection of the current run's last section, and together they
    are still smaller than a chunk should be."""
    last, new = current[-1].section, following[0].section
    if len(new) <= len(last) or new[: len(last)] != last:
        return False
    words = _words(text[current[0].start : following[-1].end])
    return words < min_words
