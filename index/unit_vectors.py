"""Embeddings of every chunk's units (sentences, list items, table rows), computed once at ingest.

The answerer re-scores the sentences of the best passages against the question; embedding them per
question would cost far more than the whole latency budget, so they are stored here. In the
embedded mode: one `.npz` file per document version under `index_dir/units/` (ids, row counts,
float32 matrix), written atomically, named by the chunk ids' common part (their content hash), so
that adding or removing a plan writes or deletes one small file instead of rewriting every plan's
vectors (600 MB at 50,000 chunks), and a reader loads only the documents its questions reach. In
http mode they are kept in the Chroma server (`index.chroma_units`), behind the same
`UnitVectorStore` interface.

Indexes made before keep their vectors without re-embedding: the former single file
(`unit_vectors.npz`) and the two-file layout before it are read while present, and the first write
splits them into the folder and then deletes them (a crash in between leaves the old file, which
still wins, so nothing is half-moved).
"""

from __future__ import annotations

import io
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

from index.catalog import write_atomically
from ingest.document import LIST_MARKER, Chunk, leads_in
from ingest.pipeline import chunk_version

UNITS_DIR = "units"
#: The former layouts, still read: one file, and before it a matrix and a row map (replaced one
#: after the other, so a crash between the two writes paired the rows of one version with the
#: matrix of another).
SINGLE_FILE = "unit_vectors.npz"
LEGACY_FILES = ("unit_vectors.npy", "unit_rows.json")
#: Documents whose vectors a reader keeps loaded: a question reaches a few dozen.
CACHED_DOCUMENTS = 512

Vectors = dict[str, np.ndarray]


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
    """The unit vectors as one file per document version, loaded when first asked for."""

    def __init__(self, index_dir: Path, legacy: Vectors | None = None) -> None:
        self._index_dir = index_dir
        self._folder = index_dir / UNITS_DIR
        #: The vectors of a former layout, while its file is there: it wins over the folder.
        self._legacy = legacy
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, index_dir: Path) -> UnitVectors:
        return cls(index_dir, _legacy_vectors(index_dir))

    def reloaded(self) -> UnitVectors:
        return UnitVectors.load(self._index_dir)

    # --- reading -----------------------------------------------------------------------------

    def get(self, chunk_id: str) -> np.ndarray | None:
        if self._legacy is not None:
            return self._legacy.get(chunk_id)
        return self._group(chunk_version(chunk_id)).get(chunk_id)

    def prefetch(self, chunk_ids: list[str]) -> None:
        """Nothing to do: a document's file is read at its first `get` (about a millisecond)."""

    def counts(self) -> dict[str, int]:
        if self._legacy is not None:
            return {chunk_id: len(block) for chunk_id, block in self._legacy.items()}
        counts: dict[str, int] = {}
        for file in sorted(self._folder.glob("*.npz")):
            with np.load(file, allow_pickle=False) as stored:  # the matrix is not read
                counts.update(zip(map(str, stored["ids"]), map(int, stored["counts"]), strict=True))
        return counts

    def _group(self, group: str) -> Vectors:
        # Read under the lock: a reader that read a file before a write replaced it must not put
        # the old vectors in the cache after the writer put the new ones there.
        with self._lock:
            vectors = self._cache.get(group)
            if vectors is None:
                vectors = _read(self._folder / f"{group}.npz")
            self._remember(group, vectors)
            return vectors

    def _remember(self, group: str, vectors: Vectors) -> None:
        self._cache[group] = vectors
        self._cache.move_to_end(group)
        while len(self._cache) > CACHED_DOCUMENTS:
            self._cache.popitem(last=False)

    # --- writing: each changed document's file at once ----------------------------------------

    def put(self, chunk_ids: list[str], vectors: list[np.ndarray]) -> None:
        self._migrate()
        for group, blocks in _by_group(zip(chunk_ids, vectors, strict=True)).items():
            self._write(group, {**self._group(group), **blocks})

    def drop(self, chunk_ids: list[str]) -> None:
        self._migrate()
        for group, dropped in _by_group((i, None) for i in chunk_ids).items():
            kept = {i: v for i, v in self._group(group).items() if i not in dropped}
            self._write(group, kept)

    def save(self) -> None:
        """`put` and `drop` kept their change; only a former layout no write split yet is left."""
        self._migrate()

    def _write(self, group: str, vectors: Vectors) -> None:
        file = self._folder / f"{group}.npz"
        if vectors:
            write_atomically(file, _encoded(vectors))
        else:
            file.unlink(missing_ok=True)
        with self._lock:
            self._remember(group, vectors)

    def _migrate(self) -> None:
        """Split a former layout's file into the folder, then delete it (see the module doc)."""
        if self._legacy is None:
            return
        legacy, self._legacy = self._legacy, None
        groups = _by_group(legacy.items())
        for stale in set(self._folder.glob("*.npz")) - {self._folder / f"{g}.npz" for g in groups}:
            stale.unlink()  # left by a migration that a crash cut short, after a change
        for group, vectors in groups.items():
            self._write(group, vectors)
        for name in (SINGLE_FILE, *LEGACY_FILES):
            (self._index_dir / name).unlink(missing_ok=True)


def _by_group(items: Iterable[tuple[str, np.ndarray | None]]) -> dict[str, dict]:
    groups: dict[str, dict] = {}
    for chunk_id, vectors in items:
        groups.setdefault(chunk_version(chunk_id), {})[chunk_id] = vectors
    return groups


def _encoded(vectors: Vectors) -> bytes:
    blocks = list(vectors.values())
    buffer = io.BytesIO()
    np.savez(
        buffer,
        ids=np.array(list(vectors), dtype=np.str_),
        counts=np.array([len(b) for b in blocks], dtype=np.int64),
        vectors=np.vstack(blocks).astype(np.float32),
    )
    return buffer.getvalue()


def _read(file: Path) -> Vectors:
    """A file's vectors per chunk id; none if there is no file (nothing stored for it)."""
    try:
        with np.load(file, allow_pickle=False) as stored:
            ids, counts, matrix = stored["ids"], stored["counts"], stored["vectors"]
    except FileNotFoundError:
        return {}
    ends = np.cumsum(counts)
    return {
        str(chunk_id): matrix[end - count : end]
        for chunk_id, count, end in zip(ids, counts, ends, strict=True)
    }


def _legacy_vectors(index_dir: Path) -> Vectors | None:
    """The vectors of a former layout, if its file is there (a two-file pair that disagrees is
    left to `index.consistency`, which compares every chunk's row count with its units)."""
    if (index_dir / SINGLE_FILE).exists():
        return _read(index_dir / SINGLE_FILE)
    matrix_file, rows_file = (index_dir / name for name in LEGACY_FILES)
    if not (matrix_file.exists() and rows_file.exists()):
        return None
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
        if leads_in(unit):
            lead_in = unit
        elif not is_item:
            lead_in = heading
    return texts
