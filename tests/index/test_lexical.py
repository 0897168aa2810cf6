"""BM25: a rebuild after a change reuses what the index it replaces holds of the unchanged chunks
and ranks and scores exactly as an index built from scratch; compounds are found by their parts."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest

from index.lexical import LexicalIndex, LexicalWords
from ingest.document import Chunk, LoadedDocument
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings, LexicalSettings
from tests.conftest import NORRKOPING_2017, NORRKOPING_2024, NORRTALJE_2023

SETTINGS = LexicalSettings()
QUERIES = [
    "brist på socionomer",
    "våld i nära relationer",
    "hur många platser finns i särskilt boende",
    "socialtjänstlagen 2001:453",
    "xyzzy",
]


def chunks_of(path: Path) -> list[Chunk]:
    return process_document(load_document(path), IngestSettings()).chunks


@pytest.fixture(scope="module")
def plans() -> dict[str, list[Chunk]]:
    return {p.name: chunks_of(p) for p in (NORRKOPING_2017, NORRKOPING_2024, NORRTALJE_2023)}


def results(index: LexicalIndex) -> list[list[tuple[str, float]]]:
    found = []
    for query in QUERIES:
        retriever = index.retriever(top_k=10, filters=None)
        assert retriever is not None
        found.append([(h.node.node_id, round(h.score or 0, 5)) for h in retriever.retrieve(query)])
    return found


def tokenised_texts(build: object) -> int:
    """How many texts were split into words while `build()` ran."""
    calls: list[str] = []
    words_of = LexicalWords.of

    def counting(self: LexicalWords, text: str) -> list[str]:
        calls.append(text)
        return words_of(self, text)

    with patch.object(LexicalWords, "of", counting):
        build()  # type: ignore[operator]
    return len(calls)


def test_a_rebuild_after_a_change_equals_a_build_from_scratch(
    plans: dict[str, list[Chunk]],
) -> None:
    first, second, third = plans.values()
    before = LexicalIndex.build(first + second, SETTINGS)
    after: list[LexicalIndex] = []

    tokenised = tokenised_texts(
        lambda: after.append(LexicalIndex.build(first + third, SETTINGS, previous=before))
    )

    assert tokenised == len(third), "only the added plan's chunks are tokenised"
    assert results(after[0]) == results(LexicalIndex.build(first + third, SETTINGS))
    assert results(before) == results(LexicalIndex.build(first + second, SETTINGS)), "unchanged"


def test_a_saved_index_keeps_its_tokens_for_the_next_rebuild(
    plans: dict[str, list[Chunk]], tmp_path: Path
) -> None:
    first, second, third = plans.values()
    LexicalIndex.build(first + second, SETTINGS).save(tmp_path, "fingerprint")
    loaded = LexicalIndex.load(tmp_path, SETTINGS, "fingerprint", first + second)
    assert loaded is not None
    rebuilt: list[LexicalIndex] = []

    tokenised = tokenised_texts(
        lambda: rebuilt.append(LexicalIndex.build(second + third, SETTINGS, previous=loaded))
    )

    assert tokenised == len(third)
    assert results(rebuilt[0]) == results(LexicalIndex.build(second + third, SETTINGS))


def small_index(folder: Path, text: str) -> LexicalIndex:
    """BM25 over the small chunks of one plan written as `text`."""
    loaded = LoadedDocument(path=folder / "plan.txt", sha256="a" * 64, text=text, paged=False)
    chunks = process_document(loaded, IngestSettings(chunk_min_words=3, chunk_max_words=20)).chunks
    return LexicalIndex.build(chunks, SETTINGS)


def test_a_part_of_a_compound_finds_the_compound_and_the_compound_its_parts(
    tmp_path: Path,
) -> None:
    text = (
        "Budget 2026\n\nSkatter\n\nSkattesatsen är 11,40 kronor per hundralapp.\n\n"
        "Anhöriga\n\nRegionen ger stöd till anhöriga som vårdar en närstående.\n"
    )
    index = small_index(tmp_path, text)

    def best(query: str) -> str:
        retriever = index.retriever(top_k=1, filters=None)
        assert retriever is not None
        [hit] = retriever.retrieve(query)
        return hit.node.get_content()

    tax, support = (
        best("Hur mycket skatt tar regionen ut?"),
        best("Vad säger planen om anhörigstöd?"),
    )
    assert "Skattesatsen" in tax and "anhöriga" not in tax
    assert "stöd till anhöriga" in support and "Skattesatsen" not in support


def test_a_verb_asked_about_finds_the_noun_of_its_act_and_a_noun_finds_no_more(
    tmp_path: Path,
) -> None:
    text = (
        "Budget 2023\n\nEkonomi\n\nNämndens investeringar\nSumma investeringar 4 450 200 200\n\n"
        "Media\n\nLokaltidningen bevakar nämndens sammanträden varje månad.\n"
    )
    retriever = small_index(tmp_path, text).retriever(top_k=5, filters=None)
    assert retriever is not None

    def found(query: str) -> list[str]:
        return [hit.node.get_content() for hit in retriever.retrieve(query)]

    assert any("Summa investeringar" in text for text in found("Hur mycket investerar regionen?"))
    # "tid" is no verb: "tidning" is another word.
    assert not any("Lokaltidningen" in text for text in found("Hur lång tid tar det?"))
