"""Reciprocal rank fusion, and each retriever's best chunk kept beside the fused best."""

from __future__ import annotations

import pytest
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from index.fusion import RankFusion


class Fixed(BaseRetriever):
    """A retriever that returns the same chunks, best first, whatever is asked."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__()
        self._ids = ids

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(node=TextNode(id_=node_id, text=node_id), score=1.0 - rank / 10)
            for rank, node_id in enumerate(self._ids)
        ]


#: The dense search never finds "table"; BM25 ranks it first. The others both find, fairly high.
DENSE = Fixed(["a", "b", "c", "d"])
LEXICAL = Fixed(["table", "b", "a", "c", "d"])


@pytest.mark.parametrize(
    ("best_of_each", "expected"), [(False, ["a", "b"]), (True, ["a", "b", "table"])]
)
def test_each_retrievers_best_chunk_follows_the_fused_best(
    best_of_each: bool, expected: list[str]
) -> None:
    fusion = RankFusion([DENSE, LEXICAL], k=2, best_of_each=best_of_each)
    found = [hit.node.node_id for hit in fusion.retrieve(QueryBundle(query_str="tio öre"))]
    assert sorted(found[:2]) == sorted(expected[:2])
    assert found[2:] == expected[2:]


def test_a_best_chunk_already_among_the_fused_best_is_not_repeated() -> None:
    fusion = RankFusion([DENSE, Fixed(["b", "a", "c"])], k=2, best_of_each=True)
    found = [hit.node.node_id for hit in fusion.retrieve(QueryBundle(query_str="tio öre"))]
    assert sorted(found) == ["a", "b"]
