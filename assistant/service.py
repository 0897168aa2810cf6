"""The assistant: a question in, a cited answer (or an honest refusal) out.

It reads filters from the question (explicit ones win), refuses at once for organisations the
index has no document of, splits comparisons into one answer per side and questions of several
parts into one answer per part, retrieves passages from the documents in scope, scores their
sentences, judges whether they answer, and lets the answerer quote them.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from assistant.answer import Answer, Citation, ComparisonSide
from assistant.answerability import AnswerabilityJudge
from assistant.answerers.base import Answerer, AnswerListener, AnswerRequest, Draft
from assistant.answerers.grounding import MARKER, UngroundedAnswer, check_grounding
from assistant.conversation import resolve
from assistant.evidence import EvidenceScorer, ScoredUnit
from assistant.question import QuestionIntent, analyse
from assistant.question_parts import PART_NAMES, bridge_of, question_parts
from assistant.scopes import IndexedDocuments, Scope, matches
from assistant.terms import TermNormaliser
from index.plan_index import PlanIndex, SearchHit
from ingest.dates import MONTH_NAMES
from ingest.laws import find_laws
from ingest.organisations import organisation_named
from prompts import templates
from settings import Settings

logger = logging.getLogger(__name__)


def new_scorer(settings: Settings) -> EvidenceScorer:
    answer = settings.answer
    normaliser = TermNormaliser(settings.lexical.stemmer)
    return EvidenceScorer(normaliser, answer.lexical_weight, answer.rank_weight)


def saved_word_rarities(settings: Settings, index: PlanIndex) -> EvidenceScorer | None:
    """The word rarities saved for `index` as it is now, or None if none are."""
    scorer = new_scorer(settings)
    file = settings.word_rarities_file
    return scorer if scorer.load(file, index.fingerprint(), index.chunks()) else None


def word_rarities(
    settings: Settings, index: PlanIndex, previous: EvidenceScorer | None = None
) -> EvidenceScorer:
    """A scorer of `index`'s word rarities: saved ones if they are the index's, else counted
    (from `previous`'s, if given: only the chunks changed since are read) and saved for the next
    start."""
    if previous is None:
        saved = saved_word_rarities(settings, index)
        if saved is not None:
            return saved
    scorer = new_scorer(settings)
    scorer.fit(index.chunks(), previous)
    try:
        scorer.save(settings.word_rarities_file, index.fingerprint())
    except OSError as error:  # a read-only data directory: count again at the next start
        logger.warning("Ordens sällsynthet sparades inte: %s", error)
    return scorer


class Assistant:
    """Built by `assistant.composition`: ``answerer`` writes the answers, ``fallback`` (the
    extractive answerer) replaces a draft that fails its grounding check."""

    def __init__(
        self, settings: Settings, index: PlanIndex, answerer: Answerer, fallback: Answerer
    ) -> None:
        self._settings = settings
        self._index = index
        self._scorer = word_rarities(settings, index)
        self._judge = AnswerabilityJudge(settings.answer, self._scorer)
        self._answerer = answerer
        self._fallback = fallback
        self._templates = templates("extractive_sv")

    @property
    def index(self) -> PlanIndex:
        return self._index

    @property
    def answerer(self) -> str:
        return self._answerer.name

    @property
    def streams(self) -> bool:
        """Whether answers can be followed as they are written (`ask(listener=…)`)."""
        return self._answerer.streams

    @property
    def judge(self) -> AnswerabilityJudge:
        return self._judge

    def refresh(self) -> None:
        """Learn the word rarities again after documents were added or removed (from the
        changed ones only). The new scorer replaces the old one in one assignment, so a question
        asked meanwhile uses either."""
        scorer = word_rarities(self._settings, self._index, self._scorer)
        self._scorer, self._judge = scorer, AnswerabilityJudge(self._settings.answer, scorer)

    def ask(
        self,
        question: str,
        municipality: str | None = None,
        year: int | None = None,
        previous: QuestionIntent | None = None,
        document: str | None = None,
        organisation: str | None = None,
        listener: AnswerListener | None = None,
    ) -> Answer:
        """Answer `question`; explicit filters (organisation or municipality, year, one document
        by its `DocumentRecord.id`) win over what the question says, and `previous` is the intent
        of the question it follows up. A streaming answerer tells `listener` its passages and text
        as it writes."""
        too_long = self._too_long(question)
        if too_long is not None:
            return too_long
        intent = resolve(question, previous)
        refusal = self._unanswerable(question, intent)
        if refusal is not None:
            return refusal
        if document is not None:
            record = self._index.document_by_id(document)
            if record is None:
                return self._refusal(question, self._templates["not_indexed_document"])
            scope = Scope(record.organisation, record.year, document=record.path)
            return self._answer_scope(question, intent, scope, intent.text, listener)
        chosen = organisation or municipality
        named = (self.documents().named(chosen) or chosen) if chosen else None
        scopes = self.scopes(intent, named, year)
        if len(scopes) > 1:
            return self._compare(question, intent, scopes, listener)
        return self._answer_scope(question, intent, scopes[0], intent.text, listener)

    def compare(
        self, question: str, sides: list[Scope], listener: AnswerListener | None = None
    ) -> Answer:
        """One answer per chosen side (municipalities or years), whatever the question names."""
        too_long = self._too_long(question)
        if too_long is not None:
            return too_long
        intent = resolve(question, None)
        return self._unanswerable(question, intent) or self._compare(
            question, intent, sides, listener
        )

    def _too_long(self, question: str) -> Answer | None:
        """A question over the length limit, refused before it is read (analysing a pasted
        document would hold up other users); None for one within it."""
        limit = self._settings.answer.max_question_chars
        if len(question) <= limit:
            return None
        message = self._templates["too_long_question"].format(chars=len(question), limit=limit)
        return self._refusal(question, message)

    def _unanswerable(self, question: str, intent: QuestionIntent) -> Answer | None:
        if not intent.meaningful:
            return self._refusal(question, self._templates["empty_question"])
        if not intent.swedish:
            return self._refusal(question, self._templates["wrong_language"])
        return None

    # --- scopes ----------------------------------------------------------------------------

    def documents(self) -> IndexedDocuments:
        return IndexedDocuments(self._index.documents())

    def indexed(self) -> dict[str, list[int]]:
        """Organisation (official name) → the years its indexed documents cover."""
        return self.documents().organisations()

    def plan_years(self, organisation: str | None) -> list[int]:
        """The years the indexed documents of an organisation cover, or of all documents."""
        return self.documents().years(organisation)

    def scopes(
        self, intent: QuestionIntent, organisation: str | None, year: int | None
    ) -> list[Scope]:
        documents = self.documents()
        named = [documents.named(name) or name for name in intent.organisations]
        organisations = [organisation] if organisation else list(dict.fromkeys(named))
        years = [year] if year else list(intent.years)
        date = intent.dates[0] if len(intent.dates) == 1 else None
        only_year = years[0] if len(years) == 1 else None
        if intent.compare and len(organisations) >= 2:
            return [Scope(name, only_year, date=date) for name in organisations]
        only = organisations[0] if len(organisations) == 1 else None
        if intent.compare and len(years) == 1 and len(organisations) == 1:
            # "Har pengarna i Norrköping ökat sedan 2017?": that year against the newest.
            newest = max(documents.years(only), default=years[0])
            years = [years[0], newest] if newest > years[0] else years
        if intent.compare and len(years) >= 2:
            return [Scope(only, y) for y in years]
        indexed = self.indexed()
        if intent.compare and not organisations and len(indexed) >= 2:
            return [Scope(name, only_year, date=date) for name in indexed]
        return [Scope(only, only_year, date=date)]

    # --- one scope ---------------------------------------------------------------------------

    def _answer_scope(
        self,
        question: str,
        intent: QuestionIntent,
        scope: Scope,
        query: str,
        listener: AnswerListener | None = None,
    ) -> Answer:
        indexed = self.indexed()
        if scope.organisation and scope.organisation not in indexed:
            message = self._templates["not_indexed_organisation"].format(
                asked=scope.organisation, indexed=_describe(indexed)
            )
            return self._refusal(question, message)
        plan_years = self.plan_years(scope.organisation)
        # A comparison's sides are its parts; a plain question of several parts is split.
        parts = [query] if intent.compare else question_parts(query)
        # Each answer with the ordinal of the question's part it answers (a bridge's too).
        answers: list[tuple[str, Answer]] = []
        for ordinal, part in zip(PART_NAMES, parts, strict=False):
            quoted = frozenset((c.file, c.quote) for _, answer in answers for c in answer.citations)
            found = self._answer_bridged(
                question, intent, scope, part, plan_years, listener, quoted
            )
            answers.extend((ordinal, answer) for answer in found)
        if len(answers) == 1:
            return answers[0][1]
        return self._joined(question, answers)

    def _answer_bridged(
        self,
        question: str,
        intent: QuestionIntent,
        scope: Scope,
        part: str,
        plan_years: list[int],
        listener: AnswerListener | None,
        quoted: frozenset[tuple[str, str]],
    ) -> list[Answer]:
        """The answer to a part; for a part that names what it asks about by a clause, the
        answer to the clause first, then the part's, asked with the clause's answer in its place.
        Where the part is not answered, its refusal alone: it says what was searched."""
        bridge = bridge_of(part)
        if bridge is not None:
            found = self._answer_part(
                question, intent, scope, bridge.question, plan_years, listener
            )
            if not found.refused:
                said = " ".join(citation.quote for citation in found.citations)
                quoted |= {(citation.file, citation.quote) for citation in found.citations}
                answer = self._answer_part(
                    question, intent, scope, bridge.resolved(said), plan_years, listener, quoted
                )
                return [answer] if answer.refused else [found, answer]
        return [self._answer_part(question, intent, scope, part, plan_years, listener, quoted)]

    def _answer_part(
        self,
        question: str,
        intent: QuestionIntent,
        scope: Scope,
        query: str,
        plan_years: list[int],
        listener: AnswerListener | None = None,
        quoted: frozenset[tuple[str, str]] = frozenset(),
    ) -> Answer:
        hits, evidence, must_mention = self.evidence(intent, scope, query, plan_years)
        judgement = self._judge.judge(query, evidence)
        if not judgement.answerable and self._has_second_chance(scope, plan_years):
            # A year asked about narrows, it does not hide: the organisation's other documents
            # may state it (a protocol of February reports on the year before).
            hits, evidence, must_mention = self.evidence(
                intent, scope, query, plan_years, widened=True
            )
            judgement = self._judge.judge(query, evidence)
        draft = self._drafted(AnswerRequest(query, scope, judgement, quoted), listener)
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
            answerer=self.answerer,
            verified=draft.verified,
            fallback_reason=draft.fallback_reason,
            dropped_sentences=len(draft.dropped),
        )

    def _drafted(self, request: AnswerRequest, listener: AnswerListener | None) -> Draft:
        """The answerer's draft if it is grounded, else the extractive one, marked as a fallback
        (a failure is logged, never shown as an error)."""
        try:
            return check_grounding(self._answerer.answer(request, listener))
        except UngroundedAnswer as problem:
            reason = f"ogrundat svar: {problem}"
        logger.warning("Svaret från %s föll tillbaka: %s", self._answerer.name, reason)
        if self._fallback is self._answerer:
            return Draft(self._templates["ungrounded"], refused=True, fallback_reason=reason)
        try:
            draft = check_grounding(self._fallback.answer(request))
        except UngroundedAnswer as problem:
            logger.warning("Också reservsvaret var ogrundat: %s", problem)
            return Draft(self._templates["ungrounded"], refused=True, fallback_reason=reason)
        return replace(draft, fallback_reason=reason)

    def _has_second_chance(self, scope: Scope, plan_years: list[int]) -> bool:
        """Whether dropping the year would search more documents."""
        searched = _searched_scope(scope, plan_years)
        if searched.year is None:
            return False
        documents = self.documents()
        in_year = {r.path for r in documents.in_scope(searched)}
        return any(r.path not in in_year for r in documents.in_scope(replace(searched, year=None)))

    def _joined(self, question: str, parts: list[tuple[str, Answer]]) -> Answer:
        """One answer of the parts' answers (each with its part's ordinal), markers numbered
        through; a part the plans do not answer says so by name."""
        texts: list[str] = []
        citations: list[Citation] = []
        answers = [answer for _, answer in parts]
        for ordinal, answer in parts:
            if answer.refused:
                texts.append(self._templates["part_silent"].format(ordinal=ordinal))
                continue
            earlier = _markers_of(answer.citations, citations)
            if earlier is not None:  # the same quotes again: pointed to, not repeated
                markers = ", ".join(f"[{marker}]" for marker in earlier)
                pointer = self._templates["part_quoted"]
                texts.append(pointer.format(ordinal=ordinal, markers=markers))
                continue
            renumbered = _renumber(answer, offset=len(citations))
            citations.extend(renumbered.citations)
            texts.append(renumbered.answer)
        refused = all(answer.refused for answer in answers)
        return Answer(
            question=question,
            answer=answers[0].answer if refused else "\n\n".join(texts),
            refused=refused,
            citations=citations,
            closest=answers[0].closest if refused else [],
            retrieved=list(dict.fromkeys(c for answer in answers for c in answer.retrieved)),
            **_provenance(answers),
        )

    def evidence(
        self,
        intent: QuestionIntent,
        scope: Scope,
        query: str,
        plan_years: list[int],
        *,
        widened: bool = False,
    ) -> tuple[list[SearchHit], list[ScoredUnit], str | None]:
        """The passages of the documents in scope, their units scored best first, and the year a
        quote must mention. `widened`: all years of the organisation's documents are searched,
        and from a document that is not of the year asked about, only what mentions it is quoted
        (as always when no document covers that year)."""
        searched = _searched_scope(scope, plan_years)
        if widened:
            searched = replace(searched, year=None)
        must_mention = str(scope.year) if searched.year != scope.year else None
        documents = self.documents()
        in_scope = [record.path for record in documents.in_scope(searched)]
        # Every document: no filter, rather than one naming them all (2,000 paths at 50k chunks).
        paths = None if len(in_scope) == documents.count() else in_scope
        # Documents of the year, also by a year that ingest read from weak evidence.
        of_year = (
            {r.path for r in documents.in_scope(scope, surely=False)} if must_mention else set()
        )
        # Words are matched on the topic: the organisation and year are filters, not content (in
        # the lexical search too, where a plan's own name in every heading would outweigh the
        # topic). A month is content where it filters no protocol ("ärenden i december" in a
        # plan), and a year no document covers is content: a column of a table.
        # A part of the question is read on its own: "vilken avdelning …" is no law question
        # because "… och vilka allmänna råd …" is.
        asked = intent if query == intent.text else analyse(query)
        words = asked.topic or query
        if scope.date is not None:
            words = f"{words} {MONTH_NAMES[scope.date.month - 1]}"
        query_vector = np.asarray(self._index.embed_query(query), dtype=np.float32)
        hits = self._index.search(
            f"{words} {must_mention}" if must_mention else words,
            k=self._settings.answer.passages,
            embedding=query_vector.tolist(),
            paths=paths,
            best_of_each=True,
        )
        evidence = self._scorer.score(words, query_vector, hits, self._index.unit_vectors)
        if must_mention:
            evidence = [u for u in evidence if u.chunk.path in of_year or u.mentions(must_mention)]
        if asked.law:
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

    def _compare(
        self,
        question: str,
        intent: QuestionIntent,
        scopes: list[Scope],
        listener: AnswerListener | None = None,
    ) -> Answer:
        asked = len(scopes)
        scopes = self._bounded(intent, scopes)
        sides: list[ComparisonSide] = []
        side_answers: list[Answer] = []
        citations: list[Citation] = []
        retrieved: list[str] = []
        indexed = self.indexed()
        for scope in scopes:
            query = _side_query(intent, scope)
            side = self._answer_scope(question, intent, scope, query, listener)
            side_answers.append(side)
            renumbered = _renumber(side, offset=len(citations))
            citations.extend(renumbered.citations)
            retrieved.extend(renumbered.retrieved)
            text = renumbered.answer if not side.refused else self._templates["side_silent"]
            if side.refused and scope.organisation not in indexed:
                text = renumbered.answer  # say why: no document from there
            sides.append(
                ComparisonSide(
                    organisation=scope.organisation,
                    municipality=_municipality_of(scope.organisation),
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
        if len(scopes) < asked:
            bounded = self._templates["comparison_bounded"]
            answer = f"{bounded.format(shown=len(scopes), total=asked)}\n\n{answer}"
        return Answer(
            question=question,
            answer=answer,
            refused=all(side.refused for side in sides),
            citations=citations,
            comparison=sides,
            retrieved=retrieved,
            **_provenance(side_answers),
        )

    def _bounded(self, intent: QuestionIntent, scopes: list[Scope]) -> list[Scope]:
        """At most `max_comparison_sides` of the sides, in their order: those with the best
        passages on the topic among all their documents (then the first ones). Each side is a
        question of its own; "alla kommuner" in a country's index would be 290."""
        limit = self._settings.answer.max_comparison_sides
        if len(scopes) <= limit:
            return scopes
        ranked: list[Scope] = []
        for hit in self._index.search(intent.topic or intent.text, k=4 * limit):
            record = self._index.document(hit.chunk.path)
            fits = (s for s in scopes if s not in ranked and record and matches(record, s))
            side = next(fits, None)
            if side is not None:
                ranked.append(side)
        chosen = (ranked + [s for s in scopes if s not in ranked])[:limit]
        return [scope for scope in scopes if scope in chosen]

    def _refusal(self, question: str, message: str) -> Answer:
        return Answer(question=question, answer=message, refused=True, answerer=self.answerer)


