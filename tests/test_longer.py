"""Longer meetings (`minutes` on a wish or a match): a 60-minute G2B meeting among 30-minute
ones takes two consecutive slots of one window at one table, in the CP-SAT model, the
large-event engine, the checker, the quality figures, re-planning and the exports."""

from __future__ import annotations

import csv
import random
from datetime import timedelta
from pathlib import Path

import pytest
from helpers.solver_kit import company, folder, mission, solve
from icalendar import Calendar

from scheduler.check.rules import RULES, check_schedule, quality_differences
from scheduler.export import export
from scheduler.export.options import ExportOptions
from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import build_requests
from scheduler.schedule import Meeting, Schedule

ENGINES = {"cpsat": {}, "large": {"large_from": 0}}  # large_from=0: the bitset engine
HOUR = timedelta(minutes=60)


def session_mission(windows: str = "09:00-11:20", tables: int = 2) -> dict:
    """mission.yaml with one session of 30-minute meetings and 5 minutes changeover
    (09:00, 09:35, 10:10, 10:45 in the default window)."""
    m = mission()
    m["partnering"][0].update(windows=[windows], meeting_minutes=30, changeover_minutes=5,
                              tables=tables)
    return m


def wish(cid: str, priority: str = "normal", minutes: int | None = None) -> dict:
    """One wants_to_meet item."""
    return {"company": cid, "priority": priority, **({"minutes": minutes} if minutes else {})}


def g2b_mission(tables: int = 2) -> MissionFolder:
    """a must meet the official g for 60 minutes; a, b, c also want 30-minute meetings."""
    return folder(session_mission(tables=tables), [
        company("a", wants=[]) | {"wants_to_meet": [wish("g", "must", 60), wish("x")]},
        company("b", wants=["g", "x", "y"]), company("c", wants=["x", "y", "g"]),
        company("g", "government"), company("x", "host"), company("y", "host")])


def the(schedule: Schedule, mid: str) -> Meeting:
    """The meeting with this id."""
    return next(m for m in schedule.meetings if m.id == mid)


def overlapping(schedule: Schedule, long: Meeting) -> list[Meeting]:
    """The other meetings that overlap a meeting in time."""
    return [m for m in schedule.meetings if m is not long
            and m.start < long.end and long.start < m.end]


@pytest.mark.parametrize("engine", ENGINES)
def test_sixty_minute_g2b_meeting_among_thirty_minute_ones(engine):
    f = g2b_mission()
    schedule = solve(f, time_limit=2.0, **ENGINES[engine])
    long = the(schedule, "a--g")
    assert long.end - long.start == HOUR and long.kind == "g2b"
    assert f"{long.start:%H:%M}" in ("09:00", "09:35", "10:10")  # two slots of the window
    assert check_schedule(f, schedule) == []
    assert quality_differences(f, schedule) == []
    during = overlapping(schedule, long)
    assert during, "the other table is used while the long meeting runs"
    assert all(not {"a", "g"} & set(m.companies) for m in during)
    assert all(m.table != long.table for m in during), "its table stays its own throughout"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_longer_meeting_holds_its_table_and_companies_in_both_slots(engine):
    """Two slots, one table: the must-have hour takes both, so b--x (high) and a--y wait."""
    f = folder(session_mission("09:00-10:05", tables=1), [
        company("a", wants=[]) | {"wants_to_meet": [wish("g", "must", 60), wish("y", "high")]},
        company("b", wants=[("x", "high")]), company("g", "government"),
        company("x", "host"), company("y", "host")])
    schedule = solve(f, time_limit=2.0, **ENGINES[engine])
    assert [m.id for m in schedule.meetings] == ["a--g"]
    assert f"{the(schedule, 'a--g').end:%H:%M}" == "10:00"
    assert {u.request for u in schedule.unplaced} == {"b--x", "a--y"}
    assert check_schedule(f, schedule) == []


