"""Sentence-level evidence: every unit (sentence, list item, table) of the best passages, scored
against the question.

Passage retrieval finds the right neighbourhood; the answer must quote the right sentences. Each
unit's score is its cosine similarity to the question (vectors computed once at ingest), plus the
share of the question's content words (Swedish stems, weighted by rarity across all units) that the
unit contains with its context, plus a small prior from its passage's rank. A question word that no
plan uses at all ("matlådor") weighs most: dense similarity alone hardly tells an unanswerable
question from an answerable one, a missing rare word does. Nothing here encodes text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

from index.plan_index import SearchHit
from index.unit_vectors import embedding_texts
from ingest.document import LIST_MARKER, Chunk

#: Words that say what kind of question it is, or how it is phrased, not what it is about: a plan
#: never says "hur mycket pengar", it says "budget … tkr".
_QUESTION_WORDS = frozenset(
    (
        "vad vilka vilken vilket hur när var varför vem vems finns gäller står säger enligt "
        "plan planen planerna planens kommun kommunen kommunens nämnd nämnden nämndens "
        "socialnämnden socialnämndens fråga ska skall kan får fick göra gör gjorde många mycket "
        "stor stort stora ofta går gick tog vill sköter ligger egentligen alltså nummer numret "
        "sfs-numret pengar pengarna hänvisar anger nämner tar upp finns ha har hade"
    ).split()
)
_WORD = re.compile(r"\w+")


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


class EvidenceScorer:
    def __init__(self, stemmer: str, lexical_weight: float, rank_weight: float) -> None:
        self._stemmer = Stemmer.Stemmer(stemmer)
        self._lexical_weight = lexical_weight
        self._rank_weight = rank_weight
        self._idf: dict[str, float] = {}
        self._unseen_idf = 1.0
        #: Each chunk's units' stems (with their context), kept from `fit` for the questions.
        self._unit_stems: dict[str, list[set[str]]] = {}

    def fit(self, chunks: list[Chunk]) -> None:
        """Learn how rare each word stem is across all units of the index."""
        frequency: Counter[str] = Counter()
        units = 0
        self._unit_stems = {}
        for chunk in chunks:
            for stems in self._stems_of_units(chunk):
                frequency.update(stems)
                units += 1
        self._unseen_idf = math.log(1 + units)
        self._idf = {stem: math.log(1 + units / count) for stem, count in frequency.items()}

    def _stems_of_units(self, chunk: Chunk) -> list[set[str]]:
        """Stems of each unit with its context; a chunk added after `fit` is stemmed on use."""
        stems = self._unit_stems.get(chunk.id)
        if stems is None:
            stems = [self.content_stems(text) for text in embedding_texts(chunk)]
            self._unit_stems[chunk.id] = stems
        return stems

    def content_stems(self, text: str) -> set[str]:
        words = [w for w in _WORD.findall(text.lower()) if not w.isdigit()]
        content = [w for w in words if w not in STOPWORDS_SWEDISH and w not in _QUESTION_WORDS]
        return set(self._stemmer.stemWords(content))

    def score(
        self,
        question: str,
        question_vector: np.ndarray,
        hits: list[SearchHit],
        unit_vectors: Callable[[str], np.ndarray | None],
    ) -> list[ScoredUnit]:
        """All units of the hits, best first."""
        wanted = {
            stem: self._idf.get(stem, self._unseen_idf) for stem in self.content_stems(question)
        }
        scored: list[ScoredUnit] = []
        for hit in hits:
            vectors = unit_vectors(hit.chunk.id)
            if vectors is None or len(vectors) != len(hit.chunk.units):
                continue  # indexed before units existed: re-ingest to quote from it
            similarities = vectors @ question_vector
            prior = self._rank_weight * (len(hits) - hit.rank) / max(len(hits), 1)
            for index, stems in enumerate(self._stems_of_units(hit.chunk)):
                lexical = _coverage(wanted, stems)
                dense = float(similarities[index])
                score = dense + self._lexical_weight * lexical + prior
                scored.append(ScoredUnit(hit.chunk, hit.rank, index, score, dense, lexical))
        return sorted(scored, key=lambda unit: unit.score, reverse=True)


def _coverage(wanted: dict[str, float], present: set[str]) -> float:
    """The rarity-weighted share of the question's stems that are present."""
    total = sum(wanted.values())
    if not total:
        return 0.0
    return sum(weight for stem, weight in wanted.items() if stem in present) / total
