"""Law mentions in real passages of the example plans, and things that only look like laws."""

from __future__ import annotations

import itertools

import pytest

from ingest.laws import LawMention, find_laws, law_labels

SOL = "socialtjänstlagen"
LVU = "lagen med särskilda bestämmelser om vård av unga"
LVM = "lagen om vård av missbrukare i vissa fall"

# Passages quoted from the example plans (the test below checks they are really there).
NORRKOPING_2024 = (
    "Individ- och familjeomsorgsverksamhet enligt socialtjänstlagen (exklusive försörjningsstöd "
    "till familjer och enskilda), lagen (1990:52) med särskilda bestämmelser om vård av unga "
    "(LVU), lagen (1988:870) om vård av missbrukare i vissa fall (LVM), och annan särskild "
    "lagstiftning."
)
NORRKOPING_2017 = (
    "Individ- och familjeomsorgsverksamhet enligt socialtjänstlagen (SoL) (undantaget "
    "försörjningsstöd till familjer och enskilda), lagen med särskilda bestämmelser om vård av "
    "unga (LVU), lagen om vård av missbrukare i vissa fall (LVM), lagen om unga lagöverträdare "
    "(LUL) och annan relevant lagstiftning"
)
# Norrtälje's PDF text: every line is followed by a blank line.
NORRTALJE_RESPONSIBILITIES = (
    "Socialnämnden är även ansvarig för ärenden enligt alkohollagen (2010:1622), tobakslagen "
    "(1993:581), \n\nlag (2022:1257) om tobaksfria nikotinprodukter och lag (2009:730) om handel "
    "med vissa receptfria \n\nläkemedel."
)
NORRTALJE_LAWS = """• Socialtjänstlagen (2001:453) – finns lagförslag om ny socialtjänstlag

• Socialtjänstförordning (2001:937)

• Lag (1990:52) med särskilda bestämmelser om vård av unga

• Lag (1988:870) om vård av missbrukare i vissa fall

• Föräldrabalken (1949:381)
"""
SODERKOPING_2025 = (
    "Nämnden ansvarar för vad kommunen har att fullgöra enligt hälso- och sjukvårdslagen (HSL).  "
    "\n\nNämnden ansvarar för kommunens uppgifter enligt lagen om stöd och service till vissa "
    "funktionshindrade (LSS)."
)


def test_quoted_passages_are_in_the_plans(plan_texts: dict[str, str]) -> None:
    assert NORRKOPING_2024 in plan_texts["000_5ccfd488fdc5a3cb.txt"]
    assert NORRKOPING_2017 in plan_texts["001_61c2f1d4038333da.txt"]
    assert NORRTALJE_RESPONSIBILITIES in plan_texts["002_5a882963cc8bcb49.txt"]
    assert NORRTALJE_LAWS in plan_texts["002_5a882963cc8bcb49.txt"]
    assert SODERKOPING_2025 in plan_texts["003_68385dbcb3386a73.txt"]


def _summary(mentions: list[LawMention]) -> list[tuple[str, str | None, str | None, str]]:
    return [(m.name, m.sfs, m.abbreviation, m.key) for m in mentions]


def test_norrkoping_2024_names_with_sfs_and_abbreviation() -> None:
    assert _summary(find_laws(NORRKOPING_2024)) == [
        ("socialtjänstlagen", None, None, SOL),
        ("lagen (1990:52) med särskilda bestämmelser om vård av unga", "1990:52", "LVU", LVU),
        ("lagen (1988:870) om vård av missbrukare i vissa fall", "1988:870", "LVM", LVM),
    ]


def test_norrkoping_2017_abbreviations_in_parentheses() -> None:
    mentions = find_laws(NORRKOPING_2017)
    assert [m.text for m in mentions] == [
        "socialtjänstlagen (SoL)",
        "lagen med särskilda bestämmelser om vård av unga\n(LVU)".replace("\n", " "),
        "lagen om vård av missbrukare i vissa fall (LVM)",
        "lagen om unga lagöverträdare (LUL)",
    ]
    assert [m.abbreviation for m in mentions] == ["SoL", "LVU", "LVM", "LUL"]
    assert mentions[3].key == "lagen med särskilda bestämmelser om unga lagöverträdare"


