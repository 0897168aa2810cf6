"""The app's HTML: markers that lead to their source cards, and plan text that stays text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from assistant.composition import build_assistant
from assistant.conversation import resolve
from assistant.law_register import build_register
from assistant.render import conversation_html, law_passages_html, sources_html
from assistant.service import Assistant
from assistant.sources import SectionTexts
from assistant.workspace import Filters, Turn
from index.plan_index import PlanIndex
from ingest.loaders import load_document
from ingest.pipeline import process_document
from settings import Settings

pytestmark = pytest.mark.slow

HOSTILE_PLAN = """Socialnämndens verksamhetsplan 2026 <script>window.pwned = 1</script>

Vaxholms kommun

Inledning

Fritidsbanken lånar ut utrustning <img src=x onerror="window.pwned = 2"> till alla barn.
Verksamheten följer socialtjänstlagen <b onmouseover="alert(1)">(2001:453)</b> i allt.
"""


class Page(HTMLParser):
    """The tags, ids, link targets and text of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if (values.get("href") or "").startswith("#"):
            self.links.append(str(values["href"])[1:])

    def handle_data(self, data: str) -> None:
        self.text += data


@pytest.fixture(scope="module")
def assistant(example_settings: Settings, example_index: PlanIndex) -> Assistant:
    return build_assistant(example_settings, index=example_index)


def turn(assistant: Assistant, question: str, previous: Turn | None = None) -> Turn:
    before = previous.intent if previous else None
    answer = assistant.ask(question, previous=before)
    return Turn(question, resolve(question, before), answer, Filters())


def test_every_marker_leads_to_a_source_card(assistant: Assistant) -> None:
    first = turn(assistant, "Vilka tjänstegarantier gäller för försörjningsstöd?")
    turns = [
        first,
        turn(assistant, "och i Söderköping?", first),
        turn(assistant, "Vad prioriterar Norrköping respektive Norrtälje när det gäller våld?"),
    ]
    texts = SectionTexts(assistant.index.chunks())
    answers = Page(conversation_html(turns, "fraga"))
    cards = Page(sources_html(turns, texts.context, "fraga"))
    markers = sum(len(t.answer.citations) for t in turns)
    assert len(answers.links) == markers >= 8
    assert set(answers.links) <= cards.ids
    assert "Tolkad som: Vilka tjänstegarantier gäller för försörjningsstöd i Söderköping" in (
        answers.text
    )
    assert "table" in answers.tags  # the comparison is a table


def test_sources_show_the_facts_and_the_quote_marked(assistant: Assistant) -> None:
    answer = assistant.ask("Vilka tjänstegarantier gäller för försörjningsstöd?")
    texts = SectionTexts(assistant.index.chunks())
    html = sources_html([Turn("q", resolve("q", None), answer, Filters())], texts.context, "f")
    cards = Page(html)
    for citation in answer.citations:
        assert f"<mark>{citation.quote}</mark>" in html
        assert citation.section in cards.text
    assert "Norrtälje" in cards.text and "2023" in cards.text


def test_a_refusal_is_marked_and_shows_the_closest_passages(assistant: Assistant) -> None:
    refused = turn(assistant, "Vad kostar en ny simhall i Norrtälje?")
    assert refused.answer.refused and refused.answer.closest
    html = conversation_html([refused], "fraga")
    assert 'class="svar avbojt"' in html
    cards = Page(sources_html([refused], SectionTexts([]).context, "fraga"))
    assert set(Page(html).links) <= cards.ids
    assert "Närmaste stycke – inget svar" in cards.text


def test_plan_markup_is_shown_as_text(tmp_path: Path) -> None:
    plan = tmp_path / "fientlig.txt"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    chunks = process_document(load_document(plan), Settings().ingest).chunks
    chunk = next(c for c in chunks if "onerror" in c.text)
    citation = Citation.of(1, chunk, chunk.unit_texts()[0])
    answer = Answer(question="q", answer=f"{chunk.text} [1]", refused=False, citations=[citation])
    turns = [Turn("<script>alert(3)</script>", resolve("q", None), answer, Filters())]
    for html in (
        conversation_html(turns, "fraga"),
        sources_html(turns, SectionTexts(chunks).context, "fraga"),
        *(law_passages_html(entry) for entry in build_register(chunks)),
    ):
        page = Page(html)
        assert not {"script", "img", "b"} & set(page.tags)
        assert not [name for name, _ in page.attributes if name.startswith("on")]
    assert "<img src=x onerror" in Page(sources_html(turns, SectionTexts(chunks).context, "f")).text
