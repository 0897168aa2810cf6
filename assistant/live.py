"""Following an answer while it is written: the answer runs in a worker thread, and what it has so
far (its passages, its unverified text) comes out as previews until the finished result does.
The app shows the previews; the verified answer replaces them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from assistant.answer import Citation
from assistant.answerers.base import AnswerListener

Result = TypeVar("Result")


@dataclass(frozen=True)
class Preview:
    """An answer being written: the passages it is written from, and its text so far."""

    text: str = ""
    passages: list[Citation] = field(default_factory=list)


class _Events:
    """An `AnswerListener` that queues what it hears for the thread that shows it."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[str, object]] = queue.Queue()

    def passages(self, citations: list[Citation]) -> None:
        self.queue.put(("passages", citations))

    def text(self, delta: str) -> None:
        self.queue.put(("text", delta))


def follow(run: Callable[[AnswerListener], Result]) -> Iterator[Preview | Result]:
    """Run ``run`` in a worker thread; yield a preview whenever it has told something new (all
    that has queued up since the last one at once), then its result. An error in ``run`` is
    raised here."""
    events = _Events()

    def work() -> None:
        try:
            events.queue.put(("done", run(events)))
        except Exception as error:  # raised again in the caller's thread below
            events.queue.put(("error", error))

    threading.Thread(target=work, daemon=True).start()
    preview = Preview()
    while True:
        kind, value = events.queue.get()
        while kind in ("passages", "text"):
            preview = _updated(preview, kind, value)
            if events.queue.empty():
                break
            kind, value = events.queue.get()
        if kind == "done":
            yield value  # type: ignore[misc]
            return
        if kind == "error":
            raise value  # type: ignore[misc]
        yield preview


def _updated(preview: Preview, kind: str, value: object) -> Preview:
    if kind == "passages":  # a new part or side of the answer starts
        return Preview(passages=list(value))  # type: ignore[call-overload]
    return Preview(preview.text + str(value), preview.passages)
