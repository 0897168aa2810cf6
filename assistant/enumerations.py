"""Lists that a plan writes as numbered sections: "Mål 1", "Mål 2", … each opening with its goal.

"Vilka mål har nämnden?" is answered by the goals themselves, and a plan that gives each goal a
section of its own ("Mål 3" > "Inga barnfamiljer ska bli vräkta.") never writes them as one list.
When a list question is answered from such a section, the first statement of each of its sibling
sections (same parent, same kind of numbered heading) is part of the answer too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
