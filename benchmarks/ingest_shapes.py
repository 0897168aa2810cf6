"""Benchmark: processing (clean, section, chunk) a text of the largest size ingest accepts, in the
shapes that once made it quadratic: one endless word, short lines, headings, hyphenated lines, list
items, number rows, page numbers, a dotted table of contents.

Run with `.venv/bin/python -m benchmarks.ingest_shapes [CHARS]` (default: `ingest.max_text_chars`).
Each shape runs in a child process under an 8 GB address-space limit, so a regression is reported
as a failure instead of taking the machine's memory. Prints time and peak memory; asserts nothing.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import example_plans
from ingest.document import LoadedDocument
from ingest.pipeline import process_document
from settings import get_settings

MEMORY_LIMIT_BYTES = 8 * 1024**3
TIMEOUT_S = 1800


def _words() -> list[str]:
    return example_plans(get_settings())[0].read_text(encoding="utf-8").split()


def _shapes(chars: int) -> dict[str, Callable[[], str]]:
    rng = random.Random(1)
    pick, words = rng.choice, _words()
    return {
        "one word": lambda: "a" * chars,
        "one line of words": lambda: " ".join(pick(words) for _ in range(chars // 7)),
        "short lines": lambda: "\n".join(pick(words) for _ in range(chars // 8)),
        "headings": lambda: "\n\n".join(
            f"{i}.{j} Rubrik {pick(words)}" for i in range(1, 60_000) for j in range(1, 5)
        ),
        "hyphenated lines": lambda: "\n".join(f"{pick(words)}-" for _ in range(chars // 10)),
        "list items": lambda: "\n".join(
            f"- {pick(words)} {pick(words)}" for _ in range(chars // 20)
        ),
        "number rows": lambda: "\n".join(
            " ".join(str(rng.randint(1, 999_999)) for _ in range(8)) for _ in range(chars // 50)
        ),
        "page numbers": lambda: "\f".join(
            f"Sida {i} av 9999\n" + " ".join(pick(words) for _ in range(40))
            for i in range(chars // 300)
        ),
        "table of contents": lambda: "\n".join(
            f"Kapitel {i} {pick(words)} {'.' * 40} {i}" for i in range(chars // 60)
        ),
    }


def run_shape(name: str, chars: int) -> None:
    """In the child: process one shape and print its figures."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    text = _shapes(chars)[name]()[:chars]
    loaded = LoadedDocument(path=Path(f"{name}.txt"), sha256="0" * 64, text=text, paged=False)
    started = time.perf_counter()
    try:
        outcome = f"{len(process_document(loaded, get_settings().ingest).chunks)} chunks"
    except Exception as error:  # a refusal (IngestError) is an outcome too
        outcome = f"{type(error).__name__}: {error}"[:80]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{name:18s} {len(text):>10,} chars {seconds:7.1f} s {peak:6} MiB  {outcome}")


def main() -> None:
    chars = int(sys.argv[1]) if len(sys.argv) > 1 else get_settings().ingest.max_text_chars
    print(f"processing texts of {chars:,} characters, one shape per child process")
    for name in _shapes(chars):
        child = [sys.executable, "-m", "benchmarks.ingest_shapes", "--shape", name, str(chars)]
        try:
            done = subprocess.run(child, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            print(f"{name:18s} did not finish in {TIMEOUT_S} s")
            continue
        print(done.stdout.strip() or f"{name:18s} failed (exit {done.returncode})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--shape"]:
        run_shape(sys.argv[2], int(sys.argv[3]))
    else:
        main()
