"""A table read from a sheet: a header row and data rows of cells with their positions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from scheduler.errors import Problem

# What a cell holds: text (stripped, never empty), a whole or decimal number, a boolean,
# a date or date-time (Excel and ODS date cells), or None for an empty cell.
Value = str | int | float | bool | dt.date | dt.datetime | None


def column_letters(col: int) -> str:
    """Spreadsheet column letters of a 1-based column number (1 -> A, 27 -> AA)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, order=True)
class Where:
    """A cell's position: row and column are 1-based; `sheet` is None for a CSV file."""

    file: str
    sheet: str | None
    row: int
    col: int

    def __str__(self) -> str:
        """`regs.xlsx:Sheet1!D14` in a workbook, `regs.csv:14:4` (line:column) in a CSV."""
        if self.sheet is None:
            return f"{self.file}:{self.row}:{self.col}"
        return f"{self.file}:{self.sheet}!{column_letters(self.col)}{self.row}"

    def problem(self, severity: str, message: str) -> Problem:
        """A Problem located at this cell, printed the way __str__ names it."""
        if self.sheet is None:
            return Problem(self.file, self.row, self.col, severity, message)
        return Problem(str(self), 0, 0, severity, message)


@dataclass(frozen=True)
class Cell:
    """One cell's value and where it is."""

    value: Value
    where: Where

    @property
    def text(self) -> str:
        """The value as text ('' when empty; 3.0 reads as '3')."""
        value = self.value
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime):  # '2026-10-13', or '2026-10-13 14:30'
            return f"{value:%Y-%m-%d}" if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


@dataclass
class Table:
    """A sheet's header (its first non-empty row) and every non-empty row below it."""

    file: str
    sheet: str | None
    header: list[Cell]
    rows: list[list[Cell]]
    # How a CSV file was read ('Windows-1252, ";"'), for the user to confirm; '' otherwise.
    read_as: str = ""

    def header_at(self, index: int) -> Table:
        """The same sheet read with its data row `index` (0-based) as the header, for sheets
        with a title or notes above the real header."""
        header, width = self.rows[index], len(self.header)
        last = header[-1].where
        header = header + [Cell(None, Where(last.file, last.sheet, last.row, c + 1))
                           for c in range(len(header), width)]
        return Table(self.file, self.sheet, header, self.rows[index + 1:], self.read_as)

    @cached_property
    def _rows_by_number(self) -> dict[int, list[Cell]]:
        """Every non-empty row (the header too) by its row number in the sheet."""
        return {row[0].where.row: row for row in (self.header, *self.rows) if row}

    def at(self, row: int, col: int) -> Cell:
        """The cell at a 1-based row and column as the sheet numbers them (an empty cell
        there if the row is empty or shorter), for sheets that keep values in fixed cells."""
        cells = self._rows_by_number.get(row, [])
        if col <= len(cells):
            return cells[col - 1]
        return Cell(None, Where(self.file, self.sheet, row, col))

    def last_row(self) -> int:
        """The number of the sheet's last non-empty row."""
        return max(self._rows_by_number)
