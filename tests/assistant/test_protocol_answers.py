"""Questions over protocols, a kommun's budget and a region's plan (the invented documents of
tests/fixtures/documents): meeting dates and years as filters, the paragraph in the lead, refusals
that name what was searched, organisations without documents refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.composition import build_assistant, open_index
from assistant.service import Assistant
from index.builder import ingest_paths
from index.embedding import Embedder
from settings import Settings
from tests.conftest import TEST_MODEL_CACHE

pytestmark = pytest.mark.slow

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Assistant:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), model_dir=TEST_MODEL_CACHE)
    index = open_index(settings, embedder)
    report = ingest_paths(index, [DOCUMENTS], settings.ingest)
    assert not report.failed, report.failed
    return build_assistant(settings, index=index)


def test_a_meeting_in_a_month_is_answered_from_its_protocol_with_the_paragraph(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("Vad beslutade socialnämnden i Lomma i december 2025 om delegationen?")
    assert not answer.refused
    assert {c.title for c in answer.citations} == {"Socialnämndens protokoll 2025-12-09"}
    assert all(c.date is not None and c.date.isoformat() == "2025-12-09" for c in answer.citations)
    assert "Enligt Socialnämndens protokoll 2025-12-09, § 110 (Lomma kommun):" in answer.answer


def test_a_year_is_the_year_of_the_meeting(assistant: Assistant) -> None:
    # The February 2026 meeting reports on 2025, and is of 2026 (read naively, it was "2025").
    answer = assistant.ask("Hur stort underskott redovisade socialnämnden i Lomma 2026?")
    assert not answer.refused
    assert "4,6 miljoner kronor" in answer.answer
    assert "Socialnämndens protokoll 2026-02-24" in {c.title for c in answer.citations}


def test_a_meeting_month_without_a_year_finds_that_meeting(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Vad blev utfallet för ekonomiskt bistånd enligt socialnämnden i Lomma på "
        "februarisammanträdet?"
    )
    assert not answer.refused
    assert {c.title for c in answer.citations} == {"Socialnämndens protokoll 2026-02-24"}
    assert "23,8 miljoner kronor" in answer.answer or "23 760" in answer.answer


def test_a_figure_no_document_gives_is_refused_saying_what_was_searched(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("Hur många demensplatser har Lomma kommun?")
    assert answer.refused and not answer.citations
    assert answer.answer.startswith("Inget i ")
    assert "(Lomma kommun)" in answer.answer and "demensplatser" in answer.answer


def test_a_region_is_told_apart_from_its_kommuner(assistant: Assistant) -> None:
    answer = assistant.ask("Vilka lagar styr hälso- och sjukvården i Region Värmland?")
    assert not answer.refused
    assert {c.organisation for c in answer.citations} == {"Region Värmland"}
    refused = assistant.ask("Vilka lagar styr hälso- och sjukvården i Region Skåne?")
    assert refused.refused and "Region Skåne" in refused.answer