#: Most indexed organisations a refusal names: a country's index has 310.
DESCRIBED_ORGANISATIONS = 20


def _describe(indexed: dict[str, list[int]]) -> str:
    if not indexed:
        return "inga"
    named = list(indexed.items())[:DESCRIBED_ORGANISATIONS]
    described = ", ".join(
        f"{name} ({', '.join(map(str, years))})" if years else name for name, years in named
    )
    more = len(indexed) - len(named)
    return f"{described} och {more} till" if more else described


def _searched_scope(scope: Scope, plan_years: list[int]) -> Scope:
    """The scope to search: a year no document covers may still be a column in a plan's table
    (a 2025 plan's budget for 2026), so all years are searched and only what mentions it quoted."""
    if scope.year is None or scope.year in plan_years:
        return scope
    return replace(scope, year=None)


def _municipality_of(organisation: str | None) -> str | None:
    """The kommun's short name of an organisation that is one ("Norrköping"), else None."""
    found = organisation_named(organisation) if organisation else None
    return found.municipality if found else None


def _side_query(intent: QuestionIntent, scope: Scope) -> str:
    """The question for one side: its topic, with that side's organisation and year."""
    return " ".join(part for part in (intent.topic, scope.label) if part)


def _provenance(answers: list[Answer]) -> dict[str, str | bool | int | None]:
    """Who wrote an answer of several parts or sides: verified if every part was, the first
    part's reason to fall back, if any, and the sentences dropped from all parts."""
    return {
        "answerer": answers[0].answerer,
        "verified": all(answer.verified for answer in answers),
        "fallback_reason": next((a.fallback_reason for a in answers if a.fallback_reason), None),
        "dropped_sentences": sum(answer.dropped_sentences for answer in answers),
    }


def _prefer_law_mentions(evidence: list[ScoredUnit]) -> list[ScoredUnit]:
    """For "which law" questions, quote sentences that name a law when there are any."""
    with_laws = [unit for unit in evidence if find_laws(unit.text)]
    return with_laws or evidence


def _markers_of(quoted: list[Citation], earlier: list[Citation]) -> list[int] | None:
    """The markers under which `earlier` already cites each of `quoted`'s quotes, or None if
    some quote is new."""
    cited = {(c.file, c.quote, c.header): c.id for c in earlier}
    markers = [cited.get((c.file, c.quote, c.header)) for c in quoted]
    if not markers or None in markers:
        return None
    return sorted({marker for marker in markers if marker is not None})


def _renumber(answer: Answer, offset: int) -> Answer:
    """Shift citation markers so that the sides of a comparison share one numbering."""
    if not offset:
        return answer
    citations = [c.model_copy(update={"id": c.id + offset}) for c in answer.citations]
    text = MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", answer.answer)
    return answer.model_copy(update={"citations": citations, "answer": text})
