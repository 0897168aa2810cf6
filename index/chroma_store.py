"""The dense half of the index: chunks and their embeddings in a Chroma collection.

Writes and queries go through llama-index's `ChromaVectorStore`. The client and the collection are
made with chromadb directly, because `ChromaVectorStore` can neither choose the distance (we want
cosine; Chroma's default is L2) nor refuse Chroma's default embedding function (which downloads a
model): we always pass our own embeddings. Counting and listing ids also use the collection
directly: `ChromaVectorStore.get_nodes` would rebuild whole nodes just to read their ids.
"""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaClientSettings
from llama_index.core import VectorStoreIndex
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import MetadataFilters
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.document import Chunk
from settings import ChromaSettings

#: Where the embedded (PersistentClient) database lives, under the index directory.
CHROMA_DIR = "chroma"
#: Chroma metadata values must be scalars, never None: a missing string is "", a missing number -1.
MISSING_TEXT = ""
MISSING_NUMBER = -1
#: How a chunk's list of laws is stored as one metadata string.
LAWS_SEPARATOR = "; "


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """The chunk's metadata, flat and without None, as Chroma requires; filters use these keys."""
    return {
        "file": chunk.file,
        "path": chunk.path,
        "sha256": chunk.sha256,
        "title": chunk.title,
        "organisation": chunk.organisation or MISSING_TEXT,
        "municipality": chunk.municipality or MISSING_TEXT,
        "committee": chunk.committee or MISSING_TEXT,
        "doc_type": chunk.doc_type or MISSING_TEXT,
        "year": chunk.year if chunk.year is not None else MISSING_NUMBER,
        "section": chunk.section_path,
        "page": chunk.page if chunk.page is not None else MISSING_NUMBER,
        "start": chunk.start,
        "end": chunk.end,
        "laws": LAWS_SEPARATOR.join(chunk.laws),
    }


def indexed_text(chunk: Chunk) -> str:
    """What is embedded and BM25-indexed: the header (municipality, title, section) and the text."""
    return f"{chunk.header}\n{chunk.text}"


def chunk_node(chunk: Chunk) -> TextNode:
    """The llama-index node of a chunk, shared by Chroma and BM25.

    Both stores must build identical nodes: QueryFusionRetriever merges hits by `node.hash` (text +
    metadata). Metadata is excluded from the embedded/indexed content (BM25 indexes
    `get_content(MetadataMode.EMBED)`), since the header already carries what matters. The source
    relationship makes the document's path the node's `ref_doc_id`.
    """
    metadata = chunk_metadata(chunk)
    return TextNode(
        id_=chunk.id,
        text=indexed_text(chunk),
        metadata=metadata,
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=list(metadata),
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.path)},
    )


def open_client(settings: ChromaSettings, index_dir: Path) -> chromadb.api.ClientAPI:
    """The Chroma client settings name: on disk under `index_dir`, or of a `chroma run` server."""
    client_settings = ChromaClientSettings(anonymized_telemetry=False)
    if settings.mode == "http":
        return chromadb.HttpClient(host=settings.host, port=settings.port, settings=client_settings)
    return chromadb.PersistentClient(path=str(index_dir / CHROMA_DIR), settings=client_settings)


def open_collection(settings: ChromaSettings, index_dir: Path) -> Collection:
    """The collection of chunk vectors named in settings."""
    return open_client(settings, index_dir).get_or_create_collection(
        settings.collection,
        configuration={"hnsw": {"space": "cosine"}},
        embedding_function=None,
    )


def record_collection(client: chromadb.api.ClientAPI, name: str) -> Collection:
    """A collection used as a table of records (`chroma_catalog`, `chroma_units`), never searched
    by vector: each item gets a `placeholder` embedding, since Chroma wants one per item and would
    otherwise download a model to compute it."""
    return client.get_or_create_collection(name, embedding_function=None)


def placeholders(count: int) -> np.ndarray:
    """The embeddings of `count` items in a record collection: one constant dimension."""
    return np.ones((count, 1), dtype=np.float32)


#: Items per request when a record collection is read or written in bulk.
RECORD_BATCH = 100


def batched(items: list[str], size: int = RECORD_BATCH) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


class ChromaChunkStore:
    """Adds, deletes and finds chunk vectors in one Chroma collection."""

    def __init__(self, collection: Collection, embed_model: BaseEmbedding) -> None:
        self._collection = collection
        self._vector_store = ChromaVectorStore(chroma_collection=collection)
        # Built once: VectorStoreIndex wants an embed_model (else it reaches for OpenAI), but it is
        # only asked to embed when a query arrives without a precomputed embedding.
        self._index = VectorStoreIndex.from_vector_store(
            self._vector_store, embed_model=embed_model
        )

    def put(self, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        """Store chunks with their passage embeddings (one row per chunk, same order), replacing
        entries with the same ids: Chroma's `add` would silently keep the old ones."""
        if len(chunks) != len(embeddings):
            raise ValueError(f"{len(chunks)} textavsnitt men {len(embeddings)} vektorer.")
        nodes: list[BaseNode] = [chunk_node(c) for c in chunks]
        for node, vector in zip(nodes, embeddings, strict=True):
            node.embedding = vector.tolist()
        self._collection.delete(ids=[c.id for c in chunks])
        self._vector_store.add(nodes)

    def delete_ids(self, chunk_ids: list[str]) -> None:
        if chunk_ids:
            self._collection.delete(ids=chunk_ids)

    def ids(self) -> list[str]:
        """Every chunk id in the collection."""
        return self._collection.get(include=[])["ids"]

    def ids_of_document(self, path: str) -> list[str]:
        return self._collection.get(where={"path": path}, include=[])["ids"]

    def count(self) -> int:
        return self._collection.count()

    def retriever(self, top_k: int, filters: MetadataFilters | None) -> BaseRetriever:
        """A retriever for the `top_k` nearest chunks (cosine) that match `filters`."""
        return self._index.as_retriever(similarity_top_k=top_k, filters=filters)
