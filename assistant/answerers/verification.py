"""Sentence by sentence: does a written answer say only what the passages it cites say?

A generated answer is checked one sentence at a time (a bullet line is a sentence; its [n]
markers stay with it). A sentence is kept only if
- it ends with at least one marker, and every marker names a passage the writer was given;
- it says something: a content word or a number besides its markers;
- every number in it (amounts, dates, SFS numbers, shares) stands in the passages it cites
  (`assistant.answerers.grounding`), and so does every kommun or region it names;
- at least ``min_word_support`` of its content words stand in the passages it cites (quote, table
  header, section, title), in any inflection or compound (`assistant.terms`). The threshold is
  measured by `python -m eval.word_support`.

A connective line without a marker ("Planen anger följande:") is kept only when it ends in a colon,
holds no number and every content word of it stands in the passages given, but for a few words
that only point on ("följande", "nedan"): it claims nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from assistant.answer import Citation
from assistant.answerers.grounding import MARKER, numbers_in, supported_numbers
from assistant.terms import TermNormaliser, present
from ingest.organisations import Organisation, find_organisations, organisation_named

#: Where a sentence may end: its punctuation, the markers after it, then a capital letter.
_SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+\])*\s+(?=[A-ZÅÄÖ])")
#: A word before a full stop that is an abbreviation, not a sentence's end ("bl.a.", "t.ex.").
_ABBREVIATION = re.compile(
    r"\b(?:[a-zåäö]+\.)+[a-zåäö]+$|\b(?:ca|kap|nr|st|resp|jfr|enl)$", re.IGNORECASE
)
#: Words a lead-in may use that no passage needs to have: they point on, they claim nothing.
_LEAD_IN_WORDS = frozenset("följande nedan exempel exempelvis bland annat dessa".split())


@dataclass(frozen=True)
class Sentence:
    """A sentence of an answer, the line it stands on and the passage numbers it cites."""

    text: str
    line: int

    @property
    def markers(self) -> list[int]:
        return [int(number) for number in MARKER.findall(self.text)]


@dataclass(frozen=True)
class Dropped:
    sentence: Sentence
    #: Why, in Swedish: shown in logs and in the answer's `fallback_reason`.
    reason: str


@dataclass
class Verification:
    kept: list[Sentence] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The kept sentences, on the lines they stood on."""
        lines: dict[int, list[str]] = {}
        for sentence in self.kept:
            lines.setdefault(sentence.line, []).append(sentence.text)
        return "\n".join(" ".join(parts) for parts in lines.values())

    @property
    def cited(self) -> list[int]:
        """The passage numbers the kept sentences cite, in order of first use."""
        return list(dict.fromkeys(n for sentence in self.kept for n in sentence.markers))


def verify(
    text: str,
    passages: Mapping[int, Citation],
    normaliser: TermNormaliser,
    min_word_support: float,
) -> Verification:
    """Keep the sentences of ``text`` that its cited ``passages`` (by marker number) support."""
    verification = Verification()
    for sentence in sentences(text):
        reason = _problem(sentence, passages, normaliser, min_word_support)
        if reason is None:
            verification.kept.append(sentence)
        else:
            verification.dropped.append(Dropped(sentence, reason))
    return verification


def sentences(text: str) -> Iterator[Sentence]:
    """The sentences of ``text``, each line split where a sentence ends and a capital follows."""
    for number, line in enumerate(text.splitlines()):
        start = 0
        for end in _SENTENCE_END.finditer(line):
            if _ABBREVIATION.search(line[start : end.start()]):
                continue
            yield Sentence(line[start : end.end()].strip(), number)
            start = end.end()
        if line[start:].strip():
            yield Sentence(line[start:].strip(), number)


def word_support(sentence: str, passage: str, normaliser: TermNormaliser) -> float:
    """The share of the sentence's content words that stand in the passage (1 when it has none)."""
    terms = normaliser.terms(MARKER.sub(" ", sentence))
    if not terms:
        return 1.0
    forms = normaliser.forms(passage)
    return sum(present(term, forms) for term in terms) / len(terms)


def support_text(citations: list[Citation]) -> str:
    """What a sentence citing ``citations`` may draw its words from: the quotes, table headers,
    sections and titles, and the organisations (whose names are checked on their own)."""
    return "\n".join(
        "\n".join(
            part or ""
            for part in (c.quote, c.header, c.section, c.title, c.organisation, c.municipality)
        )
        for c in citations
    )


def _problem(
    sentence: Sentence,
    passages: Mapping[int, Citation],
    normaliser: TermNormaliser,
    min_word_support: float,
) -> str | None:
    """Why the sentence may not be shown, or None when it may."""
    markers = sentence.markers
    if not markers:
        return _connective_problem(sentence, list(passages.values()), normaliser)
    unknown = sorted({n for n in markers if n not in passages})
    if unknown:
        return f"hänvisar till källor som inte gavs: {unknown}"
    if not normaliser.terms(MARKER.sub(" ", sentence.text)) and not numbers_in(sentence.text):
        return "säger ingenting utöver sina markörer"  # a real model answered "[1]" alone
    cited = [passages[n] for n in dict.fromkeys(markers)]
    unsupported = sorted(numbers_in(sentence.text) - supported_numbers(cited))
    if unsupported:
        return f"tal som de citerade källorna inte har: {unsupported}"
    named = _named_in(cited)
    unnamed = [o.name for o in find_organisations(sentence.text) if o not in named]
    if unnamed:
        return f"organisationer som de citerade källorna inte nämner: {unnamed}"
    support = word_support(sentence.text, support_text(cited), normaliser)
    if support < min_word_support:
        return f"för få av orden står i de citerade källorna ({support:.2f} < {min_word_support})"
    return None


def _connective_problem(
    sentence: Sentence, passages: list[Citation], normaliser: TermNormaliser
) -> str | None:
    """A line without a marker may only lead in to what follows, in the passages' own words."""
    if not sentence.text.endswith(":"):
        return "saknar hänvisning till en källa"
    if numbers_in(sentence.text):
        return "inledning med tal men utan hänvisning till en källa"
    words = " ".join(
        w for w in sentence.text.split() if w.lower().strip(":,.") not in _LEAD_IN_WORDS
    )
    if word_support(words, support_text(passages), normaliser) < 1:
        return "inledning med ord som inga källor har"
    return None


def _named_in(citations: list[Citation]) -> set[Organisation]:
    """The organisations the cited passages name or are by."""
    named = set(find_organisations(support_text(citations)))
    for citation in citations:
        for name in (citation.organisation, citation.municipality):
            found = organisation_named(name) if name else None
            if found is not None:
                named.add(found)
    return named
