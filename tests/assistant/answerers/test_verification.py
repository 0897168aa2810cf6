"""Sentence-by-sentence verification of a written answer against the passages it cites."""

from __future__ import annotations

import pytest

from assistant.answer import Citation
from assistant.answerers.verification import Verification, sentences, verify
from assistant.terms import TermNormaliser

LAWS = (
    "Socialnämnden är även ansvarig för ärenden enligt alkohollagen (2010:1622), "
    "tobakslagen (1993:581) och socialtjänstlagen (2001:453)."
)
PLACES = "Kommunen har 120 platser i särskilt boende för personer med demens."
MEETING = "Nämnden sammanträdde 2025-12-09 och beslutade att höja avgiften med 3,5 procent."
NORMALISER = TermNormaliser()


def citation(marker: int, quote: str, header: str | None = None) -> Citation:
    return Citation(
        id=marker,
        chunk_id=f"c-{marker}",
        file="plan.txt",
        title="Socialnämndens verksamhetsplan 2023",
        organisation="Norrtälje kommun",
        municipality="Norrtälje",
        year=2023,
        section="Uppdrag",
        page=None,
        quote=quote,
        header=header,
    )


PASSAGES = {1: citation(1, LAWS), 2: citation(2, PLACES), 3: citation(3, MEETING)}


def verified(text: str, minimum: float = 0.5) -> Verification:
    return verify(text, PASSAGES, NORMALISER, minimum)


def kept(text: str) -> bool:
    return not verified(text).dropped


def test_sentences_keep_their_markers_and_bullets_are_sentences() -> None:
    text = "Nämnden ansvarar för alkohollagen [1]. Den har t.ex. 120 platser [2][1].\n- Avgift [3]"
    assert [s.text for s in sentences(text)] == [
        "Nämnden ansvarar för alkohollagen [1].",
        "Den har t.ex. 120 platser [2][1].",
        "- Avgift [3]",
    ]
    assert [s.markers for s in sentences(text)] == [[1], [2, 1], [3]]


def test_a_faithful_answer_is_kept_whole() -> None:
    result = verified(
        "Nämnden ansvarar för ärenden enligt alkohollagen (2010:1622) [1].\n"
        "- Kommunen har 120 platser för personer med demens [2]."
    )
    assert not result.dropped and len(result.kept) == 2 and result.cited == [1, 2]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Nämnden ansvarar för ärenden enligt alkohollagen.", "saknar hänvisning"),
        ("Nämnden ansvarar för alkohollagen [4].", "inte gavs"),
        ("Nämnden ansvarar för alkohollagen [1][4].", "inte gavs"),
        ("[1]", "säger ingenting"),  # what a small real model once answered
    ],
)
def test_a_sentence_must_cite_passages_it_was_given(text: str, reason: str) -> None:
    (dropped,) = verified(text).dropped
    assert reason in dropped.reason


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("Socialtjänstlagen (2001:453) gäller för nämndens ärenden [1].", True),
        ("Socialtjänstlagen (2001:452) gäller för nämndens ärenden [1].", False),  # SFS number
        ("Kommunen har 120 platser för demens [2].", True),
        ("Kommunen har 130 platser för demens [2].", False),  # a count
        ("Kommunen har 120 platser för demens [1].", False),  # true, but not in the cited one
        ("Nämnden sammanträdde 2025-12-09 [3].", True),
        ("Nämnden sammanträdde 2025-12-10 [3].", False),  # a date
        ("Avgiften höjs med 3,5 procent [3].", True),
        ("Avgiften höjs med 4,5 procent [3].", False),  # a share
    ],
)
def test_every_number_stands_in_the_passages_it_cites(text: str, holds: bool) -> None:
    assert kept(text) is holds


def test_numbers_of_a_table_header_and_a_title_count() -> None:
    row = citation(1, "Individ och familjeomsorg 82 186 84 884", header="Budget 2025 Plan 2026")
    passages = {1: row}
    text = "Individ och familjeomsorg har budget 82 186 för 2025 [1]."
    assert not verify(text, passages, NORMALISER, 0.5).dropped
    assert not verify("Verksamhetsplanen gäller 2023 [1].", passages, NORMALISER, 0.5).dropped


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("Norrtälje kommun ansvarar för ärenden enligt alkohollagen [1].", True),  # the owner
        ("Norrköpings kommun ansvarar för ärenden enligt alkohollagen [1].", False),
        ("I Region Halland ansvarar nämnden för alkohollagen [1].", False),
    ],
)
def test_every_organisation_named_stands_in_the_cited_passages(text: str, holds: bool) -> None:
    result = verified(text)
    assert (not result.dropped) is holds
    if not holds:
        assert "organisationer" in result.dropped[0].reason


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        # Inflections and compounds: "demensplatser" stands in "platser … för personer med demens".
        ("Det finns demensplatser i särskilda boenden [2].", True),
        ("Nämnden är ansvarig för tobakslagens ärenden [1].", True),
        # On the topic, from the same plan, but not what the passage says.
        ("Nämnden erbjuder hemtjänst, ledsagning och avlösning i hemmet [1].", False),
        ("Boendet erbjuder trygghetslarm, matdistribution och dagverksamhet [2].", False),
    ],
)
def test_most_content_words_stand_in_the_cited_passages(text: str, holds: bool) -> None:
    result = verified(text)
    assert (not result.dropped) is holds
    if not holds:
        assert "för få av orden" in result.dropped[0].reason


def test_the_word_support_threshold_decides() -> None:
    half = "Nämnden ansvarar för alkohollagen och matlådor [1]."  # ansvar, alkohollag, matlåd
    assert not verified(half, minimum=0.6).dropped
    assert verified(half, minimum=0.7).dropped


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("Planen anger följande:", True),  # points on, claims nothing
        ("Om platser för demens anger planen följande:", True),  # the passages' words
        ("Om hemtjänsten anger planen följande:", False),  # a word no passage has
        ("År 2024 anger planen följande:", False),  # a number without a source
        ("Planen anger inget om detta.", False),  # a claim without a marker
    ],
)
def test_a_lead_in_without_a_marker_claims_nothing(text: str, holds: bool) -> None:
    assert kept(text) is holds


def test_only_the_failing_sentences_are_dropped_and_the_layout_kept() -> None:
    result = verified(
        "Planen anger följande:\n"
        "- Kommunen har 120 platser för demens [2]. Budgeten är 999 miljoner kronor [2].\n"
        "- Nämnden ansvarar för alkohollagen [1]."
    )
    assert result.text == (
        "Planen anger följande:\n"
        "- Kommunen har 120 platser för demens [2].\n"
        "- Nämnden ansvarar för alkohollagen [1]."
    )
    assert [d.sentence.text for d in result.dropped] == ["Budgeten är 999 miljoner kronor [2]."]
    assert result.cited == [2, 1]
