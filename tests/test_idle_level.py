"""The idle level (level 4 in docs/design.md, "The scheduling model"): CP-SAT's window
formulation and tight neighbourhoods, and the polish moves (single meetings and swaps)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from helpers.solver_kit import DAY, company, folder, mission, solve

from scheduler.check.rules import check_schedule
from scheduler.load.loader import load_mission
from scheduler.meaning.requests import build_requests
from scheduler.meaning.slots import build_slots
from scheduler.plan.planning import SolveOptions, make_schedule
from scheduler.solver.bound import fairness_relaxation, forced_meetings, priority_relaxation
from scheduler.solver.build import build_space
from scheduler.solver.cpsat import Levels, Lexicographic, Settings
from scheduler.solver.days import day_keys
from scheduler.solver.fairness import most_meetings
from scheduler.solver.greedy import constraints_of, greedy
from scheduler.solver.idle import floor_of
from scheduler.solver.polish import idle_of, polish
from scheduler.solver.space import Space

JAPAN = Path(__file__).parent.parent / "seeds" / "bioxclusters-japan-2016"


def space_of(f) -> Space:
    """The search space of a folder."""
    return build_space(f, build_requests(f), build_slots(f.mission))


def pick(space: Space, *wanted: tuple[str, str, int]) -> set[int]:
    """Candidates by (company, company, slot position)."""
    out = set()
    for a, b, position in wanted:
        out |= {i for i, v in enumerate(space.vars)
                if set(space.companies(v)) == {a, b}
                and space.slots[v.slot].position == position}
    assert len(out) == len(wanted)
    return out


def idle(space: Space, chosen: set[int]) -> int:
    """Idle slots of a set of candidates (company, session, day)."""
    used: dict[tuple, Counter] = {}
    for v in chosen:
        slot = space.slots[space.vars[v].slot]
        for c in space.companies(space.vars[v]):
            used.setdefault((c, slot.session, slot.day), Counter())[slot.position] += 1
    return sum(idle_of(u) for u in used.values())


def full_day():
    """Four 20-minute slots, one table, four meetings: every slot is taken."""
    m = mission()
    m["partnering"][0].update(windows=["09:00-10:20"], tables=1)
    return folder(m, [company("a", wants=["b", "c"]), company("d", wants=["c"]),
                      company("e", wants=["f"]), company("b", "host"),
                      company("c", "host"), company("f", "host")])


def test_swap_closes_a_gap_no_single_move_can():
    space = space_of(full_day())
    start = pick(space, ("a", "b", 0), ("c", "d", 1), ("a", "c", 2), ("e", "f", 3))
    assert idle(space, start) == 1  # a meets at 09:00 and 09:40, nothing at 09:20
    assert polish(space, start, set(), rounds=0) == start
    done = polish(space, start, set())
    assert idle(space, done) == 0
    assert done == pick(space, ("a", "b", 0), ("a", "c", 1), ("c", "d", 2), ("e", "f", 3))


def tight_day(f, start_pick: tuple) -> tuple[Space, Levels, tuple, set[int]]:
    """The space, the levels with the idle one built, the one session day, and a start."""
    space = space_of(f)
    levels = Lexicographic(space, Settings()).levels(set())
    levels.idle.objective()
    return space, levels, day_keys(space)[0], pick(space, *start_pick)


def test_tight_neighbourhood_reaches_the_floor_keeping_the_meetings():
    space, levels, key, start = tight_day(full_day(), (("a", "b", 0), ("c", "d", 1),
                                                       ("a", "c", 2), ("e", "f", 3)))
    days = levels.idle.days
    found = days.tight_day(key, start, 1.0)
    assert (days.day_idle(key, start), days.day_idle(key, found)) == (1, 0)
    assert Counter(space.vars[v].request for v in found) == \
        Counter(space.vars[v].request for v in start)
    for packing in space.constraints:
        assert sum(v in found for v in packing.vars) <= packing.cap, packing.rule


def test_tight_neighbourhood_at_an_unavoidable_gap_needs_the_floor():
    # a's four hosts are away 10:00-10:40: any schedule of the four has 2 idle slots
    start = tuple(("a", h, p) for h, p in zip("wxyz", (0, 1, 2, 5), strict=True))
    _, levels, key, chosen = tight_day(four_hosts_with_a_break(), start)
    days = levels.idle.days
    assert days.tight_day(key, chosen, 1.0) is None  # no arrangement without a gap
    gaps = sum(g for entry in levels.idle.windows.entries for _, g in entry.gaps)
    levels.idle.set_floors(levels.priority.value(chosen), gaps)
    found = days.tight_day(key, chosen, 1.0)  # the floor search finds it
    assert days.floor(key) == days.day_idle(key, found) == 2


def test_polish_never_moves_a_frozen_meeting():
    space = space_of(full_day())
    start = pick(space, ("a", "b", 0), ("c", "d", 1), ("a", "c", 2), ("e", "f", 3))
    frozen = pick(space, ("c", "d", 1))
    assert polish(space, start, frozen) == start


def test_polish_keeps_requests_rules_and_never_adds_idle():
    folder_, _ = load_mission(JAPAN)
    space = space_of(folder_)
    start = greedy(space)
    done = polish(space, start, set(space.fixed))
    assert idle(space, done) < idle(space, start)
    assert Counter(space.vars[v].request for v in done) == \
        Counter(space.vars[v].request for v in start)
    for packing in space.constraints:
        assert sum(v in done for v in packing.vars) <= packing.cap, packing.rule


def test_an_unavoidable_gap_is_counted_and_proven():
    m = mission()
    m["partnering"][0].update(tables=2)
    f = folder(m, [company("a", wants=[("b", "must"), ("c", "must")],
                           unavailable=[f"{DAY} 09:20-09:40"]),
                   company("b", "host", unavailable=[f"{DAY} 09:20-10:00"]),
                   company("c", "host", unavailable=[f"{DAY} 09:00-09:40"])])
    s = solve(f)
    assert [x.start.strftime("%H:%M") for x in s.meetings] == ["09:00", "09:40"]
    assert (s.quality.idle_slots, s.quality.status) == (1, "optimal")


def test_idle_level_closes_gaps_a_first_fit_leaves():
    m = mission()
    m["partnering"][0].update(windows=["09:00-10:40"], tables=3)
    hosts = [company(h, "host") for h in "vwxyz"]
    f = folder(m, [company("a", wants=["v", "w", "x"]), company("b", wants=["x", "y"]),
                   company("c", wants=["v", "y", "z"]), *hosts])
    s = solve(f)
    assert check_schedule(f, s) == []
    assert (s.quality.placed, s.quality.idle_slots, s.quality.status) == (8, 0, "optimal")


@pytest.mark.slow
def test_japan_seed_idle_level_and_determinism():
    f, _ = load_mission(JAPAN)
    first = make_schedule(f, SolveOptions(time_limit=30.0))
    again = make_schedule(f, SolveOptions(time_limit=30.0))
    assert check_schedule(f, first) == []
    assert first.model_dump_json() == again.model_dump_json()
    assert first.quality.placed == first.quality.bound
    # the Osaka day closes its last gap only when a request trades places with an
    # unplaced one of the same weight, which only a day re-solve finds
    assert (first.quality.idle_slots, first.quality.status) == (0, "optimal")


def test_most_meetings_bounds_fairness_from_caps_and_slots():
    f = folder(mission(), [company("a", wants=["x", "y", "z"], max_meetings=2),
                           company("b", wants=["x", "y", "z"],
                                   unavailable=[f"{DAY} 09:00-09:40"]),
                           *[company(h, "host") for h in "xyz"]])
    space = space_of(f)
    member = constraints_of(space)
    by_company = space.by_company()
    assert most_meetings(space, set(by_company["a"]), member) == 2  # its cap
    assert most_meetings(space, set(by_company["b"]), member) == 1  # one free slot
    assert most_meetings(space, set(by_company["x"]), member) == 2  # two requests


def test_fairness_bound_sees_what_the_priority_level_takes():
    # x is free at 09:00 only; b's high wish takes that slot, so a (normal) gets y only
    f = folder(mission(), [company("a", wants=["x", "y"]), company("b", wants=[("x", "high")]),
                           company("x", "host", unavailable=[f"{DAY} 09:20-10:00"]),
                           company("y", "host")])
    space = space_of(f)
    levels = Lexicographic(space, Settings()).levels(set())
    coefficient, musts = levels.priority.terms()
    value = priority_relaxation(space, coefficient, musts).value
    levels.fairness.objective()
    shares = levels.fairness.shares
    everyone = list(range(len(shares)))
    assert fairness_relaxation(space, coefficient, musts, value, shares, 1000, everyone) == 500
    # without the priority level the LP splits x's slot: a 4/3 of 2, b 2/3 of 1
    assert fairness_relaxation(space, coefficient, musts, 0, shares, 1000, everyone) == 666
    by_company = space.by_company()  # caps and slots alone allow a both meetings
    assert most_meetings(space, set(by_company["a"]), constraints_of(space)) == 2
    s = solve(f)
    assert (s.quality.fairness, s.quality.status) == (0.5, "optimal")


def four_hosts_with_a_break(cap: int | None = None):
    """a (one delegate) asks four hosts who are all away 10:00-10:40: six slots, and a's
    free ones are 09:00, 09:20, 09:40 and 10:40."""
    m = mission()
    m["partnering"][0].update(windows=["09:00-11:00"], tables=2)
    away = [f"{DAY} 10:00-10:40"]
    extra = {"max_meetings": cap} if cap else {}
    return folder(m, [company("a", wants=["w", "x", "y", "z"], **extra),
                      *[company(h, "host", unavailable=away) for h in "wxyz"]])


def floors(f) -> dict:
    """Each session day's idle floor after the priority level (proven by its LP)."""
    space = space_of(f)
    levels = Lexicographic(space, Settings()).levels(set())
    start, proven = levels.priority.lp_start(greedy(space))
    assert proven
    levels.idle.objective()
    coefficient, musts = levels.priority.terms()
    return levels.idle.windows.set_floors(forced_meetings(space, coefficient, musts,
                                                          levels.priority.value(start)))


