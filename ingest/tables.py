"""Tables in flattened plan text: found among the blocks, kept as rows under their header.

PDF and Word converters flatten a table into lines: a header ("Nämnd 2026 2027 2028", or wrapped
over lines: "Budget Budget" / "Plan 2027 Plan 2028" / "2025 2026", or one cell per line), then rows
of a label and Swedish numbers ("Individ och familjeomsorg - 63 358 - 82 227 82 186"). A label may
wrap over lines before or after its numbers. Some tables come out as label/value lines under a
lead-in sentence ("… fördelas enligt nedan:" / "Nämndverksamhet" / "1 659"), some column by column
(a block per column: its header line, then one value per line).

A table is only kept when its header (`ingest.table_headers`) gives the number of columns and a
row's numbers split into exactly that many cells in one plausible way (`ingest.table_cells`). A row
that does not is kept as plain text: nothing is invented. If any row of a table proves to have
fewer cells than columns, a row whose numbers could split either way is refused too.

`build_tables` turns the lines of a recognised table (which the block builder may have cut into
several blocks, or read as headings) into one `TableBlock`; its units (the header, each row, each
other line) are what chunks quote. `chunk_tables` gives a chunk the parts of the tables it holds.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from ingest.blocks import Block
from ingest.cleaning import SENTENCE_END
from ingest.document import TABLE_CELL_SEPARATOR
from ingest.sections import PlacedBlock
from ingest.table_cells import (
    Split,
    has_digit,
    is_cell_token,
    is_period,
    is_year,
    most_even,
    splits,
)
from ingest.table_headers import Header, parse_header
from ingest.table_model import SUM_ROW, Table, TableRow, TextSpan

#: A header is at most this many lines (one per cell when a converter stacks them).
MAX_HEADER_LINES = 12
#: Label lines that may stand between a header and the first numbers, or pend inside a table.
MAX_FRAGMENTS = 3
MAX_LABEL_WORDS = 14
MAX_HEADER_TOKENS = 16
MAX_TITLE_WORDS = 12
#: Heading kinds that the block builder guesses from a line's shape in plain text; inside a table
#: such a line is a row label. Other headings (Markdown, numbered, keyword) end a table.
_GUESSED_HEADINGS = frozenset({"title", "chapter"})
_TOKEN = re.compile(r"\S+")
_PROSE = re.compile(r"[.!?] [A-ZÅÄÖ]|: ")
_UNIT = re.compile(
    r"\b(tkr|mnkr|mdkr|mkr|tusental kronor|kronor i tusental|miljoner kronor|procent)\b|%",
    re.IGNORECASE,
)
_LEADER = re.compile(r"\s*(?:\.{2,}|…+)\s*$")
#: Two spaces or more (or a tab) between tokens of a source line separate cells.
WIDE_GAP = 2
#: Source lines with a wide gap: their gap widths, by the line with its white space collapsed.
Spacing = Mapping[str, tuple[int, ...]]


@dataclass
class TableBlock(Block):
    """A block that is a recognised table: its text is the table's lines, one per line."""

    table: Table | None = None
    #: The header, each row and each other line, as spans of the block's text.
    units: list[TextSpan] = field(default_factory=list)


# --- lines --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Numbers:
    """A line that ends in numbers: its label and the tokens of its numbers with their offsets."""

    text: str
    label: str
    tokens: list[str]
    starts: list[int]
    ends: list[int]


def _numbers(text: str) -> _Numbers | None:
    matches = list(_TOKEN.finditer(text))
    first = len(matches)
    while first > 0 and is_cell_token(matches[first - 1].group()):
        first -= 1
    while first < len(matches) - 1 and is_year(matches[first].group()):
        first += 1  # "Kostnadstak 2025 43 356": the year names the row
    run = matches[first:]
    tokens = [match.group() for match in run]
    if not any(has_digit(token) for token in tokens) or all(is_year(token) for token in tokens):
        return None  # years alone head columns ("Budget" / "2025"), they are no values
    label = text[: run[0].start()].strip()
    if len(label.split()) > MAX_LABEL_WORDS or _PROSE.search(label):
        return None
    return _Numbers(text, label, tokens, [m.start() for m in run], [m.end() for m in run])


