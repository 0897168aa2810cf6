"""`planassistent eval`: run the grounding eval, write the report, compare with the baselines.

Without `--set`, every registered set (`eval.registry`) is run over its own corpus, in an index
of that corpus under `<data_dir>/eval-indexes/`, and the report shows the sets side by side: the
fit set (in sample) beside the held-out sets (out of sample). `--set` names one of them (by name
or file), or any other set file, which is then asked of the configured index.

`eval/baselines/<set>.json` holds the overall mean of every metric from a deliberate run
(`--write-baseline`). `check_against_baseline` is the regression gate: a metric fails when it is
worse than the baseline by more than the tolerance. Latency is not gated: it depends on the machine.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eval.metrics import LOWER_IS_BETTER, METRICS
from eval.registry import EVAL_SETS, EvalSet, set_named
from eval.runner import EvalResult, run_eval
from settings import Settings

DEFAULT_TOLERANCE = 0.02
#: Per-kind columns in the printed summary are this wide.
_COLUMN = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        type=Path,
        default=None,
        metavar="SET",
        help="En utvärderingsmängd: en registrerad (namn eller fil; mot ett eget index av sin "
        "korpus) eller en annan JSONL-fil (mot det inställda indexet); standard: alla "
        "registrerade.",
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
        default=None,
        metavar="FILE",
        help="Baslinje att jämföra med (bara med --set); standard: eval/baselines/<mängd>.json.",
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
    progress = not args.no_progress
    registered = set_named(args.set) if args.set is not None else None
    if args.set is not None and registered is None:
        result = run_eval(args.set, settings, progress=progress)
        runs = [(args.set.stem, result, args.baseline)]
    else:
        chosen = [registered] if registered else _available_sets()
        runs = [
            (s.name, run_set(s, settings, progress), args.baseline or s.baseline) for s in chosen
        ]

    from eval.report import write_reports  # matplotlib is only needed once there is a result

    index_file = write_reports([(name, result) for name, result, _ in runs], report_dir)
    failed = False
    for name, result, baseline in runs:
        print(f"\n== {name} ==\n{summary_table(result)}")
        failed |= _gate(result, baseline, write=args.write_baseline)
    print(f"Rapport: {index_file}")
    return 1 if args.check and failed else 0


def run_set(eval_set: EvalSet, settings: Settings, progress: bool) -> EvalResult:
    """The set asked over an index of its own corpus (built or brought up to date first)."""
    from eval.corpus_index import index_corpus

    return run_eval(eval_set.questions, index_corpus(eval_set, settings), progress=progress)


def _available_sets() -> list[EvalSet]:
    available = []
    for eval_set in EVAL_SETS.values():
        reason = eval_set.missing()
        if reason is None:
            available.append(eval_set)
        else:
            print(f"Hoppar över {eval_set.name}: {reason}")
    return available


def _gate(result: EvalResult, baseline: Path | None, *, write: bool) -> bool:
    """Write or check the baseline; True when the result fails the gate."""
    if baseline is None:
        return False
    if write:
        write_baseline(result, baseline)
        print(f"Ny baslinje: {baseline}")
        return False
    if not baseline.exists():
        print(f"Baslinjen {baseline} saknas: skriv den med --write-baseline.")
        return True
    regressions = check_against_baseline(result, baseline)
    for regression in regressions:
        print(f"Sämre än baslinjen: {regression}")
    return bool(regressions)


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
    path.parent.mkdir(parents=True, exist_ok=True)
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
