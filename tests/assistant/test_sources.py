"""A quote put back into its section's text, on the real example plans."""

from __future__ import annotations

from collections import defaultdict

import pytest

from assistant.sources import CONTEXT_AFTER, CONTEXT_BEFORE, SectionTexts
from index.plan_index import PlanIndex
from ingest.document import Chunk

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chunks(example_index: PlanIndex) -> list[Chunk]:
    return example_index.chunks()


def sections_of_several_chunks(chunks: list[Chunk]) -> list[list[Chunk]]:
    grouped: dict[tuple[str, tuple[str, ...]], list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        grouped[(chunk.path, tuple(chunk.section))].append(chunk)
    return [sorted(g, key=lambda c: c.start) for g in grouped.values() if len(g) >= 3]


def test_every_unit_sits_in_its_section_text(chunks: list[Chunk]) -> None:
    texts = SectionTexts(chunks)
    sections = sections_of_several_chunks(chunks)
    assert sections, "the example plans have long sections"
    for section in sections:
        whole = "\n".join(c.text for c in section)
        for chunk in section:
            for quote in chunk.unit_texts():
                found = texts.context(chunk.id, quote)
                assert found.quote == quote
                assert found.before + quote + found.after in whole
                assert len(found.before) <= CONTEXT_BEFORE and len(found.after) <= CONTEXT_AFTER


def test_a_quote_in_a_middle_chunk_sees_its_neighbours(chunks: list[Chunk]) -> None:
    texts = SectionTexts(chunks)
    section = sections_of_several_chunks(chunks)[0]
    middle = section[1]
    quote = middle.unit_texts()[0]
    found = texts.context(middle.id, quote)
    assert section[0].text[-40:] in found.before
    assert found.cut_after == (len(middle.text) - len(quote) + len(section[2].text) > CONTEXT_AFTER)


def test_long_context_is_cut_at_words_and_says_so(chunks: list[Chunk]) -> None:
    texts = SectionTexts(chunks)
    section = max(sections_of_several_chunks(chunks), key=lambda s: sum(len(c.text) for c in s))
    last = section[-1]
    found = texts.context(last.id, last.unit_texts()[-1])
    assert found.cut_before
    assert not found.before.startswith(" ")
    whole = "\n".join(c.text for c in section)
    start = whole.index(found.before + found.quote)
    assert start == 0 or whole[start - 1].isspace()


def test_an_unknown_chunk_gives_just_the_quote(chunks: list[Chunk]) -> None:
    found = SectionTexts(chunks).context("finns-inte", "Ett citat.")
    assert (found.before, found.quote, found.after) == ("", "Ett citat.", "")
