"""The column labels of a flattened table's header, from its lines.

A header comes flattened in many shapes: one line ("Nämnd 2026 2027 2028"), labels above years
("Utfall Utfall Budget" / "2022 2023 2024"), a wrapped cell around a line of whole ones ("Budget" /
"Plan 2027 Plan 2028" / "2026"), one cell per line ("Bokslut" / "2022" / "Prognos" / "2023"),
with the label column's header before the years ("RESULTAT mnkr 2024 2025"), a caption run into
it ("Driftredovisning 2025 per verksamhet (tkr) Budget 2025 Utfall 2025 Avvikelse"), or words
alone ("Verksamhet Prognos oktober Prognos november"). `parse_header` pairs each year with its
label; a label it cannot place makes it give up (None), so that no column is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ingest.table_cells import is_period, is_year


@dataclass(frozen=True)
class _Item:
    """A column label or a year in a header, with its line and its place in reading order."""

    text: str
    year: bool
    line: int
    order: int


@dataclass(frozen=True)
class Header:
    stub: str
    columns: list[str]
    #: How many columns have a word label ("Budget 2025", not just "2025").
    labelled: int
    #: Whether the columns are years.
    dated: bool = True
    #: A caption run into the header's line (see `_caption_in`).
    caption: str = ""


def _header_items(lines: list[str]) -> list[list[_Item]]:
    """Each line's labels and years, numbered in reading order."""
    items: list[list[_Item]] = []
    order = 0
    for number, line in enumerate(lines):
        items.append([])
        for text, year in _labels_and_years(line):
            items[-1].append(_Item(text, year, number, order))
            order += 1
    return items


def _labels_and_years(line: str) -> list[tuple[str, bool]]:
    """A label is a capitalised word and the words after it that are not capitalised ("Mål för",
    "RESULTAT mnkr", "Indikator (KF)", "Hälso- och sjukvård")."""
    parts: list[tuple[str, bool]] = []
    words: list[str] = []
    for token in line.split():
        year = is_year(token) or is_period(token)  # "Summa plan" / "2026–2028" heads a column
        new_label = bool(words) and token[:1].isupper() and not words[-1].endswith(("-", "–"))
        if words and (year or new_label):
            parts.append((" ".join(words), False))
            words = []
        if year:
            parts.append((token, True))
        else:
            words.append(token)
    if words:
        parts.append((" ".join(words), False))
    return parts


def parse_header(lines: list[str]) -> Header | None:
    """Column labels from header lines; None when some label has no column to go with."""
    items = _header_items(lines)
    caption = _caption_in(items)
    items = [[item for item in line if item not in caption] for line in items]
    flat = [item for line in items for item in line]
    years = [item for item in flat if item.year]
    if not years:
        header = _plain_header(items)
        return replace(header, caption=_joined(caption)) if header else None
    pairs = _stacked_pairs(items)
    pairs |= _adjacent_pairs(flat, {item.order for pair in pairs.items() for item in pair})
    stub: list[str] = []
    undated: list[str] = []
    for item in flat:
        if item.year or item in pairs:
            continue
        if _after_the_years(item, items):
            undated.append(item.text)  # "2024 2025 Förändring (%)": a column without a year
        elif _heads_label_column(item, items, years[0].line):
            stub.append(item.text)
        else:
            return None
    labels = {year: label for label, year in pairs.items()}
    if len({year.line for year in years}) > 1:
        years = sorted(years, key=lambda year: (int(year.text[:4]), year.order))
    columns = [
        f"{labels[year].text} {year.text}" if year in labels else year.text for year in years
    ] + undated
    return Header(" ".join(stub), columns, len(pairs) + len(undated), caption=_joined(caption))


def _joined(items: list[_Item]) -> str:
    return " ".join(item.text for item in items)


def _after_the_years(item: _Item, items: list[list[_Item]]) -> bool:
    """A label after the years of its own line, the last line that has years."""
    last_year_line = max(number for number, line in enumerate(items) if any(x.year for x in line))
    return item.line == last_year_line and any(
        other.year and other.order < item.order for other in items[item.line]
    )


