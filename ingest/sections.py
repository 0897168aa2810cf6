"""Blocks → sections: a heading path for every body block, and the document's rendered text.

Heading levels are decided the way reStructuredText decides them: by the order in which heading
kinds appear. A kind seen again closes everything opened after it; a new kind nests. Markdown levels
and numbering depths are ordered families: "## B" after "### C" closes C and everything below it.
A protocol's paragraph ("§ 112 …") and a chapter of an ordered family close every unnumbered title,
whenever it was opened.

Headings are part of the rendered text (a chunk that takes in a small subsection shows its
heading), as the block builder composed them: wrapped lines joined, letter-spaced capitals joined.
They are never a chunk's unit, so never quoted as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.blocks import Block
from ingest.headings import PARAGRAPH_KIND

_ORDERED_FAMILIES = frozenset({"md", "num"})
_UNNUMBERED = ("title", "chapter")
BLOCK_SEPARATOR = "\n\n"
LIST_SEPARATOR = "\n"


@dataclass(frozen=True)
class PlacedBlock:
    """A body block with its heading path and its span in the document's rendered text."""

    block: Block
    section: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class SectionedText:
    text: str
    blocks: list[PlacedBlock]


def section_blocks(blocks: list[Block]) -> SectionedText:
    stack: list[Block] = []
    parts: list[str] = []
    placed: list[PlacedBlock] = []
    offset = 0
    previous: Block | None = None
    for block in blocks:
        if parts:
            separator = _separator(previous, block)
            parts.append(separator)
            offset += len(separator)
        if block.kind == "heading":
            _open_heading(stack, block)
        else:
            section = tuple(heading.text for heading in stack)
            placed.append(PlacedBlock(block, section, offset, offset + len(block.text)))
        parts.append(block.text)
        offset += len(block.text)
        previous = block
    return SectionedText("".join(parts), placed)


def _outline_top(heading: Block) -> bool:
    return heading.heading_kind in _ORDERED_FAMILIES and heading.heading_rank == 1


def _separator(previous: Block | None, block: Block) -> str:
    both_items = previous is not None and previous.kind == block.kind == "list_item"
    return LIST_SEPARATOR if both_items else BLOCK_SEPARATOR


def _open_heading(stack: list[Block], heading: Block) -> None:
    if heading.heading_kind == PARAGRAPH_KIND or _outline_top(heading):
        # A protocol's paragraph is its top unit, and so is a chapter of the document's own
        # outline ("1. Förord", "# Inledning"): the unnumbered titles before them (a metadata
        # block, an attendance list) are front matter, not their parents.
        kinds = (heading.heading_kind, *_UNNUMBERED)
        top = next((i for i, h in enumerate(stack) if h.heading_kind in kinds), len(stack))
        del stack[top:]
        stack.append(heading)
        return
    for position, open_heading in enumerate(stack):
        if open_heading.heading_kind != heading.heading_kind:
            continue
        ordered = heading.heading_kind in _ORDERED_FAMILIES
        if not ordered or open_heading.heading_rank >= heading.heading_rank:
            del stack[position:]
            break
    stack.append(heading)
