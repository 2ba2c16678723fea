"""Filled sheets as cells that know where they are: `file.xlsx:Sheet!D14`, `file.csv:14:4`.

Reads .xlsx (openpyxl, values as the user's program stored them) and .csv (UTF-8, with or
without a byte-order mark, else Windows-1252; comma or semicolon, as European spreadsheet
programs save it). The shared sheet reader of the base layer can replace this module: the
rest of the package only uses `read_sheets`, `Sheet` and `Cell`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from openpyxl.utils import get_column_letter

from scheduler.errors import Problem, rel


@dataclass(frozen=True)
class Cell:
    """One cell's text (stripped; '' when empty) and where it is."""

    text: str
    file: str
    line: int = 0
    col: int = 0

    def problem(self, message: str, severity: str = "error") -> Problem:
        """A problem located at this cell."""
        return Problem(self.file, self.line, self.col, severity, message)


@dataclass
class Sheet:
    """One tab of a workbook, or a whole CSV file."""

    name: str
    file: str
    rows: list[list[Cell]]

    def cell(self, row: int, col: int) -> Cell:
        """The cell at a 1-based row and column (an empty one past the data)."""
        if row <= len(self.rows) and col <= len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return self.empty(row, col)

    def empty(self, row: int, col: int) -> Cell:
        """An empty cell at a position, located like the others of this sheet."""
        if self.file.endswith("!"):
            return Cell("", f"{self.file}{get_column_letter(col)}{row}")
        return Cell("", self.file, row, col)


def as_text(value: object) -> str:
    """A cell value as text: times as HH:MM, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%H:%M}" if value.date().year < 1901 else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(path: Path) -> list[Sheet]:
    """Every tab of a workbook."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for tab in book.worksheets:
        prefix = f"{rel(path)}:{tab.title}!"
        rows = [[Cell(as_text(value), f"{prefix}{get_column_letter(c)}{r}")
                 for c, value in enumerate(row, 1)]
                for r, row in enumerate(tab.iter_rows(values_only=True), 1)]
        sheets.append(Sheet(tab.title, prefix, rows))
    book.close()
    return sheets


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (a BOM is dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(path: Path) -> list[Sheet]:
    """A CSV file as one sheet."""
    text = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    shown = rel(path)
    rows = [[Cell(value.strip(), shown, r, c) for c, value in enumerate(row, 1)]
            for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)]
    return [Sheet(path.stem, shown, rows)]


def read_sheets(path: Path) -> tuple[list[Sheet], list[Problem]]:
    """The sheets of an .xlsx or .csv file, or the one problem that stops reading it."""
    shown = rel(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        return [], [Problem(shown, 0, 0, "error", "not a sheet this command reads: "
                            "give the .xlsx it printed, or a tab saved as .csv")]
    try:
        return (read_xlsx(path) if suffix == ".xlsx" else read_csv(path)), []
    except OSError as exc:
        return [], [Problem(shown, 0, 0, "error", f"cannot read: {exc.strerror}")]
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        return [], [Problem(shown, 0, 0, "error", f"not a readable .xlsx file ({exc})")]
