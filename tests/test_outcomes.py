"""mission attendance and mission impact on the Japan seed, with a sheet filled as a table
host would (no-shows of both sides, a cancellation, a walk-in): the figures equal an
independent recount, bad sheets are refused cell by cell with nothing written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import cli
from tests.helpers.attendance_kit import copy_seed, fill, recount

RUNNER = CliRunner()


def run(*args: str) -> tuple[int, str]:
    """Run the CLI; its exit code and output."""
    result = RUNNER.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def japan(tmp_path_factory):
    """The Japan seed with a printed workbook, the filled copy imported, and the report
    figures (no PDF: the external tests render it)."""
    from scheduler.outcomes.report import write_impact

    folder = copy_seed(tmp_path_factory.mktemp("japan") / "japan")
    code, output = run("attendance", str(folder), "--format", "xlsx")
    assert code == 0, output
    fill(folder / "attendance.xlsx", folder / "filled.xlsx")
    code, output = run("attendance", str(folder), "--import", str(folder / "filled.xlsx"))
    assert code == 0, output
    figures, _ = write_impact(folder, folder / "impact", pdf=False)
    return folder, figures


def test_every_figure_equals_an_independent_recount(japan):
    folder, _ = japan
    figures = json.loads((folder / "impact" / "impact.json").read_text(encoding="utf-8"))
    count = recount(folder, folder / "filled.xlsx")
    meetings = figures["meetings"]
    for key in ("planned", "requested", "held", "no_shows", "cancelled", "walk_ins",
                "recorded", "follow_ups"):
        assert meetings[key] == count[key], key
    assert meetings["no_shows"] >= 3 and meetings["walk_ins"] == 1 and meetings["cancelled"]
    assert meetings["held_with_walk_ins"] == count["held"] + count["walk_ins"]
    assert figures["no_show_rate"]["by_side"] == count["no_show_rate"]
    people = figures["participants"]
    assert (people["companies"], people["delegates"]) == (count["companies"], count["delegates"])
    assert {s: v["companies"] for s, v in people["by_side"].items()} == count["by_side"]
    assert {c: v["companies"] for c, v in people["by_country"].items()} == count["by_country"]
    assert figures["meetings_per_company_distribution"] == count["distribution"]
    assert {f"{p['a']}-{p['b']}": p["meetings"] for p in figures["country_pairs"]} == \
        count["country_pairs"]
    rows = figures["per_session_day"]
    assert {f"{r['session']} {r['day']}": r["planned"] for r in rows} == count["planned_per_day"]
    assert {f"{r['session']} {r['day']}": r["held_with_walk_ins"] for r in rows
            if r["held_with_walk_ins"]} == count["held_per_day"]
    assert (figures["wishes"]["wished"], figures["wishes"]["met"]) == \
        (count["wished"], count["wishes_met"])


def test_session_days_add_up_to_the_totals_and_say_what_is_not_recorded(japan):
    _, figures = japan
    rows, meetings = figures["per_session_day"], figures["meetings"]
    for key in ("held", "no_shows", "cancelled", "not_recorded", "walk_ins",
                "held_with_walk_ins"):
        assert sum(r[key] for r in rows) == meetings[key], key
    for row in rows[1:]:  # only the Osaka tab is filled in
        assert row["not_recorded"] == row["planned"] and row["held"] == 0


def test_the_rates_and_countries_a_funder_asks_for(japan):
    folder, figures = japan
    count = recount(folder, folder / "filled.xlsx")
    meetings = figures["meetings"]
    held = count["held"] + count["walk_ins"]
    assert meetings["follow_up_rate"] == round(count["follow_ups"] / held, 4)
    expected = count["recorded"] - count["cancelled"]
    assert meetings["no_show_rate"] == round(count["no_shows"] / expected, 4)
    assert figures["participants"]["countries"] == len(count["by_country"]) == 5


def test_the_csv_holds_the_same_figures(japan):
    folder, figures = japan
    lines = (folder / "impact" / "impact.csv").read_text(encoding="utf-8").splitlines()
    values = dict(line.split(",", 1) for line in lines[1:])
    assert values["meetings.held"] == str(figures["meetings"]["held"])
    assert values["meetings.walk_ins"] == "1"
    first = figures["per_session_day"][0]
    assert values[f"per_session_day.{first['session']}.{first['day']}.planned"] == \
        str(first["planned"])


def test_outcomes_yaml_records_no_shows_walk_ins_and_keeps_comments_on_reimport(japan):
    folder, _ = japan
    path = folder / "outcomes.yaml"
    text = path.read_text(encoding="utf-8")
    assert "status: no-show" in text and "status: cancelled" in text
    assert "start: '2016-10-11T17:45:00+09:00'" in text  # the walk-in, with its offset
    path.write_text("# checked by the Osaka desk\n" + text, encoding="utf-8")
    code, output = run("attendance", str(folder), "--import", str(folder / "filled.xlsx"))
    assert code == 0 and "0 new walk-in(s)" in output
    again = path.read_text(encoding="utf-8")
    assert again.startswith("# checked by the Osaka desk\n")
    assert again.count("companies:") == 1  # the same walk-in is not recorded twice


def test_workbook_has_a_tab_per_session_day_with_dropdowns_and_repeatable_bytes(tmp_path):
    folder = copy_seed(tmp_path / "japan")
    run("attendance", str(folder), "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    run("attendance", str(folder), "--format", "xlsx", "-o", str(tmp_path / "b.xlsx"))
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    book = load_workbook(tmp_path / "a.xlsx")
    assert len(book.sheetnames) == 5 and book.sheetnames[-1] == "Companies"
    tab = book.worksheets[1]
    assert tab["B2"].value == "bioxclusters-japan-2016" and tab["H2"].value == "2016-10-12"
    assert tab["B5"].value.endswith("JST")  # times with their zone
    lists = {str(rule.sqref).split(":")[0][0]: rule.formula1
             for rule in tab.data_validations.dataValidation}
    assert lists["G"] == '"yes,no"' and lists["H"] == '"A,B,both"'
    assert lists["D"] == "'Companies'!$B$2:$B$46"  # the 45 companies' names
    setup = tab.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert tab.sheet_properties.pageSetUpPr.fitToPage and tab.print_title_rows == "$4:$4"


def test_bad_sheets_are_refused_by_cell_all_at_once_and_nothing_written(japan, tmp_path):
    folder, _ = japan
    before = (folder / "outcomes.yaml").read_bytes()
    book = load_workbook(folder / "filled.xlsx")
    osaka, yokohama = book.worksheets[0], book.worksheets[1]
    osaka["G5"], osaka["H5"] = "maybe", None
    osaka["A6"] = "nobody--nowhere"
    yokohama["B2"] = "another-mission"
    last = osaka.max_row + 1
    for column, value in ((2, "13:30"), (3, "Table 1"), (4, "cardioptica"), (5, "Acme Ltd")):
        osaka.cell(last, column, value)
    for column, value in ((2, "13:40"), (3, "Table 1"), (4, "glykotech"), (5, "aoba-medical")):
        osaka.cell(last + 1, column, value)
    book.save(tmp_path / "bad.xlsx")
    code, output = run("attendance", str(folder), "--import", str(tmp_path / "bad.xlsx"))
    tab = book.sheetnames[0]
    assert code == 1
    assert f"bad.xlsx:{tab}!G5: error: 'maybe': write yes or no" in output
    assert f"bad.xlsx:{tab}!A6: error: no meeting 'nobody--nowhere'" in output
    assert f"bad.xlsx:{book.sheetnames[1]}!B2: error: a sheet of mission 'another-mission'" \
        in output
    assert f"bad.xlsx:{tab}!E{last}: error: no company 'Acme Ltd'" in output
    assert f"bad.xlsx:{tab}!B{last + 1}: error: Table 1 is taken at 13:40" in output
    assert "Traceback" not in output
    assert (folder / "outcomes.yaml").read_bytes() == before


def test_a_sheet_of_a_re_planned_schedule_is_refused(japan, tmp_path):
    folder, _ = japan
    other = copy_seed(tmp_path / "replanned")
    schedule = json.loads((other / "schedule.json").read_text(encoding="utf-8"))
    schedule["inputs"]["mission.yaml"] = "0" * 64
    (other / "schedule.json").write_text(json.dumps(schedule), encoding="utf-8")
    code, output = run("attendance", str(other), "--import", str(folder / "filled.xlsx"))
    assert code == 1 and "!D2: error: printed from another schedule" in output
    assert not (other / "outcomes.yaml").exists()


def test_a_tab_saved_as_csv_imports_like_the_workbook(japan, tmp_path):
    import csv

    folder, _ = japan
    other = copy_seed(tmp_path / "csv")
    tab = load_workbook(folder / "filled.xlsx").worksheets[0]
    with open(tmp_path / "osaka.csv", "w", encoding="cp1252", errors="replace",
              newline="") as out:
        csv.writer(out, delimiter=";").writerows(
            [["" if v is None else v for v in row] for row in tab.iter_rows(values_only=True)])
    code, output = run("attendance", str(other), "--import", str(tmp_path / "osaka.csv"))
    assert code == 0, output
    recorded = (folder / "outcomes.yaml").read_text(encoding="utf-8")
    assert (other / "outcomes.yaml").read_text(encoding="utf-8") == \
        recorded.removeprefix("# checked by the Osaka desk\n")  # another test's comment


def test_a_bad_csv_cell_is_named_by_line_and_column(japan, tmp_path):
    folder, _ = japan
    rows = [["", "Attendance"], ["mission", "bioxclusters-japan-2016", "schedule", "x"]]
    (tmp_path / "bad.csv").write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    code, output = run("attendance", str(folder), "--import", str(tmp_path / "bad.csv"))
    assert code == 1 and "bad.csv:2:4: error: printed from another schedule" in output


def test_outcomes_yaml_errors_have_positions(japan, tmp_path):
    from scheduler.errors import InputError
    from scheduler.outcomes.report import write_impact

    folder, _ = japan
    other = copy_seed(tmp_path / "typo")
    text = (folder / "outcomes.yaml").read_text(encoding="utf-8")
    (other / "outcomes.yaml").write_text(text.replace("status: held", "status: hled", 1)
                                         .replace("follow_up:", "folow_up:", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        write_impact(other, None, pdf=False)
    shown = [str(p) for p in caught.value.problems]
    assert any("outcomes.yaml:" in s and "folow_up" in s for s in shown), shown
    assert all(s.split(":")[1].isdigit() for s in shown), shown
    assert not (other / "impact").exists()


def test_without_outcomes_the_report_shows_the_plan(tmp_path):
    folder = copy_seed(tmp_path / "plan")
    from scheduler.outcomes.report import write_impact

    figures, _ = write_impact(folder, None, pdf=False)
    assert figures["outcomes"] is False and figures["meetings"]["held"] is None
    assert figures["meetings"]["planned"] == 88
    html = (folder / "impact" / "impact.html").read_text(encoding="utf-8")
    assert "this report shows the plan, planned figures only" in html
    assert sum(n for _, n in figures["meetings_per_company_distribution"]) == 45


def test_charts_are_repeatable_svg_in_grey(japan):
    from scheduler.outcomes.charts import all_charts

    _, figures = japan
    first, second = all_charts(figures), all_charts(figures)
    assert first == second and set(first) == {"per_day", "countries", "per_company"}
    for svg in first.values():
        assert svg.startswith("<svg ") and "<dc:date>" not in svg
        colours = {c.lower() for c in __import__("re").findall(r"#([0-9a-fA-F]{6})", svg)}
        assert all(c[0:2] == c[2:4] == c[4:6] for c in colours), colours  # greys only


def test_the_heat_map_counts_read_as_large_as_its_labels(japan):
    import re

    from scheduler.outcomes.charts import heat_map

    _, figures = japan
    svg = heat_map(figures["country_pairs"])
    sizes = {text: float(size) for size, text in
             re.findall(r'<text style="font-size: ([\d.]+)px[^>]*>([^<]+)</text>', svg)}
    counts = [sizes[str(p["meetings"])] for p in figures["country_pairs"]]
    assert min(counts) >= sizes["JP"] and sizes["country"] == sizes["JP"]


def test_a_company_named_like_a_formula_stays_text_in_the_workbook(tmp_path):
    folder = copy_seed(tmp_path / "japan")
    path = folder / "companies" / "cardioptica.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "name: Cardiòptica Medical S.L.", "name: '=HYPERLINK(\"http://x.example\",\"y\")'"),
        encoding="utf-8")
    code, output = run("attendance", str(folder), "--format", "xlsx")
    assert code == 0, output
    book = load_workbook(folder / "attendance.xlsx")
    cells = [c for tab in book.worksheets for row in tab.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_report_files_are_repeatable(japan, tmp_path):
    from scheduler.outcomes.report import write_impact

    folder, _ = japan
    write_impact(folder, tmp_path / "again", pdf=False)
    for name in ("impact.html", "impact.json", "impact.csv"):
        assert (tmp_path / "again" / name).read_bytes() == \
            (folder / "impact" / name).read_bytes(), name


def test_usage_mistakes_are_named(japan, tmp_path):
    folder, _ = japan
    result = RUNNER.invoke(cli, ["attendance", str(folder), str(folder / "filled.xlsx")])
    assert result.exit_code == 2 and "give the filled sheets after --import" in result.output
    result = RUNNER.invoke(cli, ["attendance", str(folder), "--format", "docx"])
    assert result.exit_code == 2 and "'docx': give xlsx, pdf or xlsx,pdf" in result.output
    bare = copy_seed(tmp_path / "bare")
    (bare / "schedule.json").unlink()
    result = RUNNER.invoke(cli, ["impact", str(bare)])
    assert result.exit_code == 1 and "no schedule yet" in result.output
    assert "Traceback" not in result.output and not (bare / "impact").exists()
