"""Whether the evidence answers the question, and which units do: the guard against answering
from passages that are merely on the topic.

A unit answers when
- it holds a value of the kind the question asks for (`assistant.expectation`: a count, an amount,
  a date, a law …), in its own text; a table row's numbers count as amounts or shares when its
  table (or heading) names the unit ("tkr", "mnkr", "%");
- the question's focus noun ("hur många *anställda*") is in the unit or its context (heading,
  lead-in, table header), in any inflection or compound (`assistant.terms`);
- its score (similarity + rarity-weighted term coverage + rank prior, `assistant.evidence`) reaches
  the threshold: a higher one when the kind of answer cannot be checked (a statement, a list).

The thresholds and the number of units judged are settings fitted on the fit eval set by
`python -m eval.calibrate`, which reports them on the held-out set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.evidence import EvidenceScorer, ScoredUnit, WeightedTerm, unique_units
from assistant.expectation import (
    CHECKED,
    NUMBERS,
    Expectation,
    Expected,
    expectation,
    holds_expected,
)
from assistant.terms import Term, present
from index.unit_vectors import embedding_texts
from ingest.document import Chunk
from settings import AnswerSettings

#: A table's or heading's word for the unit of its numbers: the numbers are money, or shares.
_MONEY_UNIT = re.compile(r"\b(?:tkr|mnkr|mkr|mdkr|kr|kronor|miljoner|miljarder|sek)\b", re.I)
_SHARE_UNIT = re.compile(r"%|\bprocent\w*|\bandel\w*", re.I)
_NUMBER = re.compile(r"\d")
#: A parenthesised note without digits before a figure that is no year: a flattened table's
#: header names its unit so ("Regionbidragsförändringar per nämnd (tkr) 2026 2027 2028 …
#: Välfärdsbrottslighet 1 000"); a title alone ("5.1 Driftsekonomi (tkr)") states no figure.
_HEADER_UNIT = re.compile(r"\([^()\d]{1,20}\)(?=.*?(?<!\d)(?!(?:19|20)\d\d\b)\d)", re.S)
#: How many of the documents searched a refusal names.
MAX_SEARCHED_NAMED = 3


@dataclass(frozen=True)
class Judgement:
    expectation: Expectation
    #: The units that answer, best first; none: the evidence does not answer. Once one of the
    #: best units answers, every unit of the evidence that fits is here (the answerer keeps those
    #: close to the best): the second law of a matter may rank below the judged few.
    answering: list[ScoredUnit] = field(default_factory=list)
    #: Those of them that hold every key term of the question (its rarest ones): part of the
    #: answer however they score ("Lag (2018:2088) om tobak …" for "vilken lag … tobak?").
    keyed: list[ScoredUnit] = field(default_factory=list)
    #: A chunk of each document searched, best-ranked first: what a refusal names.
    searched: list[Chunk] = field(default_factory=list)
    #: Headings of answering units that state part of the answer, to be named with the quotes:
    #: a law's ("Barnkonventionen (SFS 2018:1197)", whatever is asked, when it has its SFS
    #: number), or a label and its value whose label is
    #: what is asked about ("Vår vision: GLOBAL LIVSSTIL, LOKALT LIV" for "vad är … vision?").
    stating: frozenset[str] = frozenset()
    #: The question terms that each answering table row's label holds, by (chunk id, unit index):
    #: rows of one table whose labels hold the same ones answer alike.
    row_terms: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    #: For a list asked for: the answering units that hold the question's rarest term in their
    #: own words, best first: a label that names the list ("Fokusområden 2025–2028") is one.
    naming: list[ScoredUnit] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return bool(self.answering)


class AnswerabilityJudge:
    def __init__(self, settings: AnswerSettings, scorer: EvidenceScorer) -> None:
        self._settings = settings
        self._scorer = scorer

    def judge(self, question: str, evidence: list[ScoredUnit]) -> Judgement:
        """Which of the best units of `evidence` (best first) answer `question`."""
        asked = expectation(question)
        threshold = self._settings.min_score_checked if asked.checked else self._settings.min_score
        judged = evidence[: self._settings.judged_units]
        searched = _documents(evidence)
        labelled = self._labelled_values(judged, asked)
        fitting = [u for u in judged if self.fits(u, asked)] + [value for _, value in labelled]
        if not any(u.score >= threshold for u in fitting):
            return Judgement(asked, searched=searched)
        pairs = [unit for pair in labelled for unit in pair]
        answering = unique_units(pairs + [u for u in evidence if self.fits(u, asked)])
        weighted = self._scorer.weighted_terms(question)
        key = self._key_terms(weighted)
        keyed = [u for u in answering if self._holds_terms(u, key)]
        stating = {
            heading
            for unit in answering
            if (heading := own_heading(unit)) is not None
            and (
                heading_names_law(unit, asked)
                or holds_expected(heading, Expected.SFS)
                or self._labels_terms(unit, key[:1])
            )
        }
        # Only a number asked for is answered by rows alike (`selection._alike_rows`): the
        # labels of other questions' rows are not read.
        row_terms = self._row_terms(weighted, answering) if asked.expected in NUMBERS else {}
        naming = (
            [u for u in answering if self._holds_terms(u, key[:1])]
            if asked.expected is Expected.LIST
            else []
        )
        return Judgement(asked, answering, keyed, searched, frozenset(stating), row_terms, naming)

    def fits(self, unit: ScoredUnit, asked: Expectation) -> bool:
        """Whether the unit holds the kind of value asked for, next to the question's focus; or,
        for a law asked for, stands under a heading that names it."""
        context = unit_context(unit)
        text = asked.values_in(unit.text)
        holds = _holds(text, context, asked.expected) or heading_names_law(unit, asked)
        return holds and self._names_focus(unit, asked)

    def _labelled_values(
        self, judged: list[ScoredUnit], asked: Expectation
    ) -> list[tuple[ScoredUnit, ScoredUnit]]:
        """Labels and the bare values they name, as (label, value): in a flattened
        indicator table the label ("Brukaren känner sig trygg …, andel (%)") and its value
        ("74,5%") are blocks of their own, so neither holds both the focus and the value. The
        value carries its label's score."""
        if asked.expected not in CHECKED:
            return []
        pairs = []
        for label in judged:
            if self.fits(label, asked) or not self._names_focus(label, asked):
                continue
            value = _value_after(label, asked)
            if value is not None:
                pairs.append((label, value))
        return pairs

    def _row_terms(
        self, wanted: list[WeightedTerm], units: list[ScoredUnit]
    ) -> dict[tuple[str, int], frozenset[str]]:
        """For each unit that is a table row, the question terms (`wanted`) its label holds."""
        found = {}
        for unit in units:
            label = _row_label(unit)
            if label is not None:
                forms = self._scorer.forms(label)
                held = frozenset(w.term.form for w in wanted if present(w.term, forms))
                found[(unit.chunk.id, unit.index)] = held
        return found

    def _names_focus(self, unit: ScoredUnit, asked: Expectation) -> bool:
        """Whether the unit has the question's focus noun (any unit does when it names none)."""
        if asked.focus is None:
            return True
        forms = self._scorer.unit_forms(unit.chunk)[unit.index]
        return present(self._scorer.term(asked.focus), forms)

    def _key_terms(self, weighted: list[WeightedTerm]) -> list[Term]:
        """The question's rarest terms (of `weighted`, rarest first): those within
        `key_term_share` of the rarest one."""
        if not weighted:
            return []
        floor = self._settings.key_term_share * weighted[0].weight
        return [term.term for term in weighted if term.weight >= floor]

    def _labels_terms(self, unit: ScoredUnit, terms: list[Term]) -> bool:
        """Whether the unit's heading is a label and its value ("Vår vision: …") whose label
        holds every one of `terms` (the question's rarest: "vision", not "Norrtälje")."""
        label, colon, value = (own_heading(unit) or "").partition(": ")
        if not (colon and value.strip() and terms):
            return False
        forms = self._scorer.forms(label)
        return all(present(term, forms) for term in terms)

    def _holds_terms(self, unit: ScoredUnit, terms: list[Term]) -> bool:
        forms = self._scorer.unit_forms(unit.chunk)[unit.index]
        return bool(terms) and all(present(term, forms) for term in terms)


