"""The regression gate: the assistant over the whole eval set must not fall below the baseline.

Raising `eval/baseline.json` is a deliberate commit (`python -m assistant eval --write-baseline`).
Latency is reported, not gated: it depends on the machine.
"""

from __future__ import annotations

import pytest

from eval.command import DEFAULT_BASELINE, DEFAULT_SET, check_against_baseline
from eval.runner import run_eval
from index.plan_index import PlanIndex
from settings import Settings

pytestmark = pytest.mark.slow


def test_eval_metrics_hold_the_baseline(
    example_settings: Settings, example_index: PlanIndex
) -> None:
    assert example_index.documents(), "the example plans are indexed"
    result = run_eval(DEFAULT_SET, example_settings, progress=False)
    assert check_against_baseline(result, DEFAULT_BASELINE) == []
    # Grounding is not a trade-off: these hold exactly, whatever the baseline says.
    for metric in ("citation_validity", "number_fidelity"):
        assert result.summary.metrics[metric].mean == 1.0
