"""Metadata read from a document's content: the five example plans, made-up plans, protocols and
riktlinjer of kommuner and regions, user overrides and sidecar files. (Every real file of both
corpora is checked against a hand-written table in test_metadata_corpora.py.)"""

from __future__ import annotations

import datetime
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
from tests.conftest import (
    NORRKOPING_2017,
    NORRKOPING_2024,
    NORRKOPING_2024_PROGRAM,
    NORRTALJE_2023,
    SODERKOPING_2025,
)

SOCIAL = "Socialnämnden"


@pytest.mark.parametrize(
    ("path", "organisation", "doc_type", "year", "title", "uncertain"),
    [
        # The kommun is named once, in the body: a weak sign.
        (NORRKOPING_2024, "Norrköpings kommun", "uppdragsplan", 2024,
         "Socialnämndens uppdragsplan 2024", ["organisation"]),
        (NORRKOPING_2024_PROGRAM, "Norrköpings kommun", "uppdragsplan", 2024,
         "Socialnämndens uppdragsplan 2024", ["organisation"]),
        # No title line: composed from the parts found in the text; the year from body scoring.
        (NORRTALJE_2023, "Norrtälje kommun", "verksamhetsplan", 2023,
         "Socialnämndens verksamhetsplan 2023", ["year"]),
        # Says "verksamhetsplan" more often than "uppdragsplan", but means the units' plans.
        (SODERKOPING_2025, "Söderköpings kommun", "uppdragsplan", 2025,
         "Socialnämndens uppdragsplan 2025", ["organisation", "year"]),
    ],
)  # fmt: skip
def test_example_plans(
    path: Path, organisation: str, doc_type: str, year: int, title: str, uncertain: list[str]
) -> None:
    meta = detect_metadata(path.read_text(encoding="utf-8"))
    assert meta == DocumentMeta(
        title=title,
        organisation=organisation,
        municipality=organisation.split("s kommun")[0].removesuffix(" kommun"),
        committee=SOCIAL,
        doc_type=doc_type,
        year=year,
        uncertain=uncertain,
    )


def test_markdown_plan_with_a_slogan_before_its_title() -> None:
    meta = detect_metadata(NORRKOPING_2017.read_text(encoding="utf-8"))
    assert "Uppdragsplan 2017" in meta.title
    assert (meta.organisation, meta.committee, meta.doc_type, meta.year) == (
        "Norrköpings kommun",
        SOCIAL,
        "uppdragsplan",
        2017,
    )
    assert meta.date == datetime.date(2016, 12, 14)  # "Antagen av socialnämnden den 14 december"
    assert meta.uncertain == []  # "Norrköping" stands alone on the cover


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
            title="Mål och budget 2026–2028", organisation="Umeå kommun", municipality="Umeå",
            committee="Kultur- och fritidsnämnden", doc_type="mål och budget", year=2026,
            year_end=2028)),
        # Decided in 2023, in force from 2024: the newest date it gives itself.
        (LUND_REGLEMENTE, DocumentMeta(
            title="Reglemente för vård- och omsorgsnämnden", organisation="Lunds kommun",
            municipality="Lund", committee="Vård- och omsorgsnämnden", doc_type="reglemente",
            year=2024, date=datetime.date(2023, 3, 30))),
        (GAVLE_INTERNKONTROLL, DocumentMeta(
            title="Internkontrollplan 2024", organisation="Gävle kommun", municipality="Gävle",
            committee="Kommunstyrelsen", doc_type="internkontrollplan", year=2024)),
        (BORAS_VERKSAMHETSPLAN, DocumentMeta(
            title="Barn- och utbildningsnämndens verksamhetsplan 2025",
            organisation="Borås kommun", municipality="Borås",
            committee="Barn- och utbildningsnämnden", doc_type="verksamhetsplan", year=2025,
            uncertain=["organisation", "year"])),
    ],
    ids=["umea-mal-och-budget", "lund-reglemente", "gavle-internkontroll", "boras-no-title"],
)  # fmt: skip
def test_other_municipalities_and_document_types(text: str, expected: DocumentMeta) -> None:
    assert detect_metadata(text) == expected


