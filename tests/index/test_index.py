"""The index layer end to end, run the same way against both Chroma backends.

`embedded` keeps Chroma in a PersistentClient under a temporary directory; `http` talks to a real
`chroma run` server that the session starts on a free local port (`chroma_server`, in this folder's
conftest). Chunk texts are sentences from the example plans; embeddings come from the real model
(the session fixture `embedder` in tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from pathlib import Path

import numpy as np
import pytest

from index import plan_index
from index.catalog_files import DOCUMENTS_DIR, SINGLE_FILE
from index.chroma_store import open_collection
from index.embedding import Embedder
from index.lexical import BM25_DIR
from index.plan_index import PlanIndex
from ingest.document import INGEST_VERSION, Chunk
from settings import ChromaSettings, Settings

#: Every test loads the embedding model, and half of them talk to a `chroma run` server.
pytestmark = pytest.mark.slow

# --- the embedder -------------------------------------------------------------------------------


class CountingEmbedder:
    """The session's real embedder, counting the passages it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.passages_embedded = 0

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(params=["embedded", "http"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings with a fresh index directory and a fresh collection on the chosen backend."""
    collection = f"plans-{uuid.uuid4().hex[:12]}"
    if request.param == "http":
        server: ChromaSettings = request.getfixturevalue("chroma_server")
        chroma = server.model_copy(update={"collection": collection})
    else:
        chroma = ChromaSettings(mode="embedded", collection=collection)
    return Settings(data_dir=tmp_path / "data", chroma=chroma)


@pytest.fixture
def counting_embedder(embedder: Embedder) -> CountingEmbedder:
    """Wraps the real model (session fixture `embedder` in tests/conftest.py)."""
    return CountingEmbedder(embedder)


@pytest.fixture
def index(settings: Settings, counting_embedder: CountingEmbedder) -> PlanIndex:
    return PlanIndex.open(settings, lambda: counting_embedder)


# --- documents made of real plan sentences -------------------------------------------------------

GUARANTEE = (
    "Inom försörjning och arbete avser tjänstegarantierna: Ombesörja utbetalning av "
    "försörjningsstöd den 27:e i varje månad vid fullständig ansökan. Erbjuda personligt möte inom "
    "tio arbetsdagar för upprättande av handlingsplan. Följa upp handlingsplan en gång per månad."
)
CHILD_GUARANTEES = (
    "Inom barn, unga och vuxna avser tjänstegarantierna: Skyddsbedömning barn och ungdom inom 24 "
    "timmar. Förhandsbedömning barn, ungdom och vuxen inom 14 dagar. Utredning barn och unga inom "
    "fyra månader. Bevilja insats inom tre månader."
)
LOCAL_OFFICES = (
    "Bedömningen är att socialnämnden fattar beslut utifrån individperspektiv oavsett var i "
    "kommunen individen bor eller upprätthåller sig. Socialförvaltningen erbjuder, utöver "
    "kontoret i Norrtälje, möten vid kommunens lokalkontor i Rimbo och Hallstavik."
)
HOUSING_SHORTAGE = (
    "De sociala konsekvenserna av bostadsbristen bedöms fortsätta öka de närmaste åren. Brist på "
    "bostäder påverkar socialnämndens verksamheter på flera sätt. Bostadsbrist och trångboddhet är "
    "en faktor som bidrar till och förstärker sociala problem."
)
SOCIAL_WORKERS = (
    "Det är svårt att rekrytera socionomer till myndighetsutövning, lokalt och nationellt. "
    "Nationella prognoser tyder på fortsatt brist på socionomer de närmaste åren."
)
RESPONSIBILITIES_2017 = (
    "Socialnämnden ansvarar för: Familjerättsfrågor. Familjerådgivning. Skydd för minderåriga "
    "enligt särskilda regler i socialtjänstlag. Mottagande av ensamkommande flyktingbarn."
)
RESPONSIBILITIES_2024 = (
    "Enligt reglemente för Norrköpings kommuns nämnder ansvarar socialnämnden för: "
    "Familjerättsfrågor. Mottagande av ensamkommande barn. Organisering av kommunens "
    "bostadssamordning. Familjerådgivning."
)


def write_plan(
    folder: Path,
    name: str,
    *,
    title: str,
    municipality: str,
    year: int,
    sections: list[tuple[str, str]],
) -> list[Chunk]:
    """Write a plan file of `sections` (heading, text); return its chunks, one per section."""
    body = "\n\n".join(f"{heading}\n\n{text}" for heading, text in sections)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    sha256 = hashlib.sha256(body.encode("utf-8")).hexdigest()
    chunks = []
    for number, (heading, text) in enumerate(sections):
        start = body.index(text)
        chunks.append(
            Chunk(
                id=f"{sha256[:16]}-{number}",
                ingest_version=INGEST_VERSION,
                file=name,
                path=str(path.resolve()),
                sha256=sha256,
                title=title,
                municipality=municipality,
                committee="Socialnämnden",
                doc_type="verksamhetsplan" if "verksamhetsplan" in title else "uppdragsplan",
                year=year,
                section=[title, heading],
                page=None,
                start=start,
                end=start + len(text),
                laws=["socialtjänstlagen"] if "socialtjänstlag" in text else [],
                text=text,
            )
        )
    return chunks


def norrtalje_2023(folder: Path) -> list[Chunk]:
    return write_plan(
        folder,
        "002_norrtalje.txt",
        title="Socialnämndens verksamhetsplan 2023",
        municipality="Norrtälje",
        year=2023,
        sections=[
            ("Tjänstegarantier", GUARANTEE),
            ("Tjänstegarantier", CHILD_GUARANTEES),
            ("Landsbygdsperspektiv", LOCAL_OFFICES),
        ],
    )


def norrkoping_2017(folder: Path) -> list[Chunk]:
    return write_plan(
        folder,
        "001_norrkoping.txt",
        title="Uppdragsplan 2017",
        municipality="Norrköping",
        year=2017,
        sections=[
            ("Planeringsförutsättningar", HOUSING_SHORTAGE),
            ("Planeringsförutsättningar", SOCIAL_WORKERS),
            ("Socialnämndens ansvarsområden", RESPONSIBILITIES_2017),
        ],
    )


def norrkoping_2024(folder: Path) -> list[Chunk]:
    return write_plan(
        folder,
        "000_norrkoping.txt",
        title="Socialnämndens uppdragsplan 2024",
        municipality="Norrköping",
        year=2024,
        sections=[("Socialnämndens ansvarsområde", RESPONSIBILITIES_2024)],
    )


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    return folder


def ids(chunks: list[Chunk]) -> list[str]:
    return [c.id for c in chunks]


def stored_ids(settings: Settings, path: str) -> set[str]:
    """The chunk ids Chroma itself holds for a document, read past the index layer."""
    collection = open_collection(settings.chroma, settings.index_dir)
    return set(collection.get(where={"path": path}, include=[])["ids"])


def stored_count(settings: Settings) -> int:
    return open_collection(settings.chroma, settings.index_dir).count()


# --- tests ---------------------------------------------------------------------------------------


def test_added_documents_are_listed_with_their_chunks(
    index: PlanIndex, settings: Settings, plans: Path
) -> None:
    norrtalje, norrkoping = norrtalje_2023(plans), norrkoping_2017(plans)
    index.add_document(norrtalje)
    index.add_document(norrkoping)

    records = {r.path: r for r in index.documents()}
    assert set(records) == {norrtalje[0].path, norrkoping[0].path}
    assert records[norrtalje[0].path].chunk_ids == ids(norrtalje)
    assert records[norrtalje[0].path].municipality == "Norrtälje"
    assert records[norrkoping[0].path].year == 2017
    assert stored_count(settings) == 6
    assert stored_ids(settings, norrtalje[0].path) == set(ids(norrtalje))
    assert index.has_document(norrtalje[0].path, norrtalje[0].sha256)
    assert not index.has_document(norrtalje[0].path, "0" * 64)


def test_add_reports_progress_per_slice(
    settings: Settings, embedder: Embedder, plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_index, "EMBED_SLICE_BATCHES", 1)
    small_batches = settings.model_copy(
        update={"embedding": settings.embedding.model_copy(update={"batch_size": 2})}
    )
    index = PlanIndex.open(small_batches, lambda: embedder)
    seen: list[tuple[int, int]] = []
    index.add_document(
        norrtalje_2023(plans), progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(2, 3), (3, 3)]


@pytest.mark.parametrize(
    ("query", "expected_text"),
    [
        ("När sker utbetalningen av försörjningsstöd?", GUARANTEE),
        ("Finns det lokalkontor i Rimbo och Hallstavik?", LOCAL_OFFICES),
        ("brist på socionomer", SOCIAL_WORKERS),
        ("Hur påverkar bostadsbristen socialnämnden?", HOUSING_SHORTAGE),
    ],
)
def test_search_finds_the_distinctive_chunk(
    index: PlanIndex, plans: Path, query: str, expected_text: str
) -> None:
    index.add_document(norrtalje_2023(plans))
    index.add_document(norrkoping_2017(plans))

    hits = index.search(query, k=3)

    assert hits[0].chunk.text == expected_text
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.chunk.id for h in hits}) == len(hits), "fusion must merge a chunk found twice"


def test_filters_restrict_search(index: PlanIndex, plans: Path) -> None:
    index.add_document(norrtalje_2023(plans))
    index.add_document(norrkoping_2017(plans))
    index.add_document(norrkoping_2024(plans))
    query = "Ansvarar socialnämnden för familjerådgivning?"

    norrkoping = index.search(query, k=10, municipality="Norrköping")
    in_2024 = index.search(query, k=10, municipality="Norrköping", year=2024)
    norrtalje = index.search(query, k=10, municipality="Norrtälje")

    assert {h.chunk.municipality for h in norrkoping} == {"Norrköping"}
    assert {h.chunk.text for h in norrkoping} >= {RESPONSIBILITIES_2017, RESPONSIBILITIES_2024}
    assert [h.chunk.text for h in in_2024] == [RESPONSIBILITIES_2024]
    assert norrtalje and {h.chunk.municipality for h in norrtalje} == {"Norrtälje"}
    assert index.search(query, k=10, year=1999) == []
    assert {h.chunk.doc_type for h in index.search(query, k=10, doc_type="verksamhetsplan")} == {
        "verksamhetsplan"
    }


def test_readding_an_unchanged_document_changes_nothing(
    index: PlanIndex, settings: Settings, counting_embedder: CountingEmbedder, plans: Path
) -> None:
    chunks = norrtalje_2023(plans)
    first = index.add_document(chunks)
    embedded = counting_embedder.passages_embedded
    generation = index.generation
    catalog_folder = settings.index_dir / DOCUMENTS_DIR
    catalog_written = catalog_folder.stat().st_mtime_ns if catalog_folder.exists() else None

    again = index.add_document(norrtalje_2023(plans))

    assert again == first
    assert counting_embedder.passages_embedded == embedded, "nothing is embedded again"
    assert index.generation == generation
    if settings.chroma.mode == "embedded":
        assert catalog_folder.stat().st_mtime_ns == catalog_written
    assert stored_ids(settings, chunks[0].path) == set(ids(chunks))
    assert stored_count(settings) == len(chunks)


def test_a_changed_document_replaces_its_chunks(
    index: PlanIndex, settings: Settings, plans: Path
) -> None:
    old = norrtalje_2023(plans)
    old_id = index.add_document(old).id
    index.add_document(norrkoping_2017(plans))
    new = write_plan(
        plans,
        "002_norrtalje.txt",
        title="Socialnämndens verksamhetsplan 2023",
        municipality="Norrtälje",
        year=2023,
        sections=[("Tjänstegarantier", CHILD_GUARANTEES), ("Landsbygdsperspektiv", LOCAL_OFFICES)],
    )
    assert new[0].path == old[0].path and new[0].sha256 != old[0].sha256

    index.add_document(new)

    record = next(r for r in index.documents() if r.path == new[0].path)
    assert (record.sha256, record.chunk_ids) == (new[0].sha256, ids(new))
    assert record.id == old_id and index.document_by_id(old_id) == record  # named by its path
    assert len(index.documents()) == 2
    assert stored_ids(settings, new[0].path) == set(ids(new))
    assert stored_count(settings) == len(new) + 3
    hits = index.search("utbetalning av försörjningsstöd den 27:e", k=10)
    assert not set(ids(old)) & {h.chunk.id for h in hits}


def test_relabelled_document_is_filtered_by_its_new_metadata(index: PlanIndex, plans: Path) -> None:
    """Same text, same chunk ids, new metadata: the lexical index must not keep the old labels."""
    chunks = norrtalje_2023(plans)
    index.add_document(chunks)
    index.add_document(norrkoping_2017(plans))
    query = "Ansvarar socialnämnden för familjerådgivning?"
    assert index.search(query, k=10, year=2023)
    index.remove_document(chunks[0].path)
    index.add_document([chunk.model_copy(update={"year": 2024}) for chunk in chunks])

    assert index.search(query, k=10, year=2023) == []
    assert {h.chunk.year for h in index.search(query, k=10, year=2024)} == {2024}


def test_remove_drops_a_document_everywhere(
    index: PlanIndex, settings: Settings, plans: Path
) -> None:
    norrtalje, norrkoping = norrtalje_2023(plans), norrkoping_2017(plans)
    index.add_document(norrtalje)
    index.add_document(norrkoping)

    assert index.remove_document(norrtalje[0].path)

    assert [r.path for r in index.documents()] == [norrkoping[0].path]
    assert stored_ids(settings, norrtalje[0].path) == set()
    assert stored_count(settings) == len(norrkoping)
    hits = index.search("utbetalning av försörjningsstöd den 27:e i varje månad", k=10)
    assert {h.chunk.path for h in hits} <= {norrkoping[0].path}
    assert not index.remove_document(norrtalje[0].path)


def test_a_search_during_a_bm25_rebuild_goes_on_with_the_previous_one(
    index: PlanIndex, plans: Path
) -> None:
    norrtalje, norrkoping = norrtalje_2023(plans), norrkoping_2017(plans)
    index.add_document(norrtalje)
    query = "utbetalning av försörjningsstöd den 27:e i varje månad"
    assert index.search(query, k=10)  # BM25 loaded
    index.add_document(norrkoping)  # and now stale
    found: list[set[str]] = []
    # As if another thread were rebuilding BM25: a search must not wait for it.
    with index._rebuilding:
        searcher = threading.Thread(
            target=lambda: found.append({h.chunk.path for h in index.search(query, k=10)})
        )
        searcher.start()
        searcher.join(timeout=30)
        assert found and norrtalje[0].path in found[0]
    index.refresh_lexical()
    assert index.lexical_is_current()


def test_removing_the_last_document_leaves_an_empty_searchable_index(
    index: PlanIndex, plans: Path
) -> None:
    chunks = norrtalje_2023(plans)
    index.add_document(chunks)
    index.remove_document(chunks[0].path)
    assert index.documents() == []
    assert index.search("försörjningsstöd", k=5) == []


def test_prune_removes_documents_whose_files_are_gone(
    index: PlanIndex, settings: Settings, plans: Path
) -> None:
    norrtalje, norrkoping = norrtalje_2023(plans), norrkoping_2017(plans)
    index.add_document(norrtalje)
    index.add_document(norrkoping)
    Path(norrkoping[0].path).unlink()

    assert index.prune_missing() == [norrkoping[0].path]

    assert [r.path for r in index.documents()] == [norrtalje[0].path]
    assert stored_count(settings) == len(norrtalje)
    assert index.prune_missing() == []


def test_the_index_survives_reopening(
    index: PlanIndex, settings: Settings, embedder: Embedder, plans: Path
) -> None:
    index.add_document(norrtalje_2023(plans))
    index.add_document(norrkoping_2017(plans))
    before = index.documents()
    query = "När sker utbetalningen av försörjningsstöd?"
    expected = [h.chunk.id for h in index.search(query, k=3)]

    reopened = PlanIndex.open(settings, lambda: embedder)

    assert reopened.documents() == before
    for record in before:
        assert reopened.document_by_id(record.id) == record
        assert re.fullmatch("[0-9a-f]{16}", record.id)
    assert len({record.id for record in before}) == len(before)
    assert [h.chunk.id for h in reopened.search(query, k=3)] == expected


@pytest.mark.parametrize("settings", ["embedded"], indirect=True)
def test_a_lost_bm25_index_is_rebuilt_from_the_catalog(
    index: PlanIndex, settings: Settings, embedder: Embedder, plans: Path
) -> None:
    index.add_document(norrkoping_2017(plans))
    query = "brist på socionomer"
    expected = [h.chunk.id for h in index.search(query, k=3)]
    for file in (settings.index_dir / BM25_DIR).iterdir():
        file.unlink()

    reopened = PlanIndex.open(settings, lambda: embedder)

    assert [h.chunk.id for h in reopened.search(query, k=3)] == expected
    assert (settings.index_dir / BM25_DIR).is_dir()


@pytest.mark.parametrize("settings", ["http"], indirect=True)
def test_with_a_server_bm25_is_built_in_memory_and_no_file_is_written(
    index: PlanIndex, settings: Settings, plans: Path
) -> None:
    index.add_document(norrkoping_2017(plans))

    assert index.search("brist på socionomer", k=1)
    assert index.lexical_is_current()
    assert not (settings.index_dir / BM25_DIR).exists()
    assert not (settings.index_dir / DOCUMENTS_DIR).exists()
    assert not (settings.index_dir / SINGLE_FILE).exists()


def test_listing_documents_loads_no_model(
    settings: Settings, embedder: Embedder, plans: Path
) -> None:
    PlanIndex.open(settings, lambda: embedder).add_document(norrtalje_2023(plans))

    def no_model() -> Embedder:
        raise AssertionError("documents() must not load the embedding model")

    reopened = PlanIndex.open(settings, no_model)
    assert len(reopened.documents()) == 1
    assert reopened.has_document(reopened.documents()[0].path, reopened.documents()[0].sha256)


def test_chunk_ids_must_not_collide_across_documents(index: PlanIndex, plans: Path) -> None:
    norrtalje = norrtalje_2023(plans)
    index.add_document(norrtalje)
    impostor = [c.model_copy(update={"path": "/elsewhere/copy.txt"}) for c in norrtalje]
    with pytest.raises(ValueError, match="används redan"):
        index.add_document(impostor)


def test_unit_vectors_are_stored_per_chunk_and_dropped_with_it(
    index: PlanIndex, settings: Settings, embedder: Embedder, plans: Path
) -> None:
    chunks = [c.model_copy(update={"units": [(0, len(c.text))]}) for c in norrtalje_2023(plans)]
    index.add_document(chunks)
    vectors = index.unit_vectors(chunks[0].id)
    assert vectors is not None and vectors.shape == (1, embedder.dimension)
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-4

    reopened = PlanIndex.open(settings, lambda: embedder)
    stored = reopened.unit_vectors(chunks[0].id)
    assert stored is not None and np.allclose(stored, vectors)

    reopened.remove_document(chunks[0].path)
    assert reopened.unit_vectors(chunks[0].id) is None
    assert PlanIndex.open(settings, lambda: embedder).unit_vectors(chunks[0].id) is None


@pytest.mark.parametrize("settings", ["embedded"], indirect=True)
def test_a_search_after_a_write_does_not_wait_for_bm25(
    index: PlanIndex, plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It goes on with the previous BM25 while the rebuild runs in the background."""
    index.add_document(norrkoping_2017(plans))
    assert index.search("brist på socionomer", k=3), "BM25 is built"
    added = norrtalje_2023(plans)
    index.add_document(added)
    release, started = threading.Event(), threading.Event()
    build = plan_index.LexicalIndex.build

    def slow_build(*args: object, **kwargs: object) -> object:
        started.set()
        assert release.wait(timeout=60)
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plan_index.LexicalIndex, "build", slow_build)

    hits = index.search("utbetalning av försörjningsstöd den 27:e", k=5)

    assert started.wait(timeout=30), "the rebuild started"
    assert set(ids(added)) & {h.chunk.id for h in hits}, "the dense half finds the new plan"
    release.set()
    index.refresh_lexical()  # waits for the background rebuild, then finds it current
    assert index.lexical_is_current()
