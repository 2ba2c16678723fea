"""Shared helpers of the calendar tests (no tests here): the fixture mission, exports, parsing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from scheduler.export import ExportOptions, export
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

FIXTURES = Path(__file__).parent.parent / "fixtures"
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


# --- independent consumers -------------------------------------------------------------


def consume_icalendar(text: str) -> int:
    """icalendar parses it, and every TZID has its VTIMEZONE; returns the events."""
    calendar = Calendar.from_ical(text)
    assert calendar.walk("VEVENT"), "no events"
    assert not calendar.get_missing_tzids()
    return len(calendar.walk("VEVENT"))


def consume_ical(text: str) -> int:
    """The strict `ical` parser reads every event; returns how many."""
    from ical.calendar_stream import IcsCalendarStream

    return len(IcsCalendarStream.calendar_from_ics(text).events)


def consume_vobject(text: str) -> int:
    """vobject reads it with validation and can write it back; returns the events."""
    import vobject

    calendar = vobject.readOne(text, validate=True)
    calendar.serialize()
    return len(calendar.vevent_list)


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def radicale_server(root: Path) -> Iterator[str]:
    """A Radicale CalDAV server on 127.0.0.1 (no auth), storing under root; yields its URL."""
    import socket
    import time

    port = free_port()
    command = [sys.executable, "-m", "radicale", "--config", "",
               "--server-hosts", f"127.0.0.1:{port}", "--storage-filesystem-folder", str(root),
               "--auth-type", "none", "--rights-type", "authenticated",
               "--logging-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):  # wait for it to listen (not a timing assertion)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("radicale exited at start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def caldav(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, str]:
    """One CalDAV request as user 'test'; returns status and body."""
    import base64
    import urllib.request

    headers = {"Authorization": "Basic " + base64.b64encode(b"test:test").decode()}
    if data is not None:
        headers["Content-Type"] = "text/calendar; charset=utf-8"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read().decode("utf-8")


def radicale_roundtrip(base: str, files: list[Path], root: Path) -> None:
    """PUT each file as a collection; GET returns the same UIDs, instants and statuses."""
    for number, path in enumerate(files):
        text = raw(path)
        url = f"{base}/test/c{number}/"
        status, _ = caldav(url, "PUT", text.encode("utf-8"))
        assert status in (200, 201), f"{path}: PUT gave {status}"
        status, body = caldav(url)
        assert status == 200
        assert events(body) == events(text), f"{path.relative_to(root)} came back different"


KHAL_CONFIG = """[calendars]
{calendars}
[locale]
local_timezone = {zone}
default_timezone = {zone}
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = {root}/khal.db
"""


def khal(config: Path, *args: str) -> str:
    """Run khal in-process with a config file; returns its output."""
    import icalendar
    from click.testing import CliRunner
    from khal.cli import main_khal  # switches icalendar to pytz, process-wide

    icalendar.use_pytz()
    try:
        result = CliRunner().invoke(main_khal, ["-c", str(config), *args])
    finally:
        icalendar.use_zoneinfo()  # leave other tests icalendar's default
    assert result.exit_code == 0, f"khal {args[0]} failed: {result.output} {result.exception}"
    return result.output


def khal_expected(text: str, zone: str) -> set[tuple[str, str]]:
    """(UID, start) of every event as khal should show it in a local zone."""
    out = set()
    for event in Calendar.from_ical(text).walk("VEVENT"):
        start = event.decoded("DTSTART")
        shown = start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") \
            if isinstance(start, datetime) else start.isoformat()
        out.add((str(event["UID"]), shown))
    return out


def khal_roundtrip(files: list[Path], root: Path, zone: str, first: date, days: int) -> None:
    """Import each file into a khal of its own; `khal list` shows the right local starts.

    One configuration per file: khal syncs every configured calendar on each run.
    """
    import json

    for number, path in enumerate(files):
        home = root / f"k{number}"
        (home / "cal").mkdir(parents=True)
        config = home / "config"
        section = f"[[c]]\npath = {home / 'cal'}\ntype = calendar\n"
        config.write_text(KHAL_CONFIG.format(calendars=section, zone=zone, root=home))
        khal(config, "import", "--batch", "-a", "c", str(path))
        output = khal(config, "list", "--once", "--json", "uid", "--json", "start",
                      first.isoformat(), f"{days}d")
        shown = {(e["uid"], e["start"]) for line in output.splitlines() if line.strip()
                 for e in json.loads(line)}
        assert shown == khal_expected(raw(path), zone), f"khal shows {path} differently"
