"""Municipality names: the complete list, and finding them in text in any grammatical form."""

from __future__ import annotations

import time

import pytest

from ingest.municipalities import (
    AMBIGUOUS_MUNICIPALITIES,
    MUNICIPALITIES,
    canonical_municipality,
    find_municipalities,
    iter_municipality_mentions,
    municipality_title,
)


def test_there_are_290_distinct_municipalities() -> None:
    assert len(MUNICIPALITIES) == 290
    assert len(set(MUNICIPALITIES)) == 290
    assert set(MUNICIPALITIES) >= AMBIGUOUS_MUNICIPALITIES


@pytest.mark.parametrize(
    "name",
    [
        "Upplands Väsby", "Upplands-Bro", "Malung-Sälen", "Dals-Ed", "Lilla Edet", "Östra Göinge",
        "Örkelljunga", "Älvkarleby", "Ödeshög", "Åre", "Öckerö", "Mörbylånga", "Sölvesborg",
        "Härjedalen", "Övertorneå", "Söderköping", "Norrtälje", "Norrköping",
    ],
)  # fmt: skip
def test_names_are_spelled_as_sweden_spells_them(name: str) -> None:
    assert name in MUNICIPALITIES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Norrtälje", ["Norrtälje"]),
        ("Norrtäljes socialnämnd", ["Norrtälje"]),
        ("Hur ser det ut i Norrköping?", ["Norrköping"]),
        ("Enligt reglemente för Norrköpings kommuns nämnder", ["Norrköping"]),
        ("Söderköpings uppdragsplan", ["Söderköping"]),
        ("NORRKÖPING", ["Norrköping"]),
        ("i norrköping", ["Norrköping"]),
        ("Göteborgs Stad och Region Gotland", ["Göteborg", "Gotland"]),
        ("Upplands Väsby, Upplands-Bro och Malung-Sälen", ["Upplands Väsby", "Upplands-Bro",
                                                          "Malung-Sälen"]),
        ("Upplands\nVäsby", ["Upplands Väsby"]),
        ("Falu kommun", ["Falun"]),
        ("Borås och Båstad", ["Borås", "Båstad"]),
        ("Borås Stads verksamhet", ["Borås"]),
    ],
)  # fmt: skip
def test_finds_every_grammatical_form(text: str, expected: list[str]) -> None:
    assert find_municipalities(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Norrköping", ["Norrköping"]),  # not also Köping
        ("Söderköping", ["Söderköping"]),
        ("Markaryd", ["Markaryd"]),  # not also Mark
        ("Både Salem och Sala", ["Salem", "Sala"]),
        ("Norrköpingsborna och Stockholmsregionen", []),  # compounds are not mentions
        ("Linköping-Norrköping", ["Linköping", "Norrköping"]),
    ],
)
def test_matches_whole_words_only(text: str, expected: list[str]) -> None:
    assert find_municipalities(text) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Vi ska vara en attraktiv arbetsgivare.",
        "Vara en god arbetsgivare.",
        "• Vara tillgänglig för invånarna",
        "Marken runt skolan är på egen mark.",
        "Mark och vatten ska skyddas.",
        "Barnen leker i lunden och i boden.",
        "En stor skara besökare kom till klippan.",
        "Han slog in en kil.",
        "Orsaken är en gammal köping vid älvdalen.",
        "Beslutet fattades av nämnden under året.",
        "Falu rödfärg är vanlig.",
    ],
)
def test_ordinary_swedish_does_not_fire(sentence: str) -> None:
    assert find_municipalities(sentence) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vi bor i Mark sedan länge.", ["Mark"]),
        ("Vara kommun och Lunds kommun", ["Vara", "Lund"]),
        ("vara kommuns plan", ["Vara"]),  # "kommun" after it settles it
        ("Vad planerar Boden för äldre?", ["Boden"]),
        ("Hon flyttade till Åre.", ["Åre"]),
    ],
)
def test_ambiguous_names_need_a_capital_mid_sentence_or_kommun(
    text: str, expected: list[str]
) -> None:
    assert find_municipalities(text) == expected


def test_canonical_names_in_order_of_first_mention_without_duplicates() -> None:
    text = "Umeå kommun samarbetar med Luleå. Umeås plan nämner Luleå kommun och Umeå igen."
    assert find_municipalities(text) == ["Umeå", "Luleå"]


def test_mentions_tell_when_kommun_follows() -> None:
    mentions = list(iter_municipality_mentions("Lunds kommun ligger nära Malmö."))
    assert [(m.name, m.with_kommun) for m in mentions] == [("Lund", True), ("Malmö", False)]
    assert mentions[0].start == 0 and mentions[0].end == len("Lunds kommun")


def test_canonical_municipality() -> None:
    assert canonical_municipality("norrköping") == "Norrköping"
    assert canonical_municipality("upplands  väsby") == "Upplands Väsby"
    assert canonical_municipality("Region Östergötland") is None


def test_real_plans_mention_their_municipality(plan_texts: dict[str, str]) -> None:
    found = {name: find_municipalities(text) for name, text in plan_texts.items()}
    assert found["000_5ccfd488fdc5a3cb.txt"] == ["Norrköping"]
    assert found["003_68385dbcb3386a73.txt"] == ["Söderköping"]
    assert found["002_5a882963cc8bcb49.txt"][0] == "Norrtälje"


def test_is_fast_enough_for_query_time(plan_texts: dict[str, str]) -> None:
    longest = max(plan_texts.values(), key=len)  # about 128 000 characters
    started = time.perf_counter()
    find_municipalities(longest)
    for _ in range(200):
        find_municipalities("Vad säger Norrköpings uppdragsplan om våld i nära relationer?")
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Norrköping", "Norrköpings kommun"),
        ("Söderköping", "Söderköpings kommun"),
        ("Norrtälje", "Norrtälje kommun"),
        ("Umeå", "Umeå kommun"),
        ("Borås", "Borås kommun"),
        ("Falun", "Falu kommun"),
    ],
)
def test_municipality_title(name: str, title: str) -> None:
    assert municipality_title(name) == title