def _is_year_run(tokens: list[str]) -> bool:
    """Two or more rising years and nothing else: a header, not a row of values."""
    if len(tokens) < 2 or not all(is_year(token) for token in tokens):
        return False
    return all(int(a) < int(b) for a, b in itertools.pairwise(tokens))


def _is_header_line(text: str) -> bool:
    """A line that heads a table: two or more rising years and no other numbers ("Nämnd 2026
    2027", "Plan 2027 Plan 2028")."""
    tokens = text.split()
    years = [token for token in tokens if is_year(token)]
    others = [token for token in tokens if not is_year(token)]
    return _is_year_run(years) and not any(has_digit(token) for token in others)


def _is_header_like(text: str) -> bool:
    """Words and years; a period of years too, after the years it sums ("2026 2027 2028
    2026–2028"), not in a caption ("Budget 2026 med ekonomisk plan 2027–2030")."""
    tokens = text.split()
    if not tokens or len(tokens) > MAX_HEADER_TOKENS or text.endswith(SENTENCE_END):
        return False
    summed = sum(is_year(token) for token in tokens) >= 2
    return all(
        is_year(token) or (summed and is_period(token)) or not has_digit(token) for token in tokens
    )


def _is_fragment(text: str) -> bool:
    """A short piece of a label: not prose, no numbers at its end."""
    words = text.split()
    return (
        0 < len(words) <= MAX_LABEL_WORDS
        and not _PROSE.search(text)
        and not text.endswith((".", "!", "?", ";"))
        and _numbers(text) is None
    )


def _runs_into(previous: str, following: str) -> bool:
    """Whether a label line goes on on the next line: the next one goes on in lower case, or
    this one stops at a comma, a hyphen or a short function word ("och", "i", "OCH")."""
    if following[:1].islower() or following[:1] in "(%&/":
        return True
    last = previous.split()[-1]
    short_word = last.isalpha() and len(last) <= 3 and (last.islower() or previous.isupper())
    return previous.endswith((",", "-", "–")) or short_word


def _continues_row(row: _Row, index: int, text: str) -> bool:
    """A lower-case line right below a row's numbers ends that row's label."""
    return row.last == index - 1 and text[:1].islower()


# --- rows ---------------------------------------------------------------------------------------


@dataclass
class _Row:
    """A row candidate over lines [first, last]: its label, its numbers (None when its cells are
    whole lines) and its cells once accepted."""

    first: int
    last: int
    label: str
    numbers: _Numbers | None = None
    cells: list[str] | None = None


def _attach_pending(lines: list[str], pending: list[int], own_label: str) -> list[int]:
    """Which pending label lines belong to the row that follows them: the last one and those
    before it that run into it, when the row's own label continues them (or it has none)."""
    if not pending or (own_label and not _runs_into(lines[pending[-1]], own_label)):
        return []
    attached = [pending[-1]]
    for index in reversed(pending[:-1]):
        if not _runs_into(lines[index], lines[attached[0]]):
            break
        attached.insert(0, index)
    return attached


def _body(lines: list[str], start: int, fragments: list[int]) -> list[_Row]:
    """The rows from the first numbers at ``start`` down to where the table ends: prose, a new
    header, or too many lines without numbers. Label lines between two rows' numbers go with
    the row below when they run into its label (or it has none), else lower-case ones end the
    label of the row above ("Summa 5 430 …" / "anläggningstillgångar"); the rest (group labels
    such as "Omsättningstillgångar") belong to no row."""
    rows: list[_Row] = []
    pending = list(fragments)
    for index in range(start, len(lines)):
        text = lines[index]
        numbers = _numbers(text)
        if numbers is None:
            if _is_header_line(text) or not _is_fragment(text) or len(pending) == MAX_FRAGMENTS:
                break
            pending.append(index)
            continue
        attached = _attach_pending(lines, pending, numbers.label)
        _end_label(lines, rows, [i for i in pending if i not in attached])
        label = " ".join([lines[i] for i in attached] + [numbers.label]).strip()
        if label:
            rows.append(_Row(attached[0] if attached else index, index, label, numbers))
        pending = []
    _end_label(lines, rows, pending)
    return rows


