"""Which of the answering units make the answer: those close to the best, whole short lists with
their lead-ins (a heading may be one), sentences that list, lists without list marks under a
label that names them, the goals of a series of numbered sections, the day that a "när" answer's
paragraph goes on to name; in the order the plan has them.

Every answerer starts from this selection: the extractive one quotes it, a generative one is given
it as its numbered passages.
"""

from __future__ import annotations

import re

from assistant.answerability import Judgement
from assistant.enumerations import counted_items, sibling_openings
from assistant.evidence import ScoredUnit, unique_units
from assistant.expectation import NUMBERS, Expected, holds_expected
from assistant.table_answers import ChunkLookup, place_of, table_of
from ingest.document import LIST_MARKER, Chunk, leads_in
from ingest.lines import SENTENCE_END
from ingest.pipeline import chunk_id, chunk_ordinal
from ingest.table_model import TextSpan
from settings import AnswerSettings


class EvidenceSelection:
    def __init__(self, settings: AnswerSettings, chunks: ChunkLookup | None = None) -> None:
        self._settings = settings
        self._chunks = chunks

    def select(self, judgement: Judgement) -> list[ScoredUnit]:
        """The answering units within the margin of the best or holding the question's key
        terms, as many as a statement allows, each list with its lead-in."""
        answering = judgement.answering
        if not answering:
            return []
        floor = answering[0].score - self._settings.margin
        keyed = {(unit.chunk.id, unit.index) for unit in judgement.keyed}
        chosen = [u for u in answering if u.score >= floor or (u.chunk.id, u.index) in keyed]
        asks_list = judgement.expectation.expected is Expected.LIST
        items = self._best_list_items(chosen) + self._listing(chosen) if asks_list else []
        statements = chosen[: self._settings.max_statements]
        numbers = judgement.expectation.expected in NUMBERS
        alike = _alike_rows(statements, answering, judgement.row_terms) if numbers else []
        rows = alike[: self._settings.max_list_items]
        chosen = self._with_whole_lists(unique_units(statements + items + rows))
        if asks_list and self._chunks is not None:
            chosen = self._with_series(chosen, self._chunks)
            chosen = self._with_heading_lists(chosen, self._chunks)
        if asks_list:
            chosen = self._with_bare_list(chosen, judgement.naming)
        asked = judgement.expectation
        if asked.expected is Expected.DATE:
            chosen = _with_the_day(chosen)
        if asked.expected in (Expected.AMOUNT, Expected.QUANTITY):
            chosen = _with_table_sums(chosen, self._chunks, asked.rows_summed)
        return in_plan_order(chosen)

    def _best_list_items(self, chosen: list[ScoredUnit]) -> list[ScoredUnit]:
        """For a list asked for whose best unit is a list item: the chosen items of its list,
        beyond the statements' limit. They all answer: "vilka pensioner" has ten answering items
        in a list of twenty, too long to quote whole, and four statements would cut them."""
        best = chosen[0]
        if not best.is_list_item:
            return []
        items = _list_around(best)
        same = [u for u in chosen if u.chunk.id == best.chunk.id and u.index in items]
        return same[: self._settings.max_list_items]

    def _listing(self, chosen: list[ScoredUnit]) -> list[ScoredUnit]:
        """For a list asked for: the chosen sentences that list after a colon or semicolon, beyond
        the statements' limit ("Fem behovsområden …; avlösning, information, …"). A sentence
        that holds the whole list answers more than four that do not."""
        return [unit for unit in chosen if _enumerates(unit.text)][: self._settings.max_statements]

    def _with_series(self, chosen: list[ScoredUnit], chunks: ChunkLookup) -> list[ScoredUnit]:
        """A list asked for and answered from one of a series of numbered sections ("Mål 2"):
        the opening statement of every section of the series ("vilka mål" → the goals)."""
        keyed = {(unit.chunk.id, unit.index): unit for unit in chosen}
        for unit in chosen:
            openings = sibling_openings(unit, chunks)
            if openings:
                for opening in openings[: self._settings.max_list_items]:
                    keyed.setdefault((opening.chunk.id, opening.index), opening)
                break
        return list(keyed.values())

    def _with_heading_lists(
        self, chosen: list[ScoredUnit], chunks: ChunkLookup
    ) -> list[ScoredUnit]:
        """A list asked for and answered from a section that opens with a short list: the list.
        Its heading is its lead-in ("Nya lokalytor kommer krävas för följande behov" > "• …"), so
        no lead-in unit brings it in."""
        keyed = {(unit.chunk.id, unit.index): unit for unit in chosen}
        first_of_chunk = {unit.chunk.id: unit for unit in reversed(chosen)}
        for unit in first_of_chunk.values():
            if not _opens_section(unit.chunk, chunks):
                continue
            opening = _sibling(unit, 0)
            items = _list_around(opening) if opening.is_list_item else []
            if len(items) <= self._settings.max_list_items:
                for index in items:
                    keyed.setdefault((unit.chunk.id, index), _sibling(unit, index))
        return list(keyed.values())

    def _with_bare_list(
        self, chosen: list[ScoredUnit], naming: list[ScoredUnit]
    ) -> list[ScoredUnit]:
        """A list asked for that a plan writes as lines without list marks under a label that
        names it ("Fokusområden 2025–2028" / "En hållbar och växande region" / …): the best
        such label of those `naming` the list, with its lines."""
        for unit in naming:
            if not _bare_line(unit.text):
                continue
            items = _bare_items_after(unit)
            if MIN_BARE_ITEMS <= len(items) <= self._settings.max_list_items:
                wanted = [unit] + [_sibling(unit, index) for index in items]
                return unique_units(chosen + wanted)
        return chosen

    def _with_whole_lists(self, chosen: list[ScoredUnit]) -> list[ScoredUnit]:
        """A list item brings its lead-in and, if the list is short, its sibling items; a lead-in
        brings its items. From a long list (a register of 30 laws) only the matching items are
        the answer."""
        keyed = {(unit.chunk.id, unit.index): unit for unit in chosen}
        for unit in chosen:
            if not (unit.is_list_item or unit.is_lead_in):
                continue
            around = _list_around(unit)
            lead_in = [i for i in around[:1] if leads_in(unit.chunk.unit_texts()[i])]
            items = len(around) - len(lead_in)
            wanted = around if items <= self._settings.max_list_items else lead_in
            for index in wanted:
                keyed.setdefault((unit.chunk.id, index), _sibling(unit, index))
            if unit.is_lead_in and not items and self._chunks is not None:
                for item in counted_items(unit, self._chunks)[: self._settings.max_list_items]:
                    keyed.setdefault((item.chunk.id, item.index), item)
        return list(keyed.values())


