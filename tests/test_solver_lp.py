"""The LP start of the priority level: on the mission preset the LP optimum is
integral, so placed reaches the bound with the best priority weight, proven, at once."""

from __future__ import annotations

import pytest

from scheduler.load.loader import load_mission
from scheduler.meaning.requests import build_requests
from scheduler.meaning.slots import build_slots
from scheduler.plan.planning import SolveOptions, make_schedule
from scheduler.solver.bound import fairness_relaxation, lp_bound, priority_relaxation
from scheduler.solver.build import build_space
from scheduler.solver.cpsat import Lexicographic, Settings
from scheduler.solver.greedy import greedy
from scheduler.tooling.generate import generate


@pytest.fixture(scope="module")
def mission(tmp_path_factory: pytest.TempPathFactory):
    """The mission preset (seed 1), generated and loaded once."""
    out = tmp_path_factory.mktemp("gen") / "mission"
    generate("mission", 1, out)
    folder, _ = load_mission(out)
    return folder


def test_lp_start_reaches_the_bound_and_beats_greedy(mission) -> None:
    space = build_space(mission, build_requests(mission), build_slots(mission.mission))
    priority = Lexicographic(space, Settings(time_limit=1)).levels(set()).priority
    hint = greedy(space, set())
    start, proven = priority.lp_start(hint)
    assert proven
    assert len(start) == lp_bound(space)
    assert priority.value(start) > priority.value(hint)
    relaxed = priority_relaxation(space, *priority.terms())
    assert relaxed is not None and priority.value(start) == relaxed.value


@pytest.mark.slow
def test_mission_preset_places_the_bound_within_a_short_limit(mission) -> None:
    schedule = make_schedule(mission, SolveOptions(time_limit=1.0))
    assert schedule.quality.placed == schedule.quality.bound == 247
    assert schedule.quality.weight_placed == 626  # the monolithic model reaches 623-624


def test_priority_bound_is_not_claimed_when_the_hint_is_worse(mission) -> None:
    space = build_space(mission, build_requests(mission), build_slots(mission.mission))
    priority = Lexicographic(space, Settings(time_limit=1)).levels(set()).priority
    coefficient, musts = priority.terms()
    relaxed = priority_relaxation(space, coefficient, musts)
    assert relaxed is not None
    assert priority.value(greedy(space, set())) < relaxed.value


def _idle(space, chosen: set[int]) -> int:
    """Idle slots summed over company-days (span minus used positions)."""
    from collections import defaultdict
    used = defaultdict(set)
    for v in chosen:
        slot = space.slots[space.vars[v].slot]
        for c in space.companies(space.vars[v]):
            used[(c, slot.session, slot.day)].add(slot.position)
    return sum(max(p) - min(p) + 1 - len(p) for p in used.values())


def test_polish_lowers_idle_and_keeps_every_request_and_rule(mission) -> None:
    from collections import Counter

    from scheduler.solver.polish import polish
    space = build_space(mission, build_requests(mission), build_slots(mission.mission))
    start = greedy(space, set())
    frozen = set(sorted(start)[:20])
    done = polish(space, start, frozen)
    assert _idle(space, done) < _idle(space, start)
    assert frozen <= done
    count = Counter(space.vars[v].request for v in done)
    assert count == Counter(space.vars[v].request for v in start)
    for packing in space.constraints:
        assert sum(v in done for v in packing.vars) <= packing.cap, packing.rule


@pytest.mark.slow
def test_mission_preset_idle_beats_first_fit(mission) -> None:
    schedule = make_schedule(mission, SolveOptions(time_limit=1.0))
    assert schedule.quality.idle_slots < 227 // 2  # first-fit leaves 227 on this mission


def test_fairness_bound_is_reached_on_the_mission_preset(mission) -> None:
    """The LP bound on fairness (15 of 16 meetings for the tightest company) is what the
    solver reaches, so the level is proven without a long search."""
    space = build_space(mission, build_requests(mission), build_slots(mission.mission))
    levels = Lexicographic(space, Settings(time_limit=1)).levels(set())
    start, proven = levels.priority.lp_start(greedy(space))
    assert proven
    coefficient, musts = levels.priority.terms()
    levels.fairness.objective()
    shares = levels.fairness.shares
    bound = fairness_relaxation(space, coefficient, musts, levels.priority.value(start),
                                shares, 1000, list(range(len(shares))))
    assert levels.fairness.value(start) <= bound == 1000 * 15 // 16
