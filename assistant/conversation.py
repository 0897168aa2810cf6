"""Follow-up questions without a language model: "och i Söderköping?", "vad är budgeten där?".

A follow-up leans on the turn before it in one of two ways:

* it is elliptic, naming only a new filter ("och 2017?", "samma fråga för Norrtälje", "hur är det
  i Norrköping då?"): the previous question is asked again with that filter replaced;
* it has its own topic but points back ("vad är budgeten där?", "vilka lagar gäller i den
  kommunen?", "och budgeten?"): the new topic is asked with the previous organisations and years.

Organisations are kommuner or regioner alike: "och i Region Dalarna?" after a question about
Norrköping asks it of Region Dalarna.

Either way the question is rewritten into one that stands on its own, for display and retrieval.
A question with its own topic and nothing pointing back is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.mentions import (
    DateMention,
    Mention,
    date_mentions,
    doc_type_mentions,
    is_genitive,
    organisation_mentions,
    year_mentions,
)
from assistant.question import QuestionIntent, analyse
from ingest.dates import MONTH_NAMES
from ingest.organisations import municipality_title, organisation_named

#: Words an elliptic follow-up is made of besides its filters: "och", "hur är det ... då",
#: "samma fråga för", "vad säger", "än i".
_FILLER_WORDS = frozenset(
    """och än men samt då hur är ar var blir det ser ut samma fråga frågan sak saken gäller galler
    även också ocksa nu så sa sen vad med om för for i på pa till där dit ju väl sägs säger
    motsvarande likadant tittar titta kolla kollar vi gör""".split()
)
_PLACE_REFERENCE = re.compile(
    # "där"/"dit" only at the end of the question: "barn där föräldrarna..." is a relative clause.
    r"(?<!\w)(?P<where>där|dit)(?=(?:\s+(?:då|också|ocksa|nu|(?:19|20)\d\d))*\s*[?.!]*\s*$)"
    r"|(?<!\w)(?P<which>den\s+(?:här\s+)?kommunen|samma\s+kommun(?:en)?)(?!\w)"
    r"|(?<!\w)(?P<whose>deras|dess)(?!\w)",
    re.IGNORECASE,
)
_TIME_REFERENCE = re.compile(
    r"(?<!\w)(?:det\s+(?:här\s+)?året|samma\s+år(?:et)?)(?!\w)", re.IGNORECASE
)
#: "då" at the end and a leading "och"/"än"/"men" carry on the conversation without saying what
#: they refer to: they take whatever the question lacks.
_TRAILING_THEN = re.compile(r"(?:^|,?\s+)då(?=\s*[?.!]*\s*$)", re.IGNORECASE)
_LEADING_AND = re.compile(r"^\s*(?:och|än|men|samt)\s+", re.IGNORECASE)
_END_PUNCTUATION = re.compile(r"\s*[?.!]*\s*$")
_WORD = re.compile(r"[^\W\d_]+")
_KOMMUN_TAIL = re.compile(r"\s+(?:kommun|stad)s?$", re.IGNORECASE)
_COMPOUND_TAIL = re.compile(r"(?:plan|budget|kommun)\w*$", re.IGNORECASE)

#: A kind of filter: the follow-up's values, how to find the old ones in a question, how to write
#: a new value in an old one's form (new, old, as written), and the phrase that adds it.
_FilterKind = tuple[
    list[str],
    Callable[[str], list[Mention]],
    Callable[[str, str, str], str],
    Callable[[Sequence[str]], str],
]


def resolve(question: str, previous: QuestionIntent | None) -> QuestionIntent:
    """The intent to answer: the question's own, or completed from the previous turn."""
    intent = analyse(question)
    if previous is None or not previous.meaningful or not (intent.meaningful and intent.swedish):
        return intent
    if _is_elliptic(question, intent):
        return _ask_again(previous, intent)
    if _refers_back(question):
        return _ask_with_previous_filters(question, intent, previous)
    return intent


# --- recognising follow-ups ----------------------------------------------------------------------


def _is_elliptic(question: str, intent: QuestionIntent) -> bool:
    """Only filters and filler words: "och i Söderköping?", "samma fråga för 2017", "och där?"."""
    if any(word.lower() not in _FILLER_WORDS for word in _WORD.findall(intent.topic)):
        return False
    return _names_a_filter(intent) or _refers_back(question)


def _names_a_filter(intent: QuestionIntent) -> bool:
    return bool(intent.organisations or intent.years or intent.dates or intent.doc_types)


def _refers_back(question: str) -> bool:
    return any(
        pattern.search(question)
        for pattern in (_PLACE_REFERENCE, _TIME_REFERENCE, _TRAILING_THEN, _LEADING_AND)
    )


