"""Shared helpers of the calendar tests (no tests here): the fixture mission, exports, parsing."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from scheduler.export import ExportOptions, export
from scheduler.loader import load_mission
from scheduler.schedule import read_schedule

FIXTURES = Path(__file__).parent / "fixtures"
MISSION = FIXTURES / "mission"
SCHEDULE_V2 = FIXTURES / "schedule-v2.json"
GOLDEN = FIXTURES / "golden"
UTC = ZoneInfo("UTC")
UPDATE_GOLDEN = bool(os.environ.get("MISSION_UPDATE_GOLDEN"))


def export_fixture(out: Path, schedule: Path = MISSION, alarm: int | None = 10):
    """Export the fixture mission with a given schedule.json into OUT."""
    folder, _ = load_mission(MISSION)
    return export(folder, read_schedule(schedule), out, ExportOptions(alarm_minutes=alarm))


def ics_files(out: Path) -> list[Path]:
    """Every calendar file under OUT, sorted."""
    return sorted(out.rglob("*.ics"))


def instant(value: date | datetime) -> str:
    """A start or end as an instant: UTC for date-times, the date for all-day items."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return value.isoformat()


def events(text: str) -> dict[str, tuple[str, str, str]]:
    """UID -> (start instant, end instant, STATUS) of every VEVENT, read by icalendar."""
    calendar = Calendar.from_ical(text)
    return {str(e["UID"]): (instant(e.decoded("DTSTART")), instant(e.decoded("DTEND")),
                            str(e.get("STATUS", "")))
            for e in calendar.walk("VEVENT")}


def vevent_blocks(text: str) -> dict[str, str]:
    """UID -> the exact text of its VEVENT block, as written."""
    blocks = re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", text, flags=re.S)
    out = {}
    for block in blocks:
        uid = re.search(r"^UID:(.*?)\r\n(?! )", block, flags=re.M | re.S)[1]
        out[uid.replace("\r\n ", "")] = block
    return out


def prop(block: str, name: str) -> str:
    """The (unfolded) value of a property in a VEVENT block."""
    unfolded = block.replace("\r\n ", "")
    match = re.search(rf"^{name}[;:](.*)$", unfolded, flags=re.M)
    return match[1].strip() if match else ""


def raw(path: Path) -> str:
    """A file's text with its CRLF line ends kept."""
    return path.read_bytes().decode("utf-8")
