"""The public command-line contract: ingest, documents --json, search --json."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cli
from assistant.composition import open_index
from assistant.service import new_scorer, saved_word_rarities
from cli import main
from index.catalog_files import open_catalog
from index.embedding import Embedder
from settings import get_settings
from tests.bad_inputs import (
    CASES,
    INDEXED_PLAN,
    INDEXED_PLAN_NAME,
    LAST_PLAN,
    LAST_PLAN_NAME,
    BadInput,
)
from tests.conftest import NORRKOPING_2024, NORRKOPING_2024_PROGRAM, REPO, TEST_MODEL_CACHE

DOCUMENT_KEYS = {
    "file",
    "sha256",
    "title",
    "organisation",
    "municipality",
    "committee",
    "doc_type",
    "year",
    "year_end",
    "date",
    "chunks",
}
HIT_KEYS = {
    "rank", "score", "file", "title", "organisation", "municipality", "year", "section", "page",
    "text",
}  # fmt: skip


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PLANASSISTENT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLANASSISTENT_MODEL_DIR", str(TEST_MODEL_CACHE))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_help_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in ("ingest", "documents", "search"):
        assert command in result.stdout


def test_documents_of_an_empty_index(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "documents", "--json") == []


@pytest.mark.slow
def test_ingest_then_documents_and_search_as_json(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(NORRKOPING_2024), str(NORRKOPING_2024_PROGRAM)]) == 0
    assert "2 dokument indexerade" in capsys.readouterr().out

    documents = run_json(capsys, "documents", "--json")
    assert isinstance(documents, list) and len(documents) == 2
    assert all(set(d) == DOCUMENT_KEYS for d in documents)
    assert {d["municipality"] for d in documents} == {"Norrköping"}
    assert {d["organisation"] for d in documents} == {"Norrköpings kommun"}
    assert all(d["chunks"] > 0 and d["year"] == 2024 for d in documents)

    hits = run_json(capsys, "search", "hur stor är socialnämndens budget?", "--json", "--k", "3")
    assert isinstance(hits, list) and 1 <= len(hits) <= 3
    assert all(set(h) == HIT_KEYS for h in hits)
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert "654 848" in hits[0]["text"]
    assert hits[0]["section"].endswith("Ekonomiska förutsättningar")

    filtered = run_json(capsys, "search", "budget", "--json", "--municipality", "Norrtälje")
    assert filtered == []


@pytest.mark.slow
def test_ingest_saves_the_word_rarities_of_the_index_it_leaves(data_dir: Path) -> None:
    """The next start takes them instead of reading every chunk; after a second ingest they are
    counted from the added plan only, and equal a count over all chunks."""
    question = "hur stor är socialnämndens budget för hemtjänst och försörjningsstöd?"
    assert main(["ingest", str(NORRKOPING_2024)]) == 0
    assert main(["ingest", str(NORRKOPING_2024_PROGRAM)]) == 0
    settings = get_settings()
    index = open_index(settings)
    saved = saved_word_rarities(settings, index)
    assert saved is not None
    counted = new_scorer(settings)
    counted.fit(index.chunks())
    assert saved.weighted_terms(question) == counted.weighted_terms(question)


@pytest.mark.slow
def test_ingest_exits_non_zero_when_a_file_fails(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "tom.txt"
    empty.write_text("")
    assert main(["ingest", str(empty), str(NORRKOPING_2024_PROGRAM)]) == 1
    captured = capsys.readouterr()
    assert "tom.txt" in captured.err and "1 dokument indexerade" in captured.out


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_ingest_names_a_bad_file_and_its_reason_and_goes_on(
    case: BadInput,
    data_dir: Path,
    tmp_path: Path,
    embedder: Embedder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The session's embedder, not one loaded per case.
    monkeypatch.setattr(cli, "open_index", lambda settings: open_index(settings, embedder))
    for name, value in case.ingest.items():
        monkeypatch.setenv(f"PLANASSISTENT_INGEST__{name.upper()}", str(value))
    get_settings.cache_clear()
    first, last = tmp_path / INDEXED_PLAN_NAME, tmp_path / LAST_PLAN_NAME
    first.write_text(INDEXED_PLAN, encoding="utf-8")
    last.write_text(LAST_PLAN, encoding="utf-8")
    (tmp_path / "given").mkdir()
    bad = case.build(tmp_path / "given")

    status = main(["ingest", str(first), str(bad), str(last)])

    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    told = [line for line in err.splitlines() if line.startswith("Fel: ")]
    chunks = open_catalog(data_dir / "index").chunks()
    indexed = {chunk.file for chunk in chunks}
    if case.reason is None:
        assert (status, told) == (0, [])
        assert indexed == {first.name, bad.name, last.name}
        assert case.absent is None or not any(case.absent in chunk.text for chunk in chunks)
    else:
        assert status == 1
        assert len(told) == 1 and case.told(told[0]), err
        assert indexed == {first.name, last.name}
        assert "1 misslyckade" in out


ANSWER_KEYS = {"question", "answer", "refused", "citations", "comparison"}
CITATION_KEYS = {"id", "file", "title", "municipality", "year", "section", "page", "quote"}


@pytest.mark.slow
def test_ask_json_and_batch(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(NORRKOPING_2024)]) == 0
    capsys.readouterr()

    answer = run_json(capsys, "ask", "hur stor är socialnämndens budget 2024?", "--json")
    assert isinstance(answer, dict) and ANSWER_KEYS.issubset(answer)
    assert answer["refused"] is False and "654 848" in answer["answer"]
    assert all(CITATION_KEYS.issubset(c) for c in answer["citations"])

    questions = tmp_path / "fragor.txt"
    asked = ["vilka ansvarsområden har socialnämnden?", "", "Vad gäller i Linköping?"]
    questions.write_text("\n".join(asked) + "\n", encoding="utf-8")
    assert main(["ask", "--json", "--batch", str(questions)]) == 0
    lines = capsys.readouterr().out.splitlines()
    answers = [json.loads(line) for line in lines]
    assert [a["question"] for a in answers] == asked
    assert [a["refused"] for a in answers] == [False, True, True]

    audited = [
        json.loads(line)
        for file in sorted((data_dir / "audit").glob("audit-*.jsonl"))
        for line in file.read_text(encoding="utf-8").splitlines()
    ]
    assert [(r["channel"], r["refused"]) for r in audited] == [
        ("cli", False), ("cli", False), ("cli", True), ("cli", True)
    ]  # fmt: skip
    assert audited[0]["passages"] and audited[0]["question"] is None  # no content by default


def test_ask_needs_a_question_or_a_batch(data_dir: Path) -> None:
    assert main(["ask"]) == 2
