"""One writer per index, between real processes: a second writer is refused with what to do,
readers never wait, and a killed writer leaves no lock behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.composition import build_workspace, open_index
from assistant.workspace import Filters
from index.catalog_files import DOCUMENTS_DIR
from index.embedding import Embedder
from index.plan_index import PlanIndex
from index.writer_lock import IndexBusy
from ingest.metadata import MetaOverrides
from settings import Settings
from tests.conftest import REPO, TEST_MODEL_CACHE

#: Generous: a reader loads the embedding model (seconds); the writer holds the lock for minutes.
READER_TIMEOUT_S = 120

FIRST_PLAN = """Socialnämndens verksamhetsplan 2026

Vaxholms kommun

Skärgårdslotsen

Socialnämnden i Vaxholm startar Skärgårdslotsen, en uppsökande verksamhet för äldre på öarna.
Skärgårdslotsen besöker varje hushåll med en person över 80 år minst två gånger per år.
"""

SECOND_PLAN = """Socialnämndens verksamhetsplan 2026

Ljusdals kommun

Fritidsbanken

Socialnämnden i Ljusdal öppnar en Fritidsbanken vid resecentrum under året.
Fritidsbanken lånar ut sport- och fritidsutrustning gratis till alla invånare.
"""

#: Another process that is the index's writer, as the app is: it claims the index and sleeps.
WRITER = """
import time
from assistant.composition import open_index
from settings import get_settings

open_index(get_settings()).claim_writing()
print("skriver", flush=True)
time.sleep(600)
"""


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PLANASSISTENT_DATA_DIR": str(data_dir),
        "PLANASSISTENT_MODEL_DIR": str(TEST_MODEL_CACHE),
        **extra,
    }


def cli(data_dir: Path, *argv: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *argv],
        cwd=REPO,
        env=environment(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=READER_TIMEOUT_S,
    )


@contextmanager
def writer(data_dir: Path, **extra: str) -> Iterator[subprocess.Popen[str]]:
    """A process that holds the data directory's writer lock until it is killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        cwd=REPO,
        env=environment(data_dir, **extra),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "skriver"
        yield process
    finally:
        process.kill()
        process.wait()


