"""The unit vectors' file: one file written atomically; the former two-file layout still read."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.unit_vectors import LEGACY_FILES, VECTORS_FILE, UnitVectors


def test_vectors_survive_a_save_and_a_load(tmp_path: Path) -> None:
    stored = UnitVectors(tmp_path, {})
    stored.put(["a", "b"], [np.ones((2, 3), np.float32), np.zeros((1, 3), np.float32)])
    stored.save()
    loaded = UnitVectors.load(tmp_path)
    assert loaded.counts() == {"a": 2, "b": 1}
    assert np.array_equal(loaded.get("a"), np.ones((2, 3), np.float32))  # type: ignore[arg-type]


def test_an_index_of_the_former_layout_keeps_its_vectors_and_is_rewritten(tmp_path: Path) -> None:
    matrix_file, rows_file = (tmp_path / name for name in LEGACY_FILES)
    np.save(matrix_file, np.arange(9, dtype=np.float32).reshape(3, 3))
    rows_file.write_text(json.dumps({"a": [0, 2], "b": [2, 3]}), encoding="utf-8")

    legacy = UnitVectors.load(tmp_path)
    assert legacy.counts() == {"a": 2, "b": 1}
    assert legacy.get("b").tolist() == [[6.0, 7.0, 8.0]]  # type: ignore[union-attr]

    legacy.save()
    assert (tmp_path / VECTORS_FILE).exists()
    assert not matrix_file.exists() and not rows_file.exists()
    assert UnitVectors.load(tmp_path).counts() == {"a": 2, "b": 1}
