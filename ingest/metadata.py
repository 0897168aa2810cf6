"""What a document is – organisation, committee, type, year or period, date, title – from its text.

File names of uploads say nothing, so every field comes from evidence in the content, weighed:

* the *header* (the lines before the body: a cover, a title, a metadata block; a protocol's
  lines before its first §) states what it states: "Socialnämndens uppdragsplan 2024",
  "Regionplan och budget 2026–2028", "Dokumentet är beslutat av: Vård- och omsorgsnämnden",
  "Regionfullmäktige 2025-11-10", "SOCIALNÄMNDEN SAMMANTRÄDESPROTOKOLL", "Sammanträdesdatum
  2025-12-09";
* otherwise the text is scored. Raw counts mislead: a plan talks about other documents too
  ("förvaltningens verksamhetsplaner", "enligt reglementet", "Budget 2024" columns), so the
  evidence is weighted by how a document refers to *itself*: "socialnämndens verksamhetsplan",
  "uppdragsplanen" (definite), headings that end in a year ("Nämndens inriktning 2023"). Plural
  forms and numbered section headings ("7 Internkontrollplan 2025 för socialnämnden", a plan inside
  the plan) do not count. A region's plan names many kommuner of its county and a kommun's plan
  its region, so an organisation named as itself ("Region Dalarna", "Lunds kommun") weighs three
  bare place names, and the kind of committee ("Regionfullmäktige") or of self-reference
  ("regionen", "kommunens") decides between a kommun and a region.

What was read from scored body text rather than stated in the header is listed in
`DocumentMeta.uncertain`: the year when no title, header date or self-dating sentence gave it; the
organisation when the header does not name it and the body names it as itself fewer than
`ORGANISATION_CERTAIN_MENTIONS` times.

A protocol's year is its meeting's, its title is composed so that meetings tell apart
("Socialnämndens protokoll 2025-12-09"). A plan's year is the year it is for, a period in its
title ("2026–2028", "Mål och budget 2026 med ekonomisk plan 2027–2030") gives the first and last
year. A standing document (riktlinje, reglemente, delegationsordning) is dated by what it says of
itself: the newest of its decision, cover and "gäller från" dates.

The user can override any field (`MetaOverrides`), e.g. from a sidecar `<file>.meta.json`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.committees import COMMITTEE, committee_name, committee_named, committees, genitive
from ingest.dates import YEAR, iter_dates
from ingest.document import DocumentMeta, IngestError, UncertainField
from ingest.organisations import (
    Organisation,
    iter_organisation_mentions,
    municipality_title,
    organisation_named,
)

#: How far from the start a title line may be, in non-empty lines (logos and slogans come first).
TITLE_SEARCH_LINES = 12
#: How many non-empty lines a document's header (cover, title, metadata block) may have.
HEADER_LINES = 20
#: How many non-empty lines before its first § a protocol's header may have (attendance lists).
PROTOCOL_HEADER_LINES = 60
#: How often the body must name an organisation as itself ("Lunds kommun", "Region Skåne") for it
#: to be certain when the header does not name it.
ORGANISATION_CERTAIN_MENTIONS = 5
#: Title used when the text gives nothing to build one from.
UNTITLED = "Namnlöst dokument"

#: Document types by canonical name (lower case, as a Swedish noun), with the pattern of the
#: indefinite singular as written in a title. Longer names first: "mål och budget" before "budget",
#: "protokollsutdrag" before "protokoll".
DOC_TYPE_PATTERNS: dict[str, str] = {
    "protokollsutdrag": r"protokollsutdrag|utdrag\s+ur\s+(?:\w+\s+)?protokoll(?:et)?",
    "protokoll": r"(?:sammanträdes)?protokoll",
    "mål och budget": r"mål\s+(?:och|&)\s+budget",
    "regionplan": r"regionplan",
    "strategisk plan": r"strategisk\s+plan",
    "uppdragsplan": r"uppdragsplan",
    "verksamhetsplan": r"verksamhetsplan",
    "nämndplan": r"nämndplan",
    "årsplan": r"årsplan",
    "internkontrollplan": r"internkontrollplan|plan\s+för\s+intern\s+kontroll",
    "handlingsplan": r"handlingsplan",
    "reglemente": r"reglemente",
    "riktlinje": r"riktlinje(?:rna|r)?",  # the plural is the title: "Riktlinjer för avgifter"
    "delegationsordning": r"delegationsordning",
    "årsredovisning": r"årsredovisning",
    "verksamhetsberättelse": r"verksamhetsberättelse",
    "delårsrapport": r"delårsrapport",
    "budget": r"budget",
}
#: Minutes of a meeting: dated by the meeting, titled by committee and date.
PROTOCOL_TYPES = frozenset({"protokoll", "protokollsutdrag"})
#: Documents that stand until replaced rather than being for a year: dated by their decision.
_STANDING_TYPES = frozenset({"reglemente", "riktlinje", "delegationsordning"})
#: Types a plan's body may show by referring to itself. The rest ("enligt reglementet", "nämndens
#: budget", a client's "handlingsplan") are mostly other documents, so only a title shows them.
_SELF_REFERRED_TYPES = ("uppdragsplan", "verksamhetsplan", "nämndplan", "internkontrollplan",
                        "regionplan", "årsplan")  # fmt: skip

_DOC_TYPE = "|".join(f"(?:{pattern})" for pattern in DOC_TYPE_PATTERNS.values())
#: "2026", "2026–2028", "2023/24": a year or a period.
_PERIOD = re.compile(
    rf"(?<![\w:/.-])(?P<first>{YEAR})(?:\s*[-–]\s*(?P<last>{YEAR})|/(?P<short>\d\d))?(?![\w:/-])"
)

#: A title line: an optional owner in the genitive ("Socialnämndens", "Lunds kommuns"), the type,
#: more types ("Regionplan, budget och finansplan"), then nothing, a year (or period) within a few
#: words ("Delårsrapport januari–augusti 2025"), or "för ..."/"med ..." ("Reglemente för vård- och
#: omsorgsnämnden").
_TITLE_LINE = re.compile(
    rf"^(?:(?P<owner>(?:[\w-]+\s+){{0,3}}[\w-]+s)\s+)?(?P<type>{_DOC_TYPE})(?!\w)"
    r"(?P<tail>(?:\s*,\s*[\w-]+)*(?:\s+(?:och|&)\s+[\w-]+)?"
    rf"(?:\s*(?:[-–:,]\s*)?(?:(?:[\w–-]+\s+){{0,3}}{YEAR}|för\s|med\s|och\s|inom\s).*)?)$",
    re.IGNORECASE,
)
_TITLE_MAX_WORDS = 14
#: More words than this on one line is running text, whatever its punctuation.
_RUNNING_TEXT_WORDS = 25
#: One sentence ending and the next beginning, in a hard-wrapped line of running text.
_SENTENCE_BOUNDARY = re.compile(r"[a-zåäö]{2}[.!?]\s+[A-ZÅÄÖ]")
#: A line continuing a title on the next line: lower case ("med ekonomisk plan") or a period.
_TITLE_CONTINUATION = re.compile(rf"^(?:[a-zåäö]|{YEAR}(?:\s*[-–]\s*{YEAR})?$)")
#: Table-of-contents furniture: dot leaders, or a page number after the entry.
_TOC_LINE = re.compile(r"\.{4,}|…{2,}|\s\d{1,3}$")
_TOC_HEADING = re.compile(r"^innehåll(?:sförteckning)?$", re.IGNORECASE)
#: A protocol's paragraph heading ("§ 88", "§88 Val av justerare"): its header ends there.
_PARAGRAPH_HEADING = re.compile(r"^§\s*\d+")
#: A protocol's name on its first lines: "SAMMANTRÄDESPROTOKOLL", "Protokollsutdrag",
#: "Kommunfullmäktiges protokoll", "Utdrag ur protokoll fört vid ...".
_PROTOCOL_WORD = re.compile(
    rf"(?<!\w)(?P<type>{DOC_TYPE_PATTERNS['protokollsutdrag']}|{DOC_TYPE_PATTERNS['protokoll']})"
    r"(?!\w)",
    re.IGNORECASE,
)
_PROTOCOL_LINE_MAX_WORDS = 10
#: The date field and the fields that only the minutes of a meeting have.
_MEETING_DATE_LABEL = re.compile(r"\bsammanträdes(?:datum|dag)\b", re.IGNORECASE)
_MEETING_FIELD = re.compile(
    r"^(?:beslutande|justerare|utses\s+att\s+justera|justeringens\s+plats)\b", re.IGNORECASE
)

_SELF_REFERENCE = re.compile(
    r"(?P<before>\b[\wåäö]+\s+)?(?<![\w-])(?P<type>" + "|".join(_SELF_REFERRED_TYPES) + r")"
    r"(?P<suffix>en|ens|s|er|erna|ernas)?(?!\w)",
    re.IGNORECASE,
)
#: Words before a type that make it this document: "socialnämndens verksamhetsplan", "denna plan".
_OWNER_WORD = re.compile(r"(?:\w*nämndens|\w*styrelsens|kommunens|fullmäktiges|denna|detta)\s+$")
#: A committee in the genitive right before a type: "Regionfullmäktiges verksamhetsplan".
_OWNER_BEFORE = re.compile(rf"(?:{COMMITTEE.pattern})\s+$")

_YEAR_TOKEN = re.compile(rf"(?<![\w:/.-]){YEAR}(?![\w:/-])")
_PLANNING_WORD = re.compile(
    r"(?:under|för|inför|verksamhetsåret|budgetåret|budget|mål|år)\s*$", re.IGNORECASE
)
#: Years that look back or far ahead ("Utfall 2021", "Nuläge (2024 T2)", "senast år 2030").
_PAST_OR_VISION_WORD = re.compile(
    r"(?:utfall|bokslut|prognos|nuläge|tom|t\.o\.m\.|sedan|från|senast|ambitionsnivå|vision)"
    r"[\s(:]*$",
    re.IGNORECASE,
)
_NUMBERED_HEADING = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+\S[^.]{0,80}$")
_MARKUP = re.compile(r"^[\s#*_>•-]+|[\s*_]+$")

#: A decision stated on the same line as its date: "Dokumentet beslutades den: 2025-06-16",
#: "Beslutad av regionfullmäktige den 11 juni 2025", "Antaget av kommunfullmäktige 2023-03-30".
_DECISION_WORD = re.compile(
    r"(?<!\w)(?:beslut\w*|antag\w*|antogs|fastställ\w*|reviderad\w*)(?!\w)", re.IGNORECASE
)
#: Who decided: "Dokumentet är beslutat av: Vård- och omsorgsnämnden", "Antagen av socialnämnden".
_DECIDED_BY = re.compile(
    r"(?:beslut\w*|antag\w*|antogs|fastställ\w*)\s+(?:av|i)\s*:?\s*", re.IGNORECASE
)
#: A labelled date: "Sammanträdesdatum 2025-12-09", "Datum: 2025-06-16--17", "Plats och tid ...".
_DATE_LABEL = re.compile(
    r"^(?:sammanträdes(?:datum|dag)|mötesdatum|datum|plats\s+och\s+tid|tid\s+och\s+plats|tid)\b",
    re.IGNORECASE,
)
#: A protocol's field that names the organ that met: "Organ: Socialnämnden".
_ORGAN_LABEL = re.compile(r"^(?:organ|instans|beslutande\s+organ)\b\s*:?", re.IGNORECASE)
#: "Reglementet gäller från och med den 1 januari 2024": the document dating itself.
_VALID_FROM = re.compile(
    rf"(?:(?:{_DOC_TYPE})\w*|dokumentet|denna\s+\w+|detta\s+\w+)\s+gäller\s+"
    r"(?:från|fr\.\s*o\.\s*m\.)(?:\s+och\s+med)?\s+(?:den\s+)?",
    re.IGNORECASE,
)
#: Words that mark the kind of organisation a text is by, counted to choose between a kommun
#: and a region that are both named.
_KIND_WORDS = {
    "kommun": re.compile(r"\bkommun(?:en|ens|fullmäktige\w*|styrelse\w*)\b", re.IGNORECASE),
    "region": re.compile(
        r"\b(?:region(?:en|ens|fullmäktige\w*|styrelse\w*)|landsting\w*)\b", re.IGNORECASE
    ),
}


class MetaOverrides(BaseModel):
    """Metadata given by the user; a field that is set wins over what was detected."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    organisation: str | None = None
    municipality: str | None = None
    committee: str | None = None
    doc_type: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    year_end: int | None = Field(default=None, ge=1900, le=2100)
    date: datetime.date | None = None


