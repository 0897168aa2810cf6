"""Every bad input of issue #12 that can be uploaded, through the app's own upload handlers (the
file chosen, then "Läs in planen"): one Swedish message naming the file and the reason, no
exception, and nothing indexed changes. Inputs that are fine after all are indexed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from app import App
from assistant.composition import build_workspace, open_index
from index.builder import ingest_paths
from index.embedding import Embedder
from index.plan_index import PlanIndex
from settings import Settings
from tests.bad_inputs import INDEXED_PLAN, INDEXED_PLAN_NAME, UPLOADS, BadInput, index_state

pytestmark = pytest.mark.slow


class NoProgress(gr.Progress):
    """Gradio's progress bar, outside a browser event: it shows nothing."""

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("app-data"))


@pytest.fixture(scope="module")
def index(settings: Settings, embedder: Embedder) -> PlanIndex:
    """An index that holds one plan (the one the copy case copies)."""
    index = open_index(settings, embedder)
    plan = settings.data_dir / INDEXED_PLAN_NAME
    plan.write_text(INDEXED_PLAN, encoding="utf-8")
    assert ingest_paths(index, [plan], settings.ingest).added
    return index


@pytest.fixture(scope="module")
def app(settings: Settings, index: PlanIndex) -> App:
    return App(build_workspace(settings, index=index))


@pytest.mark.parametrize("case", UPLOADS, ids=lambda case: case.id)
def test_an_upload_is_refused_naming_the_file_and_its_reason_or_indexed(
    case: BadInput,
    app: App,
    settings: Settings,
    index: PlanIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in case.ingest.items():
        monkeypatch.setattr(settings.ingest, name, value)
    before = index_state(index, settings.index_dir)
    upload = case.build(tmp_path)

    title, municipality, committee, doc_type, year, _, detected = app.detect(str(upload))
    added, _, _ = app.add(str(upload), title, municipality, committee, doc_type, year, NoProgress())

    if case.reason is None:
        assert added.startswith(f"**{upload.name}** är inläst"), added
        texts = [c.text for c in index.chunks() if c.file == upload.name]
        assert texts
        assert case.absent is None or not any(case.absent in text for text in texts)
    else:
        assert detected.startswith("**Filen kan inte läsas in:**") and case.told(detected)
        assert added.startswith("**Planen lästes inte in:**") and case.told(added)
        assert index_state(index, settings.index_dir) == before