def _caption_in(items: list[list[_Item]]) -> list[_Item]:
    """A caption run into the header's line ("Driftredovisning 2025 per verksamhet (tkr) Budget
    2025 Utfall 2025 Avvikelse"): a column label starts with a capital, so everything up to the
    last label after a year that goes on in lower case or in brackets is the caption (and its
    year no column)."""
    for line in items:
        for position in range(len(line) - 1, 0, -1):
            item = line[position]
            goes_on = not item.year and (item.text[:1].islower() or item.text[:1] == "(")
            if goes_on and any(other.year for other in line[:position]):
                return line[: position + 1]
    return []


def _heads_label_column(item: _Item, items: list[list[_Item]], first_year_line: int) -> bool:
    """A label without a year heads the label column when it stands before the years of its own
    line, or on a line above all years."""
    own_line = items[item.line]
    if any(other.year and other.order < item.order for other in own_line):
        return False
    return any(other.year for other in own_line) or item.line < first_year_line


def _stacked_pairs(items: list[list[_Item]]) -> dict[_Item, _Item]:
    """Labels of a line that no year follows, paired one by one with the years of a line below:
    "Budget Budget" / "2025 2026", or "Budget Plan 2027 Plan 2028" / "… mnkr 2026". The years'
    line may begin with the label column's header ("RESULTAT mnkr 2024 2025")."""
    pairs: dict[_Item, _Item] = {}
    for number, line in enumerate(items):
        orphans = [
            item
            for position, item in enumerate(line)
            if not item.year and not (position + 1 < len(line) and line[position + 1].year)
        ]
        if not orphans:
            continue
        for below in items[number + 1 :]:
            if below and not any(item.year for item in below):
                break
            years = _years_after_labels(below)
            if years and len(years) == len(orphans) and not set(years) & set(pairs.values()):
                pairs.update(zip(orphans, years, strict=True))
                break
    return pairs


def _years_after_labels(line: list[_Item]) -> list[_Item]:
    """The years of a line made of labels, then only years, then maybe labels of columns
    without a year ("Fastighetsinvesteringar 2026 2027 2028 2026–2028 RPB"), else []."""
    years = [index for index, item in enumerate(line) if item.year]
    if not years:
        return []
    run = line[years[0] : years[-1] + 1]
    trailing = years[-1] + 1 < len(line)
    # One year before words is a caption's ("Prognos oktober 2025 Utfall Prognos"), no run.
    return run if all(item.year for item in run) and not (trailing and len(run) < 2) else []


def _adjacent_pairs(flat: list[_Item], taken: set[int]) -> dict[_Item, _Item]:
    """A label right before a year that ends its run ("Utfall 2021 Prognos", "Mål 2025"); in
    "Nämnd 2026 2027" the first label heads the label column instead."""
    pairs: dict[_Item, _Item] = {}
    for index in range(len(flat) - 1):
        label, year = flat[index], flat[index + 1]
        if label.year or not year.year or {label.order, year.order} & taken:
            continue
        after = flat[index + 2] if index + 2 < len(flat) else None
        if after is not None and after.line == year.line and after.year:
            continue
        pairs[label] = year
        taken |= {label.order, year.order}
    return pairs


def _plain_header(items: list[list[_Item]]) -> Header | None:
    """A header without years: one line of labels, the first heading the label column."""
    lines = [line for line in items if line]
    if len(lines) != 1 or len(lines[0]) < 2:
        return None
    stub, *columns = (item.text for item in lines[0])
    if len(set(columns)) < len(columns):
        return None  # "Prognos Budget Budget Plan Plan": the years are elsewhere
    if any(_ends_open(label) for label in (stub, *columns)):
        return None  # a wrapped sentence ("Ombyggnation för utbyte av MRkamera vid Bild o")
    return Header(stub, columns, len(columns), dated=False)


def _ends_open(text: str) -> bool:
    """Whether a text stops at a short function word ("av", "och", "i"): it goes on elsewhere."""
    last = text.split()[-1]
    return last.isalpha() and last.islower() and len(last) <= 3
