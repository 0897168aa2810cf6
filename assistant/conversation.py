"""Follow-up questions without a language model: "och i Söderköping?", "vad är budgeten där?".

A follow-up leans on the turn before it in one of two ways:

* it is elliptic, naming only a new filter ("och 2017?", "samma fråga för Norrtälje", "hur är det
  i Norrköping då?"): the previous question is asked again with that filter replaced;
* it has its own topic but points back ("vad är budgeten där?", "vilka lagar gäller i den
  kommunen?", "och budgeten?"): the new topic is asked with the previous municipalities and years.

Either way the question is rewritten into one that stands on its own, for display and retrieval.
A question with its own topic and nothing pointing back is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.question import (
    Mention,
    QuestionIntent,
    analyse,
    doc_type_mentions,
    municipality_mentions,
    year_mentions,
)

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
_VOWELS = "aeiouyåäö"
_TO_UNACCENTED = str.maketrans("åäö", "aao")

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
    names_a_filter = bool(intent.municipalities or intent.years or intent.doc_types)
    return names_a_filter or _refers_back(question)


def _refers_back(question: str) -> bool:
    return any(
        pattern.search(question)
        for pattern in (_PLACE_REFERENCE, _TIME_REFERENCE, _TRAILING_THEN, _LEADING_AND)
    )


# --- elliptic: the previous question with new filters --------------------------------------------


def _ask_again(previous: QuestionIntent, follow_up: QuestionIntent) -> QuestionIntent:
    if not (follow_up.municipalities or follow_up.years or follow_up.doc_types):
        return previous  # "och där?": the same question once more
    municipalities = follow_up.municipalities or previous.municipalities
    years = follow_up.years or previous.years
    doc_types = follow_up.doc_types or previous.doc_types
    text = _replace_filters(previous.text, follow_up) or _compose(
        previous.topic, municipalities, years, doc_types
    )
    return _with_filters(analyse(text), municipalities, years, doc_types)


def _replace_filters(text: str, follow_up: QuestionIntent) -> str | None:
    """The previous question with the follow-up's filters in place of its own, or None when it
    names several of a kind (a comparison), which new values cannot replace one for one."""
    kinds: list[_FilterKind] = [
        (follow_up.municipalities, municipality_mentions, _municipality_like, _place_phrase),
        ([str(year) for year in follow_up.years], year_mentions, _year_like, _years_phrase),
        (follow_up.doc_types, doc_type_mentions, _doc_type_like, _doc_phrase),
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


def _municipality_like(new: str, old: str, written: str) -> str:
    """The new name in the old one's form: "Norrtäljes" → "Söderköpings", "Norrtälje kommun" →
    "Söderköpings kommun", "norrtäljeplanen" → "planen för Söderköping"."""
    same_name = _fold(written[: len(old)]) == _fold(old)
    rest = written[len(old) :] if same_name else ""
    genitive = rest.startswith("s") and not old.endswith("s")
    tail = rest[1:] if genitive else rest
    if tail[:1].isalpha():  # a compound: "norrtäljeplanen", "norrköpingsplanen"
        return f"{tail} för {new}"
    if tail.strip().lower().startswith(("kommun", "stad")):
        return _official_stem(new) + tail
    return (_genitive(new) if genitive else new) + tail


def _year_like(new: str, old: str, written: str) -> str:
    return new + (" års" if written.endswith("års") else "")


def _doc_type_like(new: str, old: str, written: str) -> str:
    return new if written.lower() == old else _definite(new)


def _compose(
    topic: str, municipalities: Sequence[str], years: Sequence[int], doc_types: Sequence[str]
) -> str:
    """A question from its parts, when the previous one cannot be edited in place."""
    parts = [
        topic,
        _place_phrase(municipalities) if municipalities else "",
        _years_phrase([str(year) for year in years]) if years else "",
        _doc_phrase(doc_types) if doc_types else "",
    ]
    return " ".join(part for part in parts if part) + "?"


# --- own topic, previous filters -----------------------------------------------------------------


def _ask_with_previous_filters(
    question: str, intent: QuestionIntent, previous: QuestionIntent
) -> QuestionIntent:
    """ "vad är budgeten där?" after a question about Norrtälje 2023: the budget in Norrtälje 2023.

    A question naming its own municipality only takes the previous years when it points back in
    time ("det året", "då"): "deras" in it refers to something else.
    """
    points_in_time = bool(_TIME_REFERENCE.search(question) or _TRAILING_THEN.search(question))
    take_places = not intent.municipalities and bool(previous.municipalities)
    take_years = (
        not intent.years and bool(previous.years) and (not intent.municipalities or points_in_time)
    )
    if not (take_places or take_years):
        return intent
    municipalities = previous.municipalities if take_places else intent.municipalities
    years = previous.years if take_years else intent.years
    doc_types = intent.doc_types or (previous.doc_types if take_places else [])
    text = _fill_references(
        question, municipalities if take_places else [], years if take_years else []
    )
    return _with_filters(analyse(text), municipalities, years, doc_types)


def _fill_references(question: str, places: Sequence[str], years: Sequence[int]) -> str:
    """The question with "där", "deras", "det året" replaced by what they refer to; what had no
    word to replace is added at the end."""
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
    if match.group("where"):
        preposition = "i" if match.group("where").lower() == "där" else "till"
        return f"{preposition} {_join(list(places))}"
    if match.group("whose"):
        return _join([_genitive(place) for place in places])
    return _join(list(places))


# --- small helpers -------------------------------------------------------------------------------


def _with_filters(
    intent: QuestionIntent,
    municipalities: Sequence[str],
    years: Sequence[int],
    doc_types: Sequence[str],
) -> QuestionIntent:
    """The rewritten question's intent with the filters the conversation settled on."""
    return intent.model_copy(
        update={
            "municipalities": list(municipalities),
            "years": list(years),
            "doc_types": list(doc_types),
            "compare": intent.compare or len(municipalities) > 1 or len(years) > 1,
        }
    )


def _before_end_punctuation(text: str, addition: str) -> str:
    match = _END_PUNCTUATION.search(text)
    end = match.start() if match else len(text)
    return text[:end] + addition + text[end:].strip()


def _place_phrase(places: Sequence[str]) -> str:
    return "i " + _join(list(places))


def _years_phrase(years: Sequence[str]) -> str:
    return _join(list(years))


def _doc_phrase(doc_types: Sequence[str]) -> str:
    return "i " + _join([_definite(doc_type) for doc_type in doc_types])


def _join(words: list[str]) -> str:
    """ "A", "A och B", "A, B och C"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]


def _fold(text: str) -> str:
    """Lower case without å/ä/ö, to see "norrtalje" as "Norrtälje"."""
    return text.lower().translate(_TO_UNACCENTED)


def _genitive(name: str) -> str:
    return name if name.endswith(("s", "x", "z")) else name + "s"


def _official_stem(name: str) -> str:
    """The name before "kommun": "Norrtälje kommun", "Norrköpings kommun", "Umeå kommun"."""
    return name if name[-1].lower() in _VOWELS else _genitive(name)


def _definite(doc_type: str) -> str:
    """ "uppdragsplan" → "uppdragsplanen", "reglemente" → "reglementet"; "mål och budget" stays."""
    if doc_type == "mål och budget":
        return doc_type
    if doc_type.endswith("mente"):
        return doc_type + "t"
    return doc_type + ("n" if doc_type.endswith("e") else "en")
