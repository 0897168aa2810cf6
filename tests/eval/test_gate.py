"""The regression gate: the assistant over each eval set must not fall below that set's baseline.

The fit set (`plans`, over the example plans) and the held-out sets (`more` and `fresh`, over
`../shared/corpus-more`, skipped where that corpus is absent) each have a baseline in
`eval/baselines/`. Raising one is a deliberate commit (`python -m assistant eval
--write-baseline`). Latency is reported, not gated: it depends on the machine.
"""

from __future__ import annotations

import pytest

from eval.command import check_against_baseline
from eval.corpus_index import index_corpus
from eval.registry import FRESH, MORE, PLANS, EvalSet
from eval.runner import run_eval
from index.embedding import Embedder
from index.plan_index import PlanIndex
from settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def held_out_settings(example_settings: Settings, embedder: Embedder) -> Settings:
    """The held-out corpus in an index of its own (several minutes of embedding, once), which
    both held-out sets are asked over."""
    reason = MORE.missing()
    if reason is not None:
        pytest.skip(f"the held-out eval set cannot run here: {reason}")
    return index_corpus(MORE, example_settings, embedder)


def assert_holds_baseline(eval_set: EvalSet, settings: Settings) -> None:
    assert eval_set.baseline.exists(), f"{eval_set.name}: no baseline at {eval_set.baseline}"
    result = run_eval(eval_set.questions, settings, progress=False)
    assert check_against_baseline(result, eval_set.baseline) == []
    # Grounding is not a trade-off: these hold exactly, whatever the baseline says.
    for metric in ("citation_validity", "number_fidelity"):
        assert result.summary.metrics[metric].mean == 1.0, metric


def test_fit_set_holds_its_baseline(example_settings: Settings, example_index: PlanIndex) -> None:
    assert example_index.documents(), "the example plans are indexed"
    assert_holds_baseline(PLANS, example_settings)


@pytest.mark.parametrize("eval_set", [MORE, FRESH], ids=lambda eval_set: eval_set.name)
def test_held_out_sets_hold_their_baselines(eval_set: EvalSet, held_out_settings: Settings) -> None:
    assert_holds_baseline(eval_set, held_out_settings)
