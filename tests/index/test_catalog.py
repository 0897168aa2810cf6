"""Listing documents reads the catalog without building its chunks, and lists the same."""

from __future__ import annotations

from pathlib import Path

from index.catalog import Catalog, read_documents
from ingest.document import LoadedDocument
from ingest.pipeline import process_document
from settings import IngestSettings

PLAN = """Plan för äldreomsorgen 2025

Hemtjänst

Hemtjänsten ger stöd i hemmet. Trygghetslarm installeras inom tre dagar.
"""


def test_documents_are_read_as_the_catalog_lists_them(tmp_path: Path) -> None:
    assert read_documents(tmp_path) == []
    catalog = Catalog.load(tmp_path)
    for name in ("b.txt", "a.txt"):
        loaded = LoadedDocument(path=tmp_path / name, sha256=name[0] * 64, text=PLAN, paged=False)
        catalog.put(process_document(loaded, IngestSettings(chunk_min_words=5)).chunks)
    assert read_documents(tmp_path) == Catalog.load(tmp_path).documents()
    assert [r.file for r in read_documents(tmp_path)] == ["a.txt", "b.txt"]
