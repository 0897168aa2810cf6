"""The app with a generative answerer that streams: the passages show at once, the text comes in
marked as being written, and the verified answer replaces it (or the extractive one, marked as a
fallback). The model is the fake chat-completions server of `tests.fakes.chat_server`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from app import LOOK, build_app
from assistant.composition import build_workspace
from index.plan_index import PlanIndex
from settings import Settings
from tests.app.conftest import Serve
from tests.fakes.chat_server import FakeChatServer, Reply, Request, passages

pytestmark = pytest.mark.slow

QUESTION = "Vilka tjänstegarantier gäller för försörjningsstöd?"
INVENTED = "Dessutom får alla 999 kronor i månaden"


def writing_slowly(request: Request) -> Reply:
    """The first passage quoted faithfully, then a sentence with an invented sum; a word every
    0.2 s, so a browser sees it being written."""
    number, text = next(iter(passages(request).items()))
    return Reply(f"{text} [{number}] {INVENTED} [{number}].", pace=0.2)


@dataclass(frozen=True)
class Streaming:
    url: str
    model: FakeChatServer


@pytest.fixture(scope="module")
def streaming(
    example_settings: Settings, example_index: PlanIndex, module_serve: Serve
) -> Iterator[Streaming]:
    model = FakeChatServer().start()
    settings = model.settings(example_settings, stream=True)
    workspace = build_workspace(settings, index=example_index)
    yield Streaming(module_serve(build_app(workspace), **LOOK), model)
    model.stop()


def ask(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("#fraga-text").get_by_role("textbox").fill(QUESTION)
    page.locator("#fraga-knapp").click()


def test_passages_show_at_once_text_streams_and_the_verified_answer_replaces_it(
    page: Page, streaming: Streaming
) -> None:
    streaming.model.responder = writing_slowly
    ask(page, streaming.url)

    turn = page.locator("#samtal .tur").last
    expect(turn.locator(".etikett.skrivs")).to_be_visible()
    expect(page.locator("#kallor .kalla").first).to_be_visible()  # before the text is done
    expect(turn).to_contain_text(INVENTED)  # the unverified draft, marked as being written

    expect(turn.locator(".etikett.skrivs")).to_have_count(0)
    expect(turn).not_to_contain_text(INVENTED)  # the verifier dropped the invented sentence
    expect(turn.locator(".etikett.reserv")).to_have_count(0)
    expect(page.locator("#kallor .kalla").first).to_be_visible()


def test_a_failing_model_shows_the_extractive_answer_marked_as_a_fallback(
    page: Page, streaming: Streaming
) -> None:
    streaming.model.script(Reply(status=500))
    ask(page, streaming.url)

    turn = page.locator("#samtal .tur").last
    expect(turn.locator(".etikett.reserv")).to_be_visible()
    expect(turn).to_contain_text("Enligt")  # the extractive answer names its source
    expect(page.locator("#kallor .kalla").first).to_be_visible()
