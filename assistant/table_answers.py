"""Answers from table rows: a value beside its row and column labels, or a small table.

A row quoted bare ("Individ och familjeomsorg - 63 358 - 82 227 - 77 242 82 186 84 884") does not
say which figure is Budget 2025. When the evidence is a table row (`ingest.table_model`), the
question names the column it asks for by its year and/or its word ("budget 2025", "2027", "plan
2028"), and the answer gives that cell with both labels and the unit the table states:
"Individ och familjeomsorg, Budget 2025: 82 186 tkr [1]". A question for several columns (a span
of years) or for none gets the row as a small Markdown table; the table's header row is the best
evidence for a question about one column, which then gets that column for every row.

Every citation quotes the row (or the table) verbatim and the header verbatim (`Citation.header`),
so every number and every year in the answer stands in the cited text. Nothing is computed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.answer import Citation
from assistant.evidence import ScoredUnit
from ingest.document import Chunk
from ingest.table_model import SUM_ROW, Table, TableRow, TextSpan
from ingest.tables import row_unit

_YEAR = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")
_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")
_WORD = re.compile(r"[^\W\d_]+")
_SIGN_APART = re.compile(r"^([-–−])\s+(?=\d)")
#: A word of a label or question that shares its first letters with another names the same thing
#: ("familjeomsorgen" / "familjeomsorg", "budgeterat" / "budget"); shorter words must be equal.
_STEM = 5
_MIN_WORD = 4
#: More rows than this are not shown as a table in an answer.
MAX_TABLE_ROWS = 20

#: Finds a chunk by its id: the header of a table cut between chunks stands in its first part.
ChunkLookup = Callable[[str], Chunk | None]


@dataclass
class TableStatement:
    """What table rows contribute to an answer: a line (a cell beside its labels) or a small
    table under a caption, with the citations whose markers they carry."""

    citations: list[Citation]
    #: For a cell: its one line. For a small table: its caption, header row and rows.
    line: str = ""
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    #: Rows of the same table asked for the same columns join one small table.
    key: tuple[str, TextSpan, tuple[int, ...]] | None = None

    @property
    def lines(self) -> list[str]:
        if not self.rows:
            return [self.line]
        markers = " ".join(f"[{citation.id}]" for citation in self.citations)
        return [f"{self.caption} {markers}:", *_markdown(self.header, self.rows)]

    def joins(self, other: TableStatement) -> bool:
        """Take in ``other`` when it is a row of the same small table; whether it did."""
        if self.key is None or other.key != self.key:
            return False
        self.rows += other.rows
        self.citations += other.citations
        return True


@dataclass(frozen=True)
class _Place:
    """A unit's table, its row (None for the header) and the chunk that holds the header."""

    table: Table
    row: TableRow | None
    header_chunk: Chunk


def place_of(unit: ScoredUnit, chunks: ChunkLookup | None = None) -> _Place | None:
    """The table row (or header) that ``unit`` is, if its header can be quoted."""
    start, end = unit.chunk.units[unit.index]
    table = unit.chunk.table_at(start)
    if table is None:
        return None
    header_chunk = unit.chunk if table.header_span is not None else None
    if header_chunk is None and table.header_chunk and chunks is not None:
        header_chunk = chunks(table.header_chunk)
    if header_chunk is None or table.header not in header_chunk.text:
        return None
    if table.header_span == (start, end):
        return _Place(table, None, header_chunk)
    row = table.row_at((start, end))
    return _Place(table, row, header_chunk) if row is not None else None


def statement(
    unit: ScoredUnit, question: str, marker: int, chunks: ChunkLookup | None = None
) -> TableStatement | None:
    """The answer that ``unit`` gives as a table row or header, or None when it is no table's
    (or the question asks for a year the table has no column for)."""
    place = place_of(unit, chunks)
    if place is None:
        return None
    columns = asked_columns(place.table, question)
    if columns is None:
        return None
    if place.row is None:
        return _column_statement(unit, place, columns, marker)
    if len(columns) == 1:
        return _cell_statement(unit, place, place.row, columns[0], marker)
    every = list(range(len(place.table.columns)))
    return _row_statement(unit, place, place.row, columns or every, marker)