def _end_label(lines: list[str], rows: list[_Row], left: list[int]) -> None:
    """Lower-case lines right below the last row's numbers end its label."""
    for index in left:
        if not rows or not _continues_row(rows[-1], index, lines[index]):
            return
        rows[-1].last = index
        rows[-1].label += " " + lines[index]


# --- tables in a run of lines -------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A table over lines [first, end), its header (and caption) over [first, header_end)."""

    first: int
    end: int
    header_end: int
    title: str
    header: Header
    rows: list[_Row]

    @property
    def accepted(self) -> int:
        return sum(1 for row in self.rows if row.cells is not None)


@dataclass(frozen=True)
class _Finder:
    """Finds the tables among the lines of a run of blocks under one heading."""

    lines: list[str]
    #: Lines that stand as headings: a row label may be one, a caption may not.
    headings: frozenset[int]
    #: Gap widths between the tokens of source lines (see `spacing_of`).
    spacing: Spacing

    def tables(self) -> list[_Found]:
        found: list[_Found] = []
        floor = index = 0
        while index < len(self.lines):
            table = (
                _pipe_table_at(self.lines, index)
                or self._table_at(index, floor)
                or _column_blocks_at(self.lines, index)
            )
            if table is None:
                index += 1
                continue
            found.append(table)
            index = floor = table.end
        return found

    def _table_at(self, index: int, floor: int) -> _Found | None:
        """A table whose first numbers stand at ``index``, under a header above them. Of the
        headers that fit, the one under which most rows split wins."""
        lines = self.lines
        if _numbers(lines[index]) is None:
            return None
        candidates: list[tuple[tuple[int, int, int, int], _Found]] = []
        for fragments in range(min(MAX_FRAGMENTS, index - floor) + 1):
            header_end = index - fragments
            if not all(_is_label_line(lines[i]) for i in range(header_end, index)):
                break
            for header_first, whole in _headers_above(lines, floor, header_end):
                for header in _and_without_unfilled_column(whole):
                    table = self._with_rows(index, header_first, header_end, header, floor)
                    if table is not None:
                        rank = (-table.accepted, fragments, -header.labelled, index - header_first)
                        candidates.append((rank, table))
            lead_in = self._lead_in_table(index, header_end, floor)
            if lead_in is not None:
                candidates.append(((-lead_in.accepted, fragments, 1, 1), lead_in))
        return min(candidates, key=lambda candidate: candidate[0])[1] if candidates else None

    def _lead_in_table(self, index: int, header_end: int, floor: int) -> _Found | None:
        """Label/value lines under a lead-in (`_leads_in`): one column."""
        lead_in = header_end - 1
        if lead_in < floor or not _leads_in(self.lines[lead_in]):
            return None
        rows = _body(self.lines, index, list(range(header_end, index)))
        self._accept_rows(rows, 1)
        if len(rows) < 2 or rows[0].cells is None or _page_numbers(rows):
            return None
        return _Found(lead_in, rows[-1].last + 1, header_end, "", Header("", [""], 0), rows)

    def _with_rows(
        self, index: int, header_first: int, header_end: int, header: Header, floor: int
    ) -> _Found | None:
        if _cut_above(self.lines, header_first, header_end, floor):
            return None
        numbers = _numbers(self.lines[index])
        if numbers is not None and not numbers.label and header_end == index:
            return None  # "Budgetram 2024" / "9 448,0": a label and its value, not a header
        rows = _body(self.lines, index, list(range(header_end, index)))
        self._accept_rows(rows, len(header.columns))
        accepted = [row for row in rows if row.cells]
        # A header without years is only a line of words, and a one-column table only a list of
        # labelled numbers: it takes two rows to trust either, and a unit to trust both.
        trusted = header.dated and len(header.columns) > 1
        if not accepted or rows[0].last < index or len(accepted) < (1 if trusted else 2):
            return None
        if (
            not header.dated
            and len(header.columns) == 1
            and not _unit(header.stub, *header.columns)
        ):
            return None
        if len(header.columns) == 1 and _page_numbers(rows):
            return None
        caption = header_first - 1
        titled = (
            caption >= floor and caption not in self.headings and _is_title(self.lines[caption])
        )
        return _Found(
            first=caption if titled else header_first,
            end=rows[-1].last + 1,
            header_end=header_end,
            title=header.caption or (self.lines[caption] if titled else ""),
            header=header,
            rows=rows,
        )

    def _accept_rows(self, rows: list[_Row], columns: int) -> None:
        """Split each row's numbers into ``columns`` cells where one split is the most even.

        Some tables have short rows (a change row without last year's column), and "75 400 850"
        splits into three cells or two. When some row cannot split into ``columns`` cells at all,
        the table has short rows, and only a row that can split in no other number of cells is
        kept."""
        found = [self._splits(row.numbers, columns) for row in rows]
        short_rows = any(counts and columns not in counts for counts in found)
        for row, counts in zip(rows, found, strict=True):
            _, best = most_even(counts.get(columns, []))
            if len(best) != 1 or (short_rows and set(counts) != {columns}):
                continue
            if _holds_numbers(row.label):
                continue
            numbers = row.numbers
            assert numbers is not None
            row.cells = [
                numbers.text[numbers.starts[cell.start] : numbers.ends[cell.end - 1]]
                for cell in best[0]
            ]

    def _splits(self, numbers: _Numbers | None, columns: int) -> dict[int, list[Split]]:
        if numbers is None:
            return {}
        return splits(numbers.tokens, columns, self._breaks(numbers, columns)) or {}

    def _breaks(self, numbers: _Numbers, columns: int) -> frozenset[int]:
        """The tokens after a wide gap in the source line, when the source set its cells apart
        that way (at least one wide gap per cell boundary); a stray double space tells nothing."""
        gaps = self.spacing.get(numbers.text)
        if gaps is None:
            return frozenset()
        skipped = len(numbers.label.split())
        breaks = frozenset(
            position
            for position in range(1, len(numbers.tokens))
            if gaps[skipped + position - 1] >= WIDE_GAP
        )
        return breaks if len(breaks) >= columns - 1 else frozenset()


