"""Every hard rule, in every implementation, has a satisfied and a violated case.

The rules are named once (scheduler/meaning/hard_rules.py) and implemented three times:
the CP-SAT model (`add_<rule>`, scheduler/solver/rules.py), the large-mission engine
(a resource per rule on the bitset board, scheduler/solver/board.py) and the independent
checker (`check_<rule>`, scheduler/check/rules.py). CASES holds one small mission per rule
where the rule binds, and the tests run it through each implementation:

- solvers: the schedule keeps the rule (the checker finds nothing, and the rule's own fact
  holds), and the same mission without the rule's constraint (`relaxed`; for `locked`, the
  previous schedule with nothing locked) gets a schedule with more meetings that the
  rule's check flags on the real mission: the rule is what keeps those meetings out;
- checker: a hand-written schedule keeping the rule passes every check, and a hand-edited
  one breaking it is flagged by that rule's check and by no other.

Adding a rule to HARD_RULES without a case here fails test_every_rule_has_its_cases and
the rule's parametrised tests. More detailed cases per rule are in tests/test_solver_rules.py
(CP-SAT), tests/test_large.py (large engine) and tests/test_check.py (checker).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers.solver_kit import DAY, company, folder, mission, solve

from scheduler.check.rules import RULES, Violation, check_locked, check_schedule
from scheduler.input.model import MissionFolder
from scheduler.meaning import session_zone
from scheduler.meaning.hard_rules import HARD_RULES
from scheduler.meaning.requests import pair_id
from scheduler.schedule import Meeting, Quality, Schedule

MADRID = ZoneInfo("Europe/Madrid")
ENGINES = {"cpsat": {}, "large": {"large_from": 0}}  # large_from=0: the bitset engine
TIME_LIMIT = 2.0


def hosts(*ids: str, **extra: object) -> list[dict]:
    """Host companies with no wishes of their own."""
    return [company(i, "host", **extra) for i in ids]


def meet(f: MissionFolder, a: str, b: str, at: str = "09:00", table: str | None = "Table 1",
         delegates: list[str] | None = None, number: int = 1, session: str = "s1",
         **extra: object) -> Meeting:
    """A hand-written meeting at `at` in its session's zone, with every delegate of both."""
    found = f.session(session)
    start = datetime.fromisoformat(f"{found.date} {at}").replace(tzinfo=session_zone(f, found))
    rid = pair_id(a, b)
    people = delegates if delegates is not None else [
        f"{c}/{d.id}" for c in (a, b) for d in f.companies[c].delegates]
    return Meeting(**{"id": rid if number == 1 else f"{rid}-{number}", "request": rid,
                      "companies": [a, b], "delegates": people, "session": session,
                      "start": start, "end": start + timedelta(minutes=found.meeting_minutes),
                      "table": table, **extra})


def hand(*meetings: Meeting) -> Schedule:
    """A hand-written schedule of mission m holding these meetings."""
    quality = Quality(requested=0, placed=len(meetings), bound=0, placed_of_bound=0.0,
                      idle_slots=0, holes=0, fairness=0.0)
    return Schedule(mission="m", generated=datetime(2026, 3, 1, tzinfo=MADRID),
                    meetings=list(meetings), quality=quality)


def starts(s: Schedule, cid: str | None = None) -> list[str]:
    """Local 'HH:MM' starts of the meetings (of one company), sorted."""
    return sorted(f"{m.start:%H:%M}" for m in s.meetings if cid is None or cid in m.companies)


def overlap(a: Meeting, b: Meeting) -> bool:
    """Whether two meetings overlap in time."""
    return a.start < b.end and b.start < a.end


@dataclass(frozen=True)
class Case:
    """A small mission where one rule binds, how each implementation keeps it, and a break."""

    binding: Callable[[], MissionFolder]  # the mission; the rule holds meetings back
    relaxed: Callable[[], MissionFolder]  # the same mission without the rule's constraint
    fact: Callable[[Schedule], bool]  # what the rule means for this mission's schedules
    kept: Callable[[MissionFolder], list[Meeting]]  # a hand-written schedule keeping it
    broken: Callable[[MissionFolder], list[Meeting]]  # ... and one edited to break it
    large: str  # how the large engine keeps the rule
    previous: Callable[[MissionFolder], Schedule] | None = None  # for `locked`


def one_slot(**session: object) -> dict:
    """mission.yaml whose session s1 has one 20-minute slot (09:00) and 2 tables."""
    m = mission()
    m["partnering"][0].update({"windows": ["09:00-09:20"], **session})
    return m


def two_slots(**session: object) -> dict:
    """mission.yaml whose session s1 has two 20-minute slots (09:00, 09:20), one table."""
    m = mission()
    m["partnering"][0].update({"windows": ["09:00-09:40"], "tables": 1, **session})
    return m


