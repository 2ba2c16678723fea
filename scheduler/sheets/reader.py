"""Reading .xlsx/.ods workbooks (python-calamine) and CSV files (encoding and delimiter
detected) into a Table.

Decisions a reader of these tables can rely on:
- a merged range reads as if the value of its top-left cell were in each of its cells
  (a company name merged down over its delegates' rows belongs to each row);
- formulas read as the value the spreadsheet program saved with them (its cached result);
- Excel and ODS date cells read as dates (datetimes when they hold a time of day);
- whole numbers read as int (a sheet stores every number as a float);
- rows with no value at all are skipped; their row numbers are still counted;
- CSV values stay text, so phone numbers and postcodes keep their leading zeros.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from pathlib import Path

from scheduler.errors import MissionError, rel
from scheduler.sheets.table import Cell, Table, Value, Where

WORKBOOKS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
CSV_FILES = (".csv", ".tsv", ".txt")
DELIMITERS = {",": "','", ";": "';'", "\t": "tab"}


class SheetError(MissionError):
    """A sheet cannot be read at all (missing, unknown format, damaged, no such sheet)."""


def read_table(path: Path, sheet: str | None = None, shown: str | None = None) -> Table:
    """The table in a .xlsx/.ods sheet (the first, or `sheet`) or a .csv file; positions
    name the file as `shown` (default: the path relative to the working folder)."""
    name = shown or rel(path)
    if not path.is_file():
        raise SheetError(f"{name}: no such file")
    suffix = path.suffix.lower()
    if suffix in WORKBOOKS:
        return _workbook(path, sheet, name)
    if suffix in CSV_FILES:
        if sheet is not None:
            raise SheetError(f"{name}: a CSV file has no sheets (leave out --sheet)")
        return _csv(path.read_bytes(), name)
    raise SheetError(f"{name}: not a sheet this reads; use .xlsx, .ods or .csv")


def sheet_names(path: Path) -> list[str]:
    """The names of a workbook's sheets, in order ([] for a CSV file)."""
    if path.suffix.lower() not in WORKBOOKS:
        return []
    return list(_open(path, rel(path)).sheet_names)


def _open(path: Path, name: str):  # noqa: ANN202 - python-calamine's workbook type
    """The calamine workbook of a file, or a SheetError saying why it cannot be read."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for bad files
        raise SheetError(f"{name}: cannot read this workbook ({exc})") from None


def _workbook(path: Path, sheet: str | None, name: str) -> Table:
    """A workbook sheet as a Table, merged ranges filled from their top-left cell."""
    book = _open(path, name)
    names = list(book.sheet_names)
    if not names:
        raise SheetError(f"{name}: the workbook has no sheets")
    chosen = sheet if sheet is not None else names[0]
    if chosen not in names:
        raise SheetError(f"{name}: no sheet named '{chosen}'; its sheets are: "
                         + ", ".join(names))
    try:
        data = book.get_sheet_by_name(chosen)
        grid = [[_value(v) for v in row] for row in data.to_python(skip_empty_area=False)]
        merged = data.merged_cell_ranges or []
    except Exception as exc:  # noqa: BLE001 - a damaged sheet must not end in a traceback
        raise SheetError(f"{name}: cannot read sheet '{chosen}' ({exc})") from None
    for (top, left), (bottom, right) in merged:
        _fill(grid, top, left, bottom, right)
    rows = [[Cell(v, Where(name, chosen, r + 1, c + 1)) for c, v in enumerate(row)]
            for r, row in enumerate(grid)]
    return _table(name, chosen, rows, "")


def _fill(grid: list[list[Value]], top: int, left: int, bottom: int, right: int) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    if top >= len(grid) or left >= len(grid[top]):
        return
    value = grid[top][left]
    for r in range(top, min(bottom, len(grid) - 1) + 1):
        row = grid[r]
        row.extend([None] * (right + 1 - len(row)))
        for c in range(left, right + 1):
            row[c] = value


def _value(raw: object) -> Value:
    """A calamine value as a cell value: text stripped, '' as None, 3.0 as 3."""
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, bool | dt.date):  # datetime is a date too
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    if isinstance(raw, int):
        return raw
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    return None if raw is None else str(raw)


def _table(name: str, sheet: str | None, rows: list[list[Cell]], read_as: str) -> Table:
    """A Table from all rows: empty rows dropped, the first row left is the header."""
    filled = [row for row in rows if any(cell.value is not None for cell in row)]
    if not filled:
        raise SheetError(f"{name}: the sheet is empty" if sheet is None
                         else f"{name}: sheet '{sheet}' is empty")
    header, body = filled[0], filled[1:]
    width = max(len(row) for row in filled)
    last = header[-1].where if header else Where(name, sheet, 1, 1)
    header = header + [Cell(None, Where(name, sheet, last.row, c + 1))
                       for c in range(len(header), width)]
    return Table(name, sheet, header, body, read_as)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in: a byte-order mark (UTF-8 or
    UTF-16) decides, else UTF-8 if it decodes, else Windows-1252 (Excel's in Europe)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    if data[1:2] == b"\x00" and data[:1] != b"\x00":  # UTF-16 saved without its mark
        return data.decode("utf-16-le", errors="replace"), "UTF-16LE"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "ISO-8859-1"


def delimiter(text: str) -> str:
    """The delimiter of a CSV text: whichever of `,` `;` tab its header line holds most
    often outside quotes (`,` when none)."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv(data: bytes, name: str) -> Table:
    """A CSV file as a Table; positions are line:column, the line where a row starts."""
    text, encoding = decode(data)
    sep = delimiter(text)
    line = 1
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's own line naming the delimiter
    if hint:
        sep, text, line = hint[1], text[hint.end():], 2
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows: list[list[Cell]] = []
    start = line
    try:
        for record in reader:
            rows.append([Cell(v.strip() or None, Where(name, None, line, c + 1))
                         for c, v in enumerate(record)])
            line = start + reader.line_num
    except csv.Error as exc:
        raise SheetError(f"{name}:{line}: cannot read this CSV line ({exc})") from None
    shown = DELIMITERS.get(sep, f"'{sep}'")
    return _table(name, None, rows, f"{encoding}, delimiter {shown}")
