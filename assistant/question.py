"""What a question asks for, read without a model: filters, comparison, law, topic, language.

`analyse` turns a user's question into a `QuestionIntent`: the organisations (kommuner and
regioner), plan years and meeting dates it names (the retrieval filters), the document types it
asks for, whether it compares or asks which law something rests on, the topic left when the filter
words are gone (what each side of a comparison searches for), and whether it is Swedish and
meaningful at all. Everything is regular expressions and word lists, well under a millisecond per
question.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, computed_field

from ingest.dates import ISO_DATE, MONTH, MONTH_NAMES, YEAR, month_number

# The document type names must be exactly those the catalog stores, so they come from the code
# that assigns them rather than a copy.
from ingest.metadata import DOC_TYPE_PATTERNS
from ingest.organisations import (
    Organisation,
    iter_organisation_mentions,
    organisation_named,
)

_T = TypeVar("_T")

FIRST_PLAN_YEAR = 1990
LAST_PLAN_YEAR = 2099


class DateMention(BaseModel):
    """A meeting date a question names, as far as it names it: "december 2025" (no day),
    "junisammanträdet" (no year), "2025-12-09"."""

    model_config = ConfigDict(frozen=True)

    year: int | None
    month: int
    day: int | None


class QuestionIntent(BaseModel):
    """What a question asks for.

    `text` is the question as asked, or as rewritten from a follow-up ("och i Söderköping?").
    `organisations` are official names in order of mention ("Norrköpings kommun", "Region
    Värmland"); `years` the years written as such, also in a date ("december 2017"; not in
    "2025-12-09", a date only); `dates` the meeting dates.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    organisations: list[str]
    years: list[int]
    dates: list[DateMention]
    doc_types: list[str]
    compare: bool
    law: bool
    topic: str
    swedish: bool
    meaningful: bool

    @computed_field  # type: ignore[prop-decorator]
    @property
    def municipalities(self) -> list[str]:
        """The kommuner among the organisations, by short name ("Norrköping")."""
        found = (organisation_named(name) for name in self.organisations)
        return [org.municipality for org in found if org is not None and org.municipality]

    @property
    def filter_organisation(self) -> str | None:
        """The organisation to filter on: set only when exactly one is named."""
        return self.organisations[0] if len(self.organisations) == 1 else None

    @property
    def filter_municipality(self) -> str | None:
        """The municipality to filter on: set only when exactly one is named."""
        return self.municipalities[0] if len(self.municipalities) == 1 else None

    @property
    def filter_year(self) -> int | None:
        """The plan year to filter on: set only when exactly one is named."""
        return self.years[0] if len(self.years) == 1 else None


