"""Structure of real and realistic documents: the seven files of ../shared/corpus-more (skipped
where that folder is absent) and the invented protocols, budget and nämndplan of
tests/fixtures/documents. Heading paths of known passages, and no page furniture or table of
contents left in chunks or section paths."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ingest.document import Chunk
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings
from tests.conftest import CORPUS_MORE_DIR, REPO

FIXTURES_DIR = REPO / "tests" / "fixtures" / "documents"
HALLAND = "region-halland-mal-och-budget-2026.txt"
OREBRO = "region-orebro-lan-verksamhetsplan-2026.txt"
UPPSALA = "region-uppsala-regionplan-2026-2028.txt"
DALARNA = "region-dalarna-regionplan-2026-2028.txt"
SOL = "botkyrka-vard-och-omsorgsnamnden-riktlinjer-handlaggning-sol-2025.txt"
ANHORIG = "botkyrka-vard-och-omsorgsnamnden-riktlinje-anhorigstod-2025.txt"
AVGIFTER = "botkyrka-vard-och-omsorgsnamnden-riktlinjer-avgifter-2025.txt"
CORPUS_MORE = [HALLAND, OREBRO, UPPSALA, DALARNA, SOL, ANHORIG, AVGIFTER]
PROTOCOL_DEC = "lomma-socialnamnden-protokoll-2025-12-09.txt"
PROTOCOL_FEB = "lomma-socialnamnden-protokoll-2026-02-24.txt"
PROTOCOL_KF = "lomma-kommunfullmaktige-protokoll-2025-06-05.txt"
NAMNDPLAN = "region-varmland-halso-och-sjukvardsnamnden-namndplan-2025.txt"
BUDGET = "lomma-budget-2026.txt"
FIXTURES = [PROTOCOL_DEC, PROTOCOL_FEB, PROTOCOL_KF, NAMNDPLAN, BUDGET]

needs_corpus_more = pytest.mark.skipif(
    not CORPUS_MORE_DIR.is_dir(),
    reason=f"the out-of-sample corpus is not here: {CORPUS_MORE_DIR}",
)


@cache
def chunks_of(path: Path) -> tuple[Chunk, ...]:
    return tuple(process_document(load_document(path), IngestSettings()).chunks)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sections_holding(path: Path, passage: str) -> list[tuple[str, ...]]:
    return [tuple(chunk.section) for chunk in chunks_of(path) if passage in squash(chunk.text)]


@needs_corpus_more
@pytest.mark.parametrize(
    ("file", "passage", "expected_path"),
    [
        (
            HALLAND,
            "Region Halland ska vara en attraktiv arbetsgivare som både lockar nya medarbetare",
            ("Mål: En attraktiv arbetsgivare för hållbar kompetensförsörjning",),
        ),
        (
            # The heading wraps with a hyphen ("miljöpåver-" / "kan"); its contents entry does not.
            HALLAND,
            "Studier visar att cirka hälften av klimatpåverkan från en byggnads livscykel",
            ("Mål: En organisation som minskar sin klimat- och miljöpåverkan",),
        ),
        (
            # The budget appendix numbers its pages and its chapters from 1 again.
            HALLAND,
            "Nämndernas budgetramar har enligt Region Hallands budgetmodell",
            ("1. Fördelning av budget till nämnder", "Nämndernas budgetramar"),
        ),
        (OREBRO, "Vi lever i en tid som präglas av stor osäkerhet", ("1. Förord",)),
        (
            OREBRO,
            "Region Örebro län har det regionala utvecklingsansvaret i länet",
            (
                "3. Vision, värdegrund och uppdrag",
                "3.3 Uppdrag",
                "3.3.1 Regionalt utvecklingsansvar",
            ),
        ),
        (
            # The contents list "Bilaga 1: …" without a page number: it must not head the plan.
            OREBRO,
            "Nämndernas ekonomiska budgetram fastställs av fullmäktige på nettokostnadsnivå.",
            (
                "10. Bilaga",
                "10.1 Bilaga 1: Riktlinjer för ekonomisk styrning",
                "10.1.2 Nämndernas budgetar",
            ),
        ),
        (
            SOL,
            "Skäligt är att få fönster putsade en gång per år.",
            (
                "3. Stöd och hjälp för den som bor i ordinärt boende",
                "3.6 Stöd och hjälp av hemtjänst",
                "3.6.2 Fönsterputs",
            ),
        ),
        (SOL, "är en vägledning inför beslut", ("Inledning",)),
        (ANHORIG, "är barnkonventionen svensk lag", ("Barnperspektivet",)),
        # Misnumbered in the body ("10. Allmänt"), listed as "1. Allmänt".
        (AVGIFTER, "Avgifter enligt LSS regleras i lag om stöd och service", ("10. Allmänt",)),
        (
            AVGIFTER,
            "ligger dessa till grund för vilken avgiftsnivå",
            ("4. Avgift för hemtjänstinsatser och/eller dagverksamhet", "4.1 Avgiftsnivåer"),
        ),
        # Two columns interleaved; the heading is listed in capitals, printed in lower case.
        (DALARNA, "Regionplanen är regionfullmäktiges årliga styrande", ("Inledning",)),
        (
            DALARNA,
            "Patientnämnden är en fristående nämnd",
            ("Bilaga 2. Politisk organisation", "Patientnämnden"),
        ),
        (
            UPPSALA,
            "När omvärlden blir oroligare måste välfärden",
            ("Fortsatt kraftsamling för Region Uppsala",),
        ),
        (
            UPPSALA,
            "Förebyggande vård, som tobaksavvänjning, viktminskning, per besök",
            ("Patientavgifter 2026",),
        ),
    ],
)
def test_heading_paths_in_corpus_more(
    file: str, passage: str, expected_path: tuple[str, ...]
) -> None:
    sections = sections_holding(CORPUS_MORE_DIR / file, passage)
    assert sections, f"{passage!r} is in no chunk of {file}"
    # Deeper levels below the expected ones may exist (a table's title, a sub-heading).
    assert sections[0][: len(expected_path)] == expected_path


#: Furniture of the corpus-more files: page marks, running headers, converter residue.
CORPUS_MORE_FURNITURE = re.compile(
    r"\b\d{1,3} \(75\)|REGIONPLAN, BUDGET OCH FINANSPLAN|\bimage\d+\.(?:emf|png|jpe?g)"
    r"|Ta inte bort denna rad|\.nossealC|:otoF"
)


def _page_number_lines(path: Path) -> list[str]:
    """Each lone page number of a text with the words around it, as a page break would leave
    them in a chunk ("utbildning och 1 arbetsskor")."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
    found = []
    for before, number, after in zip(lines, lines[1:], lines[2:], strict=False):
        lone = re.fullmatch(r"\d{1,3}", number) and before and after
        if lone and re.search(r"[a-zåäö,]$", before) and after[0].islower():
            found.append(f"{before.split()[-1]} {number} {after.split()[0]}")
    return found


