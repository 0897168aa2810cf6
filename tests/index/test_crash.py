"""Crash consistency: `kill -9` at a write of an ingest or of a changed plan's replacement, then
the same ingest again, gives the catalog, Chroma contents, BM25 index and unit vectors of a clean
ingest; `planassistent check` reports a disagreement between the stores and `--repair` fixes it.

Both Chroma modes. Embedded, the same ingest again is enough: a writer's first ingest repairs what
a crashed one left. With a Chroma server (http) an ingest repairs nothing (another writer's document
half-way through its add looks orphaned), so a crash that leaves chunks the catalog no longer names
(the old chunks of a replacement, once the catalog names the new) needs `check --repair` after the
ingest: `check` reports exactly those chunks as orphans, and the repair leaves the index of a
clean ingest. A crash before the catalog names a new document's chunks needs no repair: the same
ingest again writes the same chunk ids over them. The server's catalog and unit vectors are compared
as the server keeps them (items); BM25 is then in memory only, built from the catalog.

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
from index import consistency
from index.builder import ingest_paths
from index.catalog_files import DOCUMENTS_DIR, open_catalog
from index.chroma_catalog import CATALOG_SUFFIX
from index.chroma_store import open_client, open_collection, record_collection
from index.chroma_units import UNITS_SUFFIX
from index.embedding import Embedder
from index.lexical import BM25_DIR, FINGERPRINT_FILE
from index.plan_index import PlanIndex
from index.unit_vectors import UnitVectors
from settings import ChromaSettings, Settings, get_settings
from tests.chroma_server import fresh_collections
from tests.conftest import NORRKOPING_2024, NORRTALJE_2023, REPO, SODERKOPING_2025, TEST_MODEL_CACHE
from tests.index.crash_child import watching_writes
from tests.index.test_server_mode import server_env, settings_in

#: Every test embeds with the real model, and most start a child process that loads it too.
pytestmark = pytest.mark.slow

#: The start of three example plans: a few chunks each, so that a child ingests them in seconds.
PLAN_CHARS = 1500
SOURCES = [NORRKOPING_2024, NORRTALJE_2023, SODERKOPING_2025]
CHANGED = NORRTALJE_2023.name
CHILD_TIMEOUT_S = 300
#: What `write_atomically` leaves when a crash falls between writing a file and renaming it.
INTERRUPTED_WRITE = f"{DOCUMENTS_DIR}/.0123456789abcdef.json.x7k2.tmp"
#: The Chroma modes (`chroma.mode`): a PersistentClient under the data directory, a `chroma run`.
EMBEDDED, HTTP = "embedded", "http"

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


def settings_for(data_dir: Path, chroma: ChromaSettings | None = None) -> Settings:
    """An index under `data_dir`, embedded; or, if `chroma` names a server (http), in collections
    of its own there."""
    if chroma is None or chroma.mode != HTTP:
        return Settings(data_dir=data_dir, model_dir=TEST_MODEL_CACHE)
    return settings_in(data_dir, fresh_collections(chroma))


def server_of(mode: str, request: pytest.FixtureRequest) -> ChromaSettings | None:
    """The session's `chroma run` server in http mode (started only then), else None."""
    return request.getfixturevalue("chroma_server") if mode == HTTP else None


def opened(settings: Settings) -> PlanIndex:
    """The index as a new process opens it (the model is loaded only if text must be embedded)."""
    return composition.open_index(settings)


def ingest(settings: Settings, plans: Path, embedder: Embedder) -> list[str]:
    """Ingest `plans` in this process; returns the labels of the writes, in order."""
    writes: list[str] = []
    with watching_writes(writes.append):
        report = ingest_paths(PlanIndex.open(settings, lambda: embedder), [plans], settings.ingest)
    assert not report.failed, report.failed
    return writes


def crash_at(settings: Settings, plans: Path, kill_at: int, *, upload: bool = False) -> str:
    """Ingest `plans` (or, `upload`: upload that file as the app does) in a child process that
    `kill -9`s itself before its `kill_at`th write; returns what it wrote to stderr, which ends
    with the label of that write."""
    command = [sys.executable, "-m", "tests.index.crash_child", *(["--upload"] if upload else [])]
    command += [str(settings.data_dir), str(TEST_MODEL_CACHE), str(kill_at), str(plans)]
    importable = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": importable}
    if settings.chroma.mode == HTTP:
        env |= server_env(settings.chroma)
    child = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    return child.stderr


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


def catalog_kept(settings: Settings) -> dict[str, bytes] | dict[str, tuple[str, dict]]:
    """The catalog as kept: its files (name: content), or the server's items (id: stamp, record
    and chunks)."""
    if settings.chroma.mode != HTTP:
        folder = settings.index_dir / DOCUMENTS_DIR
        return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}
    client = open_client(settings.chroma, settings.index_dir)
    kept = record_collection(client, settings.chroma.collection + CATALOG_SUFFIX)
    items = kept.get(include=["documents", "metadatas"])
    rows = zip(items["ids"], items["documents"] or [], items["metadatas"] or [], strict=True)
    return {i: (stamp, dict(meta)) for i, stamp, meta in rows}


