"""Tables in flattened text: header shapes, Swedish numbers, refusals, and the real tables of the
example plans and of corpus-more, read through the whole ingest pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.blocks import build_blocks
from ingest.cleaning import clean_lines
from ingest.document import Chunk, LoadedDocument
from ingest.pipeline import process_document
from ingest.table_cells import has_digit, splits
from ingest.table_model import Table, TableRow
from ingest.tables import TableBlock, build_tables, spacing_of
from settings import IngestSettings
from tests.conftest import NORRKOPING_2017, NORRKOPING_2024, NORRTALJE_2023, REPO, SODERKOPING_2025

CORPUS_MORE = REPO.parent / "shared" / "corpus-more"


def tables_of(text: str) -> list[tuple[str, Table]]:
    """The tables of ``text`` with the text of their blocks (which their spans point into)."""
    blocks = build_tables(build_blocks(clean_lines(text)), spacing_of(text))
    return [(b.text, b.table) for b in blocks if isinstance(b, TableBlock) and b.table]


def only_table(text: str) -> tuple[str, Table]:
    found = tables_of(text)
    assert len(found) == 1, found
    return found[0]


def row(table: Table, label: str) -> TableRow:
    matches = [r for r in table.rows if r.label == label]
    assert len(matches) == 1, [r.label for r in table.rows]
    return matches[0]


def cell(table: Table, label: str, column: str) -> str:
    return row(table, label).cells[table.columns.index(column)]


# --- shapes ---------------------------------------------------------------------------------------


def test_one_line_header_of_years_with_caption_and_unit() -> None:
    text, table = only_table(
        "Fördelning av budget till nämnder, mnkr\n"
        "Nämnd 2026 2027 2028\n"
        "Regionstyrelsen 814 810 779\n"
        "Driftnämnd Psykiatri 949 964 1 015\n"
        "Summa 14 391 14 787 15 160\n"
    )
    assert table.title == "Fördelning av budget till nämnder, mnkr"
    assert (table.unit, table.stub, table.columns) == ("mnkr", "Nämnd", ["2026", "2027", "2028"])
    assert cell(table, "Driftnämnd Psykiatri", "2028") == "1 015"
    assert row(table, "Summa").cells == ["14 391", "14 787", "15 160"]
    header = table.header_span
    assert header is not None
    assert text[header[0] : header[1]] == table.header
    assert table.header.endswith("Nämnd 2026 2027 2028")
    start, end = row(table, "Regionstyrelsen").span
    assert text[start:end] == "Regionstyrelsen 814 810 779"


def test_header_wrapped_over_three_lines() -> None:
    _, table = only_table(
        "Budget Budget\n"
        "Plan 2027 Plan 2028\n"
        "2025 2026\n"
        "Finansiering vårdval 1 974 243 2 003 000 2 041 110 2 082 022\n"
        "Övrig hälso- och sjukvård -21 229 -905 10 488 21 401\n"
    )
    assert table.columns == ["Budget 2025", "Budget 2026", "Plan 2027", "Plan 2028"]
    assert cell(table, "Övrig hälso- och sjukvård", "Budget 2026") == "-905"
    assert cell(table, "Finansiering vårdval", "Plan 2028") == "2 082 022"


def test_header_of_words_above_years_with_the_label_column_before_the_years() -> None:
    _, table = only_table(
        "Utfall Budget Plan\n"
        "RESULTAT mnkr 2024 2025 2026\n"
        "Skatteintäkter 9 309 9 724 10 101\n"
        "Finansnetto -123 -66 154\n"
    )
    assert table.stub == "RESULTAT mnkr"
    assert table.columns == ["Utfall 2024", "Budget 2025", "Plan 2026"]
    assert cell(table, "Finansnetto", "Budget 2025") == "-66"


def test_a_period_of_years_heads_a_sum_column_and_a_last_column_no_row_fills_is_dropped() -> None:
    _, table = only_table(
        "Budget Plan Plan Summa plan\n"
        "Fastighetsinvesteringar 2026 2027 2028 2026–2028 RPB\n"
        "Regionövergripande\n"
        "Spårvagnsdepå 233 000 407 000 535 000 1 175 000\n"
        "Hållplatser spårväg 2 500 4 200 14 500 21 200\n"
    )
    assert table.columns == ["Budget 2026", "Plan 2027", "Plan 2028", "Summa plan 2026–2028"]
    assert cell(table, "Spårvagnsdepå", "Summa plan 2026–2028") == "1 175 000"


def test_a_caption_with_a_period_of_years_is_no_header_line() -> None:
    _, table = only_table(
        "Budget 2026 med ekonomisk plan 2027–2030\n"
        "Resultatbudget\n"
        "Budget Plan 2027 Plan 2028 Plan 2029 Plan 2030\n"
        "Resultatbudget, mnkr 2026\n"
        "Verksamhetens intäkter 2 254 2 299 2 345 2 392 2 439\n"
        "Avskrivningar -553 -576 -608 -636 -649\n"
    )
    assert table.columns == ["Budget 2026", "Plan 2027", "Plan 2028", "Plan 2029", "Plan 2030"]


def test_words_after_a_captions_one_year_head_no_columns() -> None:
    found = tables_of(
        "Prognos oktober 2025 Utfall Prognos Prognos Prognos Prognos\n"
        "Årlig procentuell förändring % 2024 2025 2026 2027 2028\n"
        "- Timlön 3,5 4,1 3,5 3,5 3,5\n"
        "- Socialavgifter 10,6 -16,8 -0,9 -0,6 9,1\n"
    )
    assert all(has_digit(column) for _, table in found for column in table.columns)


def test_one_cell_per_line_header_and_minus_signs_apart_from_their_numbers() -> None:
    source = (
        "(tkr)\n"
        "Bokslut    \n\n"
        "2022\n"
        "Budget        \n\n"
        "2025\n\n"
        "Individ och familjeomsorg -     63 358            82 186     \n\n"
        "Summa för nämnden -  317 269         398 950     \n"
    )
    text, table = only_table(source)
    assert (table.unit, table.columns) == ("tkr", ["Bokslut 2022", "Budget 2025"])
    assert row(table, "Individ och familjeomsorg").cells == ["- 63 358", "82 186"]
    assert cell(table, "Summa för nämnden", "Bokslut 2022") == "- 317 269"
    start, end = row(table, "Summa för nämnden").span
    assert text[start:end] == "Summa för nämnden - 317 269 398 950"


def test_empty_cells_percentages_and_decimal_commas() -> None:
    _, table = only_table(
        "Indikator Utfall 2023 Mål 2024 Mål 2025\n"
        "HVB vuxen, antal - 1,5 1,0\n"
        "Sjukfrånvaro 7,96 % 7,29 % 7,27 %\n"
        "Budgetföljsamhet -1,5% 0,0% 0,0%\n"
        "Kostnad per dygn -1 647 - 2 100 -1 800\n"
    )
    assert table.columns == ["Utfall 2023", "Mål 2024", "Mål 2025"]
    assert row(table, "HVB vuxen, antal").cells == ["-", "1,5", "1,0"]
    assert row(table, "Sjukfrånvaro").cells == ["7,96 %", "7,29 %", "7,27 %"]
    assert cell(table, "Budgetföljsamhet", "Utfall 2023") == "-1,5%"
    assert row(table, "Kostnad per dygn").cells == ["-1 647", "- 2 100", "-1 800"]


def test_label_wrapped_above_and_below_its_numbers_and_group_labels() -> None:
    text, table = only_table(
        "Utfall Budget\n"
        "TILLGÅNGAR (MNKR) 2024 2025\n"
        "Anläggningstillgångar\n"
        "Materiella\n"
        "anläggningstillgångar 5 258 5 679\n"
        "Summa 5 430 5 851\n"
        "anläggningstillgångar\n"
        "Omsättningstillgångar\n"
        "Förråd 159 165\n"
    )
    labels = [r.label for r in table.rows]
    assert labels == ["Materiella anläggningstillgångar", "Summa anläggningstillgångar", "Förråd"]
    start, end = row(table, "Summa anläggningstillgångar").span
    assert text[start:end] == "Summa 5 430 5 851\nanläggningstillgångar"


def test_caption_run_into_the_header_and_a_column_without_a_year() -> None:
    _, table = only_table(
        "Driftredovisning 2025 per verksamhet (tkr) Budget 2025 Utfall 2025 Avvikelse\n"
        "Nämnd och förvaltningsledning 18 400 17 950 450\n"
        "Äldreomsorg 238 600 241 380 -2 780\n"
    )
    assert (table.title, table.unit) == ("Driftredovisning 2025 per verksamhet (tkr)", "tkr")
    assert table.columns == ["Budget 2025", "Utfall 2025", "Avvikelse"]
    assert row(table, "Äldreomsorg").cells == ["238 600", "241 380", "-2 780"]
    _, table = only_table(
        "Ekonomiskt bistånd, helår 2024 2025 Förändring (%)\n"
        "Utbetalt bistånd (tkr) 20 600 23 760 15,3\n"
        "Genomsnittligt bistånd per hushåll och månad (kr) 9 640 9 950 3,2\n"
    )
    assert table.columns == ["2024", "2025", "Förändring (%)"]
    assert row(table, "Utbetalt bistånd (tkr)").cells == ["20 600", "23 760", "15,3"]


def test_words_alone_head_columns_and_decide_a_split() -> None:
    # "320 410" is one number or two: only the two columns of the header tell.
    _, table = only_table(
        "Verksamhet Prognos oktober Prognos november\n"
        "Nämnd och förvaltningsledning 320 410\n"
        "Ekonomiskt bistånd -2 100 -2 340\n"
    )
    assert (table.stub, table.columns) == ("Verksamhet", ["Prognos oktober", "Prognos november"])
    assert row(table, "Nämnd och förvaltningsledning").cells == ["320", "410"]


def test_a_closing_sum_row_states_the_unit_the_header_does_not() -> None:
    _, table = only_table(
        "Investeringar totalt per förvaltning\n"
        "Nämnd 2026 2027 2028\n"
        "Regionstyrelsen (RS) 130 100 99 600 85 750\n"
        "Regionfastigheter (RFA) 862 000 1 560 000 2 070 000\n"
        "Summa investeringar, tkr 1 322 220 1 976 161 2 494 040\n"
    )
    assert table.unit == "tkr"


def test_a_unit_in_a_row_that_sums_nothing_is_that_rows_own() -> None:
    _, table = only_table(
        "Nyckeltal 2026 2027 2028\n"
        "Investeringar (mnkr) 706 650 600\n"
        "Självfinansieringsgrad i procent 61 72 80\n"
    )
    assert table.unit is None


def test_label_value_list_under_a_caption_that_states_its_unit() -> None:
    _, table = only_table(
        "Nämndernas driftramar 2026 enligt kommunstyrelsens förslag (mnkr)\n"
        "Kommunstyrelsen 196,5\n"
        "Socialnämnden 441,2\n"
        "Summa nämnder 1 587,4\n"
    )
    assert (table.columns, table.unit) == ([""], "mnkr")
    assert row(table, "Summa nämnder").cells == ["1 587,4"]


def test_label_value_list_under_a_lead_in() -> None:
    _, table = only_table(
        "Socialnämndens budget uppgår till 654 848 tkr för 2024 och fördelas enligt nedan:\n\n"
        "Nämndverksamhet\n\n1 659\n\n"
        "Barn- och ungdomsverksamheten\n\n428 360\n\n"
        "Totalt\n\n654 848\n"
    )
    assert (table.columns, table.unit) == ([""], "tkr")
    assert table.header.endswith("fördelas enligt nedan:")
    assert [(r.label, r.cells) for r in table.rows] == [
        ("Nämndverksamhet", ["1 659"]),
        ("Barn- och ungdomsverksamheten", ["428 360"]),
        ("Totalt", ["654 848"]),
    ]


def test_table_flattened_column_by_column() -> None:
    _, table = only_table(
        "\tNivå\n\t1\n\t2\n\t3\n\n"
        "\tAntal beviljade timmar/mån\n\t0–2\n\t3–8\n\t9–20\n\n"
        "\tHögsta avgift = procent av prisbasbeloppet\n\t7 %\n\t15 %\n\t28 %\n"
    )
    assert table.columns == ["Nivå 1", "Nivå 2", "Nivå 3"]
    assert cell(table, "Högsta avgift = procent av prisbasbeloppet", "Nivå 3") == "28 %"
    assert cell(table, "Antal beviljade timmar/mån", "Nivå 2") == "3–8"


def test_rows_of_word_and_html_tables() -> None:
    _, table = only_table(
        "Nämnd | Budget 2025 | Budget 2026\nVård | 82 186 | 84 884\nIFO | - | 1 200\n"
    )
    assert (table.stub, table.columns) == ("Nämnd", ["Budget 2025", "Budget 2026"])
    assert cell(table, "IFO", "Budget 2026") == "1 200"
    # The part of a table on the next page, without its header row: no header is made up.
    assert tables_of("Vård | 82 186 | 84 884\nIFO | - | 1 200\n") == []


# --- refusals -------------------------------------------------------------------------------------


def test_a_row_that_splits_several_ways_is_plain_text() -> None:
    text, table = only_table(
        "Nämnd Budget 2025 Budget 2026 Plan 2027\n"
        "Samtliga 1 974 243 2 003 000 2 041 110\n"
        "Regionkontoret 819 852 813 556 809 575\n"
        "Uppräkning priser 16 271 15 581\n"
    )
    # The last row has two amounts under three columns: the table has short rows, so the
    # middle one (three amounts, or two of nine digits) is not split.
    assert [r.label for r in table.rows] == ["Samtliga"]
    assert "Regionkontoret 819 852 813 556 809 575" in text


def test_splits_of_a_run_of_three_digit_groups_are_several() -> None:
    found = splits("819 852 813 556 809 575 779 031 771 785 774 880".split(), 6)
    assert found is not None
    assert sorted(found) == [3, 4, 6]  # amounts of 12, 9 or 6 digits
    # Similar sizes only: "814 810 779 772 775" is five amounts, not "814 810 | 779 | …".
    assert sorted(splits("814 810 779 772 775".split(), 5) or {}) == [5]


def test_no_table_without_a_header() -> None:
    assert tables_of("Vi satsar 20 miljoner på vården.\nKostnaden är 4 266 4 470 4 687.\n") == []


def test_a_label_with_a_year_above_its_value_is_no_header() -> None:
    text = "Budgetram 2024\n9 448,0\nUppräkning priser och löner\n286,4\nBudgetram 2025\n9 804,6\n"
    assert tables_of(text) == []


def test_a_table_of_contents_is_no_table() -> None:
    text = "Innehåll:\nInledning\t3\nSyfte\t3\nBegrepp\t4\nReferenser\t9\n"
    assert tables_of(text) == []


# --- chunks of real plans -------------------------------------------------------------------------


def chunks_of(path: Path) -> list[Chunk]:
    text = path.read_text(encoding="utf-8")
    loaded = LoadedDocument(path=path, sha256="0" * 64, text=text, paged=False)
    return process_document(loaded, IngestSettings()).chunks


def table_with(chunks: list[Chunk], label: str) -> tuple[Chunk, Table, TableRow]:
    for chunk in chunks:
        for table in chunk.tables:
            for table_row in table.rows:
                if table_row.label == label:
                    return chunk, table, table_row
    raise AssertionError(f"no row {label!r}")


def assert_quotable(chunk: Chunk, table: Table, table_row: TableRow) -> None:
    """The row and the header stand verbatim in the chunk's text, and the row is a unit."""
    assert tuple(table_row.span) in {tuple(unit) for unit in chunk.units}
    assert table.header_span is not None
    start, end = table.header_span
    assert chunk.text[start:end] == table.header


