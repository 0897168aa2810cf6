"""Benchmark: `ask` latency, warm, over the questions in benchmarks/queries.txt (50).

Run with `.venv/bin/python -m benchmarks.ask`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import time

from assistant.composition import build_assistant
from benchmarks.common import indexed_examples, latency_line, queries
from index.embedding import load_embedder
from settings import get_settings


def main() -> None:
    settings = get_settings()
    embedder = load_embedder(settings.embedding, settings.model_cache_dir)
    with indexed_examples(settings, embedder) as (scratch, index, _):
        assistant = build_assistant(scratch, index=index)
        assistant.ask(queries()[0])  # warm-up
        latencies, refused = [], 0
        for question in queries():
            started = time.perf_counter()
            answer = assistant.ask(question)
            latencies.append(time.perf_counter() - started)
            refused += answer.refused
    print(f"cores: {os.cpu_count()}")
    print(latency_line("ask latency", latencies))
    print(f"refused: {refused} of {len(latencies)}")


if __name__ == "__main__":
    main()
