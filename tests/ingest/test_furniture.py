"""Page furniture without form feeds, and what converters leave behind that is not text."""

from __future__ import annotations

from ingest.cleaning import clean_lines, resolve_soft_hyphens
from ingest.furniture import page_number
from tests.ingest.structure_helpers import block_texts, text_lines

#: A page of prose each: a text that repeats itself would be taken for a second text layer.
PAGES = [
    [
        "Nämnden har under året arbetat vidare med att korta väntetiderna inom hemtjänsten och",
        "att förbättra kontinuiteten för de äldre som har insatser i sitt ordinära boende.",
        "Arbetet följs upp varje tertial av förvaltningen och redovisas för nämnden.",
    ],
    [
        "Barn och unga som behöver stöd ska få det tidigt, och samverkan med skolan och",
        "elevhälsan utvecklas under perioden genom gemensamma rutiner för orosanmälningar.",
        "Familjecentralen i Bjärred har öppnat och tar emot föräldrar med små barn.",
    ],
    [
        "Kostnaderna för ekonomiskt bistånd har ökat, främst till följd av att fler hushåll",
        "saknar inkomst av arbete och att hyrorna i kommunen har höjts kraftigt sedan 2023.",
        "Arbetsmarknadsenheten tar emot fler deltagare än tidigare år i sina insatser.",
    ],
    [
        "Våld i nära relationer ska upptäckas tidigt, och all personal inom socialtjänsten",
        "utbildas i att ställa frågor om våld enligt Socialstyrelsens föreskrifter om detta.",
        "Skyddat boende upphandlas tillsammans med grannkommunerna i nordvästra Skåne.",
    ],
    [
        "Digitala tjänster gör det enklare för invånarna att ansöka om insatser och följa",
        "sina ärenden, och fler e-tjänster införs under våren för färdtjänst och anpassningar.",
        "Förvaltningen mäter hur många ansökningar som kommer in digitalt varje månad.",
    ],
]


def _pages(page_count: int, *, header: list[str], footer: list[str]) -> str:
    """Pages of prose, each framed by the header and footer ({n}: the page number)."""
    frames = [
        [*(h.format(n=n) for h in header), *body, *(f.format(n=n) for f in footer)]
        for n, body in enumerate(PAGES[:page_count], start=1)
    ]
    return "\n".join(line for frame in frames for line in frame)


def test_page_marks_with_the_page_count_give_the_pages_back() -> None:
    text = _pages(5, header=["Verksamhetsplan 2026 | Socialnämnden"], footer=["{n} (5)"])
    lines = [line for line in clean_lines(text) if line.text]
    texts = [line.text for line in lines]
    assert not [t for t in texts if page_number(t)]
    # The running header opens the document: there it is the title block, elsewhere furniture.
    assert texts.count("Verksamhetsplan 2026 | Socialnämnden") == 1
    assert texts[0] == "Verksamhetsplan 2026 | Socialnämnden"
    assert sorted({line.page for line in lines}) == [1, 2, 3, 4, 5]


def test_a_running_header_whose_chapter_changes_is_furniture() -> None:
    chapters = ["INLEDNING", "INLEDNING", "EKONOMI", "EKONOMI", "BILAGA 1. NYCKELTAL"]
    pages = [
        "\n".join([f"PLAN, BUDGET OCH EKONOMI 2026 | {chapter}", *body, str(n)])
        for n, (chapter, body) in enumerate(zip(chapters, PAGES, strict=True), start=1)
    ]
    texts = text_lines("Regionplan 2026\n" + "\n".join(pages))
    assert not [t for t in texts if t.startswith("PLAN, BUDGET OCH EKONOMI")]
    assert not [t for t in texts if t.isdigit()]
    assert all(line in texts for body in PAGES for line in body)


def test_a_sentence_that_a_page_break_cuts_is_whole_again() -> None:
    text = "\n".join(
        [
            "Regionplan 2026",
            *PAGES[0],
            "Regionen ska under perioden förstärka arbetet med att minska",
            "1",
            "väntetiderna i den specialiserade vården.",
            *PAGES[1],
            "2",
            *PAGES[2],
            "3",
            *PAGES[3],
            "4",
        ]
    )
    blocks = block_texts(text)
    assert any(
        "arbetet med att minska väntetiderna i den specialiserade vården." in b for b in blocks
    )


def test_a_column_of_numbers_is_no_chain_of_pages() -> None:
    table = ["Nivå", "1", "2", "3", "4", "5", "6"]
    texts = text_lines("\n".join(["Avgiftsnivåer", *PAGES[0], *table, *PAGES[1]]))
    assert [t for t in texts if t.isdigit()] == ["1", "2", "3", "4", "5", "6"]


def test_an_appendix_numbers_its_pages_from_one_again() -> None:
    plan = [line for n, body in enumerate(PAGES[:4], start=1) for line in [*body, str(n)]]
    appendix = [
        line
        for n, body in enumerate(PAGES[1:], start=1)
        for line in [f"Bilaga {n}. Nyckeltal för avsnitt {n} av budgeten", *body[::-1], str(n)]
    ]
    texts = text_lines("\n".join(["Plan", *plan, "Budgetbilaga", *appendix]))
    assert not [t for t in texts if t.isdigit()]


