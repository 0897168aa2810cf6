"""Content words as comparable terms: Swedish base forms, compounds and their parts.

A question and a plan rarely use the same inflection ("akutboendet" / "akutboende", "matlådorna" /
"matlåda") and often compound differently ("demensplatser" / "platser för personer med demens").
Every word is reduced to a term: its base form (simplemma's Swedish dictionary; for a compound
the dictionary does not know, the base forms of its two known parts, `ingest.compounds`:
"demensplatser" → "demens" + "plats"; for a word it neither knows nor splits, the base form its
ending suggests: "högkostnadsskyddet" → "högkostnadsskydd"), then stemmed (Snowball), which merges
what the dictionary leaves apart.

A question term is *present* in a text when the text has the term itself, the noun of its verb or
the verb of its noun ("investerar" / "investeringar", "betalas ut" / "utbetalning"), a compound
ending in it after a word ("avgift" in "omsorgsavgiften"; not "svar" in "ansvar"), or, for a
compound term, all its parts ("demensplats" in "platser för demens", "spelautomater" in
"automatspel"; "tobakslag" read as "tobak|slag" or as "tobaks|lag", in "lag om tobak"). A compound
the dictionary knows as a word is split too, where its base form is the first part and a word
("skatte|sats", not "budgete|rade"), but its parts only meet another compound's parts: such a
split can be chance ("fort|satt"), so they are no words of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import simplemma
import Stemmer

from ingest.compounds import (
    ACTION_NOUN,
    LANGUAGE,
    MIN_LINKED_PART,
    MIN_PART,
    STOPWORDS,
    compound_parts,
    is_modifier,
    other_reading,
)

#: Words that say what kind of question it is, or how it is phrased, not what it is about: a plan
#: never says "hur mycket pengar", it says "budget … tkr".
QUESTION_WORDS = frozenset(
    (
        "vad vilka vilken vilket hur när var varför vem vems finns gäller står säger enligt "
        "plan planen planerna planens kommun kommunen kommunens nämnd nämnden nämndens "
        "socialnämnden socialnämndens fråga ska skall kan får fick göra gör gjorde många mycket "
        "stor stort stora ofta går gick tog vill sköter ligger egentligen alltså nummer numret "
        "sfs-numret pengar pengarna hänvisar anger nämner tar upp finns ha har hade region "
        "regionen regionens landsting nya ny nytt heter kostar kosta tror trodde ville "
        # How much, compared: "tar Uppsala ut mer eller mindre skatt än Dalarna?" is about tax.
        "mer mera mest mindre minst fler flest färre färst större störst"
    ).split()
)
#: The version of how words become terms: word rarities saved by another version count other
#: forms, so they are counted again. Bump it with any change to `TermNormaliser`'s forms.
TERMS_VERSION = 5
_WORD = re.compile(r"\w+(?:-\w+)*")
#: The shortest first part of a hyphenated compound that stands for something alone ("e-tjänster"
#: has none).
_MIN_HYPHEN_MODIFIER = 3


@dataclass(frozen=True)
class Term:
    """A normalised content word; `parts` are its compound parts (modifier, head), if known."""

    form: str
    parts: tuple[str, ...] = ()
    #: The dictionary knows the whole word, so its parts may be a split by chance ("fort|satt"):
    #: they stand only for a compound's parts, never for a word of their own (`present`).
    known: bool = False
    #: The parts of the compound's other reading, if it has one ("tobaks|lag" of "tobak|slag").
    other_parts: tuple[str, ...] = ()
    #: The stem of the word as written, where it differs from `form`: the dictionary gives some
    #: inflections of one word different base forms ("vuxen" → "växa" but "vuxna" → "vuxen",
    #: "boende" → "bo" but "boendet" → "boende"), and the written stems still meet.
    surface: str = ""


class TermNormaliser:
    def __init__(self, stemmer: str = "swedish") -> None:
        self._stemmer = Stemmer.Stemmer(stemmer)
        self.term = lru_cache(maxsize=200_000)(self._term)

    def terms(self, text: str) -> list[Term]:
        """The content terms of a text, in order (repeats kept)."""
        return [self.term(word) for word in content_words(text)]

    def forms(self, text: str) -> set[str]:
        """The normalised forms of a text's content words and of their compound parts: what a
        question term is looked for in."""
        found: set[str] = set()
        for term in self.terms(text):
            found.add(term.form)
            if term.surface:
                found.add(term.surface)
            # A dictionary word's parts may be a split by chance ("fort|satt", "verksam|heter").
            found.update(map(_part_only, term.parts) if term.known else term.parts)
        return found

    def _term(self, word: str) -> Term:
        word = word.lower()
        if "-" in word:  # "läkemedels-automater", "e-tjänster": one compound, its head last
            modifier, head = word.rsplit("-", 1)
            modifier = modifier.replace("-", "")
            if len(head) >= MIN_PART and modifier:
                joined = self._stem(modifier + simplemma.lemmatize(head, LANGUAGE))
                if (
                    len(modifier) < _MIN_HYPHEN_MODIFIER
                ):  # "e-tjänster": no part stands for it alone
                    return Term(joined)
                return Term(joined, (self._modifier(modifier), self._base(head)))
        split = compound_parts(word)
        known = simplemma.is_known(word, lang=LANGUAGE)
        if split is not None and known and not _splits_base(word, split[0]):
            split = None
        if split is None:
            # An unknown word ("högkostnadsskyddet") is inflected by its ending, like "skyddet".
            form = self._stem(simplemma.lemmatize(word, lang=LANGUAGE, greedy=not known))
            surface = self._stem(word)
            return Term(form, surface=surface if surface != form else "")
        modifier, head = split
        if known:
            base = simplemma.lemmatize(word, lang=LANGUAGE)
        else:
            base = modifier + simplemma.lemmatize(head, lang=LANGUAGE)
        other = other_reading(modifier, head)
        other_parts = (self._modifier(other[0]), self._base(other[1])) if other else ()
        parts = (self._modifier(modifier), self._base(head))
        return Term(self._stem(base), parts, known, other_parts)

    def _modifier(self, modifier: str) -> str:
        """A compound's first part without its linking s ("läkemedels" → "läkemedel")."""
        return self._stem(modifier.removesuffix("s") if len(modifier) > 4 else modifier)

    def _base(self, word: str) -> str:
        return self._stem(simplemma.lemmatize(word, lang=LANGUAGE))

    def _stem(self, word: str) -> str:
        return str(self._stemmer.stemWord(word))


