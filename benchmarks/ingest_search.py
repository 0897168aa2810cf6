"""Benchmark: ingest throughput next to the embedding model's raw encode rate, and search latency.

Run with `make bench`. It indexes the example plans into a temporary data directory, reusing the
model cache of the configured one. Ingest embeds each chunk and each of its units (sentences, list
items, tables), so the raw rate is measured on exactly those texts. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import time

from benchmarks.common import example_plans, indexed_examples, latency_line, queries
from index.chroma_store import indexed_text
from index.embedding import load_embedder
from index.unit_vectors import embedding_texts
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import get_settings


def main() -> None:
    settings = get_settings()
    files = example_plans(settings)

    started = time.perf_counter()
    chunks = [c for f in files for c in process_document(load_document(f), settings.ingest).chunks]
    process_seconds = time.perf_counter() - started
    texts = [indexed_text(c) for c in chunks] + [t for c in chunks for t in embedding_texts(c)]

    started = time.perf_counter()
    embedder = load_embedder(settings.embedding, settings.model_cache_dir)
    embedder.embed_passages(texts[:4])  # the passage model loads at its first text
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    embedder.embed_passages(texts)  # the model's best case: one call, its own length sorting
    raw_rate = len(chunks) / (time.perf_counter() - started)

    started = time.perf_counter()
    with indexed_examples(settings, embedder) as (_, index, report):
        ingest_rate = report.chunks / (time.perf_counter() - started)
        index.search(queries()[0], k=settings.search.k)  # warm-up: opens Chroma, builds BM25
        latencies = []
        for query in queries():
            started = time.perf_counter()
            index.search(query, k=settings.search.k)
            latencies.append(time.perf_counter() - started)

    print(f"cores: {os.cpu_count()}  model: {settings.embedding.model}")
    print(f"model load (to the first passage embedded): {load_seconds:.1f} s")
    print(f"documents: {len(files)}  chunks: {len(chunks)}  texts embedded: {len(texts)}")
    print(f"processing (load, clean, section, chunk): {process_seconds:.2f} s")
    print(f"raw encode rate (chunks and their units): {raw_rate:.2f} chunks/s")
    print(f"ingest rate:                              {ingest_rate:.2f} chunks/s")
    print(f"ingest / raw: {ingest_rate / raw_rate:.2f}")
    print(latency_line("search latency", latencies))


if __name__ == "__main__":
    main()
