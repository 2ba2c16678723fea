"""Every printed time says its zone: agendas, PDFs, calendar text, CSV, report, signs, changes.

The fixture is a Catalonia–Boston mission: an in-person partnering day in Boston
(America/New_York) and a virtual follow-up session held from Madrid (Europe/Madrid).
Boston Bio and Cambridge Rx join from America/New_York, BCN Bio from Europe/Madrid.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from helpers.ics_support import MISSION, SCHEDULE_V2
from icalendar import Calendar
from test_html import text_of

from cli import cli
from scheduler.export import ExportOptions, export
from scheduler.load.loader import load_mission
from scheduler.meaning.clock import span
from scheduler.plan.replan import where
from scheduler.schedule import read_schedule

FIXTURE = Path(__file__).parent / "fixtures_zones"
# A wall-clock time ('09:00', or a span '09:00–09:30') NOT followed by a zone: an
# abbreviation ('EDT'), an offset name ('UTC+05:30') or a numeric offset ('-0400').
UNZONED = re.compile(r"(?<![\d:])\d\d:\d\d(?:–\d\d:\d\d)?+"
                     r"(?! (?:[A-Z]{2,5}|UTC[+-]\d\d(?::\d\d)?|[+-]\d{4})\b)")


def export_zones(target: Path, formats: tuple[str, ...]) -> Path:
    """The fixture exported into target in the given formats."""
    folder, _ = load_mission(FIXTURE)
    export(folder, read_schedule(FIXTURE), target, ExportOptions(formats=formats))
    return target


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """Every format but PDF (WeasyPrint's rendering is `external`) exported from the fixture."""
    return export_zones(tmp_path_factory.mktemp("zones"), ("ics", "html", "csv"))


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """Every format, PDF included, exported from the fixture."""
    return export_zones(tmp_path_factory.mktemp("printed"), ("ics", "html", "pdf", "csv"))


def descriptions(path: Path) -> dict[str, str]:
    """SUMMARY -> DESCRIPTION of each event of a calendar (the last one of a summary)."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["SUMMARY"]) + f" @ {e.decoded('DTSTART')}": str(e.get("DESCRIPTION", ""))
            for e in calendar.walk("VEVENT")}


def pdf_text(path: Path) -> str:
    """The text of a PDF as pdftotext reads it, whitespace collapsed."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext missing: apt-get install poppler-utils")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(text.split())


def in_order(text: str, *parts: str) -> bool:
    """Whether every part occurs in the text, in this order."""
    at = -1
    for part in parts:
        at = text.find(part, at + 1)
        if at < 0:
            return False
    return True


def test_boston_agenda_shows_the_madrid_video_meeting_at_nine_boston_time(out):
    text = text_of(out / "agendas/boston-bio.html")
    assert in_order(text, "Friday 14 May 2027", "09:00–09:30 EDT", "15:00–15:30 CEST in Madrid",
                    "BCN Bio S.L.")
    assert "15:00–15:30 CEST MEETING" not in text
    assert "online meetings in your zone (America/New_York)" in text


def test_in_person_meetings_and_items_are_in_the_venues_time_for_everyone(out):
    madrid = text_of(out / "agendas/bcn-bio.html")
    assert in_order(madrid, "Monday 10 May 2027", "18:00–20:00 EDT", "Welcome reception",
                    "Tuesday 11 May 2027", "09:00–09:30 EDT", "Boston Bio Inc.")
    # Read from Madrid, the Madrid session's meetings are in Madrid time with Boston's after.
    assert in_order(madrid, "Friday 14 May 2027", "05:00–05:30 CEST",
                    "Thu 23:00–23:30 EDT in New York", "15:00–15:30 CEST",
                    "09:00–09:30 EDT in New York")


def test_day_heading_follows_the_readers_zone(out):
    text = text_of(out / "agendas/cambridge-rx.html")
    assert in_order(text, "Thursday 13 May 2027", "23:00–23:30 EDT",
                    "Fri 05:00–05:30 CEST in Madrid", "BCN Bio S.L.")
    assert text.count("Friday 14 May 2027") == 1  # in the mission's dates, not as a day


def test_every_time_in_the_agendas_carries_a_zone(out):
    pages = sorted(out.glob("agendas/*.html"))
    assert len(pages) == 3
    for page in pages:
        text = text_of(page)
        assert re.search(r"\d\d:\d\d", text), page
        assert UNZONED.findall(text) == [], page.name


@pytest.mark.external
def test_pdf_agenda_shows_both_local_times_and_zones_everywhere(printed):
    text = pdf_text(printed / "agendas/boston-bio.pdf")
    assert in_order(text, "Friday 14 May 2027", "09:00–09:30 EDT", "15:00–15:30 CEST")
    for path in sorted(printed.glob("agendas/*.pdf")):
        assert UNZONED.findall(pdf_text(path)) == [], path.name


