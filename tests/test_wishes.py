"""Wishes with terms (mode, sessions, days, delegates), declines and exclusions: what
`mission validate` says about them, and what the planned schedule does with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.hybrid_kit import MISSION, company, write
from helpers.solver_kit import solve

from cli import cli
from scheduler.check.rules import check_schedule
from scheduler.load.loader import load_mission


def validate(root: Path) -> tuple[int, list[str]]:
    """`mission validate ROOT`: exit code and lines, with the folder's path cut off."""
    result = CliRunner().invoke(cli, ["validate", str(root)])
    return result.exit_code, [line.replace(f"{root}/", "") for line in result.output.splitlines()]


def test_every_mistake_in_wish_terms_is_reported_at_its_place_in_one_run(tmp_path):
    acme = company("acme", "delegation", ("Ann Lee", "Bob Roy"), declines=["nobdy"],
                   wants_to_meet=[
                       {"company": "xeno", "mode": "virtual", "sessions": ["boston"]},
                       {"company": "yolk", "sessions": ["bostn"]},
                       {"company": "zeta", "days": ["2026-05-06"]},
                       {"company": "wave", "delegates": ["Carl", "bob-roy"]}])
    xeno = company("xeno", attends=["boston"],
                   wants_to_meet=[{"company": "acme", "sessions": ["calls"]}])
    wave = company("wave", wants_to_meet=[{"company": "acme", "mode": "virtual"}])
    root = write(tmp_path / "m", [acme, xeno, wave, company("yolk"), company("zeta"),
                                  company("quux")],
                 matches=[{"companies": ["acme", "quux"], "delegates": ["Ann Lee"]},
                          {"companies": ["acme", "wave"], "mode": "in-person"}],
                 exclude=[{"companies": ["acme", "quux"], "reason": "competitors"},
                          {"companies": ["acme", "zz"]}])
    code, lines = validate(root)
    assert code == 1
    expected = [
        "companies/acme.yaml:17:5: error: unknown company 'nobdy'",
        "companies/acme.yaml:22:15: error: no session 'acme' and 'xeno' both attend is "
        "virtual: they share boston (in-person); use mode: any or in-person",
        "companies/acme.yaml:30:9: error: unknown partnering session 'bostn'; did you mean "
        "'boston'?",
        "companies/acme.yaml:36:9: error: 'acme' and 'zeta' share no session on 2026-05-06; "
        "theirs run on 2026-05-05, 2026-05-07",
        "companies/acme.yaml:42:9: error: unknown delegate 'Carl' of 'acme'; the delegates: "
        "Ann Lee, Bob Roy",
        "companies/xeno.yaml:18:19: error: the wishes and matches for 'xeno' and 'acme' "
        "together allow no sessions: this one asks calls, those before it boston; make them "
        "agree (or leave `sessions` out of one)",
        "companies/xeno.yaml:19:9: error: 'xeno' does not attend session 'calls'; it attends "
        "boston",
        "mission.yaml:50:9: error: 'Ann Lee' is a delegate of both; write acme/ann-lee or "
        "quux/ann-lee",
        "mission.yaml:58:15: error: the wishes and matches for 'acme' and 'wave' together "
        "allow no mode: this one asks in-person, those before it virtual; make them agree "
        "(or leave `mode` out of one)",
        "mission.yaml:62:5: error: 'acme' and 'quux' are also an organiser match (line 44); "
        "remove the match or the exclusion",
        "mission.yaml:72:9: error: unknown company 'zz'",
    ]
    assert [line for line in lines if ": error: " in line] == expected
    assert lines[-1].startswith("11 error(s)")


def hybrid_companies() -> list[dict]:
    """Four delegation companies asking 23 meetings of eight hosts; h7 attends only the
    calls and h8 is away on the Boston day, so their meetings can only be virtual."""
    wants = {"d1": ["h1", "h2", "h3", "h4", "h5", "h7"], "d2": ["h1", "h2", "h6", "h8", "h5"],
             "d3": ["h3", "h4", "h5", "h6", "h7", "h8"], "d4": ["h1", "h2", "h3", "h6", "h8",
                                                                "h4"]}
    out = [company(d, "delegation", wants_to_meet=[{"company": h} for h in hs])
           for d, hs in wants.items()]
    out += [company(f"h{i}") for i in range(1, 7)]
    out.append(company("h7", attends=["calls"]))
    out.append(company("h8", unavailable=["2026-05-05 00:00-23:59"]))
    return out


