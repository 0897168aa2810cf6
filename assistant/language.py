"""Whether a question is Swedish, and whether it is words at all (not keyboard mash): word lists
and letter patterns, no model.

Apart from `analyse` because the word lists are long and say nothing about what is asked.
"""

from __future__ import annotations

import re

#: Frequent Swedish function words, with the spellings of keyboards without å/ä/ö ("ar", "for").
_SWEDISH_WORDS = frozenset(
    """och att det som en ett på pa är ar för for med har hade av till den de inte om vad vilka
    vilken vilket hur var när nar kan ska skall jag vi från fran eller också ocksa så sa finns
    gäller galler mycket många manga någon några nagon nagra sig sin sina sitt vara blir får
    alla vem varför varfor dem denna detta dessa efter mellan enligt hos sedan där dar här har
    samt utan mot vid bara nu då även ännu vill måste står gör gjorde göra säger fått ha hur
    kommunen kommun kommunens nämnden socialnämnden mig min mitt mina oss vår våra ni er ert
    eftersom därför dock också än""".split()
)
#: Function words of the languages a user might write instead, none of them Swedish words.
_OTHER_LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "english": frozenset(
        """the is are was were what which who whom whose how why where when does do did of and
        to with on from that this these those there their it its been have has had will would
        can could should about please any many much my your our we you they not or an a me
        tell show give get know want need municipality municipal""".split()
    ),
    "german": frozenset(
        """der die das und ist sind welche welcher welches wie was wer wo wann warum für fuer mit
        von zu nicht ein eine einen einem gibt es auf im dem des sich auch oder haben hat wird
        werden kann können ich wir sie bitte über ueber gemeinde""".split()
    ),
    "norwegian_danish": frozenset(
        """hva hvilke hvilken hvordan hvor hvad hvem hvorfor ikke jeg og også meg mye noen nogle
        budsjett budsjettet kommune""".split()
    ),
    "finnish": frozenset(
        """mitä mikä mitkä kuinka paljon onko ovat kunta kunnan vuonna missä miten miksi kuka
        tämä""".split()
    ),
    "french": frozenset(
        "les est quels quelle quelles quel une du pour dans sont avec qui que combien où et".split()
    ),
    "spanish": frozenset(
        """es los las cuál cuáles qué cómo por para con una del está hay""".split()
    ),
}
_LETTERS = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouyåäöéèáàüæøí")
_KEYBOARD_ROWS = ("qwertyuiopå", "asdfghjklöä", "zxcvbnm")
_REPEATED_CHARACTER = re.compile(r"(.)\1\1")
_CONSONANT_RUN = re.compile(r"[^aeiouyåäöéèáàüæøí]{6,}")


def is_swedish(words: list[str]) -> bool:
    """False only for text clearly in another language: more of its function words than Swedish
    ones. Names, numbers and Swedish written without å/ä/ö stay Swedish."""
    swedish = sum(word in _SWEDISH_WORDS for word in words)
    other = max(
        sum(word in vocabulary for word in words) for vocabulary in _OTHER_LANGUAGE_WORDS.values()
    )
    return not (other >= 1 and other > swedish)


def is_meaningful(words: list[str]) -> bool:
    """False for text with no words or only keyboard mash ("asdfgh", "jjjjj", "sdkfjhsdf")."""
    if not words:
        return False
    if any(_is_function_word(word) for word in words):
        return True
    word_like = sum(_looks_like_word(word) for word in words)
    return word_like * 2 > len(words)


def _is_function_word(word: str) -> bool:
    return word in _SWEDISH_WORDS or any(word in v for v in _OTHER_LANGUAGE_WORDS.values())


def _looks_like_word(word: str) -> bool:
    if len(word) <= 2:
        return True
    vowels = sum(char in _VOWELS for char in word)
    return not (
        vowels == 0
        or _REPEATED_CHARACTER.search(word)
        or _CONSONANT_RUN.search(word)
        or (len(word) >= 8 and vowels / len(word) < 0.2)
        or _runs_along_keyboard(word)
    )


def _runs_along_keyboard(word: str) -> bool:
    """Four keys in a row of the keyboard, either way: "asdf", "lkjh", "qwer"."""
    for start in range(len(word) - 3):
        piece = word[start : start + 4]
        if any(piece in row or piece[::-1] in row for row in _KEYBOARD_ROWS):
            return True
    return False


def words_of(text: str) -> list[str]:
    """The runs of letters in a text, lower-cased: what the word lists are matched against."""
    return [word.lower() for word in _LETTERS.findall(text)]
