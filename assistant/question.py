"""What a question asks for, read without a model: filters, comparison, law, topic, language.

`analyse` turns a user's question into a `QuestionIntent`: the organisations (kommuner and
regioner), plan years and meeting dates it names (the retrieval filters), the document types it
asks for, whether it compares or asks which law something rests on, the topic left when the filter
words are gone (what each side of a comparison searches for), and whether it is Swedish and
meaningful at all. Everything is regular expressions and word lists, well under a millisecond per
question.

This module puts the reading together; each part is its own module: the filter and comparison
words (`assistant.mentions`), the topic (`assistant.topic`), the law question
(`assistant.law_question`) and the language checks (`assistant.language`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, computed_field

from assistant.language import is_meaningful, is_swedish, words_of
from assistant.law_question import asks_for_law
from assistant.mentions import (
    DateMention,
    comparison_mentions,
    date_mentions,
    doc_type_mentions,
    organisation_mentions,
    year_mentions,
)
from assistant.topic import strip_filters
from ingest.organisations import organisation_named

_T = TypeVar("_T")

#: A change over time also compares, with the present: "har pengarna ökat sedan 2017?".
_CHANGE_SINCE = re.compile(
    r"\b(?:ökat|minskat|ändrats|förändrats|utvecklats|växt|sjunkit)\s+(?:\w+\s+){0,3}?sedan\b"
    r"|\bmer\s+eller\s+mindre\b",
    re.IGNORECASE,
)


class QuestionIntent(BaseModel):
    """What a question asks for.

    `text` is the question as asked, or as rewritten from a follow-up ("och i Söderköping?").
    `organisations` are official names in order of mention ("Norrköpings kommun", "Region
    Värmland"); `years` the years written as such, also in a date ("december 2017"; not in
    "2025-12-09", a date only); `dates` the meeting dates.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    organisations: list[str]
    years: list[int]
    dates: list[DateMention]
    doc_types: list[str]
    compare: bool
    law: bool
    topic: str
    swedish: bool
    meaningful: bool

    @computed_field  # type: ignore[prop-decorator]
    @property
    def municipalities(self) -> list[str]:
        """The kommuner among the organisations, by short name ("Norrköping")."""
        found = (organisation_named(name) for name in self.organisations)
        return [org.municipality for org in found if org is not None and org.municipality]

    @property
    def filter_organisation(self) -> str | None:
        """The organisation to filter on: set only when exactly one is named."""
        return self.organisations[0] if len(self.organisations) == 1 else None

    @property
    def filter_municipality(self) -> str | None:
        """The municipality to filter on: set only when exactly one is named."""
        return self.municipalities[0] if len(self.municipalities) == 1 else None

    @property
    def filter_year(self) -> int | None:
        """The plan year to filter on: set only when exactly one is named."""
        return self.years[0] if len(self.years) == 1 else None


def analyse(question: str) -> QuestionIntent:
    """Read filters, comparison, law, topic and language out of a question."""
    organisations = organisation_mentions(question)
    dates = date_mentions(question)
    years = year_mentions(question)
    doc_types = doc_type_mentions(question)
    comparison_words = comparison_mentions(question)
    organisation_names = _unique(str(m.value) for m in organisations)
    plan_years = _unique(m.value for m in years if isinstance(m.value, int))
    words = words_of(question)
    filters = [*organisations, *years, *dates, *doc_types]
    return QuestionIntent(
        text=question,
        organisations=organisation_names,
        years=plan_years,
        dates=_unique(m.value for m in dates if isinstance(m.value, DateMention)),
        doc_types=_unique(str(m.value) for m in doc_types),
        compare=(
            len(organisation_names) >= 2
            or len(plan_years) >= 2
            or bool(comparison_words)
            or _CHANGE_SINCE.search(question) is not None
        ),
        law=asks_for_law(question),
        topic=strip_filters(question, [*filters, *comparison_words]),
        swedish=is_swedish(words),
        meaningful=bool(filters) or is_meaningful(words),
    )


def _unique(values: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(values))
