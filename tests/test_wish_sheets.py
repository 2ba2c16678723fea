"""Wish sheets: written per company, filled in with openpyxl, imported back into the files."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers.sheets_kit import write_ods

from cli import cli
from scheduler.load.loader import load_mission
from scheduler.suggest.sheets import COLUMNS, HEADER_ROW
from scheduler.yamledit import load_path

ROOT = Path(__file__).resolve().parent.parent
JAPAN = ROOT / "seeds" / "bioxclusters-japan-2016"
SEEDS = sorted(p for p in (ROOT / "seeds").iterdir() if (p / "mission.yaml").exists())
PRIORITY = chr(ord("A") + COLUMNS.index("priority"))
MODE = chr(ord("A") + COLUMNS.index("mode"))
REASON = chr(ord("A") + COLUMNS.index("your reason"))


def run(*args: str):
    """Run the CLI; return the result."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def copy(seed: Path, tmp_path: Path) -> Path:
    """A copy of a seed mission to edit."""
    shutil.copytree(seed, tmp_path / seed.name)
    return tmp_path / seed.name


def rows(path: Path) -> dict[str, int]:
    """Partner id -> row number of a wish sheet."""
    sheet = openpyxl.load_workbook(path)["Wishes"]
    return {row[0].value: row[0].row for row in sheet.iter_rows(min_row=HEADER_ROW + 1)}


def fill(path: Path, cells: dict[str, object]) -> None:
    """Set cells of a sheet's Wishes tab, as a company would in a spreadsheet program."""
    book = openpyxl.load_workbook(path)
    for cell, value in cells.items():
        book["Wishes"][cell] = value
    book.save(path)


def first_new_partner(folder: Path, sheet: Path) -> tuple[str, int]:
    """The best-ranked partner the sheet's company has no wish for yet, and its row."""
    company = openpyxl.load_workbook(sheet)["Wishes"]["B2"].value
    mission, _ = load_mission(folder)
    wished = {w.company for w in mission.companies[company].wants_to_meet}
    return next((p, r) for p, r in rows(sheet).items() if p not in wished)


@pytest.mark.slow  # about 8 s for the six seeds, most of it scheduling
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_round_trip_on_every_seed(tmp_path: Path, seed: Path) -> None:
    folder = copy(seed, tmp_path)
    assert run("wishes", str(folder), "--out", str(tmp_path / "sheets"),
               "--side", "delegation").exit_code == 0
    sheets = sorted((tmp_path / "sheets").glob("*.xlsx"))
    mission, _ = load_mission(folder)
    assert len(sheets) == sum(c.side == "delegation" for c in mission.companies.values())
    sheet = sheets[0]
    company = openpyxl.load_workbook(sheet)["Wishes"]["B2"].value
    partner, row = first_new_partner(folder, sheet)
    fill(sheet, {f"{PRIORITY}{row}": "high", f"{REASON}{row}": "met at the fair"})
    result = run("wishes", str(folder), "--import", *map(str, sheets))
    assert result.exit_code == 0, result.output
    assert f"{company}: new wish to meet {partner} (high)" in result.output
    assert run("validate", str(folder)).exit_code == 0
    after, _ = load_mission(folder)
    wish = [w for w in after.companies[company].wants_to_meet if w.company == partner]
    assert wish and wish[0].priority == "high" and wish[0].reason == "met at the fair"
    scheduled = run("schedule", str(folder), "--time-limit", "2")
    assert scheduled.exit_code == 0, scheduled.output


def test_changed_priority_is_updated_and_listed_and_nothing_else_changes(tmp_path: Path):
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    path = folder / "companies" / "alpenlabor-dx.yaml"
    before = path.read_text(encoding="utf-8")
    sheet = tmp_path / "s" / "alpenlabor-dx.xlsx"
    fill(sheet, {f"{PRIORITY}{rows(sheet)['tsukuba-diagnostics']}": "must"})
    result = run("wishes", str(folder), "--import", str(sheet))
    assert "alpenlabor-dx: tsukuba-diagnostics priority normal -> must" in result.output
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
               if a != b]
    assert changed == [('  - {company: tsukuba-diagnostics, priority: normal, reason: "OEM '
                        'reader manufacturing"}', '  - {company: tsukuba-diagnostics, priority: '
                        'must, reason: "OEM reader manufacturing"}')]
    again = run("wishes", str(folder), "--import", str(sheet))
    assert "0 wish(es) added, 0 value(s) of existing wishes changed" in again.output