def _row_label(unit: ScoredUnit) -> str | None:
    """The label of the table row that the unit is, if it is one."""
    span = unit.chunk.units[unit.index]
    table = unit.chunk.table_at(span[0])
    row = table.row_at(span) if table is not None else None
    return row.label if row is not None else None


def _documents(evidence: list[ScoredUnit]) -> list[Chunk]:
    """A chunk of each document of the evidence, the document of the best passage first."""
    first: dict[str, Chunk] = {}
    for unit in sorted(evidence, key=lambda u: u.rank):
        first.setdefault(unit.chunk.path, unit.chunk)
    return list(first.values())[:MAX_SEARCHED_NAMED]


#: The most words besides numbers a bare value may have ("74,5%", "(2023, Kolada)", "12 st").
_BARE_VALUE_WORDS = 3
#: A row's cells run together, its value first: "20 (lå 23/24) Lägre antal än föregående år."
#: (not a list's number: "4. Bidra till …").
_LEADING_VALUE = re.compile(r"\s*\d[\d  ]*(?:,\d+)?(?!\d|[.)]\s)")


def _value_after(label: ScoredUnit, asked: Expectation) -> ScoredUnit | None:
    """The bare value right after a label (the next unit with a number, if it is the next one or
    the one after a line of words without numbers), if it holds the kind asked for."""
    texts = label.chunk.unit_texts()
    for index in range(label.index + 1, min(label.index + 3, len(texts))):
        text = texts[index]
        if not _NUMBER.search(text):
            continue
        words = [w for w in text.split() if not _NUMBER.search(w)]
        bare = len(words) <= _BARE_VALUE_WORDS or _LEADING_VALUE.match(text)
        if not bare or not holds_expected(asked.values_in(text), asked.expected):
            return None
        return ScoredUnit(label.chunk, label.rank, index, label.score, label.dense, label.lexical)
    return None


