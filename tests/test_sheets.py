"""Reading real spreadsheet files: .xlsx written by openpyxl, .ods by odfpy, CSV in the
encodings and delimiters spreadsheet programs export; every cell knows where it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers.sheets_kit import write_csv, write_ods, write_xlsx

from scheduler.errors import InputError
from scheduler.sheets import SheetError, Where, read_table

HEADER = ["Company", "Contact", "Since", "Staff"]


def texts(rows) -> list[list[str]]:
    """Each row's cell texts."""
    return [[cell.text for cell in row] for row in rows]


def test_positions_are_printed_the_way_spreadsheets_and_editors_name_them():
    assert str(Where("regs.xlsx", "Sheet1", 14, 4)) == "regs.xlsx:Sheet1!D14"
    assert str(Where("regs.xlsx", "Inscriptions", 3, 28)) == "regs.xlsx:Inscriptions!AB3"
    assert str(Where("regs.csv", None, 14, 4)) == "regs.csv:14:4"
    problem = Where("regs.xlsx", "Sheet1", 2, 1).problem("error", "bad")
    assert str(problem) == "regs.xlsx:Sheet1!A2: error: bad"


def test_xlsx_merged_cells_fill_their_range_and_empty_rows_are_skipped(tmp_path: Path):
    rows = [["Acme Bio", "Laura Puig", dt.date(2019, 5, 1), 12],
            [None, "Jordi Pla", None, 3.5],
            [],
            ["Kansai Works", "Taro Yamada", None, "=D2+4"]]
    path = write_xlsx(tmp_path / "regs.xlsx", HEADER, rows, sheet="Regs",
                      merges=["A2:A3"], cached={"D5": 16})
    table = read_table(path, shown="regs.xlsx")
    assert [c.text for c in table.header] == HEADER
    assert texts(table.rows) == [["Acme Bio", "Laura Puig", "2019-05-01", "12"],
                                 ["Acme Bio", "Jordi Pla", "", "3.5"],
                                 ["Kansai Works", "Taro Yamada", "", "16"]]
    assert table.rows[0][2].value == dt.date(2019, 5, 1)  # a date cell (a serial in the file)
    assert str(table.rows[2][3].where) == "regs.xlsx:Regs!D5"  # the empty row 4 still counts
    assert str(table.rows[1][0].where) == "regs.xlsx:Regs!A3"


def test_fixed_cells_are_read_by_position_even_above_the_header(tmp_path: Path):
    rows = [["for mission", "japan-2016"], [], HEADER, ["Acme Bio", "Laura Puig"]]
    path = write_xlsx(tmp_path / "form.xlsx", ["company", "genomix-bcn"], rows, sheet="Form")
    table = read_table(path, shown="form.xlsx")
    assert table.at(1, 2).text == "genomix-bcn" and table.at(2, 2).text == "japan-2016"
    assert str(table.at(5, 1).where) == "form.xlsx:Form!A5" and table.at(5, 1).text == "Acme Bio"
    empty = table.at(3, 7)  # an empty row, a column past the data: still a named cell
    assert empty.value is None and str(empty.where) == "form.xlsx:Form!G3"
    assert table.last_row() == 5


def test_problems_at_cells_are_listed_in_row_then_column_order():
    cells = [Where("regs.xlsx", "Regs", row, col) for row, col in
             ((30, 10), (7, 10), (9, 27), (9, 26), (30, 2))]
    found = InputError([w.problem("error", "bad") for w in cells]).problems
    assert [p.file for p in found] == ["regs.xlsx:Regs!J7", "regs.xlsx:Regs!Z9",
                                       "regs.xlsx:Regs!AA9", "regs.xlsx:Regs!B30",
                                       "regs.xlsx:Regs!J30"]


def test_a_formula_reads_as_the_value_saved_with_it(tmp_path: Path):
    path = write_xlsx(tmp_path / "f.xlsx", ["Company", "Legal name"],
                      [["Acme", '=A2&" S.L."']], cached={"B2": "Acme S.L."})
    assert texts(read_table(path).rows) == [["Acme", "Acme S.L."]]


