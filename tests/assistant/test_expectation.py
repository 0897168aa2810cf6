"""The kind of answer a question asks for, and whether a passage holds one."""

from __future__ import annotations

import pytest

from assistant.expectation import Expected, expectation, holds_expected, without_base_amounts


@pytest.mark.parametrize(
    ("question", "expected", "focus"),
    [
        ("Hur många anställda har socialkontoret?", Expected.COUNT, "anställda"),
        # The largest sum asked for is a sum; the largest of something else is not.
        (
            "Vilken socialnämnd har störst budget, Norrtäljes eller Söderköpings?",
            Expected.AMOUNT,
            None,
        ),
        ("Vilken nämnd har störst ansvar för barnen?", Expected.STATEMENT, None),
        ("Hur många nya vårdplatser får rättspsykiatrin?", Expected.COUNT, "vårdplatser"),
        ("Vilket datum öppnar förlossningsenheten?", Expected.DAY, None),
        ("När öppnar förlossningsenheten?", Expected.DATE, None),
        # "Fall av våld" counts våld: the plan's row says "Förekomst av våld i nära relationer".
        ("Hur många fall av våld i nära relationer har kommunen?", Expected.COUNT, "våld"),
        ("Hur många fall handlägger socialkontoret per år?", Expected.COUNT, "fall"),
        # A definite noun points back to the topic named first; an indefinite one does not.
        (
            "Glasögonbidraget i Örebro län: vad kostar satsningen per år?",
            Expected.AMOUNT,
            "glasögonbidraget",
        ),
        ("Skyddat boende i Norrtälje 2023: vad kostar ett dygn?", Expected.AMOUNT, "dygn"),
        # What stands before the colon asks already: it names no topic.
        ("Vad vet vi om avlösningen: vad kostar tjänsten?", Expected.AMOUNT, "tjänsten"),
        ("Hur många kronor är minimibeloppet?", Expected.AMOUNT, None),
        ("Hur mycket pengar går till barn och unga?", Expected.QUANTITY, None),
        ("Vad kostar ett månadskort på länstrafiken?", Expected.AMOUNT, "månadskort"),
        ("Vad ska den nya depån kosta totalt?", Expected.AMOUNT, None),
        ("Vad hade socialnämnden för budget 2017?", Expected.AMOUNT, None),
        # A tax rate is a share ("11,40 procent") or money ("11,71 kronor").
        ("Vilken skattesats har regionen 2026?", Expected.QUANTITY, None),
        ("Hur hög är utdebiteringen i Uppsala?", Expected.QUANTITY, None),
        ("Vad heter det politiska program som styr kommunen?", Expected.STATEMENT, None),
        ("Hur stor andel av brukarna känner sig trygga?", Expected.SHARE, None),
        ("Med hur många procent räknades lönerna upp?", Expected.SHARE, None),
        ("När ska den nya ambulansstationen stå klar?", Expected.DATE, None),
        ("Sedan när är barnkonventionen svensk lag?", Expected.DATE, None),
        ("Hur lång tid har man på sig att överklaga?", Expected.DURATION, None),
        ("Hur ofta följs ekonomin upp?", Expected.FREQUENCY, None),
        ("Vem är ordförande i socialnämnden?", Expected.PERSON, "ordförande"),
        ("Vad heter enhetschefen för familjerätten?", Expected.PERSON, "enhetschefen"),
        ("Vem ska ha boendet för flyktingar?", Expected.STATEMENT, None),
        ("Vilken lag pekar kommunen ut för spelautomater?", Expected.LAW, None),
        ("Med stöd av vilken bestämmelse får nämnden lämna ut uppgifter?", Expected.LAW, None),
        ("Var i socialtjänstlagen står det att en make får flytta med?", Expected.LAW, None),
        ("Vilket SFS-nummer har socialtjänstlagen?", Expected.SFS, None),
        ("Vilken tobakslag gäller? Jag vill ha SFS-numret.", Expected.SFS, None),
        ("Vilket telefonnummer har anhörigsamordnaren?", Expected.CONTACT, None),
        ("Vilka tjänstegarantier gäller för försörjningsstöd?", Expected.LIST, None),
        ("Vilka förstudier ingår i de strategiska fastighetsinvesteringarna?", Expected.LIST, None),
        ("Nämn några av de nationella uppdragen.", Expected.LIST, None),
        ("Ska kommunen införa Bostad först?", Expected.STATEMENT, None),
        ("Tar regionen ut mer eller mindre skatt än grannregionen?", Expected.QUANTITY, None),
        ("Har pengarna till barn och unga ökat sedan 2017?", Expected.QUANTITY, None),
        # A share of money may be given as two sums; a share of people only as a share.
        ("Hur stor del av socialbudgeten går till barn och unga?", Expected.QUANTITY, None),
        ("Vilken andel av kostnaderna täcks av avgifter?", Expected.QUANTITY, None),
        ("Hur stor andel av brukarna känner sig trygga?", Expected.SHARE, None),
        # The interrogative decides, wherever its clause starts.
        ("Skyddat boende 2023: hur många dygn räknar de med?", Expected.COUNT, "dygn"),
        ("Hur mäter regionen tillgängligheten? Vilka indikatorer följs?", Expected.LIST, None),
        ("Underskottet – hur stort var det och när ska det vara återställt?", Expected.DATE, None),
        # A subordinate "när" asks nothing; "klockslag" is no law.
        ("Vilken paragraf gäller när någon vill överklaga?", Expected.LAW, None),
        ("Vem utför tillsynen, och vilka klockslag räknas som natt?", Expected.LIST, None),
    ],
)
def test_expectation(question: str, expected: Expected, focus: str | None) -> None:
    asked = expectation(question)
    assert (asked.expected, asked.focus) == (expected, focus)


