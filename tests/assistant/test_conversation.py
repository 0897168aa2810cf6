"""Follow-up questions resolved against the previous turn, without a language model."""

from __future__ import annotations

import pytest

from assistant.conversation import resolve
from assistant.question import QuestionIntent, analyse

GUARANTEES = "vilka tjänstegarantier gäller för försörjningsstöd i Norrtälje?"
BUDGET_2017 = "Vad hade Norrköpings socialnämnd för budget 2017?"
COMPARISON = (
    "vad prioriterar Norrköping respektive Norrtälje när det gäller våld i nära relationer?"
)


def follow(previous_question: str, question: str) -> QuestionIntent:
    return resolve(question, resolve(previous_question, None))


# --- no previous turn, or a question that stands on its own --------------------------------------


@pytest.mark.parametrize("question", ["och i Söderköping?", "vad är budgeten där?", GUARANTEES])
def test_nothing_is_inherited_without_a_previous_turn(question: str) -> None:
    assert resolve(question, None) == analyse(question)


@pytest.mark.parametrize(
    "question",
    [
        "Vad har Norrköping för vision?",
        "Hur många hushåll får ekonomiskt bistånd?",  # no municipality, but nothing points back
        "Vad gör Norrtälje med hemlösheten?",
    ],
)
def test_a_question_of_its_own_is_not_rewritten(question: str) -> None:
    assert follow(BUDGET_2017, question) == analyse(question)


@pytest.mark.parametrize("question", ["What about Söderköping?", "???", "asdfgh"])
def test_foreign_or_meaningless_follow_ups_are_left_to_refuse(question: str) -> None:
    assert follow(GUARANTEES, question) == analyse(question)


# --- elliptic follow-ups: the previous question, new filters -------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "och i Söderköping?",
        "Och Söderköping?",
        "hur är det i Söderköping då?",
        "samma fråga för Söderköping",
        "än i Söderköping?",
        "vad säger Söderköping?",
    ],
)
def test_new_municipality_keeps_the_previous_topic(question: str) -> None:
    intent = follow(GUARANTEES, question)
    assert intent.text == "vilka tjänstegarantier gäller för försörjningsstöd i Söderköping?"
    assert intent.municipalities == ["Söderköping"]
    assert intent.topic == "vilka tjänstegarantier gäller för försörjningsstöd"
    assert not intent.compare


def test_new_year_keeps_the_previous_municipality() -> None:
    intent = follow(BUDGET_2017, "och 2024?")
    assert intent.text == "Vad hade Norrköpings socialnämnd för budget 2024?"
    assert (intent.municipalities, intent.years) == (["Norrköping"], [2024])


def test_new_municipality_keeps_the_previous_year_and_the_genitive() -> None:
    intent = follow(BUDGET_2017, "och i Söderköping?")
    assert intent.text == "Vad hade Söderköpings socialnämnd för budget 2017?"
    assert (intent.municipalities, intent.years) == (["Söderköping"], [2017])


def test_year_added_where_the_previous_question_had_none() -> None:
    intent = follow(GUARANTEES, "och 2017?")
    assert intent.text == "vilka tjänstegarantier gäller för försörjningsstöd i Norrtälje 2017?"
    assert intent.filter_year == 2017


def test_municipality_added_where_the_previous_question_had_none() -> None:
    intent = follow("vilka tjänstegarantier gäller för försörjningsstöd?", "och i Söderköping?")
    assert intent.text == "vilka tjänstegarantier gäller för försörjningsstöd i Söderköping?"
    assert intent.filter_municipality == "Söderköping"


def test_official_name_form_follows_the_new_municipality() -> None:
    intent = follow("Vad kostar skyddat boende i Norrtälje kommun?", "och i Norrköping?")
    assert intent.text == "Vad kostar skyddat boende i Norrköpings kommun?"


def test_compound_name_is_rewritten_readably() -> None:
    intent = follow(
        "vilken lag gäller för nikotinpåsar enligt norrtäljeplanen?", "och Söderköping?"
    )
    assert intent.text == "vilken lag gäller för nikotinpåsar enligt planen för Söderköping?"
    assert intent.law


def test_comparison_followed_by_one_municipality_asks_the_topic_there() -> None:
    intent = follow(COMPARISON, "och i Söderköping?")
    assert intent.text == "vad prioriterar när det gäller våld i nära relationer i Söderköping?"
    assert intent.municipalities == ["Söderköping"]
    assert not intent.compare


def test_follow_up_chain_carries_every_filter() -> None:
    first = resolve("Vad står i Norrköpings uppdragsplan 2024 om LVU?", None)
    second = resolve("och 2017?", first)
    third = resolve("och i Söderköping?", second)
    assert third.text == "Vad står i Söderköpings uppdragsplan 2017 om LVU?"
    assert (third.municipalities, third.years, third.doc_types) == (
        ["Söderköping"],
        [2017],
        ["uppdragsplan"],
    )


def test_bare_reference_repeats_the_previous_question() -> None:
    previous = resolve(GUARANTEES, None)
    assert resolve("och där?", previous) == previous


