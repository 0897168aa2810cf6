"""Embeddings of every chunk's units (sentences, list items, table rows), computed once at ingest.

The answerer re-scores the sentences of the best passages against the question; embedding them per
question would cost far more than the whole latency budget, so they are stored here: one float32
matrix and, per chunk, its id and row count, all in ONE `.npz` file written atomically beside the
catalog. (Matrix and row map used to be two files replaced one after the other: a crash between the
two writes paired the rows of one version with the matrix of another and silently gave unchanged
chunks wrong vectors.) That is the embedded mode; in http mode they are kept in the Chroma server
(`index.chroma_units`), behind the same `UnitVectorStore` interface.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Protocol

import numpy as np

from index.catalog import write_atomically
from ingest.document import LIST_MARKER, Chunk

VECTORS_FILE = "unit_vectors.npz"
#: The former two-file layout (matrix, row map): still read, so an index built before keeps its
#: vectors without re-embedding; removed at the first save.
LEGACY_FILES = ("unit_vectors.npy", "unit_rows.json")


class UnitVectorStore(Protocol):
    """Where the unit vectors are kept. `put` and `drop` may keep at once or at `save`."""

    def get(self, chunk_id: str) -> np.ndarray | None:
        """The chunk's unit vectors, one row per unit in `Chunk.units` order."""
        ...

    def prefetch(self, chunk_ids: list[str]) -> None:
        """Make `get` of these ids fast: a search's passages are scored next."""
        ...

    def counts(self) -> dict[str, int]:
        """Per chunk id: how many unit vectors are stored."""
        ...

    def put(self, chunk_ids: list[str], vectors: list[np.ndarray]) -> None: ...

    def drop(self, chunk_ids: list[str]) -> None: ...

    def save(self) -> None: ...

    def reloaded(self) -> UnitVectorStore:
        """The store as another process may have left it."""
        ...


class UnitVectors:
    """The unit vectors in one file beside the catalog, all in memory."""

    def __init__(self, index_dir: Path, vectors: dict[str, np.ndarray]) -> None:
        self._index_dir = index_dir
        self._vectors = vectors

    @classmethod
    def load(cls, index_dir: Path) -> UnitVectors:
        file = index_dir / VECTORS_FILE
        if not file.exists():
            return cls(index_dir, _legacy_vectors(index_dir))
        with np.load(file, allow_pickle=False) as stored:
            ids, counts, matrix = stored["ids"], stored["counts"], stored["vectors"]
        ends = np.cumsum(counts)
        vectors = {
            str(chunk_id): matrix[end - count : end]
            for chunk_id, count, end in zip(ids, counts, ends, strict=True)
        }
        return cls(index_dir, vectors)

    def reloaded(self) -> UnitVectors:
        return UnitVectors.load(self._index_dir)

    def counts(self) -> dict[str, int]:
        return {chunk_id: len(block) for chunk_id, block in self._vectors.items()}

    def get(self, chunk_id: str) -> np.ndarray | None:
        return self._vectors.get(chunk_id)

    def prefetch(self, chunk_ids: list[str]) -> None:
        """Nothing to do: all vectors are in memory."""

    def put(self, chunk_ids: list[str], vectors: list[np.ndarray]) -> None:
        self._vectors.update(zip(chunk_ids, vectors, strict=True))

    def drop(self, chunk_ids: list[str]) -> None:
        for chunk_id in chunk_ids:
            self._vectors.pop(chunk_id, None)

    def save(self) -> None:
        """Write ids, row counts and vectors as one file, atomically."""
        blocks = list(self._vectors.values())
        matrix = np.vstack(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)
        buffer = io.BytesIO()
        np.savez(
            buffer,
            ids=np.array(list(self._vectors), dtype=np.str_),
            counts=np.array([len(b) for b in blocks], dtype=np.int64),
            vectors=matrix.astype(np.float32),
        )
        write_atomically(self._index_dir / VECTORS_FILE, buffer.getvalue())
        for name in LEGACY_FILES:
            (self._index_dir / name).unlink(missing_ok=True)


def _legacy_vectors(index_dir: Path) -> dict[str, np.ndarray]:
    """The vectors of the former two-file layout, if there is one (a pair that disagrees is left
    to `index.consistency`, which compares every chunk's row count with its units)."""
    matrix_file, rows_file = (index_dir / name for name in LEGACY_FILES)
    if not (matrix_file.exists() and rows_file.exists()):
        return {}
    matrix = np.load(matrix_file, allow_pickle=False)
    rows: dict[str, list[int]] = json.loads(rows_file.read_text(encoding="utf-8"))
    return {chunk_id: matrix[start:end] for chunk_id, (start, end) in rows.items()}


def embedding_texts(chunk: Chunk) -> list[str]:
    """What is embedded for each unit: the unit with the context a reader would have. A list item
    carries its lead-in ("… avser tjänstegarantierna:"), a table row the table's caption, unit
    and column labels ("Budget 2025") or its lead-in sentence, anything else (a table's header
    too) its section heading."""
    heading = chunk.section[-1] if chunk.section else chunk.title
    texts, lead_in = [], heading
    for (start, _), unit in zip(chunk.units, chunk.unit_texts(), strict=True):
        table = chunk.table_at(start)
        if table is not None and start != (table.header_span or (-1,))[0]:
            texts.append(f"{heading}: {table.context}: {unit}")
            continue
        is_item = bool(LIST_MARKER.match(unit))
        texts.append(f"{lead_in if is_item else heading}: {unit}")
        if unit.rstrip().endswith(":"):
            lead_in = unit
        elif not is_item:
            lead_in = heading
    return texts
