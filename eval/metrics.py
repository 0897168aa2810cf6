"""Grounding metrics: is an `Answer` well retrieved, complete, validly cited, true to its sources?

Pure functions over an eval item, the assistant's answer and the indexed chunks; nothing here runs
the assistant or touches the disk. Every text comparison goes through `normalise`, so a quote that
differs from the plan only in white space, dashes, thousands separators or case still matches.

Per-item metrics (a value is `None` when the metric does not apply to the item):

| metric | applies to | value |
|---|---|---|
| `hit@1`, `hit@5` | answerable | 1 if a gold passage is among the first 1 / 5 retrieved chunks |
| `mrr` | answerable | 1 / rank of the first retrieved gold passage (0 if none); its mean is MRR |
| `recall@5` | answerable | share of the item's gold quotes found in the first 5 retrieved chunks |
| `completeness` | answerable | 1 if every `must_contain` string is in the answer text |
| `citation_validity` | answers with citations | 1 if every quote (and header) is in its chunk |
| `citation_accuracy` | answerable | 1 if at least one citation overlaps a gold quote |
| `number_fidelity` | non-refused answers with numbers | 1 if every number is in a cited quote |
| `refusal` | unanswerable | 1 if the assistant refused (higher is better) |
| `false_refusal` | answerable | 1 if the assistant refused (lower is better) |

A retrieved chunk "holds" a gold quote when it comes from the gold file and its text, or one of its
headings, contains the quote. Headings count because a few gold quotes are headings (Norrtälje's
vision line), which ingest keeps in the section path rather than in the chunk text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Protocol

import numpy as np
from pydantic import BaseModel, Field

from assistant.answer import Answer, Citation
from ingest.document import Chunk

HIT_AT_1 = "hit@1"
HIT_AT_5 = "hit@5"
MRR = "mrr"
RECALL_AT_5 = "recall@5"
COMPLETENESS = "completeness"
CITATION_VALIDITY = "citation_validity"
CITATION_ACCURACY = "citation_accuracy"
NUMBER_FIDELITY = "number_fidelity"
REFUSAL = "refusal"
FALSE_REFUSAL = "false_refusal"

#: Every metric, in the order reports show them.
METRICS = (
    HIT_AT_1,
    HIT_AT_5,
    MRR,
    RECALL_AT_5,
    COMPLETENESS,
    CITATION_VALIDITY,
    CITATION_ACCURACY,
    NUMBER_FIDELITY,
    REFUSAL,
    FALSE_REFUSAL,
)
#: Metrics where a rise is a regression; for all others a drop is.
LOWER_IS_BETTER = frozenset({FALSE_REFUSAL})

#: A citation overlaps a gold quote when their longest common substring covers this share of the
#: shorter of the two (so "contains" and "is contained by" are the 100 % case)...
OVERLAP_SHARE = 0.6
#: ...and is at least this many characters long (or the whole gold quote, if that is shorter), so
#: that a citation of two words inside a long gold sentence does not count as citing it.
OVERLAP_MIN_CHARS = 20

# --- normalisation -----------------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u2009\u202f\u2002\u2003\u2004\u2005\u2006"), " ")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
#: Typographic quote marks: plans mix ”Bostad först” and "Bostad först" for the same words.
_QUOTE_MARKS = {
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u00ab\u00bb\u2033"), '"'),
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u2032"), "'"),
}
#: A number written in groups of three ("654 848", "1 234 567"). The first group has 1–3 digits and
#: no digit before it, so neighbouring years in a table row ("2023 2024") never merge, and is no
#: decimal part ("3,2 318"); a dot leader may stand before it ("läkemedel .....2 900 kr").
_GROUPED_NUMBER = re.compile(r"(?<!\d)(?<!\d[,.])\d{1,3}(?: \d{3})+(?![\d]|,\d)")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d) %")
#: "23,5 procent" states the share "23,5 %"; on the same line only: "… 287" / "Procent 7,5%" ends
#: one table row and labels the next.
_PERCENT_WORD = re.compile(r"(?<=\d) procent\b")
#: Citation markers in the answer text: "[1]", "[1, 2]", "[1-3]". They are not claims.
_CITATION_MARKER = re.compile(r"\[\d+(?:\s*[-,]\s*\d+)*\]")
#: Integers, decimals ("94,0", "3.1"), and SFS numbers ("2010:1622"). An ordinal date "27:e" yields
#: "27"; a sign or a percent sign is not part of the number (the answer "66 736 tkr" is faithful to
#: a table's "-66 736").
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?::\d+)?")
#: Numbers one space apart (or one alone): the cells of a flattened table row, or one grouped
#: number, or a number that normalisation would join to the next line's ("Box 712" / "791 29").
_DIGIT_GROUPS = re.compile(r"(?<![\d,.])\d+(?: \d+)*")


def normalise(text: str) -> str:
    """The form in which texts are compared: lower case, one space for any white space (also
    non-breaking and thin spaces), "-" for every dash, straight quote marks, thousands separators
    removed ("654 848" -> "654848") and a share written "23,5%" ("23,5 %", "23,5 procent")."""
    text = text.translate(_SPACES).translate(_DASHES).translate(_QUOTE_MARKS)
    text = " ".join(_PERCENT_WORD.sub(" %", text).split()).casefold()
    text = _GROUPED_NUMBER.sub(lambda match: match.group().replace(" ", ""), text)
    return _SPACE_BEFORE_PERCENT.sub("%", text)


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` after normalisation; an empty needle never does."""
    wanted = normalise(needle)
    return bool(wanted) and wanted in normalise(haystack)