def test_soderkoping_budget_table() -> None:
    chunk, table, table_row = table_with(chunks_of(SODERKOPING_2025), "Individ och familjeomsorg")
    assert table.unit == "tkr"
    assert table.columns == [
        "Bokslut 2022",
        "Prognos 2023",
        "Budget 2024",
        "Budget 2025",
        "Budget 2026",
    ]
    assert table_row.cells[table.columns.index("Budget 2025")] == "82 186"
    assert chunk.text[table_row.span[0] : table_row.span[1]] == (
        "Individ och familjeomsorg - 63 358 - 82 227 - 77 242 82 186 84 884"
    )
    assert_quotable(chunk, table, table_row)


def test_soderkoping_volumes_and_norrtalje_and_norrkoping_tables() -> None:
    _, table, table_row = table_with(chunks_of(SODERKOPING_2025), "Försörjningsstöd, antal hushåll")
    assert table_row.cells[table.columns.index("Budget 2025")] == "115"
    chunks = chunks_of(NORRTALJE_2023)
    chunk, table, table_row = table_with(chunks, "Ekonomiskt bistånd")
    assert table_row.cells[table.columns.index("Budget 2023")] == "-73 169"
    assert_quotable(chunk, table, table_row)
    chunks = chunks_of(NORRKOPING_2024)
    chunk, table, table_row = table_with(chunks, "Barn- och ungdomsverksamheten")
    assert (table_row.cells, table.unit) == (["428 360"], "tkr")
    assert_quotable(chunk, table, table_row)
    _, table, table_row = table_with(chunks_of(NORRKOPING_2017), "Vuxenvård")
    assert table_row.cells == ["142 200"]


