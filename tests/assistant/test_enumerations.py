"""Lists written as numbered sections: "vilka mål" is answered by each goal section's opening."""

from __future__ import annotations

from pathlib import Path

from assistant.enumerations import series_kind, sibling_openings
from assistant.evidence import ScoredUnit
from ingest.document import LoadedDocument
from ingest.pipeline import process_document
from settings import IngestSettings

PLAN = """# Uppdragsplan 2026

## Nämndens mål

Nämnden har beslutat om följande mål för året:

### Mål 1

Tidiga insatser för barn ska utvecklas under året. Arbetet följs upp i delårsrapporten och i
årsredovisningen, med särskild vikt vid samverkan med skolan och elevhälsan.

### Mål 2

Inga barnfamiljer ska bli vräkta. Socialkontoret arbetar förebyggande med hyresvärdar och följer
upp varje ärende där en familj riskerar att förlora sin bostad under året.

### Mål 3

Tillgängligheten ska öka. Fler ärenden ska kunna sökas digitalt och handläggningstiderna ska
kortas, vilket följs upp varje tertial.

## Ekonomi

Budgeten är i balans och följs upp varje månad av nämnden och förvaltningen.
"""


def test_a_goal_section_brings_the_opening_of_every_goal(tmp_path: Path) -> None:
    loaded = LoadedDocument(path=tmp_path / "plan.md", sha256="3" * 64, text=PLAN, paged=False)
    chunks = process_document(loaded, IngestSettings(chunk_min_words=5)).chunks
    by_id = {chunk.id: chunk for chunk in chunks}
    goal = next(c for c in chunks if series_kind(c) == "mål")
    openings = sibling_openings(ScoredUnit(goal, 1, 0, 1.0, 0.9, 0.5), by_id.get)
    assert [unit.text for unit in openings] == [
        "Tidiga insatser för barn ska utvecklas under året.",
        "Inga barnfamiljer ska bli vräkta.",
        "Tillgängligheten ska öka.",
    ]
    economy = next(c for c in chunks if c.section[-1] == "Ekonomi")
    assert series_kind(economy) is None
    assert sibling_openings(ScoredUnit(economy, 1, 0, 1.0, 0.9, 0.5), by_id.get) == []