@pytest.mark.parametrize(
    ("text", "expected", "holds"),
    [
        ("Socialkontoret har 420 medarbetare.", Expected.COUNT, True),
        ("Antalet platser ska öka under 2026.", Expected.COUNT, False),  # a year counts nothing
        ("Dalarna är en plats där människor möts.", Expected.COUNT, False),  # an article
        ("Nämnden inrättar tre nya platser.", Expected.COUNT, True),
        ("Antal elever med högre än 50% frånvaro.", Expected.COUNT, False),  # a share
        ("Enligt 4 kap. 1 § SoL har den enskilde rätt till bistånd.", Expected.COUNT, False),
        ("Avgiften är 450 kr per besök.", Expected.AMOUNT, True),
        ("Budgeten uppgår till 654 848 tkr.", Expected.AMOUNT, True),
        ("Anhörigsamtal är kostnadsfria.", Expected.AMOUNT, True),
        ("Avgift i slutenvård..........130 kr per dygn", Expected.AMOUNT, True),  # dot leader
        ("Avgiften höjs med 2,5 kr.", Expected.COUNT, True),
        ("Avgiften sänks med 40 procent.", Expected.QUANTITY, True),
        ("Avgiften sänks med 40 procent.", Expected.AMOUNT, False),
        ("Avgiften fastställs årligen av fullmäktige.", Expected.AMOUNT, False),
        ("Andelen ska öka till 74,5 %.", Expected.SHARE, True),
        ("Beslut fattas i maj 2023.", Expected.DATE, True),
        ("Beslutet fattas av nämnden.", Expected.DATE, False),
        # "Vilket datum …" is not answered by a year.
        ("Under 2026 ska en förlossningsenhet etableras.", Expected.DAY, False),
        ("Enheten öppnar den 1 juli 2025.", Expected.DAY, True),
        ("Slutdatum 2023-11-30", Expected.DAY, True),
        ("Ett överklagande ska ha kommit in inom tre veckor.", Expected.DURATION, True),
        ("Ekonomin följs upp månadsvis.", Expected.FREQUENCY, True),
        ("Ärenden enligt alkohollagen (2010:1622) handläggs av nämnden.", Expected.LAW, True),
        ("Ärenden enligt alkohollagen handläggs av nämnden.", Expected.SFS, False),
        ("Lag (2018:2088) om tobak och liknande produkter", Expected.SFS, True),
        ("Ring 011-15 00 00 eller mejla socialkontoret@norrkoping.se.", Expected.CONTACT, True),
        ("Besöksadress: Guldringen 50", Expected.CONTACT, True),
        ("Adressen till boendet lämnas inte ut.", Expected.CONTACT, False),
        ("Ordförande är Monica Holtstad sedan 2023.", Expected.PERSON, True),
        ("Ordföranden leder nämndens arbete.", Expected.PERSON, False),
        ("Vad som helst", Expected.STATEMENT, True),  # nothing to check
    ],
)
def test_holds_expected(text: str, expected: Expected, holds: bool) -> None:
    assert holds_expected(text, expected) is holds


@pytest.mark.parametrize(
    ("question", "of_whole"),
    [
        ("Hur stor del av budgeten går till Hallands sjukhus?", True),
        ("Vilken andel av nämndens kostnader går till hemtjänst?", True),
        ("Hur mycket går till Hallands sjukhus?", False),
        ("Hur stor andel av eleverna har frånvaro?", False),  # a share of people, not of a sum
    ],
)
def test_a_part_of_a_sum_asks_for_the_sum_too(question: str, of_whole: bool) -> None:
    assert expectation(question).of_whole is of_whole


def test_kronor_asked_for_are_not_answered_by_a_multiple_of_the_base_amount() -> None:
    assert expectation("Hur många kronor är prisbasbeloppet 2025?").in_kronor
    assert not expectation("Hur hög får omsorgsavgiften vara?").in_kronor
    capped = "Avgiften får inte överstiga en tolftedel av 0,5392 prisbasbelopp."
    assert holds_expected(capped, Expected.AMOUNT)
    assert not holds_expected(without_base_amounts(capped), Expected.AMOUNT)
    stated = "Prisbasbeloppet är 58 800 kronor, och taket 0,5392 prisbasbelopp."
    assert holds_expected(without_base_amounts(stated), Expected.AMOUNT)