def test_every_table_of_the_example_plans_quotes_verbatim() -> None:
    for path in (NORRKOPING_2024, NORRKOPING_2017, NORRTALJE_2023, SODERKOPING_2025):
        for chunk in chunks_of(path):
            for table in chunk.tables:
                units = {tuple(unit) for unit in chunk.units}
                assert all(tuple(r.span) in units for r in table.rows)
                assert all(len(r.cells) == len(table.columns) for r in table.rows)
                if table.header_span is None:
                    assert table.header_chunk is not None
                else:
                    start, end = table.header_span
                    assert chunk.text[start:end] == table.header


def corpus_more(name: str) -> Path:
    if not CORPUS_MORE.is_dir():
        pytest.skip(f"{CORPUS_MORE} is absent: the second corpus is not shipped with the project")
    return CORPUS_MORE / name


def test_halland_budget_per_committee() -> None:
    chunks = chunks_of(corpus_more("region-halland-mal-och-budget-2026.txt"))
    chunk, table, table_row = table_with(chunks, "Driftnämnd Psykiatri")
    assert (table.title, table.unit) == ("Fördelning av budget till nämnder, mnkr", "mnkr")
    assert table_row.cells[table.columns.index("2027")] == "964"
    assert_quotable(chunk, table, table_row)
    _, table, table_row = table_with(chunks, "RH Finansiering vårdval och tandvård")
    assert table.columns[:3] == ["Budget 2025", "Budget 2026", "Plan 2027"]
    assert table_row.cells[1] == "2 003 000"


