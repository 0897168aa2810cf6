"""A printed line of a document: the unit that cleaning works on and block building reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

#: What ends a sentence, and so a paragraph's last line.
SENTENCE_END = (".", "!", "?", ":", ";")


@dataclass(frozen=True)
class Listing:
    """A title that the document's table of contents lists, printed from this line on."""

    #: How many printed lines the title spans (a long title wraps).
    lines: int
    #: Its level in the table of contents: 1 for a chapter, 2 for a section in it, ...
    level: int
    #: The title as the table of contents prints it: on one line.
    title: str


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    #: The first line of a page: chapters of PDF plans start on a new page.
    page_top: bool = False
    #: On the first line of a title that the document's table of contents lists.
    listed: Listing | None = None
    #: The line reaches the right margin and the next one goes on with a name ("… behöver
    #: Region" / "Halland också …"): one sentence, although the next line starts with a capital.
    runs_on: bool = False


def text_lines_after(lines: list[Line], index: int) -> Iterator[int]:
    """The positions of the lines after `index` that hold text, in order. By position: this is
    asked at every line, and a slice would copy the rest of the document each time (quadratic in
    its length)."""
    return (position for position in range(index + 1, len(lines)) if lines[position].text)
