"""Tables people keep in spreadsheets: .xlsx, .ods and .csv read into cells that know where
they are, so every message can name the cell (`regs.xlsx:Sheet1!D14`, `regs.csv:14:4`).

No domain knowledge here: the intake, wish and attendance readers build on `read_table`.
"""

from __future__ import annotations

from scheduler.sheets.reader import SheetError, read_table, sheet_names
from scheduler.sheets.table import Cell, Table, Value, Where, column_letters

__all__ = ["Cell", "SheetError", "Table", "Value", "Where", "column_letters", "read_table",
           "sheet_names"]
