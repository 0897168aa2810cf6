"""A PDF with a ruled budget table and running headers and footers: the table is read with
pdfplumber into rows of cells at its place, and parses to the same rows as the table in text."""

from __future__ import annotations

import random
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ingest.document import PAGE_BREAK, Chunk
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings

HEADER = ["Nämnd", "Budget 2025", "Budget 2026", "Plan 2027", "Plan 2028"]
ROWS = [
    ["Regionstyrelsen", "814", "810", "779", "772"],
    ["Driftnämnd Psykiatri", "949", "964", "981", "1 015"],
    ["Individ och familjeomsorg", "-63 358", "82 186", "84 884", "86 110"],
    ["Hälso- och sjukvård", "-", "30 465", "31 466", "32 001"],
    ["Summa", "14 391", "14 787", "15 160", "15 673"],
]
CAPTION = "Fördelning av budget till nämnder, tkr"
WORDS = (
    "nämnden ramen budgeten året planen vården omsorgen kostnaden länet regionen "
    "uppdraget målet arbetet insatsen personalen verksamheten utvecklingen tjänsten"
).split()


def prose(seed: int) -> str:
    """A paragraph of sentences that never repeat (a repeated text looks like a second layer)."""
    generator = random.Random(seed)
    sentences = [
        " ".join(generator.sample(WORDS, 8)).capitalize() + f" under {2000 + seed % 30}."
        for _ in range(8)
    ]
    return " ".join(sentences)


def running_header_and_footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawString(60, A4[1] - 40, "Mål och budget 2026 | Region Exempel")
    canvas.drawString(60, 30, f"Sida {document.page}")
    canvas.restoreState()


def write_budget_pdf(path: Path) -> None:
    styles = getSampleStyleSheet()
    table = Table([HEADER, *ROWS])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("Ekonomi", styles["Heading1"])]
    story += [Paragraph(prose(seed), styles["BodyText"]) for seed in range(12)]
    story += [KeepTogether([Paragraph(CAPTION, styles["BodyText"]), table]), Spacer(1, 12)]
    story += [Paragraph(prose(seed), styles["BodyText"]) for seed in range(12, 30)]
    document = SimpleDocTemplate(str(path), pagesize=A4)
    document.build(
        story, onFirstPage=running_header_and_footer, onLaterPages=running_header_and_footer
    )


def table_rows(chunks: list[Chunk]) -> list[tuple[str, list[str]]]:
    return [(row.label, row.cells) for chunk in chunks for t in chunk.tables for row in t.rows]


def test_a_ruled_pdf_table_becomes_rows_of_cells_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "budget.pdf"
    write_budget_pdf(path)

    loaded = load_document(path)

    pages = loaded.text.split(PAGE_BREAK)
    assert len(pages) >= 3
    table_page = next(page for page in pages if "Nämnd | Budget 2025" in page)
    lines = table_page.splitlines()
    header = lines.index(" | ".join(HEADER))
    assert lines[header + 1 : header + 1 + len(ROWS)] == [" | ".join(row) for row in ROWS]
    assert lines[header - 1] == CAPTION  # in its place: below its caption, above the prose
    assert "Regionstyrelsen 814" not in loaded.text  # the cells are not read twice
    assert "Sida 1" in pages[0]  # the rest of the page is all there, furniture too


def test_the_pdf_table_parses_to_the_rows_of_the_same_table_in_text(tmp_path: Path) -> None:
    path = tmp_path / "budget.pdf"
    write_budget_pdf(path)
    settings = IngestSettings()
    from_pdf = process_document(load_document(path), settings).chunks
    flattened = "\n".join([CAPTION, " ".join(HEADER), *(" ".join(row) for row in ROWS), prose(0)])
    text_file = tmp_path / "budget.txt"
    text_file.write_text(flattened, encoding="utf-8")
    from_text = process_document(load_document(text_file), settings).chunks

    assert table_rows(from_pdf) == [(row[0], row[1:]) for row in ROWS]
    assert table_rows(from_pdf) == table_rows(from_text)
    table = next(t for chunk in from_pdf for t in chunk.tables)
    assert (table.stub, table.columns) == ("Nämnd", HEADER[1:])
    assert all("Mål och budget 2026 | Region Exempel" not in chunk.text for chunk in from_pdf)