def test_a_sheet_is_chosen_by_name_and_a_wrong_name_lists_the_sheets(tmp_path: Path):
    path = write_xlsx(tmp_path / "regs.xlsx", HEADER, [["A", "B", None, 1]], sheet="Hosts")
    assert read_table(path, "Hosts").sheet == "Hosts"
    with pytest.raises(SheetError, match="no sheet named 'Delegation'; its sheets are: Hosts"):
        read_table(path, "Delegation", shown="regs.xlsx")


def test_ods_dates_numbers_and_multiline_text(tmp_path: Path):
    path = write_ods(tmp_path / "regs.ods", HEADER,
                     [["Société Générique", "Zoé\nDurand", dt.date(2020, 2, 29), 7], [None] * 4,
                      ["Bio Ltd", "Ann", None, 2]])
    table = read_table(path, shown="regs.ods")
    assert table.rows[0][2].value == dt.date(2020, 2, 29)
    assert table.rows[0][3].value == 7
    assert table.rows[0][1].text == "Zoé\nDurand"
    assert str(table.rows[1][0].where) == "regs.ods:Inscriptions!A4"


def test_excel_csv_of_europe_windows_1252_semicolons_crlf(tmp_path: Path):
    rows = [["Café Noël SARL", "Zoë, Ana", "2019", "€ 5"], ["Ørsted Bio", "Åsa", "", ""]]
    path = write_csv(tmp_path / "regs.csv", HEADER, rows, encoding="cp1252", delimiter=";")
    assert b";" in path.read_bytes() and b"\r\n" in path.read_bytes()
    table = read_table(path, shown="regs.csv")
    assert table.read_as == "Windows-1252, delimiter ';'"
    assert texts(table.rows) == [["Café Noël SARL", "Zoë, Ana", "2019", "€ 5"],
                                 ["Ørsted Bio", "Åsa", "", ""]]
    assert str(table.rows[1][1].where) == "regs.csv:3:2"


def test_utf16_csv_with_tabs_and_a_quoted_line_break(tmp_path: Path):
    rows = [["東京バイオ株式会社", "山田\n太郎", "", ""], ["Acme", "Laura", "", ""]]
    path = write_csv(tmp_path / "regs.csv", HEADER, rows, encoding="utf-16", delimiter="\t")
    table = read_table(path, shown="regs.csv")
    assert table.read_as == "UTF-16, delimiter tab"
    assert texts(table.rows)[0][:2] == ["東京バイオ株式会社", "山田\n太郎"]
    assert str(table.rows[1][0].where) == "regs.csv:4:1"  # the line break took a line


def test_utf8_with_bom_and_commas(tmp_path: Path):
    path = write_csv(tmp_path / "regs.csv", HEADER, [["Ñandú Bio", "José", "", ""]],
                     encoding="utf-8-sig")
    table = read_table(path)
    assert table.read_as == "UTF-8 with BOM, delimiter ','"
    assert table.header[0].text == "Company"  # no BOM left in the first header
    assert table.rows[0][0].text == "Ñandú Bio"


def test_excel_sep_line_names_the_delimiter(tmp_path: Path):
    (tmp_path / "regs.csv").write_bytes(b"sep=;\r\nCompany;Staff, total\r\nAcme, Inc.;5\r\n")
    table = read_table(tmp_path / "regs.csv", shown="regs.csv")
    assert [c.text for c in table.header] == ["Company", "Staff, total"]
    assert texts(table.rows) == [["Acme, Inc.", "5"]]
    assert str(table.rows[0][1].where) == "regs.csv:3:2"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("regs.xlsx", b"this is not a zip file", "cannot read this workbook"),
    ("regs.pdf", b"%PDF-1.4", "not a sheet this reads"),
    ("regs.csv", b"\r\n\r\n", "the sheet is empty"),
])
def test_unreadable_files_say_why(tmp_path: Path, name: str, data: bytes, message: str):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(SheetError, match=message):
        read_table(tmp_path / name)
