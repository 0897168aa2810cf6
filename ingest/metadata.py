"""What a plan is – municipality, committee, document type, year, title – read from its text alone.

File names of uploads say nothing, so every field comes from evidence in the content, weighed:

* a title line near the start ("Socialnämndens uppdragsplan 2024", "# Uppdragsplan 2017",
  "Reglemente för vård- och omsorgsnämnden") settles what it states;
* otherwise the text is scored. Raw counts mislead: a plan talks about other documents too
  ("förvaltningens verksamhetsplaner", "enligt reglementet", "Budget 2024" columns), so the
  evidence is weighted by how a document refers to *itself*: "socialnämndens verksamhetsplan",
  "uppdragsplanen" (definite), headings that end in a year ("Nämndens inriktning 2023"). Plural
  forms and numbered section headings ("7 Internkontrollplan 2025 för socialnämnden", a plan inside
  the plan) do not count.

The user can override any field (`MetaOverrides`), e.g. from a sidecar `<file>.meta.json`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.document import DocumentMeta, IngestError
from ingest.municipalities import (
    canonical_municipality,
    iter_municipality_mentions,
    municipality_title,
)

#: How far from the start a title line may be, in non-empty lines (logos and slogans come first).
TITLE_SEARCH_LINES = 12
#: Title used when the text gives nothing to build one from.
UNTITLED = "Namnlöst dokument"

#: Document types by canonical name (lower case, as a Swedish noun), with the pattern of the
#: indefinite singular as written in a title. Longer names first: "mål och budget" before "budget".
DOC_TYPE_PATTERNS: dict[str, str] = {
    "mål och budget": r"mål\s+(?:och|&)\s+budget",
    "strategisk plan": r"strategisk\s+plan",
    "uppdragsplan": r"uppdragsplan",
    "verksamhetsplan": r"verksamhetsplan",
    "nämndplan": r"nämndplan",
    "internkontrollplan": r"internkontrollplan|plan\s+för\s+intern\s+kontroll",
    "handlingsplan": r"handlingsplan",
    "reglemente": r"reglemente",
    "delegationsordning": r"delegationsordning",
    "årsredovisning": r"årsredovisning",
    "verksamhetsberättelse": r"verksamhetsberättelse",
    "delårsrapport": r"delårsrapport",
    "budget": r"budget",
}
#: Types a plan's body may show by referring to itself. The rest ("enligt reglementet", "nämndens
#: budget", a client's "handlingsplan") are mostly other documents, so only a title shows them.
_SELF_REFERRED_TYPES = ("uppdragsplan", "verksamhetsplan", "nämndplan", "internkontrollplan")

_YEAR = r"(?:19|20)\d\d"
_DOC_TYPE = "|".join(f"(?:{pattern})" for pattern in DOC_TYPE_PATTERNS.values())

#: A title line: an optional owner in the genitive ("Socialnämndens", "Lunds kommuns"), the type,
#: then nothing, a year (or span), or "för ..."/"med ..."
#: ("Reglemente för vård- och omsorgsnämnden").
_TITLE_LINE = re.compile(
    rf"^(?:(?P<owner>(?:[\w-]+\s+){{0,3}}[\w-]+s)\s+)?(?P<type>{_DOC_TYPE})(?!\w)"
    rf"(?P<tail>\s*(?:[-–:,]\s*)?(?:{_YEAR}|för\s|med\s|och\s).*)?$",
    re.IGNORECASE,
)
_SELF_REFERENCE = re.compile(
    r"(?P<before>\b[\wåäö]+\s+)?(?<![\w-])(?P<type>" + "|".join(_SELF_REFERRED_TYPES) + r")"
    r"(?P<suffix>en|ens|s|er|erna|ernas)?(?!\w)",
    re.IGNORECASE,
)
#: Words before a type that make it this document: "socialnämndens verksamhetsplan", "denna plan".
_OWNER_WORD = re.compile(r"(?:\w*nämndens|\w*styrelsens|kommunens|fullmäktiges|denna|detta)\s+$")

#: A committee: "Socialnämnden", "kultur- och fritidsnämndens", "Kommunstyrelsen",
#: "Tekniska nämnden".
_COMMITTEE = re.compile(
    r"(?<![\w-])(?P<name>(?:\w+-\s+(?:och|&)\s+)?\w{2,}(?:nämnd(?:en|ens|s)?|styrelse(?:n|ns|s)?)"
    r"|[A-ZÅÄÖ]\w+a\s+nämnden?s?)(?!\w)"
)
#: Not committees of a municipality: a company's board, a law's "arbetslöshetsnämnd".
_NOT_COMMITTEES = frozenset({"Bolagsstyrelsen", "Arbetslöshetsnämnden"})

_YEAR_TOKEN = re.compile(rf"(?<![\w:/.-]){_YEAR}(?![\w:/-])")
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
    """Municipality, committee, document type, year and title of a plan, from its text."""
    title_line = _find_title_line(text)
    committee = _detect_committee(text, title_line)
    municipality = _detect_municipality(text)
    doc_type = _title_doc_type(title_line) or _detect_doc_type_in_body(text)
    year = _title_year(title_line) or _detect_year(text, doc_type)
    title = _clean_line(title_line) if title_line else None
    composed = compose_title(committee, doc_type, year, municipality)
    return DocumentMeta(
        title=title or composed or _first_line(text) or UNTITLED,
        organisation=municipality_title(municipality) if municipality else None,
        municipality=municipality,
        committee=committee,
        doc_type=doc_type,
        year=year,
    )


def compose_title(
    committee: str | None, doc_type: str | None, year: int | None, municipality: str | None
) -> str | None:
    """A title from its parts, as plans write them: "Socialnämndens uppdragsplan 2025"."""
    if not doc_type:
        return None
    owner = _genitive(committee) if committee else None
    if owner is None and municipality:
        owner = f"{_genitive(municipality)} kommuns"
    parts = [owner, doc_type, str(year) if year else None]
    title = " ".join(part for part in parts if part)
    return title[0].upper() + title[1:]


def apply_overrides(meta: DocumentMeta, overrides: MetaOverrides) -> DocumentMeta:
    """The metadata with every field the user gave replacing the detected one.

    A title that was composed from the parts (or reads exactly like one) is composed again from the
    new parts, so overriding the year of "Socialnämndens uppdragsplan 2024" also fixes the title.
    """
    given = overrides.model_dump(exclude_none=True)
    if "municipality" in given:
        written = given["municipality"]
        given["municipality"] = canonical_municipality(written) or written
        given.setdefault("organisation", municipality_title(given["municipality"]))
    updated = meta.model_copy(update=given)
    was_composed = meta.title == compose_title(
        meta.committee, meta.doc_type, meta.year, meta.municipality
    )
    if "title" not in given and was_composed:
        recomposed = compose_title(
            updated.committee, updated.doc_type, updated.year, updated.municipality
        )
        updated = updated.model_copy(update={"title": recomposed or updated.title})
    return updated


def sidecar_path(path: Path) -> Path:
    """Where the user's metadata for a file lives: `plan.pdf` → `plan.pdf.meta.json`."""
    return path.with_name(path.name + ".meta.json")


