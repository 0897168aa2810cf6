"""Content words as comparable terms: base forms, compounds and their parts."""

from __future__ import annotations

import pytest

from assistant.terms import TermNormaliser, content_words, present


@pytest.fixture(scope="module")
def normaliser() -> TermNormaliser:
    return TermNormaliser()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("akutboendet", "akutboende"),
        ("matlådorna", "matlåda"),
        ("socialkontoret", "socialkontor"),
        ("budgeten", "budgetar"),
        ("tjänstegarantierna", "tjänstegaranti"),
    ],
)
def test_inflections_meet(normaliser: TermNormaliser, first: str, second: str) -> None:
    assert normaliser.term(first).form == normaliser.term(second).form


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("demensplatser", "Platser för personer med demens ska bli fler.", True),
        ("demensplatser", "Satsningen på demensvården fortsätter.", False),
        ("avgift", "Omsorgsavgiften är högst 0,5392 prisbasbelopp.", True),
        ("hemtjänsttaxan", "Taxan för hemtjänst beslutas av fullmäktige.", True),
        ("anställda", "Socialkontoret har sin postadress i Norrköping.", False),
        ("e-tjänster", "Fler e-tjänster ska införas.", True),
        ("läkemedelsautomater", "30 läkemedels-automater är utplacerade.", True),
        # Compounds the dictionary knows meet when their parts come in another order; a part
        # such a word splits into by chance is no word of the text ("fort|satt").
        ("spelautomater", "Lag (1982:636) om anordnande av vissa automatspel.", True),
        ("satt", "Arbetet har fortsatt under året.", False),
        # An inflected word the dictionary knows is no compound of its stem and its ending:
        # "budgete|rade" would meet "reserve|rade" and "budget".
        ("budgeterade", "Reserverade medel i budget 2026.", False),
        ("budgeterade", "Budgeterat överskott 2026 är 3,2 procent.", True),
        ("skattesatsen", "Regionens satser för skatt är oförändrade.", True),
        # A word ends in the term as a compound only where a word comes before it: "Utfall" holds
        # no "fall" and "ansvarar" no "svar", "hemtjänsten" holds "tjänst".
        ("fall", "Indikator Utfall 2021 Mål 2023", False),
        ("svarade", "Socialnämnden ansvarar för det yttersta skyddsnätet.", False),
        ("tjänster", "Hemtjänsten ges alla dagar.", True),
        # A compound whose last part starts with a linking letter is read both ways:
        # "tobak|slag" and "tobaks|lag".
        ("tobakslagen", "Lag (2018:2088) om tobak och liknande produkter", True),
        ("tobakslagen", "Tobak säljs i många slags butiker.", True),
        ("tobakslagen", "Lagen gäller alla butiker.", False),
        # A compound neither the dictionary knows nor splits, in its definite form.
        ("högkostnadsskyddet", "Högkostnadsskydd för läkemedel 2 900 kr", True),
        # A verb asked about, its noun in the plan, and the other way round.
        ("investerar", "Summa investeringar -4 450", True),
        ("e-arkiv", "Kontoret ska inleda ett arbete inför att införa e-arkivering.", True),
        ("utredningen", "Nämnden utreder behovet.", True),
        ("satsar", "Satsningen på demensvården fortsätter.", True),
        # A particle verb's noun is a compound of the particle and the verb's noun.
        ("betalas", "Ombesörja utbetalning av försörjningsstöd den 27:e.", True),
        ("följs", "Uppföljningen sker en gång per månad.", True),
        ("betalas", "Avgiften bestäms av nämnden.", False),
        # Inflections the dictionary gives different base forms ("vuxen" → "växa", "vuxna" →
        # "vuxen") still meet by their written stems.
        ("vuxen", "Vuxna - från 20 år 130 kr", True),
        ("inlagd", "Patienter som är inlagda på sjukhus.", True),
        ("boende", "Boendet drivs av Stadsmissionen.", True),
        # A long word mistyped by a letter left out or added is found; one letter changed is
        # another word.
        ("skatteintäkter", "Skatteinträkter 11 446 11 956", True),
        ("planeringen", "Placeringen av barnet följs upp.", False),
        # A word derived with a linking s: the stemmer leaves "brottslighet" as "brotts".
        ("välfärdsbrott", "Välfärdsbrottslighet 1 000", True),
        ("brott", "Arbetet mot brottsligheten i länet.", True),
        ("rätt", "Det rättsliga stödet utvecklas.", True),
    ],
)
def test_presence(normaliser: TermNormaliser, term: str, text: str, found: bool) -> None:
    assert present(normaliser.term(term), normaliser.forms(text)) is found


def test_content_words_leave_out_question_and_stop_words() -> None:
    words = list(content_words("Hur många anställda har socialkontoret i Norrköping 2024?"))
    assert words == ["anställda", "socialkontoret", "norrköping"]


def test_a_comparison_of_amounts_is_about_what_is_compared() -> None:
    words = list(content_words("Tar Uppsala ut mer eller mindre skatt än Dalarna?"))
    assert words == ["uppsala", "skatt", "dalarna"]
