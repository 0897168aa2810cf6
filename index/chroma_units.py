"""The unit vectors kept in the Chroma server (http mode), shared by every process on it.

One item per chunk, id = the chunk id: its vectors as the base64 of their float32 bytes and their
row count, in the metadata (values must be scalars). Per chunk rather than per unit (with the vector
as the item's embedding) because a chunk's rows are then written in one atomic upsert, and because
it was faster: 300 chunks of 8 units took 0.3 s to write against 1.3 s per unit (Chroma indexes
every embedding for search, which these never need), and reading all back took 12 against 200 ms.

Vectors are fetched when first asked for and kept: a chunk id names one text, so they never change
under it; `reloaded` starts over after another process changed the index.
"""

from __future__ import annotations

import base64

import numpy as np
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Metadata

from index.chroma_store import batched, placeholders

#: Appended to the chunk collection's name (`chroma.collection`) for the unit vectors' collection.
UNITS_SUFFIX = "-units"


class ChromaUnitVectors:
    """A `UnitVectorStore` over one Chroma collection; `put` and `drop` keep at once."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection
        self._cache: dict[str, np.ndarray] = {}

    def reloaded(self) -> ChromaUnitVectors:
        return ChromaUnitVectors(self._collection)

    def get(self, chunk_id: str) -> np.ndarray | None:
        if chunk_id not in self._cache:
            self.prefetch([chunk_id])
        return self._cache.get(chunk_id)

    def prefetch(self, chunk_ids: list[str]) -> None:
        missing = [i for i in dict.fromkeys(chunk_ids) if i not in self._cache]
        for batch in batched(missing):
            got = self._collection.get(ids=batch, include=["metadatas"])
            for chunk_id, metadata in zip(got["ids"], got["metadatas"] or [], strict=True):
                self._cache[chunk_id] = _decoded(metadata)

    def counts(self) -> dict[str, int]:
        ids = self._collection.get(include=[])["ids"]
        counts: dict[str, int] = {}
        for batch in batched(ids):
            got = self._collection.get(ids=batch, include=["metadatas"])
            counts.update(
                (i, int(str(m["rows"])))
                for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)
            )
        return counts

    def put(self, chunk_ids: list[str], vectors: list[np.ndarray]) -> None:
        blocks = dict(zip(chunk_ids, vectors, strict=True))
        for batch in batched(chunk_ids):
            self._collection.upsert(
                ids=batch,
                embeddings=placeholders(len(batch)),
                metadatas=[{"rows": len(blocks[i]), "vectors": _encoded(blocks[i])} for i in batch],
            )
        self._cache.update(blocks)

    def drop(self, chunk_ids: list[str]) -> None:
        for batch in batched(chunk_ids):
            self._collection.delete(ids=batch)
        for chunk_id in chunk_ids:
            self._cache.pop(chunk_id, None)

    def save(self) -> None:
        """Nothing to do: `put` and `drop` kept their change."""


def _encoded(vectors: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()).decode()


def _decoded(metadata: Metadata) -> np.ndarray:
    flat = np.frombuffer(base64.b64decode(str(metadata["vectors"])), dtype=np.float32)
    rows = _rows(metadata)
    return flat.reshape(rows, -1) if rows else flat.reshape(0, 0)


def _rows(metadata: Metadata) -> int:
    return int(str(metadata["rows"]))