def test_text_without_evidence_gets_a_title_and_no_guesses() -> None:
    meta = detect_metadata("Anteckningar från mötet\nVi pratade om läget.")
    assert meta == DocumentMeta(title="Anteckningar från mötet")
    assert detect_metadata("").title == "Namnlöst dokument"


# --- regions -------------------------------------------------------------------------------------

# A region's plan names the kommuner of its county, as places, more often than not.
VARMLAND_REGIONPLAN = """Tillsammans för ett friskare Värmland
Regionplan 2026–2028
Regionfullmäktige den 25 november 2025

Inledning
Region Värmland ansvarar för hälso- och sjukvård, kollektivtrafik och regional utveckling. Region
Värmlands sjukhus finns i Karlstad, Arvika och Torsby. I Karlstad byggs en ny akutmottagning och i
Arvika en ny vårdcentral. Karlstad, Arvika, Torsby och Kristinehamn har egna vårdcentraler.
Regionstyrelsen ska under 2026 följa upp regionplanen. Hälso- och sjukvårdsnämnden ansvarar för
vården. Hälso- och sjukvårdsnämnden rapporterar till regionstyrelsen.
"""

# A kommun's plan that works with its region a lot.
LINKOPING_NAMNDPLAN = """Äldrenämndens nämndplan 2026
Linköpings kommun

Samverkan
Äldrenämnden samverkar med Region Östergötland om hemsjukvård. Region Östergötland ansvarar för
läkarinsatser och Region Östergötlands vårdcentraler för primärvården. Avtalet med Region
Östergötland ses över under 2026. Kommunen och regionen har en gemensam handlingsplan.
"""


def test_a_regions_plan_is_the_regions_not_its_biggest_towns() -> None:
    assert detect_metadata(VARMLAND_REGIONPLAN) == DocumentMeta(
        title="Regionplan 2026–2028",
        organisation="Region Värmland",
        committee="Regionfullmäktige",
        doc_type="regionplan",
        year=2026,
        year_end=2028,
        date=datetime.date(2025, 11, 25),
        uncertain=["organisation"],  # named as itself twice, in the body only
    )


def test_a_kommuns_plan_is_the_kommuns_not_its_regions() -> None:
    meta = detect_metadata(LINKOPING_NAMNDPLAN)
    assert (meta.organisation, meta.municipality) == ("Linköpings kommun", "Linköping")
    assert (meta.committee, meta.doc_type, meta.year) == ("Äldrenämnden", "nämndplan", 2026)
    assert meta.uncertain == []


def test_a_regions_committee_picks_the_region_among_named_organisations() -> None:
    text = (
        "Hälso- och sjukvårdsnämnden\nVerksamhetsplan 2026\n\n"
        "Nämnden samarbetar med Falu kommun, Falu kommun och Borlänge kommun. Region Dalarna "
        "ansvarar för vården, och regionen följer upp regionfullmäktiges mål. Regionens "
        "hälsocentraler och regionens sjukhus ska samverka med regionstyrelsen.\n"
    )
    assert detect_metadata(text).organisation == "Region Dalarna"


def test_gotland_is_a_kommun_and_a_region() -> None:
    meta = detect_metadata("Region Gotland\nRegionplan 2026\n\nRegion Gotland planerar.\n")
    assert (meta.organisation, meta.municipality) == ("Region Gotland", "Gotland")


# --- protocols -----------------------------------------------------------------------------------

LOMMA_SOCIALNAMND = """Lomma kommun
SAMMANTRÄDESPROTOKOLL
Socialnämnden
Sammanträdesdatum 2025-12-09

Plats och tid Lomma kommunhus, tisdag 9 december 2025 kl. 18.00–20.30
Beslutande Anna Andersson (M), ordförande
Cecilia Ek (S)
Övriga närvarande David Lind, socialchef
Justerare Bo Berg (S)
Justeringens plats och tid Kommunhuset 2025-12-12
Paragrafer §§ 101–112

§ 101 Val av justerare
Socialnämnden beslutar att utse Bo Berg att justera protokollet. Socialstyrelsen har meddelat
nämnden att tillsynen avslutas 2026.
"""

