"""The generative answerer: a language model behind an OpenAI-compatible endpoint writes the answer
from numbered passages, and every sentence it writes is verified before it is shown.

The model is asked only when the judge found answering evidence: the judge's refusal threshold is
calibrated and measured (`python -m eval.calibrate`), a model's willingness to refuse is not, so
an unanswerable question gets the extractive answerer's refusal (which names what was searched)
without a call.

The model gets the units the extractive answerer would quote (`EvidenceSelection`), then further
answering units, each verbatim with its document's title, organisation, year or date and section
(and a table row's header), fenced as data (`prompts/openai_sv.toml`). Its [n] markers name those
passages. `verify` keeps the sentences its cited passages support; the kept ones are shown with
their markers renumbered in order of first use. Whenever nothing can be shown (the endpoint fails
or times out, the output is malformed, the model refuses although the evidence answers, or no
sentence holds) the extractive answer is shown instead, with the reason in `fallback_reason`.

A listener is told the passages before the model writes and, when streaming, the model's text as
it comes, before it is verified: a caller must treat it as provisional (the app marks it as being
written); the returned draft is what may be shown.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

import httpx
import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam

from assistant.answer import Citation
from assistant.answerability import Judgement
from assistant.answerers.base import AnswerListener, AnswerRequest, Draft
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.grounding import MARKER
from assistant.answerers.selection import EvidenceSelection
from assistant.answerers.verification import Verification, verify
from assistant.evidence import ScoredUnit
from assistant.table_answers import ChunkLookup, place_of
from assistant.terms import TermNormaliser
from prompts import templates
from settings import OpenAISettings, Settings

logger = logging.getLogger(__name__)

#: A fence token written inside a plan's text ("</källa>"): its bracket is replaced, so the text
#: cannot close its fence or open another.
_FENCE_TOKEN = re.compile(r"<(\s*/?\s*källa)", re.IGNORECASE)
#: What a failing endpoint or a malformed response may raise: never passed on to the caller.
_MODEL_ERRORS = (openai.OpenAIError, httpx.HTTPError, ValueError, LookupError, TypeError)


class ModelFailure(Exception):
    """The model gave nothing that can be shown; the message says why (in Swedish)."""


class ChatAnswerer:
    name = "openai"

    def __init__(
        self,
        settings: Settings,
        chunks: ChunkLookup | None,
        fallback: ExtractiveAnswerer,
    ) -> None:
        self._settings = settings.openai
        self.streams = settings.openai.stream
        self._min_word_support = settings.openai.min_word_support
        self._selection = EvidenceSelection(settings.answer, chunks)
        self._chunks = chunks
        self._fallback = fallback
        self._normaliser = TermNormaliser(settings.lexical.stemmer)
        self._templates = templates("openai_sv")
        self._client = openai.OpenAI(
            base_url=settings.openai.base_url,
            api_key=_api_key(settings.openai),
            timeout=settings.openai.timeout,
            max_retries=0,
        )

    def answer(self, request: AnswerRequest, listener: AnswerListener | None = None) -> Draft:
        """The model's verified answer; the extractive one when the evidence does not answer (no
        call) or the model's answer cannot be shown (with the reason)."""
        if not request.judgement.answerable:
            return self._fallback.answer(request, listener)
        passages = self.passages(request.judgement)
        if listener is not None:
            listener.passages(passages)
        try:
            text = self._written(request.question, passages, listener)
            return self._verified(text, {passage.id: passage for passage in passages})
        except ModelFailure as failure:
            reason = str(failure)
        logger.warning("Modellens svar visas inte, det extraktiva svaret visas: %s", reason)
        return replace(self._fallback.answer(request), fallback_reason=reason)

    def passages(self, judgement: Judgement) -> list[Citation]:
        """The numbered passages the model is given, each as the citation that quotes it (its id
        is its number, from 1): the selection the extractive answerer would quote, then further
        answering units (best first) while there are fewer than `openai.passages`."""
        chosen = self._selection.select(judgement)
        keys = {(u.chunk.id, u.index) for u in chosen}
        for unit in judgement.answering:
            if len(chosen) >= self._settings.passages:
                break
            if (unit.chunk.id, unit.index) not in keys:
                keys.add((unit.chunk.id, unit.index))
                chosen.append(unit)
        return [self._citation(number, unit) for number, unit in enumerate(chosen, 1)]

    def messages(self, question: str, passages: list[Citation]) -> list[ChatCompletionMessageParam]:
        """The system prompt (the same for every question) and the question with its fenced
        passages."""
        refusal = self._templates["refusal"]
        fenced = "\n\n".join(self._fenced(passage) for passage in passages)
        user = self._templates["user"].format(passages=fenced, question=question, refusal=refusal)
        return [
            {"role": "system", "content": self._templates["system"].format(refusal=refusal)},
            {"role": "user", "content": user},
        ]

    def _citation(self, number: int, unit: ScoredUnit) -> Citation:
        """The unit quoted verbatim; a table row with its table's header."""
        place = place_of(unit, self._chunks)
        if place is None or place.row is None:
            return Citation.of(number, unit.chunk, unit.text)
        header_chunk = place.header_chunk if place.header_chunk.id != unit.chunk.id else None
        return Citation.of(
            number, unit.chunk, unit.text, header=place.table.header, header_chunk=header_chunk
        )

    def _fenced(self, citation: Citation) -> str:
        labels = self._templates
        metadata = {
            labels["label_title"]: citation.title,
            labels["label_organisation"]: citation.organisation or citation.municipality,
            labels["label_year"]: citation.year,
            labels["label_date"]: citation.date,
            labels["label_section"]: citation.section,
            labels["label_header"]: citation.header,
        }
        lines = [f"{label}: {value}" for label, value in metadata.items() if value]
        return self._templates["passage"].format(
            number=citation.id,
            metadata=neutralised("\n".join(lines)),
            text=neutralised(citation.quote),
        )

    def _written(
        self, question: str, passages: list[Citation], listener: AnswerListener | None
    ) -> str:
        """The model's text; whatever the endpoint does wrong is a `ModelFailure`."""
        try:
            return self._complete(question, passages, listener)
        except _MODEL_ERRORS as error:
            raise ModelFailure(
                f"modellen kunde inte svara: {type(error).__name__}: {error}"
            ) from error

    def _complete(
        self, question: str, passages: list[Citation], listener: AnswerListener | None
    ) -> str:
        """The model's text, told to ``listener`` piece by piece when streaming is on."""
        options = self._settings
        response = self._client.chat.completions.create(
            model=options.model,
            messages=self.messages(question, passages),
            temperature=options.temperature,
            max_tokens=options.max_tokens,
            stream=options.stream,
        )
        if isinstance(response, ChatCompletion):
            return response.choices[0].message.content or ""
        pieces: list[str] = []
        for piece in _deltas(response):
            pieces.append(piece)
            if listener is not None:
                listener.text(piece)
        return "".join(pieces)

    def _verified(self, text: str, passages: Mapping[int, Citation]) -> Draft:
        """The sentences of ``text`` its cited passages support, renumbered; a refusal or an
        answer with none that holds is a `ModelFailure`."""
        if not text.strip():
            raise ModelFailure("modellen gav ett tomt svar")
        if self._templates["refusal"] in text:
            raise ModelFailure("modellen avböjde att svara fast källorna besvarar frågan")
        verification = verify(text, passages, self._normaliser, self._min_word_support)
        if not verification.cited:
            reasons = "; ".join(
                f"{d.sentence.text[:80]!r}: {d.reason}" for d in verification.dropped
            )
            raise ModelFailure(f"ingen mening i modellens svar höll: {reasons}")
        for dropped in verification.dropped:
            logger.warning("Struken mening %r: %s", dropped.sentence.text, dropped.reason)
        return _renumbered(verification, passages)


