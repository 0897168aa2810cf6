"""The answerers by name: the `answer.answerer` setting picks one. Each lives in its own module
behind the `Answerer` protocol (`assistant.answerers.base`); the extractive one is the default and
every other one's fallback.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.answerers.base import Answerer
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.table_answers import ChunkLookup
from settings import Settings

#: Builds an answerer from the settings, the chunk lookup and the extractive fallback.
Factory = Callable[[Settings, ChunkLookup | None, ExtractiveAnswerer], Answerer]


def _extractive(
    _settings: Settings, _chunks: ChunkLookup | None, fallback: ExtractiveAnswerer
) -> Answerer:
    return fallback


def _openai(
    settings: Settings, chunks: ChunkLookup | None, fallback: ExtractiveAnswerer
) -> Answerer:
    # Imported when chosen: the openai client takes half a second to import, which the default
    # answerer's start-up (the app's, a CLI question's) should not pay.
    from assistant.answerers.openai_chat import ChatAnswerer

    return ChatAnswerer(settings, chunks, fallback)


def _openai_unavailable(settings: Settings) -> str | None:
    from assistant.answerers.openai_chat import unavailable

    return unavailable(settings)


ANSWERERS: dict[str, Factory] = {
    "extractive": _extractive,
    "openai": _openai,
}


#: Why an answerer cannot answer with these settings (not configured, not reachable); None: it can.
Availability = Callable[[Settings], str | None]

AVAILABILITY: dict[str, Availability] = {"openai": _openai_unavailable}


def unavailable(settings: Settings) -> str | None:
    """Why the configured answerer cannot answer now, or None."""
    check = AVAILABILITY.get(settings.answer.answerer)
    return check(settings) if check is not None else None


def make_answerer(
    settings: Settings, chunks: ChunkLookup | None = None
) -> tuple[Answerer, ExtractiveAnswerer]:
    """The configured answerer and the extractive one it falls back to (the same object when the
    extractive one is configured); ``chunks`` finds a chunk by id (a table's header may stand in
    another chunk than its row)."""
    fallback = ExtractiveAnswerer(settings.answer, chunks)
    return ANSWERERS[settings.answer.answerer](settings, chunks, fallback), fallback
