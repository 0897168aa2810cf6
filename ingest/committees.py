"""Committees (nämnder, styrelser, fullmäktige, their utskott) named in a text, in canonical form.

"socialnämndens" → "Socialnämnden", "kommunstyrelse" → "Kommunstyrelsen", "Regionfullmäktiges" →
"Regionfullmäktige", "Tekniska nämnden", "socialnämndens individutskott" → "Socialnämndens
individutskott". National agencies with the same shape of name ("Socialstyrelsen",
"Länsstyrelsen", "Hyresnämnden") and a company's board are not committees of a kommun or region.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Case matters only for "Tekniska nämnden" (not "andra nämnden"); headers are often in capitals.
_BODY = (
    r"(?:\w+-\s+(?i:och|&)\s+)?\w{2,}"  # "kultur- och fritids", "social"
    r"(?i:nämnd(?:en|ens|s)?|styrelse(?:n|ns|s)?|fullmäktiges?)"
    r"|[A-ZÅÄÖ]\w+[aA]\s+(?i:nämnden?s?)"  # "Tekniska nämnden"
)
#: A committee, or an utskott of one ("Kommunstyrelsens arbetsutskott").
COMMITTEE = re.compile(
    rf"(?<![\w-])(?P<name>(?:{_BODY}))(?:\s+(?P<utskott>(?i:\w*utskott))(?i:et|s|ets)?)?(?!\w)"
)
#: Agencies of the state and other bodies whose names look like a committee's.
_NOT_COMMITTEES = frozenset(
    """Socialstyrelsen Länsstyrelsen Transportstyrelsen Institutionsstyrelsen Rikspolisstyrelsen
    Kriminalvårdsstyrelsen Ungdomsstyrelsen Luftfartsstyrelsen Bolagsstyrelsen Hyresnämnden
    Arrendenämnden Rättshjälpsnämnden Bokföringsnämnden Studiestödsnämnden Överklagandenämnden
    Ansvarsnämnden Etikprövningsnämnden Läkemedelsförmånsnämnden Fastighetsmäklarnämnden
    Revisorsnämnden Lotterinämnden Valprövningsnämnden Arbetslöshetsnämnden""".split()
)


def iter_committees(text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """Every committee named in `text[start:end]`; `committee_name(match)` gives its name."""
    for match in COMMITTEE.finditer(text, start, len(text) if end is None else end):
        if _canonical(match.group("name")) not in _NOT_COMMITTEES:
            yield match


def committee_name(match: re.Match[str]) -> str:
    """The canonical name of a committee match."""
    name = _canonical(match.group("name"))
    utskott = match.group("utskott")
    return f"{genitive(name)} {utskott.lower()}" if utskott else name


def committees(text: str) -> list[str]:
    """The committees a text names, in order, as often as named."""
    return [committee_name(match) for match in iter_committees(text)]


def committee_named(written: str) -> str | None:
    """The canonical name of a written committee ("vård- och omsorgsnämndens"), if it is one."""
    match = COMMITTEE.fullmatch(" ".join(written.split()))
    if match is None or _canonical(match.group("name")) in _NOT_COMMITTEES:
        return None
    return committee_name(match)


def genitive(name: str) -> str:
    """Swedish genitive: "Socialnämnden" → "Socialnämndens", "Borås" → "Borås"."""
    return name if name.endswith(("s", "x", "z")) else name + "s"


def _canonical(written: str) -> str:
    """ "socialnämndens" → "Socialnämnden", "kommunstyrelse" → "Kommunstyrelsen"."""
    # No form of "nämnd", "styrelse" or "fullmäktige" but the genitive ends in s, so one s off is
    # the genitive off.
    name = " ".join(written.split()).lower().removesuffix("s")
    if name.endswith("nämnd"):
        name += "en"
    elif name.endswith("styrelse"):
        name += "n"
    return name[0].upper() + name[1:]