def test_mode_is_written_only_when_filled(tmp_path: Path) -> None:
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    sheet = tmp_path / "s" / "genomix-bcn.xlsx"
    partner, row = first_new_partner(folder, sheet)
    second, row2 = [(p, r) for p, r in rows(sheet).items() if p != partner][-1]
    fill(sheet, {f"{PRIORITY}{row}": "normal", f"{MODE}{row}": "in-person",
                 f"{PRIORITY}{row2}": "low"})
    assert run("wishes", str(folder), "--import", str(sheet)).exit_code == 0
    wishes = {w["company"]: w for w in
              load_path(folder / "companies" / "genomix-bcn.yaml")["wants_to_meet"]}
    assert wishes[partner]["mode"] == "in-person"
    assert "mode" not in wishes[second]


def test_mode_and_reason_of_an_existing_wish_are_updated_and_listed(tmp_path: Path) -> None:
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    sheet = tmp_path / "s" / "genomix-bcn.xlsx"
    row = rows(sheet)["kansai-bioworks"]
    fill(sheet, {f"{MODE}{row}": "in-person", f"{REASON}{row}": "CMC: clinical batches"})
    result = run("wishes", str(folder), "--import", str(sheet))
    assert result.exit_code == 0, result.output
    assert "genomix-bcn: kansai-bioworks mode any -> in-person" in result.output
    assert ("genomix-bcn: kansai-bioworks reason clinical-grade antibody manufacturing (CMC) "
            "-> CMC: clinical batches") in result.output
    mission, _ = load_mission(folder)
    wish = [w for w in mission.companies["genomix-bcn"].wants_to_meet
            if w.company == "kansai-bioworks"][0]
    assert (wish.priority, wish.mode, wish.reason) == ("high", "in-person",
                                                       "CMC: clinical batches")


def test_a_wish_the_mission_cannot_hold_is_refused_and_nothing_written(tmp_path: Path):
    # Every partnering session of the Japan seed is in person: a virtual wish would leave
    # a company file that no longer loads.
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    sheet = tmp_path / "s" / "genomix-bcn.xlsx"
    partner, row = first_new_partner(folder, sheet)
    fill(sheet, {f"{PRIORITY}{row}": "high", f"{MODE}{row}": "virtual"})
    before = {p.name: p.read_bytes() for p in (folder / "companies").iterdir()}
    result = run("wishes", str(folder), "--import", str(sheet))
    assert result.exit_code == 1
    assert "genomix-bcn.yaml:" in result.output and "is virtual" in result.output
    assert "nothing was written" in result.output
    assert {p.name: p.read_bytes() for p in (folder / "companies").iterdir()} == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert run("validate", str(folder)).exit_code == 0


def test_a_sheet_saved_as_ods_imports_with_its_cells_named(tmp_path: Path) -> None:
    # A company on LibreOffice sends the sheet back as .ods: the same reader as every
    # other sheet (scheduler/sheets) reads it, and names its cells the same way.
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    sheet = tmp_path / "s" / "genomix-bcn.xlsx"
    partner, row = first_new_partner(folder, sheet)
    fill(sheet, {f"{PRIORITY}{row}": "high", f"{PRIORITY}{row + 1}": "soon"})
    values = [list(r) for r in openpyxl.load_workbook(sheet)["Wishes"].iter_rows(
        values_only=True)]
    ods = write_ods(tmp_path / "genomix-bcn.ods", values[0], values[1:], sheet="Wishes")
    result = run("wishes", str(folder), "--import", str(ods))
    assert result.exit_code == 1
    assert f"genomix-bcn.ods:Wishes!{PRIORITY}{row + 1}: error: priority 'soon'" in result.output
    values[row][COLUMNS.index("priority")] = None
    ods = write_ods(tmp_path / "genomix-bcn.ods", values[0], values[1:], sheet="Wishes")
    result = run("wishes", str(folder), "--import", str(ods))
    assert result.exit_code == 0, result.output
    assert f"genomix-bcn: new wish to meet {partner} (high)" in result.output


def test_errors_by_cell_all_at_once_and_nothing_written(tmp_path: Path) -> None:
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    first, second = tmp_path / "s" / "genomix-bcn.xlsx", tmp_path / "s" / "alpenlabor-dx.xlsx"
    row = first_new_partner(folder, first)[1]
    fill(first, {f"{PRIORITY}{row}": "urgent", f"{MODE}{row + 1}": "video",
                 f"{PRIORITY}{row + 1}": "high"})
    fill(second, {"B1": "another-mission"})
    before = {p.name: p.read_bytes() for p in (folder / "companies").iterdir()}
    result = run("wishes", str(folder), "--import", str(first), str(second))
    assert result.exit_code == 1
    assert f"genomix-bcn.xlsx:Wishes!{PRIORITY}{row}: error: priority 'urgent'" in result.output
    assert f"genomix-bcn.xlsx:Wishes!{MODE}{row + 1}: error: mode 'video'" in result.output
    assert "alpenlabor-dx.xlsx:Wishes!B1: error: this sheet is for mission 'another-mission'" \
        in result.output
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in (folder / "companies").iterdir()} == before


