"""The catalog kept in the Chroma server (http mode): what every process on that server shares.

One item per document, id = the document's id (`DocumentRecord.id`), so two writers never overwrite
each other's documents, and one upsert changes a record and its chunks together. The item's
metadata holds both as one JSON string (`content`), since metadata values must be scalars; its
Chroma document holds the sha256 of that string (its stamp), so that a reader fetches only the
items whose stamp changed. (The content is a metadata string rather than the Chroma document
because Chroma indexes documents for full-text search: a document's JSON as one took ~10 times
longer to write, measured on 300 items of 16 kB.)

Whether another process changed the catalog is asked every few seconds, so it must be cheap:
reading the stamps is not (0.25–0.6 s for 200 documents of 200 kB: the server reads whole items),
reading the ids and the collection's metadata is (~5 ms each). So every write ends by putting a
new random token in the collection's metadata (`written`): a token or a set of ids other than the
last seen means someone wrote, and only then are the stamps read. The token is written after the
item, so a reader that sees it finds the item. A writer that dies in between is caught by the ids
when it added or removed a document, but not when it replaced one (same id): so a put writes a
token before the item too, which every reader that had read the catalog before it will see. (One
that looked between that token and the item misses the item of a writer that then died.)
"""

from __future__ import annotations

import hashlib
import uuid

import chromadb

from index.catalog import Catalog, DocumentEntry, DocumentRecord
from index.chroma_store import batched, placeholders, record_collection
from ingest.document import Chunk

#: Appended to the chunk collection's name (`chroma.collection`) for the catalog's collection.
CATALOG_SUFFIX = "-catalog"
#: The key of the collection metadata that every write changes.
WRITTEN_KEY = "written"


class ChromaCatalog:
    """A `CatalogBackend` over one Chroma collection; keeps the entries it read, by stamp."""

    def __init__(self, client: chromadb.api.ClientAPI, name: str) -> None:
        self._client = client
        self._name = name
        self._collection = record_collection(client, name)
        self._entries: dict[str, tuple[str, DocumentEntry]] = {}
        self._seen_token: str | None = None

    def read(self) -> tuple[list[DocumentRecord], list[Chunk]]:
        self._seen_token = self._token()
        stamps = self._stamps()
        kept = {i: self._entries[i] for i, s in stamps.items() if self._stamp(i) == s}
        for batch in batched([i for i in stamps if i not in kept]):
            got = self._collection.get(ids=batch, include=["documents", "metadatas"])
            for item_id, stamp, metadata in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            ):
                kept[item_id] = (stamp, DocumentEntry.model_validate_json(str(metadata["content"])))
        self._entries = kept
        entries = [entry for _, entry in kept.values()]
        return [e.record for e in entries], [c for e in entries for c in e.chunks]

    def changed(self) -> bool:
        token = self._token()
        ids = set(self._collection.get(include=[])["ids"])
        if token == self._seen_token and ids == self._entries.keys():
            return False
        # Someone wrote, maybe only this process: the stamps tell.
        self._seen_token = token
        return self._stamps() != {i: stamp for i, (stamp, _) in self._entries.items()}

    def stored(self, catalog: Catalog, record: DocumentRecord) -> None:
        entry = DocumentEntry(record=record, chunks=catalog.chunks_of(record))
        content = entry.model_dump_json()
        stamp = hashlib.sha256(content.encode("utf-8")).hexdigest()
        self._announce()  # in case this process dies before the token after the item
        self._collection.upsert(
            ids=[record.id],
            embeddings=placeholders(1),
            documents=[stamp],
            metadatas=[{"path": record.path, "content": content}],
        )
        self._entries[record.id] = (stamp, entry)
        self._announce()

    def removed(self, catalog: Catalog, record: DocumentRecord) -> None:
        self._collection.delete(ids=[record.id])
        self._entries.pop(record.id, None)
        self._announce()

    def _announce(self) -> None:
        """Tell the other processes that the catalog changed. The token is not marked as seen
        here: another process's token may have been replaced by this one unseen."""
        self._collection.modify(metadata={WRITTEN_KEY: uuid.uuid4().hex})

    def _token(self) -> str | None:
        metadata = self._client.get_collection(self._name, embedding_function=None).metadata
        token = (metadata or {}).get(WRITTEN_KEY)
        return None if token is None else str(token)

    def _stamp(self, item_id: str) -> str | None:
        entry = self._entries.get(item_id)
        return entry[0] if entry else None

    def _stamps(self) -> dict[str, str]:
        got = self._collection.get(include=["documents"])
        return dict(zip(got["ids"], got["documents"] or [], strict=True))
