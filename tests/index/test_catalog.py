"""The embedded catalog: a file per document; listing reads it without building the chunks and
lists the same; a former single-file catalog is read and split at the first write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from unittest.mock import patch

from index.catalog import remove_interrupted_writes_of, write_atomically
from index.catalog_files import DOCUMENTS_DIR, SINGLE_FILE, open_catalog, read_documents
from ingest.document import LoadedDocument
from ingest.pipeline import process_document
from settings import IngestSettings

PLAN = """Plan för äldreomsorgen 2025

Hemtjänst

Hemtjänsten ger stöd i hemmet. Trygghetslarm installeras inom tre dagar.
"""


def test_documents_are_read_as_the_catalog_lists_them(tmp_path: Path) -> None:
    assert read_documents(tmp_path) == []
    catalog = open_catalog(tmp_path)
    for name in ("b.txt", "a.txt"):
        loaded = LoadedDocument(path=tmp_path / name, sha256=name[0] * 64, text=PLAN, paged=False)
        catalog.put(process_document(loaded, IngestSettings(chunk_min_words=5)).chunks)
    assert read_documents(tmp_path) == open_catalog(tmp_path).documents()
    assert [r.file for r in read_documents(tmp_path)] == ["a.txt", "b.txt"]


def plan_chunks(folder: Path, name: str) -> list:
    loaded = LoadedDocument(path=folder / name, sha256=name[0] * 64, text=PLAN, paged=False)
    return process_document(loaded, IngestSettings(chunk_min_words=5)).chunks


def test_each_document_is_one_file_and_a_change_rewrites_only_its_own(tmp_path: Path) -> None:
    catalog = open_catalog(tmp_path)
    a, b = catalog.put(plan_chunks(tmp_path, "a.txt")), catalog.put(plan_chunks(tmp_path, "b.txt"))
    folder = tmp_path / DOCUMENTS_DIR
    assert sorted(f.name for f in folder.iterdir()) == sorted([f"{a.id}.json", f"{b.id}.json"])
    kept = (folder / f"{a.id}.json").stat()

    catalog.remove(b.path)

    assert [f.name for f in folder.iterdir()] == [f"{a.id}.json"]
    assert (folder / f"{a.id}.json").stat() == kept
    assert open_catalog(tmp_path).chunks() == catalog.chunks()


def test_a_reader_notices_a_writers_change(tmp_path: Path) -> None:
    writer = open_catalog(tmp_path)
    reader = open_catalog(tmp_path)
    assert not reader.changed()

    writer.put(plan_chunks(tmp_path, "a.txt"))

    assert reader.changed()
    assert [r.file for r in reader.reloaded().documents()] == ["a.txt"]
    assert not writer.changed(), "its own write is no change to the writer"


def test_a_single_file_catalog_is_read_and_split_at_the_first_write(tmp_path: Path) -> None:
    before = open_catalog(tmp_path)
    first = before.put(plan_chunks(tmp_path, "a.txt"))
    single = {"version": 1, "documents": [first.model_dump()], "chunks": []}
    single["chunks"] = [c.model_dump() for c in before.chunks()]
    shutil.rmtree(tmp_path / DOCUMENTS_DIR)
    (tmp_path / SINGLE_FILE).write_text(json.dumps(single), encoding="utf-8")
    (tmp_path / DOCUMENTS_DIR).mkdir()
    (tmp_path / DOCUMENTS_DIR / "left-by-a-cut-short-split.json").write_text("{}")

    catalog = open_catalog(tmp_path)
    assert [r.file for r in read_documents(tmp_path)] == ["a.txt"]
    assert catalog.chunks() == before.chunks()
    catalog.put(plan_chunks(tmp_path, "b.txt"))

    assert not (tmp_path / SINGLE_FILE).exists()
    assert len(list((tmp_path / DOCUMENTS_DIR).iterdir())) == 2
    assert [r.file for r in read_documents(tmp_path)] == ["a.txt", "b.txt"]
    assert open_catalog(tmp_path).chunks() == catalog.chunks()


def test_a_document_removed_while_the_folder_is_read_is_left_out(tmp_path: Path) -> None:
    catalog = open_catalog(tmp_path)
    kept = catalog.put(plan_chunks(tmp_path, "a.txt"))
    listed = [tmp_path / DOCUMENTS_DIR / "0000000000000000.json", *catalog_files(tmp_path)]

    with patch("index.catalog_files._entry_files", return_value=listed):
        assert [r.path for r in read_documents(tmp_path)] == [kept.path]
        assert [r.path for r in open_catalog(tmp_path).documents()] == [kept.path]


def test_the_leftovers_of_a_files_interrupted_writes_are_removed_and_no_other(
    tmp_path: Path,
) -> None:
    """What `write_atomically` leaves when a crash falls between writing and renaming, for files
    outside the index (an upload's copy, the word rarities)."""
    plan, other = tmp_path / "plan.txt", tmp_path / "other.txt"
    write_atomically(plan, b"plan")
    write_atomically(other, b"other")
    interrupted = [tmp_path / ".plan.txt.x7k2ab3c.tmp", tmp_path / ".other.txt.q1w2e3r4.tmp"]
    for leftover in interrupted:
        leftover.write_bytes(b"halv")

    remove_interrupted_writes_of(plan)
    remove_interrupted_writes_of(tmp_path / "absent" / "plan.txt")

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        interrupted[1].name,
        "other.txt",
        "plan.txt",
    ]
    assert plan.read_bytes() == b"plan"


def catalog_files(index_dir: Path) -> list[Path]:
    return sorted((index_dir / DOCUMENTS_DIR).iterdir())