def neutralised(text: str) -> str:
    """``text`` with every fence token's bracket replaced: "</källa>" → "‹/källa>"."""
    return _FENCE_TOKEN.sub(r"‹\1", text)


def _renumbered(verification: Verification, passages: Mapping[int, Citation]) -> Draft:
    """The kept sentences with their markers numbered 1, 2, … in order of first use."""
    numbers = {old: new for new, old in enumerate(verification.cited, 1)}
    text = MARKER.sub(lambda m: f"[{numbers[int(m.group(1))]}]", verification.text)
    citations = [passages[old].model_copy(update={"id": new}) for old, new in numbers.items()]
    dropped = [f"{d.sentence.text} ({d.reason})" for d in verification.dropped]
    return Draft(text, refused=False, citations=citations, dropped=dropped)


def _deltas(stream: Iterable[ChatCompletionChunk]) -> Iterator[str]:
    """The text pieces of a streamed completion (a chunk may carry none: a role, a usage)."""
    for chunk in stream:
        content = chunk.choices[0].delta.content if chunk.choices else None
        if content:
            yield content


def unavailable(settings: Settings) -> str | None:
    """Why the endpoint cannot answer (not configured, not reachable), or None: its model list
    is asked for, which every OpenAI-compatible server serves."""
    options = settings.openai
    if not options.base_url:
        return "PLANASSISTENT_OPENAI__BASE_URL är inte satt"
    client = openai.OpenAI(
        base_url=options.base_url, api_key=_api_key(options), timeout=5.0, max_retries=0
    )
    try:
        client.models.list()
    except _MODEL_ERRORS as error:
        return f"{options.base_url} svarar inte: {type(error).__name__}: {error}"
    return None


def _api_key(settings: OpenAISettings) -> str:
    """The configured key, else OPENAI_API_KEY, else a placeholder (a local server needs none)."""
    if settings.api_key is not None:
        return settings.api_key.get_secret_value()
    return os.environ.get("OPENAI_API_KEY") or "none"
