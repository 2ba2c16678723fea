"""Filled attendance sheets as they come back from a real day on the Japan seed: a walk-in
or a moved meeting that would put a company or a table in two places, a walk-in corrected
and imported again, a workbook of another mission."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import cli
from tests.helpers.attendance_kit import copy_seed, fill

RUNNER = CliRunner()
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*args: str) -> tuple[int, str]:
    """Run the CLI; its exit code and output."""
    result = RUNNER.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def japan(tmp_path: Path) -> Path:
    """The Japan seed with a printed workbook."""
    folder = copy_seed(tmp_path / "japan")
    code, output = run("attendance", str(folder), "--format", "xlsx")
    assert code == 0, output
    return folder


def osaka_row(book_path: Path, meeting_id: str) -> int:
    """The row of a meeting on the Osaka tab."""
    tab = load_workbook(book_path).worksheets[0]
    return next(r for r in range(5, tab.max_row + 1) if tab.cell(r, 1).value == meeting_id)


def test_a_walk_in_with_a_company_meeting_elsewhere_is_refused(japan):
    # Cardiòptica is at Table 1 from 13:30 (held on the sheet); Table 5 is free then.
    fill(japan / "attendance.xlsx", japan / "filled.xlsx",
         ("cardioptica", "Würmtal Biologics GmbH", "13:30", "Table 5"))
    code, output = run("attendance", str(japan), "--import", str(japan / "filled.xlsx"))
    assert code == 1
    assert "Cardiòptica Medical S.L. (cardioptica) is at cardioptica--kitahama-medical " \
        "(Table 1, 13:30–13:55 JST)" in output
    assert not (japan / "outcomes.yaml").exists()


def test_a_meeting_moved_onto_a_taken_table_or_company_is_refused(japan):
    fill(japan / "attendance.xlsx", japan / "filled.xlsx")
    book = load_workbook(japan / "filled.xlsx")
    tab = book.worksheets[0]
    moved = osaka_row(japan / "filled.xlsx", "cardioptica--kitahama-medical")
    tab.cell(moved, 10, "15:30")  # Table 1 is taken again from 15:45
    other = osaka_row(japan / "filled.xlsx", "glykotech--rakuyo-glyco")
    tab.cell(other, 10, "14:00 Table 6")  # Table 6 is free (a no-show), GlykoTech is not
    book.save(japan / "filled.xlsx")
    code, output = run("attendance", str(japan), "--import", str(japan / "filled.xlsx"))
    name = book.sheetnames[0]
    assert code == 1
    assert f"{name}!J{moved}: error: Table 1 is taken at 15:30–15:55 JST by " \
        "doshomachi-pharma--peptomed-bcn (Table 1, 15:45–16:10 JST)" in output
    assert f"{name}!J{other}: error: GlykoTech Bayern AG (glykotech) is at " \
        "biwako-bioprocess--glykotech (Table 3, 14:00–14:25 JST)" in output
    assert not (japan / "outcomes.yaml").exists()


def test_a_walk_in_corrected_on_the_sheet_replaces_the_one_recorded(japan):
    fill(japan / "attendance.xlsx", japan / "filled.xlsx")
    assert run("attendance", str(japan), "--import", str(japan / "filled.xlsx"))[0] == 0
    book = load_workbook(japan / "filled.xlsx")
    tab = book.worksheets[0]
    row = next(r for r in range(5, tab.max_row + 1) if tab.cell(r, 2).value == "17:45")
    tab.cell(row, 5, "Port Island Medical Devices K.K.")  # not Kitahama after all
    book.save(japan / "filled.xlsx")
    code, output = run("attendance", str(japan), "--import", str(japan / "filled.xlsx"))
    assert code == 0, output
    assert "1 walk-in(s) no longer on the sheets removed" in output
    text = (japan / "outcomes.yaml").read_text(encoding="utf-8")
    assert "portisland-medical" in text and "kitahama-medical\n    session" not in text
    assert text.count("companies:") == 1


def test_a_workbook_of_another_mission_is_one_problem_per_tab(japan, tmp_path):
    other = tmp_path / "flanders"
    shutil.copytree(SEEDS / "flanders-telangana-bioasia-2023", other)
    assert run("attendance", str(other), "--format", "xlsx")[0] == 0
    code, output = run("attendance", str(japan), "--import", str(other / "attendance.xlsx"))
    assert code == 1
    assert output.count("a sheet of mission 'flanders-telangana-bioasia-2023'") == 3
    assert "no session" not in output and "3 error(s)" in output


def test_a_booth_table_can_be_written_as_the_host_reads_it(tmp_path):
    folder = tmp_path / "flanders"
    shutil.copytree(SEEDS / "flanders-telangana-bioasia-2023", folder)
    assert run("attendance", str(folder), "--format", "xlsx")[0] == 0
    book = load_workbook(folder / "attendance.xlsx")
    tab = book.worksheets[0]  # day 1: Table 2 of the Flanders pavilion is free at 16:00
    row = next(r for r in range(5, tab.max_row + 1)
               if tab.cell(r, 1).value == "deccan-biologics--schelde-mrna")
    tab.cell(row, 7, "yes")
    tab.cell(row, 10, "16:00 Table 2")
    book.save(folder / "filled.xlsx")
    code, output = run("attendance", str(folder), "--import", str(folder / "filled.xlsx"))
    assert code == 0, output
    assert "table: Flanders pavilion / Table 2" in \
        (folder / "outcomes.yaml").read_text(encoding="utf-8")


def test_a_parallel_company_may_be_in_two_meetings_while_a_delegate_is_free(tmp_path):
    folder = tmp_path / "flanders"
    shutil.copytree(SEEDS / "flanders-telangana-bioasia-2023", folder)
    assert run("attendance", str(folder), "--format", "xlsx")[0] == 0
    book = load_workbook(folder / "attendance.xlsx")
    g2b = book.worksheets[2]  # the Telangana wing sends a different delegate to each room
    rows = {g2b.cell(r, 1).value: r for r in range(5, 13)}
    for row in rows.values():
        g2b.cell(row, 7, "yes")
    g2b.cell(rows["schelde-mrna--telangana-life-sciences"], 10, "10:00 G2B room B")
    g2b.cell(rows["schelde-mrna--tsiic"], 7).value = None
    g2b.cell(rows["schelde-mrna--tsiic"], 9, "yes")  # room B free at 10:40
    for column, value in ((2, "10:40"), (3, "G2B room B"), (4, "telangana-life-sciences"),
                          (5, "dijle-diagnostics")):
        g2b.cell(13, column, value)  # its second delegate is free at 10:40
    book.save(folder / "filled.xlsx")
    code, output = run("attendance", str(folder), "--import", str(folder / "filled.xlsx"))
    assert code == 0, output
    assert "1 new walk-in(s)" in output
    text = (folder / "outcomes.yaml").read_text(encoding="utf-8")
    assert "table: G2B room B" in text  # a table whose name starts in capitals, kept whole
