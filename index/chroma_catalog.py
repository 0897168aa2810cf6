"""The catalog kept in the Chroma server (http mode): what every process on that server shares.

One item per document, id = the document's id (`DocumentRecord.id`), so two writers never overwrite
each other's documents, and one upsert changes a record and its chunks together. The item's
metadata holds both as one JSON string (`content`), since metadata values must be scalars; its
Chroma document holds only the sha256 of that string (a stamp). Whether another process changed the
catalog is thus read from the ids and stamps alone, one small request every few seconds, and only
the items whose stamp changed are fetched. (The content is a metadata string rather than the Chroma
document because Chroma indexes documents for full-text search: a document's JSON as one took
~10 times longer to write, measured on 300 items of 16 kB.)
"""

from __future__ import annotations

import hashlib

from chromadb.api.models.Collection import Collection
from pydantic import BaseModel

from index.catalog import Catalog, DocumentRecord
from index.chroma_store import batched, placeholders
from ingest.document import Chunk

#: Appended to the chunk collection's name (`chroma.collection`) for the catalog's collection.
CATALOG_SUFFIX = "-catalog"


class _Entry(BaseModel):
    """One document as kept: its record and its chunks."""

    record: DocumentRecord
    chunks: list[Chunk]


class ChromaCatalog:
    """A `CatalogBackend` over one Chroma collection; keeps the entries it read, by stamp."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection
        self._entries: dict[str, tuple[str, _Entry]] = {}

    def read(self) -> tuple[list[DocumentRecord], list[Chunk]]:
        stamps = self._stamps()
        kept = {i: self._entries[i] for i, s in stamps.items() if self._stamp(i) == s}
        for batch in batched([i for i in stamps if i not in kept]):
            got = self._collection.get(ids=batch, include=["documents", "metadatas"])
            for item_id, stamp, metadata in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            ):
                kept[item_id] = (stamp, _Entry.model_validate_json(str(metadata["content"])))
        self._entries = kept
        entries = [entry for _, entry in kept.values()]
        return [e.record for e in entries], [c for e in entries for c in e.chunks]

    def changed(self) -> bool:
        return self._stamps() != {i: stamp for i, (stamp, _) in self._entries.items()}

    def stored(self, catalog: Catalog, record: DocumentRecord) -> None:
        entry = _Entry(record=record, chunks=catalog.chunks_of(record))
        content = entry.model_dump_json()
        stamp = hashlib.sha256(content.encode("utf-8")).hexdigest()
        self._collection.upsert(
            ids=[record.id],
            embeddings=placeholders(1),
            documents=[stamp],
            metadatas=[{"path": record.path, "content": content}],
        )
        self._entries[record.id] = (stamp, entry)

    def removed(self, catalog: Catalog, record: DocumentRecord) -> None:
        self._collection.delete(ids=[record.id])
        self._entries.pop(record.id, None)

    def _stamp(self, item_id: str) -> str | None:
        entry = self._entries.get(item_id)
        return entry[0] if entry else None

    def _stamps(self) -> dict[str, str]:
        got = self._collection.get(include=["documents"])
        return dict(zip(got["ids"], got["documents"] or [], strict=True))