def detect_metadata(text: str) -> DocumentMeta:
    """Organisation, committee, document type, year or period, date and title, from the text."""
    protocol_header = _header(text, PROTOCOL_HEADER_LINES, protocol=True)
    protocol_type = _protocol_type(protocol_header)
    if protocol_type:
        return _protocol_metadata(text, protocol_header, protocol_type)
    return _document_metadata(text, _header(text, HEADER_LINES))


def _protocol_metadata(text: str, header: list[str], doc_type: str) -> DocumentMeta:
    """A protocol: the organ that met and the meeting's date, from its header; a composed title."""
    date = _meeting_date(header)
    committee = _organ(header) or _most_named_committee(text)
    year = (date.year, True) if date else (_detect_year(text, None), False)
    owner = _detect_organisation(text, header, committee)
    return _assemble(text, None, owner, year, committee=committee, doc_type=doc_type, date=date)


def _document_metadata(text: str, header: list[str]) -> DocumentMeta:
    title_line = _find_title_line(header[:TITLE_SEARCH_LINES])
    doc_type = _title_doc_type(title_line) or _detect_doc_type_in_body(text)
    committee = (
        _title_committee(title_line)
        or _decided_by(header)
        or _cover_committee(header)
        or _owner_of_self_reference(text, doc_type)
        or _most_named_committee(text)
    )
    first, last = _title_years(title_line)
    stated = first or (_self_dated_year(text, header) if doc_type in _STANDING_TYPES else None)
    year = (stated, True) if stated else (_detect_year(text, doc_type), False)
    owner = _detect_organisation(text, header, committee)
    return _assemble(
        text,
        title_line,
        owner,
        year,
        committee=committee,
        doc_type=doc_type,
        year_end=last,
        date=_decision_date(header),
    )


