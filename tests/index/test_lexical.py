"""BM25 rebuilt after a change reuses what the index it replaces holds of the unchanged chunks,
and ranks and scores exactly as an index built from scratch."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import bm25s
import pytest

from index.lexical import LexicalIndex
from ingest.document import Chunk
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
    """How many texts bm25s tokenised while `build()` ran."""
    calls: list[int] = []
    tokenize = bm25s.tokenize

    def counting(texts: list[str], *args: object, **kwargs: object) -> object:
        calls.append(len(texts))
        return tokenize(texts, *args, **kwargs)

    with patch.object(bm25s, "tokenize", counting):
        build()  # type: ignore[operator]
    return sum(calls)


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
