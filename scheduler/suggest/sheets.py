"""Wish sheets: one .xlsx per company listing its eligible partners, ranked and explained.

The company fills in priority (a dropdown), mode and reason; `mission wishes --import`
(wishimport.py) reads them back. Rows 1-2 name the mission and the company, so a sheet
cannot be imported into another mission or company; row 4 is the header (frozen, with
filters). A very hidden sheet keeps the read-only cells as written, by partner. The files
are byte-identical for the same mission (fixed timestamps).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from scheduler.atomic import write_atomic
from scheduler.input.model import Company, MissionFolder
from scheduler.suggest.rank import Pair, Progress, Ranker, build_ranker
from scheduler.suggest.suggestions import explain

SHEET = "Wishes"
# A hidden copy of the read-only cells as written: an import tells the company's own edits
# from profiles that changed after the sheets went out.
WRITTEN = "As written"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
COLUMNS = ("partner id", "name", "country", "side", "sectors", "offers", "seeks",
           "suggested rank", "why suggested", "priority", "mode", "your reason")
FILL_IN = ("priority", "mode", "your reason")  # the columns the company fills in
PRIORITIES = ("must", "high", "normal", "low")
MODES = ("in-person", "virtual", "any")
EXPLAINED = 30  # rows that get a reason in words (explaining costs time on big events)
MAX_WIDTH = 60
STAMP = datetime(2000, 1, 1)  # fixed file times: the same mission gives the same bytes


def column(name: str) -> str:
    """The letter of a column by its header."""
    return get_column_letter(COLUMNS.index(name) + 1)


def ranked_partners(ranker: Ranker, company: Company) -> list[tuple[Company, int]]:
    """Every partner the side rules and blocked pairs allow, best first, with its rank."""
    row = ranker.index(company.id)
    line = ranker.raw(range(row, row + 1))[0]
    for col in ranker.blocked.get(row, set()):
        line[col] = -np.inf
    order = np.lexsort((np.arange(len(line)), -line))
    allowed = [int(j) for j in order if np.isfinite(line[j])]
    return [(ranker.companies[j], rank) for rank, j in enumerate(allowed, start=1)]


def partner_row(ranker: Ranker, company: Company, partner: Company, rank: int
                ) -> list[object]:
    """The read-only cells of one partner (the fill-in cells come from existing wishes)."""
    why = explain(ranker, company, partner).words("your") if rank <= EXPLAINED else ""
    return [partner.id, partner.name, partner.country, partner.side,
            ", ".join(partner.profile.sectors), "; ".join(partner.profile.offers),
            "; ".join(partner.profile.seeks), rank, why]


def _fill_in(company: Company, partner_id: str) -> list[object]:
    """Priority, mode and reason of the company's existing wish for a partner, if any."""
    for wish in company.wants_to_meet:
        if wish.company == partner_id:
            return [wish.priority, getattr(wish, "mode", None) or None, wish.reason or None]
    return [None, None, None]


def _layout(sheet: Worksheet, rows: int) -> None:
    """Frozen header, filters, dropdowns, a tint on the fill-in columns, fitting widths."""
    last = HEADER_ROW + max(rows, 1)
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    for name, values in (("priority", PRIORITIES), ("mode", MODES)):
        rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                              allow_blank=True, showErrorMessage=True,
                              error=f"Choose one of: {', '.join(values)}, or leave it blank")
        rule.add(f"{column(name)}{FIRST_ROW}:{column(name)}{last}")
        sheet.add_data_validation(rule)
    tint = PatternFill("solid", fgColor="FFF2CC")
    for name in FILL_IN:  # a column style, not one per cell: big sheets stay quick to write
        sheet[f"{column(name)}{HEADER_ROW}"].fill = tint
        sheet.column_dimensions[column(name)].fill = tint
    for index in range(1, len(COLUMNS) + 1):
        letter = get_column_letter(index)
        longest = max(len(str(c.value)) for c in sheet[letter][HEADER_ROW - 1:] if c.value
                      is not None) if sheet.max_row >= HEADER_ROW else 10
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(10, longest + 2))


def workbook(folder: MissionFolder, ranker: Ranker, company: Company) -> Workbook:
    """The wish sheet of one company."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = SHEET
    mission = folder.mission
    sheet.append(["mission", mission.id, mission.title])
    sheet.append(["company", company.id, company.name])
    sheet.append(["Fill in priority (must, high, normal, low), mode (in-person, virtual, "
                  "any) and your reason for the partners you want to meet; other edits are "
                  "ignored."])
    sheet.append(list(COLUMNS))
    for cell in (*sheet[1], *sheet[2], *sheet[HEADER_ROW]):
        cell.font = Font(bold=True)
    partners = ranked_partners(ranker, company)
    wrap = Alignment(wrap_text=True, vertical="top")
    record = book.create_sheet(WRITTEN)
    record.sheet_state = "veryHidden"
    record.append(list(COLUMNS[:-len(FILL_IN)]))
    for partner, rank in partners:
        cells = partner_row(ranker, company, partner, rank)
        sheet.append(cells + _fill_in(company, partner.id))
        record.append(cells)
        if rank <= EXPLAINED:  # unwrapped, a long reason runs on over the empty fill-in cells
            sheet.cell(sheet.max_row, COLUMNS.index("why suggested") + 1).alignment = wrap
    _layout(sheet, len(partners))
    book.properties.created = book.properties.modified = STAMP
    book.properties.creator = "mission"
    return book


def fixed_bytes(book: Workbook) -> bytes:
    """The .xlsx bytes with every zip entry's time fixed, so equal sheets are equal files."""
    raw = io.BytesIO()
    book.save(raw)  # stamps the time of saving as `modified`: put the fixed one back
    book.properties.modified = STAMP
    core = tostring(book.properties.to_tree())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = core if info.filename == "docProps/core.xml" else source.read(info.filename)
            dest.writestr(fixed, data)
    return out.getvalue()


def write_sheets(folder: MissionFolder, out: Path, side: str | None = None,
                 blocked: Collection[Pair] = frozenset(), progress: Progress | None = None
                 ) -> list[Path]:
    """Write one wish sheet per company (or per company of one side) into OUT."""
    ranker = build_ranker(folder, blocked)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for company in ranker.companies:
        if side is None or company.side == side:
            path = out / f"{company.id}.xlsx"
            write_atomic(path, fixed_bytes(workbook(folder, ranker, company)))
            written.append(path)
        if progress:
            progress(1)
    return written
