"""The detected metadata of every file of both shared corpora and of the invented test documents,
against a table written by reading each file: the five example plans (../shared/corpus), the four
regions' plans and three Botkyrka riktlinjer of ../shared/corpus-more, and the protocols, budget
and nämndplan of tests/fixtures/documents (whose README states what they are)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from ingest.document import DocumentMeta
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings
from tests.conftest import REPO

SHARED = REPO.parent / "shared"
CORPORA = (SHARED / "corpus", SHARED / "corpus-more")
FIXTURES = REPO / "tests" / "fixtures" / "documents"
SOCIAL = "Socialnämnden"
VON = "Vård- och omsorgsnämnden"
RF = "Regionfullmäktige"
BOTKYRKA = {"organisation": "Botkyrka kommun", "municipality": "Botkyrka", "committee": VON}

EXPECTED: dict[str, DocumentMeta] = {
    # --- corpus: the example plans ---
    "000_5ccfd488fdc5a3cb.txt": DocumentMeta(
        title="Socialnämndens uppdragsplan 2024", organisation="Norrköpings kommun",
        municipality="Norrköping", committee=SOCIAL, doc_type="uppdragsplan", year=2024,
        uncertain=["organisation"]),  # "Norrköpings kommuns nämnder", once, in the body
    "001_61c2f1d4038333da.txt": DocumentMeta(
        title="Uppdragsplan 2017", organisation="Norrköpings kommun", municipality="Norrköping",
        committee=SOCIAL, doc_type="uppdragsplan", year=2017,
        date=datetime.date(2016, 12, 14)),  # "Antagen av socialnämnden den 14 december 2016."
    "002_5a882963cc8bcb49.txt": DocumentMeta(
        title="Socialnämndens verksamhetsplan 2023", organisation="Norrtälje kommun",
        municipality="Norrtälje", committee=SOCIAL, doc_type="verksamhetsplan", year=2023,
        uncertain=["year"]),  # no title: the year from the body's "under 2023", "Budget 2023"
    "003_68385dbcb3386a73.txt": DocumentMeta(
        title="Socialnämndens uppdragsplan 2025", organisation="Söderköpings kommun",
        municipality="Söderköping", committee=SOCIAL, doc_type="uppdragsplan", year=2025,
        uncertain=["organisation", "year"]),
    "004_0460f9c2fd98d468.txt": DocumentMeta(
        title="Socialnämndens uppdragsplan 2024", organisation="Norrköpings kommun",
        municipality="Norrköping", committee=SOCIAL, doc_type="uppdragsplan", year=2024,
        uncertain=["organisation"]),
    # --- corpus-more: four regions' plans ---
    "region-dalarna-regionplan-2026-2028.txt": DocumentMeta(
        title="Regionplan, budget och finansplan 2026-2028", organisation="Region Dalarna",
        committee=RF, doc_type="regionplan", year=2026, year_end=2028,
        date=datetime.date(2025, 11, 10)),  # the cover's "Regionfullmäktige 2025-11-10"
    "region-halland-mal-och-budget-2026.txt": DocumentMeta(
        title="Mål och budget 2026 med ekonomisk plan 2027–2030", organisation="Region Halland",
        committee=RF, doc_type="mål och budget", year=2026, year_end=2030,
        date=datetime.date(2025, 6, 18)),  # "Regionfullmäktige den 18 juni 2025"
    "region-orebro-lan-verksamhetsplan-2026.txt": DocumentMeta(
        title="Verksamhetsplan med budget 2026 och planering 2027–2028",
        organisation="Region Örebro län", committee=RF,  # "Regionfullmäktiges verksamhetsplan"
        doc_type="verksamhetsplan", year=2026, year_end=2028,
        date=datetime.date(2025, 6, 16)),  # "Datum: 2025-06-16--17"
    "region-uppsala-regionplan-2026-2028.txt": DocumentMeta(
        title="Regionplan och budget 2026–2028", organisation="Region Uppsala", committee=RF,
        doc_type="regionplan", year=2026, year_end=2028,
        date=datetime.date(2025, 6, 11)),  # "Beslutad av regionfullmäktige den 11 juni 2025"
    # --- corpus-more: Botkyrka's vård- och omsorgsnämnd ---
    "botkyrka-vard-och-omsorgsnamnden-riktlinje-anhorigstod-2025.txt": DocumentMeta(
        title="Riktlinje för Anhörigstöd", **BOTKYRKA, doc_type="riktlinje", year=2025,
        date=datetime.date(2025, 6, 16)),
    "botkyrka-vard-och-omsorgsnamnden-riktlinjer-avgifter-2025.txt": DocumentMeta(
        title="Riktlinjer för avgifter inom vård och omsorg i Botkyrka kommun", **BOTKYRKA,
        doc_type="riktlinje", year=2025, date=datetime.date(2025, 6, 16)),
    # Its block says "beslutades den: den 13 december 2022", its cover "Vård- och
    # omsorgsnämnden 2025-07-01": decided in 2022 (as printed), the version of 2025.
    "botkyrka-vard-och-omsorgsnamnden-riktlinjer-handlaggning-sol-2025.txt": DocumentMeta(
        title="Riktlinjer för handläggning enligt socialtjänstlagen", **BOTKYRKA,
        doc_type="riktlinje", year=2025, date=datetime.date(2022, 12, 13)),
}  # fmt: skip

LOMMA = {"organisation": "Lomma kommun", "municipality": "Lomma"}
FIXTURES_EXPECTED: dict[str, DocumentMeta] = {
    # Four protocols' worth of traps: the decisions are about other years, kommunstyrelsen is
    # named more often than the kommunfullmäktige that met.
    "lomma-socialnamnden-protokoll-2025-12-09.txt": DocumentMeta(
        title="Socialnämndens protokoll 2025-12-09", **LOMMA, committee=SOCIAL,
        doc_type="protokoll", year=2025, date=datetime.date(2025, 12, 9)),
    # Cleaning drops its first line ("LOMMA KOMMUN … SAMMANTRÄDESPROTOKOLL") with the running
    # header of the later pages, so the name "protokoll" and the kommun are not in its header: it
    # is known by its meeting fields, and Lomma only by a few mentions in the body.
    "lomma-socialnamnden-protokoll-2026-02-24.txt": DocumentMeta(
        title="Socialnämndens protokoll 2026-02-24", **LOMMA, committee=SOCIAL,
        doc_type="protokoll", year=2026, date=datetime.date(2026, 2, 24),
        uncertain=["organisation"]),
    "lomma-kommunfullmaktige-protokoll-2025-06-05.txt": DocumentMeta(
        title="Kommunfullmäktiges protokoll 2025-06-05", **LOMMA, committee="Kommunfullmäktige",
        doc_type="protokoll", year=2025, date=datetime.date(2025, 6, 5)),
    "lomma-budget-2026.txt": DocumentMeta(
        title="Budget 2026 med plan 2027–2028", **LOMMA, committee="Kommunfullmäktige",
        doc_type="budget", year=2026, year_end=2028,
        date=datetime.date(2025, 6, 5)),  # "Antagen av kommunfullmäktige 2025-06-05, § 43"
    "region-varmland-halso-och-sjukvardsnamnden-namndplan-2025.txt": DocumentMeta(
        title="Nämndplan 2025–2027", organisation="Region Värmland",
        committee="Hälso- och sjukvårdsnämnden", doc_type="nämndplan", year=2025, year_end=2027,
        date=datetime.date(2024, 12, 12)),  # "Fastställd ... den 12 december 2024"
}  # fmt: skip


def _corpus_files() -> list[Path]:
    return sorted(path for corpus in CORPORA for path in corpus.glob("*.txt"))


@pytest.fixture(scope="module")
def detected() -> dict[str, DocumentMeta]:
    if not all(corpus.is_dir() for corpus in CORPORA):
        pytest.skip(f"the shared corpora are not here ({SHARED} holds no corpus and corpus-more)")
    settings = IngestSettings()
    return {
        path.name: process_document(load_document(path), settings).meta for path in _corpus_files()
    }


def test_every_file_is_in_the_table(detected: dict[str, DocumentMeta]) -> None:
    assert sorted(detected) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detected_metadata(detected: dict[str, DocumentMeta], name: str) -> None:
    assert detected[name] == EXPECTED[name]


def test_every_test_document_is_in_the_table() -> None:
    assert sorted(path.name for path in FIXTURES.glob("*.txt")) == sorted(FIXTURES_EXPECTED)


@pytest.mark.parametrize("name", sorted(FIXTURES_EXPECTED))
def test_detected_metadata_of_test_documents(name: str) -> None:
    loaded = load_document(FIXTURES / name)
    assert process_document(loaded, IngestSettings()).meta == FIXTURES_EXPECTED[name]
