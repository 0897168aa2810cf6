"""Benchmark: every configured and reachable answerer over every available eval set, side by side.

Run with `.venv/bin/python -m benchmarks.answerers`. The extractive answerer is always there; the
generative one (`openai`) when `PLANASSISTENT_OPENAI__BASE_URL` (and `__MODEL`) name an endpoint
that answers. Prints completeness, citation accuracy, refusal, false refusal, the share of answers
shown as written (verified, no fallback) and latency; asserts nothing. Not a test: it needs the
model endpoint and minutes per set.
"""

from __future__ import annotations

import sys

from assistant.answerers.registry import ANSWERERS, unavailable
from assistant.runtime import configure_runtime
from eval.command import run_set
from eval.metrics import CITATION_ACCURACY, COMPLETENESS, FALSE_REFUSAL, REFUSAL
from eval.registry import EVAL_SETS
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


def main() -> None:
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
            result = run_set(eval_set, configured, progress=False)
            print(row(name, eval_set.name, result), flush=True)


if __name__ == "__main__":
    main()