# --- elliptic: the previous question with new filters --------------------------------------------


def _ask_again(previous: QuestionIntent, follow_up: QuestionIntent) -> QuestionIntent:
    if not _names_a_filter(follow_up):
        return previous  # "och där?": the same question once more
    filters = _Filters(
        follow_up.organisations or previous.organisations,
        follow_up.years or previous.years,
        follow_up.doc_types or previous.doc_types,
        follow_up.dates or previous.dates,
    )
    text = _replace_filters(previous.text, follow_up) or _compose(
        previous.topic, filters, _written_dates(follow_up) or _written_dates(previous)
    )
    return _with_filters(analyse(text), filters)


def _replace_filters(text: str, follow_up: QuestionIntent) -> str | None:
    """The previous question with the follow-up's filters in place of its own, or None when it
    names several of a kind (a comparison), which new values cannot replace one for one."""
    kinds: list[_FilterKind] = [
        (follow_up.organisations, organisation_mentions, _organisation_like, _place_phrase),
        (_own_years(follow_up), year_mentions, _year_like, _years_phrase),
        (follow_up.doc_types, doc_type_mentions, _doc_type_like, _doc_phrase),
        (_written_dates(follow_up), date_mentions, _date_like, _dates_phrase),
    ]
    for values, find, inflect, phrase in kinds:
        if not values:
            continue
        mentions = find(text)
        if len({mention.value for mention in mentions}) > 1:
            return None
        if not mentions:
            text = _before_end_punctuation(text, " " + phrase(values))
        for mention in reversed(mentions):
            written = text[mention.start : mention.end]
            new = _join([inflect(value, str(mention.value), written) for value in values])
            text = text[: mention.start] + new + text[mention.end :]
    return text


def _organisation_like(new: str, old: str, written: str) -> str:
    """The new organisation in the old one's form: "Norrtäljes" → "Söderköpings", "Norrtälje
    kommun" → "Söderköpings kommun", "norrtäljeplanen" → "planen för Söderköping", "Region
    Hallands" → "Region Dalarnas", "Norrtälje kommuns" → "Region Dalarnas"."""
    name = _display(new)
    if organisation_named(written) is None:  # a compound: "norrtäljeplanen", "norrköpingsplanen"
        compound_tail = _COMPOUND_TAIL.search(written)
        return f"{compound_tail.group() if compound_tail else ''} för {name}".strip()
    genitive = is_genitive(written, old)
    kommun_tail = _KOMMUN_TAIL.search(written)
    new_kommun = organisation_named(new)
    if kommun_tail and new_kommun is not None and new_kommun.municipality:
        official = municipality_title(new_kommun.municipality)  # "Falu kommun", "Region Gotland"
        if official.endswith(" kommun"):
            return official.removesuffix(" kommun") + kommun_tail.group()
        return _genitive(official) if genitive else official
    return _genitive(name) if genitive else name


def _year_like(new: str, old: str, written: str) -> str:
    return new + (" års" if written.endswith("års") else "")


def _doc_type_like(new: str, old: str, written: str) -> str:
    return new if written.lower() == old else _definite(new)


def _date_like(new: str, old: str, written: str) -> str:
    return new


def _compose(topic: str, filters: _Filters, written_dates: Sequence[str]) -> str:
    """A question from its parts, when the previous one cannot be edited in place."""
    parts = [
        topic,
        _place_phrase(filters.organisations) if filters.organisations else "",
        _years_phrase([str(year) for year in filters.years]) if filters.years else "",
        _doc_phrase(filters.doc_types) if filters.doc_types else "",
        _dates_phrase(written_dates) if written_dates else "",
    ]
    return " ".join(part for part in parts if part) + "?"


# --- own topic, previous filters -----------------------------------------------------------------


def _ask_with_previous_filters(
    question: str, intent: QuestionIntent, previous: QuestionIntent
) -> QuestionIntent:
    """ "vad är budgeten där?" after a question about Norrtälje 2023: the budget in Norrtälje 2023.

    A question naming its own organisation only takes the previous years when it points back in
    time ("det året", "då"): "deras" in it refers to something else.
    """
    points_in_time = bool(_TIME_REFERENCE.search(question) or _TRAILING_THEN.search(question))
    take_places = not intent.organisations and bool(previous.organisations)
    take_years = (
        not intent.years and bool(previous.years) and (not intent.organisations or points_in_time)
    )
    if not (take_places or take_years):
        return intent
    filters = _Filters(
        previous.organisations if take_places else intent.organisations,
        previous.years if take_years else intent.years,
        intent.doc_types or (previous.doc_types if take_places else []),
        intent.dates,
    )
    text = _fill_references(
        question,
        filters.organisations if take_places else [],
        filters.years if take_years else [],
    )
    return _with_filters(analyse(text), filters)


