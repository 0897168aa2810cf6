"""Block building: where a paragraph ends and a flattened table's row begins."""

from __future__ import annotations

from tests.ingest.structure_helpers import block_holding, sections_of

PROSE = [
    "Socialnämnden arbetar under året vidare med att motverka hemlöshet och bryta social",
    "isolering, i samverkan med den ideella sektorn och med kommunens bostadsbolag.",
]


def test_a_quoted_line_ends_the_unfinished_sentence_before_it() -> None:
    text = "\n".join(
        [
            *PROSE,
            "Utöka samverkan med den ideella sektorn avseende hem- och bostadslöshet och "
            "införa konceptet",
            "”Bostad först”",
            "Kvarvarande/nytt uppdrag Ansvarig avdelning Slutdatum",
            "Nytt uppdrag Avdelningen för försörjning och arbete 2023-11-30",
        ]
    )
    quoted = block_holding(text, "införa konceptet ”Bostad först”")
    assert "Kvarvarande" not in quoted


def test_a_quoted_line_after_a_full_stop_is_not_joined() -> None:
    text = "\n".join([*PROSE, "”Bostad först”", "Antal placerade 12 14"])
    assert "”Bostad först”" not in block_holding(text, "bostadsbolag.")


def test_a_row_of_ranges_is_a_table_row_not_prose() -> None:
    # Söderköping's indicator table, flattened: the row of target ranges, then the next table's
    # header printed with a leading space.
    cells = ["Alla verksamheter har en", "god ekonomisk", "hushållning och följer"]
    row = "Budgetavvikelse +0,2 % 0–1,5 % 0–1 % "
    header = [" Långsiktigt mål Mål för nämndens ", "verksamhet"]
    text = "\n".join([*PROSE, *cells, "tilldelad budget.", "", row, *header])
    assert "Långsiktigt" not in block_holding(text, row.strip())


def test_a_span_of_years_is_no_number_of_a_table_row() -> None:
    text = "\n".join(["1 Inledning", *PROSE, "2 Budget 2026 samt plan 2027–2028", *PROSE])
    assert {section for section, _ in sections_of(text)} == {
        ("1 Inledning",),
        ("2 Budget 2026 samt plan 2027–2028",),
    }
