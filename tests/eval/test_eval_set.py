"""The grounding eval sets are well formed, and every gold quote and key string is in its documents.

Three sets get the same checks: `plans.jsonl` over the example plans, and `more.jsonl` and
`fresh.jsonl` over the out-of-sample corpus in `../shared/corpus-more` (skipped when that folder
is absent).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from eval.metrics import GoldItem
from tests.conftest import CORPUS_MORE_DIR, PLANS_DIR

SETS_DIR = Path(__file__).resolve().parents[2] / "eval" / "sets"

KEYS = {
    "id",
    "question",
    "persona",
    "kind",
    "answerable",
    "municipality",
    "year",
    "must_contain",
    "sources",
}
OPTIONAL_KEYS = {"note"}
PERSONAS = {"caseworker", "politician", "legal"}
#: Characters a quote must not hold: ingest drops soft hyphens and turns tabs into spaces, so a
#: quote with them could never be found in a chunk.
UNQUOTABLE = ("\u00ad", "\t")


@dataclass(frozen=True)
class EvalSet:
    """One eval set and the folder of documents its quotes come from."""

    path: Path
    documents: Path
    min_total: int
    min_per_kind: Mapping[str, int]

    @property
    def name(self) -> str:
        return self.path.name


PLANS = EvalSet(
    SETS_DIR / "plans.jsonl",
    PLANS_DIR,
    min_total=90,
    min_per_kind={
        "unanswerable": 18,
        "comparison": 12,
        "law": 12,
        "number": 10,
        "list": 10,
        "fact": 1,
        "multi-hop": 1,
    },
)
MORE = EvalSet(
    SETS_DIR / "more.jsonl",
    CORPUS_MORE_DIR,
    min_total=80,
    min_per_kind={
        "unanswerable": 20,
        "comparison": 10,
        "law": 10,
        "number": 10,
        "list": 10,
        "fact": 1,
        "multi-hop": 1,
    },
)
#: Written to be asked once, not to fit: fewer items, every kind present.
FRESH = EvalSet(
    SETS_DIR / "fresh.jsonl",
    CORPUS_MORE_DIR,
    min_total=40,
    min_per_kind={
        "unanswerable": 8,
        "comparison": 4,
        "law": 4,
        "number": 8,
        "list": 6,
        "fact": 8,
        "multi-hop": 2,
    },
)
EVAL_SETS = (PLANS, MORE, FRESH)


def collapse(text: str) -> str:
    """Every run of whitespace (spaces, tabs, newlines, blank lines) becomes one space."""
    return " ".join(text.split())


@cache
def document_text(documents: Path, name: str) -> str:
    return collapse((documents / name).read_text(encoding="utf-8"))


@cache
def load_items(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def require_documents(eval_set: EvalSet) -> None:
    if not eval_set.documents.is_dir():
        pytest.skip(f"{eval_set.name}: its documents are not here ({eval_set.documents})")


@pytest.fixture(params=EVAL_SETS, ids=lambda eval_set: eval_set.name)
def eval_set(request: pytest.FixtureRequest) -> EvalSet:
    selected: EvalSet = request.param
    return selected


def test_every_line_is_a_json_object_with_the_schema_keys(eval_set: EvalSet) -> None:
    for n, line in enumerate(eval_set.path.read_text(encoding="utf-8").splitlines(), start=1):
        item = json.loads(line)
        assert isinstance(item, dict), f"line {n}"
        keys = set(item)
        assert KEYS <= keys <= KEYS | OPTIONAL_KEYS, f"line {n}: {sorted(keys ^ KEYS)}"
        GoldItem.model_validate(item)


def test_field_values(eval_set: EvalSet) -> None:
    for item in load_items(eval_set.path):
        assert item["persona"] in PERSONAS, item["id"]
        assert item["kind"] in eval_set.min_per_kind, item["id"]
        assert isinstance(item["question"], str) and item["question"].strip(), item["id"]
        assert isinstance(item["answerable"], bool), item["id"]
        assert item["answerable"] == (item["kind"] != "unanswerable"), item["id"]
        assert all(isinstance(m, str) and m for m in item["must_contain"]), item["id"]


def test_ids_and_questions_are_unique(eval_set: EvalSet) -> None:
    items = load_items(eval_set.path)
    ids = [item["id"] for item in items]
    questions = [collapse(item["question"]).lower() for item in items]
    assert len(set(ids)) == len(ids), [i for i, c in Counter(ids).items() if c > 1]
    assert len(set(questions)) == len(questions)


def test_counts(eval_set: EvalSet) -> None:
    items = load_items(eval_set.path)
    kinds = Counter(item["kind"] for item in items)
    assert len(items) >= eval_set.min_total
    for kind, minimum in eval_set.min_per_kind.items():
        assert kinds[kind] >= minimum, f"{kind}: {kinds[kind]} < {minimum}"


def test_sources_match_answerability(eval_set: EvalSet) -> None:
    for item in load_items(eval_set.path):
        if item["answerable"]:
            assert item["sources"], item["id"]
        else:
            assert item["sources"] == [] and item["must_contain"] == [], item["id"]


@pytest.mark.parametrize(
    ("eval_set", "item"),
    [(eval_set, item) for eval_set in EVAL_SETS for item in load_items(eval_set.path)],
    ids=lambda value: value.name if isinstance(value, EvalSet) else str(value["id"]),
)
def test_quotes_and_key_strings_are_in_the_documents(
    eval_set: EvalSet, item: dict[str, Any]
) -> None:
    if item["sources"]:
        require_documents(eval_set)
    quotes = []
    for source in item["sources"]:
        assert set(source) == {"file", "quote"}
        assert (eval_set.documents / source["file"]).is_file(), source["file"]
        assert not any(char in source["quote"] for char in UNQUOTABLE), item["id"]
        quote = collapse(source["quote"])
        assert quote, item["id"]
        assert quote in document_text(eval_set.documents, source["file"]), (
            f"{item['id']}: {quote[:80]!r}"
        )
        quotes.append(quote)
    for key in item["must_contain"]:
        assert any(collapse(key) in quote for quote in quotes), f"{item['id']}: {key!r}"
