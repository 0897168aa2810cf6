"""Headings of protocols and regional plans: § paragraphs, letter-spaced and capital headings,
"Mål: …" headings, and the prose lines and table rows that are no headings."""

from __future__ import annotations

from ingest.headings import words_and_beginnings
from tests.ingest.structure_helpers import section_holding, sections_of

DECISION = "Socialnämnden godkänner den ekonomiska uppföljningen per november 2025."
BACKGROUND = "Förvaltningen har sammanställt en prognos för helåret som visar ett underskott."
DEMENS = "Satsningen beräknas kosta 2,9 miljoner kronor under 2026 och finansieras inom ramen."
DELEGATION = (
    "Delegationsbesluten under perioden redovisas i en förteckning som bilaga till ärendet."
)

PROTOCOL = "\n".join(
    [
        "SOCIALNÄMNDEN",
        "SAMMANTRÄDESPROTOKOLL",
        "Plats och tid",
        "Kommunhuset, tisdag 9 december 2025 kl. 13.00–16.10",
        "Utses att justera",
        "Maria Svensson Thor (S) och Per-Olof Hägg (M) utses att justera protokollet.",
        "",
        "§ 105  Dnr SN 2025/0012",
        "Ekonomisk uppföljning november 2025",
        "",
        "Ärendebeskrivning",
        BACKGROUND,
        "Enligt 4 kap. 1 § SoL har den som inte själv kan tillgodose sina behov rätt till",
        "§ 12 i förvaltningens riktlinjer gäller inte i detta fall, eftersom beslutet avser stöd.",
        "",
        "Socialnämndens beslut",
        DECISION,
        "",
        "Expedieras till",
        "Kommunstyrelsen",
        "Ekonomiavdelningen",
        "",
        "§ 106",
        "Dnr SN 2025/0231",
        "Satsning på demensvården 2026",
        "",
        DEMENS,
        "",
        "§ 107 Anmälan av delegationsbeslut",
        DELEGATION,
    ]
)


def test_protocol_paragraphs_are_sections_with_their_number_and_without_their_dnr() -> None:
    assert section_holding(PROTOCOL, BACKGROUND) == (
        "§ 105 Ekonomisk uppföljning november 2025",
        "Ärendebeskrivning",
    )
    assert section_holding(PROTOCOL, DECISION) == (
        "§ 105 Ekonomisk uppföljning november 2025",
        "Socialnämndens beslut",
    )
    assert section_holding(PROTOCOL, "Ekonomiavdelningen") == (
        "§ 105 Ekonomisk uppföljning november 2025",
        "Expedieras till",
    )
    assert section_holding(PROTOCOL, DEMENS) == ("§ 106 Satsning på demensvården 2026",)
    assert section_holding(PROTOCOL, DELEGATION) == ("§ 107 Anmälan av delegationsbeslut",)
    # The diarienummer stays in the text, under its paragraph.
    assert section_holding(PROTOCOL, "Dnr SN 2025/0012") == (
        "§ 105 Ekonomisk uppföljning november 2025",
    )
    assert section_holding(PROTOCOL, "Dnr SN 2025/0231") == ("§ 106 Satsning på demensvården 2026",)


def test_a_paragraph_sign_in_prose_is_no_heading() -> None:
    headings = {heading for section, _ in sections_of(PROTOCOL) for heading in section}
    assert not [h for h in headings if h.startswith("§ 12") or "SoL" in h]
    # The paragraph opens no section before the protocol's paragraphs, and the front matter
    # ("Utses att justera") is no parent of them.
    assert section_holding(PROTOCOL, "§ 12 i förvaltningens riktlinjer") == (
        "§ 105 Ekonomisk uppföljning november 2025",
        "Ärendebeskrivning",
    )


def test_paragraph_numbers_rise() -> None:
    text = PROTOCOL + "\n\n§ 106 Satsning på demensvården 2026\nSe ovan, samma ärende som tidigare."
    assert section_holding(text, "Se ovan") == ("§ 107 Anmälan av delegationsbeslut",)


