"""An index of one eval set's corpus, kept apart from the user's index.

Each set is asked over its own documents only, so a held-out set's questions never meet the
example plans (and the reverse); sets over one corpus share its index. The index lives under
`<data_dir>/eval-indexes/<index_name>` and is brought up to date on every run: unchanged files are
skipped, changed ones replaced, gone ones pruned, so only the first run pays for embedding the
corpus.
"""

from __future__ import annotations

from assistant.composition import open_index
from eval.registry import EvalSet
from index.builder import ingest_paths
from index.embedding import Embedder
from settings import Settings

EVAL_INDEXES_DIR = "eval-indexes"


def corpus_settings(eval_set: EvalSet, settings: Settings) -> Settings:
    """The settings with the data directory of the set's own index (the model cache is shared)."""
    return settings.model_copy(
        update={
            "data_dir": settings.data_dir / EVAL_INDEXES_DIR / eval_set.index_name,
            "model_dir": settings.model_cache_dir,
        }
    )


def index_corpus(
    eval_set: EvalSet, settings: Settings, embedder: Embedder | None = None
) -> Settings:
    """Ingest the set's corpus into its own index; returns the settings that open that index.

    Raises RuntimeError naming the files that failed: an eval over a partly ingested corpus would
    report figures for documents it never saw."""
    scoped = corpus_settings(eval_set, settings)

    index = open_index(scoped, embedder)
    report = ingest_paths(index, [eval_set.corpus], scoped.ingest, prune=True)
    if report.failed:
        failed = ", ".join(str(error) for error in report.failed)
        raise RuntimeError(f"{eval_set.name}: korpusen kunde inte läsas in helt: {failed}")
    return scoped