def _fill_references(question: str, places: Sequence[str], years: Sequence[int]) -> str:
    """The question with "där", "deras", "det året" replaced by what they refer to (`places` are
    organisations' official names); what had no word to replace is added at the end."""
    text = _LEADING_AND.sub("", question)
    text = _TRAILING_THEN.sub("", text)
    year_words = [str(year) for year in years]
    text, placed = (
        _PLACE_REFERENCE.subn(lambda m: _place_reference(m, places), text) if places else (text, 0)
    )
    text, dated = (
        _TIME_REFERENCE.subn("år " + _years_phrase(year_words), text) if years else (text, 0)
    )
    missing = [
        _place_phrase(places) if places and not placed else "",
        _years_phrase(year_words) if years and not dated else "",
    ]
    addition = " ".join(part for part in missing if part)
    return _before_end_punctuation(text, " " + addition) if addition else text


def _place_reference(match: re.Match[str], places: Sequence[str]) -> str:
    names = [_display(place) for place in places]
    if match.group("where"):
        preposition = "i" if match.group("where").lower() == "där" else "till"
        return f"{preposition} {_join(names)}"
    if match.group("whose"):
        return _join([_genitive(name) for name in names])
    return _join(names)


# --- small helpers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Filters:
    """The filters a conversation settled on: official organisation names, plan years, document
    types and meeting dates."""

    organisations: list[str]
    years: list[int]
    doc_types: list[str]
    dates: list[DateMention]


def _with_filters(intent: QuestionIntent, filters: _Filters) -> QuestionIntent:
    """The rewritten question's intent with the filters the conversation settled on."""
    many = len(filters.organisations) > 1 or len(filters.years) > 1
    return intent.model_copy(
        update={
            "organisations": list(filters.organisations),
            "years": list(filters.years),
            "doc_types": list(filters.doc_types),
            "dates": list(filters.dates),
            "compare": intent.compare or many,
        }
    )


def _own_years(intent: QuestionIntent) -> list[str]:
    """The years a question names outside its dates ("2024", not the year of "december 2025",
    which goes with its date)."""
    dates = date_mentions(intent.text)
    return [
        str(year.value)
        for year in year_mentions(intent.text)
        if not any(date.start <= year.start < date.end for date in dates)
    ]


def _written_dates(intent: QuestionIntent) -> list[str]:
    """The meeting dates as the question writes them: "decembermötet", "9 december 2025"."""
    return [intent.text[m.start : m.end] for m in date_mentions(intent.text)]


def _before_end_punctuation(text: str, addition: str) -> str:
    match = _END_PUNCTUATION.search(text)
    end = match.start() if match else len(text)
    return text[:end] + addition + text[end:].strip()


def _place_phrase(places: Sequence[str]) -> str:
    return "i " + _join([_display(place) for place in places])


def _years_phrase(years: Sequence[str]) -> str:
    return _join(list(years))


def _doc_phrase(doc_types: Sequence[str]) -> str:
    return "i " + _join([_definite(doc_type) for doc_type in doc_types])


def _dates_phrase(written: Sequence[str]) -> str:
    """ "den 9 december 2025", "i december 2025", "på decembermötet"."""
    first = written[0].lower()
    if first.startswith("den "):
        return _join(list(written))
    if first[:1].isdigit():
        preposition = "den"
    elif first.split()[0] in MONTH_NAMES:
        preposition = "i"
    else:
        preposition = "på"
    return f"{preposition} {_join(list(written))}"


def _display(organisation: str) -> str:
    """How a question names an organisation: a kommun by its short name ("Söderköping"), a region
    (Gotland too) by its own ("Region Dalarna")."""
    found = organisation_named(organisation)
    return (
        found.municipality if found and found.municipality and not found.regional else organisation
    )


def _join(words: list[str]) -> str:
    """ "A", "A och B", "A, B och C"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]


def _genitive(name: str) -> str:
    return name if name.endswith(("s", "x", "z")) else name + "s"


def _definite(doc_type: str) -> str:
    """ "uppdragsplan" → "uppdragsplanen", "reglemente" → "reglementet"; "mål och budget" stays."""
    if doc_type == "mål och budget":
        return doc_type
    if doc_type.endswith("mente"):
        return doc_type + "t"
    return doc_type + ("n" if doc_type.endswith("e") else "en")