def test_uppsala_minus_signs_written_as_soft_hyphens() -> None:
    chunks = chunks_of(corpus_more("region-uppsala-regionplan-2026-2028.txt"))
    _, table, table_row = table_with(chunks, "Verksamhetens kostnader")
    assert table_row.cells[table.columns.index("Budget 2026")] == "-23 960"


def test_orebro_result_table_and_botkyrka_fee_levels() -> None:
    chunks = chunks_of(corpus_more("region-orebro-lan-verksamhetsplan-2026.txt"))
    _, table, table_row = table_with(chunks, "Skatteintäkter")
    assert (table.stub, table.unit) == ("RESULTAT mnkr", "mnkr")
    assert table_row.cells[table.columns.index("Budget 2026")] == "10 101"
    chunks = chunks_of(corpus_more("botkyrka-vard-och-omsorgsnamnden-riktlinjer-avgifter-2025.txt"))
    _, table, table_row = table_with(chunks, "Högsta avgift = procent av prisbasbeloppet")
    assert table_row.cells[table.columns.index("Nivå 3")] == "28 %"


def test_a_sum_row_closes_the_run_of_rows_above_it() -> None:
    _, table = only_table(
        "RESULTATBUDGET, mnkr Budget 2026 Plan 2027 Plan 2028\n"
        "Verksamhetens resultat 515 492 439\n"
        "Finansiella kostnader -123 -204 -227\n"
        "Resultat efter finansiella poster 422 318 242\n"
        "1) Skatteintäkter:\n"
        "Preliminära skatteintäkter 9 023 9 325 9 637\n"
        "Avräkning innevarande år -37 0 0\n"
        "Summa 8 986 9 325 9 637\n"
    )
    result = row(table, "Resultat efter finansiella poster")
    preliminary = row(table, "Preliminära skatteintäkter")
    assert table.sum_after(result) is None  # the footnote's rows have a sum of their own
    sum_row = table.sum_after(preliminary)
    assert sum_row is not None and sum_row.cells == ["8 986", "9 325", "9 637"]
