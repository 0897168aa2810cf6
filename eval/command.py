"""`planassistent eval`: run the grounding eval, write the report, compare with the baseline.

`eval/baseline.json` holds the overall mean of every metric from a deliberate run
(`--write-baseline`). `check_against_baseline` is the regression gate: a metric fails when it is
worse than the baseline by more than the tolerance. Latency is not gated: it depends on the machine.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eval.metrics import LOWER_IS_BETTER, METRICS
from eval.runner import EvalResult, run_eval
from settings import Settings

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_SET = EVAL_DIR / "sets" / "plans.jsonl"
DEFAULT_BASELINE = EVAL_DIR / "baseline.json"
DEFAULT_TOLERANCE = 0.02
#: Per-kind columns in the printed summary are this wide.
_COLUMN = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        type=Path,
        default=DEFAULT_SET,
        metavar="FILE",
        help="Utvärderingsmängd (JSONL); standard: eval/sets/plans.jsonl.",
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="DIR",
        help="Mapp för rapporten; standard: <datamapp>/eval-report.",
    )
    parser.add_argument("--no-progress", action="store_true", help="Ingen förloppsindikator.")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=DEFAULT_BASELINE,
        metavar="FILE",
        help="Baslinje att jämföra med; standard: eval/baseline.json.",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help="Skriv resultatet som ny baslinje (ett medvetet beslut).",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="Avsluta med status 1 om något mått är sämre än baslinjen.",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    report_dir = args.report or settings.data_dir / "eval-report"
    result = run_eval(args.set, settings, progress=not args.no_progress)

    from eval.report import write_report  # matplotlib is only needed once there is a result

    files = write_report(result, report_dir)
    print(summary_table(result))
    print(f"Rapport: {files.html}")
    if args.write_baseline:
        write_baseline(result, args.baseline)
        print(f"Ny baslinje: {args.baseline}")
        return 0
    regressions = check_against_baseline(result, args.baseline) if args.baseline.exists() else []
    for regression in regressions:
        print(f"Sämre än baslinjen: {regression}")
    return 1 if args.check and regressions else 0


def summary_table(result: EvalResult) -> str:
    """Metrics as rows, all items and each kind as columns, then the latency."""
    summary = result.summary
    kinds = list(summary.by_kind)
    lines = [f"{'metric':<18}{'all':>{_COLUMN}}" + "".join(f"{k[:7]:>{_COLUMN}}" for k in kinds)]
    for metric in METRICS:
        if metric not in summary.metrics:
            continue
        cells = [summary.metrics[metric].mean] + [
            summary.by_kind[k][metric].mean if metric in summary.by_kind[k] else None for k in kinds
        ]
        lines.append(
            f"{metric:<18}"
            + "".join(f"{'–':>{_COLUMN}}" if c is None else f"{c:>{_COLUMN}.2f}" for c in cells)
        )
    latency = summary.latency
    lines.append(f"latency p50 {latency.p50:.2f} s, p95 {latency.p95:.2f} s ({latency.n} frågor)")
    return "\n".join(lines)


def baseline_metrics(result: EvalResult) -> dict[str, float]:
    """The overall mean of every metric: what the baseline records and the gate compares."""
    return {name: round(summary.mean, 4) for name, summary in result.summary.metrics.items()}


def write_baseline(result: EvalResult, path: Path) -> None:
    payload = {
        "set": Path(result.set_path).name,
        "items": result.summary.items,
        "metrics": baseline_metrics(result),
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def check_against_baseline(
    result: EvalResult, baseline_path: Path, tolerance: float = DEFAULT_TOLERANCE
) -> list[str]:
    """The metrics that are worse than the baseline by more than `tolerance`, one line each
    ("hit@5: 0.700 < baseline 0.750"). Worse means lower, except for metrics where lower is
    better (false refusal), which must not rise. A baseline metric missing from the result counts
    as worse: a metric that silently stops applying must not pass the gate."""
    baseline: dict[str, float] = json.loads(baseline_path.read_text(encoding="utf-8"))["metrics"]
    current = baseline_metrics(result)
    regressions = []
    for metric, expected in baseline.items():
        actual = current.get(metric)
        if actual is None:
            regressions.append(f"{metric}: missing (baseline {expected:.3f})")
        elif metric in LOWER_IS_BETTER and actual > expected + tolerance:
            regressions.append(f"{metric}: {actual:.3f} > baseline {expected:.3f}")
        elif metric not in LOWER_IS_BETTER and actual < expected - tolerance:
            regressions.append(f"{metric}: {actual:.3f} < baseline {expected:.3f}")
    return regressions
