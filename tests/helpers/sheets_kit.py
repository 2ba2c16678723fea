"""Real spreadsheet files for the import tests: .xlsx by openpyxl (with a formula's cached
value patched in the way Excel saves it), .ods by odfpy, CSV in the encodings people send,
and a registration sheet written from a mission folder's companies."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from scheduler.input.model import Company, MissionFolder

Row = Sequence[object]
HEADER = ["Company ID", "Company name", "Side", "Country", "City", "Cluster", "Website",
          "Time zone", "Sectors", "Offers", "Seeks", "Description", "Sessions", "Unavailable",
          "Max meetings", "Full name", "E-mail", "Job title", "Phone"]


def write_xlsx(path: Path, header: Row, rows: Sequence[Row], *, sheet: str = "Sheet1",
               merges: Sequence[str] = (), cached: dict[str, object] | None = None,
               date_format: str = "yyyy-mm-dd") -> Path:
    """An .xlsx workbook: header, rows (None leaves a cell empty, [] an empty row), merged
    ranges, date cells with a date format, and formulas (text starting '=') whose cached
    results `cached` gives by cell, as Excel stores them beside the formula."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = date_format
    for merge in merges:
        ws.merge_cells(merge)
    book.save(path)
    if cached:
        _patch_cached(path, cached)
    return path


def _patch_cached(path: Path, cached: dict[str, object]) -> None:
    """Write each formula's cached result into the sheet XML (openpyxl saves none).

    openpyxl writes the empty value as `<v />`, or as `<v></v>` when lxml is installed.
    """
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    for ref, value in cached.items():
        kind = ' t="str"' if isinstance(value, str) else ""
        xml, count = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)',
                             rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v>', xml)
        assert count == 1, f"no formula at {ref}"
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)


def write_ods(path: Path, header: Row, rows: Sequence[Row], sheet: str = "Inscriptions") -> Path:
    """An .ods spreadsheet written by odfpy: text, float and date cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in [header, *rows]:
        tr = TableRow()
        for value in row:
            if value is None:
                cell = TableCell()
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.isoformat()))
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                for line in str(value).split("\n"):
                    cell.addElement(P(text=line))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_csv(path: Path, header: Row, rows: Sequence[Row], *, encoding: str = "utf-8",
              delimiter: str = ",", newline: str = "\r\n") -> Path:
    """A CSV file as a spreadsheet program exports it (Excel in Europe: cp1252, ';', CRLF)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def _company_cells(company: Company) -> list[object]:
    """The company columns of HEADER for one company."""
    profile = company.profile
    return [company.id, company.name, company.side, company.country, company.city,
            company.cluster, company.website or None, company.timezone,
            "\n".join(profile.sectors), "\n".join(profile.offers), "\n".join(profile.seeks),
            profile.description or None,
            None if company.attends is None else "; ".join(company.attends),
            "; ".join(_period(p) for p in company.unavailable) or None, company.max_meetings]


def _period(period: tuple[dt.datetime, dt.datetime]) -> str:
    """A period as the company files write it."""
    start, end = period
    return f"{start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}"


def rows_from_folder(folder: MissionFolder) -> list[list[object]]:
    """One row per delegate (one per company without delegates), columns as HEADER."""
    rows: list[list[object]] = []
    for company in [*folder.companies.values(), *folder.withdrawn.values()]:
        cells = _company_cells(company)
        people = [[d.name, d.email, d.role or None, d.phone or None] for d in company.delegates]
        for person in people or [[None] * 4]:
            rows.append(cells + person)
    return rows


def run(*args: object) -> tuple[int, str]:
    """Run `mission` with these arguments: exit status and all it printed."""
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def new_mission(tmp_path: Path) -> Path:
    """A fresh mission folder from `mission init` (no company files yet)."""
    from scheduler.input.templates import init_folder

    folder = tmp_path / "m"
    init_folder(folder, "m", False)
    return folder
