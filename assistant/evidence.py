"""Sentence-level evidence: every unit (sentence, list item, table) of the best passages, scored
against the question.

Passage retrieval finds the right neighbourhood; the answer must quote the right sentences. Each
unit's score is its cosine similarity to the question (vectors computed once at ingest) plus how
many of the question's content words (Swedish stems) it contains, plus a small prior from its
passage's rank. Nothing here encodes text: a question costs one query embedding in all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

from index.plan_index import SearchHit
from ingest.document import Chunk

#: Words that say what kind of question it is, not what it is about.
_QUESTION_WORDS = frozenset(
    "vad vilka vilken vilket hur när var varför finns gäller står säger enligt plan planen "
    "planerna kommun kommunen kommunens nämnd nämnden nämndens socialnämnden socialnämndens "
    "fråga ska skall kan får göra gör".split()
)
_WORD = re.compile(r"\w+")
LIST_MARKER = re.compile(r"^(?:[•▪◦·●○■□➢►‣∙*\-–—]|\d{1,2}[.)]|[a-z]\))\s+")


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
        wanted = self.content_stems(question)
        scored: list[ScoredUnit] = []
        for hit in hits:
            vectors = unit_vectors(hit.chunk.id)
            if vectors is None or len(vectors) != len(hit.chunk.units):
                continue  # indexed before units existed: re-ingest to quote from it
            similarities = vectors @ question_vector
            prior = self._rank_weight * (len(hits) - hit.rank) / max(len(hits), 1)
            for index, text in enumerate(hit.chunk.unit_texts()):
                lexical = self._coverage(wanted, text)
                dense = float(similarities[index])
                score = dense + self._lexical_weight * lexical + prior
                scored.append(ScoredUnit(hit.chunk, hit.rank, index, score, dense, lexical))
        return sorted(scored, key=lambda unit: unit.score, reverse=True)

    def _coverage(self, wanted: set[str], text: str) -> float:
        if not wanted:
            return 0.0
        return len(wanted & self.content_stems(text)) / len(wanted)