def _assemble(
    text: str,
    title: str | None,
    owner: tuple[Organisation | None, bool],
    year: tuple[int | None, bool],
    **fields: Any,
) -> DocumentMeta:
    """The metadata from what was found, each of the organisation and the year with whether it is
    certain; the title composed when the document gives none."""
    organisation, organisation_certain = owner
    value, year_certain = year
    meta = DocumentMeta(
        title=UNTITLED,
        organisation=organisation.name if organisation else None,
        municipality=organisation.municipality if organisation else None,
        year=value,
        uncertain=_uncertain(
            value is not None and not year_certain,
            organisation is not None and not organisation_certain,
        ),
        **fields,
    )
    return meta.model_copy(
        update={"title": title or compose_title(meta) or _first_line(text) or UNTITLED}
    )


def _uncertain(year_weak: bool, organisation_weak: bool) -> list[UncertainField]:
    """The fields read from weak evidence (see the module's docstring)."""
    fields: list[UncertainField] = []
    if organisation_weak:
        fields.append("organisation")
    if year_weak:
        fields.append("year")
    return fields


def compose_title(meta: DocumentMeta) -> str | None:
    """A title from the parts, as documents write them: "Socialnämndens uppdragsplan 2025",
    "Region Dalarnas regionplan 2026–2028", "Socialnämndens protokoll 2025-12-09"."""
    if not meta.doc_type:
        return None
    owner = meta.committee or meta.organisation
    if meta.doc_type in PROTOCOL_TYPES and meta.date:
        when: str | None = meta.date.isoformat()
    elif meta.year and meta.year_end:
        when = f"{meta.year}–{meta.year_end}"
    else:
        when = str(meta.year) if meta.year else None
    parts = [genitive(owner) if owner else None, meta.doc_type, when]
    title = " ".join(part for part in parts if part)
    return title[0].upper() + title[1:]