def unit_vectors(settings: Settings) -> dict[str, np.ndarray]:
    stored = opened(settings)
    return {i: v for i in stored.unit_vector_counts() if (v := stored.unit_vectors(i)) is not None}


def bm25_files(settings: Settings) -> dict[str, bytes]:
    """The saved BM25 index (none with a Chroma server: each process builds its own)."""
    folder = settings.index_dir / BM25_DIR
    files = sorted(folder.iterdir()) if folder.exists() else []
    return {file.name: file.read_bytes() for file in files}


def assert_same_vectors(actual: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    assert actual.keys() == expected.keys()
    for key, vectors in expected.items():
        assert actual[key].shape == vectors.shape, key
        assert np.allclose(actual[key], vectors, atol=1e-6), key


def assert_same_index(actual: Settings, expected: Settings) -> None:
    assert catalog_kept(actual) == catalog_kept(expected)
    dense, clean = chroma_contents(actual), chroma_contents(expected)
    assert {i: entry[:2] for i, entry in dense.items()} == {i: e[:2] for i, e in clean.items()}
    assert_same_vectors({i: e[2] for i, e in dense.items()}, {i: e[2] for i, e in clean.items()})
    assert bm25_files(actual) == bm25_files(expected)
    assert_same_vectors(unit_vectors(actual), unit_vectors(expected))
    leftovers = [*actual.index_dir.glob(".*"), *actual.index_dir.glob("*/.*")]
    assert not leftovers, "no file of an interrupted write is left"
    assert consistency.check(opened(actual)).consistent


def copy_index(source: Settings, target: Settings) -> None:
    """Copy the index of `source` to `target` (of the same mode): its files, or its collections."""
    if source.chroma.mode != HTTP:
        shutil.copytree(source.index_dir, target.index_dir)
        return
    client = open_client(source.chroma, source.index_dir)
    copies = {
        "": open_collection(target.chroma, target.index_dir),
        **{
            s: record_collection(client, target.chroma.collection + s)
            for s in (CATALOG_SUFFIX, UNITS_SUFFIX)
        },
    }
    for suffix, copy in copies.items():
        items = record_collection(client, source.chroma.collection + suffix).get(
            include=["documents", "metadatas", "embeddings"]
        )
        documents = items["documents"] if any(items["documents"] or []) else None  # units: none
        copy.add(
            ids=items["ids"],
            embeddings=items["embeddings"],
            documents=documents,
            metadatas=items["metadatas"],
        )


# --- the writes of an ingest, per mode ------------------------------------------------------------

MODES = [EMBEDDED, HTTP]
#: A plan's writes as an ingest adds it: Chroma, the unit vectors, the catalog (in a server: a
#: token that tells the other processes of a change, its item, the token again).
ADDED = {
    EMBEDDED: [
        "chroma.put",
        "write:units",
        "rename:units",
        "write:documents",
        "rename:documents",
    ],
    HTTP: ["chroma.put", "units.put", "catalog.put", "catalog.announce", "catalog.announce"],
}
#: On a replacement, then: the old version's chunks leave Chroma and the unit vectors.
DROPPED = {
    EMBEDDED: ["chroma.delete", "unlink:units"],
    HTTP: ["chroma.delete", "units.drop"],
}
#: An ingest ends by saving BM25 (embedded; with a server each process keeps its own in memory).
ENDED: dict[str, list[str]] = {EMBEDDED: ["bm25.save"], HTTP: []}


@pytest.fixture(scope="module")
def made_once() -> dict[str, tuple]:
    """The clean ingests of this module by name, each made when a test first needs it. (Not
    module-scoped fixtures: one parametrized by mode with the crash points beside it would be made
    again for every crash point.)"""
    return {}


# --- a fresh ingest -----------------------------------------------------------------------------


@pytest.fixture
def fresh(
    request: pytest.FixtureRequest,
    made_once: dict[str, tuple],
    tmp_path_factory: pytest.TempPathFactory,
    embedder: Embedder,
) -> tuple:
    """Three plans and their clean ingest in the mode `request.param`: (plans folder, its
    settings, the writes it made)."""
    name = f"fresh-{request.param}"
    if name not in made_once:
        root = tmp_path_factory.mktemp(name)
        plans = write_plans(root / "plans")
        clean = settings_for(root / "clean", server_of(request.param, request))
        made_once[name] = plans, clean, ingest(clean, plans, embedder)
    return made_once[name]


@pytest.mark.parametrize("fresh", MODES, indirect=True)
def test_a_clean_ingest_writes_each_store_in_order(fresh: tuple) -> None:
    """The order the crash points rely on: per plan Chroma, the unit vectors, the catalog; BM25
    once at the end (embedded)."""
    _, clean, writes = fresh
    mode = clean.chroma.mode
    assert writes == ADDED[mode] * len(SOURCES) + ENDED[mode]


@pytest.mark.parametrize(
    ("fresh", "label", "occurrence"),
    [
        (EMBEDDED, "write:units", 1),  # Chroma holds the first plan, the catalog nothing
        (EMBEDDED, "rename:documents", 2),  # the second plan is in every store but the catalog
        (HTTP, "catalog.put", 2),  # the second plan is in Chroma and the unit vectors only
    ],
    indirect=["fresh"],
)
def test_a_crashed_ingest_ingested_again_equals_a_clean_one(
    fresh: tuple, tmp_path: Path, embedder: Embedder, label: str, occurrence: int
) -> None:
    plans, clean, writes = fresh
    crashed = settings_for(tmp_path / "data", clean.chroma)
    crash_at(crashed, plans, position(writes, label, occurrence))

    ingest(crashed, plans, embedder)

    assert_same_index(crashed, clean)


# --- a changed plan replacing its old version -----------------------------------------------------


@pytest.fixture
def replaced(
    request: pytest.FixtureRequest,
    made_once: dict[str, tuple],
    tmp_path_factory: pytest.TempPathFactory,
    embedder: Embedder,
) -> tuple:
    """In the mode `request.param`: (plans folder with one plan changed, the index of the plans
    before the change, the clean index after the change, the writes of that replacement)."""
    name = f"replaced-{request.param}"
    if name not in made_once:
        server = server_of(request.param, request)
        root = tmp_path_factory.mktemp(name)
        plans = write_plans(root / "plans")
        before = settings_for(root / "before", server)
        ingest(before, plans, embedder)
        change_plan(plans)
        clean = settings_for(root / "clean", server)
        copy_index(before, clean)
        made_once[name] = plans, before, clean, ingest(clean, plans, embedder)
    return made_once[name]


def copy_of_before(replaced: tuple, data_dir: Path) -> Settings:
    """A copy of the index before the change, to crash a replacement in."""
    before = replaced[1]
    copy = settings_for(data_dir, before.chroma)
    copy_index(before, copy)
    return copy


def crash_replacing(replaced: tuple, data_dir: Path, label: str, occurrence: int) -> Settings:
    plans, _, _, writes = replaced
    crashed = copy_of_before(replaced, data_dir)
    crash_at(crashed, plans, position(writes, label, occurrence))
    return crashed


def old_chunk_ids(replaced: tuple) -> list[str]:
    """The chunks of the changed plan's old version that the new one does not have."""
    plans, before, clean, _ = replaced
    path = str((plans / CHANGED).resolve())
    old, new = (opened(settings).document(path) for settings in (before, clean))
    assert old is not None and new is not None
    return sorted(set(old.chunk_ids) - set(new.chunk_ids))


@pytest.mark.parametrize("replaced", MODES, indirect=True)
def test_a_replacement_adds_commits_then_drops_the_old_chunks(replaced: tuple) -> None:
    _, _, clean, writes = replaced
    mode = clean.chroma.mode
    assert writes == ADDED[mode] + DROPPED[mode] + ENDED[mode]


@pytest.mark.parametrize(
    ("replaced", "label", "occurrence", "orphans_left"),
    [
        (EMBEDDED, "write:documents", 1, False),  # the stores hold the new chunks too
        (EMBEDDED, "chroma.delete", 1, False),  # the catalog names the new chunks, the stores
        # still hold the old
        (EMBEDDED, "unlink:units", 1, False),  # the unit vectors still hold the old
        (EMBEDDED, "bm25.save", 1, False),  # BM25 is the old catalog's
        (HTTP, "catalog.put", 1, False),  # the stores hold the new chunks too
        (HTTP, "catalog.announce", 2, True),  # the catalog's item names the new chunks, the
        # stores still hold the old, and the token after the item was not written
    ],
    indirect=["replaced"],
)
def test_a_crashed_replacement_ingested_again_equals_a_clean_one(
    replaced: tuple,
    tmp_path: Path,
    embedder: Embedder,
    label: str,
    occurrence: int,
    orphans_left: bool,
) -> None:
    """With a server, also: a process that had the index open through the crash (an app) then
    holds the catalog of a clean ingest (it last looked for changes before the crash)."""
    plans, _, clean, writes = replaced
    crashed = copy_of_before(replaced, tmp_path / "data")
    running = opened(crashed)
    crash_at(crashed, plans, position(writes, label, occurrence))

    ingest(crashed, plans, embedder)
    if orphans_left:  # with a server, where an ingest repairs nothing: `check --repair`
        index, orphans = opened(crashed), old_chunk_ids(replaced)
        found = consistency.check(index)
        assert found.chroma == found.unit_vectors == consistency.StoreDifference(orphans=orphans)
        assert consistency.repair(index, found)

    assert_same_index(crashed, clean)
    if crashed.chroma.mode == HTTP:
        expected = opened(clean)
        assert running.documents() == expected.documents()
        assert running.chunks() == expected.chunks()


@pytest.mark.parametrize("replaced", [EMBEDDED], indirect=True)
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


@pytest.mark.parametrize("fresh", [EMBEDDED], indirect=True)
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


@pytest.mark.parametrize("fresh", [EMBEDDED], indirect=True)
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
