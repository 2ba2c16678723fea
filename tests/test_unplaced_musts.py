"""A must-have meeting that cannot be placed: the rest is still planned, the gap is explained.

Both engines (CP-SAT and, with large_from=0, the bitset engine for large events) write
the best schedule for everything else and list the must-have with its reason and what
would make it possible; the commands exit 3, and `mission plan` exports only when asked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.solver_kit import company, folder, mission, solve
from test_planning import write_folder

from cli import cli
from scheduler.check.rules import check_schedule
from scheduler.schedule import read_schedule

ENGINES = [pytest.param({}, id="cp-sat"), pytest.param({"large_from": 0}, id="large")]


def one_table() -> dict:
    """One session, two 20-minute slots (09:00, 09:20), one table."""
    m = mission()
    m["partnering"][0].update(windows=["09:00-09:40"], tables=1)
    return m


def rivals() -> list[dict]:
    """a-x and b-y are must-haves that only fit at 09:00 (x and y are away at 09:20), where
    there is one table; c-z (normal) fits at 09:20."""
    away = ["2026-03-10 09:20-09:40"]
    return [company("a", wants=[("x", "must")]), company("b", wants=[("y", "must")]),
            company("c", wants=["z"]), company("x", "host", unavailable=away),
            company("y", "host", unavailable=away), company("z", "host")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_must_without_a_table_is_listed_and_everything_else_is_placed(engine):
    f = folder(one_table(), rivals())
    s = solve(f, **engine)
    assert check_schedule(f, s) == []
    placed = {m.request for m in s.meetings}
    assert "c--z" in placed and len(placed & {"a--x", "b--y"}) == 1
    [must] = [u for u in s.unplaced if u.priority == "must"]
    assert "table" in must.reason
    assert must.remedies == ["a table more in s1 at 2026-03-10 09:00 CET"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_must_blocked_by_availability_names_who_must_be_free_when(engine):
    f = folder(mission(), [company("a", wants=[("x", "must"), "y"],
                                   unavailable=["2026-03-10 09:00-09:20"]),
                           company("x", "host", unavailable=["2026-03-10 09:20-10:00"]),
                           company("y", "host")])
    s = solve(f, **engine)
    assert [m.request for m in s.meetings] == ["a--y"]
    [must] = s.unplaced
    assert must.reason.startswith("no slot in s1 where both are free")
    assert must.remedies == ["a free at 2026-03-10 09:00 CET in s1",
                             "x free at 2026-03-10 09:20 CET in s1",
                             "x free at 2026-03-10 09:40 CET in s1"]


CALLS = {"id": "v", "title": "Calls", "virtual": True, "timezone": "Europe/Madrid",
         "date": "2026-03-11", "windows": ["09:00-10:00"], "meeting_minutes": 20,
         "changeover_minutes": 0, "video_link": "https://v.example.org/{meeting}"}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_remedies_of_an_in_person_must_stay_in_person(engine):
    m = mission()
    m["partnering"].append(CALLS)  # a and x are free for calls the next day
    must = {"company": "x", "priority": "must", "mode": "in-person"}
    f = folder(m, [company("a", wants_to_meet=[must, {"company": "y", "mode": "virtual"}],
                           unavailable=["2026-03-10 09:00-09:20"]),
                   company("x", "host", unavailable=["2026-03-10 09:20-10:00"]),
                   company("y", "host")])
    s = solve(f, **engine)
    [unplaced] = s.unplaced
    assert unplaced.remedies == ["a free at 2026-03-10 09:00 CET in s1",
                                 "x free at 2026-03-10 09:20 CET in s1",
                                 "x free at 2026-03-10 09:40 CET in s1"]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_remedies_of_a_longer_must_free_its_whole_length(engine):
    must = {"company": "x", "priority": "must", "minutes": 40}
    f = folder(mission(), [company("a", wants_to_meet=[must],
                                   unavailable=["2026-03-10 09:20-09:40"]),
                           company("x", "host")])
    s = solve(f, **engine)
    [unplaced] = s.unplaced
    assert unplaced.remedies == ["a free at 2026-03-10 09:00 CET in s1",
                                 "a free at 2026-03-10 09:20 CET in s1"]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_remedies_of_a_must_for_named_people_name_those_people(engine):
    a = company("a", delegates=2, wants_to_meet=[
        {"company": "x", "priority": "must", "delegates": ["p1"]}])
    a["delegates"][0]["unavailable"] = ["2026-03-10 09:00-09:40"]  # p2 is free throughout
    f = folder(mission(), [a, company("x", "host", unavailable=["2026-03-10 09:40-10:00"])])
    s = solve(f, **engine)
    [unplaced] = s.unplaced
    assert unplaced.remedies == ["a's p1 free at 2026-03-10 09:00 CET in s1",
                                 "a's p1 free at 2026-03-10 09:20 CET in s1",
                                 "x free at 2026-03-10 09:40 CET in s1"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_must_beyond_a_company_cap_asks_for_a_higher_cap(engine):
    f = folder(mission(), [company("a", wants=[("x", "must"), ("y", "must")], max_meetings=1),
                           company("x", "host"), company("y", "host")])
    s = solve(f, **engine)
    assert len(s.meetings) == 1
    [must] = s.unplaced
    assert must.reason.startswith("a is full (1 of 1)")
    assert must.remedies == [f"a higher cap: {must.reason}"]


def folder_on_disk(tmp_path: Path) -> Path:
    """The rivals' mission as files."""
    return write_folder(tmp_path / "m", one_table(), rivals())


def test_schedule_writes_the_schedule_shows_the_must_and_exits_3(tmp_path):
    root = folder_on_disk(tmp_path)
    result = CliRunner().invoke(cli, ["schedule", str(root), "--time-limit", "5"])
    assert result.exit_code == 3
    assert "MUST-HAVE NOT PLACED" in result.output
    assert "possible with: a table more in s1 at 2026-03-10 09:00 CET" in result.output
    assert "schedule.json is written" in result.output
    written = read_schedule(root)
    assert [u.remedies for u in written.unplaced if u.priority == "must"] == [
        ["a table more in s1 at 2026-03-10 09:00 CET"]]


def test_plan_stops_before_the_export_unless_allowed(tmp_path):
    root = folder_on_disk(tmp_path)
    out = tmp_path / "out"
    stopped = CliRunner().invoke(cli, ["plan", str(root), "-o", str(out), "--time-limit", "5"])
    assert stopped.exit_code == 3
    assert (root / "schedule.json").is_file() and not out.exists()
    assert "--allow-missing-musts" in stopped.output
    allowed = CliRunner().invoke(cli, ["plan", str(root), "-o", str(out), "--time-limit", "5",
                                       "--allow-missing-musts", "--format", "ics,html"])
    assert allowed.exit_code == 3
    assert sorted(p.name for p in out.glob("*.ics"))  # the calendars are written
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "possible with: a table more in s1 at 2026-03-10 09:00 CET" in report
    exported = CliRunner().invoke(cli, ["export", str(root), "-o", str(tmp_path / "again")])
    assert exported.exit_code == 0
    assert "warning: must-have meeting" in exported.output
