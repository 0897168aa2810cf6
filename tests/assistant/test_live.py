"""Following an answer while it is written (`assistant.live`)."""

from __future__ import annotations

import threading

import pytest

from assistant.answer import Citation
from assistant.answerers.base import AnswerListener
from assistant.live import Preview, follow

PASSAGE = Citation(
    id=1,
    chunk_id="c1",
    file="plan.txt",
    title="Plan",
    municipality=None,
    year=2025,
    section="Mål",
    page=None,
    quote="Alla ska ha en trygg bostad.",
)


class Paced:
    """Runs in the worker: each burst of events waits until the caller has seen the one before."""

    def __init__(self) -> None:
        self.seen = threading.Semaphore(0)

    def bursts(self, listener: AnswerListener, *bursts: list[tuple[str, object]]) -> str:
        for burst in bursts:
            for kind, value in burst:
                getattr(listener, kind)(value)
            assert self.seen.acquire(timeout=5)
        return "klart"


def follow_paced(*bursts: list[tuple[str, object]]) -> list[Preview | str]:
    paced = Paced()
    seen: list[Preview | str] = []
    for step in follow(lambda listener: paced.bursts(listener, *bursts)):
        seen.append(step)
        paced.seen.release()
    return seen


def test_previews_grow_in_order_and_the_result_comes_last() -> None:
    seen = follow_paced(
        [("passages", [PASSAGE]), ("text", "Alla ska ")],
        [("text", "ha en trygg bostad [1].")],
    )
    assert seen == [
        Preview("Alla ska ", [PASSAGE]),
        Preview("Alla ska ha en trygg bostad [1].", [PASSAGE]),
        "klart",
    ]


def test_a_new_part_starts_a_new_preview() -> None:
    seen = follow_paced(
        [("passages", [PASSAGE]), ("text", "Första delen [1].")],
        [("passages", [])],
    )
    assert seen[1] == Preview("", [])


def test_an_error_in_the_worker_is_raised_in_the_caller() -> None:
    def run(_listener: AnswerListener) -> None:
        raise ValueError("trasig")

    with pytest.raises(ValueError, match="trasig"):
        list(follow(run))
