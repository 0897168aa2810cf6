"""Sweden's 290 kommuner and 21 regioner, and finding them in free text.

Used at ingest (which organisation a document is by) and at query time (an organisation filter read
out of a question), so matching is one precompiled regex plus a cheap check per hit. Every written
form is in it: "Norrköping", "Norrköpings kommun", "Göteborgs Stad", "Region Värmlands",
"Västra Götalandsregionens", "Region Jönköpings läns", a former name ("Värmlands läns landsting",
"Landstinget Dalarna"), a county or a land ("Örebro län", "Halland", which stand for their region)
and, for keyboards without å/ä/ö, the same forms unaccented ("norrkoping", "region varmland").

Gotland is a kommun with a region's tasks: one organisation, "Region Gotland", of kind "kommun"
(its municipality is "Gotland", so kommun filters and lists keep it) that is also one of the 21
`REGIONS` (`Organisation.regional`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

#: All 290 kommuner by county, as SCB spells them (without "kommun").
_KOMMUNER_BY_COUNTY: dict[str, tuple[str, ...]] = {
    "Stockholms län": (
        "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
        "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna",
        "Stockholm", "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby",
        "Upplands-Bro", "Vallentuna", "Vaxholm", "Värmdö", "Österåker",
    ),
    "Uppsala län": (
        "Enköping", "Heby", "Håbo", "Knivsta", "Tierp", "Uppsala", "Älvkarleby", "Östhammar",
    ),
    "Södermanlands län": (
        "Eskilstuna", "Flen", "Gnesta", "Katrineholm", "Nyköping", "Oxelösund", "Strängnäs",
        "Trosa", "Vingåker",
    ),
    "Östergötlands län": (
        "Boxholm", "Finspång", "Kinda", "Linköping", "Mjölby", "Motala", "Norrköping",
        "Söderköping", "Vadstena", "Valdemarsvik", "Ydre", "Åtvidaberg", "Ödeshög",
    ),
    "Jönköpings län": (
        "Aneby", "Eksjö", "Gislaved", "Gnosjö", "Habo", "Jönköping", "Mullsjö", "Nässjö", "Sävsjö",
        "Tranås", "Vaggeryd", "Vetlanda", "Värnamo",
    ),
    "Kronobergs län": (
        "Alvesta", "Lessebo", "Ljungby", "Markaryd", "Tingsryd", "Uppvidinge", "Växjö", "Älmhult",
    ),
    "Kalmar län": (
        "Borgholm", "Emmaboda", "Hultsfred", "Högsby", "Kalmar", "Mönsterås", "Mörbylånga",
        "Nybro", "Oskarshamn", "Torsås", "Vimmerby", "Västervik",
    ),
    "Gotlands län": ("Gotland",),
    "Blekinge län": ("Karlshamn", "Karlskrona", "Olofström", "Ronneby", "Sölvesborg"),
    "Skåne län": (
        "Bjuv", "Bromölla", "Burlöv", "Båstad", "Eslöv", "Helsingborg", "Hässleholm", "Höganäs",
        "Hörby", "Höör", "Klippan", "Kristianstad", "Kävlinge", "Landskrona", "Lomma", "Lund",
        "Malmö", "Osby", "Perstorp", "Simrishamn", "Sjöbo", "Skurup", "Staffanstorp", "Svalöv",
        "Svedala", "Tomelilla", "Trelleborg", "Vellinge", "Ystad", "Åstorp", "Ängelholm",
        "Örkelljunga", "Östra Göinge",
    ),
    "Hallands län": ("Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg"),
    "Västra Götalands län": (
        "Ale", "Alingsås", "Bengtsfors", "Bollebygd", "Borås", "Dals-Ed", "Essunga", "Falköping",
        "Färgelanda", "Grästorp", "Gullspång", "Göteborg", "Götene", "Herrljunga", "Hjo",
        "Härryda", "Karlsborg", "Kungälv", "Lerum", "Lidköping", "Lilla Edet", "Lysekil",
        "Mariestad", "Mark", "Mellerud", "Munkedal", "Mölndal", "Orust", "Partille", "Skara",
        "Skövde", "Sotenäs", "Stenungsund", "Strömstad", "Svenljunga", "Tanum", "Tibro",
        "Tidaholm", "Tjörn", "Tranemo", "Trollhättan", "Töreboda", "Uddevalla", "Ulricehamn",
        "Vara", "Vårgårda", "Vänersborg", "Åmål", "Öckerö",
    ),
    "Värmlands län": (
        "Arvika", "Eda", "Filipstad", "Forshaga", "Grums", "Hagfors", "Hammarö", "Karlstad", "Kil",
        "Kristinehamn", "Munkfors", "Storfors", "Sunne", "Säffle", "Torsby", "Årjäng",
    ),
    "Örebro län": (
        "Askersund", "Degerfors", "Hallsberg", "Hällefors", "Karlskoga", "Kumla", "Laxå",
        "Lekeberg", "Lindesberg", "Ljusnarsberg", "Nora", "Örebro",
    ),
    "Västmanlands län": (
        "Arboga", "Fagersta", "Hallstahammar", "Kungsör", "Köping", "Norberg", "Sala",
        "Skinnskatteberg", "Surahammar", "Västerås",
    ),
    "Dalarnas län": (
        "Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika", "Malung-Sälen",
        "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro", "Älvdalen",
    ),
    "Gävleborgs län": (
        "Bollnäs", "Gävle", "Hofors", "Hudiksvall", "Ljusdal", "Nordanstig", "Ockelbo", "Ovanåker",
        "Sandviken", "Söderhamn",
    ),
    "Västernorrlands län": (
        "Härnösand", "Kramfors", "Sollefteå", "Sundsvall", "Timrå", "Ånge", "Örnsköldsvik",
    ),
    "Jämtlands län": (
        "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund",
    ),
    "Västerbottens län": (
        "Bjurholm", "Dorotea", "Lycksele", "Malå", "Nordmaling", "Norsjö", "Robertsfors",
        "Skellefteå", "Sorsele", "Storuman", "Umeå", "Vilhelmina", "Vindeln", "Vännäs", "Åsele",
    ),
    "Norrbottens län": (
        "Arjeplog", "Arvidsjaur", "Boden", "Gällivare", "Haparanda", "Jokkmokk", "Kalix", "Kiruna",
        "Luleå", "Pajala", "Piteå", "Älvsbyn", "Överkalix", "Övertorneå",
    ),
}  # fmt: skip

#: The kommuner's short names ("Norrköping"), in county order.
MUNICIPALITIES: tuple[str, ...] = tuple(
    name for names in _KOMMUNER_BY_COUNTY.values() for name in names
)

#: Names that are also ordinary Swedish words or common personal names ("vara", "mark", "boden",
#: "klippan", "Nora"...). They only count when capitalised and not first in a sentence, or when
#: "kommun"/"stad" follows, so "Vara en god arbetsgivare" or "på egen mark" do not fire.
AMBIGUOUS_MUNICIPALITIES: frozenset[str] = frozenset(
    {
        "Ale", "Berg", "Boden", "Dorotea", "Eda", "Habo", "Kil", "Klippan", "Köping", "Lund",
        "Mark", "Mora", "Nacka", "Nora", "Orsa", "Sala", "Salem", "Skara", "Storfors", "Säter",
        "Tranås", "Vara", "Vilhelmina", "Vindeln", "Älvdalen", "Åre", "Öckerö",
    }
)  # fmt: skip

#: Kommuner whose own name is not "<name>(s) kommun".
_IRREGULAR_TITLES = {"Falun": "Falu kommun", "Gotland": "Region Gotland"}
#: Kommuner that also carry a region's tasks (healthcare, regional development).
_REGIONAL_KOMMUNER = frozenset({"Gotland"})

#: The 20 regions besides Gotland, by county: official name, then other names written for it. The
#: "<county> läns landsting" and "Landstinget i <county>" forms of every former county council are
#: added by rule; these are the other names in use before 2019 and common short forms.
_REGIONS_BY_COUNTY: dict[str, tuple[str, ...]] = {
    "Stockholms län": ("Region Stockholm",),
    "Uppsala län": ("Region Uppsala",),
    "Södermanlands län": ("Region Sörmland", "Landstinget Sörmland", "Region Södermanland"),
    "Östergötlands län": ("Region Östergötland", "Landstinget i Östergötland"),
    "Jönköpings län": ("Region Jönköpings län", "Region Jönköping"),
    "Kronobergs län": ("Region Kronoberg", "Landstinget Kronoberg"),
    "Kalmar län": ("Region Kalmar län", "Region Kalmar"),
    "Blekinge län": ("Region Blekinge", "Landstinget Blekinge"),
    "Skåne län": ("Region Skåne",),
    "Hallands län": ("Region Halland", "Landstinget Halland"),
    "Västra Götalands län": ("Västra Götalandsregionen", "Region Västra Götaland"),
    "Värmlands län": ("Region Värmland", "Landstinget i Värmland"),
    "Örebro län": ("Region Örebro län", "Region Örebro"),
    "Västmanlands län": ("Region Västmanland", "Landstinget Västmanland"),
    "Dalarnas län": ("Region Dalarna", "Landstinget Dalarna"),
    "Gävleborgs län": ("Region Gävleborg", "Landstinget Gävleborg"),
    "Västernorrlands län": ("Region Västernorrland", "Landstinget Västernorrland"),
    "Jämtlands län": ("Region Jämtland Härjedalen", "Region Jämtland"),
    "Västerbottens län": ("Region Västerbotten",),
    "Norrbottens län": ("Region Norrbotten",),
}

#: The land a region covers, as people name it ("vården i Halland", "Dalarnas budget"): a bare
#: name like a kommun's, not the organisation named as itself. Where the land's name is a kommun's
#: ("Uppsala", "Örebro") the kommun wins, and Gotland is Region Gotland's own name.
_LANDS_BY_COUNTY: dict[str, tuple[str, ...]] = {
    "Södermanlands län": ("Sörmland", "Södermanland"),
    "Östergötlands län": ("Östergötland",),
    "Kronobergs län": ("Kronoberg",),
    "Blekinge län": ("Blekinge",),
    "Skåne län": ("Skåne",),
    "Hallands län": ("Halland",),
    "Västra Götalands län": ("Västra Götaland",),
    "Värmlands län": ("Värmland",),
    "Västmanlands län": ("Västmanland",),
    "Dalarnas län": ("Dalarna",),
    "Gävleborgs län": ("Gävleborg",),
    "Västernorrlands län": ("Västernorrland",),
    "Jämtlands län": ("Jämtland", "Jämtland Härjedalen"),
    "Västerbottens län": ("Västerbotten",),
    "Norrbottens län": ("Norrbotten",),
}


@dataclass(frozen=True, slots=True)
class Organisation:
    """A kommun or a region: "Norrköpings kommun" (municipality "Norrköping"), "Region Värmland"."""

    name: str
    kind: Literal["kommun", "region"]
    #: The kommun's short name ("Norrköping", "Gotland"); None for a region.
    municipality: str | None
    county: str

    @property
    def regional(self) -> bool:
        """Whether it has a region's tasks: every region, and Gotland."""
        return self.kind == "region" or self.municipality in _REGIONAL_KOMMUNER


