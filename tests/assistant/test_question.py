"""Reading a question without a model: filters, comparison, law, topic, language, sense."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from assistant.question import QuestionIntent, analyse

EVAL_SET = Path(__file__).resolve().parents[2] / "eval" / "sets" / "plans.jsonl"
EVAL_ITEMS: list[dict[str, Any]] = [
    json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()
]


def _expected_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- the real questions of the evaluation set ----------------------------------------------------


@pytest.mark.parametrize("item", EVAL_ITEMS, ids=[item["id"] for item in EVAL_ITEMS])
def test_eval_question_filters(item: dict[str, Any]) -> None:
    intent = analyse(item["question"])
    assert set(intent.municipalities) == set(_expected_list(item["municipality"]))
    expected_years = _expected_list(item["year"])
    if len(expected_years) <= 1:
        assert intent.years == expected_years
    else:  # "ökat sedan 2017" names one side of the comparison, the other is the present
        assert intent.years
        assert set(intent.years) <= set(expected_years)
    assert intent.swedish
    assert intent.meaningful


@pytest.mark.parametrize("item", EVAL_ITEMS, ids=[item["id"] for item in EVAL_ITEMS])
def test_eval_question_kind(item: dict[str, Any]) -> None:
    intent = analyse(item["question"])
    if item["kind"] == "comparison":
        assert intent.compare
    if item["kind"] in {"fact", "number", "list", "law"}:
        assert not intent.compare
    if item["kind"] == "law":
        assert intent.law
    if item["kind"] in {"fact", "number", "list"}:
        assert not intent.law


@pytest.mark.parametrize("item", EVAL_ITEMS, ids=[item["id"] for item in EVAL_ITEMS])
def test_eval_question_topic_has_no_filters(item: dict[str, Any]) -> None:
    intent = analyse(item["question"])
    for name in intent.municipalities:
        assert name.lower() not in intent.topic.lower()
    for year in intent.years:
        assert str(year) not in intent.topic


# --- municipalities ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vad är Norrtäljes vision?", ["Norrtälje"]),
        ("hur mycket pengar går till barn och unga i norrköping?", ["Norrköping"]),
        ("Vad säger norrköpings kommun om hemlöshet?", ["Norrköping"]),
        ("vilken lag gäller enligt norrtäljeplanen?", ["Norrtälje"]),
        ("Kan man träffa socialtjänsten i Norrtälje stad?", ["Norrtälje"]),
        ("Hur jobbar Norrtälje respektive Söderköping?", ["Norrtälje", "Söderköping"]),
        ("Jämför Söderköping, Norrköping och Söderköpings kommun", ["Söderköping", "Norrköping"]),
        ("vad ar budgeten for norrkopings socialnamnd", ["Norrköping"]),  # no å/ä/ö on the keyboard
        ("Vilka mål har Umea?", ["Umeå"]),
        ("Vad gör Upplands Väsby för äldre?", ["Upplands Väsby"]),
        ("Hur arbetar man i Mark?", ["Mark"]),
    ],
)
def test_municipalities_in_any_form(question: str, expected: list[str]) -> None:
    assert analyse(question).municipalities == expected


@pytest.mark.parametrize(
    "question",
    [
        "Vara en god arbetsgivare, vad innebär det?",
        "Hur ska vi vara tydliga mot brukarna?",
        "Vilka regler gäller för bygglov på egen mark?",
        "Vad händer i boden vid skolan?",
        "Vilka insatser finns för barn i familjer med klippan-program?",
        "Ange vilka mål som gäller för äldreomsorgen",
        "Hur ska man mala ner kostnaderna?",
        "Vad kostar ett berg av papper?",
        "Hur många bor på äldreboendet?",
        "Vad gör socialnämnden för ensamkommande barn?",
    ],
)
def test_no_municipality_in_ordinary_words(question: str) -> None:
    assert analyse(question).municipalities == []


def test_filter_municipality_only_when_exactly_one() -> None:
    assert analyse("Vad är Norrtäljes vision?").filter_municipality == "Norrtälje"
    assert analyse("Hur tänker Norrköping och Norrtälje?").filter_municipality is None
    assert analyse("Vad är visionen?").filter_municipality is None


# --- organisations: kommuner and regioner --------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "organisations", "municipalities"),
    [
        ("Vad är Norrtäljes vision?", ["Norrtälje kommun"], ["Norrtälje"]),
        ("Vad säger Region Värmlands budget om vårdköer?", ["Region Värmland"], []),
        ("vad säger region varmland om kollektivtrafik", ["Region Värmland"], []),
        ("Hur många sjukhus har Västra Götalandsregionen?", ["Västra Götalandsregionen"], []),
        ("Vad gör Region Jönköpings län för äldre?", ["Region Jönköpings län"], []),
        ("Vad planerade Stockholms läns landsting?", ["Region Stockholm"], []),
        ("Hur ser det ut i Uppsala?", ["Uppsala kommun"], ["Uppsala"]),
        ("Hur ser det ut i Region Uppsala?", ["Region Uppsala"], []),
        ("Vad gör Region Gotland för äldre?", ["Region Gotland"], ["Gotland"]),
        ("Vad gör Falu kommun?", ["Falu kommun"], ["Falun"]),
        ("Jämför Lomma och Region Värmland", ["Lomma kommun", "Region Värmland"], ["Lomma"]),
    ],
)
def test_organisations_by_official_name_in_order(
    question: str, organisations: list[str], municipalities: list[str]
) -> None:
    intent = analyse(question)
    assert (intent.organisations, intent.municipalities) == (organisations, municipalities)


@pytest.mark.parametrize(
    "question",
    [
        "Jämför Lomma och Region Värmland när det gäller äldreomsorg",
        "Hur arbetar Region Halland respektive Region Dalarna med vårdköer?",
        "Vad gör Norrköping och Region Östergötland för barn?",
        "Hur mycket investerar Dalarna och Örebro län 2026?",  # lands stand for their regions
    ],
)
def test_two_organisations_are_compared(question: str) -> None:
    intent = analyse(question)
    assert intent.compare
    assert len(intent.organisations) == 2
    assert intent.filter_organisation is None
    assert "Region" not in intent.topic


def test_filter_organisation_only_when_exactly_one() -> None:
    assert analyse("Vad säger Region Hallands budget?").filter_organisation == "Region Halland"
    assert analyse("Vad säger Region Hallands budget?").filter_municipality is None
    assert analyse("Vad är visionen?").filter_organisation is None


def test_a_genitive_region_keeps_the_word_it_owns() -> None:
    assert analyse("Vad står i Region Hallands budget 2026?").topic == "Vad står i budget"


# --- years ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vilka mål hade Norrköpings socialnämnd för 2017?", [2017]),
        ("vilken lag och vilket nummer står i 2024 års plan?", [2024]),
        ("hur mycket pengar går till barn i år (2024)?", [2024]),
        ("Skyddat boende i Norrtälje 2023: hur många dygn?", [2023]),
        ("Hur skiljer sig budgeten 2017 och 2024?", [2017, 2024]),
        ("Vad gäller enligt lagen (2001:453) om socialtjänst?", []),  # an SFS number
        ("Vad beslutade nämnden 2023-06-07?", []),  # a date
        ("Vad står i diariet 2017/123?", []),  # a diary number
        ("Vad står i verksamhetsplanen 2023/24?", [2023]),  # a plan period: its first year
        ("Mål och budget 2024–2026 för Norrtälje", [2024]),
        ("Hur många invånare ska Norrköping ha år 2035 enligt visionen?", []),
        ("Hur arbetar kommunen med Agenda 2030?", []),
        ("Räcker 2050 kronor per dygn?", []),
        ("Vad gällde 1989?", []),  # before any plan this assistant knows
    ],
)
def test_years(question: str, expected: list[int]) -> None:
    assert analyse(question).years == expected


# --- meeting dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "date", "topic"),
    [
        ("Vad beslutade socialnämnden i december 2025?", (2025, 12, None),
         "Vad beslutade socialnämnden"),
        ("Vad beslutades den 9 december 2025?", (2025, 12, 9), "Vad beslutades"),
        ("Vad hände 2025-12-09?", (2025, 12, 9), "Vad hände"),
        ("Vad beslutades på junisammanträdet?", (None, 6, None), "Vad beslutades"),
        ("Vad sa nämnden på sammanträdet i juni?", (None, 6, None), "Vad sa nämnden"),
        ("Vad tog decembermötet upp om hemtjänst?", (None, 12, None), "Vad tog upp om hemtjänst"),
        ("Vad sa man vid sammanträdet den 9 december?", (None, 12, 9), "Vad sa man"),
        ("Vad står i protokollet från december 2025?", (2025, 12, None), "Vad står"),
    ],
)  # fmt: skip
def test_meeting_dates(question: str, date: tuple[int | None, int, int | None], topic: str) -> None:
    intent = analyse(question)
    assert [(d.year, d.month, d.day) for d in intent.dates] == [date]
    assert intent.topic == topic
    assert intent.meaningful and not intent.compare


def test_an_iso_date_is_a_date_and_no_plan_year() -> None:
    intent = analyse("Vad beslutade socialnämnden 2025-12-09?")
    assert intent.years == []
    assert [(d.year, d.month, d.day) for d in intent.dates] == [(2025, 12, 9)]


def test_a_written_dates_year_is_also_the_year_filter() -> None:
    assert analyse("Vilka ärenden tog socialnämnden upp i december 2017?").years == [2017]


@pytest.mark.parametrize(
    "question",
    [
        "Vad händer i juni?",  # a month alone may be the topic
        "Vilka avgifter gäller från 1 januari 2025?",  # a period's bound, not a meeting
        "Vad gäller till och med 31 december 2025?",
        "Vad beslutades den 30 februari?",  # no such day
        "Hur mycket kostar mars-satsningen?",
    ],
)
def test_no_meeting_date(question: str) -> None:
    assert analyse(question).dates == []


def test_filter_year_only_when_exactly_one() -> None:
    assert analyse("Vad är budgeten 2023?").filter_year == 2023
    assert analyse("Vad är budgeten 2023 och 2024?").filter_year is None
    assert analyse("Vad är budgeten?").filter_year is None


# --- document types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vilket SFS-nummer anger Norrköpings uppdragsplan 2024 för LVU?", ["uppdragsplan"]),
        ("Vad står i verksamhetsplanen om e-arkiv?", ["verksamhetsplan"]),
        ("Vad säger reglementet om socialnämndens ansvar?", ["reglemente"]),
        ("Vilka risker finns i internkontrollplanen 2025?", ["internkontrollplan"]),
        ("Vad står det i Mål och budget 2024?", ["mål och budget"]),
        ("Vad är budgeten för 2024?", []),  # the budget is a topic, not a kind of document
        ("När får politikerna se förvaltningens verksamhetsplaner?", []),  # other documents
        ("Vad står i protokollet om hemtjänst?", ["protokoll"]),
        ("Vad står i sammanträdesprotokollet?", ["protokoll"]),
        ("Finns det ett protokollsutdrag om avgifter?", ["protokollsutdrag"]),
        ("Vad säger riktlinjen om avgifter?", ["riktlinje"]),
        ("Vilka allmänna råd och lokala riktlinjer gäller?", []),  # the plural is the topic
        ("Vilka mål har regionplanen?", ["regionplan"]),
        ("Vad står i årsplanen?", ["årsplan"]),
    ],
)
def test_doc_types(question: str, expected: list[str]) -> None:
    assert analyse(question).doc_types == expected


# --- comparison and law --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Jämför tjänstegarantierna för försörjningsstöd",
        "Vilken är skillnaden i budget mellan nämnderna?",
        "Hur skiljer sig målen åt?",
        "Vad gör kommunerna mot varandra?",
        "Norrtälje vs Söderköping",
        "Vad har båda kommunerna för mål?",
        "Vad säger alla kommunerna om hemlöshet?",
        "Vuxenvården – mer pengar 2024 jämfört med 2017?",
        "Har pengarna till barn och unga ökat sedan 2017?",
    ],
)
def test_compare(question: str) -> None:
    assert analyse(question).compare


@pytest.mark.parametrize(
    "question",
    [
        "Vilka insatser finns för både barn och vuxna?",
        "Sedan när är barnkonventionen svensk lag?",
        "Vad satsar Norrtäljes socialnämnd mest på under 2023?",
    ],
)
def test_no_compare(question: str) -> None:
    assert not analyse(question).compare


@pytest.mark.parametrize(
    "question",
    [
        "Enligt vilken lag ansvarar nämnden för serveringstillstånd?",
        "Vilka lagar styr socialtjänsten?",
        "Vilket lagstöd finns för beslutet?",
        "Vilket lagrum gäller?",
        "Vilket SFS-nummer har socialtjänstlagen?",
        "Vilken författning reglerar detta?",
        "Med stöd av vad fattas besluten?",
        "Vilken förordning om flyktingmottagande nämns?",
        "Vilken tobakslag hänvisar planen till?",
        "Vilka allmänna råd styr ekonomiskt bistånd?",
    ],
)
def test_law(question: str) -> None:
    assert analyse(question).law


@pytest.mark.parametrize(
    "question",
    [
        "Vilka förslag finns om hemlöshet?",
        "Vilket underlag använder nämnden?",
        "Vilka bolag ägs av kommunen?",
        "Vad är budgeten för 2024?",
    ],
)
def test_no_law(question: str) -> None:
    assert not analyse(question).law


# --- topic ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "vad prioriterar Norrköping respektive Norrtälje när det gäller våld i nära "
            "relationer?",
            "vad prioriterar när det gäller våld i nära relationer",
        ),
        (
            "Vilka lagar låg till grund för individ- och familjeomsorgen i Norrköpings plan för "
            "2017?",
            "Vilka lagar låg till grund för individ- och familjeomsorgen",
        ),
        (
            "Har socialnämnden ansvar enligt alkohollagen i både Söderköping och Norrtälje?",
            "Har socialnämnden ansvar enligt alkohollagen",
        ),
        (
            "Har pengarna till barn och unga i Norrköping ökat sedan 2017?",
            "Har pengarna till barn och unga ökat",
        ),
        (
            "Vilken socialnämnd har störst budget – Norrtäljes 2023 eller Söderköpings 2025?",
            "Vilken socialnämnd har störst budget",
        ),
        (
            "Med hur många procent räknades lönerna upp i Norrtäljes budget 2023?",
            "Med hur många procent räknades lönerna upp i budget",
        ),
        (
            "Hur många verksamheter får nämnden info om varje år i Söderköping?",
            "Hur många verksamheter får nämnden info om varje år",
        ),
        ("Vad står i Norrköpings uppdragsplan 2024 om LVU?", "Vad står om LVU"),
        ("Norrköping 2024?", ""),
    ],
)
def test_topic_without_filter_words(question: str, topic: str) -> None:
    assert analyse(question).topic == topic


# --- language and sense --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Vad är Norrtäljes vision?",
        "Budget?",
        "Norrköping 2024",
        "LSS?",
        "vad ar budgeten for norrtalje 2024",  # Swedish without å/ä/ö
        "hur manga hushall far forsorjningsstod",
        "Vad är the budget för Norrtälje?",  # one English word does not make it English
        "hej",
    ],
)
def test_swedish(question: str) -> None:
    assert analyse(question).swedish


@pytest.mark.parametrize(
    "question",
    [
        "What are the service guarantees?",
        "How much money does the social committee have in 2024?",
        "Tell me about Norrköping",
        "Was ist das Budget der Gemeinde?",
        "Welche Ziele hat Norrtälje für 2024?",
        "Hva er budsjettet i Norrtälje kommune?",
        "Mikä on Norrköpingin budjetti vuonna 2024?",
        "Quels sont les objectifs de Norrtälje?",
        "¿Cuál es el presupuesto de Norrtälje?",
    ],
)
def test_not_swedish(question: str) -> None:
    assert not analyse(question).swedish


@pytest.mark.parametrize(
    "question",
    ["", "   ", "???", "!!! ...", "asdfgh", "jjjjjjjj", "sdkfjhsdkjfh", "qwerty asdf", "123 456"],
)
def test_not_meaningful(question: str) -> None:
    assert not analyse(question).meaningful


@pytest.mark.parametrize(
    "question", ["Budget?", "Norrtälje?", "2024", "LVU", "hej", "Vilka mål har nämnden?"]
)
def test_meaningful(question: str) -> None:
    assert analyse(question).meaningful


# --- the model -----------------------------------------------------------------------------------


def test_intent_keeps_the_question_and_is_frozen() -> None:
    question = "Hur mycket pengar har socialnämnden i Norrköping 2024?"
    intent = analyse(question)
    assert intent.text == question
    assert isinstance(intent, QuestionIntent)
    with pytest.raises(ValidationError):
        intent.text = "något annat"  # type: ignore[misc]


def test_fast_enough() -> None:
    questions = [item["question"] for item in EVAL_ITEMS]
    start = time.perf_counter()
    for question in questions * 4:
        analyse(question)
    per_call = (time.perf_counter() - start) / (len(questions) * 4)
    assert per_call < 0.001