MentionKind = Literal["organisation", "year", "date", "doc_type", "comparison"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A filter or comparison word in a question: what it means and where it is written."""

    kind: MentionKind
    value: str | int | DateMention
    start: int
    end: int


def analyse(question: str) -> QuestionIntent:
    """Read filters, comparison, law, topic and language out of a question."""
    organisations = organisation_mentions(question)
    dates = date_mentions(question)
    years = year_mentions(question)
    doc_types = doc_type_mentions(question)
    comparison_words = comparison_mentions(question)
    organisation_names = _unique(str(m.value) for m in organisations)
    plan_years = _unique(m.value for m in years if isinstance(m.value, int))
    words = _words(question)
    filters = [*organisations, *years, *dates, *doc_types]
    return QuestionIntent(
        text=question,
        organisations=organisation_names,
        years=plan_years,
        dates=_unique(m.value for m in dates if isinstance(m.value, DateMention)),
        doc_types=_unique(str(m.value) for m in doc_types),
        compare=(
            len(organisation_names) >= 2
            or len(plan_years) >= 2
            or bool(comparison_words)
            or _CHANGE_SINCE.search(question) is not None
        ),
        law=asks_for_law(question),
        topic=strip_filters(question, [*filters, *comparison_words]),
        swedish=is_swedish(words),
        meaningful=bool(filters) or is_meaningful(words),
    )


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
#: A change over time also compares, with the present: "har pengarna ökat sedan 2017?".
_CHANGE_SINCE = re.compile(
    r"\b(?:ökat|minskat|ändrats|förändrats|utvecklats|växt|sjunkit)\s+(?:\w+\s+){0,3}?sedan\b"
    r"|\bmer\s+eller\s+mindre\b",
    re.IGNORECASE,
)


def comparison_mentions(text: str) -> list[Mention]:
    return [
        Mention("comparison", match.group().lower(), match.start(), match.end())
        for match in _COMPARISON_WORD.finditer(text)
    ]


# --- law -----------------------------------------------------------------------------------------

_LAW_PHRASE = re.compile(
    r"\b(?:lagstöd\w*|lagrum\w*|lagstiftning\w*|lagkrav\w*|författning\w*|sfs(?:-\w+)?"
    r"|med\s+stöd\s+av|enligt\s+vilk(?:en|et|a)|svensk\s+lag|lag(?:en|ar|arna)?)\b|§",
    re.IGNORECASE,
)
_INTERROGATIVES = frozenset({"vilken", "vilket", "vilka"})
#: Words that end in "lag" without being laws ("förslag", "klockslag", "underlag", "bolag"...).
_NOT_LAWS = (
    "förslag", "underlag", "avslag", "inslag", "utslag", "anslag", "påslag", "tillslag",
    "beslag", "upplag", "samlag", "bolag", "förlag", "uppslag", "omslag", "handslag", "klockslag",
)  # fmt: skip
_LAW_NOUN = re.compile(
    r"(?P<stem>\w*(?:lag|förordning|föreskrift|författning|lagrum|paragraf|balk|bestämmelse))"
    r"(?:en|ens|ar|arna|er|erna|s)?|sfs(?:-\w+)?",
    re.IGNORECASE,
)


def asks_for_law(question: str) -> bool:
    """Whether a question asks which law (or regulation) something rests on."""
    return _LAW_PHRASE.search(question) is not None or asks_which_law(question)


def asks_which_law(question: str) -> bool:
    """ "vilken lag", "vilket SFS-nummer", "vilka allmänna råd", with up to two words between."""
    words = _words(question)
    for index, word in enumerate(words):
        if word not in _INTERROGATIVES:
            continue
        following = words[index + 1 : index + 4]
        if any(_is_law_noun(noun) for noun in following):
            return True
        if "allmänna" in following and "råd" in words[index + 1 : index + 5]:
            return True
    return False


def _is_law_noun(word: str) -> bool:
    match = _LAW_NOUN.fullmatch(word)
    return match is not None and not (match.group("stem") or "").endswith(_NOT_LAWS)


# --- topic ---------------------------------------------------------------------------------------

#: Words that only led to a removed filter: "i Norrköping", "för 2017", "både i Norrtälje".
_LEADING_WORDS = frozenset(
    "i för for från fran hos inom enligt under inför infor till mellan sedan år åren in på pa av "
    "vid både båda inne "
    "kommunerna".split()
)
#: Words that only joined two removed filters: "Norrköping och Norrtälje", "2017 – 2024".
_CHAINING_WORDS = frozenset({"både", "båda"})
_JOINING_WORDS = frozenset("och eller samt mot , – - / &".split())
#: Generic plan words after a removed owner: "Norrköpings plan", "2024 års plan".
_PLAN_WORDS = frozenset("plan planen planens planer planerna plans".split())
_TOKEN = re.compile(r"[\w-]*\w|[^\w\s]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?)])")
_EMPTY_PARENTHESES = re.compile(r"\(\s*\)")
_EDGE_PUNCTUATION = " \t\n,;:–—-?!.…"


def strip_filters(question: str, mentions: Iterable[Mention]) -> str:
    """The question without its filter and comparison words, nor the words left dangling."""
    mentions = list(mentions)
    tokens = list(_TOKEN.finditer(question))
    filters = _inside_mentions(tokens, mentions)
    owners = _owner_tokens(question, tokens, mentions, filters)
    words = [token.group().lower() for token in tokens]
    removed = list(filters)
    _remove_plan_words(words, removed)
    _remove_leading_words(words, removed, filters, owners)
    _remove_joining_words(words, removed)
    _remove_leading_words(words, removed, filters, owners)
    return _tidy(_join_kept(question, tokens, removed))


def _inside_mentions(tokens: list[re.Match[str]], mentions: list[Mention]) -> list[bool]:
    """Whether each token starts inside a mention, in one pass over both sorted by start: testing
    every token against every mention grew with their product, seconds for a pasted page."""
    spans = sorted((m.start, m.end) for m in mentions)
    inside, next_span, reach = [], 0, -1  # reach: the furthest end of the spans begun so far
    for token in tokens:
        while next_span < len(spans) and spans[next_span][0] <= token.start():
            reach = max(reach, spans[next_span][1])
            next_span += 1
        inside.append(token.start() < reach)
    return inside


def _owner_tokens(
    question: str, tokens: list[re.Match[str]], mentions: list[Mention], filters: list[bool]
) -> set[int]:
    """First tokens of a genitive organisation that owns the next, kept word: in "i Region
    Hallands budget" the "i" belongs to "budget" and stays."""
    first_token = {token.start(): index for index, token in enumerate(tokens)}
    after_token = {token.end(): index + 1 for index, token in enumerate(tokens[:-1])}
    owners = set()
    for m in mentions:
        if m.kind != "organisation" or not is_genitive(question[m.start : m.end], str(m.value)):
            continue
        following = after_token.get(m.end)
        if following is None or m.start not in first_token:
            continue
        next_word = tokens[following].group().lower()
        if next_word.isalpha() and next_word not in _PLAN_WORDS and not filters[following]:
            owners.add(first_token[m.start])
    return owners


def is_genitive(written: str, organisation: str) -> bool:
    """Whether an organisation is written in the genitive: "Norrtäljes", "Region Hallands",
    "Lunds kommuns" (not "Borås", whose s is its own)."""
    if not written.endswith("s"):
        return False
    found = organisation_named(written[:-1])
    return found is not None and found.name == organisation


def _remove_plan_words(words: list[str], removed: list[bool]) -> None:
    for index in range(1, len(words)):
        if words[index] in _PLAN_WORDS and removed[index - 1]:
            removed[index] = True


def _remove_leading_words(
    words: list[str], removed: list[bool], filters: list[bool], owners: set[int]
) -> None:
    """Right to left, so "i både i Norrköping" goes whole; but "år" in "varje år i Söderköping"
    stays: only "både"/"båda" chain to another leading word."""
    for index in range(len(words) - 2, -1, -1):
        after = index + 1
        if removed[index] or not removed[after] or words[index] not in _LEADING_WORDS:
            continue
        leads_to_filter = filters[after] and after not in owners
        chained = words[index] in _CHAINING_WORDS or words[after] in _CHAINING_WORDS
        if leads_to_filter or chained:
            removed[index] = True


def _remove_joining_words(words: list[str], removed: list[bool]) -> None:
    for index in range(1, len(words) - 1):
        between_removed = removed[index - 1] and removed[index + 1]
        if between_removed and words[index] in _JOINING_WORDS:
            removed[index] = True


def _join_kept(question: str, tokens: list[re.Match[str]], removed: list[bool]) -> str:
    """The kept tokens with their original spacing ("individ- och"), one space across a gap."""
    parts: list[str] = []
    previous = -1
    for index, token in enumerate(tokens):
        if removed[index]:
            continue
        if parts:
            adjacent = previous == index - 1
            parts.append(question[tokens[previous].end() : token.start()] if adjacent else " ")
        parts.append(token.group())
        previous = index
    return "".join(parts)


def _tidy(text: str) -> str:
    text = _EMPTY_PARENTHESES.sub("", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split()))
    return text.strip(_EDGE_PUNCTUATION)


