"""Ingesting batches: a bad file is reported by name and reason, the rest goes in, none is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.builder import collect_files, ingest_paths
from index.chroma_store import open_collection
from index.embedding import Embedder
from index.plan_index import PlanIndex
from ingest.document import INGEST_VERSION
from ingest.metadata import MetaOverrides
from settings import Settings
from tests.bad_inputs import scanned_pdf, write_pdf
from tests.conftest import (
    NORRKOPING_2017,
    NORRKOPING_2024,
    NORRKOPING_2024_PROGRAM,
    NORRTALJE_2023,
    PLANS_DIR,
    SODERKOPING_2025,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def index(tmp_path: Path, embedder: Embedder) -> PlanIndex:
    return PlanIndex.open(Settings(data_dir=tmp_path / "data"), lambda: embedder)


def index_and_folder(tmp_path: Path, embedder: Embedder) -> tuple[PlanIndex, Path]:
    """An empty index that embeds with `embedder`, and an empty folder for the plans of a group."""
    folder = tmp_path / "grupp"
    folder.mkdir()
    return PlanIndex.open(Settings(data_dir=tmp_path / "data"), lambda: embedder), folder


class TextFailingEmbedder:
    """The session's real embedder, failing (as a model out of memory might) on any text that
    holds `poison`, and counting its calls."""

    def __init__(self, inner: Embedder, poison: str) -> None:
        self._inner = inner
        self._poison = poison
        self.calls = 0

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if any(self._poison in text for text in texts):
            raise MemoryError("för lite minne")
        return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)


def small_plan(folder: Path, name: str, duty: str) -> Path:
    """A short plan of Söderköpings socialnämnd about `duty`: one chunk, quick to embed."""
    plan = folder / name
    plan.write_text(
        "Söderköpings kommun\n\nSocialnämndens uppdragsplan 2025\n\nNämnden ansvarar för "
        f"{duty} i Söderköpings kommun.\n",
        encoding="utf-8",
    )
    return plan


def stored_state(settings: Settings, index: PlanIndex) -> tuple[list[dict], dict, dict]:
    """The catalog's documents and chunks, and per chunk its Chroma vector and unit vectors."""
    chunks = index.chunks()
    ids = [c.id for c in chunks]
    stored = open_collection(settings.chroma, settings.index_dir).get(
        ids=ids, include=["embeddings"]
    )
    assert stored["embeddings"] is not None
    dense = dict(zip(stored["ids"], stored["embeddings"], strict=True))
    units = {c.id: index.unit_vectors(c.id) for c in chunks}
    records = [r.model_dump() for r in index.documents()]
    return records + [c.model_dump() for c in chunks], dense, units


def bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {name: folder / name for name in ("tom.txt", "skrap.txt", "trasig.pdf", "skannad.pdf")}
    files["tom.txt"].write_bytes(b"")
    files["skrap.txt"].write_bytes(bytes(range(256)) * 8)
    write_pdf(folder / "hel.pdf", [["Socialnämnden ansvarar för kommunens uppgifter."]])
    files["trasig.pdf"].write_bytes((folder / "hel.pdf").read_bytes()[:300])
    (folder / "hel.pdf").unlink()
    scanned_pdf(files["skannad.pdf"])
    return files


