"""Kommuner and regioner: the complete lists, and finding them in text in any written form."""

from __future__ import annotations

import time

import pytest

from ingest.organisations import (
    AMBIGUOUS_MUNICIPALITIES,
    KOMMUNER,
    MUNICIPALITIES,
    ORGANISATIONS,
    REGIONS,
    Organisation,
    find_organisations,
    iter_organisation_mentions,
    municipality_title,
    organisation_named,
)

NORRKOPING = organisation_named("Norrköping")
GOTLAND = organisation_named("Region Gotland")


def names(text: str) -> list[str]:
    return [organisation.name for organisation in find_organisations(text)]


def kommuner(text: str) -> list[str | None]:
    return [organisation.municipality for organisation in find_organisations(text)]


# --- the lists -----------------------------------------------------------------------------------


def test_there_are_290_kommuner_and_21_regions() -> None:
    assert len(MUNICIPALITIES) == len(set(MUNICIPALITIES)) == 290
    assert set(MUNICIPALITIES) >= AMBIGUOUS_MUNICIPALITIES
    assert len(KOMMUNER) == len({kommun.name for kommun in KOMMUNER}) == 290
    assert all(kommun.kind == "kommun" and kommun.municipality for kommun in KOMMUNER)
    assert len(REGIONS) == len({region.name for region in REGIONS}) == 21
    assert len({region.county for region in REGIONS}) == 21
    assert len(ORGANISATIONS) == len(set(ORGANISATIONS)) == 310  # Gotland is both


def test_every_kommun_belongs_to_a_county_with_a_region() -> None:
    counties = {region.county for region in REGIONS}
    assert {kommun.county for kommun in KOMMUNER} == counties


@pytest.mark.parametrize(
    "name",
    [
        "Upplands Väsby", "Upplands-Bro", "Malung-Sälen", "Dals-Ed", "Lilla Edet", "Östra Göinge",
        "Örkelljunga", "Älvkarleby", "Ödeshög", "Åre", "Öckerö", "Mörbylånga", "Sölvesborg",
        "Härjedalen", "Övertorneå", "Söderköping", "Norrtälje", "Norrköping",
    ],
)  # fmt: skip
def test_kommun_names_are_spelled_as_sweden_spells_them(name: str) -> None:
    assert name in MUNICIPALITIES


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Norrköping", "Norrköpings kommun"),
        ("Söderköping", "Söderköpings kommun"),
        ("Norrtälje", "Norrtälje kommun"),
        ("Umeå", "Umeå kommun"),
        ("Borås", "Borås kommun"),
        ("Falun", "Falu kommun"),
        ("Gotland", "Region Gotland"),
    ],
)
def test_municipality_title(name: str, title: str) -> None:
    assert municipality_title(name) == title


def test_the_regions_by_their_official_names() -> None:
    assert [region.name for region in REGIONS] == [
        "Region Stockholm", "Region Uppsala", "Region Sörmland", "Region Östergötland",
        "Region Jönköpings län", "Region Kronoberg", "Region Kalmar län", "Region Gotland",
        "Region Blekinge", "Region Skåne", "Region Halland", "Västra Götalandsregionen",
        "Region Värmland", "Region Örebro län", "Region Västmanland", "Region Dalarna",
        "Region Gävleborg", "Region Västernorrland", "Region Jämtland Härjedalen",
        "Region Västerbotten", "Region Norrbotten",
    ]  # fmt: skip
    assert all(region.regional for region in REGIONS)
    assert all(region.municipality is None for region in REGIONS if region.kind == "region")


def test_gotland_is_a_kommun_with_a_regions_tasks() -> None:
    assert Organisation("Region Gotland", "kommun", "Gotland", "Gotlands län") == GOTLAND
    assert GOTLAND in KOMMUNER and GOTLAND in REGIONS
    assert GOTLAND.regional
    assert organisation_named("Gotland") == organisation_named("Gotlands kommun") == GOTLAND
    assert NORRKOPING is not None and not NORRKOPING.regional


# --- every name in its forms ---------------------------------------------------------------------


