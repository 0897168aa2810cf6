"""Sweden's 290 municipalities, and finding them in free text.

Used at ingest (which municipality a plan belongs to) and at query time (a municipality filter read
out of a question), so matching is one precompiled regex plus a cheap check per hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: All 290 municipalities by county, as SCB spells them (without "kommun").
MUNICIPALITIES: tuple[str, ...] = (
    # Stockholms län
    "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
    "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm",
    "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna",
    "Vaxholm", "Värmdö", "Österåker",
    # Uppsala län
    "Enköping", "Heby", "Håbo", "Knivsta", "Tierp", "Uppsala", "Älvkarleby", "Östhammar",
    # Södermanlands län
    "Eskilstuna", "Flen", "Gnesta", "Katrineholm", "Nyköping", "Oxelösund", "Strängnäs", "Trosa",
    "Vingåker",
    # Östergötlands län
    "Boxholm", "Finspång", "Kinda", "Linköping", "Mjölby", "Motala", "Norrköping", "Söderköping",
    "Vadstena", "Valdemarsvik", "Ydre", "Åtvidaberg", "Ödeshög",
    # Jönköpings län
    "Aneby", "Eksjö", "Gislaved", "Gnosjö", "Habo", "Jönköping", "Mullsjö", "Nässjö", "Sävsjö",
    "Tranås", "Vaggeryd", "Vetlanda", "Värnamo",
    # Kronobergs län
    "Alvesta", "Lessebo", "Ljungby", "Markaryd", "Tingsryd", "Uppvidinge", "Växjö", "Älmhult",
    # Kalmar län
    "Borgholm", "Emmaboda", "Hultsfred", "Högsby", "Kalmar", "Mönsterås", "Mörbylånga", "Nybro",
    "Oskarshamn", "Torsås", "Vimmerby", "Västervik",
    # Gotlands län
    "Gotland",
    # Blekinge län
    "Karlshamn", "Karlskrona", "Olofström", "Ronneby", "Sölvesborg",
    # Skåne län
    "Bjuv", "Bromölla", "Burlöv", "Båstad", "Eslöv", "Helsingborg", "Hässleholm", "Höganäs",
    "Hörby", "Höör", "Klippan", "Kristianstad", "Kävlinge", "Landskrona", "Lomma", "Lund", "Malmö",
    "Osby", "Perstorp", "Simrishamn", "Sjöbo", "Skurup", "Staffanstorp", "Svalöv", "Svedala",
    "Tomelilla", "Trelleborg", "Vellinge", "Ystad", "Åstorp", "Ängelholm", "Örkelljunga",
    "Östra Göinge",
    # Hallands län
    "Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg",
    # Västra Götalands län
    "Ale", "Alingsås", "Bengtsfors", "Bollebygd", "Borås", "Dals-Ed", "Essunga", "Falköping",
    "Färgelanda", "Grästorp", "Gullspång", "Göteborg", "Götene", "Herrljunga", "Hjo", "Härryda",
    "Karlsborg", "Kungälv", "Lerum", "Lidköping", "Lilla Edet", "Lysekil", "Mariestad", "Mark",
    "Mellerud", "Munkedal", "Mölndal", "Orust", "Partille", "Skara", "Skövde", "Sotenäs",
    "Stenungsund", "Strömstad", "Svenljunga", "Tanum", "Tibro", "Tidaholm", "Tjörn", "Tranemo",
    "Trollhättan", "Töreboda", "Uddevalla", "Ulricehamn", "Vara", "Vårgårda", "Vänersborg", "Åmål",
    "Öckerö",
    # Värmlands län
    "Arvika", "Eda", "Filipstad", "Forshaga", "Grums", "Hagfors", "Hammarö", "Karlstad", "Kil",
    "Kristinehamn", "Munkfors", "Storfors", "Sunne", "Säffle", "Torsby", "Årjäng",
    # Örebro län
    "Askersund", "Degerfors", "Hallsberg", "Hällefors", "Karlskoga", "Kumla", "Laxå", "Lekeberg",
    "Lindesberg", "Ljusnarsberg", "Nora", "Örebro",
    # Västmanlands län
    "Arboga", "Fagersta", "Hallstahammar", "Kungsör", "Köping", "Norberg", "Sala",
    "Skinnskatteberg", "Surahammar", "Västerås",
    # Dalarnas län
    "Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika", "Malung-Sälen",
    "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro", "Älvdalen",
    # Gävleborgs län
    "Bollnäs", "Gävle", "Hofors", "Hudiksvall", "Ljusdal", "Nordanstig", "Ockelbo", "Ovanåker",
    "Sandviken", "Söderhamn",
    # Västernorrlands län
    "Härnösand", "Kramfors", "Sollefteå", "Sundsvall", "Timrå", "Ånge", "Örnsköldsvik",
    # Jämtlands län
    "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund",
    # Västerbottens län
    "Bjurholm", "Dorotea", "Lycksele", "Malå", "Nordmaling", "Norsjö", "Robertsfors", "Skellefteå",
    "Sorsele", "Storuman", "Umeå", "Vilhelmina", "Vindeln", "Vännäs", "Åsele",
    # Norrbottens län
    "Arjeplog", "Arvidsjaur", "Boden", "Gällivare", "Haparanda", "Jokkmokk", "Kalix", "Kiruna",
    "Luleå", "Pajala", "Piteå", "Älvsbyn", "Överkalix", "Övertorneå",
)  # fmt: skip

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

#: Official names that differ from the plain one ("Falu kommun" is Falun's own name).
_ALTERNATIVE_NAMES: dict[str, str] = {"Falu": "Falun"}

_CANONICAL_BY_LOWER: dict[str, str] = {name.lower(): name for name in MUNICIPALITIES} | {
    alt.lower(): name for alt, name in _ALTERNATIVE_NAMES.items()
}


def _trie_regex(words: list[str]) -> str:
    """One regex alternation shaped as a prefix tree: 290 flat alternatives make the regex engine
    try every name at every position, a tree lets it give up after the first letter."""
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


def _compile_pattern() -> re.Pattern[str]:
    alternatives = _trie_regex(list(_CANONICAL_BY_LOWER))
    return re.compile(
        rf"(?<!\w)(?P<name>{alternatives})s?"  # genitive: "Norrköpings", "Lunds"
        r"(?P<suffix>\s+(?:kommuns?|stads?)\b)?"  # "Lunds kommun", "Göteborgs stad"
        r"(?!\w)",
        re.IGNORECASE,
    )


_PATTERN = _compile_pattern()
#: What comes right before a sentence or a list item: the start, end punctuation or a bullet.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•*#>\n-])\s*$")


@dataclass(frozen=True, slots=True)
class MunicipalityMention:
    """One municipality name in a text, e.g. "Norrköpings kommun" → Norrköping."""

    name: str
    start: int
    end: int
    with_kommun: bool  # "Lunds kommun", "Göteborgs stad": the surest sign of a plan's owner


def iter_municipality_mentions(text: str) -> Iterator[MunicipalityMention]:
    """Every municipality mention in the text, in order, ambiguous words filtered out."""
    for match in _PATTERN.finditer(text):
        written = match.group("name")
        canonical = _CANONICAL_BY_LOWER[" ".join(written.lower().split())]
        with_kommun = match.group("suffix") is not None
        if with_kommun or _reads_as_name(text, match.start(), written, canonical):
            yield MunicipalityMention(canonical, match.start(), match.end(), with_kommun)


def _reads_as_name(text: str, start: int, written: str, canonical: str) -> bool:
    """Whether a name without "kommun" after it means the municipality.

    An alternative name needs "kommun" ("Falu" alone is also "Falu rödfärg"); an ambiguous word
    counts only when capitalised mid-sentence ("i Mark", not "mark" or "Mark och vatten...").
    """
    if " ".join(written.lower().split()) != canonical.lower():
        return False
    if canonical not in AMBIGUOUS_MUNICIPALITIES:
        return True
    title_case = written[0].isupper() and not written.isupper()
    sentence_initial = _SENTENCE_START.search(text, max(0, start - 40), start) is not None
    return title_case and not sentence_initial


def find_municipalities(text: str) -> list[str]:
    """Canonical names of the municipalities a text mentions, in order of first mention."""
    found: dict[str, None] = {}
    for mention in iter_municipality_mentions(text):
        found.setdefault(mention.name)
    return list(found)


def canonical_municipality(name: str) -> str | None:
    """The canonical spelling of a municipality name ("norrköping" → "Norrköping"), if it is one."""
    return _CANONICAL_BY_LOWER.get(" ".join(name.lower().split()))


#: Official names that the rule in `municipality_title` does not give.
_IRREGULAR_TITLES = {"Falun": "Falu kommun", "Gotland": "Region Gotland"}


def municipality_title(name: str) -> str:
    """How the municipality is named as an organisation: "Norrköpings kommun", "Norrtälje kommun"
    (a name ending in a vowel or an s-sound takes no genitive s)."""
    if name in _IRREGULAR_TITLES:
        return _IRREGULAR_TITLES[name]
    bare = name.endswith(("a", "e", "i", "o", "u", "y", "å", "ä", "ö", "s", "x", "z"))
    return f"{name} kommun" if bare else f"{name}s kommun"
