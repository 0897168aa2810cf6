"""The eval sets, the corpus each one is asked over, and the role each plays in fitting.

Every value that is fitted or chosen (thresholds, weights, margins, limits) is chosen on the *fit*
set and reported on the *held-out* sets, so the held-out figures are out of sample. The held-out
corpus is real documents this project was not developed on (`../shared/corpus-more`); it is not
shipped, so those sets are unavailable (and their tests skip) where `../shared` is absent. Some
fixes were found by reading `more`'s failures; `fresh` is over the same documents and has never
been read that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

EVAL_DIR = Path(__file__).resolve().parent
REPO_DIR = EVAL_DIR.parent
SETS_DIR = EVAL_DIR / "sets"
BASELINES_DIR = EVAL_DIR / "baselines"

Role = Literal["fit", "held-out"]


@dataclass(frozen=True)
class EvalSet:
    name: str
    questions: Path
    corpus: Path
    role: Role
    description: str
    #: The eval index the set is asked over, by name: sets over one corpus share one.
    index: str | None = None

    @property
    def index_name(self) -> str:
        return self.index or self.name

    @property
    def baseline(self) -> Path:
        return BASELINES_DIR / f"{self.name}.json"

    @property
    def label(self) -> str:
        kind = "anpassning (i urvalet)" if self.role == "fit" else "utanför urvalet"
        return f"{self.name} – {kind}"

    def missing(self) -> str | None:
        """Why the set cannot be run here, or None when it can."""
        if not self.questions.is_file():
            return f"frågefilen {self.questions} saknas"
        if not self.corpus.is_dir():
            return f"korpusen {self.corpus} saknas"
        return None


PLANS = EvalSet(
    name="plans",
    questions=SETS_DIR / "plans.jsonl",
    corpus=REPO_DIR / "examples" / "plans",
    role="fit",
    description="130 questions over the five example plans (kommuner); values are fitted here.",
)
MORE = EvalSet(
    name="more",
    questions=SETS_DIR / "more.jsonl",
    corpus=REPO_DIR.parent / "shared" / "corpus-more",
    role="held-out",
    description="Questions over real documents of four regions and Botkyrka kommun; nothing is "
    "fitted here.",
)
FRESH = EvalSet(
    name="fresh",
    questions=SETS_DIR / "fresh.jsonl",
    corpus=MORE.corpus,
    role="held-out",
    description="Questions over the same documents as `more`, written after the changes they "
    "measure and never asked of the assistant while it was developed: reported, never read for "
    "fixes.",
    index=MORE.name,
)
EVAL_SETS: dict[str, EvalSet] = {s.name: s for s in (PLANS, MORE, FRESH)}


def set_named(name_or_path: str | Path) -> EvalSet | None:
    """The registered set with this name or questions file, if any."""
    for eval_set in EVAL_SETS.values():
        if str(name_or_path) == eval_set.name:
            return eval_set
        if Path(name_or_path).resolve() == eval_set.questions:
            return eval_set
    return None