def plan(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one plan, ingested by the command line."""
    data_dir = tmp_path_factory.mktemp("indexed") / "data"
    first = plan(tmp_path_factory.mktemp("plans"), "vaxholm.txt", FIRST_PLAN)
    result = cli(data_dir, "ingest", str(first))
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def data_dir(indexed: Path, tmp_path: Path) -> Path:
    """A copy of the indexed data directory, for a test to write to."""
    return Path(shutil.copytree(indexed, tmp_path / "data"))


def catalog_files(data_dir: Path) -> dict[str, bytes]:
    """The catalog's files (one per document) by name, with their content."""
    folder = data_dir / "index" / DOCUMENTS_DIR
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


def listed_files(data_dir: Path) -> list[str]:
    """The file names `documents --json` lists, sorted."""
    result = cli(data_dir, "documents", "--json")
    assert result.returncode == 0, result.stderr
    return sorted(str(row["file"]) for row in json.loads(result.stdout))


@pytest.mark.slow
def test_an_ingest_beside_a_writer_is_refused_and_changes_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    before = catalog_files(data_dir)
    second = plan(tmp_path / "plans", "ljusdal.txt", SECOND_PLAN)

    with writer(data_dir) as holder:
        result = cli(data_dir, "ingest", str(second))

    assert result.returncode == 1
    assert result.stdout == ""
    [message] = result.stderr.strip().splitlines()
    assert str(data_dir) in message and f"pid {holder.pid}" in message
    assert "webbappens uppladdning" in message and "stoppa den andra processen" in message
    assert catalog_files(data_dir) == before


@pytest.mark.slow
def test_a_repair_beside_a_writer_is_refused_and_a_check_is_not(data_dir: Path) -> None:
    """What the writer has stored but not yet put in the catalog would look orphaned."""
    leftover = data_dir / "index" / DOCUMENTS_DIR / ".0123456789abcdef.json.x7k2.tmp"
    leftover.write_text("halv katalog", encoding="utf-8")

    with writer(data_dir) as holder:
        repair = cli(data_dir, "check", "--repair")
        looked = cli(data_dir, "check")

    assert repair.returncode == 1 and repair.stdout == ""
    assert f"pid {holder.pid}" in repair.stderr and "Traceback" not in repair.stderr
    assert leftover.exists(), "nothing was repaired"
    assert looked.returncode == 1 and leftover.name in looked.stdout


@pytest.mark.slow
def test_readers_do_not_wait_for_the_writer(data_dir: Path) -> None:
    with writer(data_dir):
        listed = listed_files(data_dir)
        found = cli(data_dir, "search", "Skärgårdslotsen", "--json")

    assert listed == ["vaxholm.txt"]
    assert found.returncode == 0, found.stderr
    assert "Skärgårdslotsen" in found.stdout


@pytest.mark.slow
def test_a_killed_writer_leaves_no_lock_behind(data_dir: Path, tmp_path: Path) -> None:
    second = plan(tmp_path / "plans", "ljusdal.txt", SECOND_PLAN)
    with writer(data_dir) as holder:
        holder.send_signal(signal.SIGKILL)
        holder.wait()

        result = cli(data_dir, "ingest", str(second))

    assert result.returncode == 0, result.stderr
    assert listed_files(data_dir) == ["ljusdal.txt", "vaxholm.txt"]


def no_model() -> Embedder:
    raise AssertionError("a refused writer must not load the embedding model")


def test_a_writer_reads_the_catalog_again_when_it_takes_the_lock(
    indexed: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    index = PlanIndex.open(settings, no_model)
    # Another process's save lands after this index was opened, before it claims the lock.
    shutil.copytree(indexed / "index" / DOCUMENTS_DIR, settings.index_dir / DOCUMENTS_DIR)

    index.claim_writing()

    assert [r.file for r in index.documents()] == ["vaxholm.txt"]
    index.release_writing()


def test_a_refused_index_stays_a_reader(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    index = PlanIndex.open(settings, no_model)
    with writer(settings.data_dir), pytest.raises(IndexBusy, match="annan process"):
        index.claim_writing()

    # The writer is gone, but what this index read may be outdated: it must be opened again.
    with pytest.raises(IndexBusy):
        index.remove_document("/no/such/plan.txt")
    reopened = PlanIndex.open(settings, no_model)
    assert reopened.remove_document("/no/such/plan.txt") is False
    reopened.release_writing()


@pytest.mark.slow
def test_the_app_beside_a_writer_answers_but_refuses_uploads_and_removals(
    data_dir: Path, tmp_path: Path, embedder: Embedder
) -> None:
    from app import App, become_writer  # gradio: imported only by the test that needs it

    settings = Settings(data_dir=data_dir, model_dir=TEST_MODEL_CACHE)
    index = open_index(settings, embedder)
    with writer(data_dir) as holder:
        assert not become_writer(index)
    workspace = build_workspace(settings, index=index)
    app = App(workspace)
    upload = plan(tmp_path / "plans", "ljusdal.txt", SECOND_PLAN)
    [indexed_plan] = workspace.documents()

    asked = workspace.ask("Hur ofta besöker Skärgårdslotsen hushållen?", Filters())
    assert asked.answer.retrieved
    with pytest.raises(IndexBusy, match=f"pid {holder.pid}"):
        workspace.add_upload(upload, MetaOverrides())
    assert not settings.uploads_dir.exists()
    status = app.detect(str(upload))[-1]
    assert "kan inte läsas in" in status and "starta om appen" in status
    assert "togs inte bort" in app.remove(indexed_plan.id)
    assert workspace.documents() == [indexed_plan]
