"""`mission export`, the export dispatcher and safe file names."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.ics_support import MISSION, SCHEDULE_V2, export_fixture

from cli import cli
from scheduler.errors import ExportError
from scheduler.export import (
    ExportOptions,
    ExportResult,
    export,
    parse_alarm,
    parse_formats,
    report_lines,
)
from scheduler.export.ics.writer import ItemChange
from scheduler.export.names import inside, slug, unique_slugs
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule


def run(*args: str):
    """Run the CLI in-process."""
    return CliRunner().invoke(cli, list(args))


def test_export_writes_every_calendar_and_an_index(tmp_path):
    """Organiser, 3 clusters, 5 companies, 6 people, plus README.md saying whom to send what."""
    result = run("export", str(MISSION), "-o", str(tmp_path / "out"), "--alarm", "10m")
    assert result.exit_code == 0, result.output
    written = [line for line in result.output.splitlines() if line.startswith("wrote ")]
    assert len(written) == 16
    index = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "| [people/genomix-bcn/laura-puig.ics](people/genomix-bcn/laura-puig.ics) |" in index
    assert "Laura Puig &lt;laura.puig@example.com&gt;" in index  # shows as <...>
    assert "first export" in result.output


def test_second_export_prints_what_changed_for_whom(tmp_path):
    """After a re-plan the command names the people whose meetings moved or were cancelled."""
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    out = tmp_path / "out"
    assert run("export", str(folder), "-o", str(out)).exit_code == 0
    shutil.copy(SCHEDULE_V2, folder / "schedule.json")
    result = run("export", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Jürgen Groß (Munich NeuroScience GmbH): moved Meeting with" in result.output
    assert "王芳 (上海医疗科技有限公司): cancelled Meeting with Genomix" in result.output


def test_a_second_export_says_which_files_it_left_unchanged(tmp_path):
    """Exporting again lists as written only the files whose bytes changed."""
    folder, out = tmp_path / "mission", tmp_path / "out"
    shutil.copytree(MISSION, folder)
    assert run("export", str(folder), "-o", str(out)).exit_code == 0
    again = run("export", str(folder), "-o", str(out))
    assert again.exit_code == 0, again.output
    lines = again.output.splitlines()
    assert not [line for line in lines if line.startswith("wrote ")], again.output
    assert sum(line.startswith("unchanged ") for line in lines) == 16
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    shutil.copy(SCHEDULE_V2, folder / "schedule.json")
    moved = run("export", str(folder), "-o", str(out))
    assert moved.exit_code == 0, moved.output
    said = {line.split(" ", 1)[0]: set() for line in moved.output.splitlines()}
    for line in moved.output.splitlines():
        said[line.split(" ", 1)[0]].add(Path(line.split(" ", 1)[1]))
    changed = {p for p, data in before.items() if p.read_bytes() != data
               and p.name != ".export-state.json"}
    assert said["wrote"] == changed and changed
    assert said["unchanged"] == {p for p in before if p not in changed} - \
        {out / ".export-state.json"}


def test_default_output_folder_is_calendars_mission_id(tmp_path, monkeypatch):
    """Without -o the calendars go to calendars/<mission-id>/."""
    monkeypatch.chdir(tmp_path)
    assert run("export", str(MISSION)).exit_code == 0
    assert (tmp_path / "calendars" / "fixture-japan" / "organiser.ics").is_file()


@pytest.mark.parametrize("command", ["export", "plan"])
@pytest.mark.parametrize("args, message", [
    (["--format", "docx"], "unknown format docx"),
    (["--format", "ics,docx"], "unknown format docx"),
    (["--alarm", "soon"], "'soon' is not a duration"),
    (["--alarm", "0m"], "between 1 minute"),
    (["--csv-separator", "x"], "'x' is not a CSV separator"),
    (["--csv-separator", "tabs"], "'tabs' is not a CSV separator"),
])
def test_bad_options_are_usage_errors(tmp_path, command, args, message):
    """A bad option value is a usage error: exit status 2, the option named, nothing written."""
    folder, out = tmp_path / "mission", tmp_path / "out"
    shutil.copytree(MISSION, folder)  # `plan` writes schedule.json when it runs
    before = (folder / "schedule.json").read_bytes()
    result = CliRunner().invoke(cli, [command, str(folder), "-o", str(out), *args])
    assert result.exit_code == 2, result.output
    assert (folder / "schedule.json").read_bytes() == before
    assert f"Invalid value for '{args[0]}'" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_tab_names_a_tab_separator(tmp_path):
    """`--csv-separator tab` writes tab-separated CSV."""
    result = run("export", str(MISSION), "-o", str(tmp_path), "--format", "csv",
                 "--csv-separator", "tab")
    assert result.exit_code == 0, result.output
    header = next(tmp_path.glob("*.csv")).read_text(encoding="utf-8-sig").splitlines()[0]
    assert "\t" in header and "," not in header


def test_missing_schedule_is_a_clear_error(tmp_path):
    """A mission without schedule.json says to run `mission schedule` first."""
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    (folder / "schedule.json").unlink()
    result = run("export", str(folder), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "run `mission schedule" in result.output
    assert not (tmp_path / "out").exists()


def test_state_of_another_mission_is_refused(tmp_path):
    """Exporting into a folder holding another mission's calendars is refused."""
    export_fixture(tmp_path)
    state = tmp_path / ".export-state.json"
    state.write_text(state.read_text().replace('"fixture-japan"', '"other-mission"', 1))
    with pytest.raises(ExportError, match="other-mission"):
        export_fixture(tmp_path)


