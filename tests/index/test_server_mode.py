"""Server mode: processes on one `chroma run` server share one index. A plan added or removed by
one process (the command line, another app) is seen by the others within seconds, in listings,
search, unit vectors and what the workspace derives from the chunks; and they may all write.

Each process has its own data directory, so nothing is shared but the server (`chroma_server`, in
this folder's conftest). The other processes are the command line and a small app-like script; the
last tests take the two server backends alone, as two processes would open them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.composition import build_workspace, open_index
from index import consistency
from index.builder import ingest_paths
from index.catalog import Catalog
from index.chroma_catalog import CATALOG_SUFFIX, ChromaCatalog
from index.chroma_store import open_client, record_collection
from index.chroma_units import UNITS_SUFFIX, ChromaUnitVectors
from index.embedding import Embedder
from settings import ChromaSettings, Settings
from tests.chroma_server import REFRESH_S
from tests.conftest import REPO, TEST_MODEL_CACHE
from tests.index.test_index import norrtalje_2023
from tests.index.test_writer_lock import FIRST_PLAN, SECOND_PLAN, cli, environment, plan

#: Every test starts processes that load the embedding model, beside a `chroma run` server.
pytestmark = pytest.mark.slow

#: What "within seconds" means for a change made elsewhere.
SEEN_WITHIN_S = 5.0

#: Another process that is a writer, as the app is: it claims the index, then prints the file
#: names it lists (comma-separated) whenever they change.
WATCHER = """
import time
from assistant.composition import open_index
from settings import get_settings

index = open_index(get_settings())
index.claim_writing()
print("skriver", flush=True)
seen = None
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    files = sorted(record.file for record in index.documents())
    if files != seen:
        print(",".join(files), flush=True)
        seen = files
    time.sleep(0.1)