def apply_overrides(meta: DocumentMeta, overrides: MetaOverrides) -> DocumentMeta:
    """The metadata with every field the user gave replacing the detected one.

    The organisation and the municipality are set together ("Lund" gives "Lunds kommun", "Region
    Skåne" gives no municipality). A protocol's given date also gives its year. A field the user
    gave is no longer uncertain. A title that was composed from the parts is composed again from
    the new parts, so overriding the year of "Socialnämndens uppdragsplan 2024" also fixes it.
    """
    given = overrides.model_dump(exclude_none=True)
    given |= _owner_fields(overrides)
    doc_type = given.get("doc_type", meta.doc_type)
    if "date" in given and "year" not in given and doc_type in PROTOCOL_TYPES:
        given["year"] = given["date"].year
    settled = {"organisation": "organisation" in given, "year": "year" in given}
    given["uncertain"] = [field for field in meta.uncertain if not settled[field]]
    updated = meta.model_copy(update=given)
    if "title" not in given and meta.title == compose_title(meta):
        updated = updated.model_copy(update={"title": compose_title(updated) or updated.title})
    return updated


def _owner_fields(overrides: MetaOverrides) -> dict[str, str | None]:
    """The organisation and municipality that the given one(s) of them mean."""
    written = overrides.organisation or overrides.municipality
    if written is None:
        return {}
    known = organisation_named(written)
    if known is not None:
        fields = {"organisation": known.name, "municipality": known.municipality}
    elif overrides.organisation:
        fields = {"organisation": written, "municipality": None}
    else:
        fields = {"organisation": municipality_title(written), "municipality": written}
    if overrides.organisation and overrides.municipality:  # both given: each as the user said
        kommun = organisation_named(overrides.municipality)
        fields["municipality"] = kommun.municipality if kommun else overrides.municipality
    return fields


