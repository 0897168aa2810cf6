"""The topic of a question: the question without its filter and comparison words, nor the words
left dangling by them ("i", "och", "planen"). It is what each side of a comparison searches for.

Apart from `analyse` because it is a small token-level algorithm of its own, working on the
mentions' spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.mentions import Mention, is_genitive

#: Words that only led to a removed filter: "i Norrköping", "för 2017", "både i Norrtälje".
_LEADING_WORDS = frozenset(
    "i för for från fran hos inom enligt under inför infor till mellan sedan år åren in på pa av "
    "vid både båda inne "
    "kommunerna".split()
)
#: Words that only joined two removed filters: "Norrköping och Norrtälje", "2017 – 2024".
_CHAINING_WORDS = frozenset({"både", "båda"})
_JOINING_WORDS = frozenset("och eller samt mot , – - / &".split())
#: Generic plan words after a removed owner: "Norrköpings plan", "2024 års plan".
_PLAN_WORDS = frozenset("plan planen planens planer planerna plans".split())
_TOKEN = re.compile(r"[\w-]*\w|[^\w\s]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?)])")
_EMPTY_PARENTHESES = re.compile(r"\(\s*\)")
_EDGE_PUNCTUATION = " \t\n,;:–—-?!.…"


def strip_filters(question: str, mentions: Iterable[Mention]) -> str:
    """The question without its filter and comparison words, nor the words left dangling."""
    mentions = list(mentions)
    tokens = list(_TOKEN.finditer(question))
    filters = _inside_mentions(tokens, mentions)
    owners = _owner_tokens(question, tokens, mentions, filters)
    words = [token.group().lower() for token in tokens]
    removed = list(filters)
    _remove_plan_words(words, removed)
    _remove_leading_words(words, removed, filters, owners)
    _remove_joining_words(words, removed)
    _remove_leading_words(words, removed, filters, owners)
    return _tidy(_join_kept(question, tokens, removed))


def _inside_mentions(tokens: list[re.Match[str]], mentions: list[Mention]) -> list[bool]:
    """Whether each token starts inside a mention, in one pass over both sorted by start: testing
    every token against every mention grew with their product, seconds for a pasted page."""
    spans = sorted((m.start, m.end) for m in mentions)
    inside, next_span, reach = [], 0, -1  # reach: the furthest end of the spans begun so far
    for token in tokens:
        while next_span < len(spans) and spans[next_span][0] <= token.start():
            reach = max(reach, spans[next_span][1])
            next_span += 1
        inside.append(token.start() < reach)
    return inside


def _owner_tokens(
    question: str, tokens: list[re.Match[str]], mentions: list[Mention], filters: list[bool]
) -> set[int]:
    """First tokens of a genitive organisation that owns the next, kept word: in "i Region
    Hallands budget" the "i" belongs to "budget" and stays."""
    first_token = {token.start(): index for index, token in enumerate(tokens)}
    after_token = {token.end(): index + 1 for index, token in enumerate(tokens[:-1])}
    owners = set()
    for m in mentions:
        if m.kind != "organisation" or not is_genitive(question[m.start : m.end], str(m.value)):
            continue
        following = after_token.get(m.end)
        if following is None or m.start not in first_token:
            continue
        next_word = tokens[following].group().lower()
        if next_word.isalpha() and next_word not in _PLAN_WORDS and not filters[following]:
            owners.add(first_token[m.start])
    return owners


def _remove_plan_words(words: list[str], removed: list[bool]) -> None:
    for index in range(1, len(words)):
        if words[index] in _PLAN_WORDS and removed[index - 1]:
            removed[index] = True


def _remove_leading_words(
    words: list[str], removed: list[bool], filters: list[bool], owners: set[int]
) -> None:
    """Right to left, so "i både i Norrköping" goes whole; but "år" in "varje år i Söderköping"
    stays: only "både"/"båda" chain to another leading word."""
    for index in range(len(words) - 2, -1, -1):
        after = index + 1
        if removed[index] or not removed[after] or words[index] not in _LEADING_WORDS:
            continue
        leads_to_filter = filters[after] and after not in owners
        chained = words[index] in _CHAINING_WORDS or words[after] in _CHAINING_WORDS
        if leads_to_filter or chained:
            removed[index] = True


def _remove_joining_words(words: list[str], removed: list[bool]) -> None:
    for index in range(1, len(words) - 1):
        between_removed = removed[index - 1] and removed[index + 1]
        if between_removed and words[index] in _JOINING_WORDS:
            removed[index] = True


def _join_kept(question: str, tokens: list[re.Match[str]], removed: list[bool]) -> str:
    """The kept tokens with their original spacing ("individ- och"), one space across a gap."""
    parts: list[str] = []
    previous = -1
    for index, token in enumerate(tokens):
        if removed[index]:
            continue
        if parts:
            adjacent = previous == index - 1
            parts.append(question[tokens[previous].end() : token.start()] if adjacent else " ")
        parts.append(token.group())
        previous = index
    return "".join(parts)


def _tidy(text: str) -> str:
    text = _EMPTY_PARENTHESES.sub("", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split()))
    return text.strip(_EDGE_PUNCTUATION)
