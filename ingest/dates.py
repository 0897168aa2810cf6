"""Dates as Swedish documents and questions write them: "2025-12-09", "9 december 2025",
"tisdag 9 december 2025", "den 13 december 2022", "2025-06-16--17" (a two-day meeting: its first
day)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

#: The months' names, lower case, January first.
MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december")  # fmt: skip
#: Month names and their usual abbreviations, lower case.
MONTHS: dict[str, int] = {name: number for number, name in enumerate(MONTH_NAMES, start=1)} | {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip
#: A month name or abbreviation ("dec." too), longest first so "juni" is not read as "jun".
MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
#: A year of the documents this project reads.
YEAR = r"(?:19|20)\d\d"
#: An ISO date, "2025-12-09".
ISO_DATE = rf"(?P<iso_year>{YEAR})-(?P<iso_month>[01]\d)-(?P<iso_day>[0-3]\d)"
_WRITTEN_DATE = rf"(?P<day>[0-3]?\d)(?::[ae])?\s+(?P<month>{MONTH})\s+(?P<year>{YEAR})"
_DATE = re.compile(rf"(?<![\w-])(?:{ISO_DATE}|{_WRITTEN_DATE})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMatch:
    date: datetime.date
    start: int
    end: int


def iter_dates(text: str, start: int = 0, end: int | None = None) -> Iterator[DateMatch]:
    """Every full date in `text[start:end]`, in order; impossible ones ("2025-02-30") skipped."""
    for match in _DATE.finditer(text, start, len(text) if end is None else end):
        date = _date_of(match)
        if date is not None:
            yield DateMatch(date, match.start(), match.end())


def month_number(written: str) -> int:
    """ "December", "dec." → 12."""
    return MONTHS[written.lower().rstrip(".")]


def _date_of(match: re.Match[str]) -> datetime.date | None:
    if match.group("iso_year"):
        parts = (match.group("iso_year"), match.group("iso_month"), match.group("iso_day"))
        year, month, day = (int(part) for part in parts)
    else:
        year, day = int(match.group("year")), int(match.group("day"))
        month = month_number(match.group("month"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
