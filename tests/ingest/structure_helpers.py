"""Helpers of the structure tests: what cleaning, block building and sectioning make of a text."""

from __future__ import annotations

from ingest.blocks import build_blocks
from ingest.cleaning import clean_lines
from ingest.sections import section_blocks


def text_lines(raw: str) -> list[str]:
    """The cleaned lines that hold text."""
    return [line.text for line in clean_lines(raw) if line.text]


def block_texts(raw: str) -> list[str]:
    """The texts of the body blocks."""
    return [placed.block.text for placed in section_blocks(build_blocks(clean_lines(raw))).blocks]


def sections_of(raw: str) -> list[tuple[tuple[str, ...], str]]:
    """Each body block's heading path and text."""
    sectioned = section_blocks(build_blocks(clean_lines(raw)))
    return [(placed.section, placed.block.text) for placed in sectioned.blocks]


def section_holding(raw: str, passage: str) -> tuple[str, ...]:
    """The heading path of the first block that holds ``passage``."""
    return _first_holding(raw, passage)[0]


def block_holding(raw: str, passage: str) -> str:
    """The text of the first block that holds ``passage``."""
    return _first_holding(raw, passage)[1]


def _first_holding(raw: str, passage: str) -> tuple[tuple[str, ...], str]:
    """The heading path and text of the first block that holds ``passage``, spacing aside."""
    found = [
        (section, text) for section, text in sections_of(raw) if passage in " ".join(text.split())
    ]
    assert found, f"{passage!r} is in no block"
    return found[0]
