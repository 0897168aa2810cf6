"""Tables of contents never become headings; the titles they list mark the headings."""

from __future__ import annotations

from tests.ingest.structure_helpers import section_holding, sections_of, text_lines

INLEDNING = (
    "Riktlinjerna är en vägledning inför beslut om insatser enligt socialtjänstlagen och "
    "ska ge handläggaren stöd i bedömningen av den enskildes behov."
)
SYFTE = "Syftet är att säkerställa rättssäkerhet och likabehandling för alla som ansöker."
GOD_MAN = "Bestämmelserna om god man och förvaltare finns i föräldrabalken och gäller alla."
ANMALAN = "Nämnden ska anmäla till överförmyndaren när någon kan behöva god man eller förvaltare."
HANDLAGGNING = "Ett ärende inleds genom en ansökan och utreds utan onödigt dröjsmål av nämnden."

#: A guideline as a Word conversion gives it: a paragraph a line, a blank line between blocks.
WORD_DOCUMENT = "\n".join(
    [
        "Riktlinjer för handläggning",
        "",
        "Innehåll",
        "Inledning\t3",
        "Syfte\t3",
        "1. God man och förvaltare\t4",
        "1.1 Nämndens anmälningsskyldighet\t4",
        "2. Handläggning av ärenden\t5",
        "",
        "Inledning",
        INLEDNING,
        "",
        "Syfte",
        SYFTE,
        "",
        "1. God man och förvaltare",
        GOD_MAN,
        "",
        "1.1 Nämndens anmälningsskyldighet",
        ANMALAN,
        "",
        "10. Handläggning av ärenden",
        HANDLAGGNING,
    ]
)


def test_a_tab_separated_contents_goes_and_its_titles_are_the_headings() -> None:
    texts = text_lines(WORD_DOCUMENT)
    assert not [t for t in texts if t.endswith(("3", "4", "5"))]
    assert texts.count("Inledning") == 1
    # Listed beside "1. …", "Inledning" is a chapter of its own, not the parent of chapter 1.
    assert section_holding(WORD_DOCUMENT, INLEDNING) == ("Inledning",)
    assert section_holding(WORD_DOCUMENT, GOD_MAN) == ("1. God man och förvaltare",)
    assert section_holding(WORD_DOCUMENT, ANMALAN) == (
        "1. God man och förvaltare",
        "1.1 Nämndens anmälningsskyldighet",
    )
    # Misnumbered in the body, listed as "2.": a heading all the same.
    assert section_holding(WORD_DOCUMENT, HANDLAGGNING) == ("10. Handläggning av ärenden",)


BODY = [
    "Regionen står inför stora utmaningar när befolkningen blir äldre och fler behöver vård.",
    "Arbetet med en nära vård fortsätter, och primärvården får mer resurser under perioden.",
    "Investeringarna i sjukhusen ökar, och nya vårdplatser öppnas i takt med att de byggs.",
]


def test_dotted_undotted_and_wrapped_entries_go_and_no_entry_heads_the_plan() -> None:
    text = "\n".join(
        [
            "Mål och budget 2026",
            "Innehållsförteckning",
            "Med kloka val bygger vi ett starkt län 1",
            "Syftet med Mål och budget 4",
            "Uppföljning och rapportering ........................ 5",
            "Mål: En organisation med robust verksamhet och tryggat",
            "samhällsuppdrag ........................................... 8",
            "Ekonomiska förutsättningar ........................... 24",
            "Bilaga 1: Riktlinjer för ekonomisk styrning",
            "Syftet med Mål och budget",
            *BODY,
            "Mål: En organisation med robust verksamhet och tryggat sam-",
            "hällsuppdrag",
            *BODY[::-1],
            "Ekonomiska förutsättningar",
            "Skatteintäkterna ökar med 4,1 procent under 2026 enligt den senaste prognosen.",
            "Bilaga 1: Riktlinjer för ekonomisk styrning",
            "Nämnderna ska bedriva sin verksamhet inom den budgetram som fullmäktige beslutar.",
        ]
    )
    texts = text_lines(text)
    assert not [t for t in texts if t.endswith((" 1", " 4", " 5", " 8", " 24")) or "...." in t]
    # An entry without a page number ("Bilaga 1: …") is printed again as a heading further on.
    assert texts.count("Bilaga 1: Riktlinjer för ekonomisk styrning") == 1
    headings = {heading for section, _ in sections_of(text) for heading in section}
    assert "Mål: En organisation med robust verksamhet och tryggat samhällsuppdrag" in headings
    assert section_holding(text, BODY[0]) == ("Syftet med Mål och budget",)
    assert section_holding(text, "Skatteintäkterna ökar") == ("Ekonomiska förutsättningar",)


def test_two_columns_of_contents_on_one_line_go() -> None:
    text = "\n".join(
        [
            "Innehållsförteckning",
            "Fortsatt kraftsamling..............3 Intäkter ............................34",
            "Statsbidrag ....................................................35",
            "Region Uppsalas styrmodell ...........4",
            "Budgeterade anslagsramar 2026 styrelser",
            "Mål, uppdrag, styrtal och uppföljning .................4",
            "och nämnder .................................................................39",
            "Intäkter",
            *BODY,
        ]
    )
    assert text_lines(text) == ["Intäkter", *BODY]


def test_a_protocols_list_of_paragraphs_goes() -> None:
    text = "\n".join(
        [
            "SOCIALNÄMNDEN",
            "Paragraf Ärende Sida",
            "§ 105 Ekonomisk uppföljning november 2025 3",
            "§ 106 Satsning på demensvården 2026 4",
            "§ 107 Internkontrollplan 2026 för socialnämnden 6",
            "",
            "§ 105 Dnr SN 2025/0012",
            "Ekonomisk uppföljning november 2025",
            *BODY,
        ]
    )
    assert section_holding(text, BODY[0]) == ("§ 105 Ekonomisk uppföljning november 2025",)
    texts = text_lines(text)
    assert "§ 106 Satsning på demensvården 2026 4" not in texts


def test_rows_that_end_in_numbers_are_no_contents() -> None:
    text = "\n".join(
        [
            "Innehåll",
            "Inledning 3",
            "Ekonomi 5",
            "Inledning",
            *BODY,
            "Summa nettokostnad 12 400",
            "Personal 120",
            # Dot leaders in a price list end in the unit.
            "Besök .........................................................200 kr",
            "Besök på jourmottagning ...................................250 kr",
            "Ekonomi",
            *BODY[::-1],
        ]
    )
    texts = text_lines(text)
    for row in ["Summa nettokostnad 12 400", "Personal 120"]:
        assert row in texts
    assert len([t for t in texts if t.endswith(" kr")]) == 2


def test_the_chapters_listed_in_the_introduction_do_not_take_the_headings() -> None:
    areas = ["En hållbar region", "En tillgänglig vård", "En digital kraftsamling"]
    text = "\n".join(
        [
            "Innehållsförteckning",
            *(f"{area} {page}" for area, page in zip(areas, (7, 11, 17), strict=True)),
            "Syftet",
            *BODY,
            "Fokusområden 2025–2028",
            *areas,
            "Fokusområde",
            areas[0],
            *BODY,
            "Fokusområde",
            areas[1],
            *BODY[::-1],
            "Fokusområde",
            areas[2],
            BODY[1],
            BODY[0],
        ]
    )
    sections = [section for section, _ in sections_of(text)]
    assert sections[-1] == (areas[2],)
    assert (areas[1],) in sections and (areas[0],) in sections