def test_idle_slots_count_the_slots_a_longer_meeting_takes():
    """a: an hour with g (09:00-10:00, g is away after 10:00), then x at 10:10: no idle slot."""
    g = company("g", "government", unavailable=["2026-03-10 10:00-12:00"])
    f = folder(session_mission("09:00-10:40", tables=2), [
        company("a", wants=[]) | {"wants_to_meet": [wish("g", "high", 60), wish("x")]},
        g, company("x", "host", unavailable=["2026-03-10 09:00-10:05"])])
    schedule = solve(f, time_limit=2.0)
    assert [(m.id, f"{m.start:%H:%M}") for m in schedule.meetings] == [
        ("a--g", "09:00"), ("a--x", "10:10")]
    assert schedule.quality.idle_slots == 0 and schedule.quality.holes == 0
    assert quality_differences(f, schedule) == []


def test_the_longer_length_wins_when_the_two_sides_differ():
    f = folder(session_mission(), [
        company("a", wants=[]) | {"wants_to_meet": [wish("g", minutes=60)]},
        company("g", "government") | {"wants_to_meet": [wish("a", minutes=90)]}])
    [request] = build_requests(f)
    assert request.minutes == 90
    long = the(solve(f, time_limit=1.0), "a--g")
    assert long.end - long.start == timedelta(minutes=90)


def test_checker_flags_a_wrong_length_and_a_meeting_past_its_window():
    f = g2b_mission()
    schedule = solve(f, time_limit=1.0)
    long = the(schedule, "a--g")
    short = long.model_copy(update={"end": long.start + timedelta(minutes=30)})
    assert [v.message for v in RULES["meeting_shape"](f, _with(schedule, short))] == [
        "lasts 30 minutes; 60 were asked for"]
    start = long.start.replace(hour=10, minute=45)  # the last slot: the hour runs past 11:20
    late = long.model_copy(update={"start": start, "end": start + HOUR})
    [flagged] = RULES["slot_grid"](f, _with(schedule, late))
    assert "runs past the end of its window" in flagged.message


def _with(schedule: Schedule, meeting: Meeting) -> Schedule:
    """The schedule with one meeting replaced (same id)."""
    return schedule.model_copy(update={"meetings": [
        meeting if m.id == meeting.id else m for m in schedule.meetings]})


@pytest.mark.parametrize("engine", ENGINES)
def test_replan_keeps_a_longer_meeting_where_it_was(engine):
    f = g2b_mission()
    first = solve(f, time_limit=1.0, **ENGINES[engine])
    was = the(first, "a--g")
    later = folder(session_mission(), [
        company("a", wants=[]) | {"wants_to_meet": [wish("g", "must", 60), wish("x")]},
        company("b", wants=["g", "x", "y"]), company("c", wants=["x", "y", "g"]),
        company("d", wants=["y", "g"]),  # a late registration
        company("g", "government"), company("x", "host"), company("y", "host")])
    again = solve(later, previous=first, time_limit=1.0, **ENGINES[engine])
    now = the(again, "a--g")
    assert (now.start, now.end, now.table) == (was.start, was.end, was.table)
    assert "a--g" not in {c.meeting for c in again.changes}
    assert check_schedule(later, again, first) == []


def test_calendar_and_csv_show_the_real_end(tmp_path: Path):
    f = g2b_mission()
    schedule = solve(f, time_limit=1.0)
    long = the(schedule, "a--g")
    export(f, schedule, tmp_path, ExportOptions(formats=("ics", "csv")))
    for path in ("companies/a.ics", "people/g/p1.ics"):
        calendar = Calendar.from_ical((tmp_path / path).read_bytes())
        [event] = [e for e in calendar.walk("VEVENT") if e.decoded("DTSTART") == long.start]
        assert event.decoded("DTEND") - event.decoded("DTSTART") == HOUR, path
    text = (tmp_path / "meetings.csv").read_text(encoding="utf-8-sig")
    [row] = [r for r in csv.DictReader(text.splitlines()) if "a--g" in r.values()]
    assert f"{long.end:%H:%M}" in " ".join(row.values())