def test_a_bad_batch_reports_each_file_and_keeps_the_rest(tmp_path: Path, index: PlanIndex) -> None:
    first = ingest_paths(index, [NORRKOPING_2024], Settings().ingest)
    assert first.added and not first.failed
    bad = bad_files(tmp_path / "batch")
    legacy = tmp_path / "batch" / "legacy.txt"
    legacy_text = (
        "Söderköpings kommun\n\nSocialnämndens uppdragsplan 2025\n\nNämnden ansvarar för "
        "skuldsanering, uppgifter enligt alkohollagen och integration i Söderköpings kommun.\n"
    )
    legacy.write_bytes(legacy_text.encode("cp1252"))

    copy = tmp_path / "batch" / "kopia.txt"
    shutil.copyfile(NORRKOPING_2024, copy)
    nested = tmp_path / "batch" / "nastlad.html"
    nested.write_text("<div>" * 20_000 + "Text" + "</div>" * 20_000, encoding="utf-8")
    long_name = tmp_path / "batch" / f"{'l' * 240}.txt"
    long_name.write_text(legacy_text.replace("skuldsanering", "färdtjänst"), encoding="utf-8")
    too_big = tmp_path / "batch" / "stor.txt"
    too_big.write_text("Nämnden ansvarar för mycket. " * 40_000, encoding="utf-8")
    limits = Settings().ingest.model_copy(update={"max_file_mb": 1})

    report = ingest_paths(index, [tmp_path / "batch"], limits)

    failed = {Path(error.path).name: error.reason for error in report.failed}
    assert set(failed) == set(bad) | {"kopia.txt", "nastlad.html", "stor.txt"}
    assert NORRKOPING_2024.name in failed["kopia.txt"]
    assert "nästlad" in failed["nastlad.html"]
    assert "MAX_FILE_MB" in failed["stor.txt"]
    assert "tom" in failed["tom.txt"]
    assert "OCR" in failed["skannad.pdf"] or "textlager" in failed["skannad.pdf"]
    assert "PDF" in failed["trasig.pdf"]
    assert [Path(p).name for p in report.added] == ["legacy.txt", long_name.name]
    assert {d.file for d in index.documents()} == {
        NORRKOPING_2024.name,
        "legacy.txt",
        long_name.name,
    }
    hits = index.search("Socialnämndens budget 2024 i tkr", k=3)
    assert any("654 848" in hit.chunk.text for hit in hits)
    legacy_hits = index.search("skuldsanering alkohollagen", k=1, municipality="Söderköping")
    assert "skuldsanering" in legacy_hits[0].chunk.text


def test_reingest_is_idempotent_and_a_changed_file_replaces_its_chunks(
    tmp_path: Path, index: PlanIndex
) -> None:
    plan = tmp_path / "plan.txt"
    shutil.copy(SODERKOPING_2025, plan)
    first = ingest_paths(index, [plan], Settings().ingest)
    again = ingest_paths(index, [plan], Settings().ingest)
    assert first.added and again.unchanged == [str(plan.resolve())] and not again.added
    before = index.documents()[0]

    plan.write_text(plan.read_text(encoding="utf-8") + "\nEtt nytt stycke om ledsagning.\n")
    changed = ingest_paths(index, [plan], Settings().ingest)
    after = index.documents()
    assert changed.added and len(after) == 1 and after[0].sha256 != before.sha256
    assert not set(after[0].chunk_ids) & set(before.chunk_ids)


def test_prune_drops_documents_whose_files_are_gone(tmp_path: Path, index: PlanIndex) -> None:
    plan = tmp_path / "borta.txt"
    shutil.copy(NORRKOPING_2024, plan)
    ingest_paths(index, [plan, NORRTALJE_2023], Settings().ingest)
    plan.unlink()
    report = ingest_paths(index, [NORRTALJE_2023], Settings().ingest, prune=True)
    assert report.pruned == [str(plan.resolve())]
    assert [d.file for d in index.documents()] == [NORRTALJE_2023.name]


def test_overrides_beat_the_sidecar_which_beats_detection(tmp_path: Path, index: PlanIndex) -> None:
    plan = tmp_path / "plan.txt"
    shutil.copy(NORRKOPING_2024, plan)
    (tmp_path / "plan.txt.meta.json").write_text(
        json.dumps({"municipality": "Linköping", "year": 2025}), encoding="utf-8"
    )
    ingest_paths(index, [plan], Settings().ingest, MetaOverrides(year=2026))
    record = index.documents()[0]
    assert (record.municipality, record.year, record.committee) == (
        "Linköping",
        2026,
        "Socialnämnden",
    )
    # Same text, other metadata: the document is re-indexed with it.
    ingest_paths(index, [plan], Settings().ingest, MetaOverrides(year=2027))
    assert index.documents()[0].year == 2027


def test_a_plans_folder_skips_its_readme_and_sidecars() -> None:
    files, errors = collect_files([PLANS_DIR, PLANS_DIR / "nope.txt"])
    assert [f.name for f in files] == sorted(p.name for p in PLANS_DIR.glob("0*.txt"))
    assert [e.path.name for e in errors] == ["nope.txt"]


