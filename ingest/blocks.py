"""Cleaned lines → blocks: headings, paragraphs, list items and flattened tables.

Plans mark structure in several ways: Markdown headings (converted PDFs, DOCX), numbered headings
("3.1 Nedbrutna mål och indikatorer"), keyword headings ("Målområde 2: …", "Mål 3"), and in plain
PDF text only short title-like lines. When a document has explicit structure (Markdown or a valid
numbering sequence), title-like lines are not trusted: in such documents they are table cells.
Some headings need no such judgement: the titles that the table of contents lists (at the level
it gives them), a protocol's paragraphs ("§ 112 …") and letter-spaced capitals ("D R I F T").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from ingest.cleaning import SENTENCE_END, TAIL, Line, continuation, join_wrapped, vocabulary
from ingest.contents import title_key
from ingest.document import LIST_MARKER, TABLE_CELL_SEPARATOR
from ingest.headings import (
    PARAGRAPH_KIND,
    diary_number,
    is_letter_spaced,
    letter_spaced_capitals,
    paragraph_line,
    words_and_beginnings,
)
from ingest.lines import text_lines_after

BlockKind = Literal["heading", "paragraph", "list_item", "table"]

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2})\s+(\S.*)$")
#: The number of a listed heading: "1. Förord" too, which unlisted is a list item.
_HEADING_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s")
_KEYWORD = re.compile(
    r"^(Målområde|Mål|Delmål|Utvecklingsområde|Fokusområde|Strategiskt mål|Kapitel|Bilaga|Avsnitt)"
    r"\s+(\d{1,2}[a-z]?)(?:\s*[:.–-]\s*(.*))?$"
)
_DATE = re.compile(r"\b\d{4}[-–]\d{2}[-–]\d{2}\b")
#: A number, a share or a range of them ("0–1,5", "90–100 %"): a cell of a flattened table. A
#: span of years ("2027–2028") is not: headings name the years they plan for.
_NUMBER_TOKEN = re.compile(
    r"^[-+–]?\d[\d,.:%/]*%?$|^(?!(?:19|20)\d\d[–-](?:19|20)\d\d$)\d[\d,.]*[–-]\d[\d,.]*%?$"
)
#: An amount: a number with a unit, or a number that ends the line and is no year.
_AMOUNT = re.compile(
    r"\d\s*(?:%|procent\b|kr\b|kronor\b|tkr\b|mnkr\b|mdkr\b|miljon|miljard)"
    r"|(?<!\S)(?!(?:19|20)\d\d$)[-+–]?\d[\d,.]*$",
    re.IGNORECASE,
)
#: Line endings that cannot end a heading: the heading goes on on the next printed line.
_CONTINUES = (
    ",",
    *(
        f" {word}"
        for word in (
            "och eller i för av med till som på om samt inom vid mot under från efter enligt "
            "utifrån genom mellan hos att en ett den det de – -"
        ).split()
    ),
)
#: Opening and closing quotation marks, straight and typographic: plans mix ”…”, "…" and «…».
_QUOTATION_MARKS = "\"”“„«»'’"
MAX_TITLE_WORDS = 16
MAX_CHAPTER_WORDS = 6
#: A heading may end in a preposition when it is as short as "Expedieras till".
MAX_LEAD_IN_WORDS = 3


@dataclass
class Block:
    kind: BlockKind
    text: str
    page: int
    #: For headings: what kind of heading (its level is decided by the sectioner).
    heading_kind: str = ""
    heading_rank: int = 0


@dataclass
class _Context:
    """What the block builder knows about the whole document."""

    lines: list[Line]
    vocabulary: set[str]
    explicit: bool
    numbering: _Numbering
    #: Lines shorter than this end before the right margin: in wrapped PDF text a short,
    #: unpunctuated line is a table cell, not prose.
    short_line: int
    #: The number of the last protocol paragraph ("§ 112") taken for a heading.
    paragraph: int = 0

    @functools.cached_property
    def word_starts(self) -> frozenset[str]:
        return words_and_beginnings(self.vocabulary)


def build_blocks(lines: list[Line]) -> list[Block]:
    lengths = sorted(len(line.text) for line in lines if line.text)
    typical_width = lengths[int(0.75 * (len(lengths) - 1))] if lengths else 0
    context = _Context(
        lines, vocabulary(lines), _has_explicit_structure(lines), _Numbering(), typical_width // 2
    )
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        if not lines[index].text:
            index += 1
            continue
        structural, consumed = _structural_heading(context, index)
        if structural:
            blocks.extend(structural)
            index += consumed
            continue
        heading, consumed = _heading_at(lines, index, context.explicit, context.numbering)
        if heading is None:
            block, consumed = _body_block_at(context, index)
        blocks.append(heading or block)
        index += consumed
    return _demote_empty_titles(blocks)


def _demote_empty_titles(blocks: list[Block]) -> list[Block]:
    """A title right above a heading that closes it (another title, a chapter of the outline, a
    protocol's paragraph) has no text of its own: it is a line of the text (an indicator in a
    list, a label above its value, a signature), not a heading. A heading right above the same
    heading ("D R I F T B U D G E T" / "6.1 Driftbudget") is printed twice: the second stays."""
    kept: list[Block] = []
    for position, block in enumerate(blocks):
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        if following is not None and block.kind == following.kind == "heading":
            if title_key(block.text) == title_key(following.text):
                continue
            if block.heading_kind == "title" and _closes_titles(following):
                block.kind, block.heading_kind = "paragraph", ""
        kept.append(block)
    return kept


def _closes_titles(heading: Block) -> bool:
    top_of_outline = heading.heading_kind in ("num", "md") and heading.heading_rank == 1
    return heading.heading_kind in ("title", PARAGRAPH_KIND) or top_of_outline


def _structural_heading(context: _Context, index: int) -> tuple[list[Block], int]:
    """A heading that the document marks beyond doubt: listed in its table of contents, a
    protocol paragraph or letter-spaced capitals. With a diarienummer, the heading of a protocol
    paragraph is followed by a paragraph that holds it."""
    line = context.lines[index]
    if line.listed:
        return _listed_heading(context, index)
    paragraph = _paragraph_heading(context, index)
    if paragraph[0]:
        return paragraph
    spaced = letter_spaced_capitals(line.text, context.word_starts)
    if spaced is None:
        return [], 0
    following = _next_text_index(context.lines, index)
    wrapped = (
        letter_spaced_capitals(context.lines[following].text, context.word_starts)
        if following
        else None
    )
    if spaced.endswith(",") and wrapped is not None and following is not None:
        return [Block("heading", f"{spaced} {wrapped}", line.page, "spaced")], following + 1 - index
    return [Block("heading", spaced, line.page, "spaced")], 1


def _listed_heading(context: _Context, index: int) -> tuple[list[Block], int]:
    """A title listed in the table of contents, at the level the table gives it, in the family
    of numbered headings: an unnumbered "Inledning" listed beside "1. …" is its sibling."""
    lines = context.lines
    listing = lines[index].listed
    assert listing is not None
    # The table of contents shows whether a word broken over the lines has a hyphen of its own.
    known = context.vocabulary | vocabulary([Line(listing.title, 0)])
    text, end = lines[index].text, index
    for _ in range(listing.lines - 1):
        following = _next_text_index(lines, end)
        if following is None:
            break
        text, end = join_wrapped(text, lines[following].text, known), following
    number = _HEADING_NUMBER.match(text)
    if number:
        context.numbering.advance(number.group(1))
    return [Block("heading", text, lines[index].page, "num", listing.level)], end + 1 - index


def _paragraph_heading(context: _Context, index: int) -> tuple[list[Block], int]:
    """ "§ 112 Title", or "§ 112" (with a diarienummer or not) above its title line. Paragraph
    numbers rise through a protocol; a "§ 12" that a sentence wraps onto is no heading."""
    lines = context.lines
    found = paragraph_line(lines[index].text)
    previous = _previous_text(lines, index)
    if found is None or found.number <= context.paragraph:
        return [], 0
    if previous is not None and previous.text.endswith(_CONTINUES):
        return [], 0
    context.paragraph = found.number
    page = lines[index].page
    diaries = [found.diary_number] if found.diary_number else []
    title, end = found.title, index
    while not title:
        following = _next_text_index(lines, end)
        if following is None:
            break
        text = lines[following].text
        if diary_number(text):
            diaries.append(text)
        elif _is_paragraph_title(text):
            title = text
        else:
            break
        end = following
    heading = Block("heading", f"§ {found.number} {title}".strip(), page, PARAGRAPH_KIND)
    return [heading, *(Block("paragraph", d, page) for d in diaries)], end + 1 - index


def _has_explicit_structure(lines: list[Line]) -> bool:
    markdown = sum(1 for line in lines if _MD_HEADING.match(line.text))
    numbering = _Numbering()
    numbered = sum(
        1 for i in range(len(lines)) if _numbered_heading(lines, i, numbering) is not None
    )
    return markdown >= 3 or numbered >= 3


class _Numbering:
    """Tracks "1 …", "2 …", "2.1 …" so that only a plausible sequence counts as headings."""

    def __init__(self) -> None:
        self.top: int | None = None

    def accepts(self, number: str) -> bool:
        parts = [int(p) for p in number.rstrip(".").split(".")]
        if len(parts) == 1:
            return parts[0] <= 3 if self.top is None else parts[0] in (self.top, self.top + 1)
        return parts[0] == self.top

    def advance(self, number: str) -> None:
        self.top = int(number.rstrip(".").split(".")[0])


def _next_text(lines: list[Line], index: int) -> Line | None:
    following = _next_text_index(lines, index)
    return None if following is None else lines[following]


def _previous_text(lines: list[Line], index: int) -> Line | None:
    # By position, as `text_lines_after`: a reversed slice would copy the document at every line.
    for position in range(index - 1, -1, -1):
        if lines[position].text:
            return lines[position]
    return None


def _heading_at(
    lines: list[Line], index: int, explicit: bool, numbering: _Numbering
) -> tuple[Block | None, int]:
    line = lines[index]
    markdown = _MD_HEADING.match(line.text)
    if markdown:
        level = len(markdown.group(1))
        return Block("heading", markdown.group(2), line.page, "md", level), 1
    numbered = _numbered_heading(lines, index, numbering)
    if numbered is not None:
        numbering.advance(numbered)
        text, consumed = _with_wrapped_continuation(lines, index)
        return Block("heading", text, line.page, "num", numbered.count(".") + 1), consumed
    keyword = _KEYWORD.match(line.text)
    if keyword and not line.text.endswith("."):
        text, consumed = _with_wrapped_continuation(lines, index, max_words=12, max_lines=2)
        return Block("heading", text, line.page, f"kw:{keyword.group(1).lower()}"), consumed
    text, consumed = _with_wrapped_continuation(lines, index)
    if not explicit and _is_title(lines, index, text, consumed):
        chapter = line.page_top and len(text.split()) <= MAX_CHAPTER_WORDS
        return Block("heading", text, line.page, "chapter" if chapter else "title"), consumed
    return None, 0


def _numbered_heading(lines: list[Line], index: int, numbering: _Numbering) -> str | None:
    """The number of a numbered heading at ``index`` ("3.1"), or None. A run of equally deep
    numbered lines with no body between them is a list, not a row of headings."""
    match = _NUMBERED.match(lines[index].text)
    if not match:
        return None
    number, title = match.groups()
    if not title[0].isupper() or title.endswith((*SENTENCE_END, ",")):
        return None
    # No chapter is numbered 0: "0 B 2028" is the axis of a chart.
    if "0" in number.rstrip(".").split(".") or _is_numeric_row(title):
        return None
    if len(title.split()) > 14 or not numbering.accepts(number):
        return None
    depth = number.rstrip(".").count(".")
    for neighbour in (_previous_text(lines, index), _next_text(lines, index)):
        other = _NUMBERED.match(neighbour.text) if neighbour else None
        if other and other.group(1).rstrip(".").count(".") == depth:
            return None
    return number


def _with_wrapped_continuation(
    lines: list[Line], index: int, *, max_words: int = 4, max_lines: int = 1
) -> tuple[str, int]:
    """A heading wrapped over printed lines: what follows is short, lower-case, unpunctuated."""
    text, end = lines[index].text, index + 1
    for _ in range(max_lines):
        following = _next_text_index(lines, end - 1)
        if following is None or following - end > 1:
            break
        nxt = lines[following].text
        wrapped = (
            nxt[:1].islower()
            and len(nxt.split()) <= max_words
            and not nxt.endswith(SENTENCE_END)
            and (len(text) >= 60 or text.endswith(_CONTINUES) or max_lines > 1)
        )
        if not wrapped:
            break
        text, end = f"{text} {nxt}", following + 1
    return text, end - index


def _is_title(lines: list[Line], index: int, text: str, consumed: int) -> bool:
    """A short, unpunctuated line that starts something: the heading of plain PDF text."""
    if not _has_title_shape(text) or lines[index + consumed - 1].runs_on:
        return False
    previous = _previous_text(lines, index)
    # After a lead-in ("Expedieras till") comes what it leads in, and after a line that runs on
    # into a name ("… anställda i Region") the rest of its sentence: no heading.
    if previous is not None and (previous.text.endswith(_CONTINUES) or previous.runs_on):
        return False
    if previous is not None and not lines[index].page_top and _runs_on(previous.text):
        return False
    body_index = _next_text_index(lines, index + consumed - 1)
    if body_index is None:
        return False
    if _starts_body(lines[body_index].text):
        return True
    # A short lead-in above the list it leads in ("Expedieras till" / "Kommunstyrelsen").
    if text.endswith(_CONTINUES) and _has_title_shape(lines[body_index].text):
        return True
    # A heading right above a subheading ("Styrdokument" > "Lagar och förordningar").
    after = _next_text_index(lines, body_index)
    return (
        _has_title_shape(lines[body_index].text)
        and after is not None
        and _starts_body(lines[after].text)
    )


def _is_paragraph_title(text: str) -> bool:
    """The line under "§ 15" / "Dnr …" is the paragraph's title by its place; it needs only look
    like one ("Rapportering av ej verkställda beslut, kvartal 4 2025")."""
    words = text.split()
    return (
        text[0].isupper()
        and len(words) <= MAX_TITLE_WORDS
        and not text.endswith(SENTENCE_END)
        and not paragraph_line(text)
        and not LIST_MARKER.match(text)
    )


def _has_title_shape(text: str) -> bool:
    """Short, capitalised, unpunctuated, not a table row: a date, several capitalised words (column
    headers: "Åtgärd Ansvarig avdelning Slutdatum") or a long comma list give a row away."""
    words = text.split()
    if not words or len(words) > MAX_TITLE_WORDS or not text[0].isupper():
        return False
    if text.endswith((*SENTENCE_END, ",")) or LIST_MARKER.match(text) or _is_numeric_row(text):
        return False
    if _DATE.search(text) or ("," in text and len(words) > MAX_CHAPTER_WORDS):
        return False
    # A table row ("Servicenämnd 3,1", "Glasögonbidrag 3 miljoner kronor"), a line that a
    # sentence wraps from ("… generera en utdelning på", but a heading "Expedieras till"),
    # letters set one by one.
    wraps = text.endswith(_CONTINUES) and len(words) > MAX_LEAD_IN_WORDS
    if _AMOUNT.search(text) or wraps or is_letter_spaced(text):
        return False
    if re.search(r"[^\W\d_]-$", text):  # a word broken at the line end
        return False
    after_colon = text.split(":", 1)[-1].split() if ":" in text else words
    capitalised = sum(1 for word in after_colon[1:] if word[:1].isupper())
    return capitalised < 2 or text.isupper() or (":" in text and text.split(":", 1)[-1].isupper())


def _starts_body(text: str) -> bool:
    if LIST_MARKER.match(text) or _NUMBERED.match(text):
        return True
    return (
        (text[0].isupper() or text[0].isdigit())
        and len(text.split()) >= 4
        and not (_is_numeric_row(text))
    )


def _next_text_index(lines: list[Line], index: int) -> int | None:
    return next(text_lines_after(lines, index), None)


def _runs_on(text: str) -> bool:
    """A prose line that does not end its sentence: the next line continues it."""
    return len(text.split()) > MAX_TITLE_WORDS / 2 and not text.endswith(SENTENCE_END)


def _quotes_on(text: str, text_so_far: str) -> bool:
    """A line that opens with a quotation mark after an unfinished sentence is that sentence's
    quoted end ("… och införa konceptet" / "”Bostad först”"), not a cell of a table."""
    return text[:1] in _QUOTATION_MARKS and not text_so_far.rstrip().endswith(SENTENCE_END)


def _is_numeric_row(text: str) -> bool:
    tokens = text.split()
    numbers = sum(1 for token in tokens if _NUMBER_TOKEN.match(token))
    return numbers == len(tokens) or (numbers >= 2 and numbers >= 0.3 * len(tokens))


def _is_fragment(text: str, short_line: int) -> bool:
    """A piece of a flattened table: numbers, or a short line that ends no sentence. A row of a
    Word, HTML or PDF table (cells joined by " | ") is one whatever its length."""
    if TABLE_CELL_SEPARATOR in text:
        return True
    if text.endswith(SENTENCE_END):
        return False
    return _is_numeric_row(text) or len(text.split()) <= 4 or len(text) < short_line


def _body_block_at(context: _Context, index: int) -> tuple[Block, int]:
    lines = context.lines
    first = lines[index]
    if LIST_MARKER.match(first.text):
        kind: BlockKind = "list_item"
    elif _is_fragment(first.text, context.short_line):
        kind = "table"
    else:
        kind = "paragraph"
    # The block's text is joined once at the end, and each line is judged by the end of what
    # comes before it: rebuilding the whole text at every line was quadratic in its length.
    parts = [first.text]
    tail = first.text[-TAIL:]
    end = index + 1
    while end < len(lines):
        line = lines[end]
        if not line.text or _starts_new_block(context, end, kind, tail):
            break
        if kind == "table":
            appended = f"\n{line.text}"
        else:
            drop_hyphen, appended = continuation(tail, line.text, context.vocabulary)
            if drop_hyphen:
                parts[-1], tail = parts[-1][:-1], tail[:-1]
        parts.append(appended)
        tail = (tail + appended)[-TAIL:]
        end += 1
    return Block(kind, "".join(parts), first.page), end - index


def _starts_new_block(context: _Context, index: int, kind: BlockKind, text_so_far: str) -> bool:
    lines = context.lines
    text = lines[index].text
    if LIST_MARKER.match(text) or _MD_HEADING.match(text) or _KEYWORD.match(text):
        return True
    if (
        lines[index].listed
        or paragraph_line(text)
        or letter_spaced_capitals(text, context.word_starts)
    ):
        return True
    if _numbered_heading(lines, index, _copy(context.numbering)) is not None:
        return True
    if not context.explicit and _is_title(lines, index, *_with_wrapped_continuation(lines, index)):
        return True
    fragment = _is_fragment(text, context.short_line)
    if kind == "table":
        return not fragment
    runs_on = (
        text[:1].islower()
        or text[:1] in "(,"
        or text_so_far.endswith(_CONTINUES)
        or _quotes_on(text, text_so_far)
    )
    if kind == "list_item":
        return not (runs_on or text[:1].isdigit())
    # A paragraph goes on with prose; a table fragment starts a table unless it runs on. A
    # capital after a closing quotation mark with no full stop starts something new: the quoted
    # words ended a table cell ("”Bostad först”" / "Kvarvarande/nytt uppdrag …").
    ends_in_quote = text_so_far.rstrip()[-1:] in _QUOTATION_MARKS and text[:1].isupper()
    return (fragment and not runs_on) or ends_in_quote


def _copy(numbering: _Numbering) -> _Numbering:
    clone = _Numbering()
    clone.top = numbering.top
    return clone