def free_in_person(f, schedule, meeting) -> list[str]:
    """Boston slots (local 'HH:MM') where the meeting's pair is free, neither has another
    meeting and a table is left: what a virtual meeting could have used instead."""
    from datetime import timedelta

    from scheduler.check.times import company_blocker, slot_starts

    boston = f.session("boston")
    out = []
    for start in slot_starts(f, boston):
        span = (start, start + timedelta(minutes=boston.meeting_minutes))
        there = [m for m in schedule.meetings if m.start < span[1] and span[0] < m.end]
        busy = any(set(m.companies) & set(meeting.companies) for m in there)
        tables = sum(m.session == "boston" for m in there) < len(boston.tables or [])
        pair = [f.companies[c] for c in meeting.companies]
        if all("boston" in f.attends(c) and company_blocker(f, c, span) is None
               for c in pair) and not busy and tables:
            out.append(f"{start:%H:%M}")
    return out


def test_an_empty_list_of_sessions_days_or_delegates_is_an_error_not_an_impossible_wish(
        tmp_path):
    acme = company("acme", "delegation", wants_to_meet=[
        {"company": "xeno", "sessions": []}, {"company": "yolk", "days": []},
        {"company": "zeta", "delegates": []}])
    root = write(tmp_path / "m", [acme, company("xeno"), company("yolk"), company("zeta")],
                 matches=[{"companies": ["acme", "zeta"], "delegates": []}])
    code, lines = validate(root)
    assert code == 1
    assert [line for line in lines if ": error: " in line] == [
        "companies/acme.yaml:15:19: error: wants_to_meet[0].sessions: needs at least 1 entry",
        "companies/acme.yaml:19:15: error: wants_to_meet[1].days: needs at least 1 entry",
        "companies/acme.yaml:23:20: error: wants_to_meet[2].delegates: needs at least 1 entry",
        "mission.yaml:49:20: error: matches[0].delegates: needs at least 1 entry"]


def test_excluding_a_pair_one_of_them_must_meet_is_a_warning(tmp_path):
    acme = company("acme", "delegation",
                   wants_to_meet=[{"company": "xeno", "priority": "must"}, {"company": "yolk"}])
    root = write(tmp_path / "m", [acme, company("xeno"), company("yolk")],
                 exclude=[{"companies": ["xeno", "acme"]}, {"companies": ["acme", "yolk"]}])
    code, lines = validate(root)
    assert code == 0
    assert [line for line in lines if ": warning: " in line] == [
        "mission.yaml:44:5: warning: 'acme' asks to meet 'xeno' as a must-have "
        "(companies/acme.yaml line 13); the exclusion wins and the meeting stays unplaced"]


def test_an_unknown_session_without_a_close_name_lists_the_sessions(tmp_path):
    acme = company("acme", "delegation",
                   wants_to_meet=[{"company": "xeno", "sessions": ["osaka-partnering"]}])
    code, lines = validate(write(tmp_path / "m", [acme, company("xeno")]))
    assert code == 1
    assert "companies/acme.yaml:16:9: error: unknown partnering session 'osaka-partnering'; " \
        "the sessions: boston, calls" in lines, lines


def test_declining_a_company_one_asks_for_or_is_matched_with_is_a_warning(tmp_path):
    acme = company("acme", "delegation", declines=["xeno", "xeno"],
                   wants_to_meet=[{"company": "xeno", "priority": "must"}])
    root = write(tmp_path / "m", [acme, company("xeno"), company("yolk", declines=["acme"])],
                 matches=[{"companies": ["acme", "yolk"]}])
    code, lines = validate(root)
    assert code == 0
    assert [line for line in lines if ": warning: " in line] == [
        "companies/acme.yaml:13:5: warning: 'acme' declines 'xeno' but asks to meet it "
        "(line 17); the decline wins: remove one of the two",
        "companies/yolk.yaml:13:5: warning: 'yolk' declines 'acme', which the organiser "
        "matched it with (mission.yaml line 44); the decline wins and the match stays "
        "unplaced"]


