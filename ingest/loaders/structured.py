"""Blocks: the shared output shape of the Word and HTML loaders (and of the rows of ruled PDF
tables).

Both formats carry their structure in the markup, so both are read into the same blocks and
written out the same way: headings as Markdown headings, list items as "- punkt", table rows as
one line of cells. Not to be confused with ``ingest.blocks``, which finds the blocks of a
document's text after cleaning."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from ingest.document import TABLE_CELL_SEPARATOR


class Block(NamedTuple):
    """One paragraph, heading, list item or table of a structured document, as text."""

    text: str
    list_item: bool = False


def join_blocks(blocks: Iterable[Block]) -> str:
    """Blank lines between blocks; consecutive list items stay one list (one item per line)."""
    parts: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if previous is not None:
            parts.append("\n" if previous.list_item and block.list_item else "\n\n")
        parts.append(block.text)
        previous = block
    return "".join(parts)


def heading(level: int, text: str) -> Block:
    # A heading must be one line for the sectioner; Markdown has no level beyond 6.
    return Block("#" * min(level, 6) + " " + " ".join(text.split()))


def list_item(text: str) -> Block:
    return Block("- " + text, list_item=True)


def table_row(cell_texts: list[str]) -> str:
    """One line per row; a row of only empty cells (a spacer) gives ""."""
    cells = [" ".join(text.split()) for text in cell_texts]
    return TABLE_CELL_SEPARATOR.join(cells) if any(cells) else ""


def table(rows: Iterable[str]) -> Block | None:
    lines = [row for row in rows if row]
    return Block("\n".join(lines)) if lines else None