def _with_table_sums(
    chosen: list[ScoredUnit], chunks: ChunkLookup | None, parts: int
) -> list[ScoredUnit]:
    """For a "how much" question answered by `parts` or more rows of one table, the row that sums
    them too: "Hur mycket investerar Dalarna?" is answered by "Summa investeringar", not by its
    parts; "hur stor del av budgeten går till sjukhuset?" by the hospital's row and the sum."""
    summed: dict[tuple[str, TextSpan], list[ScoredUnit]] = {}
    for unit in chosen:
        place = place_of(unit, chunks)
        total = place.table.sum_after(place.row) if place and place.row else None
        if total is not None:
            summed.setdefault((unit.chunk.id, total.span), []).append(unit)
    sums = []
    for (_, span), units in summed.items():
        spans = [tuple(unit_span) for unit_span in units[0].chunk.units]
        if len(units) >= parts and tuple(span) in spans:
            sums.append(_sibling(units[0], spans.index(tuple(span))))
    return unique_units(chosen + sums)


def _alike_rows(
    chosen: list[ScoredUnit],
    answering: list[ScoredUnit],
    row_terms: dict[tuple[str, int], frozenset[str]],
) -> list[ScoredUnit]:
    """The answering rows of a chosen row's table whose labels hold the same question terms as
    its label: which of "Verksamhetens resultat", "Resultat efter finansiella poster" and "Årets
    balanskravresultat" is "the budgeted result" the words cannot tell, so the answer shows
    them all."""

    def key(unit: ScoredUnit) -> tuple[tuple[str, int] | None, frozenset[str]] | None:
        terms = row_terms.get((unit.chunk.id, unit.index))
        return (table_of(unit), terms) if terms else None

    wanted = {key(unit) for unit in chosen} - {None}
    return [unit for unit in answering if key(unit) in wanted]


