"""Swedish compounds split into two known words, and only those."""

from __future__ import annotations

import pytest

from ingest.compounds import compound_parts


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("skattesatsen", ("skatte", "satsen")),  # linking e
        ("verksamhetsplan", ("verksamhets", "plan")),  # linking s
        ("anhörigstöd", ("anhörig", "stöd")),
        ("hemtjänstavgiften", ("hemtjänst", "avgiften")),  # the longest known last part
        ("demensplatser", ("demens", "platser")),  # unknown to the dictionary as a whole
    ],
)
def test_a_compound_of_two_known_words_is_split(word: str, parts: tuple[str, str]) -> None:
    assert compound_parts(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "kommunen",  # no known last part
        "budgeten",  # "bud" + "geten": a first part of three letters is a word by chance
        "tillgänglighet",  # "till" is a particle, not a part
        "utdebiteringen",
    ],
)
def test_a_word_that_only_ends_like_a_word_is_not_split(word: str) -> None:
    assert compound_parts(word) is None
