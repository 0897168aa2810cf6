"""The default answerer: an answer made of the plans' own sentences, grounded by construction.

It picks the best-scoring units, keeps a list together with its lead-in, orders them as the plan
does, names the source, and ends each statement with a marker whose citation quotes exactly that
statement. It writes no claim of its own: the only words it adds are the templates in
``prompts/extractive_sv.toml``, and for a table row the labels of its row and column
(`assistant.table_answers`).
"""

from __future__ import annotations

import re
from itertools import groupby

from assistant.answer import Citation
from assistant.answerability import Judgement, own_heading
from assistant.answerers.base import AnswerListener, AnswerRequest, Draft
from assistant.answerers.selection import EvidenceSelection, in_plan_order
from assistant.evidence import ScoredUnit
from assistant.table_answers import (
    ChunkLookup,
    TableStatement,
    focus_rows,
    statement,
    with_lead_ins,
)
from ingest.document import LIST_MARKER, Chunk
from ingest.organisations import municipality_title
from prompts import templates
from settings import AnswerSettings

_WHITESPACE = re.compile(r"\s*\n\s*")
_PARAGRAPH = re.compile(r"§\s*\d+")


class ExtractiveAnswerer:
    name = "extractive"
    streams = False

    def __init__(self, settings: AnswerSettings, chunks: ChunkLookup | None = None) -> None:
        self._selection = EvidenceSelection(settings, chunks)
        self._templates = templates("extractive_sv")
        self._chunks = chunks

    def answer(self, request: AnswerRequest, listener: AnswerListener | None = None) -> Draft:
        """Quote the units that answer (best first), or refuse when none does. A table row is
        answered with its labels (`assistant.table_answers`)."""
        judgement, question = request.judgement, request.question
        scope = scope_phrase(request.scope.label)
        chosen = self._selection.select(judgement)
        if not chosen:
            draft = self._refusal(judgement, scope)
        else:
            best, summed = judgement.answering[0], judgement.expectation.rows_summed
            chosen = focus_rows(chosen, best, question, scope, self._chunks, summed)
            chosen = in_plan_order(with_lead_ins(chosen))
            # What an earlier part quoted is not quoted again beside what is new; a part that
            # quotes nothing new is left whole (the service points to the earlier quotes).
            fresh = any((u.chunk.file, _quote(u)) not in request.quoted for u in chosen)
            before = request.quoted if fresh else frozenset()
            draft = self._compose(chosen, question, judgement.stating, before)
        return draft

    def _compose(
        self,
        chosen: list[ScoredUnit],
        question: str,
        stating: frozenset[str],
        quoted_before: frozenset[tuple[str, str]],
    ) -> Draft:
        lines: list[str | TableStatement] = []  # a small table takes in later rows of its own
        citations: list[Citation] = []
        quoted = set(quoted_before)

        def source(unit: ScoredUnit) -> tuple[str, str | None, str | None]:
            """The document, the protocol's paragraph, and the heading to name, if any."""
            heading = own_heading(unit)
            return (
                unit.chunk.path,
                paragraph_of(unit.chunk),
                heading if heading in stating else None,
            )

        for (_, _, heading), units in groupby(chosen, key=source):
            group = list(units)
            lead = len(lines)
            lines.append(self._lead(group[0], heading))
            joined: TableStatement | None = None
            for unit in group:
                marker = len(citations) + 1
                table = statement(unit, question, marker, self._chunks)
                if table is not None:
                    citations.extend(table.citations)
                    if joined is None or not joined.joins(table):
                        joined = table
                        lines.append(table)
                    continue
                joined = None
                quote = _quote(unit)
                if (unit.chunk.file, quote) in quoted:  # a plan that says it twice is quoted once
                    continue
                quoted.add((unit.chunk.file, quote))
                citations.append(Citation.of(marker, unit.chunk, quote))
                bullet = "- " if unit.is_list_item else ""
                lines.append(f"{bullet}{_WHITESPACE.sub(' / ', quote)} [{marker}]")
            if len(lines) == lead + 1:  # all of it quoted before: no source without a quote
                lines.pop()
        text = "\n".join(
            line for part in lines for line in ([part] if isinstance(part, str) else part.lines)
        )
        return Draft(text, refused=False, citations=citations)

    def _lead(self, unit: ScoredUnit, heading: str | None = None) -> str:
        """ "Enligt Socialnämndens protokoll 2025-12-09, § 112 (Lomma kommun):"; with the
        heading the quotes stand under, when it names what they answer: "Enligt Regionplan …,
        avsnittet ”FN:s konvention om barnets rättigheter (SFS 2018:1197)” (Region Dalarna):"."""
        chunk = unit.chunk
        section = self._templates["lead_section"].format(heading=heading) if heading else None
        source = ", ".join(part for part in (chunk.title, paragraph_of(chunk), section) if part)
        owner = owner_of(chunk)
        if owner:
            return self._templates["lead"].format(source=source, organisation=owner)
        return self._templates["lead_without_organisation"].format(source=source)

    def _refusal(self, judgement: Judgement, scope: str) -> Draft:
        """Say what was searched and what it lacks: "Inget i Budget 2026 (Lomma kommun) anger
        antal demensplatser." """
        if not judgement.searched:
            return Draft(self._templates["refusal"].format(scope=scope), refused=True)
        documents = _documents_phrase(judgement.searched)
        asked = judgement.expectation
        key = f"missing_{asked.expected.name.lower()}"
        missing = self._templates.get(key)
        if missing is None:  # a statement or a list: nothing to name but the question
            text = self._templates["refusal_searched"].format(documents=documents)
        else:
            # The focus is the user's word; one with a digit would stand in no quote.
            focus = asked.focus if asked.focus and not re.search(r"\d", asked.focus) else None
            if "{focus}" in missing:
                missing = missing.format(focus=focus) if focus else self._templates[key + "_any"]
            text = self._templates["refusal_missing"].format(documents=documents, missing=missing)
        return Draft(text, refused=True)


def scope_phrase(label: str) -> str:
    """ " för Norrtälje kommun 2023": the side asked about, as a refusal names it."""
    return f" för {label}" if label else ""


def paragraph_of(chunk: Chunk) -> str | None:
    """A protocol's paragraph that the chunk is under ("§ 112"), from its heading path."""
    for heading in chunk.section:
        found = _PARAGRAPH.match(heading)
        if found:
            return found.group()
    return None


def owner_of(chunk: Chunk) -> str | None:
    """The organisation a chunk's document is by; chunks indexed before organisations were read
    have only the municipality."""
    if chunk.organisation:
        return chunk.organisation
    return municipality_title(chunk.municipality) if chunk.municipality else None


def _documents_phrase(documents: list[Chunk]) -> str:
    """ "Socialnämndens protokoll 2025-12-09 eller Budget 2026 (Lomma kommun)": titles grouped
    by organisation."""
    by_owner: dict[str | None, list[str]] = {}
    for chunk in documents:
        titles = by_owner.setdefault(owner_of(chunk), [])
        if chunk.title not in titles:
            titles.append(chunk.title)
    phrases = [
        f"{' eller '.join(titles)} ({owner})" if owner else " eller ".join(titles)
        for owner, titles in by_owner.items()
    ]
    return " eller ".join(phrases)


def _quote(unit: ScoredUnit) -> str:
    """The unit as quoted: without its list marker (the answer draws its own)."""
    return LIST_MARKER.sub("", unit.text, count=1).strip()