# The organ that met is in the header; the committee named most is the one that proposes.
KOMMUNFULLMAKTIGE = """PROTOKOLL
Kommunfullmäktige
Sammanträdesdatum: 2025-06-05
Plats och tid: Stadshuset kl 18.30

§ 45 Årsredovisning 2024
Kommunstyrelsen föreslår kommunfullmäktige att godkänna årsredovisningen 2024. Kommunstyrelsen
har berett ärendet. Kommunstyrelsens arbetsutskott har yttrat sig. Kommunstyrelsen föreslår.
"""


def test_protocol_of_a_nämnd() -> None:
    assert detect_metadata(LOMMA_SOCIALNAMND) == DocumentMeta(
        title="Socialnämndens protokoll 2025-12-09",
        organisation="Lomma kommun",
        municipality="Lomma",
        committee=SOCIAL,
        doc_type="protokoll",
        year=2025,
        date=datetime.date(2025, 12, 9),
    )


def test_protocol_of_kommunfullmäktige_is_dated_by_its_meeting() -> None:
    meta = detect_metadata(KOMMUNFULLMAKTIGE)
    assert (meta.committee, meta.doc_type) == ("Kommunfullmäktige", "protokoll")
    assert (meta.date, meta.year) == (datetime.date(2025, 6, 5), 2025)  # not 2024, the report's
    assert meta.title == "Kommunfullmäktiges protokoll 2025-06-05"
    assert meta.organisation is None  # no kommun named: unknown, not guessed


@pytest.mark.parametrize(
    ("header", "date"),
    [
        ("Sammanträdesdatum 2026-02-24", datetime.date(2026, 2, 24)),
        ("Sammanträdesdatum\n2026-02-24", datetime.date(2026, 2, 24)),  # a form's two cells
        ("Plats och tid: Rådhuset, tisdag 9 december 2025 kl. 13.00", datetime.date(2025, 12, 9)),
        ("Datum: 2025-06-16--17", datetime.date(2025, 6, 16)),  # a two-day meeting
        ("Tid: den 3 mars 2025, kl 9", datetime.date(2025, 3, 3)),
    ],
)
def test_the_meeting_date_in_its_forms(header: str, date: datetime.date) -> None:
    text = f"SOCIALNÄMNDEN SAMMANTRÄDESPROTOKOLL\n{header}\nSöderköpings kommun\n\n§ 12 Budget\n"
    meta = detect_metadata(text)
    assert (meta.date, meta.year) == (date, date.year)


def test_protocols_with_one_printed_title_get_one_title_each() -> None:
    dates = ["2025-09-16", "2025-10-21", "2025-11-18", "2025-12-09"]
    titles = [
        detect_metadata(
            f"SOCIALNÄMNDEN SAMMANTRÄDESPROTOKOLL\nSammanträdesdatum {date}\n\n§ 1 Val\nText.\n"
        ).title
        for date in dates
    ]
    assert titles == [f"Socialnämndens protokoll {date}" for date in dates]


@pytest.mark.parametrize(
    ("text", "committee", "doc_type"),
    [
        ("Utdrag ur protokoll fört vid sammanträde med kommunstyrelsen\nDatum: 10 mars 2025\n"
         "§ 45 Riktlinje\nKommunstyrelsen beslutar.", "Kommunstyrelsen", "protokollsutdrag"),
        ("Protokollsutdrag\nVård- och omsorgsnämnden\n2025-03-10\n§ 45 Avgifter\nText.",
         "Vård- och omsorgsnämnden", "protokollsutdrag"),
        ("Region Värmland\nProtokoll\nRegionstyrelsens arbetsutskott\nTid: 2025-10-07\n§ 201 X",
         "Regionstyrelsens arbetsutskott", "protokoll"),
        ("Protokoll\nOrgan: Tekniska nämnden\nSammanträdesdatum 2025-10-07\n§ 1 X",
         "Tekniska nämnden", "protokoll"),
        ("Regionfullmäktige\nSammanträdesprotokoll\n2025-11-10\n§ 1 Regionplan",
         "Regionfullmäktige", "protokoll"),
        ("Lomma kommun Sammanträdesprotokoll\nKommunstyrelsen\n2025-11-10\n§ 1 Budget",
         "Kommunstyrelsen", "protokoll"),
    ],
)  # fmt: skip
def test_the_organ_that_met(text: str, committee: str, doc_type: str) -> None:
    meta = detect_metadata(text)
    assert (meta.committee, meta.doc_type) == (committee, doc_type)
    assert meta.date is not None and meta.title.endswith(meta.date.isoformat())