def two_sessions(**attends: object) -> MissionFolder:
    """Sessions s1 and s2 (next day) of one slot each; a wants x and y, x and y host."""
    m = one_slot()
    m["partnering"].append({**m["partnering"][0], "id": "s2", "date": "2026-03-11"})
    return folder(m, [company("a", wants=["x", "y"], **attends), *hosts("x", "y")])


# a virtual session at the hour of s1's 09:00 slot in Madrid (17:00 in Tokyo)
TOKYO_CALLS = {"id": "s2", "title": "Calls", "virtual": True, "timezone": "Asia/Tokyo",
               "date": DAY, "windows": ["17:00-17:20"], "meeting_minutes": 20,
               "changeover_minutes": 0, "video_link": "https://v.example/{meeting}"}


def same_hour(**a: object) -> MissionFolder:
    """s1 (one slot, one table) and Tokyo calls at the same hour; a (two delegates, keys `a`)
    wants x and y."""
    m = one_slot(tables=1)
    m["partnering"].append(TOKYO_CALLS)
    return folder(m, [company("a", wants=["x", "y"], delegates=2, **a), *hosts("x", "y")])


def three_wishes(m: dict, **a: object) -> MissionFolder:
    """Mission m where a (with keys `a`) wants to meet hosts x, y and z."""
    return folder(m, [company("a", wants=["x", "y", "z"], **a), *hosts("x", "y", "z")])


def grid(**session: object) -> dict:
    """mission.yaml whose 09:00-10:00 session s1 has these keys changed."""
    m = mission()
    m["partnering"][0].update(session)
    return m


WORKSHOP = {"title": "Workshop", "start": f"{DAY} 09:00", "end": f"{DAY} 09:40",
            "venue": "mad", "attendees": ["a"]}


def booths(owned: bool) -> MissionFolder:
    """One slot, 2 tables and (if owned) x's one-table booth; a and b want x (2 delegates,
    parallel)."""
    extra = {"booths": [{"id": "b1", "name": "Booth X", "owners": ["x"], "tables": 1}]}
    return folder(one_slot(**(extra if owned else {})),
                  [company("a", wants=["x"]), company("b", wants=["x"]),
                   *hosts("x", delegates=2, parallel=True)])


def lockable() -> MissionFolder:
    """Two slots, one table (there were two): a wants x, b wants y (high) and is away at 09:20."""
    return folder(two_slots(), [company("a", wants=["x"]),
                                company("b", wants=[("y", "high")],
                                        unavailable=[f"{DAY} 09:20-09:40"]),
                                *hosts("x", "y")])


def locked_at_nine(f: MissionFolder) -> Schedule:
    """The previous schedule, from when there were two tables: b--y and a--x at 09:00,
    a--x locked. Unlocked, a--x would move to 09:20 to make room for b--y."""
    return hand(meet(f, "b", "y", table="Table 2"), meet(f, "a", "x", locked=True))


def per_session(cap: int | None) -> MissionFolder:
    """Two slots, two tables; a wants x and y; the session allows `cap` per company."""
    extra = {"max_meetings_per_company": cap} if cap else {}
    return folder(two_slots(tables=2, **extra), [company("a", wants=["x", "y"]),
                                                 *hosts("x", "y")])


def wishes(*items: dict, m: dict | None = None, away: bool = False) -> MissionFolder:
    """Mission m (default: two one-slot sessions s1, s2) where a's wants_to_meet are these
    items (and, when away, a's first delegate Ann is away all session); x and y host."""
    if m is None:
        m = one_slot()
        m["partnering"].append({**m["partnering"][0], "id": "s2", "date": "2026-03-11"})
    a = company("a", wants_to_meet=list(items), delegates=2)
    if away:
        a["delegates"][0].update(name="Ann", unavailable=[f"{DAY} 09:00-10:00"])
    return folder(m, [a, *hosts("x", "y")])


def declined(by_x: bool) -> MissionFolder:
    """Three slots; a wants x and y; x declines a (when by_x)."""
    return folder(mission(), [company("a", wants=["x", "y"]),
                              company("x", "host", declines=["a"] if by_x else []),
                              *hosts("y")])


