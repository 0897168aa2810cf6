"""Metadata read from a plan's content: the five example plans, made-up plans of other
municipalities and document types, user overrides and sidecar files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.document import DocumentMeta, IngestError
from ingest.metadata import (
    MetaOverrides,
    apply_overrides,
    compose_title,
    detect_metadata,
    read_sidecar,
)
from ingest.municipalities import municipality_title
from tests.conftest import (
    NORRKOPING_2017,
    NORRKOPING_2024,
    NORRKOPING_2024_PROGRAM,
    NORRTALJE_2023,
    SODERKOPING_2025,
)

SOCIAL = "Socialnämnden"


@pytest.mark.parametrize(
    ("path", "municipality", "doc_type", "year", "title"),
    [
        (NORRKOPING_2024, "Norrköping", "uppdragsplan", 2024, "Socialnämndens uppdragsplan 2024"),
        (NORRKOPING_2024_PROGRAM, "Norrköping", "uppdragsplan", 2024,
         "Socialnämndens uppdragsplan 2024"),
        # No title line: composed from the parts found in the text.
        (NORRTALJE_2023, "Norrtälje", "verksamhetsplan", 2023,
         "Socialnämndens verksamhetsplan 2023"),
        # Says "verksamhetsplan" more often than "uppdragsplan", but means the units' plans.
        (SODERKOPING_2025, "Söderköping", "uppdragsplan", 2025, "Socialnämndens uppdragsplan 2025"),
    ],
)  # fmt: skip
def test_example_plans(path: Path, municipality: str, doc_type: str, year: int, title: str) -> None:
    meta = detect_metadata(path.read_text(encoding="utf-8"))
    assert meta == DocumentMeta(
        title=title,
        organisation=municipality_title(municipality),
        municipality=municipality,
        committee=SOCIAL,
        doc_type=doc_type,
        year=year,
    )


def test_markdown_plan_with_a_slogan_before_its_title() -> None:
    meta = detect_metadata(NORRKOPING_2017.read_text(encoding="utf-8"))
    assert "Uppdragsplan 2017" in meta.title
    assert (meta.municipality, meta.committee, meta.doc_type, meta.year) == (
        "Norrköping",
        SOCIAL,
        "uppdragsplan",
        2017,
    )


def test_example_plans_without_blank_lines(plan_texts: dict[str, str]) -> None:
    """Cleaning drops the blank lines of PDF text; detection must not depend on them."""
    for name, text in plan_texts.items():
        squeezed = "\n".join(line for line in text.splitlines() if line.strip())
        assert detect_metadata(squeezed) == detect_metadata(text), name


UMEA_BUDGET = """Umeå kommun
Kultur- och fritidsnämnden

Mål och budget 2026–2028

Inledning
Kultur- och fritidsnämnden ansvarar för bibliotek, fritidsgårdar och idrottsanläggningar i Umeå
kommun. Nämndens arbete utgår från kommunfullmäktiges mål och budget och från förvaltningens
verksamhetsplaner.

Ekonomi
(mnkr) Utfall 2024 Prognos 2025 Budget 2026 Plan 2027 Plan 2028
Bibliotek 98,1 101,4 104,0 106,2 108,3
Under 2026 ska nämnden öppna ett nytt bibliotek på Ålidhem.
"""

LUND_REGLEMENTE = """Reglemente för vård- och omsorgsnämnden
Antaget av kommunfullmäktige i Lunds kommun 2023-03-30, § 45.

1 § Uppgifter
Vård- och omsorgsnämnden fullgör kommunens uppgifter enligt socialtjänstlagen och lagen om stöd
och service till vissa funktionshindrade (LSS) för äldre och personer med funktionsnedsättning.
Nämnden har hand om hälso- och sjukvård enligt hälso- och sjukvårdslagen (2017:30).

2 § Samverkan
Vård- och omsorgsnämnden ska samverka med socialnämnden och med Region Skåne.
Reglementet gäller från och med den 1 januari 2024.
"""

GAVLE_INTERNKONTROLL = """Kommunstyrelsen
Internkontrollplan 2024