def _cut_above(lines: list[str], header_first: int, header_end: int, floor: int) -> bool:
    """Whether the header goes on above ``header_first``: header lines above hold years that
    make more columns of it ("2021" / "Prognos" above "2022" / "Mål 2022 Mål 2023"). A caption
    that names a year ("… helår 2025 (tkr)") makes no columns and cuts nothing."""
    own = parse_header(lines[header_first:header_end])
    width = len(own.columns) if own else 0
    for above in range(header_first - 1, max(floor, header_first - MAX_HEADER_LINES) - 1, -1):
        if not _is_header_like(lines[above]):
            return False
        longer = parse_header(lines[above:header_end]) if _has_year(lines[above]) else None
        if longer is not None and len(longer.columns) > width:
            return True
    return False


def _has_year(text: str) -> bool:
    return any(is_year(token) for token in text.split())


def _is_label_line(text: str) -> bool:
    """A line of the first row's label between the header and its numbers: no header years."""
    return _is_fragment(text) and not _has_year(text)


def _holds_numbers(label: str) -> bool:
    """Whether a label holds another row's numbers: cells and then a new label ("… 5 300 - -
    Tekniska justeringar", "… översättarservice 3,1 Regionstyrelsen")."""
    tokens = label.split()
    return any(
        has_digit(left)
        and not is_year(left)
        and is_cell_token(left)
        and (is_cell_token(right) or right[:1].isupper())
        for left, right in itertools.pairwise(tokens)
    )


