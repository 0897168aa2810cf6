"""The law register on the real example plans: one entry per law, its SFS numbers and plans,
passages highlighted where the law is named, Swedish order, and search."""

from __future__ import annotations

from unittest.mock import patch

import pytest

from assistant.law_register import (
    LawEntry,
    LawRegister,
    build_register,
    search_register,
    swedish_sort_key,
)
from ingest.document import Chunk
from ingest.laws import find_laws
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import Settings
from tests.conftest import NORRKOPING_2017, NORRTALJE_2023, SODERKOPING_2025

ALCOHOL_ACT = "alkohollagen"
LVU = "lagen med särskilda bestämmelser om vård av unga"


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    """Three real plans, processed once for the module (about a second each)."""
    settings = Settings().ingest
    return [
        chunk
        for path in (NORRTALJE_2023, SODERKOPING_2025, NORRKOPING_2017)
        for chunk in process_document(load_document(path), settings).chunks
    ]


@pytest.fixture(scope="module")
def register(chunks: list[Chunk]) -> list[LawEntry]:
    return build_register(chunks)


def entry(register: list[LawEntry], key: str) -> LawEntry:
    [found] = [e for e in register if e.key == key]
    return found


def test_one_entry_per_law(register: list[LawEntry]) -> None:
    keys = [e.key for e in register]
    assert len(keys) == len(set(keys))
    # Laws, and the regulations Norrtälje lists by code.
    assert {ALCOHOL_ACT, LVU, "socialtjänstlagen", "SOSFS 2014:5", "HSLF-FS 2019:30"} <= set(keys)


def test_alcohol_act_across_two_plans(register: list[LawEntry]) -> None:
    alcohol = entry(register, ALCOHOL_ACT)
    assert alcohol.name == "Alkohollagen"  # written with its SFS number and capitalised
    assert alcohol.sfs == ["2010:1622"]
    assert alcohol.plans == ["Norrtälje 2023", "Söderköping 2025"]
    assert {p.municipality for p in alcohol.passages} == {"Norrtälje", "Söderköping"}
    assert alcohol.passage_count == len(alcohol.passages) >= 2


def test_display_name_is_the_plans_full_wording(register: list[LawEntry]) -> None:
    lvu = entry(register, LVU)
    assert lvu.name == "Lag (1990:52) med särskilda bestämmelser om vård av unga"
    assert lvu.sfs == ["1990:52"]
    assert lvu.abbreviations == ["LVU"]
    assert lvu.plans == ["Norrköping 2017", "Norrtälje 2023"]
    # A full name beats the bare abbreviation that Söderköping writes ("HSL").
    assert entry(register, "hälso- och sjukvårdslagen").name == "hälso- och sjukvårdslagen"
    assert entry(register, "socialtjänstlagen").name == "Socialtjänstlagen"


def test_mentions_point_at_the_law_in_the_text(register: list[LawEntry]) -> None:
    for law in register:
        for passage in law.passages:
            assert passage.mentions
            for start, end in passage.mentions:
                named = passage.text[start:end]
                assert named and named == named.strip()
    for passage in entry(register, ALCOHOL_ACT).passages:
        for start, end in passage.mentions:
            assert passage.text[start:end].casefold().startswith("alkohollagen")
    for passage in entry(register, LVU).passages:
        for start, end in passage.mentions:
            named = passage.text[start:end]
            assert "LVU" in named or "vård av unga" in " ".join(named.split())
    # One passage per chunk, with every mention in it.
    assert any(len(p.mentions) > 1 for law in register for p in law.passages)


def test_passages_carry_their_source_in_document_order(
    chunks: list[Chunk], register: list[LawEntry]
) -> None:
    order = {chunk.id: position for position, chunk in enumerate(chunks)}
    by_id = {chunk.id: chunk for chunk in chunks}
    for law in register:
        positions = [order[p.chunk_id] for p in law.passages]
        assert positions == sorted(set(positions))
        for passage in law.passages:
            chunk = by_id[passage.chunk_id]
            assert passage.text == chunk.text
            assert passage.section == chunk.section_path
            assert (passage.file, passage.title, passage.year) == (
                chunk.file,
                chunk.title,
                chunk.year,
            )


def test_sorted_by_name_with_swedish_letters_last(register: list[LawEntry]) -> None:
    keys = [swedish_sort_key(e.name) for e in register]
    assert keys == sorted(keys)
    names = [e.name for e in register]
    assert names.index("Ärvdabalken") > names.index("tobakslagen")
    assert sorted(["ö", "Ä", "z", "å", "A", "é"], key=swedish_sort_key) == [
        "A",
        "é",
        "z",
        "å",
        "Ä",
        "ö",
    ]


def test_plan_without_organisation_goes_by_title(chunks: list[Chunk]) -> None:
    chunk = next(c for c in chunks if c.municipality == "Söderköping" and "alkohollag" in c.text)
    anonymous = chunk.model_copy(update={"municipality": None, "organisation": None})
    [alcohol] = [e for e in build_register([anonymous]) if e.key == ALCOHOL_ACT]
    assert alcohol.plans == [chunk.title]
    regional = chunk.model_copy(update={"municipality": None, "organisation": "Region Halland"})
    [alcohol] = [e for e in build_register([regional]) if e.key == ALCOHOL_ACT]
    assert alcohol.plans == [f"Region Halland {chunk.year}"]


def test_search(register: list[LawEntry]) -> None:
    assert [e.key for e in search_register(register, "2010:1622")] == [ALCOHOL_ACT]
    assert [e.key for e in search_register(register, "LVU")] == [LVU]
    assert [e.key for e in search_register(register, "lvu")] == [LVU]
    assert [e.key for e in search_register(register, "  VÅRD   unga ")] == [LVU]
    assert [e.key for e in search_register(register, "sosfs 2014:5")] == ["SOSFS 2014:5"]
    assert search_register(register, "") == register
    assert search_register(register, "   ") == register
    assert search_register(register, "bygglagen") == []


def test_no_chunks_no_laws() -> None:
    assert build_register([]) == []


def test_an_exact_abbreviation_comes_first(register: list[LawEntry]) -> None:
    found = search_register(register, "hsl")
    assert found[0].key == "hälso- och sjukvårdslagen"
    assert len(found) > 1  # the HSLF-FS regulations follow


def test_a_register_built_again_reads_only_the_chunks_it_has_not_read(
    chunks: list[Chunk], register: list[LawEntry]
) -> None:
    laws = LawRegister()
    without_last = [c for c in chunks if c.file != NORRKOPING_2017.name]
    laws.entries(without_last)
    read: list[str] = []

    def reading(text: str) -> list:
        read.append(text)
        return find_laws(text)

    with patch("assistant.law_register.find_laws", reading):
        again = laws.entries(chunks)

    added = [c for c in chunks if c.file == NORRKOPING_2017.name and c.laws]
    assert read == [c.text for c in added]
    assert again == register
    assert laws.entries(without_last) == build_register(without_last), "and removed again"
