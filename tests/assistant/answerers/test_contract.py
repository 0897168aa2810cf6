"""The contract every answerer keeps, run against each registered one (as the index tests run
against both Chroma modes): grounded answers, honest refusals, markers numbered in order, each
side of a comparison with its own citations. A generative answerer runs against a local
chat-completions server (`tests.fakes.chat_server`) whose model answers faithfully from its
passages (`echo`). A new answerer registered in `ANSWERERS` joins this suite by itself."""

from __future__ import annotations

import re

import pytest

from assistant.answer import Answer, Citation
from assistant.answerers.grounding import numbers_in, supported_numbers
from assistant.answerers.registry import ANSWERERS
from assistant.composition import build_assistant
from assistant.service import Assistant
from index.plan_index import PlanIndex
from settings import Settings
from tests.fakes.chat_server import FakeChatServer

pytestmark = pytest.mark.slow

ANSWERED = [
    "vilka tjänstegarantier gäller för försörjningsstöd i Norrtälje?",
    "vad prioriterar Norrköping när det gäller våld i nära relationer?",
    "enligt vilken lag ansvarar nämnden för serveringstillstånd?",
]
_MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module", params=sorted(ANSWERERS))
def assistant(
    request: pytest.FixtureRequest, example_settings: Settings, example_index: PlanIndex
) -> Assistant:
    settings = configured(request.param, example_settings, request)
    return build_assistant(settings, index=example_index)


def configured(name: str, settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The settings that make ``name`` the answerer; a generative one talks to a local fake."""
    if name == "openai":
        server = FakeChatServer().start()  # its model answers faithfully (`echo`)
        request.addfinalizer(server.stop)
        return server.settings(settings)
    answer = settings.answer.model_copy(update={"answerer": name})
    return settings.model_copy(update={"answer": answer})


def all_citations(answer: Answer) -> list[Citation]:
    return answer.citations + [c for side in answer.comparison or [] for c in side.citations]


def assert_grounded(answer: Answer, index: PlanIndex) -> None:
    chunks = {chunk.id: chunk for chunk in index.chunks()}
    citations = all_citations(answer)
    for citation in citations + answer.closest:
        assert citation.quote in chunks[citation.chunk_id].text
    if not answer.refused:
        assert citations
        assert numbers_in(answer.answer) <= supported_numbers(citations)


@pytest.mark.parametrize("question", ANSWERED)
def test_an_answer_is_grounded_and_names_its_answerer(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.answer
    assert_grounded(answer, assistant.index)
    assert answer.answerer == assistant.answerer
    assert answer.verified and answer.fallback_reason is None


@pytest.mark.parametrize("question", ANSWERED)
def test_markers_are_numbered_from_one_in_order_and_each_has_its_citation(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    used = list(dict.fromkeys(int(n) for n in _MARKER.findall(answer.answer)))
    assert used == list(range(1, len(used) + 1))
    assert [citation.id for citation in answer.citations] == used


def test_a_question_the_plans_do_not_answer_is_refused(assistant: Assistant) -> None:
    answer = assistant.ask("hur många rymdraketer ska Norrtälje skjuta upp 2023?")
    assert answer.refused
    assert not answer.citations and not _MARKER.search(answer.answer)


def test_each_side_of_a_comparison_cites_its_own_organisation(assistant: Assistant) -> None:
    answer = assistant.ask(
        "vad prioriterar Norrköping respektive Norrtälje när det gäller våld i nära relationer?"
    )
    assert answer.comparison is not None
    sides = {side.municipality: side for side in answer.comparison}
    assert set(sides) == {"Norrköping", "Norrtälje"}
    for name, side in sides.items():
        assert not side.refused and side.citations
        assert {citation.municipality for citation in side.citations} == {name}
        assert {c.id for c in side.citations} == {int(n) for n in _MARKER.findall(side.answer)}
    assert_grounded(answer, assistant.index)
