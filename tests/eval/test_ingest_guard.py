"""Ingest guard: cleaning, sectioning and chunking must never destroy evidence.

Every gold quote of the eval set must still be findable in the chunks that ingest makes of its
file (after the eval's normalisation), so that a change to ingest that eats a sentence, a table row
or a number fails here, without a model and in about a second.
"""

from __future__ import annotations

from functools import cache

import pytest

from eval.command import DEFAULT_SET
from eval.metrics import normalise
from eval.runner import load_set
from ingest.document import Chunk
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings
from tests.conftest import PLANS_DIR

GOLD = [
    (item.id, source.file, source.quote)
    for item in load_set(DEFAULT_SET)
    for source in item.sources
]


@cache
def chunks_of(file: str) -> tuple[Chunk, ...]:
    return tuple(process_document(load_document(PLANS_DIR / file), IngestSettings()).chunks)


@pytest.mark.parametrize(("item_id", "file", "quote"), GOLD, ids=[g[0] for g in GOLD])
def test_gold_quote_survives_ingest(item_id: str, file: str, quote: str) -> None:
    wanted = normalise(quote)
    chunks = chunks_of(file)
    in_text = any(wanted in normalise(chunk.text) for chunk in chunks)
    # A quote that is a heading lives in the heading path of its chunks (fact-004: the vision).
    in_heading = any(wanted in normalise(" ".join(chunk.section)) for chunk in chunks)
    assert in_text or in_heading, f"{item_id}: the quote is in no chunk of {file}"