CASES: dict[str, Case] = {
    "meeting_shape": Case(
        binding=lambda: folder(mission(), [company("a", wants=["x", "y"]),
                                           company("x", "host", delegates=0), *hosts("y")]),
        relaxed=lambda: folder(mission(), [company("a", wants=["x", "y"]), *hosts("x", "y")]),
        fact=lambda s: all("x" not in m.companies for m in s.meetings),  # x sends nobody
        kept=lambda f: [meet(f, "a", "y")],
        broken=lambda f: [meet(f, "a", "y"), meet(f, "a", "x", at="09:20", table="Table 2",
                                                  delegates=["a/p1"])],
        large="no free slot for a company without delegates, so no option (Board.free); in "
              "both engines availability keeps it too: no delegate of x is ever free"),
    "slot_grid": Case(
        binding=lambda: three_wishes(grid(changeover_minutes=10)),
        relaxed=lambda: three_wishes(grid()),
        fact=lambda s: set(starts(s)) <= {"09:00", "09:30"},
        kept=lambda f: [meet(f, "a", "x"), meet(f, "a", "y", at="09:30")],
        broken=lambda f: [meet(f, "a", "x"), meet(f, "a", "y", at="09:35")],
        large="candidates are slots of the grid: one bit per slot (Board.session_mask)"),
    "session_attendance": Case(
        binding=lambda: two_sessions(attends=["s1"]),
        relaxed=lambda: two_sessions(),
        fact=lambda s: {m.session for m in s.meetings} == {"s1"},
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "a", "x", session="s2")],
        large="a company's free slots are those of its sessions (Board.free)"),
    "availability": Case(
        binding=lambda: three_wishes(mission(), unavailable=[f"{DAY} 09:00-09:40"]),
        relaxed=lambda: three_wishes(mission()),
        fact=lambda s: starts(s, "a") == ["09:40"],
        kept=lambda f: [meet(f, "a", "x", at="09:40")],
        broken=lambda f: [meet(f, "a", "x", at="09:20")],
        large="a company's free slots leave out its unavailable periods (Board.free)"),
    "programme_conflict": Case(
        binding=lambda: three_wishes(mission(programme=[WORKSHOP])),
        relaxed=lambda: three_wishes(mission()),
        fact=lambda s: starts(s, "a") == ["09:40"],
        kept=lambda f: [meet(f, "a", "x", at="09:40")],
        broken=lambda f: [meet(f, "a", "x", at="09:00")],
        large="a company's free slots leave out the items it attends (Board.free)"),
    "one_meeting_at_a_time": Case(
        binding=same_hour,
        relaxed=lambda: same_hour(parallel=True),
        fact=lambda s: not any(overlap(m, n) for i, m in enumerate(s.meetings)
                               for n in s.meetings[i + 1:] if set(m.companies) & set(n.companies)),
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "a", "x"), meet(f, "a", "y", at="17:00", session="s2",
                                                  table=None,
                                                  video_link="https://v.example/a--y")],
        large="resources ('cs', company, slot) and ('group', company, overlapping slots)"),
    "table_capacity": Case(
        binding=lambda: folder(one_slot(tables=1), [company("a", wants=["x"]),
                                                    company("b", wants=["y"]), *hosts("x", "y")]),
        relaxed=lambda: folder(one_slot(), [company("a", wants=["x"]), company("b", wants=["y"]),
                                            *hosts("x", "y")]),
        fact=lambda s: len(s.meetings) == 1 and s.meetings[0].table == "Table 1",
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "a", "x"), meet(f, "b", "y")],
        large="resource ('pool', slot, 'tables') holds one meeting per table"),
    "booth_ownership": Case(
        binding=lambda: booths(owned=True),
        relaxed=lambda: booths(owned=False),
        fact=lambda s: [(m.booth, m.table) for m in s.meetings] == [("b1", "Booth X")],
        kept=lambda f: [meet(f, "a", "x", table="Booth X", booth="b1", delegates=["a/p1", "x/p1"])],
        broken=lambda f: [meet(f, "a", "x", table="Booth X", booth="b1",
                               delegates=["a/p1", "x/p1"]),
                          meet(f, "b", "x", table="Table 1", delegates=["b/p1", "x/p2"])],
        large="owners' requests get only their booth as pool; resource ('pool', slot, booth)"),
    "company_cap": Case(
        binding=lambda: per_session(1),
        relaxed=lambda: per_session(None),
        fact=lambda s: len(s.meetings) == 1,
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "a", "x"), meet(f, "a", "y", at="09:20")],
        large="resources ('total', company) and ('per-session', company, session)"),
    "session_cap": Case(
        binding=lambda: folder(one_slot(max_meetings=1), [
            company("a", wants=["x"]), company("b", wants=["y"]), *hosts("x", "y")]),
        relaxed=lambda: folder(one_slot(), [
            company("a", wants=["x"]), company("b", wants=["y"]), *hosts("x", "y")]),
        fact=lambda s: len(s.meetings) == 1,
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "a", "x"), meet(f, "b", "y", table="Table 2")],
        large="resource ('session', session) holds max_meetings"),
    "requested_pair": Case(
        binding=lambda: folder(mission(), [company("a", wants=["x"]), *hosts("x", "y")]),
        relaxed=lambda: folder(mission(), [company("a", wants=[("x", "normal", 2)]),
                                           *hosts("x", "y")]),
        fact=lambda s: [m.id for m in s.meetings] == ["a--x"],
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "a", "x"), meet(f, "a", "x", at="09:20", number=2)],
        large="by construction: only requests have options, and a request is placed only while "
              "short of its meetings (Builder.short); resources ('req', r), ('req-slot', r, s)"),
    "locked": Case(
        binding=lockable,
        relaxed=lockable,  # with the previous schedule unlocked
        previous=locked_at_nine,
        fact=lambda s: [(m.id, f"{m.start:%H:%M}", m.table) for m in s.meetings]
        == [("a--x", "09:00", "Table 1")],
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "b", "y"), meet(f, "a", "x", at="09:20")],
        large="by construction: locked meetings are placed first and frozen (Builder.construct)"),
    "placement": Case(
        binding=lambda: wishes({"company": "x", "sessions": ["s1"]},
                               {"company": "y", "sessions": ["s1"]}),
        relaxed=lambda: wishes({"company": "x"}, {"company": "y"}),
        fact=lambda s: {m.session for m in s.meetings} == {"s1"} and len(s.meetings) == 1,
        kept=lambda f: [meet(f, "a", "x")],
        broken=lambda f: [meet(f, "a", "x"), meet(f, "a", "y", session="s2", table="Table 2")],
        large="a request's options keep only the slots its terms allow (Board.request_mask)"),
    "named_delegates": Case(
        binding=lambda: wishes({"company": "x", "delegates": ["Ann"]}, {"company": "y"},
                               m=mission(), away=True),
        relaxed=lambda: wishes({"company": "x"}, {"company": "y"}, m=mission(), away=True),
        fact=lambda s: all("x" not in m.companies for m in s.meetings),
        kept=lambda f: [meet(f, "a", "y", delegates=["a/p2", "y/p1"])],
        broken=lambda f: [meet(f, "a", "y", delegates=["a/p2", "y/p1"]),
                          meet(f, "a", "x", at="09:20", delegates=["a/p2", "x/p1"])],
        large="a request's options keep only slots where a named delegate is free "
              "(Board.request_mask); parallel companies: resources ('named', company, slot, "
              "set)"),
    "blocked_pair": Case(
        binding=lambda: declined(True),
        relaxed=lambda: declined(False),
        fact=lambda s: all("x" not in m.companies for m in s.meetings),
        kept=lambda f: [meet(f, "a", "y")],
        broken=lambda f: [meet(f, "a", "y"), meet(f, "a", "x", at="09:20")],
        large="a declined or excluded request has no slot (Board.request_mask)"),
}


