"""Whether a question asks which law (or regulation) something rests on: "vilken lag",
"lagstöd", "enligt vilken paragraf", "vilka allmänna råd".

Apart from `analyse` because the expectation of an answer (`assistant.expectation`) asks the same
of its phrases.
"""

from __future__ import annotations

import re

from assistant.language import words_of

_LAW_PHRASE = re.compile(
    r"\b(?:lagstöd\w*|lagrum\w*|lagstiftning\w*|lagkrav\w*|författning\w*|sfs(?:-\w+)?"
    r"|med\s+stöd\s+av|enligt\s+vilk(?:en|et|a)|svensk\s+lag|lag(?:en|ar|arna)?)\b|§",
    re.IGNORECASE,
)
_INTERROGATIVES = frozenset({"vilken", "vilket", "vilka"})
#: Words that end in "lag" without being laws ("förslag", "klockslag", "underlag", "bolag"...).
_NOT_LAWS = (
    "förslag", "underlag", "avslag", "inslag", "utslag", "anslag", "påslag", "tillslag",
    "beslag", "upplag", "samlag", "bolag", "förlag", "uppslag", "omslag", "handslag", "klockslag",
)  # fmt: skip
_LAW_NOUN = re.compile(
    r"(?P<stem>\w*(?:lag|förordning|föreskrift|författning|lagrum|paragraf|balk|bestämmelse))"
    r"(?:en|ens|ar|arna|er|erna|s)?|sfs(?:-\w+)?",
    re.IGNORECASE,
)


def asks_for_law(question: str) -> bool:
    """Whether a question asks which law (or regulation) something rests on."""
    return _LAW_PHRASE.search(question) is not None or asks_which_law(question)


def asks_which_law(question: str) -> bool:
    """ "vilken lag", "vilket SFS-nummer", "vilka allmänna råd", with up to two words between."""
    words = words_of(question)
    for index, word in enumerate(words):
        if word not in _INTERROGATIVES:
            continue
        following = words[index + 1 : index + 4]
        if any(_is_law_noun(noun) for noun in following):
            return True
        if "allmänna" in following and "råd" in words[index + 1 : index + 5]:
            return True
    return False


def _is_law_noun(word: str) -> bool:
    match = _LAW_NOUN.fullmatch(word)
    return match is not None and not (match.group("stem") or "").endswith(_NOT_LAWS)