def read_sidecar(path: Path) -> MetaOverrides:
    """The overrides in the sidecar beside `path`; none if there is no sidecar.

    Raises IngestError, with the reason in Swedish, when the sidecar is not valid.
    """
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
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


# --- title line ----------------------------------------------------------------------------------


def _find_title_line(text: str) -> str | None:
    """The first line near the start that reads as the document's title, if any."""
    for line in _leading_lines(text, TITLE_SEARCH_LINES):
        cleaned = _clean_line(line)
        if len(cleaned.split()) <= 12 and not cleaned.endswith(".") and _TITLE_LINE.match(cleaned):
            return cleaned
    return None


def _title_doc_type(title_line: str | None) -> str | None:
    if title_line and (match := _TITLE_LINE.match(title_line)):
        return _canonical_doc_type(match.group("type"))
    return None


def _title_year(title_line: str | None) -> int | None:
    year = re.search(_YEAR, title_line) if title_line else None
    return int(year.group()) if year else None


def _canonical_doc_type(written: str) -> str | None:
    for name, pattern in DOC_TYPE_PATTERNS.items():
        if re.fullmatch(pattern, written, re.IGNORECASE):
            return name
    return None


# --- committee, municipality, doc type, year -----------------------------------------------------


def _detect_committee(text: str, title_line: str | None) -> str | None:
    """The committee the title names, else the one the text names most."""
    if title_line and (in_title := _committees(title_line)):
        return in_title[0]
    counts = Counter(_committees(text))
    return counts.most_common(1)[0][0] if counts else None


def _committees(text: str) -> list[str]:
    found = (_canonical_committee(m.group("name")) for m in _COMMITTEE.finditer(text))
    return [name for name in found if name not in _NOT_COMMITTEES]


def _canonical_committee(written: str) -> str:
    """ "socialnämndens" → "Socialnämnden", "kommunstyrelse" → "Kommunstyrelsen"."""
    # No form of "nämnd" or "styrelse" but the genitive ends in s, so one s off is the genitive off.
    name = " ".join(written.split()).lower().removesuffix("s")
    if name.endswith("nämnd"):
        name += "en"
    elif name.endswith("styrelse"):
        name += "n"
    return name[0].upper() + name[1:]


def _detect_municipality(text: str) -> str | None:
    """The municipality named with "kommun" most ("Norrköpings kommun" weighs three plain mentions).

    A single passing mention ("pulsen från Stockholm") is not enough to call the plan that town's.
    """
    scores: Counter[str] = Counter()
    for mention in iter_municipality_mentions(text):
        scores[mention.name] += 3 if mention.with_kommun else 1
    if not scores:
        return None
    name, score = scores.most_common(1)[0]
    return name if score >= 2 else None


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
        and re.fullmatch(_YEAR, words[-1]) is not None
        and not any(char.isdigit() for char in " ".join(words[:-1]))
    )


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


def _genitive(name: str) -> str:
    """Swedish genitive: "Socialnämnden" → "Socialnämndens", "Borås" → "Borås"."""
    return name if name.endswith(("s", "x", "z")) else name + "s"


def _explain(error: ValidationError) -> str:
    """The first problem of a sidecar, in Swedish."""
    problem = error.errors()[0]
    field = ".".join(str(part) for part in problem["loc"])
    if problem["type"] == "extra_forbidden":
        known = ", ".join(MetaOverrides.model_fields)
        return f"okänt fält '{field}' (tillåtna fält: {known})"
    return f"fältet '{field}' har ett ogiltigt värde ({problem['msg']})"
