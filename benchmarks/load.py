"""Benchmark: the web app under many users (issue #12), through its HTTP API as a browser uses it.

20 clients ask 10 questions each at the same time, every client in its own Gradio session (so its
own conversation): answerable questions, follow-ups, questions the plans cannot answer and a
comparison. Prints the latency under that load next to the same conversations asked one at a
time, the errors, the answers that differ from the one-at-a-time run, and the wall time.

    python -m benchmarks.load

`tests/app/test_many_users.py` drives the app with the same conversations and asserts on them.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

from gradio_client import Client

from app import build_app, launch
from assistant.composition import build_workspace
from benchmarks.app_start import free_port
from benchmarks.common import indexed_examples, latency_line
from index.embedding import load_embedder
from settings import get_settings

CLIENTS = 20
#: First questions, each naming its municipality: the same follow-up resolves differently after
#: each, so an answer resolved against another client's question would show.
TOPICS = [
    "Vilka tjänstegarantier gäller för försörjningsstöd i Norrtälje?",
    "Vad prioriterar Norrköping när det gäller våld i nära relationer?",
    "Vilka mål har socialnämnden i Söderköping för 2025?",
    "Hur ska barns rätt till delaktighet säkerställas i utredningar i Norrköping?",
    "Vilka lagar ansvarar socialnämnden i Norrtälje för?",
]
UNANSWERABLE = "Vad kostar en ny simhall i Norrtälje?"
COMPARISON = (
    "Vad prioriterar Norrköping respektive Norrtälje när det gäller våld i nära relationer?"
)
#: Where a newest turn starts in the conversation HTML (`render.conversation_html`).
TURN_START = '<div class="tur"'


@dataclass(frozen=True)
class Asked:
    """One question a client asked: the text of the newest turn it got (or the error) and how
    long it took."""

    client: int
    step: int
    question: str
    answer: str
    seconds: float
    error: str = ""


def conversation(client: int) -> list[str]:
    """The ten questions of one client; clients with the same number modulo len(TOPICS) ask the
    same ones."""
    first, second, third = (TOPICS[(client + k) % len(TOPICS)] for k in range(3))
    return [
        first,
        "Och i Norrköping?",
        UNANSWERABLE,
        second,
        "Och i Söderköping?",
        COMPARISON,
        third,
        "Och i Norrtälje?",
        "Och i Söderköping?",
        UNANSWERABLE,
    ]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def newest_turn(conversation_html: str) -> str:
    """The text of the newest turn (its question, how it was understood and the answer with its
    markers), whitespace normalised: what a user reads, without the markup."""
    parser = _Text()
    parser.feed(conversation_html.rpartition(TURN_START)[2])
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def ask(session: Client, client: int, step: int, question: str) -> Asked:
    started = time.perf_counter()
    try:
        conversation_html, _sources, _box = session.predict(question, "", "", "", api_name="/ask")
    except Exception as error:  # every failure is counted; none stops the run
        return Asked(client, step, question, "", time.perf_counter() - started, repr(error))
    return Asked(
        client, step, question, newest_turn(conversation_html), time.perf_counter() - started
    )


def converse(url: str, client: int, questions: list[str]) -> list[Asked]:
    """Ask the questions in order in one new session (one conversation)."""
    session = Client(url, verbose=False)
    return [ask(session, client, step, q) for step, q in enumerate(questions)]


def many_at_once(url: str, clients: int = CLIENTS) -> list[Asked]:
    """Every client's conversation at the same time, each in its own thread and session."""
    with ThreadPoolExecutor(clients) as pool:
        runs = pool.map(lambda c: converse(url, c, conversation(c)), range(clients))
        return [asked for run in runs for asked in run]


def one_at_a_time(url: str) -> dict[tuple[str, int], Asked]:
    """Each distinct conversation asked alone, by (first question, step)."""
    alone = [converse(url, c, conversation(c)) for c in range(len(TOPICS))]
    return {(run[0].question, a.step): a for run in alone for a in run}


def differing(loaded: list[Asked], alone: dict[tuple[str, int], Asked]) -> list[Asked]:
    """The answers under load that differ from the same conversation's answer asked alone."""
    return [
        a
        for a in loaded
        if not a.error and a.answer != alone[(conversation(a.client)[0], a.step)].answer
    ]


@contextmanager
def served_examples() -> Iterator[str]:
    """The app over the example plans in a scratch index, served on a free port: its URL."""
    settings = get_settings()
    embedder = load_embedder(settings.embedding, settings.model_cache_dir)
    with indexed_examples(settings, embedder) as (scratch, index, _):
        served = scratch.app.model_copy(update={"port": free_port(), "auth": None})
        scratch = scratch.model_copy(update={"app": served})
        workspace = build_workspace(scratch, index=index)
        workspace.warm_up()
        blocks = build_app(workspace)
        launch(blocks, scratch, prevent_thread_lock=True, quiet=True)
        try:
            yield f"http://{served.host}:{served.port}/"
        finally:
            blocks.close()


def main() -> None:
    with served_examples() as url:
        alone = one_at_a_time(url)
        started = time.perf_counter()
        loaded = many_at_once(url)
        wall = time.perf_counter() - started
    answered = [a for a in loaded if not a.error]
    print(f"cores: {os.cpu_count()}, clients: {CLIENTS}, questions: {len(loaded)}")
    print(latency_line("under load", [a.seconds for a in answered]))
    single = [a.seconds for a in alone.values()]
    print(
        f"one at a time over {len(single)} questions: p50 {1000 * statistics.median(single):.0f} ms"
    )
    print(f"errors: {len(loaded) - len(answered)}")
    print(f"answers differing from one at a time: {len(differing(answered, alone))}")
    print(f"wall time under load: {wall:.1f} s")


if __name__ == "__main__":
    main()