def heading_names_law(unit: ScoredUnit, asked: Expectation) -> bool:
    """Whether a law is asked for and the unit's own heading names one that the unit does not:
    "FN:s konvention om barnets rättigheter (SFS 2018:1197)" heads the sentences about it."""
    heading = own_heading(unit)
    if asked.expected not in (Expected.LAW, Expected.SFS) or heading is None:
        return False
    return holds_expected(heading, asked.expected) and not holds_expected(unit.text, asked.expected)


def own_heading(unit: ScoredUnit) -> str | None:
    """The innermost heading of the unit, unless it is only the document's title ("Riktlinjer
    för handläggning enligt socialtjänstlagen" over the whole of it)."""
    heading = unit.chunk.section[-1] if unit.chunk.section else None
    return heading if heading != unit.chunk.title else None


def unit_context(unit: ScoredUnit) -> str:
    """What a reader sees around the unit: its heading, list lead-in or table header, and the
    statement before it ("… höja avgifterna upp till de procenttal som framgår av tabell nedan.")
    which may name the unit of a bare value."""
    embedded = embedding_texts(unit.chunk)[unit.index]
    before = unit.chunk.unit_texts()[unit.index - 1] if unit.index else ""
    return f"{embedded.removesuffix(unit.text)} {before}"


def _holds(text: str, context: str, expected: Expected) -> bool:
    if holds_expected(text, expected):
        return True
    # A table row states its numbers bare; the table's title or header says what they are, in
    # the context or, for a table flattened into one unit, in a parenthesis of its own text.
    if not _NUMBER.search(text):
        return False
    context = " ".join([context, *_HEADER_UNIT.findall(text)])
    units = {
        Expected.AMOUNT: (_MONEY_UNIT,),
        Expected.SHARE: (_SHARE_UNIT,),
        Expected.QUANTITY: (_MONEY_UNIT, _SHARE_UNIT),
    }.get(expected, ())
    return any(unit.search(context) for unit in units)
