"""Benchmark: ingest throughput next to the embedding model's raw encode rate, and search latency.

Run with `make bench` (or `.venv/bin/python benchmarks/ingest_search.py`). It indexes the example
plans into a temporary data directory, reusing the model cache of the configured data directory so
the model is not rebuilt. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from assistant.cli import configure_runtime

configure_runtime()

from index.builder import ingest_paths  # noqa: E402
from index.embedding import load_embedder  # noqa: E402
from index.plan_index import PlanIndex  # noqa: E402
from ingest.loaders import load_document  # noqa: E402
from ingest.pipeline import process_document  # noqa: E402
from settings import get_settings  # noqa: E402

QUERIES = Path(__file__).with_name("queries.txt")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    settings = get_settings()
    plans = settings.app.example_plans
    files = sorted(p for p in plans.iterdir() if p.name[:1].isdigit())

    started = time.perf_counter()
    embedder = load_embedder(settings.embedding, settings.model_cache_dir)
    load_seconds = time.perf_counter() - started

    started = time.perf_counter()
    chunks = [c for f in files for c in process_document(load_document(f), settings.ingest).chunks]
    process_seconds = time.perf_counter() - started
    texts = [f"{c.header}\n{c.text}" for c in chunks]

    embedder.embed_passages(texts[:4])  # warm-up
    started = time.perf_counter()
    embedder.embed_passages(texts)
    encode_rate = len(texts) / (time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as data_dir:
        bench_settings = settings.model_copy(update={"data_dir": Path(data_dir)})
        index = PlanIndex.open(bench_settings, lambda: embedder)
        started = time.perf_counter()
        report = ingest_paths(index, files, settings.ingest)
        ingest_rate = report.chunks / (time.perf_counter() - started)

        queries = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
        index.search(queries[0], k=settings.search.k)  # warm-up: opens Chroma and BM25
        latencies = []
        for query in queries:
            started = time.perf_counter()
            index.search(query, k=settings.search.k)
            latencies.append(time.perf_counter() - started)

    print(f"cores: {os.cpu_count()}  model: {settings.embedding.model}")
    print(f"model load: {load_seconds:.1f} s")
    print(f"documents: {len(files)}  chunks: {len(chunks)}  processing: {process_seconds:.2f} s")
    print(f"raw encode rate: {encode_rate:.2f} chunks/s")
    print(f"ingest rate:     {ingest_rate:.2f} chunks/s  ({ingest_rate / encode_rate:.2f}x raw)")
    print(
        f"search latency over {len(latencies)} queries: "
        f"p50 {1000 * statistics.median(latencies):.0f} ms, "
        f"p95 {1000 * percentile(latencies, 0.95):.0f} ms"
    )


if __name__ == "__main__":
    main()
