"""The grounding metrics on hand-made answers citing real chunks of the example plans."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Citation, ComparisonSide
from eval import metrics
from eval.metrics import (
    CITATION_ACCURACY,
    CITATION_VALIDITY,
    COMPLETENESS,
    FALSE_REFUSAL,
    HIT_AT_1,
    HIT_AT_5,
    MRR,
    NUMBER_FIDELITY,
    RECALL_AT_5,
    REFUSAL,
    GoldItem,
    GoldSource,
    cell_numbers,
    contains,
    normalise,
    numbers_in,
    quotes_overlap,
    score_item,
    summarise,
)
from ingest.document import Chunk
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import IngestSettings
from tests.conftest import NORRKOPING_2024, NORRTALJE_2023

PAYDAY = "Ombesörja utbetalning av försörjningsstöd den 27:e i varje månad vid fullständig ansökan"
BUDGET_2024 = "Socialnämndens budget uppgår till 654 848 tkr för 2024 och fördelas enligt nedan:"
LVU = "lagen (1990:52) med särskilda bestämmelser om vård av unga (LVU)"


class Chunks:
    """A chunk source over a list of chunks, like the catalog of an index."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.by_id = {c.id: c for c in chunks}

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.by_id.get(chunk_id)

    def holding(self, text: str) -> Chunk:
        return next(c for c in self.by_id.values() if text in c.text)

    def not_holding(self, text: str) -> list[Chunk]:
        return [c for c in self.by_id.values() if not contains(c.text, text)]


@pytest.fixture(scope="module")
def chunks() -> Chunks:
    """The real chunks of Norrtälje 2023 and Norrköping 2024, cut by ingest (no model needed)."""
    settings = IngestSettings()
    return Chunks(
        [
            chunk
            for path in (NORRTALJE_2023, NORRKOPING_2024)
            for chunk in process_document(load_document(path), settings).chunks
        ]
    )


def gold(
    *quotes: str,
    must_contain: list[str] | None = None,
    file: str = NORRTALJE_2023.name,
    kind: str = "fact",
) -> GoldItem:
    return GoldItem(
        id=f"{kind}-test",
        question="?",
        persona="caseworker",
        kind=kind,
        answerable=bool(quotes),
        must_contain=must_contain or [],
        sources=[GoldSource(file=file, quote=quote) for quote in quotes],
    )


def cite(chunk: Chunk, quote: str, marker: int = 1) -> Citation:
    return Citation.of(marker, chunk, quote)


def answer(
    text: str,
    citations: list[Citation] | None = None,
    retrieved: list[str] | None = None,
    refused: bool = False,
) -> Answer:
    return Answer(
        question="?",
        answer=text,
        refused=refused,
        citations=citations or [],
        retrieved=retrieved or [c.chunk_id for c in citations or []],
    )


# --- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("654 848", "654848"),
        ("654\u00a0848", "654848"),
        ("654\u202f848", "654 848"),
        ("1 234 567 tkr", "1234567 tkr"),
        ("2023–2025", "2023-2025"),
        ("Norrtälje — Norrköping", "Norrtälje - Norrköping"),
        ("minus \u221266 736", "minus -66736"),
        ("Den 27:E\n\n i varje   månad", "den 27:e i varje månad"),
        ("94,0 %", "94,0%"),
        ("öka mest, med 23,5 procent.", "öka mest, med 23,5 %."),
        ("konceptet ”Bostad först”", 'konceptet "Bostad först"'),
        ("Lag\u00a0(2018:2088)", "lag (2018:2088)"),
        ("läkemedel .....2 900 kr", "läkemedel .....2900 kr"),
    ],
)
def test_normalise_makes_equal(left: str, right: str) -> None:
    assert normalise(left) == normalise(right)


def test_neighbouring_years_and_table_values_do_not_merge() -> None:
    assert normalise("Mål 2023 2024") == "mål 2023 2024"
    assert normalise("4 175 4 300 4 300") == "4175 4300 4300"
    assert normalise("3,2 318 1.5 000") == "3,2 318 1.5 000"
    assert normalise("procentsatsen 3 procentenheter") == "procentsatsen 3 procentenheter"