@pytest.mark.parametrize("kommun", KOMMUNER, ids=[kommun.name for kommun in KOMMUNER])
def test_every_kommun_is_found_by_its_official_name_and_in_the_genitive(
    kommun: Organisation,
) -> None:
    short = kommun.municipality or ""
    genitive = short if short.endswith("s") else short + "s"
    assert names(f"Planen för {kommun.name} gäller.") == [kommun.name]
    assert names(f"{kommun.name}s plan") == [kommun.name]
    assert names(f"Enligt {genitive} kommuns plan") == [kommun.name]
    assert organisation_named(short) == organisation_named(kommun.name) == kommun


@pytest.mark.parametrize("region", REGIONS, ids=[region.name for region in REGIONS])
def test_every_region_is_found_by_its_official_name_and_in_the_genitive(
    region: Organisation,
) -> None:
    assert names(f"Planen för {region.name} gäller.") == [region.name]
    assert names(f"Enligt {region.name}s plan") == [region.name]
    assert names(f"i {region.name.upper()}") == [region.name]
    assert organisation_named(f"{region.name}s") == region
    assert organisation_named(region.county) == region  # "Värmlands län"


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("Värmlands läns landsting", "Region Värmland"),
        ("Landstinget i Värmland", "Region Värmland"),
        ("Stockholms läns landsting", "Region Stockholm"),
        ("Landstinget Dalarna", "Region Dalarna"),
        ("Örebro läns landsting", "Region Örebro län"),
        ("Landstinget i Uppsala län", "Region Uppsala"),
        ("Landstinget Sörmland", "Region Sörmland"),
        ("Jämtlands läns landsting", "Region Jämtland Härjedalen"),
        ("Region Örebro", "Region Örebro län"),
        ("Region Jönköping", "Region Jönköpings län"),
        ("Region Västra Götaland", "Västra Götalandsregionen"),
    ],
)
def test_former_and_short_names_of_regions(written: str, region: str) -> None:
    assert names(f"Beslut i {written} om vården") == [region]
    assert names(f"{written}s budget") == [region]
    found = organisation_named(written)
    assert found is not None and found.name == region


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Region Värmlands budget", ["Region Värmland"]),
        ("Västra Götalandsregionens sjukhus", ["Västra Götalandsregionen"]),
        ("Region Jönköpings läns plan", ["Region Jönköpings län"]),
        ("Region Örebro läns styrdokument", ["Region Örebro län"]),
        ("Region Jämtland Härjedalens plan", ["Region Jämtland Härjedalen"]),
        ("Uppsala", ["Uppsala kommun"]),
        ("Region Uppsala", ["Region Uppsala"]),
        ("Region Uppsala och Uppsala kommun", ["Region Uppsala", "Uppsala kommun"]),
        ("Jönköpings län", ["Region Jönköpings län"]),  # the county, not the kommun
        ("Lomma och Region Värmland", ["Lomma kommun", "Region Värmland"]),
        ("Falu kommun och Region Dalarna", ["Falu kommun", "Region Dalarna"]),
        ("Göteborgs Stad och Region Gotland", ["Göteborgs kommun", "Region Gotland"]),
    ],
)
def test_regions_and_kommuner_side_by_side(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vad kostar akuten i Halland?", ["Region Halland"]),
        ("Dalarnas budgeterade resultat", ["Region Dalarna"]),
        ("Hur investerar Dalarna och Örebro län?", ["Region Dalarna", "Region Örebro län"]),
        (
            "Jämtland Härjedalen och Härjedalen",
            ["Region Jämtland Härjedalen", "Härjedalens kommun"],
        ),
        ("Hallandstrafiken och Dalastrategin", []),  # compounds are not mentions
        ("Spårvagnar i Uppsala och Örebro", ["Uppsala kommun", "Örebro kommun"]),  # kommuner
    ],
)
def test_a_land_stands_for_its_region_unless_it_is_a_kommuns_name(
    text: str, expected: list[str]
) -> None:
    assert names(text) == expected
    assert not any(mention.explicit for mention in iter_organisation_mentions(text))


