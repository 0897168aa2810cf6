"""The filter and comparison words of a question, each with its span: the organisations (kommuner
and regioner), meeting dates, plan years and document types it names, and the words that ask
for a comparison.

Apart from `analyse` because the follow-up resolver (`assistant.conversation`) finds and replaces
the same mentions in a previous question, and the topic stripping (`assistant.topic`) removes
them by their spans.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ingest.dates import ISO_DATE, MONTH, MONTH_NAMES, YEAR, month_number

# The document type names must be exactly those the catalog stores, so they come from the code
# that assigns them rather than a copy.
from ingest.metadata import DOC_TYPE_PATTERNS
from ingest.organisations import (
    Organisation,
    iter_organisation_mentions,
    organisation_named,
)

FIRST_PLAN_YEAR = 1990
LAST_PLAN_YEAR = 2099


class DateMention(BaseModel):
    """A meeting date a question names, as far as it names it: "december 2025" (no day),
    "junisammanträdet" (no year), "2025-12-09"."""

    model_config = ConfigDict(frozen=True)

    year: int | None
    month: int
    day: int | None


MentionKind = Literal["organisation", "year", "date", "doc_type", "comparison"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A filter or comparison word in a question: what it means and where it is written."""

    kind: MentionKind
    value: str | int | DateMention
    start: int
    end: int


# --- organisations -------------------------------------------------------------------------------

#: Compounds of a kommun's name and a plan word ("norrtäljeplanen", "Norrköpingsbudgeten"), which
#: the whole-word matcher of ingest does not see.
_COMPOUND_HEAD = re.compile(r"(?:plan|budget|kommun)(?:en|ens|er|erna|ernas|s)?$", re.IGNORECASE)
_WORD_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def organisation_mentions(text: str) -> list[Mention]:
    """Every kommun and region named, in order, by official name: "i Norrköping", "Norrtäljes",
    "lunds kommun", "norrkoping", "Region Värmlands", "norrtäljeplanen". The span covers the
    genitive and a following "kommun"/"stad"."""
    found = [
        Mention("organisation", mention.organisation.name, mention.start, mention.end)
        for mention in iter_organisation_mentions(text)
    ]
    found.extend(_compound_mentions(text))
    return sorted(found, key=lambda mention: mention.start)


def _compound_mentions(text: str) -> Iterable[Mention]:
    for token in _WORD_TOKEN.finditer(text):
        head = _COMPOUND_HEAD.search(token.group())
        if head is None or head.start() == 0:
            continue
        kommun = _compound_kommun(token.group()[: head.start()].rstrip("-"))
        if kommun:
            yield Mention("organisation", kommun.name, token.start(), token.end())


def _compound_kommun(prefix: str) -> Organisation | None:
    """The kommun a compound begins with: "norrtälje", "norrköpings" (of "norrköpingsplanen")."""
    found = organisation_named(prefix)
    return found if found is not None and found.municipality else None


def is_genitive(written: str, organisation: str) -> bool:
    """Whether an organisation is written in the genitive: "Norrtäljes", "Region Hallands",
    "Lunds kommuns" (not "Borås", whose s is its own)."""
    if not written.endswith("s"):
        return False
    found = organisation_named(written[:-1])
    return found is not None and found.name == organisation


# --- meeting dates -------------------------------------------------------------------------------

#: Month names written out in full: an abbreviation alone ("jul", "dec") is too often a word.
_FULL_MONTH = "(?:" + "|".join(MONTH_NAMES) + ")"
_MEETING = r"(?:sammanträde|möte|nämndmöte)(?:t|ts|n|na)?"
#: "2025-12-09", "[den] 9 december [2025]", "december 2025", "junisammanträdet",
#: "decembermötet", "sammanträdet i juni", "mötet den 9 december".
_DATE_MENTION = re.compile(
    rf"(?<![\w-])(?:{_MEETING}\s+(?:i|den|på|från)\s+)?(?:"
    rf"{ISO_DATE}"
    rf"|(?:den\s+)?(?P<day>[0-3]?\d)(?::[ae])?\s+(?P<day_month>{MONTH})(?:\s+(?P<day_year>{YEAR}))?"
    rf"|(?P<month>{_FULL_MONTH})\s+(?P<month_year>{YEAR})"
    rf"|(?P<meeting_month>{_FULL_MONTH})s?{_MEETING}"
    rf"|(?<=\s)(?P<after_meeting>{_FULL_MONTH})(?:\s+(?P<after_year>{YEAR}))?"
    r")(?![\w-])",
    re.IGNORECASE,
)


#: A date that bounds a period ("gäller från 1 januari 2025") rather than naming a meeting
#: ("protokollet från december 2025").
_PERIOD_BOUND = re.compile(
    r"(?:(?:gäller|gällde|gälla|giltig\w*)\s+från|från\s+och\s+med|fr\.?\s?o\.?\s?m\.?"
    r"|till\s+och\s+med|t\.?\s?o\.?\s?m\.?|senast|före|efter|innan|sedan)\s+(?:den\s+)?$",
    re.IGNORECASE,
)


def date_mentions(text: str) -> list[Mention]:
    """The meeting dates a text names; a month alone only with a meeting word ("sammanträdet i
    juni", "junisammanträdet"), since "i juni" alone may be the topic; not a date that bounds a
    period ("från 1 januari 2025")."""
    found = []
    for match in _DATE_MENTION.finditer(text):
        after_meeting = match.group("after_meeting")
        if after_meeting and not re.match(_MEETING, match.group(), re.IGNORECASE):
            continue
        if _PERIOD_BOUND.search(text, max(0, match.start() - 20), match.start()):
            continue
        date = _date_mention(match)
        if date is not None:
            found.append(Mention("date", date, match.start(), match.end()))
    return found