def test_a_protocol_whose_name_was_lost_is_known_by_its_meeting_fields() -> None:
    text = (
        "Socialnämnden Sammanträdesdatum 2026-02-24\nPlats och tid\nKommunhuset, Lomma\n"
        "Beslutande\nHelena Bergkvist (M), ordförande\nUtses att justera\nErik Blom (SD)\n\n"
        "§ 12 Dnr SN 2026/0003\nÅrsrapport 2025\nUnder 2025 ökade kostnaderna.\n"
    )
    meta = detect_metadata(text)
    assert (meta.doc_type, meta.committee, meta.year) == ("protokoll", SOCIAL, 2026)
    assert meta.title == "Socialnämndens protokoll 2026-02-24"


@pytest.mark.parametrize(
    "text",
    [
        "Socialnämndens verksamhetsplan 2025\nNämnden läser protokollet från varje möte noga.\n",
        "Riktlinje för anhörigstöd\nRelaterade dokument: Protokoll SN 2024-05-21 § 45\n",
    ],
)
def test_a_protocol_named_in_passing_does_not_make_a_protocol(text: str) -> None:
    assert detect_metadata(text).doc_type not in {"protokoll", "protokollsutdrag"}


# --- standing documents: riktlinjer, reglementen -------------------------------------------------

VARBERG_RIKTLINJER = """Riktlinjer för ekonomiskt bistånd
Individ- och familjeomsorgen

Diarienummer: SN 2024/112
Fastställd av socialnämnden 2024-05-21

Inledning
Riktlinjerna gäller för handläggning av ekonomiskt bistånd i Varbergs kommun. Socialstyrelsen har
gett ut allmänna råd (SOSFS 2013:1). Socialstyrelsen följer upp. Socialstyrelsens statistik från
2019 visar ökningen. Socialstyrelsen rekommenderar. Varbergs kommun följer Socialstyrelsen.
"""


def test_a_riktlinje_is_dated_by_its_decision_and_owned_by_its_nämnd() -> None:
    assert detect_metadata(VARBERG_RIKTLINJER) == DocumentMeta(
        title="Riktlinjer för ekonomiskt bistånd",
        organisation="Varbergs kommun",
        municipality="Varberg",
        committee=SOCIAL,  # not Socialstyrelsen, a national agency named more often
        doc_type="riktlinje",
        year=2024,  # not 2019
        date=datetime.date(2024, 5, 21),
        uncertain=["organisation"],
    )


def test_national_agencies_are_never_committees() -> None:
    text = "Vägledning om LSS\n\nSocialstyrelsen och Länsstyrelsen ger råd. Socialstyrelsen.\n"
    assert detect_metadata(text).committee is None


# --- titles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Mål och budget 2026\nmed ekonomisk plan\n2027–2030\nRegionfullmäktige den 18 juni 2025",
         "Mål och budget 2026 med ekonomisk plan 2027–2030"),
        ("Rapport\nVerksamhetsplan med\nbudget 2026\noch planering 2027–2028\nFör ökad trygghet",
         "Verksamhetsplan med budget 2026 och planering 2027–2028"),
        ("Ett hållbart Dalarna\nmed utvecklingskraft\nRegionplan, budget och finansplan 2026-2028",
         "Regionplan, budget och finansplan 2026-2028"),
        ("Budget för regionala anslag ....................... 25\nÅrsplan 2026\nText.",
         "Årsplan 2026"),
        ("Delårsrapport januari–augusti 2025\nKommunstyrelsen\nText.",
         "Delårsrapport januari–augusti 2025"),
    ],
)  # fmt: skip
def test_title_lines_joined_never_a_slogan_or_a_table_of_contents(text: str, title: str) -> None:
    assert detect_metadata(text).title == title


@pytest.mark.parametrize(
    ("title", "year", "year_end"),
    [
        ("Regionplan och budget 2026–2028", 2026, 2028),
        ("Mål och budget 2026 med ekonomisk plan 2027–2030", 2026, 2030),
        ("Verksamhetsplan 2023/24", 2023, 2024),
        ("Uppdragsplan 2017", 2017, None),
    ],
)
def test_a_period_in_the_title(title: str, year: int, year_end: int | None) -> None:
    meta = detect_metadata(f"{title}\nSocialnämnden\n\nText om planen.\n")
    assert (meta.year, meta.year_end) == (year, year_end)


