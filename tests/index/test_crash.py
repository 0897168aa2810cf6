"""Crash consistency: `kill -9` at a write of an ingest or of a changed plan's replacement, then
the same ingest again, gives the catalog, Chroma contents, BM25 index and unit vectors of a clean
ingest; `planassistent check` reports a disagreement between the stores and `--repair` fixes it.

The child process (`crash_child.py`) kills itself just before a chosen write, found by its label in
the writes recorded during the clean ingest, so every crash point is deterministic.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import cli
from assistant import composition
from index.builder import ingest_paths
from index.catalog_files import DOCUMENTS_DIR, open_catalog
from index.chroma_store import open_collection
from index.embedding import Embedder
from index.lexical import BM25_DIR, FINGERPRINT_FILE
from index.plan_index import PlanIndex
from index.unit_vectors import UnitVectors
from settings import Settings, get_settings
from tests.conftest import NORRKOPING_2024, NORRTALJE_2023, REPO, SODERKOPING_2025, TEST_MODEL_CACHE
from tests.index.crash_child import watching_writes

#: Every test embeds with the real model, and most start a child process that loads it too.
pytestmark = pytest.mark.slow

#: The start of three example plans: a few chunks each, so that a child ingests them in seconds.
PLAN_CHARS = 1500
SOURCES = [NORRKOPING_2024, NORRTALJE_2023, SODERKOPING_2025]
CHANGED = NORRTALJE_2023.name
CHILD_TIMEOUT_S = 300
#: What `write_atomically` leaves when a crash falls between writing a file and renaming it.
INTERRUPTED_WRITE = f"{DOCUMENTS_DIR}/.0123456789abcdef.json.x7k2.tmp"

# --- ingests, clean and crashed -------------------------------------------------------------------


def write_plans(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for source in SOURCES:
        text = source.read_text(encoding="utf-8")[:PLAN_CHARS]
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


def change_plan(folder: Path) -> None:
    plan = folder / CHANGED
    added = "\n\nNämnden följer upp planen varje kvartal."
    plan.write_text(plan.read_text(encoding="utf-8") + added, encoding="utf-8")


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, model_dir=TEST_MODEL_CACHE)


def ingest(settings: Settings, plans: Path, embedder: Embedder) -> list[str]:
    """Ingest `plans` in this process; returns the labels of the writes, in order."""
    writes: list[str] = []
    with watching_writes(writes.append):
        report = ingest_paths(PlanIndex.open(settings, lambda: embedder), [plans], settings.ingest)
    assert not report.failed, report.failed
    return writes


def crash_at(settings: Settings, plans: Path, kill_at: int) -> None:
    """Ingest `plans` in a child process that `kill -9`s itself before its `kill_at`th write."""
    command = [sys.executable, "-m", "tests.index.crash_child", str(settings.data_dir)]
    command += [str(TEST_MODEL_CACHE), str(kill_at), str(plans)]
    importable = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": importable}
    child = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S
    )
    assert child.returncode == -signal.SIGKILL, child.stderr


def position(writes: list[str], label: str, occurrence: int) -> int:
    """The 1-based number of the `occurrence`th write labelled `label`."""
    numbers = [n for n, written in enumerate(writes, start=1) if written == label]
    return numbers[occurrence - 1]


# --- what the stores hold -----------------------------------------------------------------------


def chroma_contents(settings: Settings) -> dict[str, tuple[str, dict, np.ndarray]]:
    stored = open_collection(settings.chroma, settings.index_dir).get(
        include=["documents", "metadatas", "embeddings"]
    )
    columns = [stored[key] for key in ("ids", "documents", "metadatas", "embeddings")]
    rows = zip(*columns, strict=True)
    return {i: (text, dict(meta), np.asarray(vector)) for i, text, meta, vector in rows}


def unit_vectors(settings: Settings) -> dict[str, np.ndarray]:
    stored = UnitVectors.load(settings.index_dir)
    return {i: vectors for i in stored.counts() if (vectors := stored.get(i)) is not None}


def catalog_files(settings: Settings) -> dict[str, bytes]:
    folder = settings.index_dir / DOCUMENTS_DIR
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


def bm25_files(settings: Settings) -> dict[str, bytes]:
    folder = settings.index_dir / BM25_DIR
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


def assert_same_vectors(actual: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    assert actual.keys() == expected.keys()
    for key, vectors in expected.items():
        assert actual[key].shape == vectors.shape, key
        assert np.allclose(actual[key], vectors, atol=1e-6), key


def assert_same_index(actual: Settings, expected: Settings) -> None:
    assert catalog_files(actual) == catalog_files(expected)
    dense, clean = chroma_contents(actual), chroma_contents(expected)
    assert {i: entry[:2] for i, entry in dense.items()} == {i: e[:2] for i, e in clean.items()}
    assert_same_vectors({i: e[2] for i, e in dense.items()}, {i: e[2] for i, e in clean.items()})
    assert bm25_files(actual) == bm25_files(expected)
    assert_same_vectors(unit_vectors(actual), unit_vectors(expected))
    leftovers = [*actual.index_dir.glob(".*"), *actual.index_dir.glob("*/.*")]
    assert not leftovers, "no file of an interrupted write is left"


# --- a fresh ingest -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> tuple:
    """Three plans and their clean ingest: (plans folder, its settings, the writes it made)."""
    root = tmp_path_factory.mktemp("fresh")
    plans = write_plans(root / "plans")
    clean = settings_for(root / "clean")
    return plans, clean, ingest(clean, plans, embedder)


def test_a_clean_ingest_writes_each_store_in_order(fresh: tuple) -> None:
    """The order the crash points rely on: per plan Chroma, the unit vectors, the catalog; BM25
    once at the end."""
    _, _, writes = fresh
    one_plan = [
        "chroma.put",
        "write:units",
        "rename:units",
        "write:documents",
        "rename:documents",
    ]
    assert writes == one_plan * len(SOURCES) + ["bm25.save"]


@pytest.mark.parametrize(
    ("label", "occurrence"),
    [
        ("write:units", 1),  # Chroma holds the first plan, the catalog nothing
        ("rename:documents", 2),  # the second plan is in every store but the catalog
    ],
)
def test_a_crashed_ingest_ingested_again_equals_a_clean_one(
    fresh: tuple, tmp_path: Path, embedder: Embedder, label: str, occurrence: int
) -> None:
    plans, clean, writes = fresh
    crashed = settings_for(tmp_path / "data")
    crash_at(crashed, plans, position(writes, label, occurrence))

    ingest(crashed, plans, embedder)

    assert_same_index(crashed, clean)


# --- a changed plan replacing its old version -----------------------------------------------------


@pytest.fixture(scope="module")
def replaced(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> tuple:
    """(plans folder with one plan changed, the index of the plans before the change, the clean
    index after the change, the writes of that replacement)."""
    root = tmp_path_factory.mktemp("replaced")
    plans = write_plans(root / "plans")
    before = settings_for(root / "before")
    ingest(before, plans, embedder)
    change_plan(plans)
    clean = settings_for(root / "clean")
    shutil.copytree(before.index_dir, clean.index_dir)
    return plans, before, clean, ingest(clean, plans, embedder)


def crash_replacing(replaced: tuple, data_dir: Path, label: str, occurrence: int) -> Settings:
    plans, before, _, writes = replaced
    crashed = settings_for(data_dir)
    shutil.copytree(before.index_dir, crashed.index_dir)
    crash_at(crashed, plans, position(writes, label, occurrence))
    return crashed


def test_a_replacement_adds_commits_then_drops_the_old_chunks(replaced: tuple) -> None:
    writes = replaced[3]
    assert writes == [
        "chroma.put",
        "write:units",
        "rename:units",
        "write:documents",
        "rename:documents",
        "chroma.delete",
        "unlink:units",
        "bm25.save",
    ]


@pytest.mark.parametrize(
    ("label", "occurrence"),
    [
        ("write:documents", 1),  # Chroma and the unit vectors hold the new chunks too
        ("chroma.delete", 1),  # the catalog names the new chunks, the stores still hold the old
        ("unlink:units", 1),  # the unit vectors still hold the old chunks
        ("bm25.save", 1),  # BM25 is the old catalog's
    ],
)
def test_a_crashed_replacement_ingested_again_equals_a_clean_one(
    replaced: tuple, tmp_path: Path, embedder: Embedder, label: str, occurrence: int
) -> None:
    plans, _, clean, _ = replaced
    crashed = crash_replacing(replaced, tmp_path / "data", label, occurrence)

    ingest(crashed, plans, embedder)

    assert_same_index(crashed, clean)


def test_a_crash_inside_the_unit_vector_write_keeps_unchanged_chunks_right(
    replaced: tuple, tmp_path: Path, embedder: Embedder
) -> None:
    """The old failure: matrix and row map were two files, and a crash between their writes gave
    the chunks of the plans that did not change wrong vectors, which a re-ingest kept."""
    plans, before, clean, _ = replaced
    crashed = crash_replacing(replaced, tmp_path / "data", "rename:units", 1)
    record = open_catalog(before.index_dir).document(str((plans / CHANGED).resolve()))
    assert record is not None
    unchanged = {i: v for i, v in unit_vectors(before).items() if i not in record.chunk_ids}
    assert unchanged, "the other plans have chunks"

    assert_same_vectors({i: unit_vectors(crashed)[i] for i in unchanged}, unchanged)
    ingest(crashed, plans, embedder)
    assert_same_vectors({i: unit_vectors(crashed)[i] for i in unchanged}, unchanged)
    assert_same_index(crashed, clean)


# --- planassistent check ------------------------------------------------------------------------


@pytest.fixture
def damaged(
    fresh: tuple, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Settings, list[str]]]:
    """A copy of the clean index with an orphan in Chroma, a chunk missing there, a chunk without
    unit vectors, one with a unit vector too few, a stale BM25 index and the temporary file of an
    interrupted write; the CLI reads it, with the session's model. Yields the settings and the ids
    of the three damaged chunks."""
    _, clean, _ = fresh
    damaged = settings_for(tmp_path / "data")
    shutil.copytree(clean.index_dir, damaged.index_dir)
    collection = open_collection(damaged.chroma, damaged.index_dir)
    some = collection.get(limit=3, include=["embeddings"])
    without_dense, without_units, short_of_units = some["ids"]
    vector = np.asarray(some["embeddings"])[:1]
    collection.add(ids=["orphan-0"], embeddings=vector, documents=["kvarglömd"])
    collection.delete(ids=[without_dense])
    units = UnitVectors.load(damaged.index_dir)
    vectors = units.get(short_of_units)
    assert vectors is not None and len(vectors) > 1
    units.put([short_of_units], [vectors[1:]])
    units.drop([without_units])
    units.save()
    (damaged.index_dir / BM25_DIR / FINGERPRINT_FILE).write_text("inaktuell", encoding="utf-8")
    (damaged.index_dir / INTERRUPTED_WRITE).write_text("halv katalog", encoding="utf-8")
    monkeypatch.setenv("PLANASSISTENT_DATA_DIR", str(damaged.data_dir))
    monkeypatch.setenv("PLANASSISTENT_MODEL_DIR", str(TEST_MODEL_CACHE))
    monkeypatch.setattr(cli, "open_index", lambda s: composition.open_index(s, embedder))
    get_settings.cache_clear()
    yield damaged, some["ids"]
    get_settings.cache_clear()


def run_check(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, dict]:
    status = cli.main(["check", "--json", *options])
    return status, json.loads(capsys.readouterr().out)


def test_check_reports_each_disagreement_and_repair_fixes_them(
    damaged: tuple[Settings, list[str]], fresh: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, (without_dense, without_units, short_of_units) = damaged
    status, found = run_check(capsys)
    assert status == 1 and not found["consistent"]
    orphan = {"orphans": ["orphan-0"], "miscounted": []}
    assert found["chroma"] == {"missing": [without_dense], **orphan}
    assert found["unit_vectors"] == {
        "missing": [without_units],
        "orphans": [],
        "miscounted": [short_of_units],
    }
    assert found["bm25"] == {"stale": True}
    assert found["interrupted_writes"] == [INTERRUPTED_WRITE]

    status, repaired = run_check(capsys, "--repair")
    assert status == 0 and repaired["consistent"] and len(repaired["repaired"]) == 4

    status, again = run_check(capsys)
    agrees: dict[str, list[str]] = {"missing": [], "orphans": [], "miscounted": []}
    assert status == 0 and again["consistent"]
    assert again["chroma"] == again["unit_vectors"] == agrees and again["bm25"] == {"stale": False}
    assert again["interrupted_writes"] == []
    assert again["catalog"] == found["catalog"]
    assert_same_index(settings, fresh[1])


def test_check_in_words_names_the_store_that_disagrees(
    damaged: tuple[Settings, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    without_dense, without_units, _ = damaged[1]
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert f"Chroma: 1 textavsnitt saknas ({without_dense}), 1 id som katalogen inte har" in out
    assert f"Meningsvektorer: 1 textavsnitt saknas ({without_units}), 1 med fel antal rader" in out
    assert "BM25: inaktuellt" in out
    assert f"Avbrutna skrivningar: {INTERRUPTED_WRITE}." in out
    assert out.rstrip().endswith("Indexet stämmer inte med katalogen.")
