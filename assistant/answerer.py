"""The seam between finding evidence and writing the answer.

The default answerer is extractive (`assistant.extractive`). A generative backend (a model behind an
OpenAI-compatible API) would implement the same `Answerer` protocol; whatever any answerer writes
passes `check_grounding` before it is shown, so a made-up number never reaches a user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answer import Citation
from assistant.answerability import Judgement
from settings import AnswerSettings

_MARKER = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:[,.:]\d+)?")


@dataclass
class Draft:
    """An answer before the service wraps it: text with [n] markers and the citations it has."""

    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)


class Answerer(Protocol):
    def answer(self, judgement: Judgement, scope: str = "") -> Draft:
        """Answer from the units the judgement found answering, or refuse; ``scope`` names the
        side asked about."""
        ...


class UngroundedAnswer(ValueError):
    """An answerer wrote something its citations do not support."""


def make_answerer(settings: AnswerSettings) -> Answerer:
    from assistant.extractive import ExtractiveAnswerer

    answerers = {"extractive": ExtractiveAnswerer}
    return answerers[settings.answerer](settings)


def numbers_in(text: str) -> set[str]:
    return {" ".join(n.split()) for n in _NUMBER.findall(_MARKER.sub(" ", text))}


def check_grounding(draft: Draft) -> Draft:
    """Every marker must name a citation, and every number in the text must stand in a cited
    quote or in the cited document's title (the lead names it: "… verksamhetsplan 2023")."""
    if draft.refused:
        return draft
    known = {f"[{c.id}]" for c in draft.citations}
    unknown = set(_MARKER.findall(draft.text)) - known
    if unknown or not draft.citations:
        raise UngroundedAnswer(f"markörer utan källa: {sorted(unknown)}")
    supported = set().union(*(numbers_in(f"{c.quote} {c.title}") for c in draft.citations))
    unsupported = numbers_in(draft.text) - supported
    if unsupported:
        raise UngroundedAnswer(f"tal som inga citat innehåller: {sorted(unsupported)}")
    return draft
