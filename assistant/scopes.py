"""What a question is about: its organisation, year, meeting date or document, and which indexed
documents that means.

A scope is matched against each document's metadata: its organisation, the years it covers (a
period "2026–2028" covers each of them, a protocol the year of its meeting) and a protocol's meeting
date ("december 2025", "junisammanträdet"). A year ingest read from weak evidence (`uncertain`) is a
ranking signal, not a filter: a question is answered from the documents that surely belong to its
scope first, and only if they do not answer, from those too whose weakly read year differs (one
misread year must not make the right protocol unreachable). A document whose organisation ingest
could not read at all belongs to every organisation's scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.mentions import DateMention
from index.catalog import DocumentRecord
from ingest.organisations import REGIONS, organisation_named


@dataclass(frozen=True)
class Scope:
    """One side of a question: the organisation (official name) and year it is about (None:
    any), the meeting date it names, and the one document (path) it is restricted to, if any."""

    organisation: str | None
    year: int | None
    document: str | None = None
    date: DateMention | None = None

    @property
    def label(self) -> str:
        return " ".join(str(part) for part in (self.organisation, self.year) if part)


def covered_years(record: DocumentRecord) -> range:
    """The years a document is for: its year, through the end of its period."""
    if record.year is None:
        return range(0)
    return range(record.year, (record.year_end or record.year) + 1)


#: Document types that have a meeting date: a date in a question narrows them, not the plans.
MEETING_TYPES = frozenset({"protokoll", "protokollsutdrag"})


def matches(record: DocumentRecord, scope: Scope, *, surely: bool = True) -> bool:
    """Whether a document belongs to a scope. `surely`: by what ingest read; otherwise a year it
    read from weak evidence may differ (a second chance). A document of another organisation
    never belongs, however weakly ingest read that: its answer would be another's."""
    if scope.document is not None:
        return record.path == scope.document
    if scope.organisation and record.organisation not in (scope.organisation, None):
        return False
    other_year = record.year is not None and scope.year not in covered_years(record)
    if scope.year and other_year and (surely or "year" not in record.uncertain):
        return False
    return scope.date is None or _on_date(record, scope.date)


def _on_date(record: DocumentRecord, date: DateMention) -> bool:
    """A protocol of a meeting on that date; any other document covering its year."""
    if record.doc_type not in MEETING_TYPES:
        return date.year is None or date.year in covered_years(record) or record.year is None
    if record.date is None:
        return False
    return (
        record.date.month == date.month
        and date.year in (None, record.date.year)
        and date.day in (None, record.date.day)
    )


class IndexedDocuments:
    """The indexed documents, as the scopes of questions see them."""

    def __init__(self, records: Iterable[DocumentRecord]) -> None:
        self._records = list(records)

    def count(self) -> int:
        return len(self._records)

    def organisations(self) -> dict[str, list[int]]:
        """Organisation → the years its documents cover, sorted by name."""
        years: dict[str, set[int]] = defaultdict(set)
        for record in self._records:
            if record.organisation:
                years[record.organisation].update(covered_years(record))
        return {name: sorted(values) for name, values in sorted(years.items())}

    def years(self, organisation: str | None = None) -> list[int]:
        """The years covered by the documents of an organisation, or of all documents."""
        return sorted(
            {
                year
                for record in self._records
                if organisation in (None, record.organisation)
                for year in covered_years(record)
            }
        )

    def in_scope(self, scope: Scope, *, surely: bool = True) -> list[DocumentRecord]:
        """The documents of a scope: surely, or also those whose weakly read year differs."""
        return [record for record in self._records if matches(record, scope, surely=surely)]

    def named(self, written: str) -> str | None:
        """The organisation a name means here: its official name; for a kommun without indexed
        documents whose county's region has some and shares its name ("Uppsala", "Örebro"),
        that region."""
        organisation = organisation_named(written)
        if organisation is None:
            return None
        indexed = self.organisations()
        if organisation.name in indexed or organisation.kind != "kommun":
            return organisation.name
        for region in REGIONS:
            same_name = organisation.municipality and organisation.municipality in region.name
            if region.county == organisation.county and same_name and region.name in indexed:
                return region.name
        return organisation.name