def test_titles_run_over_pdf_line_breaks() -> None:
    assert _summary(find_laws(NORRTALJE_RESPONSIBILITIES)) == [
        ("alkohollagen", "2010:1622", None, "alkohollagen"),
        ("tobakslagen", "1993:581", None, "tobakslagen"),
        ("lag (2022:1257) om tobaksfria nikotinprodukter", "2022:1257", None,
         "lagen om tobaksfria nikotinprodukter"),
        ("lag (2009:730) om handel med vissa receptfria läkemedel", "2009:730", None,
         "lagen om handel med vissa receptfria läkemedel"),
    ]  # fmt: skip


def test_list_of_laws() -> None:
    mentions = find_laws(NORRTALJE_LAWS)
    assert [m.name for m in mentions] == [
        "Socialtjänstlagen",
        "socialtjänstlag",  # "lagförslag" is no law
        "Socialtjänstförordning",
        "Lag (1990:52) med särskilda bestämmelser om vård av unga",
        "Lag (1988:870) om vård av missbrukare i vissa fall",
        "Föräldrabalken",
    ]
    assert [m.key for m in mentions] == [
        SOL,
        SOL,
        "socialtjänstförordningen",
        LVU,
        LVM,
        "föräldrabalken",
    ]


def test_compound_names_with_och() -> None:
    mentions = find_laws(SODERKOPING_2025)
    assert [(m.name, m.abbreviation) for m in mentions] == [
        ("hälso- och sjukvårdslagen", "HSL"),
        ("lagen om stöd och service till vissa funktionshindrade", "LSS"),
    ]


@pytest.mark.parametrize(
    ("text", "name", "sfs", "key"),
    [
        ("• Socialförsäkringsbalk (2010:110)", "Socialförsäkringsbalk", "2010:110",
         "socialförsäkringsbalken"),
        ("• Förordning (2001:637)", "Förordning (2001:637)", "2001:637", "sfs 2001:637"),
        ("• Förordning (1997:405) om offentligt biträde",
         "Förordning (1997:405) om offentligt biträde", "1997:405",
         "förordningen om offentligt biträde"),
        ("• Lag (1994:137) om mottagande av asylsökande m.fl.",
         "Lag (1994:137) om mottagande av asylsökande m.fl.", "1994:137",
         "lagen om mottagande av asylsökande m.fl."),
        ("• Socialtjänstförordning (2001:937)", "Socialtjänstförordning", "2001:937",
         "socialtjänstförordningen"),
        # The number may stand bare after "Lag": the same law, the same key.
        ("Lag 1994:137 om mottagande av asylsökande m.fl. (LMA) innehåller bestämmelser",
         "Lag 1994:137 om mottagande av asylsökande m.fl.", "1994:137",
         "lagen om mottagande av asylsökande m.fl."),
        ("enligt lag 2001:453.", "lag 2001:453", "2001:453", "socialtjänstlagen"),
        ("• Offentlighets- och sekretesslagen (2009:400)", "Offentlighets- och sekretesslagen",
         "2009:400", "offentlighets- och sekretesslagen"),
    ],
)  # fmt: skip
def test_single_laws(text: str, name: str, sfs: str, key: str) -> None:
    (mention,) = find_laws(text)
    assert (mention.name, mention.sfs, mention.key) == (name, sfs, key)


def test_two_laws_on_one_line_are_two_mentions() -> None:
    line = (
        "• Förordning (1999:1134) om belastningsregister Förordning (1999:1135) om "
        "misstankeregister"
    )
    assert [m.name for m in find_laws(line)] == [
        "Förordning (1999:1134) om belastningsregister",
        "Förordning (1999:1135) om misstankeregister",
    ]
    line = (
        "• Lag (2001:454) och förordning (2001:637) om behandling av personuppgifter inom\n"
        "socialtjänsten"
    )
    assert [(m.name, m.sfs) for m in find_laws(line)] == [
        ("Lag (2001:454)", "2001:454"),
        ("förordning (2001:637) om behandling av personuppgifter inom socialtjänsten", "2001:637"),
    ]


def test_gdpr_and_dataskyddsforordningen_group_together() -> None:
    mentions = find_laws("GDPR/Dataskyddsförordningen och Dataskyddsförordningen (GDPR)")
    assert [m.text for m in mentions] == [
        "GDPR",
        "Dataskyddsförordningen",
        "Dataskyddsförordningen (GDPR)",
    ]
    assert {m.key for m in mentions} == {"dataskyddsförordningen"}