# --- own topic, pointing back: the new topic with the previous filters ---------------------------


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("vad är budgeten där?", "vad är budgeten i Norrtälje?"),
        ("vilka lagar gäller där?", "vilka lagar gäller i Norrtälje?"),
        ("vilka är deras mål?", "vilka är Norrtäljes mål?"),
        ("vad gör den kommunen för barn?", "vad gör Norrtälje för barn?"),
        ("och budgeten?", "budgeten i Norrtälje?"),
        ("vad är målen då?", "vad är målen i Norrtälje?"),
    ],
)
def test_reference_takes_the_previous_municipality(question: str, text: str) -> None:
    intent = follow(GUARANTEES, question)
    assert intent.text == text
    assert intent.municipalities == ["Norrtälje"]
    assert intent.topic  # the new topic, without the place it is asked about
    assert "Norrtälje" not in intent.topic


def test_reference_keeps_the_law_question() -> None:
    intent = follow(GUARANTEES, "vilka lagar gäller där?")
    assert intent.law
    assert intent.topic == "vilka lagar gäller"


def test_reference_takes_the_previous_year_too() -> None:
    intent = follow(BUDGET_2017, "vad är målen där?")
    assert intent.text == "vad är målen i Norrköping 2017?"
    assert (intent.municipalities, intent.years) == (["Norrköping"], [2017])


def test_that_year_with_a_new_municipality() -> None:
    intent = follow(BUDGET_2017, "Vad gjorde Norrtälje det året?")
    assert intent.text == "Vad gjorde Norrtälje år 2017?"
    assert (intent.municipalities, intent.years) == (["Norrtälje"], [2017])


def test_a_named_municipality_does_not_take_the_previous_year_through_deras() -> None:
    intent = follow(BUDGET_2017, "Hur nöjda är brukarna i Söderköping med deras personal?")
    assert (intent.municipalities, intent.years) == (["Söderköping"], [])


def test_reference_to_a_comparison_keeps_comparing() -> None:
    intent = follow(COMPARISON, "och deras budget?")
    assert intent.text == "Norrköpings och Norrtäljes budget?"
    assert intent.municipalities == ["Norrköping", "Norrtälje"]
    assert intent.compare


def test_relative_där_is_not_a_reference() -> None:
    question = "Vilka insatser finns där barn far illa?"
    assert follow(GUARANTEES, question) == analyse(question)


# --- regions and meeting dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "question", "text", "organisations"),
    [
        ("Vad gör Norrköping för hemlösa?", "och i Region Dalarna?",
         "Vad gör Region Dalarna för hemlösa?", ["Region Dalarna"]),
        ("Vad gör Region Halland för hemlösa?", "och i Lomma?",
         "Vad gör Lomma för hemlösa?", ["Lomma kommun"]),
        ("Vad står i Region Hallands budget om vårdköer?", "och Region Dalarna?",
         "Vad står i Region Dalarnas budget om vårdköer?", ["Region Dalarna"]),
        ("Vad kostar skyddat boende i Norrtälje kommun?", "och i Region Stockholm?",
         "Vad kostar skyddat boende i Region Stockholm?", ["Region Stockholm"]),
        ("Vad kostar skyddat boende i Region Stockholm?", "och i Falun?",
         "Vad kostar skyddat boende i Falun?", ["Falu kommun"]),
        ("vilken lag gäller för nikotinpåsar enligt norrtäljeplanen?", "och Region Gotland?",
         "vilken lag gäller för nikotinpåsar enligt planen för Region Gotland?",
         ["Region Gotland"]),
        ("Vad gör Region Dalarna för vårdköerna?", "vad är budgeten där?",
         "vad är budgeten i Region Dalarna?", ["Region Dalarna"]),
        ("Vad gör Region Dalarna för vårdköerna?", "vilka är deras mål?",
         "vilka är Region Dalarnas mål?", ["Region Dalarna"]),
    ],
)  # fmt: skip
def test_follow_ups_between_kommuner_and_regions(
    previous: str, question: str, text: str, organisations: list[str]
) -> None:
    intent = follow(previous, question)
    assert (intent.text, intent.organisations) == (text, organisations)
    assert not intent.compare


def test_a_new_meeting_replaces_the_previous_one() -> None:
    intent = follow(
        "Vad beslutade socialnämnden i Lomma på junisammanträdet?", "och decembermötet?"
    )
    assert intent.text == "Vad beslutade socialnämnden i Lomma på decembermötet?"
    assert intent.organisations == ["Lomma kommun"]
    assert [(date.year, date.month, date.day) for date in intent.dates] == [(None, 12, None)]


def test_a_meeting_date_is_added_once_with_its_year() -> None:
    intent = follow("Vad beslutade socialnämnden i Lomma?", "och i december 2025?")
    assert intent.text == "Vad beslutade socialnämnden i Lomma i december 2025?"
    assert (intent.years, [date.month for date in intent.dates]) == ([2025], [12])


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("och den 9 december?", "Vad beslutade socialnämnden i Lomma den 9 december?"),
        ("och 2025-12-09?", "Vad beslutade socialnämnden i Lomma den 2025-12-09?"),
        ("och sammanträdet i juni?", "Vad beslutade socialnämnden i Lomma på sammanträdet i juni?"),
    ],
)
def test_a_meeting_date_is_added_as_written(question: str, text: str) -> None:
    assert follow("Vad beslutade socialnämnden i Lomma?", question).text == text