Gävle kommun
Kommunstyrelsens internkontrollplan beskriver de kontroller som görs under 2024.
Riskområde Kontrollmoment Ansvarig Frekvens
Upphandling Avtalstrohet Inköpschef Varje tertial
Resultatet redovisas till kommunstyrelsen i årsredovisningen 2024.
Kontrollerna bygger på Gävles risk- och väsentlighetsanalys från 2023.
"""

# No title line; "verksamhetsplaner", "Budget 2025" columns and "reglementet" are distractions.
BORAS_VERKSAMHETSPLAN = """1 Inledning
Verksamhetsplanen beskriver hur Barn- och utbildningsnämnden i Borås Stad ska arbeta under 2025.
Förvaltningens enheter tar fram egna verksamhetsplaner och aktivitetsplaner utifrån den.
2 Ekonomi
(tkr) Utfall 2023 Prognos 2024 Budget 2025
Grundskola 1 200 1 250 1 300
3 Uppföljning
Barn- och utbildningsnämndens verksamhetsplan följs upp i delårsrapporten och i årsredovisningen.
Enligt reglementet ansvarar nämnden för förskola och grundskola i Borås.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (UMEA_BUDGET, DocumentMeta(
            title="Mål och budget 2026–2028", municipality="Umeå",
            committee="Kultur- och fritidsnämnden", doc_type="mål och budget", year=2026)),
        (LUND_REGLEMENTE, DocumentMeta(
            title="Reglemente för vård- och omsorgsnämnden", municipality="Lund",
            committee="Vård- och omsorgsnämnden", doc_type="reglemente", year=2024)),
        (GAVLE_INTERNKONTROLL, DocumentMeta(
            title="Internkontrollplan 2024", municipality="Gävle", committee="Kommunstyrelsen",
            doc_type="internkontrollplan", year=2024)),
        (BORAS_VERKSAMHETSPLAN, DocumentMeta(
            title="Barn- och utbildningsnämndens verksamhetsplan 2025", municipality="Borås",
            committee="Barn- och utbildningsnämnden", doc_type="verksamhetsplan", year=2025)),
    ],
    ids=["umea-mal-och-budget", "lund-reglemente", "gavle-internkontroll", "boras-no-title"],
)  # fmt: skip
def test_other_municipalities_and_document_types(text: str, expected: DocumentMeta) -> None:
    assert expected.municipality is not None
    organisation = municipality_title(expected.municipality)
    assert detect_metadata(text) == expected.model_copy(update={"organisation": organisation})


def test_text_without_evidence_gets_a_title_and_no_guesses() -> None:
    meta = detect_metadata("Anteckningar från mötet\nVi pratade om läget.")
    assert meta == DocumentMeta(title="Anteckningar från mötet")
    assert detect_metadata("").title == "Namnlöst dokument"


def test_compose_title_falls_back_to_the_municipality() -> None:
    assert compose_title(None, "reglemente", None, "Lund") == "Lunds kommuns reglemente"
    assert compose_title("Socialnämnden", "uppdragsplan", 2025, "Söderköping") == (
        "Socialnämndens uppdragsplan 2025"
    )
    assert compose_title("Socialnämnden", None, 2025, None) is None


# --- overrides -----------------------------------------------------------------------------------

COMPOSED = DocumentMeta(
    title="Socialnämndens uppdragsplan 2024",
    municipality="Norrköping",
    committee=SOCIAL,
    doc_type="uppdragsplan",
    year=2024,
)


def test_no_overrides_change_nothing() -> None:
    assert apply_overrides(COMPOSED, MetaOverrides()) == COMPOSED


def test_a_given_field_wins_and_a_composed_title_follows() -> None:
    meta = apply_overrides(COMPOSED, MetaOverrides(year=2025, doc_type="verksamhetsplan"))
    assert meta.year == 2025
    assert meta.title == "Socialnämndens verksamhetsplan 2025"


def test_a_given_title_wins() -> None:
    meta = apply_overrides(COMPOSED, MetaOverrides(title="Min plan", year=2030))
    assert (meta.title, meta.year) == ("Min plan", 2030)


def test_a_written_title_is_kept() -> None:
    meta = COMPOSED.model_copy(update={"title": "Uppdragsplan 2017, socialnämndens uppdrag"})
    assert apply_overrides(meta, MetaOverrides(year=2018)).title == meta.title


def test_municipality_override_gets_the_canonical_spelling() -> None:
    assert apply_overrides(COMPOSED, MetaOverrides(municipality="norrtälje")).municipality == (
        "Norrtälje"
    )
    unknown = apply_overrides(COMPOSED, MetaOverrides(municipality="Region Östergötland"))
    assert unknown.municipality == "Region Östergötland"


# --- sidecar -------------------------------------------------------------------------------------


def _plan_with_sidecar(tmp_path: Path, sidecar: str | None) -> Path:
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4")
    if sidecar is not None:
        (tmp_path / "plan.pdf.meta.json").write_text(sidecar, encoding="utf-8")
    return plan


def test_sidecar_is_read(tmp_path: Path) -> None:
    plan = _plan_with_sidecar(tmp_path, json.dumps({"municipality": "Lund", "year": 2024}))
    assert read_sidecar(plan) == MetaOverrides(municipality="Lund", year=2024)


def test_missing_sidecar_gives_no_overrides(tmp_path: Path) -> None:
    assert read_sidecar(_plan_with_sidecar(tmp_path, None)) == MetaOverrides()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"municipality": "Lund",', "inte giltig JSON"),
        ('["Lund", 2024]', "måste innehålla ett JSON-objekt"),
        ('{"kommun": "Lund"}', "okänt fält 'kommun'"),
        ('{"year": "tjugotjugofyra"}', "fältet 'year' har ett ogiltigt värde"),
        ('{"year": 24}', "fältet 'year' har ett ogiltigt värde"),
    ],
)
def test_malformed_sidecar_is_an_ingest_error(tmp_path: Path, content: str, reason: str) -> None:
    plan = _plan_with_sidecar(tmp_path, content)
    with pytest.raises(IngestError) as raised:
        read_sidecar(plan)
    assert raised.value.path == plan
    assert reason in raised.value.reason
    assert "plan.pdf.meta.json" in raised.value.reason
