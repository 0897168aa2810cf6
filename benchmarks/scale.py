"""Benchmark: the assistant at country scale (issue #12).

    python -m benchmarks.scale [--sizes 100,1000,10000,50000]

The example plans are indexed once; for each size an index of about that many chunks is built by
copying their chunks, passage vectors and unit vectors under other organisations' names (new
paths, ids and hashes; nothing is embedded again) and writing them through the index's own stores
(Chroma, the unit vectors, the catalog, BM25). A size below the example plans' chunk count is the
example plans alone. On each index it measures what a country-wide install meets: build time and
disk size, a fresh app's start (page served, first answer, resident memory) and a cold CLI answer,
`documents --json`, `ask` and `search` latency, adding and removing one plan (and the longest a
question asked meanwhile waits), and a comparison over every organisation. Prints a table;
asserts nothing. The 50k size takes several minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from assistant.composition import build_workspace, open_index
from assistant.workspace import Filters, Workspace
from benchmarks.app_start import QUESTION, start_app
from benchmarks.common import example_plans, indexed_examples, percentile, queries
from index.catalog import DocumentRecord
from index.catalog_files import CatalogFolder
from index.chroma_store import ChromaChunkStore, open_collection
from index.embedding import Embedder, load_embedder
from index.llama_embedding import LazyEmbedding
from index.plan_index import PlanIndex
from index.unit_vectors import UnitVectors
from ingest.document import Chunk
from ingest.metadata import MetaOverrides
from ingest.organisations import ORGANISATIONS, Organisation
from ingest.pipeline import chunk_id, chunk_ordinal
from settings import REPO_DIR, Settings, get_settings

DEFAULT_SIZES = (100, 1_000, 10_000, 50_000)
#: Where the copies claim to lie: no file is there, and nothing the benchmark runs reads them.
SYNTHETIC_ROOT = Path("/synthetic")
#: Names every indexed organisation ("alla kommuner"), so it is compared over all of them.
COMPARISON = "Hur skiljer sig tjänstegarantierna mellan alla kommuner?"
#: Chunks per Chroma write (Chroma refuses batches above about 5,000).
WRITE_BATCH = 2_000
ADDED_PLAN = "tillagg_skalning.txt"


@dataclass(frozen=True)
class Corpus:
    """The example plans as indexed: each document's chunks, and every chunk's vectors."""

    documents: list[list[Chunk]]
    passages: dict[str, np.ndarray]
    units: dict[str, np.ndarray]

    @property
    def chunk_count(self) -> int:
        return sum(map(len, self.documents))


def read_corpus(settings: Settings, index: PlanIndex) -> Corpus:
    stored = open_collection(settings.chroma, settings.index_dir).get(include=["embeddings"])
    vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    passages = dict(zip(stored["ids"], vectors, strict=True))
    documents = [list(group) for _, group in itertools.groupby(index.chunks(), lambda c: c.path)]
    units = {}
    for chunk in index.chunks():
        rows = index.unit_vectors(chunk.id)
        if rows is not None:
            units[chunk.id] = rows
    return Corpus(documents, passages, units)


def renamed(chunks: list[Chunk], copy: int, names: dict[str, Organisation]) -> list[Chunk]:
    """Copy number `copy` of a document: its own path, hash and ids, under the organisation
    `names` gives its original one (copy 0 is the original)."""
    if copy == 0:
        return chunks
    first = chunks[0]
    sha256 = hashlib.sha256(f"{copy}:{first.sha256}".encode()).hexdigest()
    organisation = names[first.organisation or ""]
    update = {
        "path": str(SYNTHETIC_ROOT / f"{copy:05d}" / first.file),
        "sha256": sha256,
        "organisation": organisation.name,
        "municipality": organisation.municipality,
    }
    return [
        c.model_copy(update={**update, "id": chunk_id(sha256, chunk_ordinal(c.id))}) for c in chunks
    ]


def organisations_of(corpus: Corpus, copy: int) -> dict[str, Organisation]:
    """Each of the example plans' organisations → the one copy `copy` is of, cycling through all
    of Sweden's kommuner and regions."""
    originals = sorted({doc[0].organisation or "" for doc in corpus.documents})
    return {
        name: ORGANISATIONS[(copy * len(originals) + place) % len(ORGANISATIONS)]
        for place, name in enumerate(originals)
    }


def build_index(settings: Settings, embedder: Embedder, corpus: Corpus, size: int) -> int:
    """Write about `size` chunks into the (empty) index of `settings`; returns the copies made."""
    copies = max(1, round(size / corpus.chunk_count))
    documents: list[list[Chunk]] = []
    sources: dict[str, str] = {}  # copy's chunk id → the original's
    for copy in range(copies):
        names = organisations_of(corpus, copy)
        for original in corpus.documents:
            chunks = renamed(original, copy, names)
            documents.append(chunks)
            sources.update((c.id, o.id) for c, o in zip(chunks, original, strict=True))
    chunks = [c for doc in documents for c in doc]
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    # In the order an ingest writes: vectors first, the catalog last, BM25 from the catalog.
    lazy = LazyEmbedding(lambda: embedder, batch_size=settings.embedding.batch_size)
    store = ChromaChunkStore(open_collection(settings.chroma, settings.index_dir), lazy)
    for start in range(0, len(chunks), WRITE_BATCH):
        batch = chunks[start : start + WRITE_BATCH]
        store.put(batch, np.stack([corpus.passages[sources[c.id]] for c in batch]))
    units = {c.id: corpus.units[sources[c.id]] for c in chunks if sources[c.id] in corpus.units}
    UnitVectors(settings.index_dir).put(list(units), list(units.values()))
    records = [DocumentRecord.from_chunks(doc) for doc in documents]
    CatalogFolder(settings.index_dir).write(records, chunks)
    open_index(settings, embedder).refresh_lexical()
    return copies


