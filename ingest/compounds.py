"""Swedish compounds and their parts, by simplemma's Swedish dictionary.

Swedish writes compounds as one word ("skattesatsen", "anhörigstöd", "hemtjänstavgiften"), and a
question and a plan often compound differently ("hur mycket skatt" / "skattesatsen", "stödet till
anhöriga" / "anhörigstöd"). A compound is split where its longest last part is a word the
dictionary knows and what stands before it is one too (allowing the linking "s" or "e":
"verksamhets|plan", "skatte|sats"), so that a word that merely ends like one ("budg|eten") is not.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma
from bm25s.stopwords import STOPWORDS_SWEDISH

LANGUAGE = "sv"
#: The shortest last part looked up on its own ("ort" in "vårdort" is not).
MIN_PART = 4
#: The shortest first part: three letters are too often a word by chance ("bud|geten").
MIN_MODIFIER = 4
#: bm25s's Swedish stop words as a set: bm25s keeps them in a tuple, and testing membership in it
#: word by word was 38 % of fitting the evidence scorer at 50k chunks.
STOPWORDS = frozenset(STOPWORDS_SWEDISH)
#: Letters that join the parts of a compound: "verksamhet-s-plan", "skatt-e-sats".
_LINKS = ("s", "e")
#: The suffixes that make a noun of a verb's stem: "investerar" / "investering", "utreder" /
#: "utredning", "satsar" / "satsning" (a question asks with the verb, a plan names the act), or
#: the act of a noun: "e-arkiv" / "e-arkivering".
ACTION_NOUN = ("ing", "ning", "ering")


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, str] | None:
    """(first part, last part) of a compound, as written ("skatte", "satsen"); None if `word` is
    not a compound of two known words."""
    for start in range(MIN_MODIFIER, len(word) - MIN_PART + 1):
        head = word[start:]
        modifier = word[:start]
        if simplemma.is_known(head, lang=LANGUAGE) and _is_word(modifier):
            return modifier, head
    return None


#: The shortest first part of a compound that a word's ending tells (`is_modifier`): "hem" in
#: "hemtjänst"; not "an" in "ansvar" or "in" in "insats".
MIN_KNOWN_MODIFIER = 3


@lru_cache(maxsize=200_000)
def is_modifier(text: str) -> bool:
    """Whether ``text`` can stand first in a compound whose last part is known: "omsorgs" in
    "omsorgsavgift" can, "an" in "ansvar" cannot (no "svar" is meant there)."""
    return len(text) >= MIN_KNOWN_MODIFIER and _is_word(text)


def _is_word(modifier: str) -> bool:
    if modifier in STOPWORDS:  # "till|gänglighet", "över|syn": a particle, not a part
        return False
    if simplemma.is_known(modifier, lang=LANGUAGE):
        return True
    linked = modifier[-1] in _LINKS and len(modifier) > MIN_MODIFIER
    return linked and simplemma.is_known(modifier[:-1], lang=LANGUAGE)


#: The shortest last part of a compound's other reading (`other_reading`): "lag" in "tobaks|lag";
#: and of a known word's base form after its first part ("sats" in "skatte|sats").
MIN_LINKED_PART = 3


def other_reading(modifier: str, head: str) -> tuple[str, str] | None:
    """The compound read with the linking letter on the first part, when its last part starts
    with one: "tobak|slag" is also "tobaks|lag", "inkomst|skatt" also "inkomsts|katt". The
    dictionary cannot tell which is meant, so both are kept."""
    rest = head[1:]
    if head[:1] not in _LINKS or len(rest) < MIN_LINKED_PART or rest in STOPWORDS:
        return None
    return (modifier + head[0], rest) if simplemma.is_known(rest, lang=LANGUAGE) else None