def test_minutes_are_checked_against_the_sessions_the_wish_allows(tmp_path):
    from helpers.hybrid_kit import MISSION

    boston, calls = MISSION["partnering"]
    acme = company("acme", "delegation", wants_to_meet=[
        {"company": "xeno", "minutes": 60, "mode": "virtual"},
        {"company": "yolk", "minutes": 60, "sessions": ["boston"]},
        {"company": "zeta", "minutes": 90, "days": ["2026-05-07"]}])
    root = write(tmp_path / "m", [acme, company("xeno"), company("yolk"), company("zeta")],
                 partnering=[boston, {**calls, "meeting_minutes": 45}],
                 matches=[{"companies": ["acme", "zeta"], "minutes": 60,
                           "sessions": ["calls"]}])
    code, lines = validate(root)
    assert code == 1
    assert [line for line in lines if ": error: " in line] == [
        "companies/acme.yaml:15:18: error: minutes: 60 is not a whole number of meetings in "
        "any session acme and xeno can meet in as asked (meeting minutes calls: 45); use 45 "
        "or 90",
        "mission.yaml:49:18: error: minutes: 60 is not a whole number of meetings in any "
        "session acme and zeta can meet in as asked (meeting minutes calls: 45); use 45 or 90"]


@pytest.mark.parametrize("engine", [{}, {"large_from": 0}], ids=["cpsat", "large"])
def test_hybrid_mission_goes_virtual_only_where_the_pair_cannot_meet_in_person(tmp_path,
                                                                               engine):
    f, _ = load_mission(write(tmp_path / "m", hybrid_companies()))
    schedule = solve(f, time_limit=10.0, **engine)
    assert check_schedule(f, schedule) == []
    assert len(schedule.meetings) == 23
    virtual = [m for m in schedule.meetings if m.session == "calls"]
    assert {c for m in virtual for c in m.companies} & {"h7", "h8"}
    assert all({"h7", "h8"} & set(m.companies) for m in virtual), [m.id for m in virtual]
    assert all(free_in_person(f, schedule, m) == [] for m in virtual)
    assert schedule.quality.in_person_share == round(1 - len(virtual) / 23, 4)


@pytest.mark.parametrize("tables", range(1, 7))
@pytest.mark.parametrize("engine", [{}, {"large_from": 0}], ids=["cpsat", "large"])
def test_no_meeting_goes_virtual_while_its_pair_has_a_free_table(tmp_path, engine, tables):
    boston, calls = MISSION["partnering"]
    root = write(tmp_path / "m", hybrid_companies(),
                 partnering=[{**boston, "tables": tables}, calls])
    f, _ = load_mission(root)
    schedule = solve(f, time_limit=2.0, **engine)
    assert check_schedule(f, schedule) == []
    assert len(schedule.meetings) == 23
    virtual = [m for m in schedule.meetings if m.session == "calls"]
    assert {m.id: free_in_person(f, schedule, m) for m in virtual
            if free_in_person(f, schedule, m)} == {}
    assert sum(m.session == "boston" for m in schedule.meetings) >= min(8 * tables, 18)


@pytest.mark.parametrize("engine", [{}, {"large_from": 0}], ids=["cpsat", "large"])
def test_a_meeting_at_the_only_table_moves_so_that_another_is_not_a_video_call(tmp_path,
                                                                             engine):
    boston, calls = MISSION["partnering"]
    d1 = company("d1", "delegation", wants_to_meet=[{"company": "h2"}, {"company": "h1"}])
    root = write(tmp_path / "m", [d1, company("h1", unavailable=["2026-05-05 13:30-23:59"]),
                                  company("h2")],
                 partnering=[{**boston, "windows": ["13:00-14:00"], "tables": 1}, calls])
    f, _ = load_mission(root)
    schedule = solve(f, time_limit=2.0, **engine)
    assert check_schedule(f, schedule) == []
    assert {m.request: f"{m.session} {m.start:%H:%M}" for m in schedule.meetings} == {
        "d1--h1": "boston 13:00", "d1--h2": "boston 13:30"}


