"""The unit vectors' files: one per document version, written atomically, read when first asked
for; the two former layouts still read and split into the folder at the first write."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from index.unit_vectors import LEGACY_FILES, SINGLE_FILE, UNITS_DIR, UnitVectors

ONES, ZEROS = np.ones((2, 3), np.float32), np.zeros((1, 3), np.float32)


def stored_files(index_dir: Path) -> list[str]:
    return sorted(file.name for file in (index_dir / UNITS_DIR).iterdir())


def test_vectors_survive_a_write_and_a_load(tmp_path: Path) -> None:
    UnitVectors(tmp_path).put(["aaa-0000", "aaa-0001"], [ONES, ZEROS])

    loaded = UnitVectors.load(tmp_path)
    assert loaded.counts() == {"aaa-0000": 2, "aaa-0001": 1}
    assert np.array_equal(loaded.get("aaa-0000"), ONES)  # type: ignore[arg-type]
    assert loaded.get("bbb-0000") is None


def test_each_document_version_has_its_own_file_and_a_change_touches_only_its_own(
    tmp_path: Path,
) -> None:
    store = UnitVectors(tmp_path)
    store.put(["aaa-0000", "bbb-0000", "bbb-0001"], [ONES, ONES, ZEROS])
    other = (tmp_path / UNITS_DIR / "aaa.npz").stat()
    assert stored_files(tmp_path) == ["aaa.npz", "bbb.npz"]

    store.drop(["bbb-0001"])
    assert UnitVectors.load(tmp_path).counts() == {"aaa-0000": 2, "bbb-0000": 2}
    store.drop(["bbb-0000"])
    assert stored_files(tmp_path) == ["aaa.npz"]
    assert (tmp_path / UNITS_DIR / "aaa.npz").stat() == other


def test_a_reloaded_reader_sees_a_writers_change_to_a_document_it_had_read(
    tmp_path: Path,
) -> None:
    writer, reader = UnitVectors(tmp_path), UnitVectors.load(tmp_path)
    writer.put(["aaa-0000"], [ONES])
    assert np.array_equal(reader.get("aaa-0000"), ONES)  # type: ignore[arg-type]

    writer.put(["aaa-0000"], [ZEROS])

    assert np.array_equal(writer.get("aaa-0000"), ZEROS)  # type: ignore[arg-type]
    assert np.array_equal(reader.reloaded().get("aaa-0000"), ZEROS)  # type: ignore[arg-type]


def test_an_index_of_the_two_file_layout_keeps_its_vectors_and_is_split(tmp_path: Path) -> None:
    matrix_file, rows_file = (tmp_path / name for name in LEGACY_FILES)
    np.save(matrix_file, np.arange(9, dtype=np.float32).reshape(3, 3))
    rows_file.write_text(json.dumps({"a-0": [0, 2], "b-0": [2, 3]}), encoding="utf-8")

    legacy = UnitVectors.load(tmp_path)
    assert legacy.counts() == {"a-0": 2, "b-0": 1}
    assert legacy.get("b-0").tolist() == [[6.0, 7.0, 8.0]]  # type: ignore[union-attr]

    legacy.put(["c-0"], [ZEROS])
    assert not matrix_file.exists() and not rows_file.exists()
    assert stored_files(tmp_path) == ["a.npz", "b.npz", "c.npz"]
    assert UnitVectors.load(tmp_path).counts() == {"a-0": 2, "b-0": 1, "c-0": 1}


def test_the_single_file_wins_until_its_split_is_done(tmp_path: Path) -> None:
    """A crash during the split leaves the single file and some of the folder: the file is still
    read, and the next split removes what the cut-short one left."""
    buffer = io.BytesIO()
    np.savez(buffer, ids=np.array(["a-0"]), counts=np.array([2]), vectors=ONES)
    (tmp_path / SINGLE_FILE).write_bytes(buffer.getvalue())
    UnitVectors(tmp_path).put(["left-0"], [ZEROS])  # what a cut-short split may leave
    (tmp_path / SINGLE_FILE).write_bytes(buffer.getvalue())

    single = UnitVectors.load(tmp_path)
    assert single.counts() == {"a-0": 2}
    single.drop(["nothing-0"])
    assert not (tmp_path / SINGLE_FILE).exists()
    assert stored_files(tmp_path) == ["a.npz"]
