"""A question of several parts, split into questions that each ask one thing.

"Försörjningsstöd i Norrtälje: hur stor är budgeten 2023 och när betalas pengarna ut?" asks for an
amount and a date; answered as one, the passage with the amount outscores the one with the date
and half the question goes unanswered. Each part is answered (and cited) on its own. A part starts
where a new interrogative clause does after "och", a comma, a semicolon or a full stop ("…, och vem
…", "… och när …"); what stands before the first interrogative ("Försörjningsstöd i Norrtälje:")
names the topic of every part, so it is kept in each, and a part that points back ("… och när ska
det redovisas?") carries the first part's words in parentheses.
"""

from __future__ import annotations

import re

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
