"""The assistant: a question in, a cited answer (or an honest refusal) out.

It reads filters from the question (explicit ones win), refuses at once for municipalities the
index has no plan for, splits comparisons into one answer per side, retrieves passages, scores
their sentences and lets the answerer quote them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from assistant.answer import Answer, Citation, ComparisonSide
from assistant.answerability import AnswerabilityJudge
from assistant.answerer import Draft, check_grounding, make_answerer
from assistant.conversation import resolve
from assistant.evidence import EvidenceScorer, ScoredUnit
from assistant.question import QuestionIntent, analyse
from assistant.question_parts import PART_NAMES, question_parts
from assistant.terms import TermNormaliser
from index.embedding import load_embedder
from index.plan_index import PlanIndex, SearchHit
from ingest.laws import find_laws
from prompts import templates
from settings import Settings

_MARKER = re.compile(r"\[(\d+)\]")


def open_index(settings: Settings) -> PlanIndex:
    return PlanIndex.open(
        settings, lambda: load_embedder(settings.embedding, settings.model_cache_dir)
    )


@dataclass(frozen=True)
class Scope:
    """One side of a question: the municipality and year it is about (None: any), and the one
    document (path) it is restricted to, if any."""

    municipality: str | None
    year: int | None
    document: str | None = None

    @property
    def label(self) -> str:
        return " ".join(str(part) for part in (self.municipality, self.year) if part)


class Assistant:
    def __init__(self, settings: Settings, index: PlanIndex) -> None:
        self._settings = settings
        self._index = index
        self._scorer = self._fitted_scorer()
        self._judge = AnswerabilityJudge(settings.answer, self._scorer)
        self._answerer = make_answerer(settings.answer, index.chunk)
        self._templates = templates("extractive_sv")

    @classmethod
    def open(cls, settings: Settings) -> Assistant:
        return cls(settings, open_index(settings))

    @property
    def index(self) -> PlanIndex:
        return self._index

    @property
    def judge(self) -> AnswerabilityJudge:
        return self._judge

    def refresh(self) -> None:
        """Learn the word rarities again after documents were added or removed. The new scorer
        replaces the old one in one assignment, so a question asked meanwhile uses either."""
        self._scorer = self._fitted_scorer()
        self._judge = AnswerabilityJudge(self._settings.answer, self._scorer)

    def _fitted_scorer(self) -> EvidenceScorer:
        answer = self._settings.answer
        scorer = EvidenceScorer(
            TermNormaliser(self._settings.lexical.stemmer),
            answer.lexical_weight,
            answer.rank_weight,
        )
        scorer.fit(self._index.chunks())
        return scorer

    def ask(
        self,
        question: str,
        municipality: str | None = None,
        year: int | None = None,
        previous: QuestionIntent | None = None,
        document: str | None = None,
    ) -> Answer:
        """Answer `question`; explicit filters (municipality, year, one document's path) win over
        what the question says, and `previous` is the intent of the question it follows up."""
        intent = resolve(question, previous)
        refusal = self._unanswerable(question, intent)
        if refusal is not None:
            return refusal
        if document is not None:
            record = self._index.document(document)
            if record is None:
                return self._refusal(question, self._templates["not_indexed_document"])
            scope = Scope(record.municipality, record.year, document=record.path)
            return self._answer_scope(question, intent, scope, intent.text)
        scopes = self.scopes(intent, municipality, year)
        if len(scopes) > 1:
            return self._compare(question, intent, scopes)
        return self._answer_scope(question, intent, scopes[0], intent.text)

    def compare(self, question: str, sides: list[Scope]) -> Answer:
        """One answer per chosen side (municipalities or years), whatever the question names."""
        intent = resolve(question, None)
        return self._unanswerable(question, intent) or self._compare(question, intent, sides)

    def _unanswerable(self, question: str, intent: QuestionIntent) -> Answer | None:
        if not intent.meaningful:
            return self._refusal(question, self._templates["empty_question"])
        if not intent.swedish:
            return self._refusal(question, self._templates["wrong_language"])
        return None

    # --- scopes ----------------------------------------------------------------------------

    def indexed(self) -> dict[str, list[int]]:
        """Municipality → the years of its indexed plans."""
        years: dict[str, set[int]] = defaultdict(set)
        for record in self._index.documents():
            if record.municipality:
                years[record.municipality].update([record.year] if record.year else [])
        return {name: sorted(values) for name, values in sorted(years.items())}

    def plan_years(self, municipality: str | None) -> list[int]:
        """The years of the indexed documents of a municipality, or of all documents (a region's
        too, which has no municipality)."""
        return sorted(
            {
                record.year
                for record in self._index.documents()
                if record.year and municipality in (None, record.municipality)
            }
        )

    def scopes(
        self, intent: QuestionIntent, municipality: str | None, year: int | None
    ) -> list[Scope]:
        municipalities = [municipality] if municipality else list(intent.municipalities)
        years = [year] if year else list(intent.years)
        if intent.compare and len(municipalities) >= 2:
            return [Scope(m, years[0] if len(years) == 1 else None) for m in municipalities]
        if intent.compare and len(years) >= 2:
            only = municipalities[0] if len(municipalities) == 1 else None
            return [Scope(only, y) for y in years]
        if intent.compare and not municipalities and len(self.indexed()) >= 2:
            return [Scope(m, years[0] if len(years) == 1 else None) for m in self.indexed()]
        return [
            Scope(
                municipalities[0] if len(municipalities) == 1 else None,
                years[0] if len(years) == 1 else None,
            )
        ]

    # --- one scope ---------------------------------------------------------------------------

    def _answer_scope(
        self, question: str, intent: QuestionIntent, scope: Scope, query: str
    ) -> Answer:
        indexed = self.indexed()
        if scope.municipality and scope.municipality not in indexed:
            message = self._templates["not_indexed_municipality"].format(
                asked=scope.municipality, indexed=_describe(indexed)
            )
            return self._refusal(question, message)
        plan_years = self.plan_years(scope.municipality)
        # A comparison's sides are its parts; a plain question of several parts is split.
        parts = [query] if intent.compare else question_parts(query)
        answers = [self._answer_part(question, intent, scope, part, plan_years) for part in parts]
        if len(answers) == 1:
            return answers[0]
        return self._joined(question, answers)

    def _answer_part(
        self, question: str, intent: QuestionIntent, scope: Scope, query: str, plan_years: list[int]
    ) -> Answer:
        hits, evidence, must_mention = self.evidence(intent, scope, query, plan_years)
        judgement = self._judge.judge(query, evidence)
        draft = check_grounding(self._answerer.answer(judgement, _scope_phrase(scope), query))
        if draft.refused and must_mention and not evidence:
            draft = Draft(
                self._templates["not_indexed_year"].format(
                    asked=must_mention, indexed=", ".join(map(str, plan_years)) or "inga"
                ),
                refused=True,
            )
        return Answer(
            question=question,
            answer=draft.text,
            refused=draft.refused,
            citations=draft.citations,
            closest=self._closest(hits, evidence) if draft.refused else [],
            retrieved=[hit.chunk.id for hit in hits],
        )

    def _joined(self, question: str, answers: list[Answer]) -> Answer:
        """One answer of the parts' answers, markers numbered through; a part the plans do not
        answer says so by name."""
        texts: list[str] = []
        citations: list[Citation] = []
        for ordinal, answer in zip(PART_NAMES, answers, strict=False):
            renumbered = _renumber(answer, offset=len(citations))
            citations.extend(renumbered.citations)
            silent = self._templates["part_silent"].format(ordinal=ordinal)
            texts.append(silent if answer.refused else renumbered.answer)
        refused = all(answer.refused for answer in answers)
        return Answer(
            question=question,
            answer=answers[0].answer if refused else "\n\n".join(texts),
            refused=refused,
            citations=citations,
            closest=answers[0].closest if refused else [],
            retrieved=list(dict.fromkeys(c for answer in answers for c in answer.retrieved)),
        )

    def evidence(
        self, intent: QuestionIntent, scope: Scope, query: str, plan_years: list[int]
    ) -> tuple[list[SearchHit], list[ScoredUnit], str | None]:
        """The passages for one scope, their units scored best first, and the year a quote must
        mention (a year that has no plan of its own)."""
        # A year with no plan of its own may still be a column in a plan's table (a 2025 plan's
        # budget for 2026): search all plans, but quote only what mentions that year.
        year_filter = scope.year if scope.year in plan_years else None
        must_mention = str(scope.year) if scope.year and year_filter is None else None
        query_vector = np.asarray(self._index.embed_query(query), dtype=np.float32)
        hits = self._index.search(
            query,
            k=self._settings.answer.passages,
            municipality=scope.municipality,
            year=year_filter,
            embedding=query_vector.tolist(),
            path=scope.document,
        )
        # Words are matched on the topic: the municipality and year are filters, not content.
        words = (intent.topic if query == intent.text else analyse(query).topic) or query
        evidence = self._scorer.score(words, query_vector, hits, self._index.unit_vectors)
        if must_mention:
            evidence = [unit for unit in evidence if unit.mentions(must_mention)]
        if intent.law:
            evidence = _prefer_law_mentions(evidence)
        return hits, evidence, must_mention

    def _closest(self, hits: list[SearchHit], evidence: list[ScoredUnit]) -> list[Citation]:
        """The best sentence of each of the top passages: shown, never used as an answer."""
        best: dict[str, ScoredUnit] = {}
        for unit in evidence:
            best.setdefault(unit.chunk.id, unit)
        chosen = [best[hit.chunk.id] for hit in hits if hit.chunk.id in best]
        return [
            Citation.of(number, unit.chunk, unit.text)
            for number, unit in enumerate(chosen[: self._settings.answer.closest], start=1)
        ]

    # --- comparisons -------------------------------------------------------------------------

    def _compare(self, question: str, intent: QuestionIntent, scopes: list[Scope]) -> Answer:
        sides: list[ComparisonSide] = []
        citations: list[Citation] = []
        retrieved: list[str] = []
        indexed = self.indexed()
        for scope in scopes:
            side = self._answer_scope(question, intent, scope, _side_query(intent, scope))
            renumbered = _renumber(side, offset=len(citations))
            citations.extend(renumbered.citations)
            retrieved.extend(renumbered.retrieved)
            text = renumbered.answer if not side.refused else self._templates["side_silent"]
            if side.refused and scope.municipality not in indexed:
                text = renumbered.answer  # say why: no plan from there
            sides.append(
                ComparisonSide(
                    municipality=scope.municipality,
                    year=scope.year,
                    answer=text,
                    refused=side.refused,
                    citations=renumbered.citations,
                )
            )
        answer = "\n\n".join(
            self._templates["comparison_side"].format(side=scope.label, answer=side.answer)
            for scope, side in zip(scopes, sides, strict=True)
        )
        return Answer(
            question=question,
            answer=answer,
            refused=all(side.refused for side in sides),
            citations=citations,
            comparison=sides,
            retrieved=retrieved,
        )

    def _refusal(self, question: str, message: str) -> Answer:
        return Answer(question=question, answer=message, refused=True)


def _describe(indexed: dict[str, list[int]]) -> str:
    if not indexed:
        return "inga"
    return ", ".join(
        f"{name} ({', '.join(map(str, years))})" if years else name
        for name, years in indexed.items()
    )


def _scope_phrase(scope: Scope) -> str:
    return f" för {scope.label}" if scope.label else ""


def _side_query(intent: QuestionIntent, scope: Scope) -> str:
    """The question for one side: its topic, with that side's municipality and year."""
    return " ".join(part for part in (intent.topic, scope.label) if part)


def _prefer_law_mentions(evidence: list[ScoredUnit]) -> list[ScoredUnit]:
    """For "which law" questions, quote sentences that name a law when there are any."""
    with_laws = [unit for unit in evidence if find_laws(unit.text)]
    return with_laws or evidence


def _renumber(answer: Answer, offset: int) -> Answer:
    """Shift citation markers so that the sides of a comparison share one numbering."""
    if not offset:
        return answer
    citations = [c.model_copy(update={"id": c.id + offset}) for c in answer.citations]
    text = _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", answer.answer)
    return answer.model_copy(update={"citations": citations, "answer": text})