def numbers_in(text: str) -> list[str]:
    """The numbers a text states, normalised ("654 848" -> "654848", "27:e" -> "27"), in order.
    Citation markers like "[1]" are skipped."""
    return _NUMBER.findall(normalise(_CITATION_MARKER.sub(" ", text)))


def cell_numbers(text: str) -> set[str]:
    """The numbers a flattened table row holds cell by cell: normalisation reads "100 115 110" as
    one number, but its cells are 100, 115 and 110 (and "1 015" is 1015). Every run of adjacent
    digit groups counts, normalised like `numbers_in`."""
    found: set[str] = set()
    for run in _DIGIT_GROUPS.findall(text.translate(_SPACES)):
        groups = run.split()
        found |= {
            "".join(groups[first:last])
            for first in range(len(groups))
            for last in range(first + 1, len(groups) + 1)
        }
    return found


def longest_common_substring(first: str, second: str) -> int:
    """Length of the longest run of characters that both strings share."""
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    return matcher.find_longest_match(0, len(first), 0, len(second)).size


def quotes_overlap(cited: str, gold: str) -> bool:
    """Whether a cited quote and a gold quote are the same evidence: after normalisation their
    longest common substring covers at least OVERLAP_SHARE of the shorter one and is at least
    OVERLAP_MIN_CHARS long (or the whole gold quote). Containment either way is the full-share case;
    a partial overlap covers a citation that cuts the same sentence at another boundary."""
    cited_norm, gold_norm = normalise(cited), normalise(gold)
    if not cited_norm or not gold_norm:
        return False
    common = longest_common_substring(cited_norm, gold_norm)
    shorter = min(len(cited_norm), len(gold_norm))
    return common >= OVERLAP_SHARE * shorter and common >= min(OVERLAP_MIN_CHARS, len(gold_norm))


# --- the eval set ------------------------------------------------------------------------------


class GoldSource(BaseModel):
    file: str
    quote: str


class GoldItem(BaseModel):
    """One line of an eval set (see eval/sets/README.md)."""

    id: str
    question: str
    persona: str
    kind: str
    answerable: bool
    municipality: str | list[str] | None = None
    year: int | list[int] | None = None
    must_contain: list[str] = Field(default_factory=list)
    sources: list[GoldSource] = Field(default_factory=list)
    note: str | None = None


class ChunkSource(Protocol):
    """Where chunk texts come from: the index in a run, a dict in tests."""

    def chunk(self, chunk_id: str) -> Chunk | None: ...


# --- retrieval ---------------------------------------------------------------------------------


def chunk_holds(chunk: Chunk, source: GoldSource) -> bool:
    """Whether `chunk` is (part of) the gold passage `source`."""
    if chunk.file != source.file:
        return False
    return contains(chunk.text, source.quote) or any(
        contains(heading, source.quote) for heading in chunk.section
    )


def gold_ranks(item: GoldItem, retrieved: Sequence[str], chunks: ChunkSource) -> list[int | None]:
    """For each gold source, the 1-based rank of the first retrieved chunk holding it, or None."""
    found = [(rank, chunks.chunk(chunk_id)) for rank, chunk_id in enumerate(retrieved, 1)]
    known = [(rank, chunk) for rank, chunk in found if chunk is not None]
    return [
        next((rank for rank, chunk in known if chunk_holds(chunk, source)), None)
        for source in item.sources
    ]