def municipality_title(name: str) -> str:
    """How a kommun is named as an organisation: "Norrköpings kommun", "Norrtälje kommun"
    (a name ending in a vowel or an s-sound takes no genitive s)."""
    if name in _IRREGULAR_TITLES:
        return _IRREGULAR_TITLES[name]
    bare = name.endswith(("a", "e", "i", "o", "u", "y", "å", "ä", "ö", "s", "x", "z"))
    return f"{name} kommun" if bare else f"{name}s kommun"


KOMMUNER: tuple[Organisation, ...] = tuple(
    Organisation(municipality_title(name), "kommun", name, county)
    for county, names in _KOMMUNER_BY_COUNTY.items()
    for name in names
)
_KOMMUN_BY_NAME = {kommun.municipality: kommun for kommun in KOMMUNER}
#: The 21 regions, Region Gotland (a kommun) among them, in county order.
REGIONS: tuple[Organisation, ...] = tuple(
    Organisation(_REGIONS_BY_COUNTY[county][0], "region", None, county)
    if county in _REGIONS_BY_COUNTY
    else _KOMMUN_BY_NAME["Gotland"]
    for county in _KOMMUNER_BY_COUNTY
)
#: Every organisation once: the 290 kommuner and the 20 regions that are not also a kommun.
ORGANISATIONS: tuple[Organisation, ...] = KOMMUNER + tuple(r for r in REGIONS if r.kind == "region")


