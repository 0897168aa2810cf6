"""Whether evidence answers a question: the kind of value asked for, next to the question's
focus, in one of the best units. Units are scored by hand here (no model)."""

from __future__ import annotations

import pytest

from assistant.answerability import AnswerabilityJudge
from assistant.evidence import EvidenceScorer, ScoredUnit
from assistant.terms import TermNormaliser
from ingest.document import Chunk, LoadedDocument
from ingest.pipeline import process_document
from settings import AnswerSettings, IngestSettings

#: A table flattened into one line: its header names the unit of the figures after it.
FLATTENED_TABLE = (
    "Regionbidragsförändringar per nämnd (tkr) 2026 2027 2028 Vårdval, primärvård 2 000 "
    "Välfärdsbrottslighet 1 000 Justering badavtal -600"
)

PLAN = f"""Socialnämndens verksamhetsplan 2025

Kontakt

Socialkontoret har sin postadress i Norrköping och nås via kommunens växel.

Personal

Socialkontoret har 420 anställda, varav 260 socialsekreterare.

Demensvård

Satsningen på demensvården fortsätter under året med fler utbildade medarbetare.

Avgifter

Nämnderna får höja sina avgifter med högst de procenttal som anges nedan.

Färdtjänst och sjukresor 5,0

Vår vision: TRYGGHET FÖR ALLA

Kommunen har en vision om framtiden för alla som bor och verkar här.

Barnkonventionen (SFS 2018:1197)

FN:s konvention om barnets rättigheter gäller som lag i Sverige sedan år 2020.

Brukarnöjdhet

Brukaren känner sig trygg med hemtjänstens personal, andel (%) enligt brukarundersökningen.

74,5%

Brukaren har fått välja vilken tid hjälpen ges.

Elevhälsa

Antal elever med högre än 50% frånvaro.

20 (lå 23/24) Lägre antal än föregående år.

Antal elever som har fått stöd av skolsköterskan under läsåret.

4. Bidra till att alla elever får det stöd som de behöver i skolan.

Mål 2026

Ekonomi

Driftbudget (tkr) Budget 2025 Plan 2026
Individ och familjeomsorg 82 186 84 884
Vård och omsorg 152 427 157 432

Maxtaxa

Den högsta avgiften för hemtjänst per månad är maxtaxan.

0,5392 prisbasbelopp

Regionbidrag

{FLATTENED_TABLE}

Kontroll

Nämnden följer upp arbetet mot välfärdsbrottslighet i sin internkontroll.

Välfärdsbrottslighet (tkr) redovisas i årsredovisningen 2026
"""


@pytest.fixture(scope="module")
def chunks(tmp_path_factory: pytest.TempPathFactory) -> list[Chunk]:
    path = tmp_path_factory.mktemp("plans") / "plan.txt"
    loaded = LoadedDocument(path=path, sha256="2" * 64, text=PLAN, paged=False)
    return process_document(loaded, IngestSettings(chunk_min_words=5)).chunks


@pytest.fixture(scope="module")
def judge(chunks: list[Chunk]) -> AnswerabilityJudge:
    scorer = EvidenceScorer(TermNormaliser(), lexical_weight=0.2, rank_weight=0.0)
    scorer.fit(chunks)
    settings = AnswerSettings(min_score=0.5, min_score_checked=0.5, judged_units=5)
    return AnswerabilityJudge(settings, scorer)


def unit(chunks: list[Chunk], start: str, score: float = 0.95) -> ScoredUnit:
    for chunk in chunks:
        for index, text in enumerate(chunk.unit_texts()):
            if text.startswith(start):
                return ScoredUnit(chunk, 1, index, score, score, 0.0)
    raise AssertionError(f"no unit starts with {start!r}")


@pytest.mark.parametrize(
    ("question", "units", "answerable"),
    [
        # On the topic, but no count of what is asked for.
        ("Hur många anställda har socialkontoret?", ["Socialkontoret har sin postadress"], False),
        ("Hur många anställda har socialkontoret?", ["Socialkontoret har 420"], True),
        # A count, but of something else than the focus.
        ("Hur många demensplatser finns det?", ["Socialkontoret har 420"], False),
        ("Hur många demensplatser finns det?", ["Satsningen på demensvården"], False),
        # A table row's numbers are amounts when the table names its unit (tkr).
        ("Hur mycket har individ och familjeomsorg i budget 2025?", ["Individ och"], True),
        # ... or, in a table flattened into one unit, the header before its figures does.
        ("Hur mycket lägger nämnden på välfärdsbrott?", ["Regionbidragsförändringar"], True),
        ("Hur mycket lägger nämnden på välfärdsbrott?", ["Välfärdsbrottslighet (tkr)"], False),
        ("När öppnar det nya kontoret?", ["Socialkontoret har sin postadress"], False),
        # A bare value whose unit the statement before it names.
        ("Hur mycket får avgiften för färdtjänst höjas?", ["Färdtjänst och sjukresor"], True),
        # A law asked for: named by the heading the unit stands under.
        ("Vilket SFS-nummer har barnkonventionen?", ["FN:s konvention"], True),
        ("Vilken lag styr demensvården?", ["Satsningen på demensvården"], False),
        # A statement cannot be checked: the score decides.
        ("Vad gör nämnden inom demensvården?", ["Satsningen på demensvården"], True),
    ],
)
def test_judgement(
    judge: AnswerabilityJudge,
    chunks: list[Chunk],
    question: str,
    units: list[str],
    answerable: bool,
) -> None:
    evidence = [unit(chunks, start) for start in units]
    assert judge.judge(question, evidence).answerable is answerable


