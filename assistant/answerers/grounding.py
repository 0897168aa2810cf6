"""The rule every answer obeys before it is shown, whoever wrote it: every marker names a citation,
and every number stands in a cited quote (or the cited document's title, section or table header).
So a made-up number never reaches a user.
"""

from __future__ import annotations

import re

from assistant.answer import Citation
from assistant.answerers.base import Draft

#: A citation marker "[3]"; its group is the number.
MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:[,.:]\d+)?")
#: Numbers one space apart, each with its decimals: the cells of a row, the years of a header.
_NUMBER_RUN = re.compile(r"\d+(?:[,.:]\d+)?(?:[ \u00a0]\d+(?:[,.:]\d+)?)*")


class UngroundedAnswer(ValueError):
    """An answerer wrote something its citations do not support."""


def numbers_in(text: str) -> set[str]:
    return {" ".join(n.split()) for n in _NUMBER.findall(MARKER.sub(" ", text))}


def numbers_standing_in(text: str) -> set[str]:
    """The numbers of ``text``, and every run of its numbers one space apart: a flattened table
    row "100 115 110" holds the cells "100", "115" and "110" as well as what reads as one number,
    and a header "2025 2026 2027" the years 2025, 2026 and 2027."""
    found = numbers_in(text)
    for run in _NUMBER_RUN.findall(MARKER.sub(" ", text)):
        tokens = run.split()
        found |= {
            " ".join(tokens[first:last])
            for first in range(len(tokens))
            for last in range(first + 1, len(tokens) + 1)
        }
    return found


def check_grounding(draft: Draft) -> Draft:
    """Every marker must name a citation, and every number in the text must stand in a cited
    quote or table header, or in the cited document's title or section (the lead names it: "…
    verksamhetsplan 2023")."""
    if draft.refused:
        return draft
    known = {str(c.id) for c in draft.citations}
    # A plan's own reference marks ("… KASAM [7].") stand in its quotes: they are no markers.
    quoted = {number for c in draft.citations for number in MARKER.findall(c.quote)}
    unknown = set(MARKER.findall(draft.text)) - known - quoted
    if unknown or not draft.citations:
        raise UngroundedAnswer(f"markörer utan källa: {[f'[{n}]' for n in sorted(unknown)]}")
    supported = supported_numbers(draft.citations)
    unsupported = numbers_in(draft.text) - supported
    if unsupported:
        raise UngroundedAnswer(f"tal som inga citat innehåller: {sorted(unsupported)}")
    return draft


def supported_numbers(citations: list[Citation]) -> set[str]:
    """The numbers an answer may state: those of its quotes and table headers, and of the titles
    and sections of what it cites."""
    texts = ["\n".join((c.quote, c.header or "", c.title, c.section)) for c in citations]
    return set().union(*(numbers_standing_in(text) for text in texts))