def test_edits_outside_the_fill_in_columns_are_ignored_with_a_warning(tmp_path: Path):
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    sheet = tmp_path / "s" / "genomix-bcn.xlsx"
    partner, row = first_new_partner(folder, sheet)
    fill(sheet, {f"B{row}": "A better name", f"{PRIORITY}{row}": "low"})
    result = run("wishes", str(folder), "--import", str(sheet))
    assert result.exit_code == 0
    assert f"genomix-bcn.xlsx:Wishes!B{row}: warning: 'name' is not a fill-in column" \
        in result.output
    assert f"genomix-bcn: new wish to meet {partner} (low)" in result.output


def test_a_profile_changed_after_the_sheets_went_out_is_not_the_company_s_edit(tmp_path):
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    partner_file = folder / "companies" / "kansai-bioworks.yaml"
    partner_file.write_text(partner_file.read_text(encoding="utf-8").replace(
        "fill-finish for clinical lots", "fill-finish and lyophilisation"), encoding="utf-8")
    sheet = tmp_path / "s" / "genomix-bcn.xlsx"
    partner, row = first_new_partner(folder, sheet)
    fill(sheet, {f"{PRIORITY}{row}": "low", f"C{row}": "XX"})
    result = run("wishes", str(folder), "--import", str(sheet))
    assert result.exit_code == 0, result.output
    assert f"genomix-bcn.xlsx:Wishes!C{row}: warning: 'country' is not a fill-in" in result.output
    assert result.output.count("is not a fill-in column") == 1  # not kansai-bioworks' offers


def test_sheet_layout_and_identical_bytes(tmp_path: Path) -> None:
    run("wishes", str(JAPAN), "--out", str(tmp_path / "a"), "--side", "delegation")
    run("wishes", str(JAPAN), "--out", str(tmp_path / "b"), "--side", "delegation")
    first = tmp_path / "a" / "genomix-bcn.xlsx"
    assert first.read_bytes() == (tmp_path / "b" / "genomix-bcn.xlsx").read_bytes()
    sheet = openpyxl.load_workbook(first)["Wishes"]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    lists = {str(v.sqref)[0]: v.formula1
             for v in sheet.data_validations.dataValidation}
    assert lists[PRIORITY] == '"must,high,normal,low"'
    assert lists[MODE] == '"in-person,virtual,any"'
    assert sheet["B1"].value == "bioxclusters-japan-2016" and sheet["B2"].value == "genomix-bcn"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width
    why = chr(ord("A") + COLUMNS.index("why suggested"))
    # A long reason wraps in its cell instead of running on over the empty fill-in cells.
    assert sheet[f"{why}{HEADER_ROW + 1}"].alignment.wrap_text
    assert "genomix-bcn" not in {row[0].value for row in sheet.iter_rows(min_row=HEADER_ROW + 1)}


def test_unreadable_or_duplicate_sheets_and_cleared_priorities(tmp_path: Path) -> None:
    folder = copy(JAPAN, tmp_path)
    run("wishes", str(folder), "--out", str(tmp_path / "s"), "--side", "delegation")
    sheet = tmp_path / "s" / "alpenlabor-dx.xlsx"
    shutil.copy(sheet, tmp_path / "copy.xlsx")
    (tmp_path / "notes.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    result = run("wishes", str(folder), "--import", str(sheet), str(tmp_path / "copy.xlsx"),
                 str(tmp_path / "notes.xlsx"))
    assert result.exit_code == 1
    assert "notes.xlsx: error: cannot read the sheet" in result.output
    assert "a second sheet for alpenlabor-dx" in result.output
    fill(sheet, {f"{PRIORITY}{rows(sheet)['naniwa-diagnostics']}": None})
    result = run("wishes", str(folder), "--import", str(sheet))
    assert result.exit_code == 0
    assert "warning: a blank priority keeps the wish to meet naniwa-diagnostics" in result.output
    assert "naniwa-diagnostics" in (folder / "companies" / "alpenlabor-dx.yaml").read_text()
