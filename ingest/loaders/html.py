"""HTML: the page's text without its chrome (head, scripts, navigation, footer, hidden
elements), with headings, paragraphs, list items and tables as blocks.

The walk keeps inline text together and starts a new block at each block element, as a browser
lays the page out; ``<br>`` starts a new line within a block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import UnicodeDammit
from bs4.element import PreformattedString

from ingest.document import IngestError
from ingest.loaders.reasons import UNDECODABLE_HTML
from ingest.loaders.structured import Block, heading, join_blocks, list_item, table, table_row
from ingest.loaders.text import ensure_textual

#: Elements whose text is not document content: code, navigation, page chrome.
_HTML_DROPPED = ("head", "script", "style", "noscript", "template", "nav", "footer", "svg")
_HTML_HEADINGS = {f"h{level}": level for level in range(1, 7)}
#: Elements that start a new block of text; everything else is inline.
_HTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "header", "hr", "html",
        "li", "main", "ol", "p", "section", "summary", "td", "th", "tr", "ul",
    }
)  # fmt: skip
#: HTML collapses only ASCII whitespace; a no-break space is content and is kept.
_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


def load_html(path: Path, raw: bytes) -> str:
    markup = _decode_html(path, raw)
    ensure_textual(path, markup)
    soup = BeautifulSoup(markup, "html.parser")
    for element in soup.find_all(list(_HTML_DROPPED)):
        element.decompose()
    for element in soup.find_all(hidden=True):
        element.decompose()
    collector = _HtmlBlockCollector()
    collector.visit(soup)
    return join_blocks(collector.finish())


def _decode_html(path: Path, raw: bytes) -> str:
    # The page's own <meta charset> or BOM wins; without one, try UTF-8 and then cp1252 before
    # any statistical guess (which takes short Swedish texts for Central European cp1250).
    dammit = UnicodeDammit(raw, user_encodings=["utf-8", "cp1252"], is_html=True)
    if dammit.unicode_markup is None:
        raise IngestError(path, UNDECODABLE_HTML)
    return dammit.unicode_markup


def _collapse(text: str) -> str:
    return _HTML_WHITESPACE.sub(" ", text).strip()


def _is_text(node: object) -> bool:
    # Comments, doctypes and CDATA are NavigableStrings too, but not text the reader sees.
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _inline_text(tag: Tag) -> str:
    """All text under `tag` on one line; line breaks and inner blocks become spaces."""
    pieces: list[str] = []
    for node in tag.descendants:
        if isinstance(node, Tag) and (node.name == "br" or node.name in _HTML_BLOCKS):
            pieces.append(" ")
        elif _is_text(node):
            pieces.append(str(node))
    return _collapse("".join(pieces))


def _html_table(html_table: Tag) -> Iterator[Block]:
    caption = html_table.find("caption")
    if isinstance(caption, Tag) and (caption_text := _inline_text(caption)):
        yield Block(caption_text)
    # Rows of a nested table belong to the outer cell that holds it, not to this table.
    own_rows = [tr for tr in html_table.find_all("tr") if tr.find_parent("table") is html_table]
    block = table(_html_row(tr) for tr in own_rows)
    if block is not None:
        yield block


def _html_row(tr: Tag) -> str:
    return table_row([_inline_text(cell) for cell in tr.find_all(["td", "th"], recursive=False)])


class _HtmlBlockCollector:
    """Walks the parsed page and gathers its blocks, joining inline text into paragraphs."""

    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._lines: list[list[str]] = [[]]  # inline text so far; a new line after each <br>
        self._in_list_item = False

    def visit(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self._visit_tag(child)
            elif _is_text(child):
                self._lines[-1].append(str(child))

    def finish(self) -> list[Block]:
        self._flush()
        return self._blocks

    def _visit_tag(self, tag: Tag) -> None:
        name = tag.name
        if name in _HTML_HEADINGS:
            self._flush()
            if text := _inline_text(tag):
                self._blocks.append(heading(_HTML_HEADINGS[name], text))
        elif name == "table":
            self._flush()
            self._blocks.extend(_html_table(tag))
        elif name == "pre":
            self._flush()
            if text := tag.get_text().strip("\n"):  # preformatted: whitespace is content
                self._blocks.append(Block(text))
        elif name == "br":
            self._lines.append([])
        elif name == "li":
            self._flush()
            self._in_list_item = True
            self.visit(tag)
            self._flush()
            self._in_list_item = False  # an item without text must not mark the next block
        elif name in _HTML_BLOCKS:
            self._flush()
            self.visit(tag)
            self._flush()
        else:
            self.visit(tag)

    def _flush(self) -> None:
        lines = (_collapse("".join(pieces)) for pieces in self._lines)
        text = "\n".join(line for line in lines if line)
        if text:
            self._blocks.append(list_item(text) if self._in_list_item else Block(text))
            # The item's text is used up: a nested list or a second paragraph in the same <li>
            # is not this item's text. An empty flush (e.g. before <li><p>) keeps the mark.
            self._in_list_item = False
        self._lines = [[]]