def test_every_rule_has_its_cases():
    assert set(CASES) == set(HARD_RULES), "each hard rule needs a Case in CASES"
    assert set(RULES) | {"locked"} == set(HARD_RULES)


def case_of(rule: str) -> Case:
    """The rule's case (a rule of HARD_RULES without one fails here)."""
    assert rule in CASES, f"hard rule '{rule}' has no Case in CASES"
    return CASES[rule]


def unlocked(previous: Schedule | None) -> Schedule | None:
    """The previous schedule with no meeting locked."""
    if previous is None:
        return None
    return previous.model_copy(update={"meetings": [
        m.model_copy(update={"locked": False}) for m in previous.meetings]})


def rule_check(rule: str, f: MissionFolder, s: Schedule, previous: Schedule | None
               ) -> list[Violation]:
    """The violations of one rule's check."""
    return check_locked(f, s, previous) if rule == "locked" else RULES[rule](f, s)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("rule", HARD_RULES)
def test_solver_keeps_the_rule_that_holds_meetings_back(rule, engine):
    case = case_of(rule)
    assert case.large, "say how the large engine keeps the rule"
    f = case.binding()
    previous = case.previous(f) if case.previous else None
    kept = solve(f, previous, time_limit=TIME_LIMIT, **ENGINES[engine])
    assert check_schedule(f, kept, previous) == []
    assert case.fact(kept), [(m.id, f"{m.start:%H:%M}", m.table) for m in kept.meetings]
    free = solve(case.relaxed(), unlocked(previous), time_limit=TIME_LIMIT, **ENGINES[engine])
    assert len(free.meetings) > len(kept.meetings), "the rule does not bind here"
    assert rule_check(rule, f, free, previous), "the better schedule keeps the rule"
    assert not case.fact(free)


@pytest.mark.parametrize("rule", HARD_RULES)
def test_checker_passes_the_kept_rule_and_flags_only_the_broken_one(rule):
    case = case_of(rule)
    f = case.binding()
    previous = case.previous(f) if case.previous else None
    assert check_schedule(f, hand(*case.kept(f)), previous) == []
    edited = hand(*case.broken(f))
    broken = check_schedule(f, edited, previous)
    assert {v.rule for v in broken} == {rule}, [str(v) for v in broken]
    assert rule_check(rule, f, edited, previous)
