"""Text embeddings: one small interface, and the sentence-transformers implementation behind it."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors. Prefixes (e5's ``query: ``/``passage: ``) are the
    implementation's business: callers pass plain text."""

    @property
    def dimension(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """One row per text, float32, L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One vector, float32, L2-normalised."""
        ...