def _page_numbers(rows: list[_Row]) -> bool:
    """Label/value lines whose values are mostly rising page numbers: a table of contents."""
    values = [row.cells[0] for row in rows if row.cells]
    pages = [int(value) for value in values if value.isdigit() and len(value) <= 3]
    rising = all(a <= b for a, b in itertools.pairwise(pages))
    return len(pages) >= 3 and len(pages) >= 0.75 * len(values) and rising


def _headers_above(lines: list[str], floor: int, end: int) -> Iterator[tuple[int, Header]]:
    """Headers that end right above ``end``: one line, two lines, … while lines look like one."""
    for first in range(end - 1, max(floor, end - MAX_HEADER_LINES) - 1, -1):
        if not _is_header_like(lines[first]):
            return
        header = parse_header(lines[first:end])
        if header is not None and header.columns:
            yield first, header


def _and_without_unfilled_column(header: Header) -> list[Header]:
    """The header, and without its last column when that alone has no year and may be one no
    row fills ("Budget 2026 … Summa plan 2026–2028 RPB" over rows of four numbers)."""
    *kept, last = header.columns
    if len(kept) < 2 or has_digit(last) or not all(has_digit(column) for column in kept):
        return [header]
    return [header, replace(header, columns=kept, labelled=header.labelled - 1)]


def _leads_in(text: str) -> bool:
    """A sentence ending in a colon, or a caption that states a unit ("Nämndernas driftramar
    2026 (mnkr)"): it says what the labelled values below it are."""
    return text.endswith(":") or (_is_title(text) and _unit(text) is not None)


def _is_title(text: str) -> bool:
    return (
        _is_fragment(text)
        and len(text.split()) <= MAX_TITLE_WORDS
        and not _is_header_line(text)
        and not text.endswith(":")
    )


def _pipe_table_at(lines: list[str], index: int) -> _Found | None:
    """Rows from a Word, HTML or PDF table: cells joined by " | ", the header row first."""
    width = _pipe_width(lines[index])
    if width < 2:
        return None  # before the scan: lines without cells would all be "as wide" (quadratic)
    end = index + 1
    while end < len(lines) and _pipe_width(lines[end]) == width:
        end += 1
    if end - index < 2:
        return None
    stub, *columns = _pipe_cells(lines[index])
    if any(_numbers(column) for column in columns):
        return None  # the first row holds amounts: the rest of a table whose header is elsewhere
    rows = []
    for number in range(index + 1, end):
        label, *cells = _pipe_cells(lines[number])
        rows.append(_Row(number, number, label, cells=cells if label else None))
    return _Found(index, end, index + 1, "", Header(stub, columns, len(columns)), rows)


def _pipe_width(text: str) -> int:
    return text.count(TABLE_CELL_SEPARATOR) + 1 if TABLE_CELL_SEPARATOR in text else 0


def _pipe_cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split(TABLE_CELL_SEPARATOR)]


def _column_blocks_at(lines: list[str], index: int) -> _Found | None:
    """A table flattened column by column: a label line, then one value per line, per column.
    The first column holds the rows' keys ("Nivå" / "1" … "6"): it becomes the header."""
    groups = list(_value_groups(lines, index))
    if len(groups) < 2 or len(groups[0][1]) < 2:
        return None
    (key_line, keys), *columns = groups
    if not any(len(values) == len(keys) for _, values in columns):
        return None
    stub = lines[key_line]
    names = [f"{stub} {lines[key]}" if _numbers(lines[key]) else lines[key] for key in keys]
    rows = [
        _Row(label, values[-1], lines[label], cells=[lines[v] for v in values])
        if len(values) == len(keys)
        else _Row(label, values[-1], lines[label])
        for label, values in columns
    ]
    return _Found(key_line, rows[-1].last + 1, keys[-1] + 1, "", Header(stub, names, 0), rows)


