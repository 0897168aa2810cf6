"""Sentence-level evidence: every unit (sentence, list item, table row) of the best passages,
scored against the question.

Passage retrieval finds the right neighbourhood; the answer must quote the right sentences. Each
unit's score is its cosine similarity to the question (vectors computed once at ingest), plus the
share of the question's content terms (`assistant.terms`: base forms, compound parts; weighted by
rarity across all units) that the unit contains with its context (heading or list lead-in), plus a
small prior from its passage's rank. A question word that no plan uses at all ("matlådor") weighs
most: dense similarity alone hardly tells an unanswerable question from an answerable one, a
missing rare word does. Nothing here encodes text.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.terms import Term, TermNormaliser, present
from index.plan_index import SearchHit
from index.unit_vectors import embedding_texts
from ingest.document import LIST_MARKER, Chunk


@dataclass(frozen=True)
class ScoredUnit:
    chunk: Chunk
    rank: int
    index: int
    score: float
    dense: float
    lexical: float

    @property
    def text(self) -> str:
        start, end = self.chunk.units[self.index]
        return self.chunk.text[start:end]

    def mentions(self, text: str) -> bool:
        """Whether the unit says ``text``, or the header of the table it is a row of does."""
        if text in self.text:
            return True
        table = self.chunk.table_at(self.chunk.units[self.index][0])
        return table is not None and text in table.header

    @property
    def is_list_item(self) -> bool:
        return bool(LIST_MARKER.match(self.text))

    @property
    def is_lead_in(self) -> bool:
        return self.text.rstrip().endswith(":")


@dataclass(frozen=True)
class WeightedTerm:
    """A question term and how rare it is across all units (higher: rarer)."""

    term: Term
    weight: float


class EvidenceScorer:
    def __init__(
        self, normaliser: TermNormaliser, lexical_weight: float, rank_weight: float
    ) -> None:
        self._normaliser = normaliser
        self._lexical_weight = lexical_weight
        self._rank_weight = rank_weight
        self._idf: dict[str, float] = {}
        self._unseen_idf = 1.0
        #: Each chunk's units' term forms with their context, kept from `fit` for the questions.
        self._unit_forms: dict[str, list[set[str]]] = {}

    def fit(self, chunks: list[Chunk]) -> None:
        """Learn how rare each term is across all units of the index."""
        frequency: Counter[str] = Counter()
        units = 0
        self._unit_forms = {}
        for chunk in chunks:
            for forms in self.unit_forms(chunk):
                frequency.update(forms)
                units += 1
        self._unseen_idf = math.log(1 + units)
        self._idf = {form: math.log(1 + units / count) for form, count in frequency.items()}

    def unit_forms(self, chunk: Chunk) -> list[set[str]]:
        """Term forms of each unit with its context; a chunk added after `fit` is read on use."""
        forms = self._unit_forms.get(chunk.id)
        if forms is None:
            forms = [self._normaliser.forms(text) for text in embedding_texts(chunk)]
            self._unit_forms[chunk.id] = forms
        return forms

    def term(self, word: str) -> Term:
        return self._normaliser.term(word)

    def weighted_terms(self, question: str) -> list[WeightedTerm]:
        """The question's content terms, each once, rarest first."""
        terms = dict.fromkeys(self._normaliser.terms(question))
        weighted = [WeightedTerm(term, self._rarity(term)) for term in terms]
        return sorted(weighted, key=lambda t: t.weight, reverse=True)

    def _rarity(self, term: Term) -> float:
        if term.form in self._idf:
            return self._idf[term.form]
        # A compound no unit has: as rare as its rarest part, when every part is known.
        parts = [self._idf.get(part) for part in term.parts]
        if parts and None not in parts:
            return max(weight for weight in parts if weight is not None)
        return self._unseen_idf

    def score(
        self,
        question: str,
        question_vector: np.ndarray,
        hits: list[SearchHit],
        unit_vectors: Callable[[str], np.ndarray | None],
    ) -> list[ScoredUnit]:
        """All units of the hits, best first."""
        wanted = self.weighted_terms(question)
        scored: list[ScoredUnit] = []
        for hit in hits:
            vectors = unit_vectors(hit.chunk.id)
            if vectors is None or len(vectors) != len(hit.chunk.units):
                continue  # indexed before units existed: re-ingest to quote from it
            similarities = vectors @ question_vector
            prior = self._rank_weight * (len(hits) - hit.rank) / max(len(hits), 1)
            for index, forms in enumerate(self.unit_forms(hit.chunk)):
                lexical = coverage(wanted, forms)
                dense = float(similarities[index])
                score = dense + self._lexical_weight * lexical + prior
                scored.append(ScoredUnit(hit.chunk, hit.rank, index, score, dense, lexical))
        return sorted(scored, key=lambda unit: unit.score, reverse=True)


def coverage(wanted: list[WeightedTerm], forms: set[str]) -> float:
    """The rarity-weighted share of the question's terms that are present in `forms`."""
    total = sum(term.weight for term in wanted)
    if not total:
        return 0.0
    return sum(term.weight for term in wanted if present(term.term, forms)) / total