PROSE = [
    "Regionen ska under perioden fortsätta arbetet med att korta väntetiderna till vården.",
    "Primärvården får ett större ansvar för patienter med kroniska sjukdomar och fler besök.",
    "Investeringarna i sjukhusen ökar, och nya vårdplatser öppnas i takt med att de byggs.",
]


def test_letter_spaced_capitals_are_a_heading_with_their_letters_joined() -> None:
    text = "\n".join(
        [
            "3 Finansiella rapporter",
            *PROSE,
            "D R IF T R E D O V IS N IN G , m n k r",
            "Driftredovisningen visar nämndernas nettokostnader per år i miljoner kronor (mnkr).",
            "Nettokostnaderna ökar med 3,1 procent, främst inom hälso- och sjukvården.",
            # Text of a figure, letter by letter: no words of the document.
            "L L B D IN A V L Å A N RN A A R S E L L A",
            "Regionen redovisar också en balansräkning och ett kassaflöde för planperioden.",
        ]
    )
    assert section_holding(text, "Nettokostnaderna ökar") == (
        "3 Finansiella rapporter",
        "DRIFTREDOVISNING, mnkr",
    )
    headings = {heading for section, _ in sections_of(text) for heading in section}
    assert not [h for h in headings if h.startswith("LLBD")]


def test_capitals_and_goal_headings() -> None:
    text = "\n".join(
        [
            "POLITISKT FÖRORD – RIKTNINGEN FRAMÅT",
            *PROSE,
            "Mål: En attraktiv arbetsgivare för hållbar kompetensförsörjning",
            "Region Halland ska vara en attraktiv arbetsgivare som både lockar nya medarbetare och",
            "får befintliga att stanna kvar, med möjligheter till utbildning och utveckling.",
        ]
    )
    assert section_holding(text, PROSE[0]) == ("POLITISKT FÖRORD – RIKTNINGEN FRAMÅT",)
    assert section_holding(text, "Region Halland ska vara")[-1] == (
        "Mål: En attraktiv arbetsgivare för hållbar kompetensförsörjning"
    )


def test_a_line_that_runs_on_into_a_name_at_the_margin_is_no_heading() -> None:
    text = "\n".join(
        [
            "Kompetensförsörjning",
            "Medarbetarna är regionens viktigaste resurs, och fler behöver utbildas inom vården.",
            "För att möta invånarnas behov och skapa en hållbar arbetsmiljö behöver också Region",
            "Halland också säkerställa att rätt kompetens finns på rätt plats och vid rätt tid.",
            "Region Halland samarbetar med högskolan i Halmstad och med länets kommuner om detta.",
            "Samtidigt ska fler medarbetare i Region Halland få gå en ledarskapsutbildning 2026.",
        ]
    )
    assert section_holding(text, "Halland också säkerställa") == ("Kompetensförsörjning",)


def test_table_rows_are_no_headings() -> None:
    text = "\n".join(
        [
            "Avgiftsjusteringar år 2026",
            *PROSE,
            "Servicenämnd 3,1",
            "Nämnden höjer avgifterna för tjänster till andra huvudmän med samma procentsats.",
            "Glasögonbidrag 3 miljoner kronor",
            "Bidraget återförs till barn och unga mellan 8 och 19 år i hela länet från 2026.",
        ]
    )
    headings = {heading for section, _ in sections_of(text) for heading in section}
    assert headings == {"Avgiftsjusteringar år 2026"}


def test_a_heading_printed_twice_is_one() -> None:
    text = "\n".join(["2 Ekonomi", *PROSE, "D R I F T B U D G E T", "2.1 Driftbudget", DEMENS])
    assert section_holding(text, PROSE[0]) == ("2 Ekonomi",)
    assert section_holding(text, DEMENS) == ("2 Ekonomi", "2.1 Driftbudget")


def test_a_run_of_letters_longer_than_any_word_spells_no_heading() -> None:
    """Its beginnings are not kept: they grew with the square of its length (5 GB for a text of
    one 100,000-letter "word")."""
    runaway = "a" * 10_000
    starts = words_and_beginnings({"balansräkningen", runaway})
    assert "balansräkningen" in starts and "balans" in starts
    assert not any(start.startswith("aaaa") for start in starts)
    assert len(starts) == len("balansräkningen") - 4 + 1
