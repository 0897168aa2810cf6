"""Fit when the assistant refuses on the fit set, and report the fit on the held-out set.

`python -m eval.calibrate` judges the evidence of every single-scope question of both registered
sets once (each over its own corpus index), then searches the thresholds `min_score`,
`min_score_checked` and the number of units judged (`judged_units`) that best separate answerable
from unanswerable questions of the *fit* set (balanced accuracy of refusals and answers). It prints
the chosen values with their figures on the fit set (in sample) and on the held-out set (out of
sample). Changing the defaults in `AnswerSettings` stays a deliberate commit.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.composition import build_assistant
from assistant.conversation import resolve
from assistant.expectation import expectation
from assistant.question import QuestionIntent
from assistant.question_parts import question_parts
from assistant.runtime import configure_runtime
from assistant.scopes import Scope
from assistant.service import Assistant
from eval.registry import EVAL_SETS, EvalSet
from eval.runner import load_set
from settings import Settings, get_settings

#: Where the thresholds are searched: scores are cosine similarity plus bonuses, so they live here.
THRESHOLDS = [round(0.75 + 0.005 * step, 3) for step in range(61)]
JUDGED_UNITS = [1, 3, 5, 10, 20]


@dataclass(frozen=True)
class PartObservation:
    """One part of a question: its best units' scores and fits, best first."""

    checked: bool
    scores: np.ndarray
    fits: np.ndarray


@dataclass(frozen=True)
class Observation:
    """One question: whether it is answerable, and what the judge saw of each of its parts."""

    item_id: str
    answerable: bool
    parts: list[PartObservation]


@dataclass(frozen=True)
class Thresholds:
    other: float
    checked: float
    judged: int

    def answers(self, observation: Observation) -> bool:
        """Whether the assistant answers (a question is answered when any of its parts is)."""
        return any(self._answers(part) for part in observation.parts)

    def _answers(self, part: PartObservation) -> bool:
        threshold = self.checked if part.checked else self.other
        scores, fits = part.scores[: self.judged], part.fits[: self.judged]
        return bool(np.any(fits & (scores >= threshold)))


@dataclass(frozen=True)
class Figures:
    refusal: float
    false_refusal: float

    @property
    def balanced_accuracy(self) -> float:
        return (self.refusal + 1 - self.false_refusal) / 2

    def __str__(self) -> str:
        return (
            f"refusal {self.refusal:.2f}, false refusal {self.false_refusal:.2f}, "
            f"balanced accuracy {self.balanced_accuracy:.2f}"
        )


def observe(eval_set: EvalSet, settings: Settings) -> list[Observation]:
    from eval.corpus_index import index_corpus

    assistant = build_assistant(index_corpus(eval_set, settings))
    indexed = assistant.indexed()
    observations = []
    for item in load_set(eval_set.questions):
        intent = resolve(item.question, None)
        scopes = assistant.scopes(intent, None, None)
        if len(scopes) != 1 or (scopes[0].organisation and scopes[0].organisation not in indexed):
            continue  # comparisons and organisations without documents are decided otherwise
        plan_years = assistant.plan_years(scopes[0].organisation)
        parts = [
            _observe_part(assistant, intent, scopes[0], part, plan_years)
            for part in question_parts(intent.text)
        ]
        observations.append(Observation(item.id, item.answerable, parts))
    return observations


def _observe_part(
    assistant: Assistant, intent: QuestionIntent, scope: Scope, part: str, plan_years: list[int]
) -> PartObservation:
    _, units, _ = assistant.evidence(intent, scope, part, plan_years)
    asked = expectation(part)
    best = units[: max(JUDGED_UNITS)]
    return PartObservation(
        asked.checked,
        np.array([unit.score for unit in best]),
        np.array([assistant.judge.fits(unit, asked) for unit in best], dtype=bool),
    )


def figures(observations: Sequence[Observation], thresholds: Thresholds) -> Figures:
    answered = [thresholds.answers(o) for o in observations]
    refused = [not a for a, o in zip(answered, observations, strict=True) if not o.answerable]
    wrongly = [not a for a, o in zip(answered, observations, strict=True) if o.answerable]
    return Figures(
        float(np.mean(refused)) if refused else 0.0, float(np.mean(wrongly)) if wrongly else 0.0
    )


def fit(observations: Sequence[Observation]) -> tuple[Thresholds, Figures]:
    """The thresholds with the best balanced accuracy; ties go to fewer units judged and lower
    thresholds (fewer refusals of answerable questions)."""
    best: tuple[Thresholds, Figures] | None = None
    for judged, checked, other in itertools.product(JUDGED_UNITS, THRESHOLDS, THRESHOLDS):
        thresholds = Thresholds(other, checked, judged)
        result = figures(observations, thresholds)
        if best is None or result.balanced_accuracy > best[1].balanced_accuracy + 1e-9:
            best = (thresholds, result)
    assert best is not None
    return best


def main() -> None:
    configure_runtime()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    settings = get_settings()
    fit_set = next(s for s in EVAL_SETS.values() if s.role == "fit")
    held_out = [s for s in EVAL_SETS.values() if s.role == "held-out" and s.missing() is None]
    thresholds, in_sample = fit(observe(fit_set, settings))
    print(
        f"fitted on {fit_set.name}: min_score={thresholds.other} "
        f"min_score_checked={thresholds.checked} judged_units={thresholds.judged}"
    )
    print(f"  {fit_set.name} (in sample): {in_sample}")
    current = Thresholds(
        settings.answer.min_score, settings.answer.min_score_checked, settings.answer.judged_units
    )
    for eval_set in held_out:
        observations = observe(eval_set, settings)
        print(f"  {eval_set.name} (out of sample): {figures(observations, thresholds)}")
        print(f"  {eval_set.name} with the current settings: {figures(observations, current)}")


if __name__ == "__main__":
    main()
