"""Every bad input of issue #12, ingested into an index that already holds a plan: each is refused
with its own reason and nothing indexed changes. Inputs that are fine after all are indexed."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.builder import collect_files, ingest_paths
from index.embedding import Embedder
from index.plan_index import PlanIndex
from settings import Settings
from tests.bad_inputs import (
    CASES,
    INDEXED_PLAN,
    INDEXED_PLAN_NAME,
    REFUSED,
    BadInput,
    index_state,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def index(settings: Settings, embedder: Embedder, tmp_path: Path) -> PlanIndex:
    """An index that holds one plan."""
    index = PlanIndex.open(settings, lambda: embedder)
    plan = tmp_path / INDEXED_PLAN_NAME
    plan.write_text(INDEXED_PLAN, encoding="utf-8")
    assert ingest_paths(index, [plan], settings.ingest).added
    return index


def ingest_case(case: BadInput, folder: Path, index: PlanIndex, settings: Settings) -> list[str]:
    limits = settings.ingest.model_copy(update=case.ingest)
    report = ingest_paths(index, [case.build(folder)], limits)
    return [str(error) for error in report.failed]


def test_no_bad_input_changes_the_index(
    index: PlanIndex, settings: Settings, tmp_path: Path
) -> None:
    before = index_state(index, settings.index_dir)
    folder = tmp_path / "dåliga"
    folder.mkdir()

    failures = {case.id: ingest_case(case, folder, index, settings) for case in REFUSED}

    told = {case.id: [case.told(message) for message in failures[case.id]] for case in REFUSED}
    assert told == {case.id: [True] for case in REFUSED}, failures
    assert index_state(index, settings.index_dir) == before


def test_the_inputs_that_are_fine_after_all_are_indexed(
    index: PlanIndex, settings: Settings, tmp_path: Path
) -> None:
    fine = [case for case in CASES if case.reason is None]

    report = ingest_paths(index, [case.build(tmp_path) for case in fine], settings.ingest)

    assert report.failed == []
    for case in fine:
        texts = [chunk.text for chunk in index.chunks() if chunk.file == case.name]
        assert texts, case.id
        assert case.absent is None or not any(case.absent in text for text in texts)


def test_a_folder_names_its_links_that_lead_nowhere(tmp_path: Path) -> None:
    folder = tmp_path / "planer"
    folder.mkdir()
    (folder / "plan.txt").write_text(INDEXED_PLAN, encoding="utf-8")
    (folder / "slinga.txt").symlink_to(folder / "slinga.txt")
    (folder / "saknad.pdf").symlink_to(tmp_path / "borta.pdf")
    (folder / "varv").symlink_to(folder)  # a folder inside itself: read once

    files, errors = collect_files([folder])

    assert files == [folder / "plan.txt"]
    assert sorted(str(error) for error in errors) == [
        "saknad.pdf: länken leder inte till någon fil (en bruten länk, eller länkar i en slinga)",
        "slinga.txt: länken leder inte till någon fil (en bruten länk, eller länkar i en slinga)",
    ]
