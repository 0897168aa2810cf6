"""The seam between finding evidence and writing the answer: one protocol, one request, one draft.

An answerer gets the question, what was understood of it (the organisation, year, meeting date and
document it is about, in `scope`; the kind of answer it asks for, in `expected`) and the scored
evidence with the judge's verdict. It returns a `Draft`: text with [n] markers and the citations
they name, or a refusal. Whatever an answerer writes passes `check_grounding`
(`assistant.answerers.grounding`) before it is shown; the service falls back to the extractive
answerer when it does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.answer import Citation
from assistant.answerability import Judgement
from assistant.expectation import Expected
from assistant.scopes import Scope


class AnswerListener(Protocol):
    """Follows an answer while a streaming answerer writes it (the app shows it as it comes)."""

    def passages(self, citations: list[Citation]) -> None:
        """The numbered passages the answer is written from, before it is written."""

    def text(self, delta: str) -> None:
        """The next piece of the answer's text, as the model writes it (not yet verified)."""


@dataclass(frozen=True)
class AnswerRequest:
    """What an answerer is asked: the question (or the part or side of it being answered), what
    was understood of it, and the evidence judged for it."""

    question: str
    scope: Scope
    judgement: Judgement
    #: What an earlier part of the same question already quotes, as (file name, quote): not to
    #: be quoted again beside what is new.
    quoted: frozenset[tuple[str, str]] = frozenset()

    @property
    def expected(self) -> Expected:
        """The kind of answer the question asks for: a count, an amount, a law, a list …"""
        return self.judgement.expectation.expected


@dataclass
class Draft:
    """An answer before the service wraps it: text with [n] markers and the citations it has.

    ``verified``: every statement was checked against its citations (the extractive answerer's
    are quotes, so they are by construction); ``fallback_reason``: why another answerer's draft was
    not shown and this one is (None: it is the configured answerer's own); ``dropped``: the
    sentences a verified draft left out because their citations did not support them, each with
    the reason."""

    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    verified: bool = True
    fallback_reason: str | None = None
    dropped: list[str] = field(default_factory=list)


class Answerer(Protocol):
    #: The name the `answer.answerer` setting selects it by; shown in `ask --json`.
    name: str
    #: Whether it tells a listener its text while writing (else only the finished draft counts).
    streams: bool

    def answer(self, request: AnswerRequest, listener: AnswerListener | None = None) -> Draft:
        """Answer from the units the judgement found answering, or refuse. A streaming answerer
        tells ``listener`` its passages and its text as it writes it; the draft it returns (once
        verified) is what is shown."""
        ...