# --- written forms -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Form:
    """What a written name means and how sure a plain occurrence of it is."""

    organisation: Organisation
    #: An official or former name of the organisation itself ("Region Värmland", "Falu kommun"):
    #: the surest sign of a document's owner. A bare kommun name or a county is not.
    explicit: bool
    #: A kommun's short name, which may be an ordinary word (see AMBIGUOUS_MUNICIPALITIES).
    bare_kommun: bool = False
    #: Only a name with "kommun" after it: "Falu" alone is also "Falu rödfärg".
    needs_kommun: bool = False


_TO_UNACCENTED = str.maketrans("åäöÅÄÖ", "aaoAAO")
#: Unaccented names that are ordinary words ("ange" is Ånge, "mala" Malå) or another kommun
#: ("habo" is Habo, not Håbo).
_UNSAFE_UNACCENTED = frozenset({"ange", "mala", "habo"})


def _written_forms() -> dict[str, _Form]:
    forms: dict[str, _Form] = {}
    for kommun in KOMMUNER:
        name = kommun.municipality or ""
        forms[name.lower()] = _Form(kommun, explicit=False, bare_kommun=True)
    forms["falu"] = _Form(_KOMMUN_BY_NAME["Falun"], explicit=True, needs_kommun=True)
    forms["region gotland"] = _Form(_KOMMUN_BY_NAME["Gotland"], explicit=True)
    for region in REGIONS:
        county = region.county  # "Värmlands län"
        for land in (county, *_LANDS_BY_COUNTY.get(region.county, ())):
            forms[land.lower()] = _Form(region, explicit=False)  # the land, not the organisation
        if region.kind == "region":  # Gotland never had a landsting
            for name in _REGIONS_BY_COUNTY[region.county]:
                forms[name.lower()] = _Form(region, explicit=True)
            # "Värmlands läns landsting", "Landstinget i Värmlands län"
            forms[f"{county.lower()}s landsting"] = _Form(region, explicit=True)
            forms[f"landstinget i {county.lower()}"] = _Form(region, explicit=True)
    return forms | _unaccented(forms)