@needs_corpus_more
@pytest.mark.parametrize("file", CORPUS_MORE)
def test_no_page_furniture_in_corpus_more_chunks(file: str) -> None:
    path = CORPUS_MORE_DIR / file
    texts = [squash(chunk.text) for chunk in chunks_of(path)]
    assert not [t[:80] for t in texts if CORPUS_MORE_FURNITURE.search(t)]
    # Sentences that a page break cut are whole again, without the page number between.
    if file != UPPSALA:  # its figures leave axis values between lines of text
        breaks = _page_number_lines(path)
        assert not [b for b in breaks if any(b in t for t in texts)]


def _contents_lines(path: Path) -> set[str]:
    """The lines of a file that are table-of-contents entries: a dot leader or a tab before a
    page number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return {
        squash(line) for line in lines if re.search(r"(?:\.{4,}\s*|\t)\d{1,3}\s*$", line.rstrip())
    }


@needs_corpus_more
@pytest.mark.parametrize("file", CORPUS_MORE)
def test_no_contents_line_in_section_paths(file: str) -> None:
    path = CORPUS_MORE_DIR / file
    contents = _contents_lines(path)
    headings = {heading for chunk in chunks_of(path) for heading in chunk.section}
    assert not [h for h in headings if h in contents or re.search(r"\.{4,}", h)]
    assert not [
        chunk.text[:80] for chunk in chunks_of(path) if re.search(r"\.{8,}\s*\d{1,3}$", chunk.text)
    ]


@needs_corpus_more
def test_letter_spaced_headings_are_joined() -> None:
    headings = {h for chunk in chunks_of(CORPUS_MORE_DIR / OREBRO) for h in chunk.section}
    assert "DRIFTREDOVISNING, mnkr" in headings
    # Text from a circular figure, letter by letter, is no heading.
    dalarna = {h for chunk in chunks_of(CORPUS_MORE_DIR / DALARNA) for h in chunk.section}
    assert not [h for h in dalarna if re.fullmatch(r"[A-ZÅÄÖ]{12,}", h)]


@needs_corpus_more
def test_soft_hyphens_of_uppsala_are_hyphens_and_minus_signs() -> None:
    text = " ".join(squash(chunk.text) for chunk in chunks_of(CORPUS_MORE_DIR / UPPSALA))
    assert "\u00ad" not in text
    assert "hälso- och sjukvård" in text
    assert "e-tjänster" in text
    # Broken at the line end and known whole elsewhere: rejoined.
    assert "säkra verksamheten" in text


@pytest.mark.parametrize(
    ("file", "passage", "expected_path"),
    [
        (
            PROTOCOL_DEC,
            "Prognosen pekar mot ett underskott om 5,0 miljoner kronor vid årets slut",
            ("§ 105 Ekonomisk uppföljning november 2025", "Ärendebeskrivning"),
        ),
        (
            # "§ 106" alone, then "Dnr SN 2025/0231", then the title.
            PROTOCOL_DEC,
            "Kostnaden för satsningen beräknas till 2,9 miljoner kronor för 2026.",
            ("§ 106 Satsning på demensvården 2026",),
        ),
        (
            PROTOCOL_DEC,
            "Socialnämnden antar internkontrollplan 2026 för socialnämnden.",
            ("§ 107 Internkontrollplan 2026 för socialnämnden", "Socialnämndens beslut"),
        ),
        (
            # The page breaks inside the hyphenated "För-" / "valtningen": one word again.
            PROTOCOL_DEC,
            "38 procent. Förvaltningen ser",
            ("§ 108 Rapport om ekonomiskt bistånd januari–oktober 2025",),
        ),
        (
            PROTOCOL_FEB,
            "Per den 31 december 2025 fanns sex beslut som inte hade verkställts inom tre månader.",
            ("§ 15 Rapportering av ej verkställda beslut, kvartal 4 2025",),
        ),
        (
            PROTOCOL_KF,
            "Skattesatsen för 2026 fastställs till 19,54 kronor per skattekrona.",
            ("§ 43 Budget 2026 med plan 2027–2028 samt skattesats för 2026",),
        ),
        (
            NAMNDPLAN,
            "hälso- och sjukvårdsnämndens budgetram för 2025 till 9 804,6 miljoner kronor",
            ("6. Ekonomi", "6.1 Driftbudget"),
        ),
        (
            NAMNDPLAN,
            "vårdcentralerna ska arbeta mer proaktivt med patienter som har flera kroniska",
            ("5. Prioriteringar per verksamhetsområde", "5.1 Primärvård och nära vård"),
        ),
        (
            BUDGET,
            "Budgeten bygger på en oförändrad skattesats om 19,54 kronor per skattekrona för 2026.",
            ("2 Ekonomiska förutsättningar", "2.1 Skatteintäkter och generella statsbidrag"),
        ),
    ],
)
def test_heading_paths_in_fixture_documents(
    file: str, passage: str, expected_path: tuple[str, ...]
) -> None:
    sections = sections_holding(FIXTURES_DIR / file, passage)
    assert sections, f"{passage!r} is in no chunk of {file}"
    assert sections[0][: len(expected_path)] == expected_path


#: Protocol furniture: the footer, page marks, the running header's page line.
PROTOCOL_FURNITURE = re.compile(r"Justerandes sign|Utdragsbestyrkande|Sida \d+ av|\b\d{1,2}\(\d+\)")


@pytest.mark.parametrize("file", FIXTURES)
def test_fixture_furniture_is_gone_but_the_title_block_stays(file: str) -> None:
    chunks = chunks_of(FIXTURES_DIR / file)
    texts = [squash(chunk.text) for chunk in chunks]
    # The furniture that opens the document is its title block (metadata is read from it).
    assert not [t[:80] for t in texts[1:] if PROTOCOL_FURNITURE.search(t)]
    assert not [t[:80] for t in texts if "NÄMNDPLAN 2025–2027 |" in t]
    assert not [t[:80] for t in texts if "Budget 2026 med plan 2027–2028 | Lomma kommun" in t]


def test_the_anslag_keeps_the_fields_that_look_like_the_header() -> None:
    texts = [squash(chunk.text) for chunk in chunks_of(FIXTURES_DIR / PROTOCOL_DEC)]
    assert any(
        "Organ Socialnämnden Sammanträdesdatum 2025-12-09 Datum för anslags" in t for t in texts
    )


@pytest.mark.parametrize("file", [PROTOCOL_DEC, PROTOCOL_FEB, PROTOCOL_KF])
def test_protocol_paragraphs_are_sections_in_order(file: str) -> None:
    tops = [chunk.section[0] for chunk in chunks_of(FIXTURES_DIR / file) if chunk.section]
    numbers = [int(m.group(1)) for top in tops if (m := re.match(r"§ (\d+) \S", top))]
    assert numbers == sorted(numbers)
    # Every paragraph of the protocol heads a section, the paragraph list none.
    expected = {
        PROTOCOL_DEC: range(105, 113),
        PROTOCOL_FEB: range(12, 20),
        PROTOCOL_KF: range(40, 53),
    }
    assert set(numbers) == set(expected[file])
    assert not [top for top in tops if re.search(r"\s\d{1,2}$", top) and top.startswith("§")]