def test_contains_ignores_spacing_dashes_and_case() -> None:
    assert contains("Budgeten är 654\u00a0848 tkr – i balans", "654848 TKR - i balans")
    assert not contains("Budgeten är 654 848 tkr", "")
    # "Procent" that labels the next row of a table is no share of the number ending the row.
    assert contains("poster (mnkr) 42 287\nProcent 7,5% 10,3%", "Procent 7,5% 10,3%")


def test_numbers_in_skips_citation_markers_and_keeps_each_form() -> None:
    text = (
        "Utbetalning sker den 27:e [1]. Budgeten är 654 848 tkr [2], efterlevnad 94,0 % "
        "enligt alkohollagen (2010:1622) [1, 3]."
    )
    assert numbers_in(text) == ["27", "654848", "94,0", "2010:1622"]


def test_quotes_overlap_by_containment_and_by_long_common_substring() -> None:
    assert quotes_overlap("den 27:e i varje månad", PAYDAY)  # contained in gold
    assert quotes_overlap(f"Inom försörjning och arbete: {PAYDAY}.", PAYDAY)  # contains gold
    shifted = "utbetalning av försörjningsstöd den 27:e i varje månad vid fullständig ansökan och"
    assert quotes_overlap(shifted, PAYDAY)  # cut at other boundaries
    assert not quotes_overlap("försörjningsstöd", PAYDAY)  # too short to be the same evidence
    assert not quotes_overlap(BUDGET_2024, PAYDAY)


# --- retrieval ---------------------------------------------------------------------------------


def test_retrieval_ranks_the_first_chunk_holding_a_gold_quote(chunks: Chunks) -> None:
    right = chunks.holding(PAYDAY)
    wrong = chunks.not_holding(PAYDAY)[:3]
    retrieved = [wrong[0].id, wrong[1].id, right.id, wrong[2].id]
    scores = metrics.retrieval_metrics(gold(PAYDAY), retrieved, chunks)
    assert scores == {HIT_AT_1: 0.0, HIT_AT_5: 1.0, MRR: pytest.approx(1 / 3), RECALL_AT_5: 1.0}


def test_retrieval_misses_past_rank_five_and_in_another_file(chunks: Chunks) -> None:
    right = chunks.holding(PAYDAY)
    wrong = [c.id for c in chunks.not_holding(PAYDAY)[:5]]
    late = metrics.retrieval_metrics(gold(PAYDAY), [*wrong, right.id], chunks)
    assert (late[HIT_AT_5], late[MRR]) == (0.0, pytest.approx(1 / 6))
    other_file = gold(PAYDAY, file=NORRKOPING_2024.name)
    assert metrics.retrieval_metrics(other_file, [right.id], chunks)[HIT_AT_5] == 0.0


def test_a_gold_quote_that_is_a_heading_is_found_in_the_section_path(chunks: Chunks) -> None:
    vision = "Vår vision: GLOBAL LIVSSTIL, LOKALT LIV"
    chunk = next(c for c in chunks.by_id.values() if vision in c.section)
    assert metrics.retrieval_metrics(gold(vision), [chunk.id], chunks)[HIT_AT_1] == 1.0


def test_recall_counts_each_gold_quote_of_a_multi_hop_item(chunks: Chunks) -> None:
    item = gold(PAYDAY, "Allmänna råd om ekonomiskt bistånd (SOSFS 2013:5)", kind="multi-hop")
    scores = metrics.retrieval_metrics(item, [chunks.holding(PAYDAY).id], chunks)
    assert (scores[HIT_AT_1], scores[RECALL_AT_5]) == (1.0, 0.5)


# --- a correct answer --------------------------------------------------------------------------


