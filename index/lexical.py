"""The lexical half of the index: Swedish BM25 over the chunks, via llama-index's BM25Retriever.

bm25s cannot add or remove documents, so the index is rebuilt from the catalog's chunks after
documents change and saved under `index_dir/bm25` with the fingerprint of the catalog it was built
from. A saved index whose fingerprint does not match the catalog is stale: it is rebuilt, never
trusted. A rebuild tokenises only the chunks that changed: the others' tokens (as ids in the
vocabulary, saved beside the index) and corpus entries are taken from the index it replaces, which
cut a rebuild at 50,000 chunks from 11-17 s to a few seconds. Words of removed chunks stay in the
vocabulary; no chunk holds them, so they score nothing, exactly as if they were not there.

A question asks with a verb where a plan names the act ("investerar" / "Summa investeringar"): a
query also looks for the nouns of its verbs that the index holds.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import bm25s
import numpy as np
import Stemmer
from bm25s.tokenization import Tokenized, _infer_stopwords
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle
from llama_index.core.vector_stores.types import (
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)
from llama_index.core.vector_stores.utils import (
    build_metadata_filter_fn,
    metadata_dict_to_node,
    node_to_metadata_dict,
)
from llama_index.retrievers.bm25 import BM25Retriever

from index.chroma_store import chunk_node
from ingest.compounds import ACTION_NOUN, compound_parts
from ingest.document import Chunk
from settings import LexicalSettings

BM25_DIR = "bm25"
FINGERPRINT_FILE = "catalog_fingerprint.txt"
#: Each chunk's token ids, for the next rebuild (bm25s keeps only the scores).
TOKENS_FILE = "chunk_tokens.npz"
#: Saved with the fingerprint: an index saved with other words (before compounds were split) is
#: stale, whatever catalog it was built from.
WORDS_VERSION = "words-2"


#: How a Swedish verb ends in the present, past or passive: "-ar", "-er", "-ade", "-as".
_VERB_ENDINGS = ("ar", "er", "ade", "as")


class PositiveBM25Retriever(BM25Retriever):
    """BM25Retriever that looks for the query's `LexicalWords`, without the hits that share no
    word with the query.

    bm25s always returns k documents: when fewer match (or a weight mask hides the rest) the tail is
    filled with score-0 documents, which would otherwise take part in rank fusion.
    """

    def __init__(self, *args: object, words: LexicalWords, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._words = words

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        text = query_bundle.query_str
        query = [self._words.of(text) + self._action_nouns(text)]
        indexes, scores = self.bm25.retrieve(
            query,
            k=self.similarity_top_k,
            show_progress=False,
            weight_mask=np.array(self.corpus_weight_mask) if self.corpus_weight_mask else None,
        )
        # bm25s returns the corpus entries themselves when it holds the corpus.
        return [
            NodeWithScore(node=metadata_dict_to_node(entry), score=float(score))
            for entry, score in zip(indexes[0], scores[0], strict=True)
            if score > 0.0
        ]

    def _action_nouns(self, text: str) -> list[str]:
        """The nouns of the query's verbs that the plans use and the verbs themselves not: a
        question asks "investerar", a plan's table says "Summa investeringar" ("invester",
        "investering"). A verb the plans use finds what it finds; its noun may be another
        matter ("ordnar" / "ordning")."""
        vocabulary = self.bm25.vocab_dict
        nouns = [
            noun
            for stem in self._words.verb_stems(text)
            if stem not in vocabulary
            for suffix in ACTION_NOUN
            if (noun := stem + suffix) in vocabulary
        ]
        return list(dict.fromkeys(nouns))


class LexicalWords:
    """The words BM25 indexes and looks for: stemmed, no stop words, and for a compound also its
    parts ("skattesatsen" → skattesats, skatt, sats), so that a question's "skatt" finds a plan's
    "skattesatsen" and "anhörigstöd" finds "stöd till anhöriga"."""

    def __init__(self, settings: LexicalSettings) -> None:
        self._stemmer = Stemmer.Stemmer(settings.stemmer)
        # bm25s's own list for the configured language, as `bm25s.tokenize` resolves it.
        self._stopwords = frozenset(_infer_stopwords(settings.stopwords))
        self._forms: dict[str, list[str]] = {}

    def of(self, text: str) -> list[str]:
        words: list[str] = []
        for word in _TOKEN.findall(text.lower()):
            if word not in self._stopwords:
                words.extend(self._forms.get(word) or self._learn(word))
        return words

    def verb_stems(self, text: str) -> list[str]:
        """Stems of the words that end like a verb in the present, past or passive ("satsar",
        "utreder", "budgeterade", "betalas"); a noun may too, and then finds nothing more."""
        return [
            self._stemmer.stemWord(word)
            for word in _TOKEN.findall(text.lower())
            if word not in self._stopwords and word.endswith(_VERB_ENDINGS)
        ]

    def _learn(self, word: str) -> list[str]:
        forms = [self._stemmer.stemWord(word)]
        split = compound_parts(word)
        if split is not None:
            forms += [self._stemmer.stemWord(part) for part in split]
        self._forms[word] = forms
        return forms


@dataclass(frozen=True)
class _Indexed:
    """One chunk as BM25 holds it; the next rebuild reuses it while the chunk is the same
    (`Chunk.same_as`)."""

    chunk: Chunk
    #: The corpus entry that BM25Retriever turns back into the chunk's node.
    entry: dict
    #: The chunk's words (stop words dropped, stemmed) as ids in the vocabulary.
    tokens: np.ndarray


class LexicalIndex:
    """A built bm25s index (with its corpus of node dicts) and the stemmer it was built with."""

    def __init__(
        self, bm25: bm25s.BM25, settings: LexicalSettings, indexed: list[_Indexed] | None = None
    ) -> None:
        self._bm25 = bm25
        # Node dicts by position: BM25Retriever maps bm25s' result indexes through this list.
        self._corpus: list[dict] = list(bm25.corpus)
        self._columns: dict[str, np.ndarray] = {}
        self._indexed = {i.chunk.id: i for i in indexed or []}
        self._words = LexicalWords(settings)

    @property
    def size(self) -> int:
        return len(self._corpus)

    @classmethod
    def build(
        cls, chunks: list[Chunk], settings: LexicalSettings, previous: LexicalIndex | None = None
    ) -> LexicalIndex:
        """Tokenise (stop words, stemming) and index `chunks`; there must be at least one. What
        `previous` holds of the same chunks is reused."""
        known = previous._indexed if previous is not None else {}
        vocabulary = dict(previous._bm25.vocab_dict) if previous is not None else {}
        fresh = [c for c in chunks if not c.same_as(_chunk_of(known.get(c.id)))]
        tokenised = cls._tokenised(fresh, vocabulary, settings)
        indexed = [tokenised.get(c.id) or known[c.id] for c in chunks]
        bm25 = bm25s.BM25()
        ids = [i.tokens.tolist() for i in indexed]
        bm25.index(Tokenized(ids=ids, vocab=vocabulary), show_progress=False)
        bm25.corpus = [i.entry for i in indexed]
        return cls(bm25, settings, indexed)

    @staticmethod
    def _tokenised(
        chunks: list[Chunk], vocabulary: dict[str, int], settings: LexicalSettings
    ) -> dict[str, _Indexed]:
        """`chunks` tokenised as BM25Retriever does, new words added to `vocabulary`."""
        nodes = [chunk_node(c) for c in chunks]
        lexical_words = LexicalWords(settings)
        words = [
            lexical_words.of(node.get_content(metadata_mode=MetadataMode.EMBED)) for node in nodes
        ]
        indexed = {}
        for chunk, node, chunk_words in zip(chunks, nodes, words, strict=True):
            entry = node_to_metadata_dict(node) | {"node_id": node.node_id}
            ids = [vocabulary.setdefault(word, len(vocabulary)) for word in chunk_words]
            indexed[chunk.id] = _Indexed(chunk, entry, np.array(ids, dtype=np.int32))
        return indexed

    def save(self, index_dir: Path, fingerprint: str) -> None:
        """Save under `index_dir/bm25`: into a fresh directory first, then swapped in."""
        target = index_dir / BM25_DIR
        index_dir.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(dir=index_dir, prefix=f".{BM25_DIR}."))
        self._bm25.save(
            str(fresh), corpus=self._corpus, show_progress=False, raise_on_serialization_error=True
        )
        self._save_tokens(fresh / TOKENS_FILE)
        (fresh / FINGERPRINT_FILE).write_text(f"{WORDS_VERSION} {fingerprint}", encoding="utf-8")
        # A directory cannot be renamed over a non-empty one: move the old one aside first. If we
        # die in between, `load` finds no index and the caller rebuilds it from the catalog.
        old = index_dir / f".{BM25_DIR}.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)

    def _save_tokens(self, file: Path) -> None:
        indexed = [self._indexed[entry["node_id"]] for entry in self._corpus]
        np.savez(
            file,
            counts=np.array([len(i.tokens) for i in indexed], dtype=np.int64),
            tokens=np.concatenate([i.tokens for i in indexed]).astype(np.int32),
        )

    @classmethod
    def load(
        cls, index_dir: Path, settings: LexicalSettings, fingerprint: str, chunks: list[Chunk]
    ) -> LexicalIndex | None:
        """The saved index if it was built from the catalog with this fingerprint (whose chunks
        are `chunks`), else None."""
        if cls.saved_fingerprint(index_dir) != fingerprint:
            return None
        folder = index_dir / BM25_DIR
        bm25 = bm25s.BM25.load(str(folder), load_corpus=True, show_progress=False)
        bm25.corpus = list(bm25.corpus)  # read once: bm25s loads it lazily
        return cls(bm25, settings, _saved_tokens(folder / TOKENS_FILE, bm25.corpus, chunks))

    @staticmethod
    def saved_fingerprint(index_dir: Path) -> str | None:
        """The fingerprint of the catalog the saved index was built from; None if none is saved
        (or one of other words). The fingerprint is written last, so an index with one is
        complete."""
        fingerprint_file = index_dir / BM25_DIR / FINGERPRINT_FILE
        if not fingerprint_file.exists():
            return None
        version, _, fingerprint = fingerprint_file.read_text(encoding="utf-8").partition(" ")
        return fingerprint if version == WORDS_VERSION else None

    @staticmethod
    def remove_saved(index_dir: Path) -> None:
        shutil.rmtree(index_dir / BM25_DIR, ignore_errors=True)

    def retriever(self, top_k: int, filters: MetadataFilters | None) -> BaseRetriever | None:
        """A retriever of the `top_k` best chunks matching `filters`; None if no chunk matches."""
        mask = self._filter_mask(filters)
        if mask is not None and not mask.any():
            return None
        return PositiveBM25Retriever(
            words=self._words,
            existing_bm25=self._bm25,
            # bm25s refuses k larger than the corpus (BM25Retriever would warn on every query).
            similarity_top_k=min(top_k, self.size),
            corpus_weight_mask=None if mask is None else mask.astype(int).tolist(),
        )

    def _filter_mask(self, filters: MetadataFilters | None) -> np.ndarray | None:
        """True for each corpus entry matching `filters`; None when nothing is filtered.

        Computed here rather than by passing `filters` to BM25Retriever, which raises when every
        node is filtered out instead of simply finding nothing, and which evaluates the filters node
        by node in Python (6.5 ms per query at 1,400 chunks; numpy on cached columns: ~0.1 ms).
        """
        if filters is None or not filters.filters:
            return None
        conditions = _exact_matches(filters)
        if conditions is None:
            matches = build_metadata_filter_fn(lambda pos: self._corpus[int(pos)], filters)
            return np.fromiter((matches(str(pos)) for pos in range(self.size)), dtype=bool)
        mask = np.ones(self.size, dtype=bool)
        for condition in conditions:
            column = self._column(condition.key)
            if condition.operator == FilterOperator.IN:
                # A set, not np.isin: on object arrays that sorts, 1.3 s for 424 paths at 50k.
                wanted = set(cast(list, condition.value))
                found = (value in wanted for value in column)
                mask &= np.fromiter(found, dtype=bool, count=self.size)
            else:
                mask &= column == condition.value
        return mask

    def _column(self, key: str) -> np.ndarray:
        """The metadata values under `key`, one per corpus entry (None where missing), cached."""
        if key not in self._columns:
            values = [entry.get(key) for entry in self._corpus]
            self._columns[key] = np.array(values, dtype=object)
        return self._columns[key]


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _chunk_of(indexed: _Indexed | None) -> Chunk | None:
    return None if indexed is None else indexed.chunk


def _saved_tokens(file: Path, corpus: list[dict], chunks: list[Chunk]) -> list[_Indexed]:
    """What the saved index holds of each chunk; nothing if its tokens were not saved (an index
    saved by an earlier version: the next rebuild tokenises every chunk)."""
    if not file.exists():
        return []
    with np.load(file, allow_pickle=False) as stored:
        counts, tokens = stored["counts"], stored["tokens"]
    by_id = {chunk.id: chunk for chunk in chunks}
    if len(counts) != len(corpus) or any(entry["node_id"] not in by_id for entry in corpus):
        return []  # not this catalog's (the fingerprint says it is; a damaged file)
    starts = np.concatenate([[0], np.cumsum(counts)])
    return [
        _Indexed(by_id[entry["node_id"]], entry, tokens[start:end])
        for entry, start, end in zip(corpus, starts[:-1], starts[1:], strict=True)
    ]


def _exact_matches(filters: MetadataFilters) -> list[MetadataFilter] | None:
    """The filters if they are AND-ed `key == value` or `key in values` tests (all the index
    builds), else None."""
    if filters.condition not in (None, FilterCondition.AND):
        return None
    simple = [
        f
        for f in filters.filters
        if isinstance(f, MetadataFilter) and f.operator in (FilterOperator.EQ, FilterOperator.IN)
    ]
    return simple if len(simple) == len(filters.filters) else None
