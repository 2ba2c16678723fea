"""The attendance workbook: one tab per session-day, dropdowns where there is a choice.

The bytes are repeatable: the workbook's dates come from the schedule, and the zip entries
carry a fixed timestamp, so the same schedule gives the same file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from scheduler.atomic import write_atomic
from scheduler.export.agenda import company_name, delegate_names
from scheduler.outcomes import layout as L
from scheduler.outcomes.common import Mission, SessionDay, session_days, when

HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")  # grey: reads in black and white
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def put(sheet: Worksheet, row: int, column: int, value: str) -> None:
    """Write text into a cell as text: a name starting with '=' is never a formula."""
    cell = sheet.cell(row, column, value)
    cell.data_type = "s"


def _dropdown(sheet: Worksheet, column: str, choices: str, last_row: int) -> None:
    """A list validation on one column of the data rows."""
    rule = DataValidation(type="list", formula1=choices, allow_blank=True)
    rule.add(f"{column}{L.FIRST_ROW}:{column}{last_row}")
    sheet.add_data_validation(rule)


def _head(mission: Mission, sheet: Worksheet, part: SessionDay) -> None:
    """Title, identity row, hint and column headers."""
    title = f"Attendance: {part.session.title}, {part.day:%a %d %B %Y}"
    sheet.cell(L.TITLE_ROW, 1, f"{title} ({mission.folder.mission.title})").font = Font(
        bold=True, size=13)
    values = {"mission": mission.folder.mission.id, "schedule": mission.fingerprint,
              "session": part.session.id, "date": part.day.isoformat()}
    for label, column in L.ID_CELLS.items():
        sheet.cell(L.ID_ROW, column - 1, label).font = Font(italic=True)
        sheet.cell(L.ID_ROW, column, values[label])
    sheet.cell(L.HINT_ROW, 1, L.HINT).alignment = Alignment(wrap_text=False)
    for column, name in enumerate(L.COLUMNS, 1):
        cell = sheet.cell(L.HEADER_ROW, column, name)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = L.WIDTHS[column - 1]
    sheet.freeze_panes = f"A{L.FIRST_ROW}"
    # printed for the desk: A4 across, one page wide, the headers on every page
    sheet.page_setup.orientation, sheet.page_setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{L.HEADER_ROW}:{L.HEADER_ROW}"


def _rows(mission: Mission, sheet: Worksheet, part: SessionDay) -> None:
    """One row per planned meeting."""
    folder = mission.folder
    for row, meeting in enumerate(part.meetings, L.FIRST_ROW):
        first, second = meeting.companies
        people = [*delegate_names(folder, meeting, first), *delegate_names(folder, meeting, second)]
        values = (meeting.id, when(mission, meeting), meeting.table or meeting.video_link or "",
                  company_name(folder, first), company_name(folder, second), ", ".join(people))
        for column, value in enumerate(values, 1):
            put(sheet, row, column, value)


def _tab(mission: Mission, book: Workbook, part: SessionDay) -> None:
    """One session-day's tab with its dropdowns."""
    sheet = book.create_sheet(part.tab)
    _head(mission, sheet, part)
    _rows(mission, sheet, part)
    last = L.FIRST_ROW + len(part.meetings) + L.WALK_IN_ROWS - 1
    letter = {name: get_column_letter(number) for name, number in L.COL.items()}
    yes_no = '"' + ",".join(L.YES_NO) + '"'
    for name in ("held", "cancelled", "follow-up"):
        _dropdown(sheet, letter[name], yes_no, last)
    _dropdown(sheet, letter["no-show"], '"' + ",".join(L.NO_SHOW) + '"', last)
    count = len(mission.folder.companies) + 1
    names = f"{quote_sheetname(L.COMPANIES_TAB)}!$B$2:$B${count}"
    for name in ("company A", "company B"):
        rule = DataValidation(type="list", formula1=names, allow_blank=True)
        rule.add(f"{letter[name]}{L.FIRST_ROW + len(part.meetings)}:{letter[name]}{last}")
        sheet.add_data_validation(rule)


def _companies(mission: Mission, book: Workbook) -> None:
    """The companies walk-ins can name, for the dropdowns."""
    sheet = book.create_sheet(L.COMPANIES_TAB)
    for column, name in enumerate(("id", "name", "country", "side"), 1):
        sheet.cell(1, column, name).font = Font(bold=True)
    companies = sorted(mission.folder.companies.values(), key=lambda c: c.name.casefold())
    for row, company in enumerate(companies, 2):
        for column, value in enumerate((company.id, company.name, company.country,
                                        company.side), 1):
            put(sheet, row, column, value)


def workbook_bytes(mission: Mission) -> bytes:
    """The attendance workbook of a mission, as repeatable bytes."""
    book = Workbook()
    for blank in book.worksheets:  # the empty first sheet a new workbook has
        book.remove(blank)
    for part in session_days(mission):
        _tab(mission, book, part)
    _companies(mission, book)
    stamp = mission.schedule.generated.astimezone(UTC).replace(tzinfo=None)  # read as UTC
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "mission"
    raw = io.BytesIO()
    # ExcelWriter, not book.save(), which stamps the workbook as modified now
    ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed, so the bytes do not depend on when."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_workbook(mission: Mission, path: Path) -> Path:
    """Write the attendance workbook atomically."""
    write_atomic(path, workbook_bytes(mission))
    return path
