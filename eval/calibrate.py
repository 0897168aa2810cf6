"""Calibrate when the answerer refuses: the lexical weight and the minimum evidence score.

`python -m eval.calibrate [--set FILE]` scores the evidence of every single-scope question of the
set once, then searches the weight and threshold that best separate answerable from unanswerable
questions (balanced accuracy). It fits on half of the items and reports the other half, so the
figure printed is not the one it was fitted on; then it fits on all and prints the values to put in
`AnswerSettings`. Changing the defaults stays a deliberate commit.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.cli import configure_runtime
from eval.runner import load_set
from settings import Settings, get_settings

DEFAULT_SET = Path(__file__).parent / "sets" / "plans.jsonl"
WEIGHTS = [round(0.1 * step, 1) for step in range(0, 11)]


@dataclass(frozen=True)
class Observation:
    item_id: str
    answerable: bool
    dense: np.ndarray
    lexical: np.ndarray
    prior: np.ndarray

    def best(self, weight: float) -> float:
        if not len(self.dense):
            return float("-inf")
        return float(np.max(self.dense + weight * self.lexical + self.prior))


def observe(set_path: Path, settings: Settings) -> list[Observation]:
    from assistant.conversation import resolve
    from assistant.service import Assistant

    assistant = Assistant.open(settings)
    indexed = assistant.indexed()
    weight = settings.answer.lexical_weight
    observations = []
    for item in load_set(set_path):
        intent = resolve(item.question, None)
        scopes = assistant.scopes(intent, None, None)
        if len(scopes) != 1 or (scopes[0].municipality and scopes[0].municipality not in indexed):
            continue  # comparisons and municipalities without plans are decided otherwise
        plan_years = sorted({y for ys in indexed.values() for y in ys})
        _, units, _ = assistant.evidence(intent, scopes[0], intent.text, plan_years)
        dense = np.array([u.dense for u in units])
        lexical = np.array([u.lexical for u in units])
        prior = np.array([u.score - u.dense - weight * u.lexical for u in units])
        observations.append(Observation(item.id, item.answerable, dense, lexical, prior))
    return observations


def balanced_accuracy(observations: list[Observation], weight: float, threshold: float) -> float:
    answered = [o.best(weight) >= threshold for o in observations]
    good_refusals = [not a for a, o in zip(answered, observations, strict=True) if not o.answerable]
    good_answers = [a for a, o in zip(answered, observations, strict=True) if o.answerable]
    parts = [float(np.mean(p)) for p in (good_refusals, good_answers) if p]
    return float(np.mean(parts)) if parts else 0.0


def fit(observations: list[Observation]) -> tuple[float, float, float]:
    """(weight, threshold, balanced accuracy); ties go to the lower threshold (fewer refusals)."""
    best = (0.0, 0.0, -1.0)
    for weight in WEIGHTS:
        scores = sorted({o.best(weight) for o in observations})
        for threshold in scores:
            accuracy = balanced_accuracy(observations, weight, threshold)
            if accuracy > best[2] + 1e-9:
                best = (weight, threshold, accuracy)
    return best


def main() -> None:
    configure_runtime()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    args = parser.parse_args()
    observations = observe(args.set, get_settings())
    halves = observations[0::2], observations[1::2]
    for name, (train, test) in (("even→odd", halves), ("odd→even", halves[::-1])):
        weight, threshold, train_accuracy = fit(train)
        test_accuracy = balanced_accuracy(test, weight, threshold)
        print(
            f"{name}: weight {weight}, threshold {threshold:.3f}: balanced accuracy "
            f"{train_accuracy:.2f} fitted, {test_accuracy:.2f} held out"
        )
    weight, threshold, accuracy = fit(observations)
    answerable = sum(o.answerable for o in observations)
    print(
        f"all {len(observations)} items ({answerable} answerable): lexical_weight={weight} "
        f"min_score={threshold:.3f} (balanced accuracy {accuracy:.2f})"
    )


if __name__ == "__main__":
    main()