def test_bare_abbreviations() -> None:
    text = (
        "dokumentation i verksamhet som bedrivs med stöd av SoL,\n\nLVU, LVM och LSS (SOSFS 2014:5)"
    )
    assert [(m.text, m.key) for m in find_laws(text)] == [
        ("SoL", SOL),
        ("LVU", LVU),
        ("LVM", LVM),
        ("LSS", "lagen om stöd och service till vissa funktionshindrade"),
        ("SOSFS 2014:5", "SOSFS 2014:5"),
    ]
    assert [m.key for m in find_laws("HSL, FB, LUL, OSL, KL och FL")] == [
        "hälso- och sjukvårdslagen",
        "föräldrabalken",
        "lagen med särskilda bestämmelser om unga lagöverträdare",
        "offentlighets- och sekretesslagen",
        "kommunallagen",
        "förvaltningslagen",
    ]


def test_regulations_are_keyed_by_their_code() -> None:
    text = "unga lagöverträdare (HSLF-FS\n\n2019:30)Föreskrifter och allmänna råd om"
    (mention,) = find_laws(text)
    assert (mention.text, mention.name, mention.key) == (
        "HSLF-FS\n\n2019:30",
        "HSLF-FS 2019:30",
        "HSLF-FS 2019:30",
    )


@pytest.mark.parametrize(
    "text",
    [
        "socialtjänstlagen",
        "Socialtjänstlagen (2001:453)",
        "SoL",
        "socialtjänstlag",
        "Socialtjänstlagens första kapitel",
        "SFS 2001:453",
    ],
)
def test_ways_of_writing_socialtjanstlagen_share_a_key(text: str) -> None:
    assert [m.key for m in find_laws(text)] == [SOL]


@pytest.mark.parametrize(
    "text",
    [
        "lagen (1990:52) med särskilda bestämmelser om vård av unga (LVU)",
        "LVU",
        "Lag (1990:52) med särskilda bestämmelser om vård av unga",
        "lag om särskilda bestämmelser om vård av unga (LVU)",
        "lagen med särskilda bestämmelser om vård av unga",
    ],
)
def test_ways_of_writing_lvu_share_a_key(text: str) -> None:
    assert [m.key for m in find_laws(text)] == [LVU]


@pytest.mark.parametrize(
    "text",
    [
        "Kommunfullmäktige 2022-06-20 § 124",
        "Socialnämndens budget uppgår till 654 848 tkr för 2024",
        "Beslut 2023-11-30 kl. 10:30",
        "Antal elever med högre än 50% frånvaro. 20 (lå 23/24)",
        "Den nya lagen understryker att socialtjänsten ska vara kunskapsbaserad.",
        "då barnkonventionen blev svensk lag från den 1 januari 2020",
        "i lag eller annan författning",
        "Det finns ett lagförslag och ett beslutsunderlag.",
        "Kommunens bostadsbolag och arbetslag i Roslagens skärgård",
        "Överlag går det bra; takbalken är lagad.",
        "Personlig assistans varav , mer än 20h/vecka LASS",
        "Föreskrifter och allmänna råd om stödboende (2016:56)",
        "Filen är 20 MB stor.",
    ],
)
def test_no_false_mentions(text: str) -> None:
    assert find_laws(text) == []


def test_mention_text_is_exactly_the_source_slice(plan_texts: dict[str, str]) -> None:
    for text in plan_texts.values():
        for mention in find_laws(text):
            assert text[mention.start : mention.end] == mention.text


def test_mentions_are_ordered_and_do_not_overlap(plan_texts: dict[str, str]) -> None:
    mentions = find_laws(plan_texts["002_5a882963cc8bcb49.txt"])
    assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))


def test_law_labels_one_per_law_in_order() -> None:
    text = (
        "enligt alkohollagen (2010:1622) och socialtjänstlagen (SoL). Enligt SoL och "
        "Alkohollagen gäller LVU."
    )
    assert law_labels(find_laws(text)) == ["alkohollagen (2010:1622)", SOL, "LVU"]


def test_law_labels_keep_sfs_written_inside_a_title() -> None:
    labels = law_labels(find_laws(NORRKOPING_2024))
    assert labels == [
        SOL,
        "lagen (1990:52) med särskilda bestämmelser om vård av unga",
        "lagen (1988:870) om vård av missbrukare i vissa fall",
    ]