def test_a_label_answers_with_the_bare_value_after_it(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    label = unit(chunks, "Brukaren känner sig trygg")
    judgement = judge.judge("Hur stor andel av brukarna känner sig trygga med personalen?", [label])
    assert [u.text for u in judgement.answering[:2]] == [label.text, "74,5%"]
    assert judgement.answering[1].score == label.score


def test_a_label_answers_with_the_row_of_cells_its_value_leads(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    # The share in the label counts nothing; the count is the row's first cell.
    label = unit(chunks, "Antal elever med högre")
    judgement = judge.judge("Hur många elever har över hälften frånvaro?", [label])
    assert [u.text for u in judgement.answering[:2]] == [
        label.text,
        "20 (lå 23/24) Lägre antal än föregående år.",
    ]


def test_a_numbered_statement_after_a_label_is_not_its_value(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    label = unit(chunks, "Antal elever som har fått stöd")
    assert label.chunk.unit_texts()[label.index + 1].startswith("4. Bidra")
    assert not judge.judge("Hur många elever har fått stöd av skolsköterskan?", [label]).answerable


def test_kronor_asked_for_are_no_value_in_prisbasbelopp_after_a_label(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    label = unit(chunks, "Den högsta avgiften för hemtjänst")
    assert judge.judge("Hur hög är den högsta avgiften för hemtjänst?", [label]).answerable
    assert not judge.judge("Hur många kronor är den högsta avgiften?", [label]).answerable


def test_a_label_without_a_value_of_the_kind_asked_for_does_not_answer(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    label = unit(chunks, "Brukaren har fått välja")  # followed by a year, not a share
    assert not judge.judge("Hur stor andel av brukarna får välja tid?", [label]).answerable


def test_a_unit_below_the_threshold_does_not_answer(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    evidence = [unit(chunks, "Socialkontoret har 420", score=0.3)]
    assert not judge.judge("Hur många anställda har socialkontoret?", evidence).answerable


def test_only_the_best_units_are_judged(judge: AnswerabilityJudge, chunks: list[Chunk]) -> None:
    misses = [unit(chunks, "Socialkontoret har sin postadress", score=0.99)] * 5
    answer = unit(chunks, "Socialkontoret har 420", score=0.9)
    judgement = judge.judge("Hur många anställda har socialkontoret?", [*misses, answer])
    assert not judgement.answerable


def test_once_answerable_every_fitting_unit_is_offered(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    evidence = [
        unit(chunks, "Individ och", score=0.9),
        unit(chunks, "Socialkontoret har sin postadress", score=0.8),
        unit(chunks, "Vård och omsorg", score=0.2),
    ]
    judgement = judge.judge("Hur mycket får verksamheterna enligt driftbudgeten?", evidence)
    assert [u.text.split()[0] for u in judgement.answering] == ["Individ", "Vård"]


@pytest.mark.parametrize(
    ("question", "start", "named"),
    [
        ("Vilket SFS-nummer har barnkonventionen?", "FN:s konvention", "Barnkonventionen"),
        # A law's heading with its SFS number says which law the quotes are about, whatever is
        # asked.
        ("Hur beskrivs barnkonventionen?", "FN:s konvention", "Barnkonventionen"),
        ("Vad är kommunens vision?", "Kommunen har en vision", "Vår vision: TRYGGHET FÖR ALLA"),
        ("Vad gör nämnden inom demensvården?", "Satsningen på demensvården", None),
    ],
)
def test_a_heading_that_states_the_answer_is_to_be_named(
    judge: AnswerabilityJudge, chunks: list[Chunk], question: str, start: str, named: str | None
) -> None:
    """A law's heading, or a label and its value whose label is what is asked about."""
    judgement = judge.judge(question, [unit(chunks, start)])
    assert judgement.answerable
    assert [h.split(" (")[0] for h in judgement.stating] == ([named] if named else [])


def test_a_table_rows_label_holds_the_question_terms_it_answers_with(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    rows = [unit(chunks, "Individ och"), unit(chunks, "Vård och omsorg")]
    judgement = judge.judge("Hur mycket har individ och familjeomsorg i budget 2025?", rows)
    terms = [judgement.row_terms[(row.chunk.id, row.index)] for row in rows]
    assert terms[0] and not terms[1]  # "Vård och omsorg" names nothing that is asked


def test_a_list_asked_for_knows_which_units_name_its_rarest_term(
    judge: AnswerabilityJudge, chunks: list[Chunk]
) -> None:
    # A label that names the list may lead in its items without a colon or list marks.
    units = [unit(chunks, "Satsningen på demensvården"), unit(chunks, "Kommunen har en vision")]
    judgement = judge.judge("Vilka satsningar görs inom demensvården?", units)
    assert [u.text[:20] for u in judgement.naming] == ["Satsningen på demens"]
    assert not judge.judge("Vad gör nämnden inom demensvården?", units).naming