def retrieval_metrics(
    item: GoldItem, retrieved: Sequence[str], chunks: ChunkSource
) -> dict[str, float]:
    """hit@1, hit@5, reciprocal rank (of the best-ranked gold passage) and recall@5 (the share of
    gold quotes in the top five: a multi-hop question needs all of them, not just one)."""
    ranks = gold_ranks(item, retrieved, chunks)
    found = [rank for rank in ranks if rank is not None]
    best = min(found, default=None)
    return {
        HIT_AT_1: float(best == 1),
        HIT_AT_5: float(best is not None and best <= 5),
        MRR: 1.0 / best if best is not None else 0.0,
        RECALL_AT_5: sum(rank <= 5 for rank in found) / len(ranks) if ranks else 0.0,
    }


# --- the answer --------------------------------------------------------------------------------


def answer_texts(answer: Answer) -> list[str]:
    """The answer's own text and the text of every comparison side."""
    return [answer.answer, *(side.answer for side in answer.comparison or [])]


def all_citations(answer: Answer) -> list[Citation]:
    """Citations backing the answer, comparison sides included. `closest` is left out: it is shown
    beside a refusal and is never evidence for an answer."""
    return [*answer.citations, *(c for side in answer.comparison or [] for c in side.citations)]


def missing_key_strings(item: GoldItem, answer: Answer) -> list[str]:
    """The `must_contain` strings that the answer text lacks."""
    text = "\n".join(answer_texts(answer))
    return [wanted for wanted in item.must_contain if not contains(text, wanted)]


def citation_problem(citation: Citation, chunks: ChunkSource) -> str | None:
    """Why a citation is invalid, or None when its quote is in the chunk it cites and that chunk
    belongs to the document (file, municipality, year) the citation names."""
    chunk = chunks.chunk(citation.chunk_id)
    if chunk is None:
        return f"citation [{citation.id}] cites unknown chunk {citation.chunk_id}"
    if (chunk.file, chunk.municipality, chunk.year) != (
        citation.file,
        citation.municipality,
        citation.year,
    ):
        return f"citation [{citation.id}] names another document than chunk {chunk.id}"
    if not contains(chunk.text, citation.quote):
        return f"citation [{citation.id}] quote not in chunk {chunk.id}: {citation.quote[:60]!r}"
    header_chunk = chunks.chunk(citation.header_chunk_id) if citation.header_chunk_id else chunk
    if citation.header and (
        header_chunk is None or not contains(header_chunk.text, citation.header)
    ):
        return f"citation [{citation.id}] table header not in chunk {citation.header_chunk_id}"
    return None


def cites_gold(item: GoldItem, citations: Iterable[Citation]) -> bool:
    """Whether some citation quotes (overlaps) a gold quote of the same file."""
    return any(
        citation.file == source.file and quotes_overlap(citation.quote, source.quote)
        for citation in citations
        for source in item.sources
    )


def grounding_texts(answer: Answer) -> list[str]:
    """What a number in the answer may come from: the cited quotes, plus the labels the answer uses
    to name its sources (a cited document's year, title and section, a comparison side's year).
    "Norrköping 2024: ..." states no claim the quotes must back."""
    texts: list[str] = []
    for citation in all_citations(answer):
        texts += [citation.quote, citation.title, citation.section, str(citation.year or "")]
        texts += [citation.header or ""]
    texts += [str(side.year or "") for side in answer.comparison or []]
    return texts


def ungrounded_numbers(answer: Answer) -> list[str]:
    """Numbers in the answer text that no cited quote (or source label) contains."""
    texts = grounding_texts(answer)
    grounded = {number for text in texts for number in numbers_in(text)}
    grounded |= {number for text in texts for number in cell_numbers(text)}
    stated = [number for text in answer_texts(answer) for number in numbers_in(text)]
    return list(dict.fromkeys(number for number in stated if number not in grounded))


# --- one item ----------------------------------------------------------------------------------


@dataclass
class ItemScore:
    """An item's metric values (None: not applicable) and what failed, as short sentences."""

    metrics: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(METRICS))
    failures: list[str] = field(default_factory=list)

    def fail(self, metric: str, reason: str) -> None:
        self.metrics[metric] = 0.0
        self.failures.append(f"{metric}: {reason}")


