"""Which answering units make the answer: the statements close to the best, with their lists.
Units are scored by hand here (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answerability import Judgement
from assistant.answerers.selection import EvidenceSelection
from assistant.evidence import ScoredUnit
from assistant.expectation import Expectation, Expected
from ingest.document import Chunk, LoadedDocument
from ingest.pipeline import process_document
from settings import AnswerSettings, IngestSettings

INCOMES = ["garantipension", "delpension", "premiepension", "inkomst av tjänst", "sjukpenning"]
PLAN = (
    "Riktlinjer för avgifter 2025\n\nAvgiftsunderlag\n\n"
    "Med avgiftsunderlag avses den nettoinkomst som den enskilde kan antas få.\n\n"
    "Följande inkomster används vid beräkning av avgiftsunderlaget:\n\n"
    + "\n".join(f"· {income}" for income in INCOMES)
    + "\n\nFörmögenhet påverkar inte avgiftsunderlagets storlek.\n"
)
#: Fewer items than the list has: the list is too long to be quoted whole.
SETTINGS = AnswerSettings(max_statements=2, max_list_items=4, margin=0.1)


@pytest.fixture(scope="module")
def chunk(tmp_path_factory: pytest.TempPathFactory) -> Chunk:
    path = tmp_path_factory.mktemp("plans") / "avgifter.txt"
    loaded = LoadedDocument(path=path, sha256="3" * 64, text=PLAN, paged=False)
    (only,) = process_document(loaded, IngestSettings(chunk_min_words=5)).chunks
    return only


def scored(chunk: Chunk, scores: dict[str, float]) -> list[ScoredUnit]:
    """The units that start with the given texts, with the given scores, best first."""
    units = []
    for index, text in enumerate(chunk.unit_texts()):
        for start, score in scores.items():
            if text.lstrip("· ").startswith(start):
                units.append(ScoredUnit(chunk, 1, index, score, score, 0.0))
    return sorted(units, key=lambda unit: unit.score, reverse=True)


def quoted(chunk: Chunk, expected: Expected, scores: dict[str, float]) -> list[str]:
    answering = scored(chunk, scores)
    judgement = Judgement(Expectation(expected), answering)
    return [unit.text.lstrip("· ") for unit in EvidenceSelection(SETTINGS).select(judgement)]


#: Small chunks, so that a short plan has several.
SMALL_CHUNKS = IngestSettings(chunk_min_words=5)


def chunks_of(text: str, path: Path, settings: IngestSettings = SMALL_CHUNKS) -> list[Chunk]:
    loaded = LoadedDocument(path=path, sha256="7" * 64, text=text, paged=False)
    return process_document(loaded, settings).chunks


def selected(
    chunks: list[Chunk], chunk: Chunk, expected: Expected, scores: dict[str, float]
) -> list[str]:
    """What the selection quotes when the units of `chunk` score as given; the other chunks of
    its document can be looked up."""
    by_id = {each.id: each for each in chunks}
    judgement = Judgement(Expectation(expected), scored(chunk, scores))
    return [unit.text for unit in EvidenceSelection(SETTINGS, by_id.get).select(judgement)]


def test_a_list_asked_for_gets_every_answering_item_of_the_best_units_list(chunk: Chunk) -> None:
    pensions = {"garantipension": 1.0, "premiepension": 0.99, "delpension": 0.98}
    scores = pensions | {"Förmögenhet": 0.97, "Med avgiftsunderlag": 0.96}
    chosen = quoted(chunk, Expected.LIST, scores)
    assert set(pensions) <= set(chosen)
    assert "Följande inkomster används vid beräkning av avgiftsunderlaget:" in chosen
    assert "inkomst av tjänst" not in chosen  # the list is long: only what answers


def test_other_questions_keep_the_statements_limit(chunk: Chunk) -> None:
    scores = {"garantipension": 1.0, "premiepension": 0.99, "delpension": 0.98}
    chosen = quoted(chunk, Expected.STATEMENT, scores)
    assert "delpension" not in chosen


STUDIES = ["Falkenbergs vårdcentral", "Bussdepå Halmstad", "Centrallager"]
INVESTMENTS = (
    "Mål och budget 2026\n\nFastigheter\n\n"
    "Strategiska fastighetsinvesteringar innehåller förstudier inom nedan ärenden;\n\n"
    + "\n".join(f"· {study}, diarienummer RS24100{n}" for n, study in enumerate(STUDIES))
    + "\n\nFastighetsinvesteringar innehåller även mindre reinvesteringar i befintliga byggnader.\n"
)


@pytest.mark.parametrize("lead_in_end", [";", ":"])
def test_a_lead_in_brings_its_short_list_whichever_mark_ends_it(
    tmp_path: Path, lead_in_end: str
) -> None:
    text = INVESTMENTS.replace("ärenden;", f"ärenden{lead_in_end}")
    loaded = LoadedDocument(path=tmp_path / "mob.txt", sha256="4" * 64, text=text, paged=False)
    (chunk,) = process_document(loaded, IngestSettings(chunk_min_words=5)).chunks
    chosen = quoted(chunk, Expected.LIST, {"Strategiska": 1.0})
    assert [text.split(",")[0] for text in chosen[1:]] == STUDIES


BUDGET = (
    "Budget 2026\n\nInvesteringar\n\n"
    "INVESTERINGSBUDGET, mnkr Budget 2026 Plan 2027 Plan 2028\n"
    "Regionstyrelsen 489 520 540\n"
    "Tandvårdsnämnden 6 7 6\n"
    "Kollektivtrafiknämnden 3 3 3\n"
    "Summa investeringar 706 828 761\n"
)


@pytest.mark.parametrize(
    ("rows", "expected", "with_sum"),
    [
        (["Regionstyrelsen", "Tandvårdsnämnden"], Expected.QUANTITY, True),
        (["Tandvårdsnämnden"], Expected.QUANTITY, False),  # one row: that row is asked about
        (["Regionstyrelsen", "Tandvårdsnämnden"], Expected.STATEMENT, False),
    ],
)
def test_rows_of_a_table_asked_how_much_bring_its_sum_row(
    tmp_path: Path, rows: list[str], expected: Expected, with_sum: bool
) -> None:
    loaded = LoadedDocument(path=tmp_path / "mob.txt", sha256="5" * 64, text=BUDGET, paged=False)
    (chunk,) = process_document(loaded, IngestSettings(chunk_min_words=5)).chunks
    chosen = quoted(chunk, expected, {row: 1.0 - n / 100 for n, row in enumerate(rows)})
    assert ("Summa investeringar 706 828 761" in chosen) is with_sum


RESULTS = (
    "Budget 2026\n\nResultatbudget\n\n"
    "RESULTATBUDGET, mnkr Budget 2026 Plan 2027 Plan 2028\n"
    "Verksamhetens nettokostnad -12 687 -13 105 -13 576\n"
    "Verksamhetens resultat 515 492 439\n"
    "Resultat efter finansiella poster 422 318 242\n"
)


@pytest.mark.parametrize(
    ("expected", "alike"), [(Expected.AMOUNT, True), (Expected.STATEMENT, False)]
)
def test_rows_whose_labels_hold_the_same_question_terms_answer_together(
    tmp_path: Path, expected: Expected, alike: bool
) -> None:
    loaded = LoadedDocument(path=tmp_path / "rb.txt", sha256="6" * 64, text=RESULTS, paged=False)
    (chunk,) = process_document(loaded, IngestSettings(chunk_min_words=5)).chunks
    rows = scored(
        chunk, {"Verksamhetens resultat": 0.9, "Resultat efter": 0.5, "Verksamhetens n": 0.4}
    )
    result = frozenset({"result"})
    terms = {(unit.chunk.id, unit.index): result for unit in rows[:2]}
    terms[(rows[2].chunk.id, rows[2].index)] = frozenset()
    judgement = Judgement(Expectation(expected), rows, row_terms=terms)
    chosen = [unit.text for unit in EvidenceSelection(SETTINGS).select(judgement)]
    assert "Verksamhetens resultat 515 492 439" in chosen
    assert ("Resultat efter finansiella poster 422 318 242" in chosen) is alike
    assert "Verksamhetens nettokostnad -12 687 -13 105 -13 576" not in chosen


def test_a_counting_lead_in_brings_the_paragraphs_it_counts(tmp_path: Path) -> None:
    text = (
        "Riktlinje\n\nFörhållningssätt\n\nBegreppet KASAM består av tre delar:\n\n"
        "Meningsfullhet - Att känna sig behövd.\n\nBegriplighet - Att förstå sammanhanget.\n\n"
        "Hanterbarhet - Att kunna påverka.\n\nStödet är kostnadsfritt.\n"
    )
    chunks = chunks_of(text, tmp_path / "k.txt")
    (chunk,) = chunks
    chosen = selected(chunks, chunk, Expected.LIST, {"Begreppet KASAM": 1.0})
    assert [t.split(" - ")[0] for t in chosen[1:]] == [
        "Meningsfullhet",
        "Begriplighet",
        "Hanterbarhet",
    ]


def test_a_section_that_opens_with_a_list_brings_it_to_a_list_question(tmp_path: Path) -> None:
    text = (
        "Verksamhetsplan\n\nFörslag på lokalförändringar\n\n"
        "Förstudien har identifierat lokaler som inte är ändamålsenliga för verksamheten.\n\n"
        "Nya lokalytor kommer krävas för följande behov\n\n"
        "• Vårdkrävande och akut verksamhet med bland annat operation och intensivvård.\n"
        "• Psykiatriska vårdavdelningar, mottagningar och akutmottagning.\n\n"
        "Möjliga placeringar för nya lokalytor är bland annat parkeringsplatserna vid sjukhuset.\n"
    )
    chunks = chunks_of(text, tmp_path / "v.txt")
    (chunk,) = [
        c for c in chunks if c.section[-1:] == ["Nya lokalytor kommer krävas för följande behov"]
    ]

    def select(expected: Expected) -> list[str]:
        return selected(chunks, chunk, expected, {"Möjliga placeringar": 1.0})

    assert select(Expected.LIST) == [
        "• Vårdkrävande och akut verksamhet med bland annat operation och intensivvård.",
        "• Psykiatriska vårdavdelningar, mottagningar och akutmottagning.",
        "Möjliga placeringar för nya lokalytor är bland annat parkeringsplatserna vid sjukhuset.",
    ]
    assert len(select(Expected.STATEMENT)) == 1  # only a list asked for brings the section's list


def test_a_list_in_the_middle_of_a_section_is_not_brought_by_its_heading(tmp_path: Path) -> None:
    """The section goes on from the chunk before: the list's lead-in is there, not the heading."""
    text = (
        "Verksamhetsplan\n\nLokaler\n\n"
        "Förstudien har identifierat lokaler som inte är ändamålsenliga för verksamheten i dag "
        "och framöver.\n\n"
        "Nya byggnader kommer att behöva uppföras under de kommande tio åren i området för att "
        "möta behoven.\n\n"
        "• Vårdkrävande och akut verksamhet med operation.\n"
        "• Psykiatriska vårdavdelningar och mottagningar.\n\n"
        "Möjliga placeringar för nya lokalytor är parkeringsplatserna vid sjukhuset.\n"
    )
    settings = IngestSettings(chunk_min_words=15, chunk_max_words=25)
    chunks = chunks_of(text, tmp_path / "l.txt", settings)
    (chunk,) = [c for c in chunks if c.unit_texts()[0].startswith("• Vårdkrävande")]
    assert chunk is not chunks[0]
    quoted = selected(chunks, chunk, Expected.LIST, {"Möjliga placeringar": 1.0})
    assert quoted == ["Möjliga placeringar för nya lokalytor är parkeringsplatserna vid sjukhuset."]


