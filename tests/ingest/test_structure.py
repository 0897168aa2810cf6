"""Cleaning, headings and chunking on the real example plans."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ingest.blocks import build_blocks
from ingest.chunking import chunk_spans, split_sentences
from ingest.cleaning import clean_lines, join_wrapped
from ingest.document import PAGE_BREAK
from ingest.sections import SectionedText, section_blocks
from tests.conftest import (
    ALL_PLANS,
    NORRKOPING_2017,
    NORRKOPING_2024,
    NORRKOPING_2024_PROGRAM,
    NORRTALJE_2023,
    SODERKOPING_2025,
)

MAX_WORDS, MIN_WORDS = 250, 100


@cache
def sectioned(path_name: str) -> SectionedText:
    path = next(p for p in ALL_PLANS if p.name == path_name)
    return section_blocks(build_blocks(clean_lines(path.read_text(encoding="utf-8"))))


def chunks_of(path_name: str) -> list[tuple[tuple[str, ...], str]]:
    doc = sectioned(path_name)
    spans = chunk_spans(doc.blocks, doc.text, max_words=MAX_WORDS, min_words=MIN_WORDS)
    return [(span.section, doc.text[span.start : span.end]) for span in spans]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_doubled_text_layer_is_dropped() -> None:
    guarantee = (
        "Ombesörja utbetalning av försörjningsstöd den 27:e i varje månad vid fullständig ansökan"
    )
    holding = [text for _, text in chunks_of(NORRTALJE_2023.name) if guarantee in text]
    assert len(holding) == 1
    raw_words = len(NORRTALJE_2023.read_text(encoding="utf-8").split())
    kept_words = len(sectioned(NORRTALJE_2023.name).text.split())
    assert kept_words < 0.6 * raw_words


def test_structure_tokens_and_dotted_contents_are_gone() -> None:
    norrtalje = sectioned(NORRTALJE_2023.name).text
    assert not re.search(r"^(TD|P)$", norrtalje, re.MULTILINE)
    contents = sectioned(NORRKOPING_2017.name).text
    assert "Inledning....." not in contents and "Innehåll" not in contents
    # Dotted budget rows end in amounts, not page numbers: they are data and stay.
    assert "Vuxenvård..... 142 200" in contents


@pytest.mark.parametrize(
    ("plan", "passage", "expected_path"),
    [
        (
            NORRKOPING_2024,
            "Socialnämndens budget uppgår till 654 848 tkr",
            ("Socialnämndens uppdragsplan 2024", "Ekonomiska förutsättningar"),
        ),
        (
            NORRKOPING_2024,
            "Mottagande av ensamkommande barn.",
            ("Socialnämndens uppdragsplan 2024", "Socialnämndens ansvarsområde"),
        ),
        (NORRKOPING_2017, "Inga barnfamiljer ska bli vräkta.", ("Socialnämndens mål", "Mål 3")),
        (
            NORRKOPING_2017,
            "Kommunalt bostadstillägg för handikappade",
            ("Socialnämndens ansvarsområden",),
        ),
        (
            NORRKOPING_2017,
            "Socialnämndens budget för 2017 är 509 374 tkr",
            ("Planeringsförutsättningar", "Ekonomiska förutsättningar"),
        ),
        (
            NORRTALJE_2023,
            "Socialtjänstlagen (2001:453)",
            ("Styrdokument av särskild betydelse", "Lagar och förordningar"),
        ),
        (
            NORRTALJE_2023,
            "Under 2023 kommer Socialnämnden särskilt prioritera arbetet med våld",
            ("Nämndens inriktning 2023",),
        ),
        (
            NORRTALJE_2023,
            "Ombesörja utbetalning av försörjningsstöd den 27:e",
            (
                "Mål, indikatorer och uppdrag",
                "Målområde 2: Norrtälje ska vara en "
                "landsbygdsvänlig och serviceinriktad kommun – som sätter invånaren först",
            ),
        ),
        (
            NORRTALJE_2023,
            "Utbildning avseende våld i nära relation och hedersrelaterat våld sker",
            (
                "Mål, indikatorer och uppdrag",
                "Målområde 3: Norrtälje ska vara en trygg kommun – både i vardag och kris",
            ),
        ),
        (SODERKOPING_2025, "Nämnden ansvarar också för skuldsanering", ("1 Nämndens uppdrag",)),
        (
            SODERKOPING_2025,
            "Ekonomisk uppföljning sker månadsvis",
            ("6 Uppföljning", "6.3 Ekonomisk uppföljning"),
        ),
        (
            SODERKOPING_2025,
            "Huvudsyftet med internkontroll",
            ("7 Internkontrollplan 2025 för socialnämnden",),
        ),
        (
            NORRKOPING_2024_PROGRAM,
            "Borgerlig Samverkan vill särskilt lyfta fram",
            ("Socialnämndens uppdragsplan 2024",),
        ),
    ],
)
def test_heading_paths_of_known_passages(
    plan: Path, passage: str, expected_path: tuple[str, ...]
) -> None:
    name = plan.name
    sections = [section for section, text in chunks_of(name) if passage in squash(text)]
    assert sections, f"{passage!r} is in no chunk of {name}"
    # Deeper levels below the expected ones may exist (e.g. an indicator table heading).
    assert sections[0][: len(expected_path)] == expected_path


@pytest.mark.parametrize("plan", ALL_PLANS, ids=lambda p: p.name)
def test_chunks_stay_within_size_and_cover_the_text(plan: Path) -> None:
    name = plan.name
    chunks = chunks_of(name)
    assert chunks
    for _, text in chunks:
        assert text.strip()
        assert len(text.split()) <= MAX_WORDS
    body = " ".join(squash(b.block.text) for b in sectioned(name).blocks)
    covered = " ".join(squash(text) for _, text in chunks)
    # Every body word is in some chunk (headings inside merged small sections add a few).
    assert len(covered.split()) >= len(body.split())


def test_a_list_stays_with_its_lead_in() -> None:
    lead_in = "Inom försörjning och arbete avser tjänstegarantierna:"
    texts = [text for _, text in chunks_of(NORRTALJE_2023.name) if lead_in in text]
    assert len(texts) == 1
    assert "Följa upp handlingsplan en gång per månad" in texts[0]


def test_a_flattened_table_stays_with_its_header_line() -> None:
    texts = [text for _, text in chunks_of(NORRKOPING_2024.name) if "428 360" in text]
    assert len(texts) == 1
    assert "Barn- och ungdomsverksamheten" in texts[0] and "Totalt" in texts[0]


def test_wrapped_lines_are_rejoined_inside_sentences() -> None:
    text = squash(sectioned(SODERKOPING_2025.name).text)
    assert "vad som i lag eller annan författning sägs om socialnämnd." in text
    norrtalje = sectioned(NORRTALJE_2023.name).text
    assert "individ- och familjeomsorgsverksamhet (IFO) där socialtjänstlagen (SoL)" in norrtalje


def test_hyphenation_across_lines() -> None:
    vocabulary = {"bostadssamordning", "organisering"}
    assert join_wrapped("Organisering av kommunens bostads-", "samordning", vocabulary) == (
        "Organisering av kommunens bostadssamordning"
    )
    # Not a word the document uses elsewhere: the hyphen is real.
    assert join_wrapped("risk för el-", "fattigdom.", vocabulary) == "risk för el-fattigdom."
    # "barn- och ungdomsvård": the hyphen stands for a shared word ending.
    assert join_wrapped("inom barn-", "och ungdomsvård", vocabulary) == "inom barn- och ungdomsvård"


def test_page_furniture_is_dropped_and_pages_are_kept() -> None:
    topics = [
        "barn och unga",
        "ekonomiskt bistånd",
        "våld i nära relation",
        "missbruk",
        "familjerätt",
    ]
    pages = [
        f"Socialnämndens verksamhetsplan 2023\nNämnden prioriterar arbetet med {topic}.\n"
        f"Insatserna inom {topic} följs upp varje tertial.\n{n}"
        for n, topic in enumerate(topics, start=1)
    ]
    lines = [line for line in clean_lines(PAGE_BREAK.join(pages)) if line.text]
    texts = [line.text for line in lines]
    # The running header goes from every page but the first, where it is the title block that
    # the metadata is read from.
    header_pages = [
        line.page for line in lines if line.text == "Socialnämndens verksamhetsplan 2023"
    ]
    assert header_pages == [1]
    assert not any(re.fullmatch(r"\d+", text) for text in texts)
    assert [line.page for line in lines if line.text.startswith("Insatserna")] == [1, 2, 3, 4, 5]


def test_swedish_sentence_splitting_keeps_abbreviations() -> None:
    text = "Det gäller t.ex. barn och unga m.fl. grupper. Nästa mening börjar här. 2023 kom lagen."
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == [
        "Det gäller t.ex. barn och unga m.fl. grupper.",
        "Nästa mening börjar här.",
        "2023 kom lagen.",
    ]
