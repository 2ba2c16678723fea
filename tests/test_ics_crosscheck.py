"""Every meeting of schedule.json is in the calendars of both companies and of each delegate
who attends it, at the same instant, and in no other company's or person's calendar."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from helpers.ics_support import MISSION, SCHEDULE_V2, events, export_fixture, instant, raw

from scheduler.export.ics.events import make_uid
from scheduler.input.model import MissionFolder
from scheduler.load.loader import load_mission
from scheduler.schedule import Schedule, read_schedule


def expected_holders(folder: MissionFolder, schedule: Schedule) -> dict[str, set[str]]:
    """Meeting UID -> calendar files that must hold it (companies and named delegates)."""
    out: dict[str, set[str]] = {}
    for meeting in schedule.meetings:
        files = {f"companies/{c}.ics" for c in meeting.companies}
        files |= {f"people/{d}.ics" for d in meeting.delegates}
        out[make_uid(folder.mission.id, "meeting", meeting.id)] = files
    return out


def check_meetings_everywhere(folder: MissionFolder, schedule: Schedule, out: Path) -> int:
    """Assert the cross-check over an export folder; returns how many placements it saw."""
    holders = expected_holders(folder, schedule)
    when = {make_uid(folder.mission.id, "meeting", m.id): (instant(m.start), instant(m.end))
            for m in schedule.meetings}
    seen = 0
    for path in sorted(out.glob("companies/*.ics")) + sorted(out.glob("people/*/*.ics")):
        name = path.relative_to(out).as_posix()
        found = {uid: ev for uid, ev in events(raw(path)).items() if ".meeting." in uid}
        live = {uid for uid, ev in found.items() if ev[2] != "CANCELLED"}
        must = {uid for uid, files in holders.items() if name in files}
        assert live == must, f"{name}: has {sorted(live ^ must)} wrongly"
        for uid in must:
            assert found[uid][:2] == when[uid], f"{name}: {uid} at another time"
            seen += 1
    organiser = events(raw(out / "organiser.ics"))
    for uid, (start, end) in when.items():
        assert organiser[uid][:2] == (start, end)
    return seen


def test_first_export_puts_each_meeting_where_it_belongs(tmp_path):
    """Both companies and every attending delegate, at the same instant; nobody else."""
    folder, _ = load_mission(MISSION)
    export_fixture(tmp_path)
    assert check_meetings_everywhere(folder, read_schedule(MISSION), tmp_path) == 20


def test_after_update_the_moved_meeting_moved_everywhere(tmp_path):
    """After the update, live meetings follow the new schedule in every calendar."""
    folder, _ = load_mission(MISSION)
    export_fixture(tmp_path)
    export_fixture(tmp_path, SCHEDULE_V2)
    assert check_meetings_everywhere(folder, read_schedule(SCHEDULE_V2), tmp_path) == 16


def test_instant_helper_reads_offsets():
    """The helper itself: an aware time becomes its UTC minute."""
    assert instant(datetime.fromisoformat("2016-10-31T14:00:00+09:00")) == "2016-10-31T05:00Z"