def test_calendar_text_gives_the_readers_time_first_and_the_sessions(out):
    boston = descriptions(out / "companies/boston-bio.ics")
    [video] = [d for s, d in boston.items() if "2027-05-14" in s]
    assert "Time: 2027-05-14 09:00–09:30 EDT · 15:00–15:30 CEST in Madrid" in video
    madrid = descriptions(out / "companies/bcn-bio.ics")
    assert any("Time: 2027-05-14 05:00–05:30 CEST · Thu 23:00–23:30 EDT in New York" in d
               for d in madrid.values())
    organiser = descriptions(out / "organiser.ics")
    assert any("Time: 2027-05-14 15:00–15:30 CEST in Madrid · 09:00–09:30 EDT in New York" in d
               for d in organiser.values())


def test_every_time_in_every_calendar_text_carries_a_zone(out):
    calendars = sorted(out.rglob("*.ics"))
    assert len(calendars) >= 6
    for path in calendars:
        for summary, text in descriptions(path).items():
            assert UNZONED.findall(text) == [], (path.name, summary)


def test_csv_gives_the_offset_and_each_companys_own_time(out):
    text = (out / "meetings.csv").read_bytes().decode("utf-8-sig")
    rows = {r["meeting"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    video = rows["bcn-bio--boston-bio-2"]
    assert (video["date"], video["start"], video["timezone"], video["utc_offset"]) == (
        "2027-05-14", "15:00", "Europe/Madrid", "UTC+02:00")
    assert video["company_a_time"] == "2027-05-14 15:00–15:30 CEST"
    assert video["company_b_time"] == "2027-05-14 09:00–09:30 EDT"
    late = rows["bcn-bio--cambridge-rx"]
    assert late["company_b_time"] == "2027-05-13 23:00–23:30 EDT"
    in_person = rows["bcn-bio--boston-bio"]
    assert in_person["utc_offset"] == "UTC-04:00"
    assert in_person["company_a_time"] == "2027-05-11 09:00–09:30 EDT"


def test_report_grids_and_signs_name_their_zone_once_per_heading(out):
    report = text_of(out / "report.html")
    assert in_order(report, "Boston partnering day · Tuesday 11 May 2027",
                    "times in EDT (America/New_York)", "09:00")
    assert in_order(report, "Virtual follow-up from Barcelona · Friday 14 May 2027",
                    "times in CEST (Europe/Madrid)", "05:00", "15:00")
    assert in_order(text_of(out / "signage.html"), "Table 1",
                    "Tuesday 11 May 2027 · times in EDT", "09:00–09:30")


@pytest.mark.external
def test_printed_signs_name_their_zone_once_per_heading(printed):
    assert "Tuesday 11 May 2027 · times in EDT" in pdf_text(printed / "signage.pdf")


def test_export_change_list_labels_each_time(tmp_path):
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    runner = CliRunner()
    assert runner.invoke(cli, ["export", str(folder), "-o", str(tmp_path / "o")]).exit_code == 0
    shutil.copy(SCHEDULE_V2, folder / "schedule.json")
    result = runner.invoke(cli, ["export", str(folder), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    moved = [line for line in result.output.splitlines() if "moved" in line]
    assert moved and all("→" in line for line in moved)
    for line in moved:
        assert UNZONED.findall(line) == [], line
    assert "(2016-10-31 14:35 JST → 2016-10-31 16:00 JST)" in result.output


def test_schedule_change_list_labels_each_time():
    folder, _ = load_mission(FIXTURE)
    meetings = {m.id: m for m in read_schedule(FIXTURE).meetings}
    assert where(folder, meetings["bcn-bio--boston-bio-2"]) == \
        "2027-05-14 15:00 CEST follow-up"
    assert where(folder, meetings["bcn-bio--boston-bio"]) == \
        "2027-05-11 09:00 EDT boston-day, Table 1"


def test_an_item_whose_zone_changes_is_listed_as_moved_with_both_zones(tmp_path):
    """Same wall-clock time in another zone is another instant: people must hear it moved."""
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    runner = CliRunner()
    assert runner.invoke(cli, ["export", str(folder), "-o", str(tmp_path / "o")]).exit_code == 0
    mission = folder / "mission.yaml"
    mission.write_text(mission.read_text(encoding="utf-8").replace(
        "timezone: Europe/Berlin}", "timezone: Europe/London}"), encoding="utf-8")
    result = runner.invoke(cli, ["export", str(folder), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "moved Flight Frankfurt" in result.output
    assert "(2016-10-27 13:00 CEST → 2016-10-27 13:00 BST)" in result.output


@pytest.mark.parametrize("zone, expected", [
    ("America/Sao_Paulo", "10:00–10:30 UTC-03"), ("Asia/Kathmandu", "18:45–19:15 UTC+05:45"),
    ("Asia/Kolkata", "18:30–19:00 IST"), ("Europe/London", "14:00–14:30 BST"),
])
def test_a_zone_without_a_letter_abbreviation_is_named_by_its_utc_offset(zone, expected):
    start = datetime(2027, 5, 14, 13, 0, tzinfo=UTC).astimezone(ZoneInfo(zone))
    assert span(start, start + timedelta(minutes=30)) == expected