def test_a_sentence_that_lists_answers_a_list_question_beyond_the_statements_limit(
    tmp_path: Path,
) -> None:
    text = (
        "Riktlinje för anhörigstöd\n\nAnhörigas situation\n\n"
        "Anhöriga har ofta svårt att identifiera egna behov av stöd.\n\n"
        "Forskning har bekräftat både positiva och svåra erfarenheter av anhörigskapet.\n\n"
        "Fem behovsområden har kunnat bekräftas i forskning; avlösning, information, någon att "
        "tala med, att bli bekräftad samt ekonomisk ersättning.\n"
    )
    chunks = chunks_of(text, tmp_path / "a.txt")
    (chunk,) = chunks
    scores = {"Anhöriga har": 1.0, "Forskning har": 0.99, "Fem behovsområden": 0.95}
    listing = "Fem behovsområden har kunnat bekräftas i forskning"
    assert any(t.startswith(listing) for t in selected(chunks, chunk, Expected.LIST, scores))
    assert not any(
        t.startswith(listing) for t in selected(chunks, chunk, Expected.STATEMENT, scores)
    )


@pytest.mark.parametrize(
    ("text", "day_quoted"),
    [
        # The next sentence of the paragraph names the day: it is the answer to "när".
        (
            "Uppdrag\n\nKontoret tar under 2023 fram uppgifter om bilparken. Översynen "
            "presenteras vid nämndens sammanträde 7 juni 2023.\n\nNämnden följer upp arbetet.\n",
            True,
        ),
        # The day stands in the next paragraph: it may be the day of something else.
        (
            "Uppdrag\n\nKontoret tar under 2023 fram uppgifter om bilparken.\n\n"
            "Översynen presenteras vid nämndens sammanträde 7 juni 2023.\n",
            False,
        ),
    ],
)
def test_a_year_as_the_answer_to_when_brings_the_day_the_paragraph_goes_on_to(
    tmp_path: Path, text: str, day_quoted: bool
) -> None:
    chunks = chunks_of(text, tmp_path / "u.txt", IngestSettings(chunk_min_words=50))
    (chunk,) = chunks
    chosen = selected(chunks, chunk, Expected.DATE, {"Kontoret tar under 2023": 1.0})
    assert chosen[0].startswith("Kontoret tar under 2023")
    assert any("7 juni 2023" in text for text in chosen) is day_quoted