@pytest.mark.parametrize("engine", [{}, {"large_from": 0}], ids=["cpsat", "large"])
def test_a_table_freed_while_closing_idle_slots_goes_to_a_video_meeting(tmp_path, engine):
    boston, calls = MISSION["partnering"]
    wants = {"d1": ["h4", "h1", "h5", "h8"], "d2": ["h2", "h6", "h7", "h3"],
             "d3": ["h4", "h3", "h1"], "d4": ["h3", "h5", "h6", "h4", "h1"],
             "d5": ["h1", "h5", "h3", "h6", "h4", "h8", "h7"]}
    companies = [company(d, "delegation", wants_to_meet=[{"company": h} for h in hs])
                 for d, hs in wants.items()] + [company(f"h{i}") for i in range(1, 9)]
    root = write(tmp_path / "m", companies, partnering=[{**boston, "tables": 3}, calls])
    f, _ = load_mission(root)
    schedule = solve(f, time_limit=2.0, **engine)
    assert check_schedule(f, schedule) == []
    assert {m.id: free_in_person(f, schedule, m) for m in schedule.meetings
            if m.session == "calls" and free_in_person(f, schedule, m)} == {}


def plan(root: Path, *extra: str) -> tuple[int, str]:
    """`mission plan ROOT --format ics,html -o ROOT/out`: exit code and output."""
    result = CliRunner().invoke(cli, ["plan", str(root), "--format", "ics,html", "-o",
                                      str(root / "out"), "--time-limit", "5", *extra])
    return result.exit_code, result.output


def test_declines_exclusions_and_named_delegates_as_people_see_them(tmp_path):
    acme = company("acme", "delegation", ("Ann Lee", "Bob Roy"), wants_to_meet=[
        {"company": "xeno", "priority": "must"},
        {"company": "quux"},
        {"company": "yolk", "delegates": ["Bob Roy"], "mode": "virtual"},
        {"company": "zeta", "days": ["2026-05-05"]}])
    root = write(tmp_path / "m", [acme, company("xeno", declines=["acme"]), company("quux"),
                                  company("yolk"), company("zeta")],
                 exclude=[{"companies": ["quux", "acme"], "reason": "competing bids"}])
    code, output = plan(root)
    assert code == 0, output  # a declined must-have is no reason to stop
    schedule = json.loads((root / "schedule.json").read_text(encoding="utf-8"))
    why = {u["request"]: u["reason"] for u in schedule["unplaced"]}
    assert why == {"acme--xeno": "declined by Xeno",
                   "acme--quux": "excluded by the organiser (competing bids)"}
    meetings = {m["request"]: m for m in schedule["meetings"]}
    assert meetings["acme--yolk"]["delegates"] == ["acme/bob-roy", "yolk/ann-lee"]
    assert meetings["acme--yolk"]["session"] == "calls"
    assert meetings["acme--zeta"]["start"].startswith("2026-05-05")
    assert "competing bids" in (root / "out" / "report.html").read_text(encoding="utf-8")
    calendars = "".join(p.read_text(encoding="utf-8") for p in (root / "out").rglob("*.ics"))
    assert "competing" not in calendars and "declined" not in calendars
    agendas = "".join(p.read_text(encoding="utf-8") for p in (root / "out" / "agendas").rglob("*")
                      if p.is_file())
    assert "Yolk" in agendas and "competing" not in agendas
    ann = next((root / "out").rglob("*ann-lee*.ics")).read_text(encoding="utf-8")
    bob = next((root / "out").rglob("*bob-roy*.ics")).read_text(encoding="utf-8")
    assert "Yolk" in bob and "Yolk" not in ann and "Zeta" in ann