def test_floor_counts_the_gap_every_best_schedule_has():
    f = four_hosts_with_a_break()
    assert list(floors(f).values()) == [2]  # four meetings need 10:40: 10:00 and 10:20 idle
    s = solve(f)
    assert (s.quality.placed, s.quality.idle_slots, s.quality.status) == (4, 2, "optimal")


def test_floor_is_zero_when_the_meetings_are_not_forced():
    f = four_hosts_with_a_break(cap=3)  # any three of the four: 09:00-09:40, no gap
    assert not any(floors(f).values())
    s = solve(f)
    assert (s.quality.placed, s.quality.idle_slots, s.quality.status) == (3, 0, "optimal")


def test_floor_of_spans_and_distinct_positions():
    sets = [(1, {0, 1, 2, 5}, {1}), (1, {0, 1, 2, 5}, {2}), (2, {0, 1, 2, 5}, {3, 4})]
    assert floor_of([0, 1, 2, 5], sets, one=True) == 2  # four meetings, four positions
    assert floor_of([0, 1, 2, 5], sets, one=False) == 0  # parallel: one position may do
    assert floor_of([0, 1, 2, 5], [(1, {5}, {1}), (1, {0}, {2})], one=True) == 2
    overlapping = [(1, {0, 1, 2, 5}, {1, 2}), (1, {0, 1, 2, 5}, {2, 3})]
    assert floor_of([0, 1, 2, 5], overlapping, one=True) == 0  # may be one meeting