@pytest.mark.parametrize(
    ("fields", "title"),
    [
        ({"committee": SOCIAL, "doc_type": "uppdragsplan", "year": 2025,
          "organisation": "Söderköpings kommun"}, "Socialnämndens uppdragsplan 2025"),
        ({"doc_type": "reglemente", "organisation": "Lunds kommun"}, "Lunds kommuns reglemente"),
        ({"doc_type": "regionplan", "organisation": "Region Dalarna", "year": 2026,
          "year_end": 2028}, "Region Dalarnas regionplan 2026–2028"),
        ({"committee": SOCIAL, "doc_type": "protokoll", "year": 2025,
          "date": datetime.date(2025, 12, 9)}, "Socialnämndens protokoll 2025-12-09"),
        ({"doc_type": "budget", "organisation": "Västra Götalandsregionen", "year": 2026},
         "Västra Götalandsregionens budget 2026"),
        ({"committee": SOCIAL, "year": 2025}, None),
    ],
)  # fmt: skip
def test_compose_title(fields: dict[str, object], title: str | None) -> None:
    assert compose_title(DocumentMeta(title="x", **fields)) == title


# --- overrides -----------------------------------------------------------------------------------

COMPOSED = DocumentMeta(
    title="Socialnämndens uppdragsplan 2024",
    organisation="Norrköpings kommun",
    municipality="Norrköping",
    committee=SOCIAL,
    doc_type="uppdragsplan",
    year=2024,
    uncertain=["organisation", "year"],
)
PROTOCOL = DocumentMeta(
    title="Socialnämndens protokoll 2025-12-09",
    committee=SOCIAL,
    doc_type="protokoll",
    year=2025,
    date=datetime.date(2025, 12, 9),
)


def test_no_overrides_change_nothing() -> None:
    assert apply_overrides(COMPOSED, MetaOverrides()) == COMPOSED


def test_a_given_field_wins_and_a_composed_title_follows() -> None:
    meta = apply_overrides(COMPOSED, MetaOverrides(year=2025, doc_type="verksamhetsplan"))
    assert meta.year == 2025
    assert meta.title == "Socialnämndens verksamhetsplan 2025"
    assert meta.uncertain == ["organisation"]  # the year is the user's now


def test_a_given_title_wins() -> None:
    meta = apply_overrides(COMPOSED, MetaOverrides(title="Min plan", year=2030))
    assert (meta.title, meta.year) == ("Min plan", 2030)


def test_a_written_title_is_kept() -> None:
    meta = COMPOSED.model_copy(update={"title": "Uppdragsplan 2017, socialnämndens uppdrag"})
    assert apply_overrides(meta, MetaOverrides(year=2018)).title == meta.title


@pytest.mark.parametrize(
    ("overrides", "organisation", "municipality"),
    [
        (MetaOverrides(municipality="norrtälje"), "Norrtälje kommun", "Norrtälje"),
        (MetaOverrides(municipality="Region Östergötland"), "Region Östergötland", None),
        (MetaOverrides(organisation="region värmlands"), "Region Värmland", None),
        (MetaOverrides(organisation="Lunds kommun"), "Lunds kommun", "Lund"),
        (MetaOverrides(organisation="Region Gotland"), "Region Gotland", "Gotland"),
        (MetaOverrides(municipality="Ankeborg"), "Ankeborgs kommun", "Ankeborg"),
        (MetaOverrides(organisation="Ankeborgs kommunalförbund"), "Ankeborgs kommunalförbund",
         None),
    ],
)  # fmt: skip
def test_organisation_and_municipality_are_overridden_together(
    overrides: MetaOverrides, organisation: str, municipality: str | None
) -> None:
    meta = apply_overrides(COMPOSED, overrides)
    assert (meta.organisation, meta.municipality) == (organisation, municipality)
    assert meta.uncertain == ["year"]


def test_a_protocols_new_date_gives_its_year_and_title() -> None:
    meta = apply_overrides(PROTOCOL, MetaOverrides(date=datetime.date(2026, 1, 20)))
    assert (meta.year, meta.title) == (2026, "Socialnämndens protokoll 2026-01-20")


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