def test_bad_lengths_are_errors_at_their_minutes_all_at_once(tmp_path: Path):
    """45 is no multiple of 30; 90 (three slots) is longer than the 14:00-15:05 window; a
    match's 50 likewise: each an error at its own `minutes`, in one run, exit 1."""
    from test_validate import GENOMIX, KANSAI, MISSION, validate

    kansai = KANSAI + "wants_to_meet:\n  - company: genomix-bcn\n    minutes: 90\n"
    mission_text = MISSION + ("matches:\n  - companies: [genomix-bcn, kansai-bioworks]\n"
                              "    minutes: 50\n")
    code, lines = validate(tmp_path, mission_text, genomix=GENOMIX + "    minutes: 45\n",
                           kansai=kansai)
    assert code == 1
    errors = [line for line in lines if ": error: " in line]
    assert errors == [
        "companies/genomix-bcn.yaml:13:14: error: minutes: 45 is not a whole number of "
        "meetings in any session genomix-bcn and kansai-bioworks can meet in (meeting minutes "
        "osaka: 30); use 30 or 60",
        "companies/kansai-bioworks.yaml:10:14: error: minutes: 90 is longer than every window "
        "kansai-bioworks and genomix-bcn could meet in (the longest holds 60 minutes of "
        "meetings, in osaka)",
        "mission.yaml:33:14: error: minutes: 50 is not a whole number of meetings in any "
        "session genomix-bcn and kansai-bioworks can meet in (meeting minutes osaka: 30); "
        "use 30 or 60"], lines


def test_a_valid_length_passes_validate(tmp_path: Path):
    from test_validate import GENOMIX, validate

    code, lines = validate(tmp_path, genomix=GENOMIX + "    minutes: 60\n")
    assert code == 0, lines


def test_report_grid_fills_each_slot_of_a_longer_meeting():
    from scheduler.export.report import build_grids, idle_slots

    f = g2b_mission()
    schedule = solve(f, time_limit=1.0)
    long = the(schedule, "a--g")
    [grid] = build_grids(f, schedule)
    filled = [slot for slot in grid.slots
              if any(c.meeting_id == "a--g" for c in grid.at(long.table or "", slot))]
    second = long.start + timedelta(minutes=35)
    assert filled == [f"{long.start:%H:%M}", f"{second:%H:%M}"]
    assert sum(idle_slots(f, schedule, c) for c in f.companies) == schedule.quality.idle_slots


def test_an_unplaced_longer_meeting_says_no_stretch_is_free():
    """g is away 09:30-10:30: every 30-minute slot from 10:45 is free, but no hour is."""
    f = folder(session_mission(), [
        company("a", wants=[]) | {"wants_to_meet": [wish("g", "high", 60)]},
        company("g", "government", unavailable=["2026-03-10 09:30-10:30"])])
    [missing] = solve(f, time_limit=1.0).unplaced
    assert missing.reason.startswith("no 60 minutes in s1 where both are free: g is "
                                     "unavailable 2026-03-10 09:30-10:30"), missing.reason


@pytest.mark.parametrize("engine", ENGINES)
def test_a_programme_item_in_the_changeover_keeps_the_hour_away(engine):
    """A 09:30-09:35 briefing blocks no 30-minute slot but falls inside 09:00-10:00."""
    m = session_mission()
    m["programme"] = [{"title": "Briefing", "start": "2026-03-10 09:30",
                       "end": "2026-03-10 09:35", "venue": "mad", "attendees": ["g"]}]
    f = folder(m, [company("a", wants=[]) | {"wants_to_meet": [wish("g", "high", 60)]},
                   company("g", "government")])
    [long] = solve(f, time_limit=1.0, **ENGINES[engine]).meetings
    assert f"{long.start:%H:%M}" == "09:35" and f"{long.end:%H:%M}" == "10:35"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_parallel_company_holds_an_hour_and_short_meetings_at_once(engine):
    """p has two delegates and meets in parallel: the hour with g takes one of them."""
    f = folder(session_mission("09:00-10:05"), [
        company("p", wants=[], delegates=2, parallel=True)
        | {"wants_to_meet": [wish("g", "high", 60), wish("x"), wish("y")]},
        company("g", "government"), company("x", "host"), company("y", "host")])
    schedule = solve(f, time_limit=1.0, **ENGINES[engine])
    assert len(schedule.meetings) == 3 and check_schedule(f, schedule) == []
    long = the(schedule, "g--p")
    [partner] = [d for d in long.delegates if d.startswith("p/")]
    assert all(partner not in m.delegates for m in overlapping(schedule, long))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_longer_meeting_overlaps_a_slot_of_another_session(engine):
    """s1's hour with g (09:00-10:00) overlaps the 09:35 video call of s2, which does not
    overlap s1's 09:00 slot: a has one or the other, never both."""
    m = session_mission("09:00-10:05")
    m["partnering"].append({"id": "s2", "title": "Calls", "virtual": True,
                            "timezone": "Europe/Madrid", "date": "2026-03-10",
                            "windows": ["09:35-10:05"], "meeting_minutes": 30,
                            "video_link": "https://v.example/{meeting}"})
    f = folder(m, [
        company("a", wants=[]) | {"wants_to_meet": [wish("g", "high", 60), wish("v")]},
        company("g", "government", attends=["s1"]), company("v", "host", attends=["s2"])])
    schedule = solve(f, time_limit=1.0, **ENGINES[engine])
    assert [x.id for x in schedule.meetings] == ["a--g"]
    assert check_schedule(f, schedule) == []


