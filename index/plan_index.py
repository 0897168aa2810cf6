"""The index facade that the CLI and the assistant use: add, remove, list and search plans.

Four stores sit behind it, each in its own module: the catalog (source of truth, `catalog.py`),
Chroma (dense vectors, `chroma_store.py`), the unit vectors (`unit_vectors.py`) and BM25
(`lexical.py`, rebuilt from the catalog). Each store's write is atomic, and they are ordered so that
the catalog only names chunks that every store holds: an added chunk goes to Chroma and the unit
vectors before the catalog names it, a removed one leaves them after the catalog forgot it. A crash
at any moment therefore leaves at worst orphans (and a stale BM25), which `consistency.py` finds and
the next ingest removes (with a Chroma server, `check --repair`: see `index.builder`). Everything
expensive is opened on first use: listing documents loads no model (nor, embedded, Chroma).

Embedded (`chroma.mode`), all four stores are files and Chroma's database under the index
directory, and only one process writes to an index at a time (`writer_lock.py`); reading takes no
lock, and a reader sees what was saved when it opened the index. With a Chroma server (http), the
catalog (`chroma_catalog.py`) and the unit vectors (`chroma_units.py`) live in the server too, one
item per document and per chunk, so any number of processes read and write them: each checks at
most every `chroma.refresh_seconds` whether another changed the catalog, and if so reloads it and
rebuilds BM25 (kept in memory only) from it. `generation` counts the changes a process has seen, for
whatever it derives from the chunks. `PlanIndex.open` is the one place that chooses the backends.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.core.vector_stores.utils import build_metadata_filter_fn
from pydantic import BaseModel, Field

from index.catalog import Catalog, DocumentRecord
from index.catalog_files import open_catalog
from index.chroma_catalog import CATALOG_SUFFIX, ChromaCatalog
from index.chroma_store import (
    ChromaChunkStore,
    chunk_metadata,
    indexed_text,
    open_client,
    open_collection,
    record_collection,
)
from index.chroma_units import UNITS_SUFFIX, ChromaUnitVectors
from index.embedding import Embedder
from index.fusion import RankFusion
from index.lexical import LexicalIndex
from index.llama_embedding import LazyEmbedding
from index.unit_vectors import UnitVectors, UnitVectorStore, embedding_texts
from index.writer_lock import IndexBusy, WriterLock, busy_message
from ingest.document import Chunk
from settings import Settings

logger = logging.getLogger(__name__)

#: Batches per call to the embedder at ingest: big enough to sort by length, small enough for a
#: progress bar that moves.
EMBED_SLICE_BATCHES = 8

#: Called after each embedded slice with (texts embedded so far, texts in the document): the
#: chunks and their units.
ProgressCallback = Callable[[int, int], None]
#: The same for documents embedded together: (document path, its texts embedded so far, its texts),
#: after each slice that held texts of that document.
DocumentsProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EmbeddedDocument:
    """A document's chunks with their vectors (`PlanIndex.embed_documents`), ready to be written
    by `PlanIndex.add_embedded`."""

    chunks: list[Chunk]
    #: One row per chunk: its header and text.
    passages: np.ndarray
    #: Per chunk, one row per unit.
    units: list[np.ndarray]


class SearchHit(BaseModel):
    """One passage found by `PlanIndex.search`."""

    rank: int = Field(description="1-based position in the result list.")
    score: float = Field(
        description="Reciprocal-rank-fusion score of BM25 and dense: higher is better."
    )
    chunk: Chunk


def metadata_filters(
    municipality: str | None = None,
    year: int | None = None,
    doc_type: str | None = None,
    path: str | None = None,
    *,
    organisation: str | None = None,
    paths: Sequence[str] | None = None,
) -> MetadataFilters | None:
    """Filters on the chunk metadata: exact matches, and `paths` for a set of documents; None when
    nothing restricts the search."""
    wanted = {
        "organisation": organisation,
        "municipality": municipality,
        "year": year,
        "doc_type": doc_type,
        "path": path,
    }
    filters = [
        MetadataFilter(key=key, value=value) for key, value in wanted.items() if value is not None
    ]
    if paths is not None:
        filters.append(MetadataFilter(key="path", value=list(paths), operator=FilterOperator.IN))
    return MetadataFilters(filters=list(filters)) if filters else None


class PlanIndex:
    """Hybrid (Chroma + BM25) index of plan chunks under `settings.index_dir`."""

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        units: UnitVectorStore,
        embed_model: LazyEmbedding,
        *,
        shared: bool,
    ) -> None:
        self._settings = settings
        self._index_dir = settings.index_dir
        self._catalog = catalog
        self._embed_model = embed_model
        # Writes to the stores one at a time, and lazy loading done once under concurrent searches.
        self._lock = threading.RLock()
        #: Held while BM25 is loaded or rebuilt, outside `_lock`: taken before it, never after.
        self._rebuilding = threading.Lock()
        self._lexical: LexicalIndex | None = None
        self._lexical_ready = False
        self._units = units
        #: Other processes may write too (a Chroma server): follow them, take no writer lock.
        self._shared = shared
        self._writer = WriterLock(settings.index_dir)
        self._refused: str | None = None
        self._stores_checked = False
        self._generation = 0
        self._checked_at = time.monotonic()

    @classmethod
    def open(cls, settings: Settings, embedder_factory: Callable[[], Embedder]) -> PlanIndex:
        """Open (or create) the index; the embedder is built only when text must be embedded."""
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        embed_model = LazyEmbedding(embedder_factory, batch_size=settings.embedding.batch_size)
        if settings.chroma.mode == "http":
            client = open_client(settings.chroma, settings.index_dir)
            name = settings.chroma.collection
            catalog = Catalog(ChromaCatalog(client, name + CATALOG_SUFFIX))
            units = ChromaUnitVectors(record_collection(client, name + UNITS_SUFFIX))
            return cls(settings, catalog, units, embed_model, shared=True)
        catalog, units_here = open_catalog(settings.index_dir), UnitVectors.load(settings.index_dir)
        return cls(settings, catalog, units_here, embed_model, shared=False)

    @cached_property
    def _store(self) -> ChromaChunkStore:
        with self._lock:
            collection = open_collection(self._settings.chroma, self._index_dir)
            return ChromaChunkStore(collection, self._embed_model)

    # --- who writes --------------------------------------------------------------------------

    def claim_writing(self) -> None:
        """Become the one process that writes to this index, for as long as this object lives
        (or until `release_writing`). Every write claims it; call it first to fail early.

        Raises IndexBusy if another process writes to it, and again on every later claim: what
        this object read (the catalog, Chroma's in-memory state) may be stale by then, so it stays
        a reader; open a new index to write. A shared index (a Chroma server) has any number of
        writers: each claim reads what the others wrote, and nothing is refused.
        """
        with self._lock:
            if self._shared:
                self._follow()
                return
            if self._writer.taken:
                return
            if self._refused is None and not self._writer.acquire():
                self._refused = busy_message(self._settings, self._writer.holder())
            if self._refused is not None:
                raise IndexBusy(self._refused)
            # The catalog was read when the index was opened, maybe before the last writer's save.
            self._reload()
            self._stores_checked = False

    @property
    def stores_checked(self) -> bool:
        """Whether the stores were compared with the catalog since this object became the writer.
        Once is enough: only a writer that died before it can have left them out of step, and
        while this one writes no other can."""
        return self._stores_checked

    def mark_stores_checked(self) -> None:
        self._stores_checked = True

    def refresh(self) -> int:
        """Read what other processes wrote to a shared index, if `chroma.refresh_seconds` have
        passed since the last look; returns `generation`. If the server cannot be asked, what was
        read last is kept (a listing goes on working; a search will say what is wrong)."""
        if self._due():
            with self._lock:
                if self._due():  # unless another thread looked while this one waited
                    try:
                        self._follow()
                    except Exception as error:  # chromadb raises many kinds
                        logger.warning("Kunde inte läsa ändringar från Chroma-servern: %s", error)
        return self._generation

    def _due(self) -> bool:
        waited = time.monotonic() - self._checked_at
        return self._shared and waited >= self._settings.chroma.refresh_seconds

    @property
    def shared(self) -> bool:
        """Whether other processes may write to this index as well (it lives in a Chroma
        server)."""
        return self._shared

    @property
    def generation(self) -> int:
        """Goes up whenever the indexed documents change, here or (shared) in another process:
        what is derived from `chunks()` is stale when it was derived at another generation."""
        return self._generation

    def _follow(self) -> None:
        """Reload the catalog and what derives from it if another process changed it."""
        self._checked_at = time.monotonic()
        if self._catalog.changed():
            self._reload()

    def _reload(self) -> None:
        # New objects rather than changes in place: a search under way keeps reading the old ones.
        self._catalog = self._catalog.reloaded()
        self._units = self._units.reloaded()
        self._changed()

    def _changed(self) -> None:
        self._lexical_ready = False
        self._generation += 1

    def release_writing(self) -> None:
        with self._lock:
            self._writer.release()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """This index's writer for the block (a command); raises IndexBusy."""
        self.claim_writing()
        try:
            yield
        finally:
            self.release_writing()

    @property
    def write_refusal(self) -> str | None:
        """Why this object may not write (Swedish), if a claim was refused."""
        return self._refused

    # --- documents ---------------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        self.refresh()
        return self._catalog.documents()

    def chunks(self) -> list[Chunk]:
        return self._catalog.chunks()

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._catalog.chunk(chunk_id)

    def document(self, path: str | Path) -> DocumentRecord | None:
        """The indexed document whose source file is at `path`, if any."""
        return self._catalog.document(str(path))

    def document_by_id(self, document_id: str) -> DocumentRecord | None:
        """The indexed document whose `DocumentRecord.id` is `document_id`, if any."""
        return self._catalog.document_by_id(document_id)

    def fingerprint(self) -> str:
        """Changes whenever the indexed chunks or their metadata change: what is derived from
        them (BM25, the assistant's word rarities) is saved with it."""
        return self._catalog.fingerprint()

    def has_document(self, path: str | Path, sha256: str) -> bool:
        """True if this exact version (same content hash) of the file at `path` is indexed, as the
        current ingest makes it."""
        record = self.document(path)
        return record is not None and record.is_current(sha256)

    def add_document(
        self, chunks: list[Chunk], progress: ProgressCallback | None = None
    ) -> DocumentRecord:
        """Index one document's chunks, replacing any older version at the same path.

        An unchanged document (same path, sha256 and ingest version) is left as it is and nothing
        is embedded.
        """
        self.claim_writing()
        existing = self._current_or_check(chunks)
        if existing is not None:
            return existing
        on_slice = None if progress is None else lambda _path, done, total: progress(done, total)
        # Embedding is the slow part (seconds per document): outside the lock, searches go on.
        [embedded] = self.embed_documents([chunks], on_slice)
        return self.add_embedded(embedded)

    def embed_documents(
        self, documents: list[list[Chunk]], progress: DocumentsProgress | None = None
    ) -> list[EmbeddedDocument]:
        """The vectors of several documents' chunks and units, for `add_embedded` to write (this
        writes nothing). One pass sorted by length over them all: with a pass per document and
        kind of text, fewer texts of a length share a batch (the example plans took 37.8 s so,
        27.7 s in one pass). The documents must have different paths."""
        flat = [chunk for chunks in documents for chunk in chunks]
        passages, units = self._embed(flat, flat, progress)
        embedded, start = [], 0
        for chunks in documents:
            end = start + len(chunks)
            embedded.append(EmbeddedDocument(chunks, passages[start:end], units[start:end]))
            start = end
        return embedded

    def add_embedded(self, document: EmbeddedDocument) -> DocumentRecord:
        """Index a document embedded by `embed_documents`, as `add_document` does."""
        self.claim_writing()
        existing = self._current_or_check(document.chunks)
        if existing is not None:
            return existing
        chunks, record = document.chunks, DocumentRecord.from_chunks(document.chunks)
        replaced = self._catalog.document(record.path)
        with self._lock:
            self._store.put(chunks, document.passages)
            self._units.put(record.chunk_ids, document.units)
            self._units.save()
            stored = self._catalog.put(chunks)
            if replaced is not None:
                self._drop_from_stores(sorted(set(replaced.chunk_ids) - set(record.chunk_ids)))
            # Stale only now, after the slow saves: until then searches go on with the previous
            # BM25 rather than rebuilding it themselves (see `_lexical_index`).
            self._changed()
            return stored

    def _current_or_check(self, chunks: list[Chunk]) -> DocumentRecord | None:
        """The indexed record if this version of the document is indexed already; else None,
        after checking that its chunks can be stored (raises ValueError)."""
        record = DocumentRecord.from_chunks(chunks)
        existing = self._catalog.document(record.path)
        if existing is not None and existing.is_current(record.sha256):
            return existing
        self._catalog.check_ids_free(record)
        return None

    def remove_document(self, path: str | Path) -> bool:
        """Remove a document from every store; False if it was not indexed."""
        self.claim_writing()
        with self._lock:
            return self._forget(str(path))

    def prune_missing(self) -> list[str]:
        """Remove the documents whose source files no longer exist; returns their paths."""
        self.claim_writing()
        with self._lock:
            gone = [r.path for r in self._catalog.documents() if not Path(r.path).exists()]
            for path in gone:
                self._forget(path)
            return gone

    def _forget(self, path: str) -> bool:
        record = self._catalog.document(path)
        if record is None:
            return False
        self._catalog.remove(path)
        self._drop_from_stores(record.chunk_ids)
        self._changed()  # after the slow saves, as in `add_document`
        return True

    def _drop_from_stores(self, chunk_ids: list[str]) -> None:
        """Delete chunks that the catalog no longer names from Chroma and the unit vectors."""
        self._store.delete_ids(chunk_ids)
        self._units.drop(chunk_ids)
        self._units.save()

    def _embed(
        self,
        passages_of: list[Chunk],
        units_of: list[Chunk],
        progress: DocumentsProgress | None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Vectors for the passages (header + text) of `passages_of` and for each of `units_of`'s
        units, all encoded in one pass."""
        unit_texts = [embedding_texts(c) for c in units_of]
        texts = [indexed_text(c) for c in passages_of] + [t for ts in unit_texts for t in ts]
        owners = [c.path for c in passages_of] + [
            c.path for c, ts in zip(units_of, unit_texts, strict=True) for _ in ts
        ]
        vectors = self._embed_similar_lengths(texts, owners, progress)
        passages, offset = vectors[: len(passages_of)], len(passages_of)
        units = []
        for texts_of_chunk in unit_texts:
            # A copy: the store keeps it, and a view would keep the whole group's matrix alive.
            units.append(vectors[offset : offset + len(texts_of_chunk)].copy())
            offset += len(texts_of_chunk)
        return passages, units

    def _embed_similar_lengths(
        self, texts: list[str], owners: list[str], progress: DocumentsProgress | None
    ) -> np.ndarray:
        """Encode in slices of similar length: a short sentence batched with a 400-token chunk is
        padded to 400 tokens, which made ingest 40 % slower than the model's own rate. After each
        slice, `progress` hears of every document (`owners`: the path of each text) it held."""
        embedder = self._embed_model.embedder
        vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        step = self._settings.embedding.batch_size * EMBED_SLICE_BATCHES
        totals, done = Counter(owners), Counter[str]()
        for start in range(0, len(texts), step):
            picked = order[start : start + step]
            vectors[picked] = embedder.embed_passages([texts[i] for i in picked])
            if progress is not None:
                in_slice = Counter(owners[i] for i in picked)
                done.update(in_slice)
                for path in sorted(in_slice):
                    progress(path, done[path], totals[path])
        return vectors

    def unit_vectors(self, chunk_id: str) -> np.ndarray | None:
        """The vectors of a chunk's units (rows in `Chunk.units` order); None if not stored."""
        return self._units.get(chunk_id)

    def embed_query(self, query: str) -> list[float]:
        return self._embed_model.get_query_embedding(query)

    # --- consistency of the stores with the catalog (see `index.consistency`) ---------------

    def dense_chunk_ids(self) -> set[str]:
        """The chunk ids Chroma holds."""
        return set(self._store.ids())

    def unit_vector_counts(self) -> dict[str, int]:
        """Per chunk id with stored unit vectors: how many rows it has."""
        return self._units.counts()

    def lexical_is_current(self) -> bool:
        """Whether the saved BM25 index is the catalog's (none saved for an empty catalog). A
        shared index saves none: each process builds its own from the catalog it read."""
        if self._shared:
            return True
        expected = None if self._catalog.is_empty() else self._catalog.fingerprint()
        return LexicalIndex.saved_fingerprint(self._index_dir) == expected

    def drop_orphans(self, dense: list[str], units: list[str]) -> None:
        """Delete chunk ids that the catalog does not name from Chroma and the unit vectors."""
        with self._lock:
            if set(self._catalog.chunk_ids()).intersection(dense, units):
                raise ValueError("Bara id som katalogen saknar kan tas bort.")
            self._store.delete_ids(dense)
            if units:
                self._units.drop(units)
                self._units.save()

    def restore(self, dense: list[Chunk], units: list[Chunk]) -> None:
        """Embed and store the passages of `dense` in Chroma and the units of `units` beside the
        catalog: the catalog's chunks that those stores lack (or hold wrongly)."""
        passages, unit_vectors = self._embed(dense, units, None)
        with self._lock:
            if dense:
                self._store.put(dense, passages)
            if units:
                self._units.put([c.id for c in units], unit_vectors)
                self._units.save()

    def interrupted_writes(self) -> list[str]:
        """What writes cut short by a crash left: every store writes under a hidden name first
        (`write_atomically`, `LexicalIndex.save`) and renames it into place."""
        return sorted(str(p.relative_to(self._index_dir)) for p in self._leftovers())

    def _leftovers(self) -> list[Path]:
        """Hidden files and folders in the index directory and in its folders (the documents',
        the unit vectors', BM25's), where writes put their temporary files."""
        return [*self._index_dir.glob(".*"), *self._index_dir.glob("*/.*")]

    def remove_interrupted_writes(self) -> None:
        # Under both locks: then no write of this process (a BM25 rebuild) is under way.
        with self._rebuilding, self._lock:
            for leftover in self._leftovers():
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()

    def refresh_lexical(self) -> None:
        """Rebuild BM25 now unless the saved one is the catalog's: after an ingest, a removal or
        a crash, so that no question has to wait for it. A shared index keeps its BM25 in memory
        only: it is rebuilt when a change here or elsewhere made it stale."""
        stale = not self._lexical_ready if self._shared else not self.lexical_is_current()
        if stale:
            self._update_lexical()

    # --- BM25 --------------------------------------------------------------------------------

    def _lexical_index(self) -> LexicalIndex | None:
        """The BM25 index of the catalog: loaded from disk, or rebuilt if missing or stale.

        Writes only mark BM25 stale, so ingesting a folder of documents rebuilds it once rather
        than per document: the writer when it is done (`refresh_lexical`), else a search. A
        search waits only when there is no BM25 yet: else it starts the rebuild in the background
        (if none is under way) and goes on with the previous BM25 (the dense half finds the new
        passages; ids the catalog no longer has are dropped). A search that rebuilt in its own
        thread made questions asked during an upload at 50,000 chunks wait 7.6 s.
        """
        lexical = self._lexical
        if self._lexical_ready:
            return lexical
        if lexical is None:
            return self._update_lexical()
        if not self._rebuilding.locked():
            threading.Thread(target=self._rebuild_in_background, name="bm25", daemon=True).start()
        return lexical

    def _rebuild_in_background(self) -> None:
        try:
            self._update_lexical()
        except Exception:  # the previous BM25 serves on; the next search tries again
            logger.exception("BM25 kunde inte byggas om")

    def _update_lexical(self) -> LexicalIndex | None:
        """Load or rebuild BM25 for the catalog as it is now; one thread at a time."""
        with self._rebuilding:
            with self._lock:
                if self._lexical_ready:
                    return self._lexical  # another thread did it while this one waited
                fingerprint, chunks = self._catalog.fingerprint(), self._catalog.chunks()
            lexical = (
                None
                if self._shared
                else LexicalIndex.load(self._index_dir, self._settings.lexical, fingerprint, chunks)
            )
            if lexical is None:
                lexical = self._rebuilt_lexical(chunks, fingerprint)
            with self._lock:
                # A write during the rebuild leaves it stale: it serves until the next one.
                self._lexical = lexical
                self._lexical_ready = self._catalog.fingerprint() == fingerprint
            return lexical

    def _rebuilt_lexical(self, chunks: list[Chunk], fingerprint: str) -> LexicalIndex | None:
        started = time.perf_counter()
        # Saved only when embedded: processes on one Chroma server may share a data directory,
        # and two of them swapping in their BM25 folders at once could lose both.
        if not chunks:
            if not self._shared:
                LexicalIndex.remove_saved(self._index_dir)
            return None
        lexical = LexicalIndex.build(chunks, self._settings.lexical, previous=self._lexical)
        if not self._shared:
            lexical.save(self._index_dir, fingerprint)
        logger.debug(
            "BM25 rebuilt: %d chunks in %.3f s", len(chunks), time.perf_counter() - started
        )
        return lexical

    # --- search ------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int,
        municipality: str | None = None,
        year: int | None = None,
        doc_type: str | None = None,
        embedding: list[float] | None = None,
        path: str | None = None,
        *,
        organisation: str | None = None,
        paths: Sequence[str] | None = None,
        best_of_each: bool = False,
    ) -> list[SearchHit]:
        """The `k` best chunks: reciprocal rank fusion of dense and BM25 candidates, optionally
        from one document (`path`) or a set of them (`paths`; empty: none); with `best_of_each`,
        followed by the dense and the BM25 search's own best chunk if the fusion ranks it lower
        (`index.fusion`). Pass the query's `embedding` if the caller has it already (see
        `embed_query`)."""
        self.refresh()
        if not query.strip() or self._catalog.is_empty() or (paths is not None and not paths):
            return []
        started = time.perf_counter()
        if embedding is None:
            embedding = self.embed_query(query)
        embedded = time.perf_counter()
        filters = metadata_filters(
            municipality, year, doc_type, path, organisation=organisation, paths=paths
        )
        fusion = RankFusion(self._retrievers(filters), k, best_of_each)
        # The precomputed embedding stops the dense retriever from embedding the query again.
        fused = fusion.retrieve(QueryBundle(query_str=query, embedding=embedding))
        hits = self._to_hits(fused, filters)
        self._units.prefetch([hit.chunk.id for hit in hits])
        logger.debug(
            "search: embed %.1f ms, retrieve+fuse %.1f ms",
            (embedded - started) * 1000,
            (time.perf_counter() - embedded) * 1000,
        )
        return hits

    def _retrievers(self, filters: MetadataFilters | None) -> list[BaseRetriever]:
        candidates = self._settings.search.candidates
        retrievers = [self._store.retriever(candidates, filters)]
        lexical = self._lexical_index()
        lexical_retriever = lexical.retriever(candidates, filters) if lexical else None
        if lexical_retriever is not None:
            retrievers.append(lexical_retriever)
        return retrievers

    def _to_hits(
        self, fused: list[NodeWithScore], filters: MetadataFilters | None
    ) -> list[SearchHit]:
        """Chunks from the catalog for the fused node ids: ids the catalog lacks are skipped, and
        so are chunks whose metadata in the catalog no longer matches `filters` (a BM25 built
        before a plan was re-labelled serves until its rebuild is done)."""
        catalog = self._catalog
        chunks = [(catalog.chunk(hit.node.node_id), hit.score or 0.0) for hit in fused]

        def metadata(chunk_id: str) -> dict[str, str | int]:
            chunk = catalog.chunk(chunk_id)
            return chunk_metadata(chunk) if chunk is not None else {}

        matches = build_metadata_filter_fn(metadata, filters) if filters is not None else None
        found = [
            (chunk, score)
            for chunk, score in chunks
            if chunk is not None and (matches is None or matches(chunk.id))
        ]
        return [
            SearchHit(rank=rank, score=score, chunk=chunk)
            for rank, (chunk, score) in enumerate(found, start=1)
        ]