# --- language and sense --------------------------------------------------------------------------

#: Frequent Swedish function words, with the spellings of keyboards without å/ä/ö ("ar", "for").
_SWEDISH_WORDS = frozenset(
    """och att det som en ett på pa är ar för for med har hade av till den de inte om vad vilka
    vilken vilket hur var när nar kan ska skall jag vi från fran eller också ocksa så sa finns
    gäller galler mycket många manga någon några nagon nagra sig sin sina sitt vara blir får
    alla vem varför varfor dem denna detta dessa efter mellan enligt hos sedan där dar här har
    samt utan mot vid bara nu då även ännu vill måste står gör gjorde göra säger fått ha hur
    kommunen kommun kommunens nämnden socialnämnden mig min mitt mina oss vår våra ni er ert
    eftersom därför dock också än""".split()
)
#: Function words of the languages a user might write instead, none of them Swedish words.
_OTHER_LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "english": frozenset(
        """the is are was were what which who whom whose how why where when does do did of and
        to with on from that this these those there their it its been have has had will would
        can could should about please any many much my your our we you they not or an a me
        tell show give get know want need municipality municipal""".split()
    ),
    "german": frozenset(
        """der die das und ist sind welche welcher welches wie was wer wo wann warum für fuer mit
        von zu nicht ein eine einen einem gibt es auf im dem des sich auch oder haben hat wird
        werden kann können ich wir sie bitte über ueber gemeinde""".split()
    ),
    "norwegian_danish": frozenset(
        """hva hvilke hvilken hvordan hvor hvad hvem hvorfor ikke jeg og også meg mye noen nogle
        budsjett budsjettet kommune""".split()
    ),
    "finnish": frozenset(
        """mitä mikä mitkä kuinka paljon onko ovat kunta kunnan vuonna missä miten miksi kuka
        tämä""".split()
    ),
    "french": frozenset(
        "les est quels quelle quelles quel une du pour dans sont avec qui que combien où et".split()
    ),
    "spanish": frozenset(
        """es los las cuál cuáles qué cómo por para con una del está hay""".split()
    ),
}
_LETTERS = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouyåäöéèáàüæøí")
_KEYBOARD_ROWS = ("qwertyuiopå", "asdfghjklöä", "zxcvbnm")
_REPEATED_CHARACTER = re.compile(r"(.)\1\1")
_CONSONANT_RUN = re.compile(r"[^aeiouyåäöéèáàüæøí]{6,}")


