"""Benchmark: `ask` latency, warm, over the questions in benchmarks/queries.txt (50).

Run with `.venv/bin/python -m benchmarks.ask`. Prints figures; asserts nothing. Also the time
to analyse a question pasted 10 and 100 times longer: it should grow as its length, not faster.
"""

from __future__ import annotations

import os
import time

from assistant.composition import build_assistant
from assistant.conversation import resolve
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
    print(analysis_growth(" ".join(queries())))


def analysis_growth(text: str) -> str:
    """Microseconds per character of question analysis, at the text's length and 10× and 100×."""
    figures = []
    for times in (1, 10, 100):
        question = " ".join([text] * times)
        started = time.perf_counter()
        resolve(question, None)
        per_char = (time.perf_counter() - started) / len(question) * 1e6
        figures.append(f"{len(question):,} chars {per_char:.2f} µs/char")
    return "question analysis: " + ", ".join(figures)


if __name__ == "__main__":
    main()