def _unaccented(forms: dict[str, _Form]) -> dict[str, _Form]:
    """The forms as typed without å/ä/ö, where that is not an ordinary word or another name."""
    unaccented = {}
    for written, form in forms.items():
        folded = written.translate(_TO_UNACCENTED)
        ambiguous = form.bare_kommun and form.organisation.municipality in AMBIGUOUS_MUNICIPALITIES
        if folded in forms or folded in _UNSAFE_UNACCENTED or ambiguous:
            continue
        unaccented[folded] = form
    return unaccented


_FORMS = _written_forms()


def _trie_regex(words: list[str]) -> str:
    """One regex alternation shaped as a prefix tree: hundreds of flat alternatives make the regex
    engine try every name at every position, a tree lets it give up after the first letter."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # end of a name
    return _node_regex(trie)


def _node_regex(node: dict[str, dict]) -> str:
    ends_here = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _node_regex(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy "?" tries the longer name first; the backtracking still finds the shorter one.
    return f"(?:{body})?" if ends_here else body


_PATTERN = re.compile(
    rf"(?<!\w)(?P<name>{_trie_regex(list(_FORMS))})s?"  # genitive: "Norrköpings", "Region Hallands"
    r"(?P<suffix>\s+(?:kommuns?|stads?)\b)?"  # "Lunds kommun", "Göteborgs stad"
    r"(?!\w)",
    re.IGNORECASE,
)
#: What comes right before a sentence or a list item: the start, end punctuation or a bullet.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•*#>\n-])\s*$")


def _form_of(written: str) -> _Form:
    return _FORMS[" ".join(written.lower().split())]


# --- finding them --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationMention:
    """One organisation named in a text, e.g. "Norrköpings kommun", "Region Värmlands"."""

    organisation: Organisation
    start: int
    end: int
    #: Named as the organisation itself ("Lunds kommun", "Göteborgs stad", "Region Skåne",
    #: "Stockholms läns landsting"), not by a bare place name ("Lund", "Skåne län").
    explicit: bool


def iter_organisation_mentions(text: str) -> Iterator[OrganisationMention]:
    """Every organisation mention in the text, in order, ordinary words filtered out."""
    for match in _PATTERN.finditer(text):
        form = _form_of(match.group("name"))
        with_kommun = match.group("suffix") is not None
        if with_kommun or _reads_as_name(text, match.start(), match.group("name"), form):
            yield OrganisationMention(
                form.organisation, match.start(), match.end(), form.explicit or with_kommun
            )


def _reads_as_name(text: str, start: int, written: str, form: _Form) -> bool:
    """Whether a name without "kommun" after it means the organisation.

    An ambiguous kommun name counts only when capitalised mid-sentence ("i Mark", not "mark" or
    "Mark och vatten...").
    """
    if form.needs_kommun:
        return False
    if not form.bare_kommun or form.organisation.municipality not in AMBIGUOUS_MUNICIPALITIES:
        return True
    title_case = written[0].isupper() and not written.isupper()
    sentence_initial = _SENTENCE_START.search(text, max(0, start - 40), start) is not None
    return title_case and not sentence_initial


def find_organisations(text: str) -> list[Organisation]:
    """The organisations a text mentions, in order of first mention."""
    found: dict[Organisation, None] = {}
    for mention in iter_organisation_mentions(text):
        found.setdefault(mention.organisation)
    return list(found)


def organisation_named(written: str) -> Organisation | None:
    """The organisation a name stands for, in any written form: "norrköping", "Norrköpings
    kommun", "Region Värmlands", "Värmlands läns landsting", "region varmland"."""
    match = _PATTERN.fullmatch(" ".join(written.split()))
    return _form_of(match.group("name")).organisation if match else None
