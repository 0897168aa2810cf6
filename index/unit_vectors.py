"""Embeddings of every chunk's units (sentences, list items, table rows), computed once at ingest.

The answerer re-scores the sentences of the best passages against the question; embedding them per
question would cost far more than the whole latency budget, so they are stored here: one float32
matrix and, per chunk, where its rows are. Written atomically beside the catalog.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from index.catalog import write_atomically
from ingest.document import LIST_MARKER, Chunk

VECTORS_FILE = "unit_vectors.npy"
ROWS_FILE = "unit_rows.json"


class UnitVectors:
    def __init__(self, index_dir: Path, vectors: dict[str, np.ndarray]) -> None:
        self._index_dir = index_dir
        self._vectors = vectors

    @classmethod
    def load(cls, index_dir: Path) -> UnitVectors:
        rows_file = index_dir / ROWS_FILE
        if not rows_file.exists():
            return cls(index_dir, {})
        matrix = np.load(index_dir / VECTORS_FILE)
        rows: dict[str, list[int]] = json.loads(rows_file.read_text(encoding="utf-8"))
        vectors = {chunk_id: matrix[start:end] for chunk_id, (start, end) in rows.items()}
        return cls(index_dir, vectors)

    def get(self, chunk_id: str) -> np.ndarray | None:
        """The chunk's unit vectors, one row per unit in `Chunk.units` order."""
        return self._vectors.get(chunk_id)

    def put(self, chunk_ids: list[str], vectors: list[np.ndarray]) -> None:
        self._vectors.update(zip(chunk_ids, vectors, strict=True))

    def drop(self, chunk_ids: list[str]) -> None:
        for chunk_id in chunk_ids:
            self._vectors.pop(chunk_id, None)

    def save(self) -> None:
        rows: dict[str, tuple[int, int]] = {}
        offset = 0
        for chunk_id, block in self._vectors.items():
            rows[chunk_id] = (offset, offset + len(block))
            offset += len(block)
        blocks = list(self._vectors.values())
        matrix = np.vstack(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)
        buffer = io.BytesIO()
        np.save(buffer, matrix.astype(np.float32))
        self._index_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self._index_dir / VECTORS_FILE, buffer.getvalue())
        write_atomically(self._index_dir / ROWS_FILE, json.dumps(rows).encode("utf-8"))


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