def _value_groups(lines: list[str], index: int) -> Iterator[tuple[int, list[int]]]:
    """Runs of a label line followed by lines that each hold one value."""
    while index < len(lines) and _is_fragment(lines[index]):
        values: list[int] = []
        following = index + 1
        while following < len(lines) and _single_value(lines[following]):
            values.append(following)
            following += 1
        if not values:
            return
        yield index, values
        index = following


def _single_value(text: str) -> bool:
    numbers = _numbers(text)
    if numbers is None or numbers.label:
        return False
    found = splits(numbers.tokens, 1)
    return found is not None and len(found.get(1, [])) == 1


def spacing_of(source: str) -> Spacing:
    """The widths of the gaps between the tokens of each source line that has a wide gap, keyed
    by the line with its white space collapsed (as cleaning leaves it). A line that occurs with
    different gaps tells nothing and is left out."""
    spacing: dict[str, tuple[int, ...]] = {}
    ambiguous: set[str] = set()
    for line in unicodedata.normalize("NFC", source).splitlines():
        tokens = list(_TOKEN.finditer(line))
        gaps = tuple(
            _gap_width(line[left.end() : right.start()])
            for left, right in itertools.pairwise(tokens)
        )
        if not any(gap >= WIDE_GAP for gap in gaps):
            continue
        key = " ".join(token.group() for token in tokens)
        if spacing.get(key, gaps) != gaps:
            ambiguous.add(key)
        spacing[key] = gaps
    return {key: gaps for key, gaps in spacing.items() if key not in ambiguous}


def _gap_width(gap: str) -> int:
    return WIDE_GAP if "\t" in gap else len(gap)


# --- building the table ---------------------------------------------------------------------------


def _line_offsets(lines: list[str]) -> list[int]:
    offsets, offset = [], 0
    for line in lines:
        offsets.append(offset)
        offset += len(line) + 1
    return offsets


def _table_of(lines: list[str], found: _Found) -> tuple[Table, list[TextSpan]]:
    """The table over ``lines`` (exactly its own lines) and its units."""
    offsets = _line_offsets(lines)

    def span(first: int, last: int) -> TextSpan:
        return (offsets[first], offsets[last] + len(lines[last]))

    shift = found.first
    header_lines = found.header_end - shift
    header_span = span(0, header_lines - 1)
    header_text = "\n".join(lines[:header_lines])
    rows: list[TableRow] = []
    units = [header_span]
    covered = set(range(header_lines))
    for row in found.rows:
        row_span = span(row.first - shift, row.last - shift)
        units.append(row_span)
        covered |= set(range(row.first - shift, row.last - shift + 1))
        if row.cells is not None:
            rows.append(TableRow(label=_clean_label(row.label), cells=row.cells, span=row_span))
    units += [span(i, i) for i in range(len(lines)) if i not in covered]
    table = Table(
        title=found.title,
        unit=_unit(found.title, found.header.stub, header_text) or _sum_unit(rows),
        stub=found.header.stub,
        columns=found.header.columns,
        rows=rows,
        header=header_text,
        header_span=header_span,
        span=(0, offsets[-1] + len(lines[-1])),
    )
    return table, sorted(units)


def _clean_label(label: str) -> str:
    return _LEADER.sub("", " ".join(label.split()))


def _unit(*texts: str) -> str | None:
    for text in texts:
        match = _UNIT.search(text)
        if match:
            return match.group().lower()
    return None


def _sum_unit(rows: list[TableRow]) -> str | None:
    """The unit a table's closing sum row states ("Summa investeringar, tkr"): that of every row
    it sums, when the header states none."""
    if not rows or SUM_ROW.match(rows[-1].label) is None:
        return None
    return _unit(rows[-1].label)


def row_unit(table: Table, row: TableRow) -> str | None:
    """The unit of a row's cells: the row's own ("Budgetram, tkr") or the table's."""
    return _unit(row.label) or table.unit


# --- blocks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _BlockLine:
    text: str
    block: int