def sidecar_path(path: Path) -> Path:
    """Where the user's metadata for a file lives: `plan.pdf` → `plan.pdf.meta.json`."""
    return path.with_name(path.name + ".meta.json")


def read_sidecar(path: Path) -> MetaOverrides:
    """The overrides in the sidecar beside `path`; none if there is no sidecar.

    Raises IngestError, with the reason in Swedish, when the sidecar is not valid.
    """
    sidecar = sidecar_path(path)
    try:
        if not sidecar.is_file():
            return MetaOverrides()
    except OSError:  # "<name>.meta.json" too long a name for the file system: it cannot exist
        return MetaOverrides()
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        reason = f"metadatafilen {sidecar.name} är inte giltig JSON ({error})"
        raise IngestError(path, reason) from error
    if not isinstance(data, dict):
        raise IngestError(path, f"metadatafilen {sidecar.name} måste innehålla ett JSON-objekt")
    try:
        return MetaOverrides.model_validate(data)
    except ValidationError as error:
        raise IngestError(path, f"metadatafilen {sidecar.name}: {_explain(error)}") from error


# --- header and title ----------------------------------------------------------------------------


def _header(text: str, limit: int, *, protocol: bool = False) -> list[str]:
    """The document's first non-empty lines, without markup, up to its table of contents, its
    running text (a sentence without a date in it) or, in a protocol, its first §."""
    lines = []
    for line in _leading_lines(text, limit):
        cleaned = _clean_line(line)
        if _TOC_HEADING.match(cleaned) or _PARAGRAPH_HEADING.match(cleaned):
            break
        if not protocol and _is_running_text(cleaned) and not _first_date(cleaned):
            break
        lines.append(cleaned)
    return lines


def _is_running_text(line: str) -> bool:
    """A sentence of the body ("Uppdragsplanen uttrycker nämndens politiska ambitioner för
    året."), not a cover's or a metadata block's line."""
    words = len(line.split())
    sentence = line.endswith((".", ":", ";", "!", "?")) or _SENTENCE_BOUNDARY.search(line)
    return words > _RUNNING_TEXT_WORDS or (words >= 5 and bool(sentence))


def _find_title_line(lines: list[str]) -> str | None:
    """The first line (or a line and its continuations) that reads as the document's title."""
    for index in range(len(lines)):
        for candidate in _title_candidates(lines, index):
            words = len(candidate.split())
            if words <= _TITLE_MAX_WORDS and not candidate.endswith(".") and _is_title(candidate):
                return candidate
    return None


def _title_candidates(lines: list[str], index: int) -> list[str]:
    """The line joined with the lines that continue it ("Mål och budget 2026" / "med ekonomisk
    plan" / "2027–2030"), longest first, then the line alone."""
    joined = lines[index]
    for following in lines[index + 1 :]:
        if not _TITLE_CONTINUATION.match(following) or _TOC_LINE.search(following):
            break
        joined = f"{joined} {following}"
    return [joined, lines[index]] if joined != lines[index] else [joined]


def _is_title(line: str) -> bool:
    return _TOC_LINE.search(line) is None and _TITLE_LINE.match(line) is not None