#: A section as ingest leaves a list that lost its list marks: each line a paragraph of its own.
BARE_LIST = [
    "Fullmäktige har beslutat om fokusområden för planperioden.",
    "Fokusområden 2025–2028",
    "En organisation med motståndskraft",
    "En hållbar region",
    "En tillgänglig hälso- och sjukvård",
    "Fokusområde",
    "Kontakt",
    "Postadress: Box 1",
    "Tel: 035-13 48 00",
]


def of_paragraphs(chunk: Chunk, paragraphs: list[str]) -> Chunk:
    """`chunk` holding `paragraphs`, one unit each."""
    text = "\n\n".join(paragraphs)
    starts = [text.index(paragraph) for paragraph in paragraphs]
    units = [(start, start + len(p)) for start, p in zip(starts, paragraphs, strict=True)]
    return chunk.model_copy(update={"text": text, "units": units, "tables": []})


@pytest.mark.parametrize(
    ("label", "items"),
    [
        # Lines without list marks under a label that names the list: its items, up to the line
        # that opens otherwise.
        (
            "Fokusområden 2025–2028",
            [
                "En organisation med motståndskraft",
                "En hållbar region",
                "En tillgänglig hälso- och sjukvård",
            ],
        ),
        # Lines that each open otherwise are details, not the items of one list.
        ("Kontakt", []),
        # A list of one line is no list.
        ("Fokusområde", []),
    ],
)
def test_a_label_that_names_the_list_asked_for_brings_its_unmarked_lines(
    chunk: Chunk, label: str, items: list[str]
) -> None:
    bare = of_paragraphs(chunk, BARE_LIST)
    answering = scored(bare, {"Fullmäktige har beslutat": 1.0, label: 0.8})
    naming = [unit for unit in answering if unit.text == label]
    judgement = Judgement(Expectation(Expected.LIST), answering, naming=naming)
    chosen = [unit.text for unit in EvidenceSelection(SETTINGS).select(judgement)]
    # Below the margin, a label with no list is not quoted at all.
    assert chosen == ([BARE_LIST[0], label, *items] if items else [BARE_LIST[0]])