def focus_rows(
    chosen: list[ScoredUnit],
    best: ScoredUnit,
    question: str,
    scope: str = "",
    chunks: ChunkLookup | None = None,
    rows_summed: int = 2,
) -> list[ScoredUnit]:
    """When the best evidence is a table row that the question names ("… för individ- och
    familjeomsorgen 2025"), the rest of what tables hold is no answer unless the question names
    it too: other rows are only neighbours in a table, or rows of another table that scored
    alike, and a table's header or the rows it could not split say nothing on their own. A
    table's sum row stays when it sums `rows_summed` named rows (one when the question asks what
    part of the whole a named row is, `Expectation.rows_summed`). Words of the ``scope`` (" för
    Söderköping 2025") name no row: "Söderköpings" is a filter."""
    words = {w for w in _words(question) if not any(_same_word(w, s) for s in _words(scope))}
    place = place_of(best, chunks)
    if place is None or place.row is None or not _shares_word(place.row.label, words):
        return chosen
    unnamed = [_unnamed_table_part(unit, words, chunks) for unit in chosen]
    named = Counter(table_of(u) for u, drop in zip(chosen, unnamed, strict=True) if not drop)
    return [
        unit
        for unit, drop in zip(chosen, unnamed, strict=True)
        if not drop or (named[table_of(unit)] >= rows_summed and _is_sum_row(unit, chunks))
    ]


def table_of(unit: ScoredUnit) -> tuple[str, int] | None:
    """Which table of which chunk the unit is part of, if any."""
    table = unit.chunk.table_at(unit.chunk.units[unit.index][0])
    return (unit.chunk.id, table.span[0]) if table is not None else None


def _is_sum_row(unit: ScoredUnit, chunks: ChunkLookup | None) -> bool:
    place = place_of(unit, chunks)
    row = place.row if place is not None else None
    return row is not None and SUM_ROW.match(row.label) is not None


def _unnamed_table_part(unit: ScoredUnit, words: set[str], chunks: ChunkLookup | None) -> bool:
    if unit.chunk.table_at(unit.chunk.units[unit.index][0]) is None:
        return False
    place = place_of(unit, chunks)
    row = place.row if place is not None else None
    return row is None or not _shares_word(row.label, words)


def with_lead_ins(chosen: list[ScoredUnit]) -> list[ScoredUnit]:
    """A row of a list under a lead-in sentence ("… fördelas enligt nedan:") brings the lead-in,
    as a list item does: the sentence says what the figures are (and often the total)."""
    keyed = {(unit.chunk.id, unit.index): unit for unit in chosen}
    for unit in chosen:
        table = unit.chunk.table_at(unit.chunk.units[unit.index][0])
        if table is None or table.columns != [""] or table.header_span not in unit.chunk.units:
            continue
        header = unit.chunk.units.index(table.header_span)
        keyed.setdefault(
            (unit.chunk.id, header),
            ScoredUnit(unit.chunk, unit.rank, header, unit.score, unit.dense, unit.lexical),
        )
    return list(keyed.values())


def asked_columns(table: Table, question: str) -> list[int] | None:
    """The columns the question asks for: those of the years it names (narrowed by the words it
    shares with column labels: "budget", "plan", "utfall"), or of those words alone; [] when it
    names neither; None when it names years that no column has. A table without years in its
    columns (a list under "Budgeten 2024 fördelas enligt nedan:") is asked for its one column."""
    years = _years(question)
    words = _words(question)
    if years and any(_years(column) for column in table.columns):
        columns = [i for i, column in enumerate(table.columns) if _years(column) & years]
        if not columns:
            return None
        if _PERIOD.search(question):
            return columns  # "2026–2030": every column of the period, whatever it is called
        named = [i for i in columns if _shares_word(table.columns[i], words)]
        return named or columns
    named = [i for i, column in enumerate(table.columns) if _shares_word(column, words)]
    if named:
        return named
    return [0] if len(table.columns) == 1 else []