PROTOCOL_HEADER = [
    "LOMMA KOMMUN",
    "SAMMANTRÄDESPROTOKOLL",
    "Socialnämnden",
    "Sammanträdesdatum",
    "2025-12-09",
    "Sida {n} av 5",
]


def test_a_protocols_header_block_and_footer_are_furniture_but_its_fields_are_not() -> None:
    pages = [
        ["Plats och tid", "Kommunhuset, tisdag 9 december 2025 kl. 13.00–16.10", *PAGES[0]],
        ["ANSLAG/BEVIS", "Organ", "Socialnämnden", "Sammanträdesdatum", "2025-12-09", *PAGES[1]],
        ["§ 105 Dnr SN 2025/0012", "Ekonomisk uppföljning november 2025", *PAGES[2]],
        ["§ 106 Dnr SN 2025/0231", "Satsning på demensvården 2026", *PAGES[3]],
        ["§ 107 Dnr SN 2025/0198", "Internkontrollplan 2026", *PAGES[4]],
    ]
    # Page 2 ends in the footer as a layout-keeping converter writes it: on one line.
    footer = ["Justerandes signatur", "", "Utdragsbestyrkande"]
    side_by_side = ["Justerandes signatur" + " " * 41 + "Utdragsbestyrkande"]
    raw = "\n".join(
        line
        for n, body in enumerate(pages, start=1)
        for line in [
            *(h.format(n=n) for h in PROTOCOL_HEADER),
            "",
            *body,
            "",
            *(side_by_side if n == 2 else footer),
            "",
        ]
    )
    texts = text_lines(raw)
    # The header that opens the protocol is its title block: it stays once, but its page number.
    title_block = [h for h in PROTOCOL_HEADER if not h.startswith("Sida")]
    assert texts[: len(title_block)] == title_block
    rest = texts[len(title_block) :]
    assert not [t for t in rest if "Justerande" in t or "Utdragsbestyrkande" in t]
    assert not [t for t in rest if t.startswith(("Sida", "LOMMA", "SAMMANTRÄDES"))]
    # The ANSLAG block keeps its fields, although they look like the header's.
    anslag = texts[texts.index("ANSLAG/BEVIS") :][:5]
    assert anslag == ["ANSLAG/BEVIS", "Organ", "Socialnämnden", "Sammanträdesdatum", "2025-12-09"]


def test_converter_residue_goes_and_values_stay() -> None:
    text = "\n".join(
        [
            "Riktlinje för anhörigstöd",
            "Ta inte bort denna rad den innehåller dold information",
            *PAGES[0][:2],
            "10",
            *PAGES[0][2:],
            "Antal platser:",
            "27",
            "Ekonomi",
            "12",
            "15",
            "18",
            *PAGES[1],
            "4",
            "",
            "4",
            "image1.emf",
            "image2.jpeg",
        ]
    )
    texts = text_lines(text)
    assert "Ta inte bort denna rad den innehåller dold information" not in texts
    assert not [t for t in texts if t.startswith("image")]
    assert "10" not in texts and "4" not in texts  # page numbers between prose, at the end
    assert "27" in texts  # a value after its label
    assert [t for t in texts if t in {"12", "15", "18"}] == ["12", "15", "18"]


def test_letters_of_vertical_text_go_but_one_word_lines_stay() -> None:
    vertical = ["R", "a", "e", "r", "g", "n", "i", "a", "o n", "D"]
    ticks = ["Ja", "X", "X", "X", "X"]
    items = ["• Lomma", "• Bjärred", "Mål", "Ja", "Nej"]
    texts = text_lines("\n".join([*PAGES[0], *vertical, *PAGES[1], *ticks, *items]))
    assert not [t for t in texts if t in {"R", "e", "g", "o n", "D"}]
    assert texts.count("X") == 4
    assert all(item in texts for item in items)


def test_mirrored_lines_go() -> None:
    texts = text_lines("\n".join([*PAGES[0], ".nossealC", "naffatS", ":otoF", *PAGES[1]]))
    assert texts == [*PAGES[0], *PAGES[1]]


def test_soft_hyphens_are_read_by_context() -> None:
    # A document that prints them: hyphens, minus signs, dashes in empty cells.
    printed = (
        "verk\u00ad\nsamheten i hälso\u00ad och vård, e\u00adtjänster, \u00ad0,9 %, \u00ad \u00ad"
    )
    assert resolve_soft_hyphens(printed) == (
        "verk-\nsamheten i hälso- och vård, e-tjänster, -0,9 %, - -"
    )
    # A document that uses them as hyphenation points only: they vanish, but where the line
    # was broken at one the hyphen was printed.
    hidden = "sam\u00adverkan och över\u00adenskommelse om verk\u00ad\nsamheten"
    assert resolve_soft_hyphens(hidden) == "samverkan och överenskommelse om verk-\nsamheten"
    # And the word broken at the line end is one word again when the document knows it.
    uppsala = (
        "Vi gör stora resursförstärkningar för att säkra verk\u00ad\nsamheten på vårt sjukhus."
    )
    blocks = block_texts(f"{uppsala}\nDen verksamheten växer.")
    assert "för att säkra verksamheten på vårt sjukhus." in blocks[0]
