"""The durable record of what is indexed: every document with its chunks.

It is the source of truth: `documents --json` reads it, BM25 is rebuilt from it, and search turns
the ids that Chroma and BM25 return back into chunks through it. The other stores get a chunk before
the catalog names it and lose it after, so the catalog never names a chunk that they lack; ids that
the stores have but the catalog lacks (left by a crash) are ignored by search and deleted by the
next writer's first ingest (`consistency.py`).

Where it is kept is a backend's business (`CatalogBackend`): one file per document under the index
directory (`index.catalog_files`, the embedded mode), or one item per document in the Chroma server
(`index.chroma_catalog`, the http mode, shared by every process on that server). Either way a
document's record and its chunks are kept together (`DocumentEntry`), in one atomic write.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from ingest.document import INGEST_VERSION, Chunk, DocumentMeta

CATALOG_VERSION = 1
#: Hex digits of a document id: 64 bits, so ids of a catalog's documents never clash in practice.
DOCUMENT_ID_CHARS = 16


def document_id(path: str) -> str:
    """The name a document goes by outside the server (the web app): a hash of its path, so it
    does not reveal where the file lies, yet stays the same across restarts and when the file is
    changed and indexed again (its path is the catalog's key; its sha256 changes)."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:DOCUMENT_ID_CHARS]


class DocumentRecord(DocumentMeta):
    """One indexed document: its identity (path + sha256), its metadata and its chunk ids."""

    file: str
    path: str = Field(description="Absolute path of the source file: the document's identity.")
    sha256: str
    ingest_version: int = Field(default=1, description="The ingest version of its chunks.")
    chunk_ids: list[str]

    @property
    def id(self) -> str:
        return document_id(self.path)

    def is_current(self, sha256: str) -> bool:
        """Whether this record is of the file with `sha256`, made by the current ingest."""
        return self.sha256 == sha256 and self.ingest_version == INGEST_VERSION

    @classmethod
    def from_chunks(cls, chunks: list[Chunk]) -> DocumentRecord:
        """The record of the document that `chunks` were cut from; they must all share one file."""
        if not chunks:
            raise ValueError("Ett dokument utan textavsnitt kan inte indexeras.")
        first = chunks[0]
        if any(c.path != first.path or c.sha256 != first.sha256 for c in chunks):
            raise ValueError(
                f"{first.file}: textavsnitten kommer från olika filer eller versioner."
            )
        return cls(
            **first.as_meta().model_dump(),
            file=first.file,
            path=first.path,
            sha256=first.sha256,
            ingest_version=first.ingest_version,
            chunk_ids=[c.id for c in chunks],
        )


class ListedEntry(BaseModel):
    """A document as kept, read without its chunks (they are skipped, not built): for listings."""

    version: int = CATALOG_VERSION
    record: DocumentRecord


class DocumentEntry(ListedEntry):
    """One document as kept: its record and its chunks, changed together."""

    chunks: list[Chunk]


class CatalogBackend(Protocol):
    """Where a catalog is kept. `stored` and `removed` are told of one document's change, after the
    catalog in memory has it; each must be atomic."""

    def read(self) -> tuple[list[DocumentRecord], list[Chunk]]:
        """Every document and chunk as kept now."""
        ...

    def changed(self) -> bool:
        """Whether what is kept differs from what was last read or written here: another process
        wrote. Cheap: asked every few seconds."""
        ...

    def stored(self, catalog: Catalog, record: DocumentRecord) -> None: ...

    def removed(self, catalog: Catalog, record: DocumentRecord) -> None: ...


class Catalog:
    """Documents and chunks in memory, kept by `backend` on every change."""

    def __init__(self, backend: CatalogBackend) -> None:
        self._backend = backend
        records, chunks = backend.read()
        self._records = {r.path: r for r in records}
        self._chunks = {c.id: c for c in chunks}

    def changed(self) -> bool:
        """Whether another process changed the kept catalog since this one was read."""
        return self._backend.changed()

    def reloaded(self) -> Catalog:
        """A fresh catalog from the same backend (this one is left as it is, for readers that
        still hold it)."""
        return Catalog(self._backend)

    # --- reading ---------------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        """All documents, sorted by path so listings are stable."""
        return [self._records[p] for p in sorted(self._records)]

    def is_empty(self) -> bool:
        return not self._records

    def document(self, path: str) -> DocumentRecord | None:
        return self._records.get(path)

    def document_by_id(self, document_id: str) -> DocumentRecord | None:
        return next((r for r in self._records.values() if r.id == document_id), None)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    def chunk_ids(self) -> list[str]:
        return [cid for record in self.documents() for cid in record.chunk_ids]

    def chunks_of(self, record: DocumentRecord) -> list[Chunk]:
        """A document's chunks, in document order."""
        return [self._chunks[cid] for cid in record.chunk_ids]

    def chunks(self) -> list[Chunk]:
        """All chunks, document by document (sorted by path), each in document order."""
        return [self._chunks[cid] for record in self.documents() for cid in record.chunk_ids]

    def fingerprint(self) -> str:
        """Changes whenever the indexed chunks or their metadata change; BM25 is checked against
        it."""
        digest = hashlib.sha256()
        for record in self.documents():
            # The version and the metadata too: re-processing or re-labelling a file keeps its
            # chunk ids but changes what BM25 holds and filters on.
            digest.update(f"{record.path}\0{record.sha256}\0{record.ingest_version}\0".encode())
            digest.update(record.as_meta().model_dump_json().encode())
            digest.update("\0".join(record.chunk_ids).encode())
        return digest.hexdigest()

    # --- writing ---------------------------------------------------------------------------

    def check_ids_free(self, record: DocumentRecord) -> None:
        """Chunk ids are global keys in Chroma and BM25: another document must not use them."""
        taken = {
            cid
            for other in self._records.values()
            if other.path != record.path
            for cid in other.chunk_ids
        }
        clashes = taken.intersection(record.chunk_ids)
        if clashes:
            raise ValueError(
                f"{record.file}: textavsnittens id används redan av ett annat dokument "
                f"({sorted(clashes)[0]} …)."
            )
        if len(set(record.chunk_ids)) != len(record.chunk_ids):
            raise ValueError(f"{record.file}: samma id förekommer på flera textavsnitt.")

    def put(self, chunks: list[Chunk]) -> DocumentRecord:
        """Record a document (replacing any older version at the same path) and keep it."""
        record = DocumentRecord.from_chunks(chunks)
        self.check_ids_free(record)
        self._change(record.path, record, chunks, lambda: self._backend.stored(self, record))
        return record

    def remove(self, path: str) -> bool:
        """Forget a document and keep that; False if it was not indexed."""
        record = self._records.get(path)
        if record is None:
            return False
        self._change(path, None, [], lambda: self._backend.removed(self, record))
        return True

    def _change(
        self,
        path: str,
        record: DocumentRecord | None,
        chunks: list[Chunk],
        keep: Callable[[], None],
    ) -> None:
        """Put `record` (None: nothing) at `path` and `keep` the change; if keeping fails (the
        disk is full, the server is gone), the catalog in memory is left as it was, as kept."""
        before = self._records.get(path)
        before_chunks = self.chunks_of(before) if before else []
        self._set(path, record, chunks)
        try:
            keep()
        except BaseException:
            self._set(path, before, before_chunks)
            raise

    def _set(self, path: str, record: DocumentRecord | None, chunks: list[Chunk]) -> None:
        old = self._records.pop(path, None)
        for cid in old.chunk_ids if old else []:
            self._chunks.pop(cid, None)
        if record is not None:
            self._records[path] = record
            self._chunks.update((c.id, c) for c in chunks)


def write_atomically(file: Path, data: bytes) -> None:
    """Replace `file` with `data` so that readers see either the old or the new content."""
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=file.parent, prefix=_temporary_prefix(file), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, file)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def remove_interrupted_writes_of(file: Path) -> None:
    """Delete the temporary files of `write_atomically(file, …)` calls that a crash (`kill -9`)
    cut short between writing and renaming. For a file outside the index, whose leftovers
    `planassistent check --repair` does not look for (an uploaded plan's copy, the saved word
    rarities); a write of `file` under way in another process at the same moment fails."""
    prefix = _temporary_prefix(file)
    if file.parent.is_dir():
        for leftover in file.parent.iterdir():
            if leftover.name.startswith(prefix) and leftover.name.endswith(".tmp"):
                leftover.unlink(missing_ok=True)


def _temporary_prefix(file: Path) -> str:
    # The start of the name only: a 250-byte name plus the temporary suffix would pass the file
    # system's limit of 255 bytes.
    return f".{file.name[:40]}."