def _date_mention(match: re.Match[str]) -> DateMention | None:
    """What a date mention names; None for an impossible date ("30 februari")."""
    groups = match.groupdict()
    year_text = groups["iso_year"] or groups["day_year"] or groups["month_year"]
    year_text = year_text or groups["after_year"]
    month_text = groups["iso_month"] or groups["day_month"] or groups["month"]
    month_text = month_text or groups["meeting_month"] or groups["after_meeting"]
    day_text = groups["iso_day"] or groups["day"]
    year = int(year_text) if year_text else None
    month = int(month_text) if month_text.isdigit() else month_number(month_text)
    day = int(day_text) if day_text else None
    try:
        datetime.date(year or 2000, month, day or 1)  # 2000 is a leap year: "29 februari"
    except ValueError:
        return None
    return DateMention(year=year, month=month, day=day)


# --- years ---------------------------------------------------------------------------------------

_YEAR = re.compile(
    rf"(?<![\w:/.,§-])(?P<year>{YEAR})"
    # A plan period "2023/24", "2024–2026" counts as its first year; its second part goes too.
    rf"(?P<period>\s*[/–-]\s*(?:\d\d|{YEAR})(?!\d))?"
    r"(?P<genitive>\s+års)?"  # "2024 års plan"
    r"(?!\w|[-/.:]\d)"
)
#: Not plan years: amounts ("2050 kronor") and years that name a target ("Agenda 2030", "år 2035
#: enligt visionen", "senast 2030").
_UNIT_AFTER = re.compile(
    r"\s*(?:kr|kronor|tkr|mkr|mnkr|sek|miljoner|miljarder|tusen|st|%|procent|personer|timmar|"
    r"dygn|platser|hushåll|invånare|ärenden|elever|barn)\b",
    re.IGNORECASE,
)
_TARGET_BEFORE = re.compile(
    r"(?:agenda|vision(?:en)?|senast(?:\s+år)?|målår(?:et)?)\s*$", re.IGNORECASE
)
_TARGET_AFTER = re.compile(r"\s*(?:enligt\s+)?(?:\w+\s+)?vision", re.IGNORECASE)


def year_mentions(text: str) -> list[Mention]:
    """The plan years a text names, with "2024 års" and a period's second part in the span.

    Not SFS numbers ("2001:453"), dates ("2023-06-07"), diary numbers ("2017/123"), amounts or
    target years of visions.
    """
    found = []
    for match in _YEAR.finditer(text):
        year = int(match.group("year"))
        if not FIRST_PLAN_YEAR <= year <= LAST_PLAN_YEAR:
            continue
        period = match.group("period")
        if period and not _is_period(year, period):
            continue  # "2023-06": a date, not a plan period
        if _names_no_plan_year(text, match.start(), match.end()):
            continue
        found.append(Mention("year", year, match.start(), match.end()))
    return found


def _is_period(year: int, period: str) -> bool:
    """Whether "/24" or "–2026" after a year ends a plan period (not a month: "2023-06")."""
    digits = period.strip(" /–-")
    if len(digits) == 2:
        return int(digits) == (year + 1) % 100
    return year < int(digits) <= year + 10


def _names_no_plan_year(text: str, start: int, end: int) -> bool:
    return (
        _UNIT_AFTER.match(text, end) is not None
        or _TARGET_BEFORE.search(text, max(0, start - 20), start) is not None
        or _TARGET_AFTER.match(text, end) is not None
    )


# --- document types ------------------------------------------------------------------------------

#: "budget" is left out: "budgeten" in a question is what is asked about, not a kind of document.
#: A riktlinje only in the singular: titles say "Riktlinjer för ...", but in a question the plural
#: is mostly what is asked about ("vilka allmänna råd och lokala riktlinjer styr ...").
_REQUESTABLE_DOC_TYPES = {
    name: "riktlinje" if name == "riktlinje" else rx
    for name, rx in DOC_TYPE_PATTERNS.items()
    if name != "budget"
}
_DOC_TYPE_WORD = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<t{index}>{rx})" for index, rx in enumerate(_REQUESTABLE_DOC_TYPES.values()))
    # Not plurals: "förvaltningens verksamhetsplaner" are other documents, as at ingest.
    + r")(?:en|ens|et|ets|t|ts|n|ns|s)?(?!\w)",
    re.IGNORECASE,
)
_DOC_TYPE_NAMES = list(_REQUESTABLE_DOC_TYPES)


def doc_type_mentions(text: str) -> list[Mention]:
    """The document types a text asks for, in any inflection ("uppdragsplanen", "reglementet")."""
    found = []
    for match in _DOC_TYPE_WORD.finditer(text):
        index = next(int(group[1:]) for group, value in match.groupdict().items() if value)
        found.append(Mention("doc_type", _DOC_TYPE_NAMES[index], match.start(), match.end()))
    return found


# --- comparison ----------------------------------------------------------------------------------

#: Words that ask for a comparison and say nothing about the topic, so the topic drops them.
_COMPARISON_WORD = re.compile(
    r"(?<!\w)(?:jämför(?:t|a|s|else|elsen|elser)?(?:\s+med)?|skillnad(?:en|er|erna)?(?:\s+mellan)?"
    r"|skiljer\s+sig(?:\s+åt)?|skiljer|skilde\s+sig|respektive|mot\s+varandra|vs\.?|versus"
    r"|båda|bägge|alla\s+(?:\w+\s+)?kommuner(?:na)?)(?!\w)",
    re.IGNORECASE,
)


def comparison_mentions(text: str) -> list[Mention]:
    return [
        Mention("comparison", match.group().lower(), match.start(), match.end())
        for match in _COMPARISON_WORD.finditer(text)
    ]
