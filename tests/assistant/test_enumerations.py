"""Lists written without list marks: "vilka mål" is answered by each goal section's opening, a
counting lead-in by the paragraphs it counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.enumerations import counted_items, series_kind, sibling_openings
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


KASAM = """Riktlinje för anhörigstöd

Förhållningssätt

Det salutogena synsättet utgår från begreppet KASAM. Begreppet består av tre delar:

Meningsfullhet - Att den anhörige ska känna sig sedd, behövd och efterfrågad.

Begriplighet - Att den anhörige ska förstå hur verksamheten bedrivs. Att informationen är tydlig.

Hanterbarhet - Att den anhörige upplever sig kunna påverka situationen.

Anhörigstödet består av ett bas- och ett påbyggnadsutbud.
"""


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (KASAM, ["Meningsfullhet", "Begriplighet", "Hanterbarhet"]),
        # Counted, but what follows opens with no term: not its items.
        (KASAM.replace("Begriplighet - Att", "Vi vill att"), []),
        # A count the paragraphs do not reach is of something else.
        (KASAM.replace("tre delar", "fem delar"), []),
    ],
)
def test_a_counting_lead_in_brings_the_paragraphs_it_counts(
    tmp_path: Path, text: str, items: list[str]
) -> None:
    loaded = LoadedDocument(path=tmp_path / "rl.txt", sha256="4" * 64, text=text, paged=False)
    chunks = process_document(loaded, IngestSettings(chunk_min_words=5, chunk_max_words=30)).chunks
    by_id = {chunk.id: chunk for chunk in chunks}
    chunk, index = next(
        (c, i)
        for c in chunks
        for i, t in enumerate(c.unit_texts())
        if t.endswith("tre delar:") or t.endswith("fem delar:")
    )
    found = counted_items(ScoredUnit(chunk, 1, index, 1.0, 0.9, 0.5), by_id.get)
    assert [unit.text.split(" - ")[0] for unit in found] == items