def score_item(item: GoldItem, answer: Answer, chunks: ChunkSource) -> ItemScore:
    """Every metric of one eval item, with a reason for each failure."""
    score = ItemScore()
    if item.answerable:
        _score_answerable(item, answer, chunks, score)
    else:
        score.metrics[REFUSAL] = 1.0
        if not answer.refused:
            score.fail(REFUSAL, "answered an unanswerable question")
    _score_citations(answer, chunks, score)
    return score


def _score_answerable(
    item: GoldItem, answer: Answer, chunks: ChunkSource, score: ItemScore
) -> None:
    score.metrics.update(retrieval_metrics(item, answer.retrieved, chunks))
    if not score.metrics[HIT_AT_5]:
        score.failures.append(f"{HIT_AT_5}: no gold passage among the first 5 retrieved")
    score.metrics[FALSE_REFUSAL] = float(answer.refused)
    if answer.refused:
        score.failures.append(f"{FALSE_REFUSAL}: refused an answerable question")
    score.metrics[COMPLETENESS] = 1.0
    missing = missing_key_strings(item, answer)
    if missing:
        score.fail(COMPLETENESS, "missing " + ", ".join(repr(m) for m in missing))
    score.metrics[CITATION_ACCURACY] = 1.0
    if not cites_gold(item, all_citations(answer)):
        score.fail(CITATION_ACCURACY, "no citation overlaps a gold quote")


def _score_citations(answer: Answer, chunks: ChunkSource, score: ItemScore) -> None:
    citations = all_citations(answer)
    if citations:
        problems = [p for c in citations if (p := citation_problem(c, chunks)) is not None]
        score.metrics[CITATION_VALIDITY] = 0.0 if problems else 1.0
        score.failures += [f"{CITATION_VALIDITY}: {problem}" for problem in problems]
    if not answer.refused and any(numbers_in(text) for text in answer_texts(answer)):
        score.metrics[NUMBER_FIDELITY] = 1.0
        unsupported = ungrounded_numbers(answer)
        if unsupported:
            score.fail(NUMBER_FIDELITY, "not in any cited quote: " + ", ".join(unsupported))


# --- aggregation -------------------------------------------------------------------------------


class Scored(Protocol):
    """What aggregation needs of an item's result."""

    @property
    def kind(self) -> str: ...
    @property
    def persona(self) -> str: ...
    @property
    def metrics(self) -> Mapping[str, float | None]: ...
    @property
    def latency_s(self) -> float: ...


class MetricSummary(BaseModel):
    mean: float
    n: int = Field(description="Items the metric applies to.")


class LatencySummary(BaseModel):
    p50: float
    p95: float
    mean: float
    max: float
    n: int


class Summary(BaseModel):
    """Means over the items each metric applies to: all items, per kind and per persona."""

    items: int
    metrics: dict[str, MetricSummary]
    by_kind: dict[str, dict[str, MetricSummary]]
    by_persona: dict[str, dict[str, MetricSummary]]
    latency: LatencySummary


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linearly interpolated; 0 for no values."""
    return float(np.percentile(values, q)) if values else 0.0


def mean_metrics(results: Sequence[Scored]) -> dict[str, MetricSummary]:
    """Each metric's mean over the results it applies to; a metric that applies to none is left
    out."""
    summaries: dict[str, MetricSummary] = {}
    for metric in METRICS:
        values = [v for r in results if (v := r.metrics.get(metric)) is not None]
        if values:
            summaries[metric] = MetricSummary(mean=sum(values) / len(values), n=len(values))
    return summaries


def summarise_latency(latencies: Sequence[float]) -> LatencySummary:
    return LatencySummary(
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        mean=sum(latencies) / len(latencies) if latencies else 0.0,
        max=max(latencies, default=0.0),
        n=len(latencies),
    )


def _grouped(results: Sequence[Scored], key: str) -> dict[str, dict[str, MetricSummary]]:
    groups: dict[str, list[Scored]] = defaultdict(list)
    for result in results:
        groups[getattr(result, key)].append(result)
    return {name: mean_metrics(groups[name]) for name in sorted(groups)}


def summarise(results: Sequence[Scored]) -> Summary:
    return Summary(
        items=len(results),
        metrics=mean_metrics(results),
        by_kind=_grouped(results, "kind"),
        by_persona=_grouped(results, "persona"),
        latency=summarise_latency([r.latency_s for r in results]),
    )