def test_a_must_have_in_person_stays_in_person_on_a_replan(tmp_path):
    companies = hybrid_companies()
    companies[0]["wants_to_meet"][0]["priority"] = "must"  # d1--h1
    root = write(tmp_path / "m", companies)
    assert plan(root)[0] == 0
    first = json.loads((root / "schedule.json").read_text(encoding="utf-8"))
    before = next(m for m in first["meetings"] if m["request"] == "d1--h1")
    assert before["session"] == "boston"
    companies[1]["wants_to_meet"].append({"company": "h3", "priority": "high"})  # d2 asks more
    write(root, companies)
    code, output = plan(root)
    assert code == 0, output
    assert "% in person" in output
    report = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert "of meetings held in person" in report and '<th class="num">In person</th>' in report
    after = json.loads((root / "schedule.json").read_text(encoding="utf-8"))
    moved = next(m for m in after["meetings"] if m["request"] == "d1--h1")
    assert moved["session"] == "boston"
    virtual = [m for m in after["meetings"] if m["session"] == "calls"]
    assert all({"h7", "h8"} & set(m["companies"]) for m in virtual)


@pytest.mark.parametrize("engine", [{}, {"large_from": 0}], ids=["cpsat", "large"])
def test_a_parallel_company_sends_each_named_person_to_one_meeting_at_a_time(engine):
    from helpers.solver_kit import company as plain
    from helpers.solver_kit import folder, mission

    m = mission()
    m["partnering"][0].update(windows=["09:00-09:20"], tables=3)  # one slot, three tables
    a = plain("a", delegates=2, parallel=True, wants_to_meet=[
        {"company": "x", "delegates": ["p1"]}, {"company": "y", "delegates": ["a person 1"]},
        {"company": "z"}])
    f = folder(m, [a, *(plain(h, "host") for h in "xyz")])
    schedule = solve(f, time_limit=2.0, **engine)
    assert check_schedule(f, schedule) == []
    people = sorted((m.request, [d for d in m.delegates if d.startswith("a/")])
                    for m in schedule.meetings)
    assert len(people) == 2 and people[-1] == ("a--z", ["a/p2"]), people
    assert people[0][1] == ["a/p1"]


def test_the_reason_names_what_the_wish_asked_for():
    from helpers.solver_kit import DAY, folder, mission
    from helpers.solver_kit import company as plain

    a = plain("a", delegates=2, wants_to_meet=[{"company": "x", "delegates": ["p1"]}])
    a["delegates"][0]["unavailable"] = [f"{DAY} 09:00-10:00"]
    f = folder(mission(), [a, plain("x", "host")])
    schedule = solve(f, time_limit=2.0)
    assert [u.reason for u in schedule.unplaced] == [
        "no slot in s1 where both are free: a's named delegate(s) p1 not free"]


def test_a_match_names_who_of_each_company_takes_it():
    from helpers.solver_kit import company as plain
    from helpers.solver_kit import folder, mission

    m = mission(matches=[{"companies": ["a", "x"], "delegates": ["a person 2", "x/p3"]}])
    f = folder(m, [plain("a", delegates=3), plain("x", "host", delegates=3)])
    schedule = solve(f, time_limit=2.0)
    assert check_schedule(f, schedule) == []
    assert [m.delegates for m in schedule.meetings] == [["a/p2", "x/p3"]]


def test_a_declined_or_excluded_request_does_not_count_against_fairness():
    from helpers.solver_kit import company as plain
    from helpers.solver_kit import folder, mission

    m = mission(exclude=[{"companies": ["b", "z"], "reason": "competitors"}])
    f = folder(m, [plain("a", wants=["x", "y"]), plain("b", wants=["x", "y", "z"]),
                   plain("x", "host", declines=["a"]), plain("y", "host"), plain("z", "host")])
    schedule = solve(f, time_limit=2.0)
    assert check_schedule(f, schedule) == []
    assert {m.request for m in schedule.meetings} == {"a--y", "b--x", "b--y"}
    assert schedule.quality.fairness == 1.0  # each got every meeting it could get
