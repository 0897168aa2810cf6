"""Swedish compounds split into two known words, and only those."""

from __future__ import annotations

import pytest

from ingest.compounds import compound_parts, other_reading


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


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("tobakslagen", ("tobaks", "lagen")),  # "tobak|slagen"
        ("inkomstskatt", ("inkomsts", "katt")),  # the dictionary cannot tell which is meant
        ("verksamhetsplan", None),  # the last part starts with no linking letter
        ("skattesatsen", None),  # "satsen" starts with a linking letter, "atsen" is no word
    ],
)
def test_a_last_part_that_starts_with_a_linking_letter_gives_another_reading(
    word: str, other: tuple[str, str] | None
) -> None:
    split = compound_parts(word)
    assert split is not None
    assert other_reading(*split) == other
