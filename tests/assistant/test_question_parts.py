"""Questions of several parts, split into questions that each ask one thing."""

from __future__ import annotations

import pytest

from assistant.question_parts import bridge_of, question_parts


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Försörjningsstöd i Norrtälje: hur stor är budgeten 2023 och när betalas pengarna ut?",
            [
                "Försörjningsstöd i Norrtälje: hur stor är budgeten 2023",
                "Försörjningsstöd i Norrtälje: när betalas pengarna ut?",
            ],
        ),
        (
            "Vem utreder en kommunal bostadskö och när ska det redovisas?",
            [
                "Vem utreder en kommunal bostadskö",
                "när ska det redovisas (Vem utreder en kommunal bostadskö)",
            ],
        ),
        (
            "Hur mäter regionen tillgängligheten? Vilka indikatorer följs?",
            ["Hur mäter regionen tillgängligheten", "Vilka indikatorer följs?"],
        ),
        # One interrogative: one part, whatever "och" joins.
        ("Vad gör Dalarna och Örebro för att unga ska åka kollektivt?", None),
        ("Hur skiljer sig budgeten 2017 och 2024?", None),
        # A second interrogative without a question of its own is no part.
        ("Vad gör nämnden och hur?", None),
    ],
)
def test_parts(question: str, parts: list[str] | None) -> None:
    assert question_parts(question) == (parts or [question])


@pytest.mark.parametrize(
    ("part", "asked", "resolved"),
    [
        (
            "Vilken föreskrift gäller för det område som Norrtälje prioriterar särskilt 2023?",
            "Vad Norrtälje prioriterar särskilt 2023?",
            "Vilken föreskrift gäller för (SVAR)?",
        ),
        (
            "Vilken lag gäller för det som Norrköpings socialnämnd ger tillstånd till",
            "Vad Norrköpings socialnämnd ger tillstånd till?",
            "Vilken lag gäller för (SVAR)",
        ),
        (
            "Vad kostar de insatser som Botkyrka ger utan biståndsbeslut, och för vem?",
            "Vad Botkyrka ger utan biståndsbeslut?",
            "Vad kostar (SVAR), och för vem?",
        ),
    ],
)
def test_a_clause_that_names_what_is_asked_about_is_asked_first(
    part: str, asked: str, resolved: str
) -> None:
    bridge = bridge_of(part)
    assert bridge is not None
    assert bridge.question == asked
    assert bridge.resolved("SVAR") == resolved


@pytest.mark.parametrize(
    "part",
    [
        # Named already: the clause narrows a name, it does not stand for one.
        "Vilket SFS-nummer har kommunallagen som Region Dalarna hänvisar till?",
        "Vilka står bakom Yrkesresan som Norrtäljes socialsekreterare går?",
        # Whoever: a person, not something a plan states.
        "Vilket stöd får den som Norrtälje placerar i familjehem?",
        # A clause with no subject of its own.
        "Vilka insatser finns för de personer som har missbruksproblem?",
        # A cleft sentence asks who, it names nothing.
        "Är det nämnden som Norrtälje utser?",
    ],
)
def test_a_clause_that_names_nothing_new_is_no_bridge(part: str) -> None:
    assert bridge_of(part) is None
