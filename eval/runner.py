"""Run the assistant over an eval set and score every answer.

The assistant is opened once and warmed up with a question outside the set, so the latencies are
those of a running service, not of loading models. Questions are asked as a user types them: the
item's `municipality` and `year` are gold labels for the scorer, never passed as filters (that would
hand the assistant the answer to "which plan?" and make refusing unknown municipalities trivial).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field
from tqdm import tqdm

from assistant.answer import Answer, Citation
from eval.metrics import ChunkSource, GoldItem, Summary, all_citations, score_item, summarise
from settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant

#: Asked once before the measured run and not scored: it loads what the first real question would.
WARM_UP_QUESTION = "Vad är socialnämndens budget?"


class ItemResult(BaseModel):
    """One question of the set: what the assistant said, each metric, and what failed."""

    id: str
    question: str
    kind: str
    persona: str
    answerable: bool
    answer: str = Field(description="The answer text, comparison sides appended.")
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    retrieved: list[str] = Field(default_factory=list)
    metrics: dict[str, float | None]
    failures: list[str] = Field(default_factory=list)
    latency_s: float
    error: str | None = Field(default=None, description="The exception, if asking raised.")
    answerer: str = Field(default="extractive", description="The answerer that was configured.")
    verified: bool = Field(default=True, description="The answer passed its verification.")
    fallback_reason: str | None = Field(
        default=None, description="Why the extractive answer was shown instead, if it was."
    )

    @property
    def failed(self) -> bool:
        return bool(self.failures)


class EvalResult(BaseModel):
    set_path: str
    items: list[ItemResult]
    summary: Summary

    def failing(self) -> list[ItemResult]:
        return [item for item in self.items if item.failed]


def load_set(path: Path) -> list[GoldItem]:
    """The items of a JSONL eval set; blank lines are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [GoldItem.model_validate_json(line) for line in lines if line.strip()]


def full_answer_text(answer: Answer) -> str:
    """The answer as a reader sees it: the main text, then each comparison side under its label
    unless the main text already holds the side's text (the assistant may write them into it)."""
    parts = [answer.answer]
    for side in answer.comparison or []:
        if side.answer and side.answer in answer.answer:
            continue
        label = " ".join(str(p) for p in (side.municipality, side.year) if p is not None)
        parts.append(f"{label}: {side.answer}" if label else side.answer)
    return "\n\n".join(part for part in parts if part)


def distinct_citations(answer: Answer) -> list[Citation]:
    """The answer's citations and its sides', each once (sides may repeat the answer's)."""
    unique: dict[tuple[int, str, str], Citation] = {}
    for citation in all_citations(answer):
        unique.setdefault((citation.id, citation.chunk_id, citation.quote), citation)
    return list(unique.values())


def result_of(item: GoldItem, answer: Answer, latency_s: float, chunks: ChunkSource) -> ItemResult:
    score = score_item(item, answer, chunks)
    return ItemResult(
        id=item.id,
        question=item.question,
        kind=item.kind,
        persona=item.persona,
        answerable=item.answerable,
        answer=full_answer_text(answer),
        refused=answer.refused,
        citations=distinct_citations(answer),
        retrieved=list(answer.retrieved),
        metrics=score.metrics,
        failures=score.failures,
        latency_s=latency_s,
        answerer=answer.answerer,
        verified=answer.verified,
        fallback_reason=answer.fallback_reason,
    )


def error_result(
    item: GoldItem, error: Exception, latency_s: float, chunks: ChunkSource
) -> ItemResult:
    """A question that made the assistant raise is scored as an empty, non-refused answer, so it
    fails every metric that applies (a crash must not pass as a correct refusal)."""
    empty = Answer(question=item.question, answer="", refused=False)
    result = result_of(item, empty, latency_s, chunks)
    message = f"{type(error).__name__}: {error}"
    result.error = message
    result.failures.insert(0, f"error: {message}")
    return result


def ask_timed(assistant: Assistant, item: GoldItem, chunks: ChunkSource) -> ItemResult:
    started = time.perf_counter()
    try:
        answer = assistant.ask(item.question)
    except Exception as error:  # one broken question must not end a run of a hundred
        return error_result(item, error, time.perf_counter() - started, chunks)
    return result_of(item, answer, time.perf_counter() - started, chunks)


def score_all(
    assistant: Assistant, items: Sequence[GoldItem], chunks: ChunkSource, *, progress: bool
) -> list[ItemResult]:
    results: list[ItemResult] = []
    with tqdm(
        total=len(items), desc="Utvärderar", unit="fråga", file=sys.stderr, disable=not progress
    ) as bar:
        for item in items:
            results.append(ask_timed(assistant, item, chunks))
            bar.update(1)
    return results


def run_eval(set_path: Path, settings: Settings, progress: bool = True) -> EvalResult:
    """Ask every question of the set once (after a warm-up question) and score the answers, with
    the answerer the settings name."""
    # Imported here: the eval modules must import (and be tested) without loading the assistant.
    from assistant.composition import build_assistant

    items = load_set(set_path)
    assistant = build_assistant(settings)
    assistant.ask(WARM_UP_QUESTION)
    results = score_all(assistant, items, assistant.index, progress=progress)
    return EvalResult(set_path=str(set_path), items=results, summary=summarise(results))
