"""Shared set-up of the benchmark scripts: the example plans indexed into a temporary directory."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.runtime import configure_runtime

configure_runtime()

from assistant.composition import open_index  # noqa: E402
from index.builder import IngestReport, ingest_paths  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.plan_index import PlanIndex  # noqa: E402
from settings import Settings  # noqa: E402

QUERIES = Path(__file__).with_name("queries.txt")


def example_plans(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.app.example_plans.iterdir() if p.name[:1].isdigit())


def queries() -> list[str]:
    return [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]


@contextmanager
def indexed_examples(
    settings: Settings, embedder: Embedder
) -> Iterator[tuple[Settings, PlanIndex, IngestReport]]:
    """The example plans in a fresh index; the model cache of ``settings`` is reused."""
    with tempfile.TemporaryDirectory() as data_dir:
        scratch = settings.model_copy(
            update={"data_dir": Path(data_dir), "model_dir": settings.model_cache_dir}
        )
        index = open_index(scratch, embedder)
        report = ingest_paths(index, example_plans(settings), settings.ingest)
        yield scratch, index, report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency_line(label: str, seconds: list[float]) -> str:
    return (
        f"{label} over {len(seconds)} questions: p50 {1000 * statistics.median(seconds):.0f} ms, "
        f"p95 {1000 * percentile(seconds, 0.95):.0f} ms, max {1000 * max(seconds):.0f} ms"
    )
