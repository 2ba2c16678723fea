"""meetings.csv: one row per meeting, round-trips through Python's csv, BOM, `;`, no formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from scheduler.errors import ExportError
from scheduler.export import ExportOptions
from scheduler.export.csv import COLUMNS, cell, write_csv
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

FIXTURE = Path(__file__).parent / "fixtures_html"
EVIL = '<script>alert(1)</script> & "Partners"'


@pytest.fixture(scope="module")
def mission():
    """The fixture mission and its hand-written schedule."""
    folder, _ = load_mission(FIXTURE)
    return folder, read_schedule(FIXTURE)


def read_rows(path: Path, separator: str = ",") -> list[dict[str, str]]:
    """Read meetings.csv as Excel-like software would: BOM, then rows."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=separator))


def test_round_trip_same_meetings_as_schedule(mission, tmp_path):
    folder, schedule = mission
    [path] = write_csv(folder, schedule, tmp_path, ExportOptions(formats=("csv",)))
    rows = read_rows(path)
    assert [r["meeting"] for r in rows] == [
        m.id for m in sorted(schedule.meetings, key=lambda m: (m.start, m.id))]
    by_id = {m.id: m for m in schedule.meetings}
    for row in rows:
        meeting = by_id[row["meeting"]]
        assert [row["company_a"], row["company_b"]] == meeting.companies
        assert row["date"] == meeting.start.strftime("%Y-%m-%d")
        assert row["start"] == meeting.start.strftime("%H:%M")
        assert row["end"] == meeting.end.strftime("%H:%M")
        assert row["timezone"] == "Asia/Tokyo"
        assert row["priority"] == meeting.priority
        assert row["mutual"] == ("yes" if meeting.mutual else "no")


def test_columns_and_unicode_names(mission, tmp_path):
    folder, schedule = mission
    [path] = write_csv(folder, schedule, tmp_path, ExportOptions())
    rows = read_rows(path)
    assert tuple(rows[0]) == COLUMNS
    first = rows[0]
    assert first["meeting"] == "genomix-bcn--kansai-bioworks"
    assert first["company_b_name"] == "関西バイオワークス株式会社"
    assert first["delegates_b"] == "山田 太郎"
    assert first["table"] == "Kansai Bioworks booth"
    online = next(r for r in rows if r["session"] == "Online partnering")
    assert online["table"] == "online"
    assert online["video_link"].startswith("https://meet.example.com/")


def test_hostile_name_is_plain_text(mission, tmp_path):
    folder, schedule = mission
    [path] = write_csv(folder, schedule, tmp_path, ExportOptions())
    names = {r["company_a_name"] for r in read_rows(path)} | {
        r["company_b_name"] for r in read_rows(path)}
    assert EVIL in names


def test_semicolon_separator_for_european_excel(mission, tmp_path):
    folder, schedule = mission
    [path] = write_csv(folder, schedule, tmp_path, ExportOptions(csv_separator=";"))
    header = path.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("date;start;end;timezone;")
    rows = read_rows(path, ";")
    assert len(rows) == len(schedule.meetings)
    assert rows[0]["company_a"] == "genomix-bcn"


def test_lines_end_with_crlf_and_output_is_repeatable(mission, tmp_path):
    folder, schedule = mission
    [one] = write_csv(folder, schedule, tmp_path / "a", ExportOptions())
    [two] = write_csv(folder, schedule, tmp_path / "b", ExportOptions())
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes().count(b"\r\n") == len(schedule.meetings) + 1


def test_formula_like_text_is_not_run_by_spreadsheets():
    assert cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("Genomix") == "Genomix"


def test_bad_separator_is_a_clear_error(mission, tmp_path):
    folder, schedule = mission
    with pytest.raises(ExportError, match="separator"):
        write_csv(folder, schedule, tmp_path, ExportOptions(csv_separator=";;"))
