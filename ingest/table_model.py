"""The tables of a chunk: rows with their labels, read under the header they stand below.

Every span points into the text of the chunk that carries the table, so that a row and the header
can be quoted verbatim. The model is plain data (JSON in the catalog); `ingest.tables` finds tables.
"""

from __future__ import annotations

import re
from itertools import pairwise

from pydantic import BaseModel, Field

#: (start, end) offsets into a chunk's text.
TextSpan = tuple[int, int]
#: How a row that sums the rows above it starts: "Summa investeringar", "Totalt".
SUM_ROW = re.compile(r"(?:summa|totalt?)\b", re.IGNORECASE)


class TableRow(BaseModel):
    label: str = Field(description="The row's label, its lines joined by one space.")
    cells: list[str] = Field(
        description="One cell per column, verbatim ('- 63 358', '7,5%', '-' for an empty cell)."
    )
    span: TextSpan = Field(description="The row (label lines and cells): the quote of the row.")


class Table(BaseModel):
    """A table as its rows and its header. A table longer than a chunk is cut between rows; the
    header then stands only in the first part's chunk, and later parts name that chunk."""

    title: str = Field(default="", description="The caption line above the header, if any.")
    unit: str | None = Field(
        default=None, description="The unit the title or header states: 'tkr', 'mnkr', '%'."
    )
    stub: str = Field(default="", description="The header of the label column ('Nämnd').")
    columns: list[str] = Field(
        description="Column labels ('Budget 2025', '2027'); '' for the one column of a label/value "
        "list under a lead-in sentence."
    )
    rows: list[TableRow] = Field(default_factory=list)
    header: str = Field(description="The header (caption and column lines) verbatim.")
    header_span: TextSpan | None = Field(
        description="Where the header stands in this chunk's text; None when it stands in "
        "`header_chunk`."
    )
    header_chunk: str | None = Field(
        default=None, description="The id of the chunk that holds the header, if not this one."
    )
    span: TextSpan = Field(description="The whole table (header and rows) in this chunk's text.")

    def row_at(self, span: TextSpan) -> TableRow | None:
        """The row that stands at ``span`` of the chunk's text, if one does."""
        return next((row for row in self.rows if tuple(row.span) == tuple(span)), None)

    def sum_after(self, row: TableRow) -> TableRow | None:
        """The sum row that closes the run of rows ``row`` stands in: the first after it, unless
        a line that is no row comes between (a part's heading, "1) Skatteintäkter:", whose rows
        have a sum of their own)."""
        position = self.rows.index(row)
        for above, below in pairwise(self.rows[position:]):
            if below.span[0] > above.span[1] + 1:
                return None
            if SUM_ROW.match(below.label):
                return below
        return None

    @property
    def context(self) -> str:
        """What the table is, in one line: caption, unit, label column and columns; for a list
        under a lead-in sentence, that sentence."""
        if self.columns == [""]:
            return self.header
        columns = ", ".join(column for column in self.columns if column)
        named = f"{self.title} {self.stub}".lower()
        unit = f"({self.unit})" if self.unit and self.unit not in named else ""
        parts = [self.title, unit, self.stub if self.stub != self.title else "", columns]
        return " ".join(part for part in parts if part)

    def shifted(self, offset: int) -> Table:
        """The same table with every span moved by ``offset``."""

        def move(span: TextSpan) -> TextSpan:
            return (span[0] + offset, span[1] + offset)

        return self.model_copy(
            update={
                "rows": [row.model_copy(update={"span": move(row.span)}) for row in self.rows],
                "header_span": move(self.header_span) if self.header_span else None,
                "span": move(self.span),
            }
        )