def is_swedish(words: list[str]) -> bool:
    """False only for text clearly in another language: more of its function words than Swedish
    ones. Names, numbers and Swedish written without å/ä/ö stay Swedish."""
    swedish = sum(word in _SWEDISH_WORDS for word in words)
    other = max(
        sum(word in vocabulary for word in words) for vocabulary in _OTHER_LANGUAGE_WORDS.values()
    )
    return not (other >= 1 and other > swedish)


def is_meaningful(words: list[str]) -> bool:
    """False for text with no words or only keyboard mash ("asdfgh", "jjjjj", "sdkfjhsdf")."""
    if not words:
        return False
    if any(_is_function_word(word) for word in words):
        return True
    word_like = sum(_looks_like_word(word) for word in words)
    return word_like * 2 > len(words)


def _is_function_word(word: str) -> bool:
    return word in _SWEDISH_WORDS or any(word in v for v in _OTHER_LANGUAGE_WORDS.values())


def _looks_like_word(word: str) -> bool:
    if len(word) <= 2:
        return True
    vowels = sum(char in _VOWELS for char in word)
    return not (
        vowels == 0
        or _REPEATED_CHARACTER.search(word)
        or _CONSONANT_RUN.search(word)
        or (len(word) >= 8 and vowels / len(word) < 0.2)
        or _runs_along_keyboard(word)
    )


def _runs_along_keyboard(word: str) -> bool:
    """Four keys in a row of the keyboard, either way: "asdf", "lkjh", "qwer"."""
    for start in range(len(word) - 3):
        piece = word[start : start + 4]
        if any(piece in row or piece[::-1] in row for row in _KEYBOARD_ROWS):
            return True
    return False


# --- small helpers -------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [word.lower() for word in _LETTERS.findall(text)]


def _unique(values: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(values))
