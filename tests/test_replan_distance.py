"""A meeting that must move goes to the nearest alternative, and the change list says how far."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from click.testing import CliRunner
from helpers.solver_kit import company, folder, mission, solve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_planning import write_folder
from test_solver_properties import small_missions

from cli import cli
from scheduler.check.rules import check_schedule
from scheduler.check.times import company_blocker, slot_starts
from scheduler.meaning import session_tables
from scheduler.meaning.distance import distance
from scheduler.plan.planning import summary_lines
from scheduler.plan.replan import how_far
from scheduler.schedule import Meeting, read_schedule


def two_days(virtual_day: bool = False) -> dict:
    """s1 on 10 and 11 March, 09:00-11:00 (six 20-minute slots a day, 2 tables); with
    `virtual_day`, a virtual session v1 on 10 March too."""
    m = mission()
    m["partnering"][0].update(date=None, dates=["2026-03-10", "2026-03-11"],
                              windows=["09:00-11:00"])
    if virtual_day:
        m["partnering"].append({"id": "v1", "title": "Video", "virtual": True,
                                "timezone": "Europe/Madrid", "date": "2026-03-10",
                                "windows": ["14:00-15:00"], "meeting_minutes": 20,
                                "changeover_minutes": 0})
    return m


def hosts_x(a_unavailable: list[str]) -> list[dict]:
    """a, b and c each want x."""
    return [company("a", wants=["x"], unavailable=a_unavailable), company("b", wants=["x"]),
            company("c", wants=["x"]), company("x", "host")]


def at(meeting: Meeting, day: int, hhmm: str, table: str | None = "Table 1",
       session: str = "s1") -> Meeting:
    """The meeting on 2026-03-<day> at hh:mm (Madrid), 20 minutes, at a table."""
    start = meeting.start.replace(day=day, hour=int(hhmm[:2]), minute=int(hhmm[3:]))
    return meeting.model_copy(update={"start": start, "end": start + timedelta(minutes=20),
                                      "table": table, "session": session})


def test_a_second_meeting_asked_later_leaves_the_moved_one_nearest():
    # as above, and a now wants two meetings with x: the one it had moves to a
    # neighbouring slot and keeps its id; the new one is an addition
    first = solve(folder(two_days(), hosts_x([])))
    where = {"b--x": (10, "09:00"), "c--x": (10, "09:40"), "a--x": (11, "09:40")}
    previous = first.model_copy(update={"meetings": [at(m, *where[m.id])
                                                     for m in first.meetings]})
    people = hosts_x(["2026-03-11 09:40-10:00"])
    people[0]["wants_to_meet"][0]["meetings"] = 2
    changed = folder(two_days(), people)
    second = solve(changed, previous)
    assert check_schedule(changed, second, previous) == []
    assert sum(m.request == "a--x" for m in second.meetings) == 2
    moved = next(c for c in second.changes if c.meeting == "a--x")
    assert moved.change == "moved" and moved.move is not None
    assert (moved.move.days, abs(moved.move.minutes)) == (0, 20)
    assert [c.change for c in second.changes if c.meeting == "a--x-2"] == ["added"]


@pytest.mark.parametrize("engine", [pytest.param({}, id="cp-sat"),
                                    pytest.param({"large_from": 0}, id="large")])
def test_unavailable_slot_moves_the_meeting_to_the_nearest_slot_that_day(engine):
    # before: x meets b at 09:00 and c at 09:40 on the 10th (a gap at 09:20 it would
    # like filled), and a at 09:40 on the 11th; then a cannot make 09:40 on the 11th
    first = solve(folder(two_days(), hosts_x([])))
    where = {"b--x": (10, "09:00"), "c--x": (10, "09:40"), "a--x": (11, "09:40")}
    previous = first.model_copy(update={"meetings": [at(m, *where[m.id])
                                                     for m in first.meetings]})
    changed = folder(two_days(), hosts_x(["2026-03-11 09:40-10:00"]))
    second = solve(changed, previous, **engine)
    assert check_schedule(changed, second, previous) == []
    [change] = second.changes
    assert (change.meeting, change.change) == ("a--x", "moved")
    move = change.move
    assert move is not None
    assert (move.same_mode, move.same_session, move.days, abs(move.minutes)) == \
        (True, True, 0, 20)  # a neighbouring slot the same day, not the gap on the 10th
    side = "later" if move.minutes > 0 else "earlier"
    assert move.text.startswith(f"moved 20 min {side}, ")
    assert any(line.startswith("moved: a--x (") and f"moved 20 min {side}" in line
               for line in summary_lines(second))


def test_in_person_meeting_stays_in_person_on_another_day_rather_than_video():
    # a's in-person meeting at 09:00 on the 10th cannot stay; the 10th still has a video
    # session at 14:00, the 11th in-person slots from 10:00: same mode comes before same
    # day, and then the nearest time of day
    first = solve(folder(two_days(virtual_day=True), [company("a", wants=["x"]),
                                                       company("x", "host")]))
    previous = first.model_copy(update={"meetings": [at(m, 10, "09:00")
                                                     for m in first.meetings]})
    away = ["2026-03-10 08:00-12:00", "2026-03-11 08:00-10:00"]
    changed = folder(two_days(virtual_day=True),
                     [company("a", wants=["x"], unavailable=away), company("x", "host")])
    second = solve(changed, previous)
    assert check_schedule(changed, second, previous) == []
    [change] = second.changes
    move = change.move
    assert move is not None
    assert (move.same_mode, move.same_session, move.days, move.minutes) == \
        (True, True, 1, 25 * 60)  # 10:00 the next day, not 14:00 on video
    assert move.text.startswith("moved to Wed 11 Mar, ")  # same session: not named


def test_move_texts_say_the_shift_the_day_the_mode_and_the_table():
    f = folder(two_days(virtual_day=True), [company("a", wants=["x"]), company("x", "host")])
    meeting = solve(f).meetings[0]
    before = at(meeting, 10, "09:00")
    assert how_far(f, before, at(meeting, 10, "09:20")).text == "moved 20 min later, same table"
    assert how_far(f, before, at(meeting, 10, "10:40", "Table 2")).text == \
        "moved to 10:40, Table 2"
    video = how_far(f, before, at(meeting, 10, "14:00", None, "v1"))
    assert video.text == "moved to 14:00 in v1, video"
    assert (video.same_mode, video.minutes) == (False, 300)
    assert how_far(f, at(meeting, 11, "10:00"), before).text == \
        "moved to Tue 10 Mar, same table"


def test_plan_after_a_change_says_how_far_in_the_calendar_notes_and_the_report(tmp_path):
    root = write_folder(tmp_path / "m", two_days(), hosts_x([]))
    out = tmp_path / "out"
    args = ["plan", str(root), "-o", str(out), "--format", "ics,html", "--time-limit", "5"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    a_x = next(m for m in read_schedule(root).meetings if m.id == "a--x")
    busy = f"{a_x.start:%Y-%m-%d %H:%M}-{a_x.end:%H:%M}"
    company_file = root / "companies" / "a.yaml"
    data = yaml.safe_load(company_file.read_text(encoding="utf-8"))
    company_file.write_text(yaml.safe_dump({**data, "unavailable": [busy]}), encoding="utf-8")
    again = CliRunner().invoke(cli, args + ["--verbose"])
    assert again.exit_code == 0, again.output
    [change] = read_schedule(root).changes
    assert change.move is not None and change.move.days == 0
    how = change.move.text.removeprefix("moved ")
    assert f"; {how})" in again.output  # what changed for whom, calendar by calendar
    assert change.move.text in (out / "report.html").read_text(encoding="utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_missions(), st.integers(0, 100))
def test_no_free_slot_is_nearer_than_where_a_moved_meeting_went(case, pick):
    # make one company of a placed meeting unavailable in its slot and re-plan: no slot
    # where both are free, neither is busy and a table is left is nearer than the new one
    m, people = case
    first = solve(folder(m, people), time_limit=2.0)
    if not first.meetings:
        return
    gone = first.meetings[pick % len(first.meetings)]
    who = next(p for p in people if p["id"] == gone.companies[0])
    who["unavailable"] = [*who.get("unavailable", []),
                          f"{gone.start:%Y-%m-%d %H:%M}-{gone.end:%H:%M}"]
    changed = folder(m, people)
    second = solve(changed, first, time_limit=2.0)
    assert check_schedule(changed, second, first) == []
    now = next((x for x in second.meetings if x.id == gone.id), None)
    if now is None:
        return
    session = changed.session(now.session)
    reached = distance(changed, (gone.session, gone.start), (now.session, now.start))
    length = timedelta(minutes=session.meeting_minutes)
    for start in slot_starts(changed, session):
        span = (start, start + length)
        others = [x for x in second.meetings if x.id != gone.id and x.start == start]
        free = not any(company_blocker(changed, changed.companies[c], span) or
                       any(c in x.companies for x in others) for c in now.companies)
        if free and len(others) < len(session_tables(session) or []):
            there = distance(changed, (gone.session, gone.start), (session.id, start))
            assert there.closeness <= reached.closeness, (start, now.start)
