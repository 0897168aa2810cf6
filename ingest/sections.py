"""Blocks → sections: a heading path for every body block, and the document's rendered text.

Heading levels are decided the way reStructuredText decides them: by the order in which heading
kinds appear. A kind seen again closes everything opened after it; a new kind nests. Markdown levels
and numbering depths are ordered families: "## B" after "### C" closes C and everything below it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.blocks import Block

_ORDERED_FAMILIES = frozenset({"md", "num"})
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


def _separator(previous: Block | None, block: Block) -> str:
    both_items = previous is not None and previous.kind == block.kind == "list_item"
    return LIST_SEPARATOR if both_items else BLOCK_SEPARATOR


def _open_heading(stack: list[Block], heading: Block) -> None:
    for position, open_heading in enumerate(stack):
        if open_heading.heading_kind != heading.heading_kind:
            continue
        ordered = heading.heading_kind in _ORDERED_FAMILIES
        if not ordered or open_heading.heading_rank >= heading.heading_rank:
            del stack[position:]
            break
    stack.append(heading)
