"""Where a printed line ends: at the right margin, with the sentence going on on the next line.

A short unpunctuated line followed by a capitalised one looks like a heading. In hard-wrapped
text it often is not: "… arbetsmiljö behöver Region" / "Halland också säkerställa …" is one
sentence that the margin broke before a name. A line reaches the margin when the next line's first
word would not have fitted on it, as wide as the lines around it are; and the next line goes on
with a name when the document writes that word with a capital in the middle of sentences too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ingest.lines import SENTENCE_END, Line

#: Characters are no measure of printed width: a line this close to the widest one around it
#: reaches the margin.
MARGIN_SHARE = 0.95
#: Among table cells and short list items the margin is nowhere to be seen.
MIN_PROSE_WIDTH = 40
#: A capitalised word after a lower-case one: a name, in the middle of a sentence.
_NAME_IN_SENTENCE = re.compile(r"(?<=[a-zåäö,] )([A-ZÅÄÖ][\w-]*)")
_LOWER_WORD = re.compile(r"\b[a-zåäö][\w-]*")
#: Names are counted in lines of prose, not in table rows.
PROSE_WORDS = 8


def mark_run_on_lines(lines: list[Line]) -> list[Line]:
    names = _names(lines)
    texts = [index for index, line in enumerate(lines) if line.text]
    marked = list(lines)
    for position in range(len(texts) - 1):
        neighbours = texts[max(position - 1, 0) : position] + texts[position + 1 : position + 3]
        around = [lines[i].text for i in neighbours]
        current, following = lines[texts[position]].text, lines[texts[position + 1]].text
        next_word = following.split()[0]
        ends_sentence = current.endswith(SENTENCE_END)
        if not ends_sentence and next_word in names and _reaches_margin(current, next_word, around):
            marked[texts[position]] = replace(lines[texts[position]], runs_on=True)
    return marked


def _names(lines: list[Line]) -> set[str]:
    """Words that prose writes with a capital in the middle of its sentences more often than
    without one ("Halland", "Region", "SKR"), but not "Det" of two columns read as one line."""
    capitalised: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for line in lines:
        if len(line.text.split()) >= PROSE_WORDS:
            capitalised.update(_NAME_IN_SENTENCE.findall(line.text))
            lower.update(_LOWER_WORD.findall(line.text))
    return {word for word, n in capitalised.items() if n > lower[word.lower()]}


def _reaches_margin(text: str, next_word: str, around: list[str]) -> bool:
    width = max(map(len, around))
    return width >= MIN_PROSE_WIDTH and len(text) + 1 + len(next_word) > MARGIN_SHARE * width
