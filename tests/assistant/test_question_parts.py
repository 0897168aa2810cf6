"""Questions of several parts, split into questions that each ask one thing."""

from __future__ import annotations

import pytest

from assistant.question_parts import question_parts


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