def _splits_base(word: str, modifier: str) -> bool:
    """Whether a word the dictionary knows is a compound at ``modifier``: its base form is the
    modifier and a word ("skattesatsen" → "skatte|sats"), not the modifier and an inflection
    ("budgeterade" → "budgetera" is no "budgete|rade", "intäkterna" no "intäkt|erna")."""
    base = simplemma.lemmatize(word, lang=LANGUAGE).lower()
    rest = base.removeprefix(modifier)
    return rest != base and len(rest) >= MIN_LINKED_PART and simplemma.is_known(rest, lang=LANGUAGE)


def _part_only(part: str) -> str:
    """How a part of a word the dictionary knows is kept among a text's forms: marked, so that
    it matches a question compound's part but no question word, as a form or as an ending."""
    return f"{part}|"


def content_words(text: str) -> Iterable[str]:
    """The words of a text that carry content: no stop words, question words or bare numbers."""
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word.isdigit() or word in STOPWORDS or word in QUESTION_WORDS:
            continue
        yield word


def _derived(form: str, forms: set[str]) -> bool:
    """Whether the text has the noun of the verb ``form`` names, or the verb of that noun. The
    noun may be a compound, as a particle verb's is: "betalas ut" / "utbetalning", "följs upp" /
    "uppföljning", "tas fram" / "framtagning"."""
    if len(form) < MIN_PART:
        return False
    for suffix in ACTION_NOUN:
        noun = form + suffix
        if noun in forms or (form.endswith(suffix) and form[: -len(suffix)] in forms):
            return True
        if any(text_form.endswith(noun) for text_form in forms):
            return True
    return False


def present(term: Term, forms: set[str]) -> bool:
    """Whether a question term is in a text whose `forms` (see `TermNormaliser.forms`) are given:
    the term itself, all its compound parts, a compound of the text ending in it after a word, or
    the term mistyped by a letter."""
    if _has(term.form, forms) or term.surface in forms or _derived(term.form, forms):
        return True
    for parts in (term.parts, term.other_parts):
        if parts and all(_has(part, forms) or _part_only(part) in forms for part in parts):
            return True
    if len(term.form) >= MIN_PART and any(
        form.endswith(term.form) and is_modifier(form[: -len(term.form)]) for form in forms
    ):
        return True
    return len(term.form) >= MIN_MISTYPED and any(_one_letter_more(term.form, f) for f in forms)


def _has(form: str, forms: set[str]) -> bool:
    """Whether the text has the form, or a word derived from it with a linking s: the stemmer
    leaves "brottslighet" as "brotts", "rättslig" as "rätts"."""
    return form in forms or (len(form) >= MIN_PART and f"{form}s" in forms)


#: The shortest term found in a text that writes it with one letter too many or too few: a typo
#: ("Skatteinträkter" for "Skatteintäkter"). Shorter words one letter apart are often other words.
MIN_MISTYPED = 9


def _one_letter_more(first: str, second: str) -> bool:
    """Whether one of two words is the other with one letter added (not changed: "planering" and
    "placering" are two words, a letter left out or doubled is a typo)."""
    if abs(len(first) - len(second)) != 1 or first[:3] != second[:3]:
        return False
    shorter, longer = sorted((first, second), key=len)
    at = next((i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), None)
    return at is None or longer[at + 1 :] == shorter[at:]