def test_a_missing_format_module_is_an_export_error(tmp_path, monkeypatch):
    """When a format's module cannot be imported, the error names the format."""
    monkeypatch.setitem(sys.modules, "scheduler.export.csv", None)
    folder, _ = load_mission(MISSION)
    with pytest.raises(ExportError, match="csv export is not available"):
        export(folder, read_schedule(MISSION), tmp_path, ExportOptions(formats=("csv",)))


def test_schedule_of_another_mission_is_refused(tmp_path):
    """A schedule.json made for another mission is not exported."""
    folder, _ = load_mission(MISSION)
    schedule = read_schedule(MISSION).model_copy(update={"mission": "elsewhere"})
    with pytest.raises(ExportError, match="elsewhere"):
        export(folder, schedule, tmp_path, ExportOptions())


@pytest.mark.parametrize("text, minutes", [("10m", 10), ("1h", 60), ("1h30m", 90), ("15", 15),
                                           (None, None), ("none", None)])
def test_alarm_durations(text, minutes):
    """Reminder durations as people write them."""
    assert parse_alarm(text) == minutes


def test_formats():
    """'all' means every format, in a fixed order; duplicates collapse."""
    assert parse_formats("all") == ("ics", "html", "pdf", "csv")
    assert parse_formats("csv, ics,ics") == ("ics", "csv")


@pytest.mark.parametrize("text", ["../../etc/passwd", "/etc/passwd", "..", ".", "a/../../b",
                                  "C:\\Windows\\system32", "con", "NUL", "", "   ", "\x00x"])
def test_slugs_never_escape_or_vanish(text, tmp_path):
    """Whatever a name contains, its slug is a plain, non-empty name inside OUT."""
    part = slug(text)
    assert part and "/" not in part and "\\" not in part and part not in (".", "..")
    assert part.lower() not in ("con", "nul")
    assert inside(tmp_path, f"{part}.ics").parent == tmp_path


def test_slugs_keep_names_apart():
    """Names that fold to the same slug (or to none) still get distinct files."""
    names = ["Biocat", "BIOCAT", "bio cat", "Bio-Cat", "東京", "大阪", "Łódź", "Lodz"]
    slugs = unique_slugs(names)
    assert len(set(slugs.values())) == len(names)
    assert unique_slugs(reversed(names)) == slugs
    assert slug("Jürgen Groß") == "jurgen-gross"


def test_inside_refuses_traversal(tmp_path):
    """A relative name that climbs out of OUT is refused."""
    for name in ("../x.ics", "a/../../x.ics", "/tmp/x.ics"):
        with pytest.raises(ExportError):
            inside(tmp_path, name)


def test_index_keeps_calendars_when_only_another_format_is_exported(tmp_path, monkeypatch):
    """A later agenda-only export lists the earlier calendars in README.md and adds its files."""
    export_fixture(tmp_path)

    def write_csv(folder, schedule, out, options):
        path = out / "meetings.csv"
        path.write_text("a;b\n")
        return [path]

    fake = type(sys)("scheduler.export.csv")
    fake.write_csv = write_csv
    monkeypatch.setitem(sys.modules, "scheduler.export.csv", fake)
    folder, _ = load_mission(MISSION)
    export(folder, read_schedule(MISSION), tmp_path, ExportOptions(formats=("csv",)))
    index = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "[organiser.ics](organiser.ics)" in index and "[meetings.csv](meetings.csv)" in index


def test_schedule_with_a_vanished_session_is_refused(tmp_path):
    """Meetings in a session mission.yaml no longer has: a clear error, not a crash."""
    folder, _ = load_mission(MISSION)
    schedule = read_schedule(MISSION)
    schedule.meetings[0].session = "gone-session"
    with pytest.raises(ExportError, match="gone-session"):
        export(folder, schedule, tmp_path, ExportOptions())


def test_a_large_export_prints_a_summary_and_verbose_lists_every_file(tmp_path):
    japan = Path(__file__).parent.parent / "seeds" / "bioxclusters-japan-2016"
    result = run("export", str(japan), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if not x.startswith("warning:")]
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert len(files) == 102  # 101 and the export state, which is not for anyone
    assert lines[0] == f"wrote 101 files to {tmp_path / 'out'}; see " \
                       f"{tmp_path / 'out' / 'README.md'} for whom to send each to"
    assert len(lines) == 2 and "first export" in lines[1]
    result = run("export", str(japan), "-o", str(tmp_path / "again"), "--verbose")
    assert sum(line.startswith("wrote ") for line in result.output.splitlines()) == 101
    result = run("export", str(japan), "-o", str(tmp_path / "out"))
    assert result.output.splitlines()[-2] == f"wrote 0 files (101 unchanged) to " \
        f"{tmp_path / 'out'}; see {tmp_path / 'out' / 'README.md'} for whom to send each to"


def test_past_fifty_changed_calendars_the_rest_are_counted():
    changes = [ItemChange(f"people/p{i}.ics", f"Person {i}", "Meeting with X", "cancelled")
               for i in range(53)]
    result = ExportResult(paths=[Path("out/organiser.ics")], changes=changes, first=False)
    lines = report_lines(result, Path("out"))
    assert lines[0] == "wrote out/organiser.ics"
    assert lines[1] == "Person 0: cancelled Meeting with X"
    assert lines[-1] == "... and 3 more calendars changed (--verbose lists them all)"
    assert len(lines) == 52
    assert len(report_lines(result, Path("out"), verbose=True)) == 54