def disk_mib(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def cold_command(settings: Settings, *args: str) -> tuple[float, float]:
    """Seconds a fresh `python -m cli …` on the index of `settings` takes, and its peak
    resident memory in MiB."""
    env = {**os.environ, **data_env(settings)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        env=env,
        cwd=REPO_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"`cli {args[0]}` stopped with exit code {process.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def data_env(settings: Settings) -> dict[str, str]:
    return {
        "PLANASSISTENT_DATA_DIR": str(settings.data_dir),
        "PLANASSISTENT_MODEL_DIR": str(settings.model_cache_dir),
    }


def while_asking(workspace: Workspace, action: Callable[[], object]) -> tuple[float, float]:
    """Seconds `action` takes, and the longest that questions asked meanwhile (and the first one
    after) took: what a change costs the people asking."""
    done = threading.Event()
    waits: list[float] = []

    def ask_until_done() -> None:
        while True:
            finished = done.is_set()
            started = time.perf_counter()
            workspace.ask(QUESTION, Filters())
            waits.append(time.perf_counter() - started)
            if finished:
                return

    asker = threading.Thread(target=ask_until_done)
    asker.start()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    done.set()
    asker.join()
    return seconds, max(waits)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure_in_process(settings: Settings, embedder: Embedder, plan: Path) -> dict[str, str]:
    index = open_index(settings, embedder)
    started = time.perf_counter()
    workspace = build_workspace(settings, index=index)
    workspace.warm_up()
    ready = time.perf_counter() - started
    asks = [timed(partial(workspace.ask, q, Filters())) for q in queries()]
    searches = [timed(partial(index.search, q, k=settings.search.k)) for q in queries()]
    add, add_wait = while_asking(workspace, lambda: workspace.add_upload(plan, MetaOverrides()))
    added = next(r for r in workspace.documents() if r.file == plan.name)
    remove, remove_wait = while_asking(workspace, lambda: workspace.remove(added.id))
    started = time.perf_counter()
    comparison = workspace.ask(COMPARISON, Filters()).answer.comparison or []
    compared = time.perf_counter() - started
    return {
        "in-process start (fit, views, warm-up)": f"{ready:.1f} s",
        "ask p50": f"{1000 * statistics.median(asks):.0f} ms",
        "ask p95": f"{1000 * percentile(asks, 0.95):.0f} ms",
        "search p50": f"{1000 * statistics.median(searches):.0f} ms",
        "add one plan": f"{add:.1f} s",
        "longest question during add": f"{add_wait:.1f} s",
        "remove one plan": f"{remove:.1f} s",
        "longest question during remove": f"{remove_wait:.1f} s",
        "comparison over all (sides)": f"{compared:.1f} s ({len(comparison)})",
    }


def measure(settings: Settings, embedder: Embedder, corpus: Corpus, size: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="scale-") as data_dir:
        scratch = settings.model_copy(update={"data_dir": Path(data_dir)})
        started = time.perf_counter()
        copies = build_index(scratch, embedder, corpus, size)
        built = time.perf_counter() - started
        # The first start after a build counts the word rarities and saves them; later ones
        # read them.
        first_seconds, _ = cold_command(scratch, "ask", QUESTION)
        cli_seconds, cli_rss = cold_command(scratch, "ask", QUESTION)
        app = start_app(data_env(scratch), quiet=True)
        documents_seconds, _ = cold_command(scratch, "documents", "--json")
        plan = Path(data_dir) / ADDED_PLAN
        # Another plan's text with a line added: a new document, not a copy of an indexed one.
        plan.write_text(
            example_plans(settings)[1].read_text(encoding="utf-8") + "\n\nTillägg (skalning).\n",
            encoding="utf-8",
        )
        return {
            "chunks": f"{copies * corpus.chunk_count:,}",
            "documents": f"{copies * len(corpus.documents):,}",
            "build (no embedding)": f"{built:.1f} s",
            "disk": f"{disk_mib(scratch.index_dir):.0f} MiB",
            "app: page served": f"{app.served:.1f} s",
            "app: first answer ready": f"{app.served + app.first:.1f} s",
            "app: resident memory": f"{app.rss_mib:.0f} MiB",
            "CLI: first ask after the build": f"{first_seconds:.1f} s",
            "CLI: cold ask": f"{cli_seconds:.1f} s",
            "CLI: peak memory": f"{cli_rss:.0f} MiB",
            "CLI: documents --json": f"{documents_seconds:.1f} s",
            **measure_in_process(scratch, embedder, plan),
        }


def print_table(sizes: list[int], results: list[dict[str, str]]) -> None:
    width = max(len(label) for label in results[0])
    print(f"{'size asked':<{width}}  " + "  ".join(f"{size:>10,}" for size in sizes))
    for label in results[0]:
        print(f"{label:<{width}}  " + "  ".join(f"{r[label]:>10}" for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="Chunk counts, comma-separated (default: %(default)s).",
    )
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    settings = get_settings()
    embedder = load_embedder(settings.embedding, settings.model_cache_dir)
    with indexed_examples(settings, embedder) as (scratch, index, _):
        corpus = read_corpus(scratch, index)
    results = []
    for size in sizes:
        results.append(measure(scratch, embedder, corpus, size))
        lines = (f"{label}: {value}" for label, value in results[-1].items())
        print(f"--- {size:,} chunks asked", *lines, sep="\n", flush=True)
    print(f"cores: {os.cpu_count()}")
    print_table(sizes, results)


if __name__ == "__main__":
    main()
