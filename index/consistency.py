"""Do the stores agree with the catalog? `planassistent check` asks; `--repair` and ingest fix.

The catalog is the source of truth. Writes are ordered (see `plan_index.py`) so that a crash leaves
at worst orphans (chunk ids that Chroma or the unit vectors hold but the catalog does not name), a
stale BM25 index and the temporary files of the write it interrupted. Chunks that the catalog names
but a store lacks, or unit vectors whose number does not match the chunk's units, come from damage
outside the index (a deleted file, a reset Chroma server, an index written before the unit vectors
were one file): they are embedded again.

With a Chroma server (http mode) the catalog and the unit vectors are items in the server and are
compared there; BM25 is then built by each process in memory from the catalog it read, never
saved, so it is never stale.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.plan_index import PlanIndex
from ingest.document import Chunk

#: How many ids a line of the text report names; `--json` lists them all.
IDS_SHOWN = 5


@dataclass
class StoreDifference:
    """How one store differs from the catalog, as sorted chunk ids."""

    missing: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    miscounted: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not (self.missing or self.orphans or self.miscounted)

    def describe(self, store: str) -> str:
        if self.agrees:
            return f"{store}: stämmer med katalogen."
        parts = [
            f"{len(ids)} {what} ({_some(ids)})"
            for what, ids in (
                ("textavsnitt saknas", self.missing),
                ("id som katalogen inte har", self.orphans),
                ("med fel antal rader", self.miscounted),
            )
            if ids
        ]
        return f"{store}: " + ", ".join(parts) + "."


@dataclass
class ConsistencyReport:
    documents: int
    chunks: int
    chroma: StoreDifference
    unit_vectors: StoreDifference
    bm25_stale: bool
    interrupted_writes: list[str]

    @property
    def consistent(self) -> bool:
        stores_agree = self.chroma.agrees and self.unit_vectors.agrees
        return stores_agree and not self.bm25_stale and not self.interrupted_writes

    def lines(self) -> list[str]:
        """The report in Swedish, one line per store."""
        bm25 = "inaktuellt (byggt från en annan version av katalogen)" if self.bm25_stale else None
        return [
            f"Katalogen: {self.documents} dokument, {self.chunks} textavsnitt.",
            self.chroma.describe("Chroma"),
            self.unit_vectors.describe("Meningsvektorer"),
            f"BM25: {bm25 or 'stämmer med katalogen'}.",
            f"Avbrutna skrivningar: {_some(self.interrupted_writes) or 'inga'}.",
        ]

    def as_json(self) -> dict[str, object]:
        return {
            "consistent": self.consistent,
            "catalog": {"documents": self.documents, "chunks": self.chunks},
            "chroma": asdict(self.chroma),
            "unit_vectors": asdict(self.unit_vectors),
            "bm25": {"stale": self.bm25_stale},
            "interrupted_writes": self.interrupted_writes,
        }


def check(index: PlanIndex) -> ConsistencyReport:
    """Compare Chroma, the unit vectors and BM25 with the catalog."""
    named = {chunk.id: chunk for chunk in index.chunks()}
    dense = index.dense_chunk_ids()
    counts = index.unit_vector_counts()
    miscounted = [i for i, n in counts.items() if i in named and n != len(named[i].units)]
    return ConsistencyReport(
        documents=len(index.documents()),
        chunks=len(named),
        chroma=StoreDifference(
            missing=sorted(named.keys() - dense), orphans=sorted(dense - named.keys())
        ),
        unit_vectors=StoreDifference(
            missing=sorted(named.keys() - counts.keys()),
            orphans=sorted(counts.keys() - named.keys()),
            miscounted=sorted(miscounted),
        ),
        bm25_stale=not index.lexical_is_current(),
        interrupted_writes=index.interrupted_writes(),
    )


def repair(index: PlanIndex, report: ConsistencyReport, *, rebuild_bm25: bool = True) -> list[str]:
    """Make the stores agree with the catalog as `report` found them; returns what was done, in
    Swedish. An ingest passes `rebuild_bm25=False`: it rebuilds BM25 once, after its writes. On a
    shared index (a Chroma server), repair while no other process writes: a document being added
    has its vectors stored before its catalog entry, and would look orphaned."""
    done = []
    if report.interrupted_writes:
        index.remove_interrupted_writes()
        done.append(f"Tog bort {len(report.interrupted_writes)} rester av avbrutna skrivningar.")
    chroma, units = report.chroma, report.unit_vectors
    if chroma.orphans or units.orphans:
        index.drop_orphans(chroma.orphans, units.orphans)
        done.append(
            f"Tog bort id som katalogen inte har: {len(chroma.orphans)} ur Chroma, "
            f"{len(units.orphans)} ur meningsvektorerna."
        )
    dense = _chunks(index, chroma.missing)
    unit_chunks = _chunks(index, units.missing + units.miscounted)
    if dense or unit_chunks:
        index.restore(dense, unit_chunks)
        done.append(
            f"Beräknade vektorer på nytt: {len(dense)} textavsnitt i Chroma, "
            f"meningsvektorerna för {len(unit_chunks)} textavsnitt."
        )
    if rebuild_bm25 and report.bm25_stale:
        index.refresh_lexical()
        done.append("Byggde om BM25-indexet från katalogen.")
    return done


def _chunks(index: PlanIndex, chunk_ids: list[str]) -> list[Chunk]:
    return [chunk for chunk_id in chunk_ids if (chunk := index.chunk(chunk_id)) is not None]


def _some(ids: list[str]) -> str:
    shown = ", ".join(ids[:IDS_SHOWN])
    return shown + (" …" if len(ids) > IDS_SHOWN else "")
