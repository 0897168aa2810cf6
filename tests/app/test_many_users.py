"""Many users at once through the app's HTTP API (issue #12): no errors, no cross-talk between
sessions, the answers one user alone gets, and an upload that changes no answer mid-flight.

Each test serves the app over its own copy of the example index; every client is a
`gradio_client.Client`, so its own Gradio session and conversation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from gradio_client import Client

from app import LOOK, build_app
from assistant.composition import build_workspace, open_index
from assistant.workspace import Workspace
from benchmarks.load import (
    CLIENTS,
    COMPARISON,
    TOPICS,
    UNANSWERABLE,
    Asked,
    ask,
    conversation,
    differing,
    many_at_once,
    one_at_a_time,
)
from index.embedding import Embedder
from index.plan_index import PlanIndex
from ingest.metadata import MetaOverrides
from settings import Settings
from tests.app.conftest import Serve
from tests.conftest import copy_of_index

pytestmark = pytest.mark.slow

REFUSED = "Inget svar i planerna"
#: A plan from a municipality the index has no plan of, uploaded while users ask.
NEW_PLAN = """Socialnämndens uppdragsplan 2026
Vaxholms kommun

Skärgårdslotsen
Under året startar socialnämnden Skärgårdslotsen, en uppsökande verksamhet för äldre som bor på \
öarna utan fast vägförbindelse. Skärgårdslotsen besöker varje hushåll med en person över 80 år \
minst två gånger per år.
"""
ABOUT_NEW_PLAN = ["Vad är Skärgårdslotsen?", "Vilka besöker Skärgårdslotsen i Vaxholm?"]
NOT_ABOUT_NEW_PLAN = [TOPICS[0], TOPICS[2], COMPARISON, UNANSWERABLE]
ASKING_DURING_UPLOAD = 10
TIMEOUT_S = 300


@dataclass(frozen=True)
class Served:
    url: str
    workspace: Workspace


@dataclass(frozen=True)
class Timed:
    asked: Asked
    started: float
    finished: float


@pytest.fixture
def served(
    tmp_path: Path,
    example_settings: Settings,
    example_index: PlanIndex,
    embedder: Embedder,
    serve: Serve,
) -> Served:
    """The app over a copy of the example index (the upload test changes it)."""
    settings = copy_of_index(example_settings, tmp_path)
    workspace = build_workspace(settings, index=open_index(settings, embedder))
    return Served(serve(build_app(workspace), **LOOK), workspace)


def test_twenty_users_at_once_get_the_answers_each_gets_alone(served: Served) -> None:
    alone = one_at_a_time(served.url)
    loaded = many_at_once(served.url)
    assert [a.error for a in loaded if a.error] == []
    assert len(loaded) == CLIENTS * len(conversation(0))
    assert differing(loaded, alone) == []
    # The mix is what it claims: the same follow-up is understood differently after each first
    # question (so one resolved against another client's question would differ), and the
    # unanswerable question is refused.
    assert len({alone[(topic, 1)].answer for topic in TOPICS}) == len(TOPICS)
    assert all(REFUSED in alone[(topic, 2)].answer for topic in TOPICS)


def test_an_upload_while_ten_users_ask_changes_no_answer_mid_flight(
    served: Served, tmp_path: Path
) -> None:
    plan = tmp_path / "vaxholm-uppdragsplan.txt"
    plan.write_text(NEW_PLAN, encoding="utf-8")
    questions = ABOUT_NEW_PLAN + NOT_ABOUT_NEW_PLAN
    before = answers_alone(served.url, questions)
    timed, upload = asked_during(
        served.url, questions, lambda: served.workspace.add_upload(plan, MetaOverrides())
    )
    after = answers_alone(served.url, questions)

    assert [t.asked.error for t in timed if t.asked.error] == []
    assert all(REFUSED in before[q] and REFUSED not in after[q] for q in ABOUT_NEW_PLAN)
    assert all(before[q] == after[q] for q in NOT_ABOUT_NEW_PLAN)
    for t in timed:
        assert t.asked.answer in {before[t.asked.question], after[t.asked.question]}, t
    after_upload = [t.asked for t in timed if t.started > upload[1]]
    assert all(a.answer == after[a.question] for a in after_upload)
    overlapping = [t for t in timed if t.started < upload[1] and t.finished > upload[0]]
    assert overlapping, "no question was answered while the plan was uploaded"


# --- helpers -----------------------------------------------------------------------------------


def answers_alone(url: str, questions: list[str]) -> dict[str, str]:
    """Each question as the first of a new conversation, one at a time."""
    session = Client(url, verbose=False)
    return {q: first_answer(session, q).answer for q in questions}


def first_answer(session: Client, question: str) -> Asked:
    """The question as the first of a new conversation in this session, so no earlier question
    can change how it is understood."""
    session.predict(api_name="/clear")
    return ask(session, 0, 0, question)


def asked_during(
    url: str, questions: list[str], change: Callable[[], object]
) -> tuple[list[Timed], tuple[float, float]]:
    """Clients keep asking while `change` runs: every answer with when it was asked and given,
    and when the change started and ended. The change starts once each client has had an answer;
    the clients stop once each has asked after it ended."""
    timed: list[Timed] = []
    stop = threading.Event()
    clients = [
        threading.Thread(target=keep_asking, args=(url, client, questions, stop, timed))
        for client in range(ASKING_DURING_UPLOAD)
    ]
    for client in clients:
        client.start()
    try:
        wait_for(lambda: len(timed) >= ASKING_DURING_UPLOAD)
        started = time.monotonic()
        change()
        ended = time.monotonic()
        wait_for(lambda: sum(t.started > ended for t in timed) >= 2 * ASKING_DURING_UPLOAD)
    finally:
        stop.set()
        for client in clients:
            client.join(TIMEOUT_S)
    return timed, (started, ended)


def keep_asking(
    url: str, client: int, questions: list[str], stop: threading.Event, timed: list[Timed]
) -> None:
    session = Client(url, verbose=False)
    step = 0
    while not stop.is_set():
        started = time.monotonic()
        asked = first_answer(session, questions[(client + step) % len(questions)])
        timed.append(Timed(asked, started, time.monotonic()))
        step += 1


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        assert time.monotonic() < deadline, "the clients stopped answering"
        time.sleep(0.05)