def test_a_correct_cited_answer_passes_everything(chunks: Chunks) -> None:
    chunk = chunks.holding(PAYDAY)
    reply = answer(
        "Försörjningsstöd betalas ut den 27:e i varje månad [1].",
        [cite(chunk, "den 27:e i varje månad")],
    )
    score = score_item(gold(PAYDAY, must_contain=["27:e"]), reply, chunks)
    assert score.failures == []
    assert score.metrics[COMPLETENESS] == 1.0
    assert score.metrics[CITATION_VALIDITY] == 1.0
    assert score.metrics[CITATION_ACCURACY] == 1.0
    assert score.metrics[NUMBER_FIDELITY] == 1.0
    assert score.metrics[FALSE_REFUSAL] == 0.0
    assert score.metrics[REFUSAL] is None


def test_grouped_and_ungrouped_numbers_are_the_same_number(chunks: Chunks) -> None:
    chunk = chunks.holding(BUDGET_2024)
    reply = answer("Budgeten är 654848 tkr [1].", [cite(chunk, BUDGET_2024)])
    score = score_item(gold(BUDGET_2024, must_contain=["654 848"], file=chunk.file), reply, chunks)
    assert score.failures == []


# --- failures ----------------------------------------------------------------------------------


def test_a_number_in_no_quote_fails_number_fidelity(chunks: Chunks) -> None:
    chunk = chunks.holding(PAYDAY)
    reply = answer(
        "Försörjningsstöd betalas ut den 25:e i varje månad [1].",
        [cite(chunk, "i varje månad")],
    )
    score = score_item(gold(PAYDAY, must_contain=["27:e"]), reply, chunks)
    assert score.metrics[NUMBER_FIDELITY] == 0.0
    assert score.metrics[COMPLETENESS] == 0.0
    assert any("25" in f for f in score.failures if f.startswith(NUMBER_FIDELITY))


def test_a_number_may_come_from_the_cited_documents_label(chunks: Chunks) -> None:
    chunk = chunks.holding(PAYDAY)
    reply = answer(
        f"Enligt Norrtäljes plan för {chunk.year}: den 27:e i varje månad [1].",
        [cite(chunk, "den 27:e i varje månad")],
    )
    assert score_item(gold(PAYDAY), reply, chunks).metrics[NUMBER_FIDELITY] == 1.0


def test_a_cell_of_a_table_row_and_a_year_of_its_header_are_grounded(chunks: Chunks) -> None:
    row = "Ekonomiskt bistånd -66 736 -71 639 -73 169 -75 387 -76 953"
    chunk = chunks.holding(row)
    table = next(t for t in chunk.tables if any(r.label == "Ekonomiskt bistånd" for r in t.rows))
    citation = Citation.of(1, chunk, row, header=table.header)
    reply = answer("Ekonomiskt bistånd, Budget 2023: -73 169 tkr [1]", [citation])
    assert score_item(gold(row), reply, chunks).metrics[NUMBER_FIDELITY] == 1.0
    # "100 115 110" normalises to one number; its cells are numbers of the quote too.
    assert {"100", "115", "100115"} <= cell_numbers("hushåll 140,2 108,0 100 115 110")


def test_an_answer_without_numbers_has_no_number_fidelity(chunks: Chunks) -> None:
    chunk = chunks.holding(PAYDAY)
    reply = answer("Varje månad [1].", [cite(chunk, "i varje månad")])
    assert score_item(gold(PAYDAY), reply, chunks).metrics[NUMBER_FIDELITY] is None


def test_a_quote_not_in_its_chunk_is_invalid(chunks: Chunks) -> None:
    chunk = chunks.holding(PAYDAY)
    forged = cite(chunk, PAYDAY).model_copy(update={"quote": "utbetalning den 25:e varje månad"})
    score = score_item(gold(PAYDAY), answer("Den 25:e [1].", [forged]), chunks)
    assert score.metrics[CITATION_VALIDITY] == 0.0
    assert any("quote not in chunk" in f for f in score.failures)


def test_a_quote_from_another_chunk_or_document_is_invalid(chunks: Chunks) -> None:
    payday_chunk = chunks.holding(PAYDAY)
    budget_chunk = chunks.holding(BUDGET_2024)
    wrong_chunk = cite(payday_chunk, PAYDAY).model_copy(update={"chunk_id": budget_chunk.id})
    unknown = cite(payday_chunk, PAYDAY).model_copy(update={"chunk_id": "nope-0000"})
    for citation in (wrong_chunk, unknown):
        score = score_item(gold(PAYDAY), answer("Den 27:e [1].", [citation]), chunks)
        assert score.metrics[CITATION_VALIDITY] == 0.0, citation.chunk_id


