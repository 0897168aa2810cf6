"""The same plan text as TXT, PDF and DOCX ingests to the same sections and the same sentences."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings
from tests.conftest import SODERKOPING_2025

#: (heading level, heading, paragraphs) taken verbatim from Söderköping's plan.
SECTIONS = [
    (
        1,
        "1 Nämndens uppdrag",
        [
            "Socialnämnden ansvarar för kommunens uppgifter inom socialtjänsten och vad som i lag "
            "eller annan författning sägs om socialnämnd.",
            "Nämnden ansvarar också för skuldsanering, uppgifter enligt alkohollagen och "
            "integration.",
        ],
    ),
    (
        1,
        "2 Nämndens särskilda uppdrag från kommunfullmäktige",
        [
            "Kommunfullmäktige har fastställt följande långsiktiga mål för Söderköpings kommun.",
        ],
    ),
    (
        1,
        "3 Nämndens uppdrag till förvaltningen",
        [
            "Socialnämnden uppdrar förvaltningen att under 2025 intensifiera arbetet med "
            "nedanstående uppdrag:",
        ],
    ),
    (
        2,
        "3.1 Nedbrutna mål och indikatorer utifrån de långsiktiga målen",
        [
            "Nämnden har brutit ner de långsiktiga målen till följande nedbrutna mål för nämndens "
            "verksamhet",
        ],
    ),
    (
        2,
        "3.2 Övriga uppdrag",
        [
            "Det åligger nämndens ansvar att bedriva arbete i linje med antagna "
            "kommunövergripande styrande dokument.",
        ],
    ),
]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def write_txt(path: Path) -> None:
    parts = [f"{heading}\n\n" + "\n\n".join(paragraphs) for _, heading, paragraphs in SECTIONS]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def write_docx(path: Path) -> None:
    document = docx.Document()
    for level, heading, paragraphs in SECTIONS:
        # Numbered by hand, as many municipal templates do (Word's own numbering is not text).
        document.add_heading(heading, level=level)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    document.save(str(path))


def write_pdf(path: Path) -> None:
    styles = getSampleStyleSheet()
    story: list[object] = []
    for level, heading, paragraphs in SECTIONS:
        if level == 1 and story:
            story.append(PageBreak())
        story.append(Paragraph(heading, styles["Heading1" if level == 1 else "Heading2"]))
        story.extend(Paragraph(text, styles["BodyText"]) for text in paragraphs)
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def sections_and_sentences(path: Path) -> list[tuple[tuple[str, ...], str]]:
    chunks = process_document(load_document(path), IngestSettings()).chunks
    return [(tuple(c.section), squash(c.text)) for c in chunks]


def test_the_text_comes_from_the_real_plan() -> None:
    plan = squash(SODERKOPING_2025.read_text(encoding="utf-8"))
    for _, heading, paragraphs in SECTIONS:
        assert heading in plan
        for paragraph in paragraphs:
            assert paragraph in plan


@pytest.mark.parametrize("writer", [write_pdf, write_docx], ids=["pdf", "docx"])
def test_pdf_and_docx_ingest_to_the_same_sections_as_text(tmp_path: Path, writer: object) -> None:
    as_text = tmp_path / "plan.txt"
    write_txt(as_text)
    suffix = ".pdf" if writer is write_pdf else ".docx"
    other = tmp_path / f"plan{suffix}"
    assert callable(writer)
    writer(other)
    assert sections_and_sentences(other) == sections_and_sentences(as_text)


def test_pdf_chunks_know_their_page(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    write_pdf(path)
    chunks = process_document(load_document(path), IngestSettings()).chunks
    pages = {c.section[-1]: c.page for c in chunks}
    assert pages["1 Nämndens uppdrag"] == 1
    assert pages["3 Nämndens uppdrag till förvaltningen"] == 3