def random_mission(seed: int) -> MissionFolder:
    """A small random mission where about a third of the wishes ask for 2 or 3 slots: one
    in-person session (one or two windows), maybe a video session at overlapping times, a
    programme item, parallel companies and unavailable periods in the changeovers."""
    rng = random.Random(seed)
    m, minutes = mission(), rng.choice([20, 30])
    m["partnering"][0].update(
        windows=rng.choice([["09:00-11:00"], ["09:00-10:00", "10:30-12:00"]]),
        meeting_minutes=minutes, changeover_minutes=rng.choice([0, 5, 10]),
        tables=rng.choice([1, 2, 3]))
    if rng.random() < 0.5:
        m["partnering"].append({"id": "s2", "title": "Calls", "virtual": True,
                                "timezone": "Europe/Madrid", "date": "2026-03-10",
                                "windows": ["09:10-10:40"], "meeting_minutes": minutes,
                                "tables": rng.choice([1, 2]),
                                "video_link": "https://v.example/{meeting}"})
    m["programme"] = [{"title": "Talk", "start": "2026-03-10 09:50", "end": "2026-03-10 10:05",
                       "venue": "mad", "attendees": [rng.choice("abg")]}]
    ids = "abcdghx"
    companies = []
    for cid in ids:
        extra: dict = {"parallel": rng.random() < 0.3}
        if rng.random() < 0.3:
            extra["unavailable"] = [rng.choice(["2026-03-10 09:40-09:45",
                                                "2026-03-10 10:00-10:30"])]
        wishes = [{"company": other, "priority": rng.choice(["high", "normal", "low"]),
                   **({"minutes": minutes * rng.choice([2, 3])} if rng.random() < 0.4 else {})}
                  for other in rng.sample([i for i in ids if i != cid], rng.randint(0, 3))]
        companies.append(company(cid, "government" if cid in "gh" else "delegation",
                                 delegates=rng.choice([1, 2]), **extra)
                         | {"wants_to_meet": wishes})
    return folder(m, companies)


@pytest.mark.parametrize("seed", range(6))
def test_random_missions_with_longer_meetings_keep_every_rule(seed):
    f = random_mission(seed)
    for engine in ENGINES.values():
        schedule = solve(f, time_limit=0.5, **engine)
        assert check_schedule(f, schedule) == [], engine
        assert quality_differences(f, schedule) == [], engine


@pytest.mark.parametrize("engine", ENGINES)
def test_caps_count_a_longer_meeting_once(engine):
    """a accepts 2 meetings and the session holds 2: the hour with g and x's half hour
    are two meetings, though they take three slots."""
    m = session_mission()
    m["partnering"][0]["max_meetings"] = 2
    f = folder(m, [company("a", wants=[], max_meetings=2)
                   | {"wants_to_meet": [wish("g", "high", 60), wish("x")]},
                   company("g", "government"), company("x", "host")])
    schedule = solve(f, time_limit=1.0, **ENGINES[engine])
    assert sorted(x.id for x in schedule.meetings) == ["a--g", "a--x"]
    assert check_schedule(f, schedule) == []
