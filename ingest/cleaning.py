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
from collections import Counter
from dataclasses import dataclass

from ingest.document import PAGE_BREAK

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
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
#: A soft hyphen that starts a word is no break opportunity: some PDFs print their minus signs
#: and empty-cell dashes with it ("\u00ad15 838", "\u00ad \u00ad"). Those are kept, as "-".
_SOFT_HYPHEN_SIGN = re.compile(r"(?<!\S)\u00ad(?=\d|\s|$)", re.MULTILINE)
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u2002\u2003\t ]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+")
_TOC_ENTRY = re.compile(r"^\S.*?(?:\.{3,}|…{2,}|(?:\. ){3,})\s*\d{1,3}$")
_TOC_TITLE = re.compile(r"^#*\s*innehåll(?:sförteckning)?\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(?:sid(?:a|an)?\s*)?\d{1,4}(?:\s*(?:av|/)\s*\d{1,4})?$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|mailto:|www\.)[^)\s]*\)")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)([^*_\n]+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
SENTENCE_END = (".", "!", "?", ":", ";")

#: Words that are joined by a trailing hyphen on purpose ("barn- och ungdomsvård").
_COMPOUND_ELLIPSIS_NEXT = frozenset({"och", "eller", "samt", "respektive", "till", "som"})

SHINGLE_WORDS = 5


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    #: The first line of a page: chapters of PDF plans start on a new page.
    page_top: bool = False


def clean_lines(raw: str, *, repeated_layer_min_share: float = 0.2) -> list[Line]:
    """All cleaning steps, in the order in which they depend on each other."""
    lines = _split_pages(_normalise_characters(raw))
    lines = [line for line in lines if line.text.strip() not in STRUCTURE_TOKENS]
    lines = _mark_page_tops(drop_repeated_layer(lines, min_share=repeated_layer_min_share))
    lines = _drop_page_furniture(lines)
    lines = _drop_table_of_contents(lines)
    lines = [Line(_strip_markdown_inline(line.text), line.page, line.page_top) for line in lines]
    every_line = _blank_line_after_every_line(lines)
    return _drop_single_blank_lines(lines, all_of_them=every_line)


def _normalise_characters(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_HYPHEN_SIGN.sub("-", text)
    return _CONTROL.sub("", text.translate(_INVISIBLE))


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


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _drop_page_furniture(lines: list[Line]) -> list[Line]:
    """Running headers and footers (the same line at the top or bottom of many pages) and lone page
    numbers. Only paged sources have them; a one-page text is left alone."""
    pages: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if line.text:
            pages.setdefault(line.page, []).append(index)
    if len(pages) < 3:
        return lines
    edges = {page: idx[:2] + idx[-2:] for page, idx in pages.items()}
    counts = Counter(
        key for idx in edges.values() for key in {_furniture_key(lines[i].text) for i in idx}
    )
    repeated = {key for key, n in counts.items() if n >= max(3, len(pages) // 2)}
    drop = {
        i
        for idx in edges.values()
        for i in idx
        if _furniture_key(lines[i].text) in repeated or _PAGE_NUMBER.match(lines[i].text)
    }
    return [line for index, line in enumerate(lines) if index not in drop]


def _drop_table_of_contents(lines: list[Line]) -> list[Line]:
    """Dotted table-of-contents entries ("Inledning.....4") in runs of two or more, and the
    "Innehåll" heading right above them. Dotted budget rows end in amounts, not page numbers."""
    entries = [bool(_TOC_ENTRY.match(line.text)) for line in lines]
    drop: set[int] = set()
    index = 0
    while index < len(lines):
        if not entries[index]:
            index += 1
            continue
        run = [index]
        index += 1
        while index < len(lines) and (entries[index] or not lines[index].text):
            if entries[index]:
                run.append(index)
            index += 1
        if len(run) >= 2:
            drop.update(run)
            title = _previous_text_line(lines, run[0])
            if title is not None and _TOC_TITLE.match(lines[title].text):
                drop.add(title)
    return [line for i, line in enumerate(lines) if i not in drop]


def _previous_text_line(lines: list[Line], index: int) -> int | None:
    for i in range(index - 1, -1, -1):
        if lines[i].text:
            return i
    return None


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
    if first.endswith("-") and len(first) > 1 and first[-2].isalpha() and second[:1].islower():
        next_word = second.split(" ", 1)[0]
        if next_word in _COMPOUND_ELLIPSIS_NEXT:
            return f"{first} {second}"
        head = _WORD.findall(first)[-1] if _WORD.findall(first) else ""
        tail = _WORD.match(second)
        whole = (head + (tail.group(0) if tail else "")).lower()
        return first[:-1] + second if whole in vocabulary else first + second
    return f"{first} {second}"


def vocabulary(lines: list[Line]) -> set[str]:
    return {w.lower() for line in lines for w in _WORD.findall(line.text)}