def test_a_file_indexed_by_an_older_ingest_is_processed_again(
    tmp_path: Path, index: PlanIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.txt"
    shutil.copy(NORRKOPING_2024, plan)
    monkeypatch.setattr("ingest.pipeline.INGEST_VERSION", INGEST_VERSION - 1)
    assert ingest_paths(index, [plan], Settings().ingest).added
    monkeypatch.undo()
    again = ingest_paths(index, [plan], Settings().ingest)
    assert again.added == [str(plan.resolve())]
    record = index.document(plan.resolve())
    assert record is not None and record.ingest_version == INGEST_VERSION
    assert ingest_paths(index, [plan], Settings().ingest).unchanged


def ingested_in_groups(
    data_dir: Path, embedder: Embedder, plans: list[Path], group_chunks: int
) -> tuple[tuple[list[dict], dict, dict], dict[Path, tuple[int, int]]]:
    """The stored state after ingesting `plans` in groups of `group_chunks`, and the last
    progress heard per file."""
    settings = Settings(data_dir=data_dir)
    index = PlanIndex.open(settings, lambda: embedder)
    last: dict[Path, tuple[int, int]] = {}
    limits = settings.ingest.model_copy(update={"group_chunks": group_chunks})
    report = ingest_paths(
        index, plans, limits, progress=lambda file, done, total: last.update({file: (done, total)})
    )
    assert report.added == [str(p.resolve()) for p in plans] and not report.failed
    return stored_state(settings, index), last


def test_a_group_is_indexed_exactly_as_file_by_file(tmp_path: Path, embedder: Embedder) -> None:
    plans = [NORRKOPING_2024, NORRKOPING_2017, NORRKOPING_2024_PROGRAM]
    # All three embedded together, and each on its own.
    (catalog, dense, units), grouped = ingested_in_groups(tmp_path / "a", embedder, plans, 1000)
    (one_by_one, dense_alone, units_alone), alone = ingested_in_groups(
        tmp_path / "b", embedder, plans, 1
    )

    assert catalog == one_by_one
    # Batched with other texts, a text is padded otherwise: equal up to float rounding.
    for chunk_id, vector in dense.items():
        np.testing.assert_allclose(vector, dense_alone[chunk_id], atol=1e-5)
        np.testing.assert_allclose(units[chunk_id], units_alone[chunk_id], atol=1e-5)
    assert grouped == alone and all(done == total for done, total in grouped.values())


def test_a_file_that_fails_in_a_group_is_reported_and_the_others_are_indexed(
    tmp_path: Path, embedder: Embedder
) -> None:
    failing = TextFailingEmbedder(embedder, poison="gifttext")
    index, folder = index_and_folder(tmp_path, failing)
    first = small_plan(folder, "a.txt", "skuldsanering")
    small_plan(folder, "b.txt", "gifttext")
    (folder / "c.txt").write_bytes(b"")
    last = small_plan(folder, "d.txt", "färdtjänst")
    copy = folder / "e.txt"
    shutil.copyfile(first, copy)
    done: list[str] = []

    report = ingest_paths(index, [folder], Settings().ingest, on_done=lambda f: done.append(f.name))

    failed = {Path(error.path).name: error.reason for error in report.failed}
    assert set(failed) == {"b.txt", "c.txt", "e.txt"}
    assert "MemoryError" in failed["b.txt"] and "tom" in failed["c.txt"]
    assert "a.txt" in failed["e.txt"]  # a copy of a file waiting in the same group
    assert report.added == [str(first.resolve()), str(last.resolve())]
    assert {d.file for d in index.documents()} == {"a.txt", "d.txt"}
    assert sorted(done) == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
    # The group's pass failed: then each file was embedded on its own.
    assert failing.calls == 1 + 3


def test_a_group_embeds_once_and_skips_what_is_unchanged(
    tmp_path: Path, embedder: Embedder
) -> None:
    counting = TextFailingEmbedder(embedder, poison="\0")
    index, folder = index_and_folder(tmp_path, counting)
    indexed = small_plan(folder, "a.txt", "skuldsanering")
    assert ingest_paths(index, [indexed], Settings().ingest).added
    counting.calls = 0
    new = [
        small_plan(folder, name, duty)
        for name, duty in (("b.txt", "ledsagning"), ("c.txt", "färdtjänst"))
    ]

    report = ingest_paths(index, [folder, new[0]], Settings().ingest)

    assert report.added == [str(p.resolve()) for p in new] and not report.failed
    # Named twice (the folder and the file): indexed once.
    assert report.unchanged == [str(indexed.resolve()), str(new[0].resolve())]
    assert counting.calls == 1
