"""`mission attendance DIR`: the workbook to fill in, and a printable list per table."""

from __future__ import annotations

from pathlib import Path

from scheduler.outcomes.common import load
from scheduler.outcomes.importing import import_sheets
from scheduler.outcomes.sheet import write_workbook
from scheduler.outcomes.tables import Progress, write_table_pdfs

FORMATS = ("xlsx", "pdf")
SHEET_FILE = "attendance.xlsx"


def write_attendance(path: Path, sheet: Path | None, formats: tuple[str, ...],
                     progress: Progress | None = None) -> list[Path]:
    """Write the attendance workbook (SHEET, default DIR/attendance.xlsx) and, for pdf, one
    PDF per table into the folder of the same name beside it."""
    mission = load(path)
    target = sheet or path / SHEET_FILE
    written = []
    if "xlsx" in formats:
        written.append(write_workbook(mission, target))
    if "pdf" in formats:
        written += write_table_pdfs(mission, target.with_suffix(""), progress)
    return written


def run_attendance(path: Path, sheet: Path | None, formats: tuple[str, ...],
                   imports: list[Path], progress: Progress | None = None) -> list[str]:
    """`mission attendance`: write the sheets, or import filled ones; the lines to print."""
    if imports:
        done = import_sheets(path, imports)
        gone = f", {done.removed} walk-in(s) no longer on the sheets removed" \
            if done.removed else ""
        return [f"read {len(imports)} file(s): {done.meetings} meeting outcome(s), "
                f"{done.walk_ins} new walk-in(s){gone}; wrote {done.path}",
                f"next: `mission impact {path}`"]
    written = write_attendance(path, sheet, formats, progress)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    lines = [f"wrote {p}" for p in written if p.suffix != ".pdf"]
    if pdfs:
        lines.append(f"wrote {len(pdfs)} table sheet(s) to {pdfs[0].parent}")
    return [*lines, f"after the day: `mission attendance {path} --import FILLED.xlsx`"]