"""


def server_env(chroma: ChromaSettings) -> dict[str, str]:
    """The environment that points another process at the same server and collections."""
    return {
        "PLANASSISTENT_CHROMA__MODE": "http",
        "PLANASSISTENT_CHROMA__HOST": chroma.host,
        "PLANASSISTENT_CHROMA__PORT": str(chroma.port),
        "PLANASSISTENT_CHROMA__COLLECTION": chroma.collection,
        "PLANASSISTENT_CHROMA__REFRESH_SECONDS": str(REFRESH_S),
    }


def settings_in(data_dir: Path, chroma: ChromaSettings) -> Settings:
    return Settings(data_dir=data_dir, model_dir=TEST_MODEL_CACHE, chroma=chroma)


def eventually(condition: Callable[[], bool]) -> None:
    """Wait until `condition` holds, at most SEEN_WITHIN_S."""
    deadline = time.monotonic() + SEEN_WITHIN_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not seen within {SEEN_WITHIN_S} s")
        time.sleep(0.1)


def ingest_elsewhere(tmp_path: Path, chroma: ChromaSettings, *argv: str) -> None:
    """`planassistent ingest ARGV` in another process with a data directory of its own."""
    result = cli(tmp_path / "elsewhere", "ingest", *argv, **server_env(chroma))
    assert result.returncode == 0, result.stderr


@pytest.fixture
def watcher(tmp_path: Path, chroma: ChromaSettings) -> Iterator[subprocess.Popen[str]]:
    """An app-like writer in another process (`WATCHER`)."""
    process = subprocess.Popen(
        [sys.executable, "-c", WATCHER],
        cwd=REPO,
        env=environment(tmp_path / "watcher", **server_env(chroma)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "skriver"
        assert process.stdout.readline().strip() == ""  # nothing indexed yet
        yield process
    finally:
        process.kill()
        process.wait()


def listed_by(process: subprocess.Popen[str]) -> list[str]:
    """The next file list the watcher prints."""
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    return line.split(",") if line else []


def test_a_plan_added_and_removed_elsewhere_is_seen_here_within_seconds(
    tmp_path: Path, chroma: ChromaSettings, embedder: Embedder
) -> None:
    settings = settings_in(tmp_path / "here", chroma)
    index = open_index(settings, embedder)
    workspace = build_workspace(settings, index=index)
    plans = tmp_path / "plans"
    vaxholm = plan(plans, "vaxholm.txt", FIRST_PLAN)
    quote = "Skärgårdslotsen besöker varje hushåll med en person över 80 år"

    ingest_elsewhere(tmp_path, chroma, str(vaxholm))

    eventually(lambda: [r.file for r in workspace.documents()] == ["vaxholm.txt"])
    [hit] = index.search("Hur ofta besöker Skärgårdslotsen hushållen?", k=1)
    assert hit.chunk.file == "vaxholm.txt" and quote in hit.chunk.text
    vectors = index.unit_vectors(hit.chunk.id)
    assert vectors is not None and len(vectors) == len(hit.chunk.units) > 0
    # What the workspace derives from the chunks was refitted: the quote is found in its section.
    assert "uppsökande verksamhet" in workspace.context(hit.chunk.id, quote).before

    vaxholm.unlink()
    ingest_elsewhere(tmp_path, chroma, "--prune", str(plans))

    eventually(lambda: workspace.documents() == [])
    assert index.search("Skärgårdslotsen", k=1) == []
    assert workspace.context(hit.chunk.id, quote).before == ""


def test_processes_on_one_server_all_write_and_see_each_others_plans(
    tmp_path: Path, chroma: ChromaSettings, embedder: Embedder, watcher: subprocess.Popen[str]
) -> None:
    settings = settings_in(tmp_path / "here", chroma)
    index = open_index(settings, embedder)
    vaxholm = plan(tmp_path / "plans", "vaxholm.txt", FIRST_PLAN)
    ljusdal = plan(tmp_path / "plans", "ljusdal.txt", SECOND_PLAN)

    # Beside the watcher, a writer too: neither here nor the command line is refused.
    report = ingest_paths(index, [vaxholm], settings.ingest)
    assert report.added == [str(vaxholm.resolve())] and index.write_refusal is None
    assert listed_by(watcher) == ["vaxholm.txt"]

    ingest_elsewhere(tmp_path, chroma, str(ljusdal))

    assert listed_by(watcher) == ["ljusdal.txt", "vaxholm.txt"]
    eventually(lambda: [r.file for r in index.documents()] == ["ljusdal.txt", "vaxholm.txt"])
    assert consistency.check(index).consistent


# --- the server backends, without other processes -------------------------------------------------


def server_catalog(chroma: ChromaSettings, tmp_path: Path) -> Catalog:
    """The catalog as a process of its own would open it (a client of its own)."""
    client = open_client(chroma, tmp_path)
    return Catalog(ChromaCatalog(client, chroma.collection + CATALOG_SUFFIX))


def test_the_server_catalog_tells_a_reader_of_every_change_and_a_writer_of_none_of_its_own(
    chroma: ChromaSettings, tmp_path: Path
) -> None:
    writer, reader = server_catalog(chroma, tmp_path), server_catalog(chroma, tmp_path)
    chunks = norrtalje_2023(tmp_path)
    path = chunks[0].path

    writer.put(chunks)
    assert not writer.changed()
    assert reader.changed()
    reader = reader.reloaded()
    assert reader.chunks() == chunks and not reader.changed()

    # Relabelled: same path, sha256 and chunk ids, another title.
    writer.put([c.model_copy(update={"title": "Ny titel"}) for c in chunks])
    assert reader.changed()
    reader = reader.reloaded()
    assert [r.title for r in reader.documents()] == ["Ny titel"]

    writer.remove(path)
    assert reader.changed()
    assert reader.reloaded().documents() == []


def test_unit_vectors_in_the_server_are_kept_exactly_per_chunk(
    chroma: ChromaSettings, tmp_path: Path
) -> None:
    collection = record_collection(open_client(chroma, tmp_path), chroma.collection + UNITS_SUFFIX)
    stored = ChromaUnitVectors(collection)
    random = np.random.default_rng(0)
    vectors = [random.random((3, 4), dtype=np.float32), np.ones((1, 4), np.float32)]
    stored.put(["a", "b"], vectors)

    elsewhere = ChromaUnitVectors(collection)
    assert elsewhere.counts() == {"a": 3, "b": 1}
    elsewhere.prefetch(["a", "c"])
    assert np.array_equal(elsewhere.get("a"), vectors[0])  # type: ignore[arg-type]
    assert elsewhere.get("c") is None

    stored.drop(["a"])
    assert elsewhere.reloaded().get("a") is None and stored.get("a") is None


def test_check_finds_and_repair_removes_what_a_failed_add_left_in_the_server(
    tmp_path: Path, chroma: ChromaSettings, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_in(tmp_path / "here", chroma)
    index = open_index(settings, embedder)
    chunks = norrtalje_2023(tmp_path)

    def lost(*_: object) -> None:
        raise ConnectionError("the server went away before the catalog entry was written")

    with monkeypatch.context() as patched:
        patched.setattr(ChromaCatalog, "stored", lost)
        with pytest.raises(ConnectionError):
            index.add_document(chunks)
    assert index.documents() == [], "this process's catalog is left as kept"

    # Read as a new process would: the catalog never named the chunks that the stores got.
    found = consistency.check(open_index(settings, embedder))
    orphans = sorted(c.id for c in chunks)
    assert found.chroma.orphans == orphans and found.unit_vectors.orphans == orphans
    assert found.documents == 0 and not found.bm25_stale

    reopened = open_index(settings, embedder)
    assert consistency.repair(reopened, found)
    assert consistency.check(reopened).consistent


def test_a_server_that_cannot_be_asked_for_changes_leaves_the_last_catalog_listed(
    tmp_path: Path, chroma: ChromaSettings, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_in(tmp_path / "here", chroma.model_copy(update={"refresh_seconds": 0}))
    index = open_index(settings, embedder)
    index.add_document(norrtalje_2023(tmp_path))

    def unreachable(*_: object) -> bool:
        raise ConnectionError("Chroma-servern svarar inte")

    monkeypatch.setattr(ChromaCatalog, "changed", unreachable)
    assert [r.file for r in index.documents()] == ["002_norrtalje.txt"]
