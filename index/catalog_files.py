"""The catalog of the embedded mode: one JSON file per document under `index_dir/documents/`.

Each file holds a document's record and its chunks (`DocumentEntry`), is named by the document's id
and is replaced atomically, so a record and its chunks change together even if the process dies
mid-write, and adding or removing a plan writes or deletes one file instead of rewriting the whole
catalog (84 MB at 50,000 chunks). A reader re-parses only the files that changed since it last read.

Indexes made before keep working: the former single file (`catalog.json`) is read while it is
there, and the first write splits it into the folder and then deletes it. A crash in between leaves
it in place, and it still wins, so a half-done split is never read (the next split removes what it
left).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, Field

from index.catalog import (
    CATALOG_VERSION,
    Catalog,
    DocumentEntry,
    DocumentRecord,
    ListedEntry,
    write_atomically,
)
from ingest.document import Chunk
from settings import Settings

if TYPE_CHECKING:
    from index.embedding import Embedder

DOCUMENTS_DIR = "documents"
#: The former layout: every document and chunk in one file.
SINGLE_FILE = "catalog.json"

#: A file's identity: a rename puts a new inode in place.
_Stat = tuple[int, int, int]


class _SingleFileRecords(BaseModel):
    """The former single file read without its chunks (they are skipped, not built)."""

    version: int = CATALOG_VERSION
    documents: list[DocumentRecord] = Field(default_factory=list)


class _SingleFile(_SingleFileRecords):
    chunks: list[Chunk] = Field(default_factory=list)


_Shape = TypeVar("_Shape", bound=BaseModel)


def _parsed(file: Path, shape: type[_Shape]) -> _Shape:
    """`file` read as `shape`; a file of another catalog version is refused."""
    stored = shape.model_validate_json(file.read_bytes())
    version = getattr(stored, "version", CATALOG_VERSION)
    if version != CATALOG_VERSION:
        raise ValueError(f"{file}: okänd katalogversion {version}.")
    return stored


def open_catalog(index_dir: Path) -> Catalog:
    """The catalog under `index_dir`; an empty catalog if nothing was indexed yet."""
    return Catalog(CatalogFolder(index_dir))


def read_documents(index_dir: Path) -> list[DocumentRecord]:
    """The indexed documents, sorted by path, without building their chunks: five times faster
    than reading the whole catalog."""
    single = index_dir / SINGLE_FILE
    if single.exists():
        records = _parsed(single, _SingleFileRecords).documents
    else:
        files = _entry_files(index_dir / DOCUMENTS_DIR)
        records = [entry.record for entry in _still_there(files, ListedEntry)]
    return sorted(records, key=lambda record: record.path)


def listed_documents(settings: Settings) -> list[DocumentRecord]:
    """The indexed documents, reading no more than a listing needs: the catalog files without
    their chunks, and without importing the index's heavy modules (1.5 s); a shared index's
    catalog lives in the server, so that one is asked through the index."""
    if settings.chroma.mode != "http":
        return read_documents(settings.index_dir)
    from index.plan_index import PlanIndex  # heavy: only for a shared index

    return PlanIndex.open(settings, _embeds_nothing).documents()


def _embeds_nothing() -> Embedder:
    raise RuntimeError("En listning av dokumenten bäddar inte in någon text.")


def _entry_files(folder: Path) -> list[Path]:
    """The documents' files; hidden ones are temporary files of writes under way or cut short."""
    return sorted(f for f in folder.glob("*.json") if not f.name.startswith("."))


class CatalogFolder:
    """A `CatalogBackend` over `index_dir/documents/` (and a former `catalog.json`)."""

    def __init__(self, index_dir: Path) -> None:
        self._single = index_dir / SINGLE_FILE
        self._folder = index_dir / DOCUMENTS_DIR
        self._entries: dict[Path, tuple[_Stat, DocumentEntry]] = {}
        self._seen: tuple[_Stat | None, _Stat | None] | None = None

    def read(self) -> tuple[list[DocumentRecord], list[Chunk]]:
        self._seen = self._state()
        if self._single.exists():
            stored = _parsed(self._single, _SingleFile)
            return stored.documents, stored.chunks
        kept: dict[Path, tuple[_Stat, DocumentEntry]] = {}
        for file in _entry_files(self._folder):
            try:
                kept[file] = self._entry(file)
            except FileNotFoundError:
                continue  # removed by a writer since the folder was listed
        self._entries = kept
        entries = [entry for _, entry in kept.values()]
        return [e.record for e in entries], [c for e in entries for c in e.chunks]

    def _entry(self, file: Path) -> tuple[_Stat, DocumentEntry]:
        stat = file.stat()
        known = self._entries.get(file)
        if known is not None and known[0] == _identity(stat):
            return known
        return _identity(stat), _parsed(file, DocumentEntry)

    def changed(self) -> bool:
        return self._state() != self._seen

    def stored(self, catalog: Catalog, record: DocumentRecord) -> None:
        if self._split(catalog):
            return
        self._write(DocumentEntry(record=record, chunks=catalog.chunks_of(record)))

    def removed(self, catalog: Catalog, record: DocumentRecord) -> None:
        if not self._split(catalog):
            (self._folder / f"{record.id}.json").unlink(missing_ok=True)
        self._seen = self._state()

    def write(self, records: list[DocumentRecord], chunks: list[Chunk]) -> None:
        """Write a whole catalog (of an empty index): each record with its chunks."""
        by_id = {c.id: c for c in chunks}
        for record in records:
            self._write(DocumentEntry(record=record, chunks=[by_id[i] for i in record.chunk_ids]))

    def _write(self, entry: DocumentEntry) -> None:
        write_atomically(self._folder / f"{entry.record.id}.json", entry.model_dump_json().encode())
        self._seen = self._state()

    def _split(self, catalog: Catalog) -> bool:
        """If the former single file is there, write `catalog` (which holds the change) as the
        folder, then delete the file; whether it was there."""
        if not self._single.exists():
            return False
        named = {self._folder / f"{record.id}.json" for record in catalog.documents()}
        for stale in set(_entry_files(self._folder)) - named:
            stale.unlink()
        self.write(catalog.documents(), catalog.chunks())
        self._single.unlink()
        self._seen = self._state()
        return True

    def _state(self) -> tuple[_Stat | None, _Stat | None]:
        """Changes whenever a document's file is written or deleted: each is a rename or an
        unlink in the folder, which changes the folder's modification time."""
        return _stat(self._single), _stat(self._folder)


def _stat(path: Path) -> _Stat | None:
    try:
        return _identity(path.stat())
    except FileNotFoundError:
        return None


def _identity(stat: os.stat_result) -> _Stat:
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _still_there(files: list[Path], shape: type[_Shape]) -> list[_Shape]:
    """`files` read as `shape`, but for those a writer removed since the folder was listed."""
    read = []
    for file in files:
        try:
            read.append(_parsed(file, shape))
        except FileNotFoundError:
            continue
    return read
