"""Measure the content-word support a sentence needs to be kept (`openai.min_word_support`).

`python -m eval.word_support` scores sentence/passage pairs with the verifier's own measure
(`assistant.answerers.verification.word_support`): the share of a sentence's content words that
stand in a passage, in any inflection or compound. It picks the threshold that best separates
faithful from unfaithful pairs on the *fit* set (balanced accuracy) and reports that threshold's
figures on the *held-out* set, which is skipped with a message where its corpus is absent.

No language model is available here, so the pairs are built, not sampled, and the figures say how
well the measure separates these constructions, not how a given model writes:
- a *faithful* sentence restates an item's gold quote: its clauses reordered and its function
  words changed ("reworded"), alone or after the question's content words ("topic: reworded"), as
  an answer that names its topic would. It is checked against its gold passage (the paragraph of
  the corpus file that holds the quote, with the document's title line);
- an *unfaithful* pair is the same sentence checked against the gold passage of another item about
  the same organisation (on the topic, from the same plans, but not what the sentence says), or
  the question's content words before the other item's reworded quote, checked against the
  item's own passage (an answer to the question taken from the wrong place).
Passages are read from the corpus files (gold quotes are verbatim in them), so no index or
embedding model is needed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answerers.verification import word_support
from assistant.terms import TermNormaliser, content_words
from eval.metrics import GoldItem
from eval.registry import MORE, PLANS, EvalSet
from eval.runner import load_set

#: Function words swapped for others of the same role: a reformulation that changes no claim.
_SWAPS = {"och": "samt", "är": "blir", "som": "vilka", "med": "tillsammans med", "i": "inom"}
#: The thresholds tried, in steps of 0.05.
THRESHOLDS = [step / 20 for step in range(21)]


@dataclass(frozen=True)
class Pair:
    sentence: str
    passage: str
    faithful: bool


@dataclass(frozen=True)
class Figures:
    pairs: int
    faithful_kept: float
    unfaithful_dropped: float

    @property
    def balanced_accuracy(self) -> float:
        return (self.faithful_kept + self.unfaithful_dropped) / 2

    def __str__(self) -> str:
        return (
            f"{self.pairs} par: trogna behållna {self.faithful_kept:.3f}, otrogna strukna "
            f"{self.unfaithful_dropped:.3f}, balanserad träffsäkerhet {self.balanced_accuracy:.3f}"
        )


def reworded(quote: str) -> str:
    """The quote's clauses in the other order, its function words swapped: the same claim."""
    words = [_SWAPS.get(word.lower(), word) for word in quote.rstrip(" ,.;:").split()]
    middle = len(words) // 2
    return " ".join(words[middle:] + words[:middle])


def gold_passage(corpus: Path, file: str, quote: str) -> str | None:
    """The paragraph of the corpus file holding the quote, under the file's title line."""
    path = corpus / file
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    at = text.find(quote)
    if at < 0:
        return None
    start = text.rfind("\n\n", 0, at) + 1
    end = text.find("\n\n", at + len(quote))
    title = next((line for line in text.splitlines() if line.strip()), "")
    return f"{title}\n{text[start : end if end >= 0 else len(text)].strip()}"


def pairs(items: Sequence[GoldItem], corpus: Path) -> list[Pair]:
    """Faithful and unfaithful pairs of the answerable items whose gold quote is found."""
    golds: list[tuple[str, GoldItem, str, str]] = []  # organisation, item, quote, passage
    for item in items:
        if not item.answerable or not item.sources:
            continue
        source = item.sources[0]
        passage = gold_passage(corpus, source.file, source.quote)
        if passage is not None:
            golds.append((_organisation(item, source.file), item, source.quote, passage))
    found: list[Pair] = []
    for at, (organisation, item, quote, passage) in enumerate(golds):
        topic = " ".join(content_words(item.question))
        faithful = [reworded(quote), f"{topic}: {reworded(quote)}"]
        found += [Pair(sentence, passage, faithful=True) for sentence in faithful]
        # The next item about the same organisation (in file order, wrapping) with another passage.
        later = golds[at + 1 :] + golds[:at]
        elsewhere = (g for g in later if g[2] not in passage and quote not in g[3])
        other = next((g for g in elsewhere if g[0] == organisation), None)
        if other is not None:
            _, _, other_quote, other_passage = other
            found += [Pair(sentence, other_passage, faithful=False) for sentence in faithful]
            # The question's topic with another passage's claim: an answer from the wrong place.
            found.append(Pair(f"{topic}: {reworded(other_quote)}", passage, faithful=False))
    return found


def figures(supports: Sequence[tuple[float, bool]], threshold: float) -> Figures:
    """How a threshold sorts scored pairs (support, faithful): kept when support ≥ threshold."""
    faithful = [s for s, is_faithful in supports if is_faithful]
    unfaithful = [s for s, is_faithful in supports if not is_faithful]
    return Figures(
        pairs=len(supports),
        faithful_kept=sum(s >= threshold for s in faithful) / max(len(faithful), 1),
        unfaithful_dropped=sum(s < threshold for s in unfaithful) / max(len(unfaithful), 1),
    )


def best_threshold(supports: Sequence[tuple[float, bool]]) -> float:
    """The threshold of highest balanced accuracy; of equals, the strictest."""
    return max(THRESHOLDS, key=lambda t: (figures(supports, t).balanced_accuracy, t))


def scored(eval_set: EvalSet, normaliser: TermNormaliser) -> list[tuple[float, bool]]:
    built = pairs(load_set(eval_set.questions), eval_set.corpus)
    return [(word_support(p.sentence, p.passage, normaliser), p.faithful) for p in built]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.parse_args(argv)
    normaliser = TermNormaliser()
    fit = scored(PLANS, normaliser)
    threshold = best_threshold(fit)
    print(f"Vald tröskel (min_word_support): {threshold:.2f}")
    print(f"{PLANS.label}: {figures(fit, threshold)}")
    missing = MORE.missing()
    if missing is not None:
        print(f"{MORE.label}: hoppas över ({missing})")
        return
    print(f"{MORE.label}: {figures(scored(MORE, normaliser), threshold)}")


def _organisation(item: GoldItem, file: str) -> str:
    """Who an item is about: its kommun (the first of several), else its gold file's author."""
    named = item.municipality[0] if isinstance(item.municipality, list) else item.municipality
    return named or file


if __name__ == "__main__":
    main()
