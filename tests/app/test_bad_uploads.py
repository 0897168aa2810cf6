"""Every bad input of issue #12 that can be uploaded, through the app's own upload handlers (the
file received and named by a token, then detected, then "Läs in planen"): one Swedish message
naming the file and the reason, no exception, and nothing indexed changes. Inputs that are fine
after all are indexed. A token that was never given is told in Swedish, never followed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from app import App
from assistant.composition import build_workspace, open_index
from assistant.uploads import UNKNOWN
from index.builder import ingest_paths
from index.embedding import Embedder
from index.plan_index import PlanIndex
from settings import Settings
from tests.bad_inputs import (
    INDEXED_PLAN,
    INDEXED_PLAN_NAME,
    UPLOADS,
    BadInput,
    index_state,
    plan_text,
)

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

    token = stage(app, upload)

    title, municipality, committee, doc_type, year, _, detected = app.detect(token)
    added, _, _ = app.add(token, title, municipality, committee, doc_type, year, NoProgress())

    if case.reason is None:
        assert added.startswith(f"**{upload.name}** är inläst"), added
        texts = [c.text for c in index.chunks() if c.file == upload.name]
        assert texts
        assert case.absent is None or not any(case.absent in text for text in texts)
    else:
        assert detected.startswith("**Filen kan inte läsas in:**") and case.told(detected)
        assert added.startswith("**Planen lästes inte in:**") and case.told(added)
        assert index_state(index, settings.index_dir) == before
    assert not (settings.staging_dir / token).exists()  # added or refused, it is not kept


def stage(app: App, upload: Path) -> str:
    """Receive a file as the upload route does, in pieces, and return its token."""
    with (
        upload.open("rb") as file,
        app.staging.receive(upload.name, upload.stat().st_size, 500) as receiving,
    ):
        for piece in iter(lambda: file.read(1 << 20), b""):
            receiving.write(piece)
    assert receiving.staged is not None
    return receiving.staged.token


@pytest.mark.parametrize(
    "token",
    [
        "x" * 43,  # shaped like a token, never given
        "../../etc/passwd",
        "../ale-verksamhetsplan.txt",  # a real file, beside the staging folder
        "/etc/passwd",
        "%2e%2e%2fetc%2fpasswd",
        "",
    ],
    ids=["okand", "upp-ur-mappen", "grannmapp", "absolut", "kodad", "tom"],
)
def test_a_token_that_was_never_given_is_told_and_never_followed(
    token: str, app: App, settings: Settings, index: PlanIndex
) -> None:
    before = index_state(index, settings.index_dir)
    *fields, add_button, detected = app.detect(token)
    assert fields == ["", "", "", "", ""] and add_button["interactive"] is False
    if not token:  # nothing chosen: nothing to tell
        assert detected == ""
        return
    assert detected == f"**Filen kan inte läsas in:** {UNKNOWN}"
    added, _, _ = app.add(token, "Titel", "", "", "", "", NoProgress())
    assert added == f"**Planen lästes inte in:** {UNKNOWN}"
    assert index_state(index, settings.index_dir) == before


def test_a_used_token_is_not_found_again(app: App, settings: Settings, tmp_path: Path) -> None:
    plan = tmp_path / "ystad-uppdragsplan.txt"
    plan.write_text(plan_text("Ystads kommun", "uppsökande äldrestöd"), encoding="utf-8")
    token = stage(app, plan)
    title, municipality, committee, doc_type, year, _, _ = app.detect(token)
    added, _, _ = app.add(token, title, municipality, committee, doc_type, year, NoProgress())
    assert added.startswith(f"**{plan.name}** är inläst")
    assert app.detect(token)[-1] == f"**Filen kan inte läsas in:** {UNKNOWN}"
