"""Our `Embedder` as a llama-index embedding model, loaded on first use.

llama-index components (VectorStoreIndex, its retriever) need a `BaseEmbedding`; without one they
fall back to OpenAI. This adapter gives them ours, and defers building the model until a vector is
really asked for, so that opening the index (e.g. to list documents) never loads a model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import PrivateAttr

from index.embedding import Embedder

EmbedderFactory = Callable[[], Embedder]


class LazyEmbedding(BaseEmbedding):
    """A llama-index `BaseEmbedding` over an `Embedder` built by a factory on first use.

    Queries go to `embed_query`, texts to `embed_passages`: the embedder adds e5's prefixes itself.
    """

    _factory: EmbedderFactory = PrivateAttr()
    _embedder: Embedder | None = PrivateAttr(default=None)
    # The web app warms the model up in the background while a first question may arrive.
    _loading: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, factory: EmbedderFactory, batch_size: int = 16) -> None:
        super().__init__(model_name="planassistenten-embedder", embed_batch_size=batch_size)
        self._factory = factory

    @classmethod
    def class_name(cls) -> str:
        return "LazyEmbedding"

    @property
    def is_loaded(self) -> bool:
        return self._embedder is not None

    @property
    def embedder(self) -> Embedder:
        """The wrapped embedder, built on first access (once, however many threads ask)."""
        if self._embedder is None:
            with self._loading:
                if self._embedder is None:
                    self._embedder = self._factory()
        return self._embedder

    def _get_query_embedding(self, query: str) -> Embedding:
        vector: list[float] = self.embedder.embed_query(query).tolist()
        return vector

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        vectors: list[list[float]] = self.embedder.embed_passages(texts).tolist()
        return vectors
