"""The app over a shared index (a Chroma server): an open page follows the plans that other
processes add, through its timer, and sends nothing while the index is unchanged."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from app import ALL, App
from assistant.composition import build_workspace, open_index
from index.embedding import Embedder
from settings import ChromaSettings
from tests.index.test_server_mode import eventually, ingest_elsewhere, settings_in
from tests.index.test_writer_lock import FIRST_PLAN, plan

pytestmark = pytest.mark.slow


def test_an_open_page_follows_the_plans_another_process_adds(
    tmp_path: Path, chroma: ChromaSettings, embedder: Embedder
) -> None:
    settings = settings_in(tmp_path / "here", chroma)
    app = App(build_workspace(settings, index=open_index(settings, embedder)))
    app.build()  # the page, with its timer: on a shared index it follows other processes
    shown = app.workspace.generation()
    filters: tuple[str, str, str, list[str], list[int]] = (ALL, ALL, ALL, [], [])
    unchanged = app.follow(shown, *filters)
    assert unchanged[0] == shown and all(
        isinstance(sent, type(gr.skip())) for sent in unchanged[1:]
    )

    ingest_elsewhere(tmp_path, chroma, str(plan(tmp_path / "plans", "vaxholm.txt", FIRST_PLAN)))

    eventually(lambda: app.follow(shown, *filters)[0] != shown)
    _, *updates = app.follow(shown, *filters)
    document_rows = updates[7]  # in the order of `App.refresh`: the document table is the 8th
    assert [row[-1] for row in document_rows] == ["vaxholm.txt"]