def test_mentions_tell_when_the_organisation_itself_is_named() -> None:
    text = "Lunds kommun, Malmö, Region Skåne, Skåne län och Stockholms läns landsting"
    found = [(m.organisation.name, m.explicit) for m in iter_organisation_mentions(text)]
    assert found == [
        ("Lunds kommun", True),
        ("Malmö kommun", False),
        ("Region Skåne", True),
        ("Region Skåne", False),
        ("Region Stockholm", True),
    ]
    first = next(iter_organisation_mentions(text))
    assert (first.start, first.end) == (0, len("Lunds kommun"))


# --- kommun names in running text ----------------------------------------------------------------


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
        ("i norrkoping och umea", ["Norrköping", "Umeå"]),  # typed without å/ä/ö
        ("Upplands Väsby, Upplands-Bro och Malung-Sälen", ["Upplands Väsby", "Upplands-Bro",
                                                          "Malung-Sälen"]),
        ("Upplands\nVäsby", ["Upplands Väsby"]),
        ("Falu kommun", ["Falun"]),
        ("Borås och Båstad", ["Borås", "Båstad"]),
        ("Borås Stads verksamhet", ["Borås"]),
    ],
)  # fmt: skip
def test_finds_every_grammatical_form(text: str, expected: list[str]) -> None:
    assert kommuner(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Norrköping", ["Norrköping"]),  # not also Köping
        ("Söderköping", ["Söderköping"]),
        ("Markaryd", ["Markaryd"]),  # not also Mark
        ("Både Salem och Sala", ["Salem", "Sala"]),
        ("Norrköpingsborna och Stockholmsregionen", []),  # compounds are not mentions
        ("Linköping-Norrköping", ["Linköping", "Norrköping"]),
        ("Uppsalaregionen och Region Uppsalaborna", []),
    ],
)
def test_matches_whole_words_only(text: str, expected: list[str]) -> None:
    assert kommuner(text) == expected


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
        "Ange vilka mål som gäller, och mala inte på.",  # "Ånge", "Malå" without accents
        "Regionen och landstinget samarbetar i länet.",
    ],
)
def test_ordinary_swedish_does_not_fire(sentence: str) -> None:
    assert find_organisations(sentence) == []


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
    assert kommuner(text) == expected


def test_organisations_in_order_of_first_mention_without_duplicates() -> None:
    text = "Umeå kommun samarbetar med Luleå. Umeås plan nämner Luleå kommun och Umeå igen."
    assert kommuner(text) == ["Umeå", "Luleå"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("norrköping", "Norrköpings kommun"),
        ("upplands  väsby", "Upplands Väsby kommun"),
        ("Norrköpings kommun", "Norrköpings kommun"),
        ("norrkoping", "Norrköpings kommun"),
        ("Region Värmlands", "Region Värmland"),
        ("region varmland", "Region Värmland"),
        ("Region Östergötland", "Region Östergötland"),
        ("Falu", "Falu kommun"),
        ("Ankeborg", None),
        ("Norrköpings kommun och Lund", None),
    ],
)
def test_organisation_named(written: str, expected: str | None) -> None:
    found = organisation_named(written)
    assert (found.name if found else None) == expected


def test_real_plans_mention_their_kommun(plan_texts: dict[str, str]) -> None:
    found = {name: kommuner(text) for name, text in plan_texts.items()}
    assert found["000_5ccfd488fdc5a3cb.txt"] == ["Norrköping"]
    assert found["003_68385dbcb3386a73.txt"] == ["Söderköping"]
    assert found["002_5a882963cc8bcb49.txt"][0] == "Norrtälje"


def test_is_fast_enough_for_query_time(plan_texts: dict[str, str]) -> None:
    longest = max(plan_texts.values(), key=len)  # about 128 000 characters
    started = time.perf_counter()
    find_organisations(longest)
    for _ in range(200):
        find_organisations("Vad säger Norrköpings uppdragsplan om våld i nära relationer?")
    assert time.perf_counter() - started < 2.0
