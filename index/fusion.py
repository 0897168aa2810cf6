"""How the dense and the BM25 candidates become one ranking: llama-index's reciprocal rank fusion,
optionally keeping each retriever's own best chunk.

Reciprocal rank fusion favours a chunk that both retrievers rank fairly well over one that only one
of them ranks first: the Känslighetsanalys table ("10 öre förändrad utdebitering ± 83") is BM25's
best chunk for "… om utdebiteringen ändras med tio öre?" and absent from the dense candidates, so
the fusion ranked it below the passages an answer reads. With `best_of_each`, the fusion's best
chunks are followed by each retriever's best one wherever the fusion ranked it.
"""

from __future__ import annotations

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore


class RankFusion(QueryFusionRetriever):
    """Reciprocal rank fusion of `retrievers`' candidates into the `k` best, with `best_of_each`
    followed by each retriever's own best one when the fusion ranks it lower (so at most `k` and
    one per retriever)."""

    def __init__(self, retrievers: list[BaseRetriever], k: int, best_of_each: bool) -> None:
        super().__init__(
            retrievers,
            # num_queries=1 never asks an LLM for query variants; an explicit MockLLM keeps the
            # constructor from resolving the global default LLM (OpenAI).
            llm=MockLLM(),
            mode=FUSION_MODES.RECIPROCAL_RANK,
            num_queries=1,
            use_async=False,
            # The fused list is cut here after `_reciprocal_rerank_fusion`.
            similarity_top_k=k + len(retrievers) if best_of_each else k,
        )
        self._k = k
        self._best_of_each = best_of_each

    def _reciprocal_rerank_fusion(
        self, results: dict[tuple[str, int], list[NodeWithScore]]
    ) -> list[NodeWithScore]:
        fused = super()._reciprocal_rerank_fusion(results)
        best = fused[: self._k]
        if not self._best_of_each:
            return best
        kept = {hit.node.node_id for hit in best}
        each = {nodes[0].node.node_id for nodes in results.values() if nodes} - kept
        return best + [hit for hit in fused if hit.node.node_id in each]
