"""Lists that a plan writes without list marks: as numbered sections, or as paragraphs that a
lead-in counts.

"Vilka mål har nämnden?" is answered by the goals themselves, and a plan that gives each goal a
section of its own ("Mål 3" > "Inga barnfamiljer ska bli vräkta.") never writes them as one list.
When a list question is answered from such a section, the first statement of each of its sibling
sections (same parent, same kind of numbered heading) is part of the answer too.

"Begreppet består av tre delar:" followed by the paragraphs "Meningsfullhet - …", "Begriplighet -
…" and "Hanterbarhet - …" is a list too: the lead-in says how many items follow, and each opens
with its term (`counted_items`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from assistant.evidence import ScoredUnit
from ingest.document import Chunk
from ingest.pipeline import chunk_id, chunk_ordinal

ChunkLookup = Callable[[str], Chunk | None]

#: A heading that numbers one of a series: "Mål 2", "Målområde 3: …", "Fokusområde 1".
_NUMBERED_KIND = re.compile(
    r"^(?P<kind>målområde|mål|delmål|effektmål|fokusområde|utvecklingsområde|strategiskt mål"
    r"|prioriterat område|område|uppdrag)\s+\d{1,2}[a-z]?\b",
    re.IGNORECASE,
)
#: How far a series is followed through a document's chunks, each way.
MAX_SIBLINGS = 12


def series_kind(chunk: Chunk) -> str | None:
    """The kind of numbered heading a chunk is under ("mål"), if its own heading is one."""
    if not chunk.section:
        return None
    match = _NUMBERED_KIND.match(chunk.section[-1])
    return match.group("kind").lower() if match else None


def sibling_openings(unit: ScoredUnit, chunks: ChunkLookup) -> list[ScoredUnit]:
    """The first statement of each section of the series that `unit`'s section belongs to (or,
    for a section that took in the series' first small section, that it opens), in document
    order; none if there is no series."""
    own_kind = series_kind(unit.chunk)
    parent = unit.chunk.section[:-1] if own_kind else unit.chunk.section
    openings: list[ScoredUnit] = []
    seen_sections: set[tuple[str, ...]] = set()
    kind = own_kind
    for chunk in _document_neighbours(unit.chunk, chunks):
        chunk_kind = series_kind(chunk)
        in_series = chunk.section[:-1] == parent and chunk_kind is not None
        if not in_series or (kind is not None and chunk_kind != kind):
            continue
        kind = chunk_kind
        if tuple(chunk.section) in seen_sections or not chunk.units:
            continue
        seen_sections.add(tuple(chunk.section))
        openings.append(ScoredUnit(chunk, unit.rank, 0, unit.score, unit.dense, unit.lexical))
    return openings


def _document_neighbours(chunk: Chunk, chunks: ChunkLookup) -> list[Chunk]:
    """The chunks of the same document around `chunk`, in order."""
    ordinal = chunk_ordinal(chunk.id)
    found = [chunk]
    for step in (-1, 1):
        for distance in range(1, MAX_SIBLINGS + 1):
            other = chunks(chunk_id(chunk.sha256, ordinal + step * distance))
            if other is None or other.path != chunk.path:
                break
            found.append(other)
    return sorted(found, key=lambda c: chunk_ordinal(c.id))


#: A lead-in that counts what follows: "Begreppet består av tre delar:", "… i tre nivåer:".
_COUNTED_LEAD_IN = re.compile(
    r"\b(?P<count>två|tre|fyra|fem|sex|sju|åtta|nio|tio|[2-9]|10)\s[^:;]*[:;]\s*$",
    re.IGNORECASE,
)
_COUNTS = dict(zip("två tre fyra fem sex sju åtta nio tio".split(), range(2, 11), strict=True))
#: A paragraph that opens with its term: "Meningsfullhet - Att …", "Nivå 1. Ges till …".
_TERM_OPENING = re.compile(r"^[A-ZÅÄÖ]\w*(?:\s+\w+){0,3}\s*(?:[-–—:]\s|\d{1,2}[.:)](?:\s|$))")
#: How many chunks after its own a counted list is followed into.
MAX_ITEM_CHUNKS = 3


def counted_items(unit: ScoredUnit, chunks: ChunkLookup) -> list[ScoredUnit]:
    """The paragraphs that `unit`, a lead-in that counts them, introduces without list marks: the
    opening statement of each of the next paragraphs of its section, as many as it counts, when
    every one of them opens with its term; none otherwise (the count was of something else)."""
    match = _COUNTED_LEAD_IN.search(unit.text)
    if match is None:
        return []
    count = match.group("count").lower()
    wanted = int(count) if count.isdigit() else _COUNTS[count]
    items: list[ScoredUnit] = []
    for chunk, index in _paragraph_openings_after(unit, chunks):
        if chunk.section != unit.chunk.section or not _TERM_OPENING.match(
            chunk.unit_texts()[index]
        ):
            return []
        items.append(ScoredUnit(chunk, unit.rank, index, unit.score, unit.dense, unit.lexical))
        if len(items) == wanted:
            return items
    return []


def _paragraph_openings_after(unit: ScoredUnit, chunks: ChunkLookup) -> Iterator[tuple[Chunk, int]]:
    """The units that open a paragraph after `unit`, in its chunk and the next few."""
    chunk, first = unit.chunk, unit.index + 1
    ordinal = chunk_ordinal(chunk.id)
    for step in range(MAX_ITEM_CHUNKS + 1):
        for index in range(first, len(chunk.units)):
            if chunk.opens_paragraph(index):
                yield chunk, index
        following = chunks(chunk_id(chunk.sha256, ordinal + step + 1))
        if following is None or following.path != chunk.path:
            return
        chunk, first = following, 0
