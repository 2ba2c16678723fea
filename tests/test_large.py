"""The bitset engine for large missions (scheduler.solver.large) and the max-flow bound.

The engine runs by itself only from 200,000 candidate meetings; `large_from=0` makes
these small missions take it, so what it does can be seen meeting by meeting.
"""

from __future__ import annotations

import os
import signal

from helpers.check_kit import schedule
from helpers.solver_kit import company, folder, hhmm, mission, own_check, solve
from hypothesis import HealthCheck, given, settings
from test_solver_properties import small_missions

from scheduler.meaning.requests import build_requests
from scheduler.meaning.slots import build_slots
from scheduler.plan.planning import SolveOptions, make_schedule, summary_lines
from scheduler.schedule import Unplaced
from scheduler.solver.bound import capacity_bound, flow_bound, lp_bound, space_pairs
from scheduler.solver.build import build_space
from scheduler.tooling.baselines import first_fit


def hosts(*ids: str, **extra: object) -> list[dict]:
    """Host companies with no wishes of their own."""
    return [company(i, side="host", **extra) for i in ids]


def two_slots(**session: object) -> dict:
    """mission.yaml with one session of two 20-minute slots (09:00, 09:20)."""
    m = mission()
    m["partnering"][0].update({"windows": ["09:00-09:40"], **session})
    return m


def test_repair_moves_a_meeting_to_make_room_where_first_fit_gives_up():
    # a-x (high) goes first to 09:00; y is free only at 09:00, so first-fit cannot place a-y
    f = folder(two_slots(), [company("a", wants=[("x", "high"), ("y", "normal")]),
                             *hosts("x"), company("y", side="host",
                                                  unavailable=["2026-03-10 09:20-09:40"])])
    assert len(first_fit(f).meetings) == 1
    s = solve(f, large_from=0)
    assert hhmm(s) == {"a--y": "09:00", "a--x": "09:20"}
    assert own_check(f, s) == []


def test_repair_moves_a_meeting_off_the_last_table():
    # one table; b-x takes 09:00 first; a and y are free only at 09:00
    f = folder(two_slots(tables=1), [
        company("b", wants=[("x", "high")]),
        company("a", wants=["y"], unavailable=["2026-03-10 09:20-09:40"]), *hosts("x", "y")])
    assert len(first_fit(f).meetings) == 1
    assert hhmm(solve(f, large_from=0)) == {"a--y": "09:00", "b--x": "09:20"}


def test_large_engine_replans_without_moving_anything_and_keeps_locked_meetings():
    f = folder(mission(), [company("a", wants=["x", "y"]), company("b", wants=["x"]),
                           *hosts("x", "y")])
    first = solve(f, large_from=0)
    again = solve(f, first, large_from=0)
    assert hhmm(again) == hhmm(first) and again.changes == []
    meeting = next(m for m in first.meetings if m.request == "a--x")
    late = meeting.model_copy(update={"locked": True, "start": meeting.start.replace(minute=40),
                                      "end": meeting.end.replace(hour=10, minute=0)})
    locked = solve(f, first.model_copy(update={"meetings": [late]}), large_from=0)
    assert hhmm(locked)["a--x"] == "09:40"
    assert own_check(f, locked) == []


def test_flow_bound_sees_that_a_popular_company_cannot_meet_everyone():
    # x has two slots and four suitors with one request each: counting places says 3
    f = folder(two_slots(tables=4), [company(c, wants=["x"]) for c in "abcd"] + hosts("x"))
    space = build_space(f, build_requests(f), build_slots(f.mission))
    assert capacity_bound(space) == 3
    assert flow_bound(space, space_pairs(space)) == 2
    assert solve(f, large_from=0).quality.bound == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_missions())
def test_large_engine_is_valid_never_below_first_fit_and_under_its_bound(case):
    m, people = case
    f = folder(m, people)
    space = build_space(f, build_requests(f), build_slots(f.mission))
    assert flow_bound(space, space_pairs(space)) >= lp_bound(space)
    s = solve(f, large_from=0)  # make_schedule runs the independent checker
    assert own_check(f, s) == []
    assert s.quality.weight_placed >= first_fit(f).quality.weight_placed
    assert s.quality.placed <= s.quality.bound


def test_summary_lists_the_first_unplaced_by_priority_and_says_where_the_rest_are():
    unplaced = [Unplaced(request=f"a--x{i}", companies=["a", f"x{i}"], meetings=1,
                         priority="low" if i else "high", reason="x is full")
                for i in range(45)]
    lines = summary_lines(schedule().model_copy(update={"unplaced": unplaced}))
    listed = [line for line in lines if line.startswith("  a and")]
    assert len(listed) == 40 and listed[0].startswith("  a and x0 [high]")
    assert lines[-1].startswith("  ... and 5 more") and "schedule.json" in lines[-1]


def test_summary_reads_100_percent_of_bound_only_when_the_bound_is_reached():
    base = schedule()
    near = base.quality.model_copy(update={"placed": 45236, "bound": 45259,
                                           "placed_of_bound": 0.9995, "gap": 0.0004})
    lines = summary_lines(base.model_copy(update={"quality": near}))
    assert "(bound 45259, 99.9% of bound)" in lines[0]
    assert "(gap <0.1%)" in lines[1]
    full = near.model_copy(update={"placed": 88, "bound": 88, "placed_of_bound": 1.0})
    assert "(bound 88, 100.0% of bound)" in summary_lines(
        base.model_copy(update={"quality": full}))[0]


def test_ctrl_c_keeps_what_the_large_engine_placed_so_far():
    # the repair test's mission: first-fit places one meeting, repair would place two
    f = folder(two_slots(), [company("a", wants=[("x", "high"), ("y", "normal")]),
                             *hosts("x"), company("y", side="host",
                                                  unavailable=["2026-03-10 09:20-09:40"])])
    lines: list[str] = []

    def progress(line: str) -> None:
        lines.append(line)
        if "repairing" in line:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the terminal sends it

    s = make_schedule(f, SolveOptions(time_limit=5, large_from=0), progress=progress)
    assert s.quality.status == "interrupted"
    assert hhmm(s) == {"a--x": "09:00"}  # first-fit's meeting, kept, and nothing half-moved
    assert [u.companies for u in s.unplaced] == [["a", "y"]]
    assert own_check(f, s) == []
    assert any(line.startswith("interrupted: keeping the 1 meetings") for line in lines)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored
