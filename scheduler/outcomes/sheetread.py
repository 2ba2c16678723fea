"""Filled attendance tabs as grids of located cells, read by the shared sheet reader.

`scheduler.sheets` reads .xlsx, .ods and .csv (encoding and delimiter detected) into cells
that know where they are; the attendance layout needs them by absolute row and column
(row 2 names the mission, meetings start at row 5), so each table is laid back on its grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import Problem, rel
from scheduler.sheets import SheetError, Table, Where, read_table, sheet_names
from scheduler.sheets.reader import CSV_FILES, WORKBOOKS


@dataclass(frozen=True)
class Cell:
    """One cell's text ('' when empty) and where it is."""

    text: str
    where: Where

    def problem(self, message: str, severity: str = "error") -> Problem:
        """A problem located at this cell (`file.xlsx:Tab!D14`, `file.csv:14:4`)."""
        return self.where.problem(severity, message)


@dataclass
class Sheet:
    """One tab of a workbook, or a whole CSV file, by row and column."""

    name: str
    file: str
    sheet: str | None
    cells: dict[tuple[int, int], Cell]
    last_row: int

    def cell(self, row: int, col: int) -> Cell:
        """The cell at a 1-based row and column (an empty one where nothing was read)."""
        found = self.cells.get((row, col))
        return found or Cell("", Where(self.file, self.sheet, row, col))


def as_sheet(table: Table, name: str) -> Sheet:
    """A table laid back on its grid of rows and columns."""
    cells = {(c.where.row, c.where.col): Cell(c.text.strip(), c.where)
             for row in [table.header, *table.rows] for c in row}
    last = max((row for row, _ in cells), default=0)
    return Sheet(name, table.file, table.sheet, cells, last)


def read_sheets(path: Path) -> tuple[list[Sheet], list[Problem]]:
    """Every tab of a workbook (or the CSV file) and the problems of those that cannot be
    read; an empty tab is left out."""
    shown = rel(path)
    suffix = path.suffix.lower()
    if suffix not in WORKBOOKS and suffix not in CSV_FILES:
        return [], [Problem(shown, 0, 0, "error", "not a sheet this command reads: give the "
                            ".xlsx it printed, or a tab saved as .csv")]
    sheets, problems = [], []
    try:
        names: list[str | None] = [*sheet_names(path)] if suffix in WORKBOOKS else [None]
    except SheetError as exc:
        return [], [Problem(shown, 0, 0, "error", str(exc).removeprefix(f"{shown}: "))]
    for name in names:
        try:
            sheets.append(as_sheet(read_table(path, name, shown), name or path.stem))
        except SheetError as exc:
            if "is empty" not in str(exc):
                problems.append(Problem(shown, 0, 0, "error",
                                        str(exc).removeprefix(f"{shown}: ")))
    return sheets, problems
