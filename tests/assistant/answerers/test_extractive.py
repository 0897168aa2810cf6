"""The extractive answerer: how it names the source of what it quotes. Units are scored by hand
here (no model)."""

from __future__ import annotations

from pathlib import Path

from assistant.answerability import Judgement
from assistant.answerers.base import AnswerRequest
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.grounding import check_grounding
from assistant.expectation import Expectation, Expected
from assistant.scopes import Scope
from ingest.document import LoadedDocument
from ingest.pipeline import process_document
from settings import AnswerSettings, IngestSettings
from tests.assistant.answerers.test_selection import scored

LAW_PLAN = (
    "Regionplan 2026\n\nBarnkonventionen (SFS 2018:1197)\n\n"
    "FN:s konvention om barnets rättigheter gäller som lag i Sverige sedan år 2020.\n"
)


def test_a_heading_that_states_the_answer_is_named_in_the_lead(tmp_path: Path) -> None:
    loaded = LoadedDocument(path=tmp_path / "plan.txt", sha256="4" * 64, text=LAW_PLAN, paged=False)
    (chunk,) = process_document(loaded, IngestSettings(chunk_min_words=5)).chunks
    (sentence,) = scored(chunk, {"FN:s konvention": 0.9})
    heading = "Barnkonventionen (SFS 2018:1197)"
    judgement = Judgement(Expectation(Expected.SFS), [sentence], stating=frozenset({heading}))
    request = AnswerRequest("Vilket SFS-nummer har barnkonventionen?", Scope(None, None), judgement)
    draft = check_grounding(ExtractiveAnswerer(AnswerSettings()).answer(request))
    assert "avsnittet ”Barnkonventionen (SFS 2018:1197)”" in draft.text.splitlines()[0]
    assert [c.quote for c in draft.citations] == [sentence.text]
