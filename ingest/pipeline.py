"""A loaded document → its metadata, cleaned text and chunks. Pure: no index, no model."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ingest.blocks import build_blocks
from ingest.chunking import Span, chunk_spans
from ingest.cleaning import clean_lines
from ingest.document import INGEST_VERSION, Chunk, DocumentMeta, IngestError, LoadedDocument
from ingest.laws import find_laws, law_labels
from ingest.metadata import MetaOverrides, apply_overrides, detect_metadata
from ingest.sections import section_blocks
from ingest.tables import PlacedTables, build_tables, chunk_tables, spacing_of
from settings import IngestSettings


@dataclass(frozen=True)
class ProcessedDocument:
    meta: DocumentMeta
    #: The cleaned, rendered text; chunk spans point into it.
    text: str
    chunks: list[Chunk]


def process_document(
    loaded: LoadedDocument, settings: IngestSettings, overrides: MetaOverrides | None = None
) -> ProcessedDocument:
    lines = clean_lines(loaded.text, repeated_layer_min_share=settings.repeated_layer_min_share)
    sectioned = section_blocks(build_tables(build_blocks(lines), spacing_of(loaded.text)))
    if not sectioned.blocks:
        raise IngestError(
            loaded.path, "ingen löptext kvar efter rensning – bara rubriker eller skräp"
        )
    meta = detect_metadata(sectioned.text)
    if overrides is not None:
        meta = apply_overrides(meta, overrides)
    spans = chunk_spans(
        sectioned.blocks,
        sectioned.text,
        max_words=settings.chunk_max_words,
        min_words=settings.chunk_min_words,
    )
    ids = [chunk_id(loaded.sha256, ordinal) for ordinal in range(len(spans))]
    starts = [span.start for span in spans]

    def chunk_at(offset: int) -> str | None:
        position = bisect_right(starts, offset) - 1
        return ids[position] if position >= 0 and offset < spans[position].end else None

    tables = PlacedTables(sectioned.blocks)
    chunks = [
        _chunk(loaded, meta, sectioned.text, chunk_id, span, tables, chunk_at)
        for chunk_id, span in zip(ids, spans, strict=True)
    ]
    return ProcessedDocument(meta, sectioned.text, chunks)


def chunk_id(sha256: str, ordinal: int) -> str:
    """The id of a document's chunk: its content hash and its place in the document."""
    return f"{sha256[:16]}-{ordinal:04d}"


def chunk_ordinal(chunk_id: str) -> int:
    """The place of a chunk in its document, from its id."""
    return int(_id_parts(chunk_id)[1])


def chunk_version(chunk_id: str) -> str:
    """The document version a chunk was cut from (its content hash), from its id."""
    return _id_parts(chunk_id)[0]


def _id_parts(chunk_id: str) -> list[str]:
    return chunk_id.rsplit("-", 1)


def _chunk(
    loaded: LoadedDocument,
    meta: DocumentMeta,
    text: str,
    chunk_id: str,
    span: Span,
    tables: PlacedTables,
    chunk_at: Callable[[int], str | None],
) -> Chunk:
    start, end = span.start, span.end
    body = text[start:end]
    return Chunk(
        id=chunk_id,
        ingest_version=INGEST_VERSION,
        file=loaded.path.name,
        path=str(loaded.path.resolve()),
        sha256=loaded.sha256,
        **meta.model_dump(),
        section=list(span.section),
        page=span.page if loaded.paged else None,
        start=start,
        end=end,
        laws=law_labels(find_laws(body)),
        text=body,
        units=[(unit_start - start, unit_end - start) for unit_start, unit_end in span.units],
        tables=chunk_tables(tables, start, end, chunk_at),
    )