def _years(text: str) -> set[str]:
    years = set(_YEAR.findall(text))
    for first, last in _PERIOD.findall(text):
        years |= {str(year) for year in range(int(first), int(last) + 1)}
    return years


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def _shares_word(label: str, words: set[str]) -> bool:
    """Whether a label and a question's words share a word (a row is named by a word of its
    label, a column by its "Budget", "Plan"); short words ("och", "för") name nothing."""
    return any(
        _same_word(own, word) for own in _words(label) for word in words if len(own) >= _MIN_WORD
    )


def _same_word(own: str, other: str) -> bool:
    if len(own) < _STEM or len(other) < _STEM:
        return own == other
    return own[:_STEM] == other[:_STEM] and (own.startswith(other) or other.startswith(own))


def _cell_statement(
    unit: ScoredUnit, place: _Place, row: TableRow, column: int, marker: int
) -> TableStatement:
    table = place.table
    label = f"{row.label}, {table.columns[column]}" if table.columns[column] else row.label
    value = _value(row.cells[column], row_unit(table, row))
    citation = _citation(unit, place, row, marker)
    return TableStatement([citation], line=f"{label}: {value} [{marker}]")


def _row_statement(
    unit: ScoredUnit, place: _Place, row: TableRow, columns: list[int], marker: int
) -> TableStatement:
    table = place.table
    return TableStatement(
        [_citation(unit, place, row, marker)],
        caption=_caption(unit, table, row_unit(table, row)),
        header=[table.stub, *(table.columns[i] for i in columns)],
        rows=[[row.label, *(_value(row.cells[i], None) for i in columns)]],
        key=(unit.chunk.id, table.span, tuple(columns)),
    )


def _column_statement(
    unit: ScoredUnit, place: _Place, columns: list[int], marker: int
) -> TableStatement | None:
    """The header is the best evidence: the question asks about the table, not one row."""
    table = place.table
    if table.columns == [""]:
        return None  # the header is a lead-in sentence: it is quoted as the plan writes it
    if not table.rows or len(table.rows) > MAX_TABLE_ROWS or len(columns) != 1:
        return None
    column = columns[0]
    return TableStatement(
        [_citation(unit, place, None, marker)],
        caption=_caption(unit, table, table.unit),
        header=[table.stub, table.columns[column]],
        rows=[[row.label, _value(row.cells[column], None)] for row in table.rows],
    )


def _caption(unit: ScoredUnit, table: Table, unit_name: str | None) -> str:
    """The table's caption (or, when it has none that says more than the unit, its section's
    heading), with the unit its cells are in."""
    caption = table.title
    if not _words(caption) - {unit_name or ""}:
        caption = unit.chunk.section[-1] if unit.chunk.section else unit.chunk.title
    if unit_name and unit_name not in caption.lower():
        caption = f"{caption} ({unit_name})"
    return caption


def _value(cell: str, unit_name: str | None) -> str:
    """A cell as shown: a minus sign beside its number ("- 63 358" → "-63 358"), then the unit
    unless the cell states its own ("7,5%")."""
    value = _SIGN_APART.sub(r"\1", cell)
    if (
        unit_name
        and "%" not in value
        and unit_name != "procent"
        and any(c.isdigit() for c in value)
    ):
        return f"{value} {unit_name}"
    return value


def _markdown(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(row) for row in rows)]


def _citation(unit: ScoredUnit, place: _Place, row: TableRow | None, marker: int) -> Citation:
    """The row (or the whole table) quoted verbatim, with the header it stands under."""
    chunk = unit.chunk
    start, end = row.span if row is not None else place.table.span
    header_chunk = place.header_chunk if place.header_chunk.id != chunk.id else None
    return Citation.of(
        marker, chunk, chunk.text[start:end], header=place.table.header, header_chunk=header_chunk
    )
