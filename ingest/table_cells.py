"""Swedish numbers in flattened table rows, and the ways a run of them splits into cells.

A flattened row loses its column boundaries: "4 266 4 470 4 687" is three amounts only because a
space inside an amount separates thousands, and a thousands group has exactly three digits. The
split of a run is therefore a small grammar over its tokens: an amount is an optional sign (also a
minus sign standing apart, "- 63 358"), a head of one to three digits (or a longer head, which takes
no groups after it), groups of three digits, an optional decimal comma part and an optional percent
sign. A lone dash is an empty cell; "2–3" and "50–" are ranges. Every split that the grammar allows
is enumerated; the caller decides, knowing how many columns the header has, whether one is unique.

A split is only plausible when its whole amounts are of similar size: their counts of digits
differ by at most MAX_SPREAD (zeros, and numbers with decimals or a percent sign, which end their
cell anyway, aside), and no amount has more than MAX_GROUPS digit groups. A budget
row does not jump by a factor of a thousand from one year to the next, while a wrong split
("4 048 3 895" as 4 048 | 3 | 895) usually does. Where the source set its cells apart by wide
gaps, the gaps are the cell boundaries and sizes need not be similar.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Dashes that stand for an empty cell, or for the minus sign of the amount after them.
DASHES = frozenset("-–—−")
_AMOUNT = re.compile(r"(?P<sign>[-–−+])?(?P<digits>\d+)(?P<decimals>,\d+)?(?P<percent>%)?")
_RANGE = re.compile(r"\d+(?:,\d+)?[–-](?:\d+(?:,\d+)?)?%?")
_YEAR = re.compile(r"(?:19[5-9]\d|20\d\d)")
#: Beyond this many splits a run is too ambiguous to be worth enumerating further.
MAX_SPLITS = 4000
#: The largest amount a plan writes has four digit groups (billions of kronor).
MAX_GROUPS = 4
#: Amounts of one row differ by at most this many digits ("5" beside "162" does, "3" beside
#: "4 048" does not).
MAX_SPREAD = 2


@dataclass(frozen=True)
class Cell:
    """Tokens [start, end) of a run that make one cell; ``digits`` is the amount's number of
    integer digits (None for an empty cell, a range, a zero or a number with decimals or %)."""

    start: int
    end: int
    digits: int | None


Split = tuple[Cell, ...]


def is_year(token: str) -> bool:
    return _YEAR.fullmatch(token) is not None


def is_cell_token(token: str) -> bool:
    """Whether ``token`` can be (part of) a numeric cell; a period of years ("2027–2030") is not
    one, it names what a row or a caption is about."""
    return (
        token in DASHES
        or token == "%"
        or _AMOUNT.fullmatch(token) is not None
        or (_RANGE.fullmatch(token) is not None and not is_period(token))
    )


def is_period(token: str) -> bool:
    """A period of years: "2026–2028"."""
    ends = re.split(r"[–-]", token)
    return len(ends) == 2 and all(is_year(end) for end in ends)


def has_digit(token: str) -> bool:
    return any(char.isdigit() for char in token)


def splits(
    tokens: list[str], max_cells: int, breaks: frozenset[int] = frozenset()
) -> dict[int, list[Split]] | None:
    """The plausible splits of ``tokens`` into at most ``max_cells`` cells, by their number of
    cells; None when there are too many to tell. ``breaks`` are the tokens that follow a wide gap
    in the source (two spaces or more, a tab): no amount goes on across one."""
    found: dict[int, list[Split]] = {}
    cells = _Cells(tokens, breaks)
    for count, split in enumerate(cells.splits_from(0, max_cells, None, None)):
        if count >= MAX_SPLITS:
            return None
        found.setdefault(len(split), []).append(split)
    return found


def most_even(candidates: list[Split]) -> tuple[int, list[Split]]:
    """The least difference in size between the amounts of any of ``candidates`` (how many digits
    apart the largest and the smallest are), and the splits that have it: of
    "- 116 586 - 138 880 - 143 257 152 427" as four amounts, the one with six digits each."""
    if not candidates:
        return MAX_SPREAD + 1, []
    spreads = [_spread(split) for split in candidates]
    least = min(spreads)
    return least, [
        split for split, spread in zip(candidates, spreads, strict=True) if spread == least
    ]


def _spread(split: Split) -> int:
    sizes = [cell.digits for cell in split if cell.digits is not None]
    return max(sizes) - min(sizes) if sizes else 0


@dataclass(frozen=True)
class _Cells:
    """The tokens of one run and where the source had wide gaps between them."""

    tokens: list[str]
    breaks: frozenset[int]

    def splits_from(
        self, position: int, budget: int, smallest: int | None, largest: int | None
    ) -> Iterator[Split]:
        if position == len(self.tokens):
            yield ()
            return
        if budget == 0:
            return
        for cell in self.cells_at(position):
            if self.breaks and cell.end not in self.breaks and cell.end != len(self.tokens):
                continue  # where the source set its cells apart, a cell ends at a gap
            low, high = smallest, largest
            if cell.digits is not None and not self.breaks:
                # Without gaps, sizes are the only clue; with them, a deviation column of small
                # amounts beside large ones ("-152 427 -151 900 527") is what the gaps say.
                low = cell.digits if low is None else min(low, cell.digits)
                high = cell.digits if high is None else max(high, cell.digits)
                if high - low > MAX_SPREAD:
                    continue
            for rest in self.splits_from(cell.end, budget - 1, low, high):
                yield (cell, *rest)

    def cells_at(self, position: int) -> Iterator[Cell]:
        tokens = self.tokens
        token = tokens[position]
        if token in DASHES:
            yield Cell(position, position + 1, None)
            if position + 1 < len(tokens):  # a minus sign standing apart from its amount
                following = _AMOUNT.fullmatch(tokens[position + 1])
                if following and not following["sign"]:
                    yield from self.amounts_from(position, position + 1)
        elif _AMOUNT.fullmatch(token):
            yield from self.amounts_from(position, position)
        elif _RANGE.fullmatch(token):
            yield Cell(position, _with_percent(tokens, position + 1), None)

    def amounts_from(self, start: int, head: int) -> Iterator[Cell]:
        """Amounts whose first token is ``start`` (a sign or the head) and whose head is
        ``head``."""
        tokens = self.tokens
        match = _AMOUNT.fullmatch(tokens[head])
        assert match is not None
        digits = match["digits"]
        if len(digits) > 1 and digits.startswith("0"):
            return  # "015" only ever continues an amount
        zero = not digits.strip("0")
        rate = bool(match["decimals"] or match["percent"])
        groups, size = 1, len(digits)
        yield Cell(start, _with_percent(tokens, head + 1), None if zero or rate else size)
        if rate or len(digits) > 3 or zero:
            return
        end = head + 1
        while end < len(tokens) and groups < MAX_GROUPS and end not in self.breaks:
            group = _AMOUNT.fullmatch(tokens[end])
            if not group or group["sign"] or len(group["digits"]) != 3:
                return
            groups, size, end = groups + 1, size + 3, end + 1
            rate = bool(group["decimals"] or group["percent"])
            yield Cell(start, _with_percent(tokens, end), None if rate else size)
            if rate:
                return


def _with_percent(tokens: list[str], end: int) -> int:
    """A percent sign standing apart belongs to the cell before it."""
    return end + 1 if end < len(tokens) and tokens[end] == "%" else end
