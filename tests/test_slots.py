"""Slots from sessions, time zones and DST, availability, time groups, idle slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpers.solver_kit import company, folder, mission

from scheduler.meaning import as_utc, item_block, session_zone
from scheduler.meaning.slots import (
    availability,
    build_slots,
    idle_and_holes,
    time_groups,
)


def test_windows_meeting_length_and_changeover():
    m = mission()
    m["partnering"][0].update(windows=["14:00-15:30", "16:00-17:00"], meeting_minutes=25,
                              changeover_minutes=5)
    slots = build_slots(folder(m, []).mission)
    assert [f"{s.start:%H:%M}-{s.end:%H:%M}" for s in slots] == [
        "14:00-14:25", "14:30-14:55", "15:00-15:25", "16:00-16:25", "16:30-16:55"]
    assert [s.position for s in slots] == [0, 1, 2, 3, 4]
    assert all(str(s.start.tzinfo) == "Europe/Madrid" for s in slots)


def test_virtual_session_uses_its_own_zone_and_dst_changes_offsets():
    m = mission(start="2026-03-07", end="2026-03-09")
    m["partnering"] = [{"id": "v", "title": "Online", "virtual": True,
                        "timezone": "America/New_York", "dates": ["2026-03-07", "2026-03-09"],
                        "windows": ["09:00-09:30"], "meeting_minutes": 30,
                        "changeover_minutes": 0}]
    f = folder(m, [])
    assert str(session_zone(f.mission, f.mission.partnering[0])) == "America/New_York"
    slots = build_slots(f.mission)
    assert [s.start.astimezone(UTC).hour for s in slots] == [14, 13]  # EST, then EDT


def test_availability_combines_attendance_periods_programme_and_delegates():
    m = mission(programme=[{"title": "Lunch", "start": "2026-03-10 09:20",
                            "end": "2026-03-10 09:40", "venue": "mad", "attendees": ["hosts"]}])
    two = company("a", delegates=2, unavailable=["2026-03-10 09:00-09:20"])
    two["delegates"][1]["unavailable"] = ["2026-03-10 09:40-10:00"]
    f = folder(m, [two, company("x", "host"), company("y", "host", attends=[])])
    slots = build_slots(f.mission)
    free = availability(f, slots)
    assert free.slots("a") == {1: ["p1", "p2"], 2: ["p1"]}
    assert free.slots("x") == {0: ["p1"], 2: ["p1"]}
    assert free.slots("y") == {}


def test_transfer_start_and_end_in_their_venues_zones():
    m = mission(programme=[{"title": "Flight", "kind": "transfer", "from": "tyo", "to": "mad",
                            "start": "2026-03-10 17:00", "end": "2026-03-10 09:20"}])
    f = folder(m, [])
    start, end = as_utc(item_block(f, f.mission.programme[0]))
    assert start == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 10, 8, 20, tzinfo=UTC)


def test_time_groups_across_sessions():
    m = mission()
    m["partnering"].append({**m["partnering"][0], "id": "s2", "windows": ["09:10-09:50"]})
    slots = build_slots(folder(m, []).mission)
    groups = time_groups(slots)
    by_start = {s.index: (s.session, f"{s.start:%H:%M}") for s in slots}
    named = sorted(sorted(by_start[i] for i in g) for g in groups)
    assert [("s1", "09:00"), ("s2", "09:10")] in named
    assert [("s1", "09:20"), ("s2", "09:10")] in named
    assert all(len(g) == 2 for g in groups)


def test_idle_slots_and_holes_per_company_and_day():
    slots = build_slots(folder(mission(), []).mission)
    t = [s.start for s in slots]
    meetings = [("a", "s1", t[0]), ("a", "s1", t[2]), ("b", "s1", t[1])]
    assert idle_and_holes(meetings, slots) == (1, 1)
    assert idle_and_holes([("a", "s1", t[0]), ("a", "s1", t[0] + timedelta(days=1))],
                          slots) == (0, 0)