def build_tables(blocks: list[Block], spacing: Spacing | None = None) -> list[Block]:
    """The blocks with every recognised table made one `TableBlock`. ``spacing`` (from
    `spacing_of` on the source) tells where the source had wide gaps between cells."""
    result: list[Block] = []
    for run in _runs(blocks):
        result.extend(_with_tables(blocks, run, spacing or {}))
    return result


def _runs(blocks: list[Block]) -> Iterator[list[int]]:
    """Indexes of blocks between the headings that a table cannot cross."""
    run: list[int] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading" and block.heading_kind not in _GUESSED_HEADINGS:
            if run:
                yield run
            yield [index]
            run = []
        else:
            run.append(index)
    if run:
        yield run


def _with_tables(blocks: list[Block], run: list[int], spacing: Spacing) -> list[Block]:
    lines = [_BlockLine(text, index) for index in run for text in blocks[index].text.split("\n")]
    texts = [line.text for line in lines]
    headings = frozenset(i for i, line in enumerate(lines) if blocks[line.block].kind == "heading")
    found = _Finder(texts, headings, spacing).tables()
    result: list[Block] = []
    position = 0
    for table in found:
        result.extend(_plain_blocks(blocks, lines[position : table.first]))
        own = texts[table.first : table.end]
        parsed, units = _table_of(own, table)
        page = blocks[lines[table.first].block].page
        result.append(TableBlock("table", "\n".join(own), page, table=parsed, units=units))
        position = table.end
    result.extend(_plain_blocks(blocks, lines[position:]))
    return result


def _plain_blocks(blocks: list[Block], lines: list[_BlockLine]) -> list[Block]:
    """The blocks of lines outside tables; a block cut by a table keeps its kind."""
    result: list[Block] = []
    for index, group in _grouped(lines):
        block = blocks[index]
        text = "\n".join(line.text for line in group)
        result.append(block if text == block.text else Block(block.kind, text, block.page))
    return result


def _grouped(lines: list[_BlockLine]) -> Iterator[tuple[int, list[_BlockLine]]]:
    group: list[_BlockLine] = []
    for line in lines:
        if group and line.block != group[-1].block:
            yield group[0].block, group
            group = []
        group.append(line)
    if group:
        yield group[0].block, group


# --- chunks -------------------------------------------------------------------------------------


class PlacedTables:
    """A document's tables in order, so that each chunk finds its own by bisection: a pass over
    every block for every chunk was quadratic in the document's length."""

    def __init__(self, blocks: list[PlacedBlock]) -> None:
        self._placed = [
            (placed, placed.block.table)
            for placed in blocks
            if isinstance(placed.block, TableBlock) and placed.block.table is not None
        ]
        self._ends = [placed.end for placed, _ in self._placed]

    def overlapping(self, start: int, end: int) -> Iterator[tuple[PlacedBlock, Table]]:
        """The tables that [start, end) of the rendered text holds part of, in order."""
        for position in range(bisect_right(self._ends, start), len(self._placed)):
            placed, table = self._placed[position]
            if placed.start >= end:
                return
            yield placed, table


def chunk_tables(
    tables_placed: PlacedTables, start: int, end: int, chunk_at: Callable[[int], str | None]
) -> list[Table]:
    """The tables of the chunk over [start, end) of the rendered text, with spans into the chunk's
    text. A table cut between chunks keeps, in each part, the rows that part holds; a part
    without the header names the chunk that has it (``chunk_at``: the chunk at an offset)."""
    tables: list[Table] = []
    for placed, whole in tables_placed.overlapping(start, end):
        table = whole.shifted(placed.start - start)
        size = end - start
        rows = [row for row in table.rows if row.span[0] >= 0 and row.span[1] <= size]
        header = table.header_span
        inside = header is not None and header[0] >= 0 and header[1] <= size
        tables.append(
            table.model_copy(
                update={
                    "rows": rows,
                    "header_span": header if inside else None,
                    "header_chunk": None if inside else chunk_at(placed.start),
                    "span": (max(table.span[0], 0), min(table.span[1], size)),
                }
            )
        )
    return tables
