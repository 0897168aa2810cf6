"""A question of several parts, split into questions that each ask one thing.

"Försörjningsstöd i Norrtälje: hur stor är budgeten 2023 och när betalas pengarna ut?" asks for an
amount and a date; answered as one, the passage with the amount outscores the one with the date
and half the question goes unanswered. Each part is answered (and cited) on its own. A part starts
where a new interrogative clause does after "och", a comma, a semicolon or a full stop ("…, och vem
…", "… och när …"); what stands before the first interrogative ("Försörjningsstöd i Norrtälje:")
names the topic of every part, so it is kept in each, and a part that points back ("… och när ska
det redovisas?") carries the first part's words in parentheses.

A part may also name what it asks about only by what a plan says of it: "Vilken föreskrift gäller
för *det område som Norrtälje prioriterar särskilt 2023*?". No passage holds both the priority
and the regulation, so that clause is asked first ("Vad Norrtälje prioriterar särskilt 2023?",
`bridge_of`), and the part is then asked with its answer in place of the clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A new interrogative clause inside a question: "… och när …", "…, vilken …", "…? Vilka …".
_PART_START = re.compile(
    r"(?:,\s*(?:och\s+|samt\s+)?|\s(?:och|samt)\s+|[;?.!]\s+)"
    r"(?=(?:sedan\s+|från\s+|enligt\s+|med\s+stöd\s+av\s+|i\s+|på\s+|med\s+)?"
    r"(?:vad|vilken|vilket|vilka|hur|när|var|vem|vems|varför)\b)",
    re.IGNORECASE,
)
_FIRST_INTERROGATIVE = re.compile(
    r"(?:^|[\s:–—-])(?=(?:vad|vilken|vilket|vilka|hur|när|var|vem|vems|varför)\b)", re.IGNORECASE
)
#: A part must ask something of its own: "… och hur?" is no part.
MIN_PART_WORDS = 3
#: How an answer names the parts ("frågans andra del"); more interrogatives than these in one
#: question are a run-on, not parts to answer one by one.
PART_NAMES = ("första", "andra", "tredje", "fjärde")
#: A later part that points back ("… och vilket diarienummer har *den*?") needs the first part's
#: words to be understood on its own.
_POINTS_BACK = re.compile(r"\b(?:den|det|dem|dess|deras|denna|detta|dessa|där|dit)\b", re.I)


#: What a question names only by a clause with a subject of its own: "det område som Norrtälje
#: prioriterar", "det som Norrköpings socialnämnd ger tillstånd till", "de mål som Regionen följer
#: upp". The subject is a name, so "den som har rätt till bistånd" (whoever) and "kommunallagen som
#: Dalarna hänvisar till" (named already) are no such clause; "det" or a noun before "som" keeps
#: out "den som Norrtälje placerar" (a person).
_BRIDGE = re.compile(
    r"(?<![Ää]r )(?<![Vv]ar )\b(?:det(?:\s+[a-zåäö]+)?|(?:den|de)\s+[a-zåäö]+)\s+som\s+"
    r"(?P<clause>[A-ZÅÄÖ][^,;?]*[^,;?\s])",
)


@dataclass(frozen=True)
class Bridge:
    """A part that names what it asks about by a clause, and the question that clause asks."""

    part: str
    #: Where the naming phrase ("det område som Norrtälje prioriterar särskilt 2023") stands.
    start: int
    end: int
    question: str

    def resolved(self, said: str) -> str:
        """The part with what the plan said in answer to the clause in place of the phrase."""
        return f"{self.part[: self.start]}({said}){self.part[self.end :]}"


def bridge_of(part: str) -> Bridge | None:
    """The bridging clause of a part, asked as a question ("Vad Norrtälje prioriterar särskilt
    2023?"), or None if it has none."""
    match = _BRIDGE.search(part)
    if match is None:
        return None
    return Bridge(part, match.start(), match.end(), f"Vad {match.group('clause')}?")


def question_parts(question: str) -> list[str]:
    """The parts of `question`, each with the topic stated before the first interrogative; the
    question itself when it has one part."""
    first = _FIRST_INTERROGATIVE.search(question)
    if first is None:
        return [question]
    preamble = question[: first.start()].strip() if first.start() else ""
    body = question[len(question[: first.start()]) :].strip()
    pieces = _split(body)
    if not 2 <= len(pieces) <= len(PART_NAMES):
        return [question]
    first_piece = pieces[0]
    parts = []
    for index, piece in enumerate(pieces):
        if index and _POINTS_BACK.search(piece):
            piece = f"{piece.rstrip('?')} ({first_piece.rstrip('?')})"
        parts.append(f"{preamble} {piece}".strip() if preamble else piece)
    return parts


def _split(body: str) -> list[str]:
    pieces, start = [], 0
    for match in _PART_START.finditer(body):
        pieces.append(body[start : match.start()])
        start = match.end()
    pieces.append(body[start:])
    cleaned = [piece.strip(" ,;") for piece in pieces]
    if any(len(piece.split()) < MIN_PART_WORDS for piece in cleaned):
        return [body]
    return cleaned