def test_a_valid_quote_of_the_wrong_passage_is_inaccurate(chunks: Chunks) -> None:
    chunk = chunks.holding(LVU)
    reply = answer("LVU gäller [1].", [cite(chunk, LVU)])
    score = score_item(gold(PAYDAY, must_contain=["27:e"]), reply, chunks)
    assert score.metrics[CITATION_VALIDITY] == 1.0
    assert score.metrics[CITATION_ACCURACY] == 0.0


def test_comparison_sides_count_for_completeness_and_citations(chunks: Chunks) -> None:
    chunk = chunks.holding(BUDGET_2024)
    side = ComparisonSide(
        municipality="Norrköping",
        year=2024,
        answer="Budgeten är 654 848 tkr [1].",
        refused=False,
        citations=[cite(chunk, BUDGET_2024)],
    )
    silent = ComparisonSide(
        municipality="Norrköping", year=2017, answer="Planen säger inget.", refused=True
    )
    reply = Answer(question="?", answer="Så här skiljer de sig:", refused=False)
    reply.comparison = [side, silent]
    item = gold(BUDGET_2024, must_contain=["654 848"], file=chunk.file, kind="comparison")
    score = score_item(item, reply, chunks)
    assert score.metrics[COMPLETENESS] == 1.0
    assert score.metrics[CITATION_ACCURACY] == 1.0
    assert score.metrics[NUMBER_FIDELITY] == 1.0  # 2017 labels a side, it is no claim


# --- refusals ----------------------------------------------------------------------------------


def test_refusing_an_unanswerable_question_is_right(chunks: Chunks) -> None:
    refused = score_item(gold(), answer("Planerna säger inget om det.", refused=True), chunks)
    assert refused.metrics[REFUSAL] == 1.0
    assert refused.failures == []
    answered = score_item(gold(), answer("Ungefär 40 personer."), chunks)
    assert answered.metrics[REFUSAL] == 0.0
    assert answered.metrics[FALSE_REFUSAL] is None


def test_refusing_an_answerable_question_is_a_false_refusal(chunks: Chunks) -> None:
    score = score_item(
        gold(PAYDAY, must_contain=["27:e"]), answer("Det vet jag inte.", refused=True), chunks
    )
    assert score.metrics[FALSE_REFUSAL] == 1.0
    assert score.metrics[COMPLETENESS] == 0.0
    assert score.metrics[NUMBER_FIDELITY] is None
    assert score.metrics[CITATION_VALIDITY] is None  # no citations to check


# --- aggregation -------------------------------------------------------------------------------


class Row:
    def __init__(
        self, kind: str, persona: str, scores: dict[str, float | None], latency_s: float
    ) -> None:
        self.kind, self.persona, self.metrics, self.latency_s = kind, persona, scores, latency_s


def test_summary_means_over_the_items_a_metric_applies_to() -> None:
    rows = [
        Row("fact", "legal", {COMPLETENESS: 1.0, REFUSAL: None}, 1.0),
        Row("fact", "caseworker", {COMPLETENESS: 0.0, REFUSAL: None}, 2.0),
        Row("unanswerable", "legal", {COMPLETENESS: None, REFUSAL: 1.0}, 3.0),
        Row("unanswerable", "legal", {COMPLETENESS: None, REFUSAL: 0.0}, 4.0),
    ]
    summary = summarise(rows)
    assert summary.metrics[COMPLETENESS].mean == 0.5
    assert summary.metrics[COMPLETENESS].n == 2
    assert REFUSAL not in summary.by_kind["fact"]
    assert summary.by_persona["legal"][REFUSAL].mean == 0.5
    assert summary.latency.p50 == 2.5
    assert summary.latency.p95 == pytest.approx(3.85)
