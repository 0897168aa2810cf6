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

import json
import math
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.terms import TERMS_VERSION, Term, TermNormaliser, present
from index.catalog import remove_interrupted_writes_of, write_atomically
from index.plan_index import SearchHit
from index.unit_vectors import embedding_texts
from ingest.document import LIST_MARKER, Chunk, leads_in


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
        return leads_in(self.text)


def unique_units(units: list[ScoredUnit]) -> list[ScoredUnit]:
    """Each unit once, where it first comes."""
    first: dict[tuple[str, int], ScoredUnit] = {}
    for unit in units:
        first.setdefault((unit.chunk.id, unit.index), unit)
    return list(first.values())


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
        #: How many units hold each term form, over the `_fitted` chunks: the rarities' source.
        self._frequency: Counter[str] = Counter()
        self._units = 0
        self._fitted: dict[str, Chunk] = {}
        self._idf: dict[str, float] = {}
        self._unseen_idf = 1.0
        #: Each chunk's units' term forms with their context, read when a question reaches it.
        self._unit_forms: dict[str, list[set[str]]] = {}
        #: Each chunk's term forms of the headings above its own, read likewise.
        self._parent_forms: dict[str, set[str]] = {}

    def fit(self, chunks: list[Chunk], previous: EvidenceScorer | None = None) -> None:
        """Learn how rare each term is across all units of `chunks`. Given the scorer fitted
        before a change, only the chunks added, changed or removed since are read: adding a plan
        to 50,000 chunks costs that plan, not a pass over them all (23 CPU-s)."""
        current = {chunk.id: chunk for chunk in chunks}
        if previous is None:
            self._frequency, self._units, gone = Counter(), 0, []
        else:
            self._frequency, self._units = previous._frequency.copy(), previous._units
            gone = [c for cid, c in previous._fitted.items() if not c.same_as(current.get(cid))]
        before = {} if previous is None else previous._fitted
        added = [c for cid, c in current.items() if not c.same_as(before.get(cid))]
        for chunk in gone:
            self._count(chunk, -1)
        for chunk in added:
            self._count(chunk, +1)
        self._frequency = +self._frequency  # drops the forms no unit holds any more
        self._fitted = current
        self._learn()

    def _count(self, chunk: Chunk, sign: int) -> None:
        count = self._frequency.update if sign > 0 else self._frequency.subtract
        for forms in self._forms_of(chunk):
            count(forms)
            self._units += sign

    def _learn(self) -> None:
        units = self._units
        self._unseen_idf = math.log(1 + units)
        self._idf = {form: math.log(1 + units / count) for form, count in self._frequency.items()}

    def save(self, file: Path, fingerprint: str) -> None:
        """Keep the term counts for the index with `fingerprint`, so the next start need not
        read every unit again."""
        saved = {
            "fingerprint": fingerprint,
            "terms": TERMS_VERSION,
            "units": self._units,
            "frequency": self._frequency,
        }
        # What a crash between an earlier save's write and rename left would stay for good: the
        # save after the restart (the counts are stale then) removes it. A save under way in
        # another process at this moment fails; that process counts again at its next start.
        remove_interrupted_writes_of(file)
        write_atomically(file, json.dumps(saved, ensure_ascii=False).encode("utf-8"))

    def load(self, file: Path, fingerprint: str, chunks: list[Chunk]) -> bool:
        """Take the term counts saved for the index with `fingerprint`, whose chunks are `chunks`;
        False (and nothing taken) if none are saved for it, or they count the terms of another
        `TERMS_VERSION`."""
        try:
            saved = json.loads(file.read_bytes())
        except (OSError, ValueError):
            return False
        if saved.get("fingerprint") != fingerprint or saved.get("terms") != TERMS_VERSION:
            return False
        self._frequency, self._units = Counter(saved["frequency"]), int(saved["units"])
        self._fitted = {chunk.id: chunk for chunk in chunks}
        self._learn()
        return True

    def unit_forms(self, chunk: Chunk) -> list[set[str]]:
        """Term forms of each unit with its context, read on first use."""
        forms = self._unit_forms.get(chunk.id)
        if forms is None:
            forms = self._forms_of(chunk)
            self._unit_forms[chunk.id] = forms
        return forms

    def _forms_above(self, chunk: Chunk) -> set[str]:
        """Term forms of the headings above the chunk's own ("3.1 Hemtjänst" above "3.1.2
        Insatser utan individuell behovsprövning"), read on first use."""
        forms = self._parent_forms.get(chunk.id)
        if forms is None:
            forms = self._normaliser.forms(" ".join(chunk.section[:-1]))
            self._parent_forms[chunk.id] = forms
        return forms

    def held_above(self, wanted: list[WeightedTerm], chunk: Chunk) -> list[WeightedTerm]:
        """The terms of `wanted` that the headings above the chunk's own hold: the same for
        every unit of the chunk, so looked for once."""
        parents = self._forms_above(chunk)
        return [term for term in wanted if present(term.term, parents)] if parents else []

    def _forms_of(self, chunk: Chunk) -> list[set[str]]:
        return [self._normaliser.forms(text) for text in embedding_texts(chunk)]

    def forms(self, text: str) -> set[str]:
        return self._normaliser.forms(text)

    def term(self, word: str) -> Term:
        return self._normaliser.term(word)

    def weighted_terms(self, question: str) -> list[WeightedTerm]:
        """The question's content terms, each once, rarest first."""
        terms = dict.fromkeys(self._normaliser.terms(question))
        weighted = [WeightedTerm(term, self._rarity(term)) for term in terms]
        return sorted(weighted, key=lambda t: t.weight, reverse=True)

    def _rarity(self, term: Term) -> float:
        # Of a word's two stems, the commoner tells how rare the word is ("vuxen" is "väx" once).
        known = [self._idf[form] for form in (term.form, term.surface) if form in self._idf]
        if known:
            return min(known)
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
            above = self.held_above(wanted, hit.chunk)
            for index, forms in enumerate(self.unit_forms(hit.chunk)):
                lexical = coverage(wanted, forms, above)
                dense = float(similarities[index])
                score = dense + self._lexical_weight * lexical + prior
                scored.append(ScoredUnit(hit.chunk, hit.rank, index, score, dense, lexical))
        return sorted(scored, key=lambda unit: unit.score, reverse=True)


#: How much a question term counts that only a heading above the unit's own holds: the unit is
#: about it ("… utan individuell behovsprövning" under "3.1 Hemtjänst"), but so is every unit of
#: the section, so it counts less than the term in the unit. Chosen, not fitted: the example plans'
#: metrics are the same at 0.5 and 1.0; at 1.0 the rows of a whole table under a heading that
#: names the matter outscore the row asked for.
PARENT_SHARE = 0.5


def coverage(
    wanted: list[WeightedTerm], forms: set[str], above: Collection[WeightedTerm] = ()
) -> float:
    """The rarity-weighted share of the question's terms that are present in `forms`; a term
    only the headings above the unit's own hold (`above`, see `held_above`) counts
    PARENT_SHARE of its weight."""
    total = sum(term.weight for term in wanted)
    if not total:
        return 0.0
    found = 0.0
    for term in wanted:
        if present(term.term, forms):
            found += term.weight
        elif term in above:
            found += PARENT_SHARE * term.weight
    return found / total