def _title_doc_type(title_line: str | None) -> str | None:
    if title_line and (match := _TITLE_LINE.match(title_line)):
        return _canonical_doc_type(match.group("type"))
    return None


def _title_committee(title_line: str | None) -> str | None:
    return next(iter(committees(title_line)), None) if title_line else None


def _title_years(title_line: str | None) -> tuple[int | None, int | None]:
    """The year a title names and the last year of its period: "Mål och budget 2026 med ekonomisk
    plan 2027–2030" → (2026, 2030)."""
    years: list[int] = []
    for match in _PERIOD.finditer(title_line or ""):
        first = int(match.group("first"))
        years.append(first)
        if match.group("last"):
            years.append(int(match.group("last")))
        elif match.group("short"):
            years.append(first // 100 * 100 + int(match.group("short")))
    if not years:
        return None, None
    last = max(years)
    return years[0], last if last > years[0] else None


def _canonical_doc_type(written: str) -> str | None:
    for name, pattern in DOC_TYPE_PATTERNS.items():
        if re.fullmatch(pattern, written, re.IGNORECASE):
            return name
    return None


# --- protocols -----------------------------------------------------------------------------------


def _protocol_type(header: list[str]) -> str | None:
    """ "protokoll" or "protokollsutdrag" when a short line of the header names the document so
    ("Protokoll ...", "SOCIALNÄMNDEN SAMMANTRÄDESPROTOKOLL", "Lomma kommun Protokoll", not
    "Relaterade dokument: Protokoll SN 2024-05-21"), or, its name lost, when the header has a
    meeting date and the fields of a meeting ("Sammanträdesdatum", "Beslutande", "Justerare")."""
    for line in header[:TITLE_SEARCH_LINES]:
        match = _PROTOCOL_WORD.search(line)
        if not match or len(line.split()) > _PROTOCOL_LINE_MAX_WORDS:
            continue
        owner = line[: match.start()].strip()
        if not owner or committee_named(owner) or organisation_named(owner):
            return _canonical_doc_type(" ".join(match.group("type").split()))
    meeting_date = any(_MEETING_DATE_LABEL.search(line) for line in header)
    meeting_fields = any(_MEETING_FIELD.match(line) for line in header)
    return "protokoll" if meeting_date and meeting_fields else None


def _meeting_date(header: list[str]) -> datetime.date | None:
    """The date on a labelled line ("Sammanträdesdatum", "Plats och tid", "Datum", or the label
    alone with the date on the next line), else the header's first date."""
    for index, line in enumerate(header):
        if _DATE_LABEL.match(line):
            following = header[index + 1] if index + 1 < len(header) else ""
            date = _first_date(line) or _first_date(following)
            if date:
                return date
    return next((_first_date(line) for line in header if _first_date(line)), None)


def _organ(header: list[str]) -> str | None:
    """The committee that met: on an "Organ" line, else on the line naming the protocol, else on
    a line of its own, else the first one the header names."""
    ranked: list[tuple[int, str]] = []
    for line in header:
        found = committees(line)
        if not found:
            continue
        if _ORGAN_LABEL.match(line):
            rank = 0
        elif _PROTOCOL_WORD.search(line):
            rank = 1
        elif _is_committee_line(line):
            rank = 2
        else:
            rank = 3
        ranked.append((rank, found[0]))
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def _is_committee_line(line: str) -> bool:
    """A line that is a committee's name, maybe with a date: "Kommunfullmäktige 2025-06-05"."""
    rest = COMMITTEE.sub("", line, count=1)
    for date in reversed(list(iter_dates(rest))):
        rest = rest[: date.start] + rest[date.end :]
    return not re.sub(r"(?:\bden\b|[\s,:|–-])+", "", rest)


# --- committee -----------------------------------------------------------------------------------


def _decided_by(header: list[str]) -> str | None:
    """ "Dokumentet är beslutat av: Vård- och omsorgsnämnden", "Beslutad av regionfullmäktige"."""
    for line in header:
        for by in _DECIDED_BY.finditer(line):
            match = COMMITTEE.match(line, by.end())
            if match and (found := committees(match.group())):
                return found[0]
    return None


def _cover_committee(header: list[str]) -> str | None:
    """A cover line of a committee and a date: "Regionfullmäktige 2025-11-10"."""
    for line in header:
        if _is_committee_line(line) and _first_date(line):
            return committees(line)[0]
    for line in header:  # "Kultur- och fritidsnämnden" alone under the organisation's name
        if _is_committee_line(line):
            return committees(line)[0]
    return None


def _owner_of_self_reference(text: str, doc_type: str | None) -> str | None:
    """The committee the text names as the document's owner most: "Regionfullmäktiges
    verksamhetsplan med budget är ..."."""
    if doc_type is None:
        return None
    owners: Counter[str] = Counter()
    pattern = re.compile(rf"(?<![\w-])(?:{DOC_TYPE_PATTERNS[doc_type]})(?:en)?(?!\w)", re.I)
    for match in pattern.finditer(text):
        before = _OWNER_BEFORE.search(text, max(0, match.start() - 60), match.start())
        if before and before.group("name").endswith("s"):
            owners[committee_name(before)] += 1
    return owners.most_common(1)[0][0] if owners else None


def _most_named_committee(text: str) -> str | None:
    counts = Counter(committees(text))
    return counts.most_common(1)[0][0] if counts else None


# --- organisation --------------------------------------------------------------------------------


def _detect_organisation(
    text: str, header: list[str], committee: str | None
) -> tuple[Organisation | None, bool]:
    """The organisation the document is by, and whether that is certain.

    Named in the header (as itself, or bare on a short line such as a logo's "Norrköping"), it is
    certain. Otherwise the body is scored, an organisation named as itself weighing three bare
    place names, among the organisations of the document's kind when that is clear.
    """
    for line in header:
        for mention in iter_organisation_mentions(line):
            if mention.explicit or len(line.split()) <= 3:
                return mention.organisation, True
    scores: Counter[Organisation] = Counter()
    explicit: Counter[Organisation] = Counter()
    for mention in iter_organisation_mentions(text):
        scores[mention.organisation] += 3 if mention.explicit else 1
        explicit[mention.organisation] += mention.explicit
    kind = _organisation_kind(text, committee)
    of_kind = Counter({org: score for org, score in scores.items() if _is_kind(org, kind)})
    ranked = (of_kind or scores).most_common(1)
    if not ranked or ranked[0][1] < 2:
        return None, False
    organisation = ranked[0][0]
    return organisation, explicit[organisation] >= ORGANISATION_CERTAIN_MENTIONS


def _organisation_kind(text: str, committee: str | None) -> str | None:
    """ "region" or "kommun" when the committee's name or the text's own words make it clear."""
    if committee and committee.lower().startswith(("region", "landsting")):
        return "region"
    if committee and committee.lower().startswith("kommun"):
        return "kommun"
    counts = {kind: len(pattern.findall(text)) for kind, pattern in _KIND_WORDS.items()}
    for kind, other in (("region", "kommun"), ("kommun", "region")):
        if counts[kind] >= 3 and counts[kind] >= 3 * counts[other]:
            return kind
    return None


def _is_kind(organisation: Organisation, kind: str | None) -> bool:
    if kind == "region":
        return organisation.regional
    return kind is None or organisation.kind == kind


# --- dates and years -----------------------------------------------------------------------------


def _first_date(line: str) -> datetime.date | None:
    return next((found.date for found in iter_dates(line)), None)


def _decision_date(header: list[str]) -> datetime.date | None:
    """The date of decision the header states ("Dokumentet beslutades den: 2025-06-16",
    "Beslutad av regionfullmäktige den 11 juni 2025"), else a committee's date on the cover
    ("Regionfullmäktige 2025-11-10"), else a labelled date ("Datum: 2025-06-16--17")."""
    for line in header:
        decided = _DECISION_WORD.search(line)
        if decided and (date := _first_date(line[decided.end() :])):
            return date
    for line in header:
        if _is_committee_line(line) and (date := _first_date(line)):
            return date
    for line in header:
        if _DATE_LABEL.match(line) and (date := _first_date(line)):
            return date
    return None


def _self_dated_year(text: str, header: list[str]) -> int | None:
    """The newest year of the dates a standing document gives itself: decided, revised, on the
    cover, or "Reglementet gäller från och med den 1 januari 2024"."""
    dates = [date for line in header if (date := _self_date(line))]
    for valid in _VALID_FROM.finditer(text):
        dates.extend(found.date for found in iter_dates(text, valid.end(), valid.end() + 30))
    return max(dates).year if dates else None


def _self_date(line: str) -> datetime.date | None:
    decided = _DECISION_WORD.search(line)
    if decided:
        return _first_date(line[decided.end() :])
    return _first_date(line) if _is_committee_line(line) else None


def _detect_year(text: str, doc_type: str | None) -> int | None:
    """The year the plan is for: years next to the type or ending headings weigh most; years that
    look back ("Utfall 2021") or far ahead ("senast år 2030") not at all."""
    scores: Counter[int] = Counter()
    type_before = re.compile(rf"{DOC_TYPE_PATTERNS[doc_type]}\s*$", re.I) if doc_type else None
    offset = 0
    for line in text.splitlines(keepends=True):
        heading = _is_year_heading(line)
        for match in _YEAR_TOKEN.finditer(line):
            start = offset + match.start()
            before = text[max(0, start - 30) : start]  # across lines: table headers wrap
            scores[int(match.group())] += _year_weight(before, heading, type_before)
        offset += len(line)
    if not scores:
        return None
    year, score = scores.most_common(1)[0]
    return year if score > 0 else None


def _year_weight(before: str, in_heading: bool, type_before: re.Pattern[str] | None) -> int:
    if type_before and type_before.search(before):
        return 5  # "uppdragsplan 2025"
    if _PAST_OR_VISION_WORD.search(before):
        return 0
    if in_heading:
        return 3  # "Nämndens inriktning 2023"
    return 2 if _PLANNING_WORD.search(before) else 1  # "under 2023", "Mål 2025"


def _is_year_heading(line: str) -> bool:
    """A short line of words that ends in a year: "Nämndens förutsättningar 2023"."""
    words = _clean_line(line).split()
    return (
        2 <= len(words) <= 6
        and re.fullmatch(YEAR, words[-1]) is not None
        and not any(char.isdigit() for char in " ".join(words[:-1]))
    )


# --- doc type in the body ------------------------------------------------------------------------


def _detect_doc_type_in_body(text: str) -> str | None:
    """The plan type the text refers to as itself most."""
    scores: Counter[str] = Counter()
    headings = _numbered_heading_spans(text)
    for match in _SELF_REFERENCE.finditer(text):
        if any(start <= match.start("type") < end for start, end in headings):
            continue  # a section about another plan: "7 Internkontrollplan 2025 för socialnämnden"
        scores[match.group("type").lower()] += _self_reference_weight(match)
    if not scores:
        return None
    doc_type, score = scores.most_common(1)[0]
    return doc_type if score >= 2 else None


def _self_reference_weight(match: re.Match[str]) -> int:
    suffix = (match.group("suffix") or "").lower()
    if suffix.startswith("er"):
        return 0  # plural: other units' plans ("verksamhetsplanerna")
    if _OWNER_WORD.search(match.group("before") or ""):
        return 3  # "socialnämndens verksamhetsplan", "denna uppdragsplan"
    return 2 if suffix in {"en", "ens"} else 1  # "uppdragsplanen" usually means this one


# --- small helpers -------------------------------------------------------------------------------


def _leading_lines(text: str, count: int) -> Iterator[str]:
    """The first `count` lines with any text."""
    seen = 0
    for line in text.splitlines():
        if line.strip():
            yield line
            seen += 1
            if seen == count:
                return


def _numbered_heading_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if _NUMBERED_HEADING.match(line.rstrip()):
            spans.append((offset, offset + len(line)))
        offset += len(line)
    return spans


def _clean_line(line: str) -> str:
    """A line without Markdown marks and extra spaces: "# **Plan 2017**" → "Plan 2017"."""
    return " ".join(_MARKUP.sub("", line.replace("**", "")).split())


def _first_line(text: str) -> str | None:
    first = next(_leading_lines(text, 1), None)
    return _clean_line(first)[:120] if first else None


def _explain(error: ValidationError) -> str:
    """The first problem of a sidecar, in Swedish."""
    problem = error.errors()[0]
    field = ".".join(str(part) for part in problem["loc"])
    if problem["type"] == "extra_forbidden":
        known = ", ".join(MetaOverrides.model_fields)
        return f"okänt fält '{field}' (tillåtna fält: {known})"
    return f"fältet '{field}' har ett ogiltigt värde ({problem['msg']})"
