"""The grounding eval set is well formed, and every gold quote and key string is in the plans."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PLANS_DIR

EVAL_SET = Path(__file__).resolve().parents[2] / "eval" / "sets" / "plans.jsonl"

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
MIN_PER_KIND = {
    "unanswerable": 18,
    "comparison": 12,
    "law": 12,
    "number": 10,
    "list": 10,
    "fact": 1,
    "multi-hop": 1,
}
MIN_TOTAL = 90


def collapse(text: str) -> str:
    """Every run of whitespace (spaces, tabs, newlines, blank lines) becomes one space."""
    return " ".join(text.split())


@cache
def plan_text(name: str) -> str:
    return collapse((PLANS_DIR / name).read_text(encoding="utf-8"))


@cache
def load_items() -> list[dict[str, Any]]:
    lines = EVAL_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_line_is_a_json_object_with_the_schema_keys() -> None:
    for n, line in enumerate(EVAL_SET.read_text(encoding="utf-8").splitlines(), start=1):
        item = json.loads(line)
        assert isinstance(item, dict), f"line {n}"
        keys = set(item)
        assert KEYS <= keys <= KEYS | OPTIONAL_KEYS, f"line {n}: {sorted(keys ^ KEYS)}"


def test_field_values() -> None:
    for item in load_items():
        assert item["persona"] in PERSONAS, item["id"]
        assert item["kind"] in MIN_PER_KIND, item["id"]
        assert isinstance(item["question"], str) and item["question"].strip(), item["id"]
        assert isinstance(item["answerable"], bool), item["id"]
        assert item["answerable"] == (item["kind"] != "unanswerable"), item["id"]
        assert all(isinstance(m, str) and m for m in item["must_contain"]), item["id"]


def test_ids_and_questions_are_unique() -> None:
    items = load_items()
    ids = [item["id"] for item in items]
    questions = [collapse(item["question"]).lower() for item in items]
    assert len(set(ids)) == len(ids), [i for i, c in Counter(ids).items() if c > 1]
    assert len(set(questions)) == len(questions)


def test_counts() -> None:
    items = load_items()
    kinds = Counter(item["kind"] for item in items)
    assert len(items) >= MIN_TOTAL
    for kind, minimum in MIN_PER_KIND.items():
        assert kinds[kind] >= minimum, f"{kind}: {kinds[kind]} < {minimum}"


def test_sources_match_answerability() -> None:
    for item in load_items():
        if item["answerable"]:
            assert item["sources"], item["id"]
        else:
            assert item["sources"] == [] and item["must_contain"] == [], item["id"]


@pytest.mark.parametrize("item", load_items(), ids=lambda item: str(item["id"]))
def test_quotes_and_key_strings_are_in_the_plans(item: dict[str, Any]) -> None:
    quotes = []
    for source in item["sources"]:
        assert set(source) == {"file", "quote"}
        path = PLANS_DIR / source["file"]
        assert path.is_file(), source["file"]
        quote = collapse(source["quote"])
        assert quote, item["id"]
        assert quote in plan_text(source["file"]), f"{item['id']}: {quote[:80]!r}"
        quotes.append(quote)
    for key in item["must_contain"]:
        assert any(collapse(key) in quote for quote in quotes), f"{item['id']}: {key!r}"
