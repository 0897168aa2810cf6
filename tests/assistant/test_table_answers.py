"""Answers from table rows: the value beside its labels, a small table for a row or a column, and
citations that quote the row and the header verbatim. The evidence is made by hand here (no
model); the end-to-end questions on the example plans are marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from assistant.answerability import Judgement
from assistant.answerers.base import AnswerRequest
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.grounding import UngroundedAnswer, check_grounding
from assistant.composition import build_assistant
from assistant.evidence import ScoredUnit
from assistant.expectation import Expectation, Expected
from assistant.render import answer_text_html, source_card_html
from assistant.scopes import Scope
from assistant.sources import QuoteInContext
from cli import render_answer
from index.plan_index import PlanIndex
from ingest.document import Chunk, LoadedDocument
from ingest.pipeline import process_document
from settings import AnswerSettings, IngestSettings, Settings

BUDGET = """Uppdragsplan 2025

Ekonomi

Driftsekonomi för socialnämnden i kommunen, fördelad på verksamheter.

(tkr)
Bokslut

2022
Budget

2025
Plan

2026

Vård och omsorg -     116 586           152 427           157 432

Individ och familjeomsorg -     63 358            82 186            84 884

Summa för nämnden -  317 269         398 950         412 050

Budgeten ska vara i balans och följas upp varje månad av nämnden.
"""


def chunks_of(text: str, path: Path) -> list[Chunk]:
    loaded = LoadedDocument(path=path, sha256="1" * 64, text=text, paged=False)
    return process_document(loaded, IngestSettings()).chunks


@pytest.fixture(scope="module")
def budget(tmp_path_factory: pytest.TempPathFactory) -> list[Chunk]:
    return chunks_of(BUDGET, tmp_path_factory.mktemp("plan") / "plan.txt")


def evidence(chunks: list[Chunk], *starts: str) -> list[ScoredUnit]:
    """The units that start with ``starts``, best first, scored above any refusal."""
    units = [
        ScoredUnit(chunk, 0, index, 2.0 - 0.01 * rank, 0.9, 1.0)
        for rank, wanted in enumerate(starts)
        for chunk in chunks
        for index, text in enumerate(chunk.unit_texts())
        if text.startswith(wanted)
    ]
    assert len(units) == len(starts), [u.text for u in units]
    return units


def judged(units: list[ScoredUnit]) -> Judgement:
    """The units as a judgement that found them all answering, best first."""
    return Judgement(Expectation(Expected.STATEMENT), units)


def request(question: str, units: list[ScoredUnit]) -> AnswerRequest:
    """The question asked of no particular organisation or year, with ``units`` answering."""
    return AnswerRequest(question, Scope(None, None), judged(units))


def answer(units: list[ScoredUnit], question: str) -> tuple[str, list[Citation]]:
    draft = check_grounding(ExtractiveAnswerer(AnswerSettings()).answer(request(question, units)))
    assert not draft.refused
    return draft.text, draft.citations


def assert_verbatim(citations: list[Citation], chunks: list[Chunk]) -> None:
    by_id = {chunk.id: chunk for chunk in chunks}
    for citation in citations:
        assert citation.quote in by_id[citation.chunk_id].text
        if citation.header is not None:
            assert citation.header in by_id[citation.header_chunk_id or citation.chunk_id].text


def test_one_cell_is_answered_beside_its_row_and_column(budget: list[Chunk]) -> None:
    text, citations = answer(
        evidence(budget, "Individ och familjeomsorg", "Vård och omsorg"),
        "Vad har kommunen budgeterat för individ- och familjeomsorgen 2025?",
    )
    assert "Individ och familjeomsorg, Budget 2025: 82 186 tkr [1]" in text
    assert "152 427" not in text  # a neighbouring row is no answer
    (citation,) = citations
    assert citation.quote == "Individ och familjeomsorg - 63 358 82 186 84 884"
    assert citation.header == "(tkr)\nBokslut\n2022\nBudget\n2025\nPlan\n2026"
    assert_verbatim(citations, budget)


def test_a_row_the_table_could_not_split_is_no_neighbour_worth_quoting(tmp_path: Path) -> None:
    chunks = chunks_of(
        "Ekonomi\n\nNämnd Budget 2025 Budget 2026 Plan 2027\n"
        "Samtliga nämnder 1 974 243 2 003 000 2 041 110\n"
        "Regionkontoret 819 852 813 556 809 575\n"
        "Uppräkning priser 16 271 15 581\n",
        tmp_path / "kort.txt",
    )
    text, citations = answer(
        evidence(chunks, "Samtliga nämnder", "Regionkontoret"), "budget 2025 för samtliga nämnder"
    )
    assert text.splitlines()[1:] == ["Samtliga nämnder, Budget 2025: 1 974 243 [1]"]
    assert len(citations) == 1


def test_the_municipality_asked_about_names_no_row(tmp_path: Path) -> None:
    chunks = chunks_of(
        "Ekonomi\n\nIndikator Utfall 2023 Mål 2025\n"
        "Vård och omsorg, antal brukare 245 309\n"
        "Rekommenderar Söderköpings kommun 3,41 3,5\n",
        tmp_path / "scope.txt",
    )
    units = evidence(chunks, "Vård och omsorg", "Rekommenderar")
    draft = ExtractiveAnswerer(AnswerSettings()).answer(
        AnswerRequest(
            "Hur många brukare har vård och omsorg i Söderköping 2025?",
            Scope("Söderköping", 2025),
            judged(units),
        )
    )
    assert draft.text.splitlines()[1:] == ["Vård och omsorg, antal brukare, Mål 2025: 309 [1]"]


def test_a_column_named_by_its_word_and_a_minus_sign_beside_its_number(
    budget: list[Chunk],
) -> None:
    text, _ = answer(evidence(budget, "Summa för nämnden"), "Vad var bokslutet för nämnden?")
    assert "Summa för nämnden, Bokslut 2022: -317 269 tkr [1]" in text


def test_a_question_about_the_whole_row_gets_a_small_table(budget: list[Chunk]) -> None:
    text, citations = answer(
        evidence(budget, "Vård och omsorg"), "Hur ser budgeten för vård och omsorg ut 2022–2026?"
    )
    assert "(tkr) [1]:" in text  # the caption names the unit and carries the marker
    assert "| | Bokslut 2022 | Budget 2025 | Plan 2026 |" in text.replace("|  |", "| |")
    assert "| Vård och omsorg | -116 586 | 152 427 | 157 432 |" in text
    assert citations[0].quote == "Vård och omsorg - 116 586 152 427 157 432"


def test_rows_of_one_table_make_one_small_table_and_years_in_one_line_ground(
    tmp_path: Path,
) -> None:
    chunks = chunks_of(
        "Ekonomi\n\nFördelning av budget till nämnder, mnkr\nNämnd 2026 2027 2028\n"
        "Regionstyrelsen 814 810 779\nDriftnämnd Psykiatri 949 964 981\nRevision 6 6 6\n",
        tmp_path / "region.txt",
    )
    text, citations = answer(
        evidence(chunks, "Regionstyrelsen", "Driftnämnd Psykiatri"), "budgeten 2027–2028"
    )
    assert text.splitlines()[1:] == [
        "Fördelning av budget till nämnder, mnkr [1] [2]:",
        "| Nämnd | 2027 | 2028 |",
        "| --- | --- | --- |",
        "| Regionstyrelsen | 810 | 779 |",
        "| Driftnämnd Psykiatri | 964 | 981 |",
    ]
    assert [c.quote for c in citations] == [
        "Regionstyrelsen 814 810 779",
        "Driftnämnd Psykiatri 949 964 981",
    ]
    text, _ = answer(evidence(chunks, "Driftnämnd Psykiatri"), "Vad får psykiatrin 2027?")
    assert "Driftnämnd Psykiatri, 2027: 964 mnkr [1]" in text


def test_a_question_about_one_column_of_the_table_gets_that_column(budget: list[Chunk]) -> None:
    text, citations = answer(evidence(budget, "(tkr)"), "Vilken plan har nämnden för 2026?")
    assert "| Individ och familjeomsorg | 84 884 |" in text
    assert "| Summa för nämnden | 412 050 |" in text
    assert "82 186" not in text
    assert citations[0].header is not None
    assert_verbatim(citations, budget)


def test_a_year_the_table_has_no_column_for_is_quoted_as_the_plan_writes_it(
    budget: list[Chunk],
) -> None:
    text, citations = answer(evidence(budget, "Vård och omsorg"), "Vad var budgeten 2019?")
    assert "Vård och omsorg - 116 586 152 427 157 432 [1]" in text
    assert citations[0].header is None


def test_a_table_cut_between_chunks_cites_its_header_from_the_first_part(tmp_path: Path) -> None:
    rows = "\n".join(
        f"Verksamhet nummer {n} med ett långt namn {100 + n} {200 + n}" for n in range(1, 60)
    )
    chunks = chunks_of(f"Ekonomi\n\nNämnd Budget 2025 Plan 2026\n{rows}\n", tmp_path / "lang.txt")
    last = chunks[-1]
    assert last.tables and last.tables[0].header_span is None
    (unit,) = evidence([last], "Verksamhet nummer 59")
    lookup = {chunk.id: chunk for chunk in chunks}.get
    draft = ExtractiveAnswerer(AnswerSettings(), lookup).answer(request("budget 2025", [unit]))
    assert "Verksamhet nummer 59 med ett långt namn, Budget 2025: 159 [1]" in draft.text
    (citation,) = draft.citations
    assert citation.header_chunk_id == chunks[0].id
    assert_verbatim(draft.citations, chunks)
    # Without the chunk that holds the header, the row is quoted as it stands.
    plain = ExtractiveAnswerer(AnswerSettings()).answer(request("budget 2025", [unit]))
    assert "Budget 2025" not in plain.text


def test_a_row_of_a_list_under_a_lead_in_brings_the_lead_in(tmp_path: Path) -> None:
    chunks = chunks_of(
        "Ekonomi\n\nSocialnämndens budget uppgår till 654 848 tkr för 2024 och fördelas enligt "
        "nedan:\n\nNämndverksamhet\n\n1 659\n\nBarn- och ungdomsverksamheten\n\n428 360\n\n"
        "Totalt\n\n654 848\n",
        tmp_path / "lista.txt",
    )
    text, citations = answer(
        evidence(chunks, "Barn- och ungdomsverksamheten"), "Hur mycket går till barn och unga?"
    )
    assert text.splitlines()[1:] == [
        "Socialnämndens budget uppgår till 654 848 tkr för 2024 och fördelas enligt nedan: [1]",
        "Barn- och ungdomsverksamheten: 428 360 tkr [2]",
    ]
    assert citations[1].quote == "Barn- och ungdomsverksamheten\n428 360"


def test_a_label_or_year_without_a_cited_header_is_ungrounded(budget: list[Chunk]) -> None:
    text, citations = answer(evidence(budget, "Individ och familjeomsorg"), "plan 2026")
    assert "Plan 2026: 84 884" in text
    without_header = [c.model_copy(update={"header": None}) for c in citations]
    draft = ExtractiveAnswerer(AnswerSettings()).answer(request("", []))
    draft.text, draft.refused, draft.citations = text, False, without_header
    with pytest.raises(UngroundedAnswer, match="2026"):
        check_grounding(draft)


def test_a_header_that_is_not_in_the_chunk_is_refused(budget: list[Chunk]) -> None:
    with pytest.raises(ValueError, match="tabellhuvudet"):
        Citation.of(1, budget[0], budget[0].text[:20], header="Budget 2031")


def test_the_small_table_is_an_html_table(budget: list[Chunk]) -> None:
    text, _ = answer(evidence(budget, "Vård och omsorg"), "budgeten 2022–2026")
    html = answer_text_html(text, "fraga-1")
    assert "<table" in html and "<th>Bokslut 2022</th>" in html
    assert "<td>-116 586</td>" in html and "---" not in html


def test_the_terminal_and_the_source_card_show_the_header(budget: list[Chunk]) -> None:
    text, citations = answer(evidence(budget, "Individ och familjeomsorg"), "budget 2025")
    rendered = render_answer(Answer(question="q", answer=text, refused=False, citations=citations))
    assert "Tabellhuvud: ”(tkr) Bokslut 2022 Budget 2025 Plan 2026”" in rendered
    card = source_card_html(
        citations[0], "fraga-1", lambda _, quote: QuoteInContext("", quote, "", False, False)
    )
    assert "Tabellhuvud: (tkr) Bokslut 2022 Budget 2025 Plan 2026" in card


# --- end to end on the example plans -------------------------------------------------------------


@pytest.mark.slow
def test_soderkoping_budget_for_individ_och_familjeomsorg_2025(
    example_settings: Settings, example_index: PlanIndex
) -> None:
    result = build_assistant(example_settings, index=example_index).ask(
        "Vad har Söderköping budgeterat för individ- och familjeomsorgen 2025?"
    )
    assert "Individ och familjeomsorg, Budget 2025: 82 186 tkr" in result.answer
    chunks = {chunk.id: chunk for chunk in example_index.chunks()}
    citation = next(c for c in result.citations if "82 186" in c.quote)
    assert citation.quote.startswith("Individ och familjeomsorg")
    assert citation.header is not None and "Budget\n2025" in citation.header
    assert citation.quote in chunks[citation.chunk_id].text
    assert citation.header in chunks[citation.header_chunk_id or citation.chunk_id].text


@pytest.mark.parametrize(
    ("question", "of_whole", "with_sum"),
    [
        ("Hur stor del av budgeten 2025 går till vård och omsorg?", True, True),
        ("Hur mycket går till vård och omsorg 2025?", False, False),
    ],
)
def test_a_part_of_the_whole_asked_for_is_quoted_beside_the_tables_sum(
    budget: list[Chunk], question: str, of_whole: bool, with_sum: bool
) -> None:
    units = evidence(budget, "Vård och omsorg", "Summa för nämnden")
    asked = Expectation(Expected.QUANTITY, of_whole=of_whole)
    draft = ExtractiveAnswerer(AnswerSettings()).answer(
        AnswerRequest(question, Scope(None, None), Judgement(asked, units))
    )
    lines = check_grounding(draft).text.splitlines()[1:]
    assert lines[0] == "Vård och omsorg, Budget 2025: 152 427 tkr [1]"
    assert ("Summa för nämnden, Budget 2025: 398 950 tkr [2]" in lines) is with_sum
