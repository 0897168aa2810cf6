"""Ingest guard: cleaning, sectioning and chunking must never destroy evidence.

Every gold quote of every eval set must still be findable in the chunks that ingest makes of its
file (after the eval's normalisation), so that a change to ingest that eats a sentence, a table row
or a number fails here, without a model and in seconds. The held-out sets' quotes are checked
where its corpus is present.
"""

from __future__ import annotations

from functools import cache

import pytest

from eval.metrics import normalise
from eval.registry import EVAL_SETS, EvalSet
from eval.runner import load_set
from ingest.document import Chunk
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings

GOLD = [
    pytest.param(eval_set, source.file, source.quote, id=item.id)
    for eval_set in EVAL_SETS.values()
    if eval_set.questions.is_file()
    for item in load_set(eval_set.questions)
    for source in item.sources
]


@cache
def chunks_of(eval_set: EvalSet, file: str) -> tuple[Chunk, ...]:
    loaded = load_document(eval_set.corpus / file)
    return tuple(process_document(loaded, IngestSettings()).chunks)


@pytest.mark.parametrize(("eval_set", "file", "quote"), GOLD)
def test_gold_quote_survives_ingest(eval_set: EvalSet, file: str, quote: str) -> None:
    if (reason := eval_set.missing()) is not None:
        pytest.skip(f"{eval_set.name}: {reason}")
    wanted = normalise(quote)
    chunks = chunks_of(eval_set, file)
    in_text = any(wanted in normalise(chunk.text) for chunk in chunks)
    # A quote that is a heading lives in the heading path of its chunks (fact-004: the vision).
    in_heading = any(wanted in normalise(" ".join(chunk.section)) for chunk in chunks)
    assert in_text or in_heading, f"the quote is in no chunk of {file}"
