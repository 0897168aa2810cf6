"""Which documents a question's scope means: organisation, the years a document covers, a meeting
date, and a weakly read year as a second chance."""

from __future__ import annotations

import datetime

import pytest

from assistant.mentions import DateMention
from assistant.scopes import IndexedDocuments, Scope, matches
from index.catalog import DocumentRecord


def record(
    name: str,
    organisation: str | None,
    year: int | None,
    *,
    year_end: int | None = None,
    doc_type: str | None = "verksamhetsplan",
    date: datetime.date | None = None,
    uncertain: tuple[str, ...] = (),
) -> DocumentRecord:
    return DocumentRecord.model_validate(
        {
            "title": name,
            "organisation": organisation,
            "year": year,
            "year_end": year_end,
            "doc_type": doc_type,
            "date": date,
            "uncertain": list(uncertain),
            "file": f"{name}.txt",
            "path": f"/plans/{name}.txt",
            "sha256": "0" * 64,
            "chunk_ids": [f"{name}-0"],
        }
    )


PROTOCOL_DEC = record(
    "sn-2025-12-09", "Lomma kommun", 2025, doc_type="protokoll", date=datetime.date(2025, 12, 9)
)
PROTOCOL_FEB = record(
    "sn-2026-02-24", "Lomma kommun", 2026, doc_type="protokoll", date=datetime.date(2026, 2, 24)
)
BUDGET = record("budget", "Lomma kommun", 2026, year_end=2028, doc_type="budget")
REGION = record("regionplan", "Region Uppsala", 2026, year_end=2028, doc_type="regionplan")
GUESSED = record("plan", "Lomma kommun", 2024, uncertain=("year",))
UNKNOWN = record("anteckningar", None, None, doc_type=None)
ALL = [PROTOCOL_DEC, PROTOCOL_FEB, BUDGET, REGION, GUESSED, UNKNOWN]


def names(scope: Scope, *, surely: bool = True) -> set[str]:
    return {r.title for r in IndexedDocuments(ALL).in_scope(scope, surely=surely)}


def test_an_organisation_and_a_year_within_a_period() -> None:
    assert names(Scope("Lomma kommun", 2027)) == {"budget", "anteckningar"}
    assert names(Scope("Region Uppsala", None)) == {"regionplan", "anteckningar"}


def test_a_protocol_is_of_its_meeting_year() -> None:
    assert "sn-2026-02-24" in names(Scope("Lomma kommun", 2026))
    assert "sn-2026-02-24" not in names(Scope("Lomma kommun", 2025))


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (DateMention(year=2025, month=12, day=None), "sn-2025-12-09"),  # "december 2025"
        (DateMention(year=None, month=2, day=None), "sn-2026-02-24"),  # "februarisammanträdet"
        (DateMention(year=2025, month=12, day=9), "sn-2025-12-09"),
    ],
)
def test_a_meeting_date_narrows_protocols(date: DateMention, expected: str) -> None:
    found = names(Scope("Lomma kommun", None, date=date))
    assert {n for n in found if n.startswith("sn-")} == {expected}


def test_a_meeting_date_leaves_plans_of_its_year() -> None:
    december = DateMention(year=2026, month=12, day=None)
    assert "budget" in names(Scope("Lomma kommun", None, date=december))


def test_a_weakly_read_year_is_a_second_chance_only() -> None:
    assert "plan" not in names(Scope("Lomma kommun", 2025))
    assert "plan" in names(Scope("Lomma kommun", 2025), surely=False)
    # Another organisation's document never is, however weakly ingest read its organisation.
    other = record("annan", "Norrköpings kommun", 2025, uncertain=("organisation",))
    assert not matches(other, Scope("Lomma kommun", 2025), surely=False)


def test_organisations_and_the_years_they_cover() -> None:
    indexed = IndexedDocuments(ALL).organisations()
    assert indexed["Region Uppsala"] == [2026, 2027, 2028]
    assert indexed["Lomma kommun"] == [2024, 2025, 2026, 2027, 2028]


def test_a_bare_county_name_means_the_region_when_the_kommun_has_no_documents() -> None:
    documents = IndexedDocuments(ALL)
    assert documents.named("Uppsala") == "Region Uppsala"
    assert documents.named("Lomma") == "Lomma kommun"
    assert documents.named("Norrköping") == "Norrköpings kommun"  # not indexed: still itself
    assert documents.named("Atlantis") is None