#: The fewest lines that make a list without list marks.
MIN_BARE_ITEMS = 2
#: The most words of a line of such a list: a label, not a sentence.
MAX_BARE_WORDS = 12


def _bare_line(text: str) -> bool:
    """A paragraph of one short unpunctuated line that starts with a capital: a label."""
    words = text.split()
    return (
        "\n" not in text
        and 0 < len(words) <= MAX_BARE_WORDS
        and text[0].isupper()
        and not text.endswith((*SENTENCE_END, ","))
        and LIST_MARKER.match(text) is None
    )


def _bare_items_after(label: ScoredUnit) -> list[int]:
    """The lines after a label that make its list: paragraphs of one bare line each that open
    with the same word ("En hållbar …", "En digital …"), as the items of one list do; a line
    that opens otherwise ("Fokusområde", "Tel: …" after "Postadress: …") is no item of it."""
    texts = label.chunk.unit_texts()
    items: list[int] = []
    for index in range(label.index + 1, len(texts)):
        text = texts[index]
        if not label.chunk.opens_paragraph(index) or not _bare_line(text):
            break
        if items and text.split()[0] != texts[items[0]].split()[0]:
            break
        items.append(index)
    return items


def _with_the_day(chosen: list[ScoredUnit]) -> list[ScoredUnit]:
    """For "när …", answered by a sentence that names only a year or a season: the next sentence
    of its paragraph too, if that one names the day ("… under 2023 att ta fram uppgifter om …
    bilar." / "Översyn av bilparken kommer att presenteras vid … sammanträde 7 juni 2023.")."""
    best = chosen[0]
    if holds_expected(best.text, Expected.DAY):
        return chosen
    following = best.index + 1
    if following >= len(best.chunk.units) or best.chunk.opens_paragraph(following):
        return chosen
    if not holds_expected(best.chunk.unit_texts()[following], Expected.DAY):
        return chosen
    return unique_units([*chosen, _sibling(best, following)])


def in_plan_order(units: list[ScoredUnit]) -> list[ScoredUnit]:
    """Grouped by document in order of each document's best passage, then as the plan reads."""
    best_rank: dict[str, int] = {}
    for unit in units:
        best_rank[unit.chunk.path] = min(unit.rank, best_rank.get(unit.chunk.path, unit.rank))
    return sorted(
        units,
        key=lambda u: (best_rank[u.chunk.path], u.chunk.path, u.chunk.start, u.index),
    )


def _list_around(unit: ScoredUnit) -> list[int]:
    """Indexes of the lead-in and the items of the list that ``unit`` belongs to or introduces."""
    texts = unit.chunk.unit_texts()
    first = unit.index
    while first > 0 and LIST_MARKER.match(texts[first]):
        first -= 1
    if not leads_in(texts[first]) and LIST_MARKER.match(texts[first]) is None:
        first += 1  # no lead-in: the list starts with its first item
    last = max(unit.index, first)
    while last + 1 < len(texts) and LIST_MARKER.match(texts[last + 1]):
        last += 1
    return list(range(first, last + 1))


#: A sentence that lists after a colon or semicolon: "Fem behovsområden har kunnat bekräftas i
#: forskning; avlösning, information/kunskap, någon att tala med … samt ekonomisk ersättning."
_INLINE_LIST = re.compile(r"[:;]\s*[^,.:;]+(?:,[^,.:;]+){2,}\s(?:och|samt|eller)\s[^,.:;]+")


def _enumerates(text: str) -> bool:
    return _INLINE_LIST.search(text) is not None


def _opens_section(chunk: Chunk, chunks: ChunkLookup) -> bool:
    """Whether `chunk` is the first of its section: what it opens with follows the heading."""
    previous = chunks(chunk_id(chunk.sha256, chunk_ordinal(chunk.id) - 1))
    return previous is None or previous.path != chunk.path or previous.section != chunk.section


def _sibling(unit: ScoredUnit, index: int) -> ScoredUnit:
    """Another unit of the same list, carrying the score of the unit that brought it in."""
    return ScoredUnit(unit.chunk, unit.rank, index, unit.score, unit.dense, unit.lexical)
