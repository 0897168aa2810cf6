"""The guard every answer passes: each marker names a citation, each number stands in one."""

from __future__ import annotations

import pytest

from assistant.answer import Citation
from assistant.answerers.base import Draft
from assistant.answerers.grounding import UngroundedAnswer, check_grounding


def citation(marker: int, quote: str, title: str = "Riktlinje för anhörigstöd") -> Citation:
    return Citation(
        id=marker,
        chunk_id="c-0001",
        file="riktlinje.txt",
        title=title,
        municipality="Botkyrka",
        year=2025,
        section="Kunskapsläge",
        page=None,
        quote=quote,
    )


def test_a_grounded_answer_passes() -> None:
    draft = Draft(
        "Enligt riktlinjen:\nStödet ges i 15 timmar. [1]", False, [citation(1, "15 timmar")]
    )
    assert check_grounding(draft) is draft


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Stödet ges i 15 timmar. [2]", "markörer"),  # a marker without its citation
        ("Stödet ges i 16 timmar. [1]", "tal"),  # a number that no quote holds
    ],
)
def test_an_ungrounded_answer_is_stopped(text: str, reason: str) -> None:
    with pytest.raises(UngroundedAnswer, match=reason):
        check_grounding(Draft(text, False, [citation(1, "Stödet ges i 15 timmar.")]))


def test_a_plans_own_reference_mark_in_a_quote_is_no_marker() -> None:
    quote = "Det salutogena synsättet utgår från begreppet KASAM [7]."
    draft = Draft(f"{quote} [1]", False, [citation(1, quote)])
    assert check_grounding(draft) is draft


def test_a_year_of_the_cited_title_may_be_named() -> None:
    draft = Draft(
        "Enligt Uppdragsplan 2025:\nStödet ökar. [1]",
        False,
        [citation(1, "Stödet ökar.", title="Uppdragsplan 2025")],
    )
    assert check_grounding(draft) is draft


def test_a_refusal_needs_no_citation() -> None:
    draft = Draft("Planerna säger inget om detta.", True)
    assert check_grounding(draft) is draft
