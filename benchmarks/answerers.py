"""Benchmark: every configured and reachable answerer over every available eval set, side by side.

Run with `.venv/bin/python -m benchmarks.answerers`. The extractive answerer is always there; the
generative one (`openai`) when `PLANASSISTENT_OPENAI__BASE_URL` (and `__MODEL`) name an endpoint
that answers. Prints completeness, citation accuracy, refusal, false refusal, the share of answers
shown as written (verified, no fallback) and latency; asserts nothing. Not a test: it needs the
model endpoint and minutes per set.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.answerers.registry import ANSWERERS, unavailable
from assistant.runtime import configure_runtime
from eval.command import run_set
from eval.metrics import CITATION_ACCURACY, COMPLETENESS, FALSE_REFUSAL, REFUSAL
from eval.registry import EVAL_SETS, EvalSet
from eval.runner import EvalResult
from settings import Settings, get_settings

#: Metric → its column heading.
COLUMNS = {
    COMPLETENESS: "complete",
    CITATION_ACCURACY: "cit.acc",
    REFUSAL: "refusal",
    FALSE_REFUSAL: "false.ref",
}


def with_answerer(settings: Settings, name: str) -> Settings:
    answer = settings.answer.model_copy(update={"answerer": name})
    return settings.model_copy(update={"answer": answer})


def row(name: str, set_name: str, result: EvalResult) -> str:
    summary = result.summary
    figures = [summary.metrics[m].mean if m in summary.metrics else float("nan") for m in COLUMNS]
    shown = sum(1 for item in result.items if item.verified and not item.fallback_reason)
    latency = summary.latency
    cells = [f"{value:>10.2f}" for value in figures]
    return (
        f"{name:<11} {set_name:<6} {''.join(cells)} {shown / max(1, len(result.items)):>9.2f}"
        f" {latency.p50:>7.2f} {latency.p95:>7.2f}"
    )


@contextmanager
def first_items(eval_set: EvalSet, limit: int | None) -> Iterator[EvalSet]:
    """The set, or the set cut to its first ``limit`` questions (a slow model: minutes each)."""
    if limit is None:
        yield eval_set
        return
    lines = eval_set.questions.read_text(encoding="utf-8").splitlines()[:limit]
    with tempfile.TemporaryDirectory() as folder:
        cut = Path(folder) / eval_set.questions.name
        cut.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield dataclasses.replace(eval_set, questions=cut)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="Only the first N questions of each set.")
    args = parser.parse_args()
    configure_runtime()
    settings = get_settings()
    header = "".join(f"{heading:>10}" for heading in COLUMNS.values())
    print(f"{'answerer':<11} {'set':<6} {header} {'as-is':>9} {'p50 s':>7} {'p95 s':>7}")
    for name in ANSWERERS:
        configured = with_answerer(settings, name)
        reason = unavailable(configured)
        if reason is not None:
            print(f"{name:<11} hoppas över: {reason}", file=sys.stderr)
            continue
        for eval_set in EVAL_SETS.values():
            missing = eval_set.missing()
            if missing is not None:
                print(f"{name:<11} {eval_set.name}: hoppas över: {missing}", file=sys.stderr)
                continue
            with first_items(eval_set, args.limit) as asked:
                result = run_set(asked, configured, progress=False)
            print(row(name, eval_set.name, result), flush=True)


if __name__ == "__main__":
    main()
