"""Line-level cleaning of extracted plan text.

Real plans arrive as text that PDF and Word converters have mangled in known ways. Each step here
undoes one of them and never rewrites the words themselves, so that what the assistant later quotes
is what the plan says. The output is a list of lines that know their page; the block builder
(``ingest.blocks``) turns them into paragraphs, list items, tables and headings.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import replace

from ingest.contents import drop_contents
from ingest.document import PAGE_BREAK
from ingest.furniture import drop_page_furniture, infer_pages
from ingest.layout import mark_run_on_lines
from ingest.lines import SENTENCE_END, Line
from ingest.residue import drop_residue

#: Stray tags that a PDF's structure tree leaves behind on lines of their own.
STRUCTURE_TOKENS = frozenset(
    [
        "TD",
        "TH",
        "TR",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "LBody",
        "Lbl",
        "Span",
        "Sect",
        "Art",
        "Div",
        "Figure",
        "Table",
        "Link",
        "Document",
        "Part",
    ]
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SOFT_HYPHEN = "\u00ad"
#: A soft hyphen where no word can be broken: before a space or a digit, after a digit or a space,
#: next to another one. A document that has one prints its soft hyphens as hyphens and dashes.
_PRINTED_SOFT_HYPHEN = re.compile(r"\u00ad(?=[ \d\u00ad,])|(?<=[\s\d\u00ad])\u00ad")
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u2002\u2003\t ]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|mailto:|www\.)[^)\s]*\)")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)([^*_\n]+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")

#: Words that are joined by a trailing hyphen on purpose ("barn- och ungdomsvård").
_COMPOUND_ELLIPSIS_NEXT = frozenset({"och", "eller", "samt", "respektive", "till", "som"})

SHINGLE_WORDS = 5


def clean_lines(raw: str, *, repeated_layer_min_share: float = 0.2) -> list[Line]:
    """All cleaning steps, in the order in which they depend on each other."""
    lines = _split_pages(_normalise_characters(raw))
    lines = [line for line in lines if line.text.strip() not in STRUCTURE_TOKENS]
    lines = _mark_page_tops(drop_repeated_layer(lines, min_share=repeated_layer_min_share))
    lines = drop_residue(drop_page_furniture(infer_pages(lines)))
    lines = drop_contents(lines)
    lines = [replace(line, text=_strip_markdown_inline(line.text)) for line in lines]
    every_line = _blank_line_after_every_line(lines)
    return mark_run_on_lines(_drop_single_blank_lines(lines, all_of_them=every_line))


def _normalise_characters(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", resolve_soft_hyphens(text).translate(_INVISIBLE))


def resolve_soft_hyphens(text: str) -> str:
    """U+00AD is an invisible hyphenation point inside a word, but some PDF converters write it
    for every printed hyphen, minus sign and dash ("hälso\u00ad och", "\u00ad0,9 %", alone in an
    empty table cell). Where a document shows that use, each one is a hyphen; elsewhere they
    vanish, except at a line end, where the word was broken and the hyphen printed."""
    if _SOFT_HYPHEN not in text:
        return text
    if _PRINTED_SOFT_HYPHEN.search(text):
        return text.replace(_SOFT_HYPHEN, "-")
    return text.replace(_SOFT_HYPHEN + "\n", "-\n").replace(_SOFT_HYPHEN, "")


def _split_pages(text: str) -> list[Line]:
    """Lines with their page number, still with their leading white space."""
    return [
        Line(raw_line.rstrip(), page_number)
        for page_number, page in enumerate(text.split(PAGE_BREAK), start=1)
        for raw_line in page.split("\n")
    ]


def _mark_page_tops(lines: list[Line]) -> list[Line]:
    """Strip the lines and mark each page's first line. A line indented by exactly one space marks a
    page start in text that PDF converters produce; real page breaks come from the PDF loader."""
    marked_tops = _single_space_page_marks([line.text for line in lines])
    marked: list[Line] = []
    previous_page = 0
    for line in lines:
        content = _SPACES.sub(" ", line.text).strip()
        first_on_page = bool(content) and line.page != previous_page
        is_top = first_on_page or (marked_tops and bool(re.match(r" \S", line.text)))
        marked.append(Line(content, line.page, is_top))
        if content:
            previous_page = line.page
    return marked


def _single_space_page_marks(lines: list[str]) -> bool:
    """True when some lines start with exactly one space and the text is otherwise not indented:
    the trace a PDF-to-text converter leaves at the start of each page."""
    text_lines = [line for line in lines if line.strip()]
    marked = sum(1 for line in text_lines if re.match(r" \S", line))
    indented = sum(1 for line in text_lines if re.match(r"\s{2,}\S|\t", line))
    return 3 <= marked < 0.15 * len(text_lines) and indented < marked


def drop_repeated_layer(lines: list[Line], *, min_share: float) -> list[Line]:
    """Drop a trailing part that repeats earlier text (a PDF's second, tagged text layer).

    Every word position is scored +1 if the word shingle starting there occurred earlier and -3 if
    not; the cut is where the score summed to the end peaks. That places the cut exactly at the
    layer boundary instead of eating genuine closing text, which scores negative.
    """
    line_words = [[w.lower() for w in _WORD.findall(line.text)] for line in lines]
    words = [w for ws in line_words for w in ws]
    if len(words) < 200:
        return lines
    seen: set[tuple[str, ...]] = set()
    repeated = []
    for i in range(len(words) - SHINGLE_WORDS + 1):
        shingle = tuple(words[i : i + SHINGLE_WORDS])
        repeated.append(shingle in seen)
        seen.add(shingle)
    best_score, best_line, score, position = 0, None, 0, len(words)
    for line_index in range(len(lines) - 1, -1, -1):
        for _ in line_words[line_index]:
            position -= 1
            if 0 <= position < len(repeated):
                score += 1 if repeated[position] else -3
        if score > best_score:
            best_score, best_line = score, line_index
    if best_line is None:
        return lines
    suffix_words = sum(len(ws) for ws in line_words[best_line:])
    if suffix_words < min_share * len(words):
        return lines
    return lines[:best_line]


def _strip_markdown_inline(text: str) -> str:
    """Links become their text, emphasis markers go; headings (#) stay for the block builder."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_STRONG.sub(r"\2", text)
    return _MD_EMPHASIS.sub(r"\1", text).strip()


def _blank_line_after_every_line(lines: list[Line]) -> bool:
    """PDF text often puts a blank line after every printed line. Then a single blank line
    separates nothing, and it is recognised by lines that run on into a lower-case next line."""
    text_indexes = [i for i, line in enumerate(lines) if line.text]
    if len(text_indexes) < 20:
        return False
    single_blank = run_on = 0
    for current, following in itertools.pairwise(text_indexes):
        if following - current == 2:
            single_blank += 1
            if (
                not lines[current].text.endswith(SENTENCE_END)
                and lines[following].text[0].islower()
            ):
                run_on += 1
    pairs = len(text_indexes) - 1
    return single_blank >= 0.6 * pairs and run_on >= 0.05 * pairs


def _drop_single_blank_lines(lines: list[Line], *, all_of_them: bool) -> list[Line]:
    """Drop blank lines that separate nothing: all single ones in text with a blank line after
    every line, elsewhere those inside a sentence (a page break within a paragraph)."""
    kept: list[Line] = []
    for index, line in enumerate(lines):
        between_text = (
            not line.text
            and 0 < index < len(lines) - 1
            and bool(lines[index - 1].text)
            and bool(lines[index + 1].text)
        )
        inside_sentence = between_text and (
            not lines[index - 1].text.endswith(SENTENCE_END) and lines[index + 1].text[0].islower()
        )
        if not (between_text and (all_of_them or inside_sentence)):
            kept.append(line)
    return kept


def join_wrapped(first: str, second: str, vocabulary: set[str]) -> str:
    """Join two lines of one paragraph. A word hyphenated across the break is rejoined when the
    document uses the whole word elsewhere; otherwise the hyphen is real ("el-fattigdom")."""
    if not first:
        return second
    drop_hyphen, appended = continuation(first[-TAIL:], second, vocabulary)
    return (first[:-1] if drop_hyphen else first) + appended


#: How much of a paragraph's end `continuation` reads: more than its last word (no word is longer).
TAIL = 100


def continuation(tail: str, second: str, vocabulary: set[str]) -> tuple[bool, str]:
    """How the line `second` goes on from a paragraph whose text ends in `tail`: whether the
    paragraph's final hyphen is dropped, and what is appended. Only the end is read, so that a
    paragraph of many lines is joined in time linear in its length."""
    if tail.endswith("-") and len(tail) > 1 and tail[-2].isalpha() and second[:1].islower():
        next_word = second.split(" ", 1)[0]
        if next_word in _COMPOUND_ELLIPSIS_NEXT:
            return False, f" {second}"
        words = _WORD.findall(tail)
        head = words[-1] if words else ""
        start = _WORD.match(second)
        whole = (head + (start.group(0) if start else "")).lower()
        return whole in vocabulary, second
    return False, f" {second}"


def vocabulary(lines: list[Line]) -> set[str]:
    return {w.lower() for line in lines for w in _WORD.findall(line.text)}
