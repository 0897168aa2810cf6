"""A quote in its surroundings: the text of the section it comes from, split around the quote.

A reader checks a quote by seeing what stands before and after it. The section's text is rebuilt
from the indexed chunks of that section (in document order), so nothing but the index is needed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ingest.document import Chunk

#: Characters of section text kept before and after a quote; longer sections are cut with "…".
#: Less before than after, so the highlighted quote is near the top of its card.
CONTEXT_BEFORE = 300
CONTEXT_AFTER = 500


@dataclass(frozen=True)
class QuoteInContext:
    """The section text around a quote: `before + quote + after`, possibly cut at both ends."""

    before: str
    quote: str
    after: str
    cut_before: bool
    cut_after: bool


class SectionTexts:
    """The chunks of each (document, section), to put a quote back into its section."""

    def __init__(self, chunks: list[Chunk]) -> None:
        sections: dict[tuple[str, tuple[str, ...]], list[Chunk]] = defaultdict(list)
        for chunk in chunks:
            sections[(chunk.path, tuple(chunk.section))].append(chunk)
        self._chunks = {chunk.id: chunk for chunk in chunks}
        self._sections = {
            key: sorted(group, key=lambda c: c.start) for key, group in sections.items()
        }

    def context(self, chunk_id: str, quote: str) -> QuoteInContext:
        """The quote inside its section's text; just the quote if the chunk is no longer indexed."""
        chunk = self._chunks.get(chunk_id)
        if chunk is None or quote not in chunk.text:
            return QuoteInContext("", quote, "", cut_before=False, cut_after=False)
        siblings = self._sections[(chunk.path, tuple(chunk.section))]
        before_chunk = [c.text for c in siblings if c.start < chunk.start]
        after_chunk = [c.text for c in siblings if c.start > chunk.start]
        at = chunk.text.index(quote)
        before = "\n".join([*before_chunk, chunk.text[:at]])
        after = "\n".join([chunk.text[at + len(quote) :], *after_chunk])
        return QuoteInContext(
            before=_last_words(before, CONTEXT_BEFORE),
            quote=quote,
            after=_first_words(after, CONTEXT_AFTER),
            cut_before=len(before) > CONTEXT_BEFORE,
            cut_after=len(after) > CONTEXT_AFTER,
        )


def _last_words(text: str, width: int) -> str:
    """The end of `text`, at most `width` characters, starting at a word."""
    if len(text) <= width:
        return text
    tail = text[-width:]
    return tail[tail.find(" ") + 1 :] if " " in tail else tail


def _first_words(text: str, width: int) -> str:
    """The start of `text`, at most `width` characters, ending after a word."""
    if len(text) <= width:
        return text
    head = text[:width]
    return head[: head.rfind(" ")] if " " in head else head
