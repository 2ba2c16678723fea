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
    lex = Lexicographic(space, Settings(time_limit=1))
    hint = greedy(space, set())
    start, proven = lex.lp_start(hint, set())
    assert proven
    assert len(start) == lp_bound(space)
    assert lex.priority_value(start, set()) > lex.priority_value(hint, set())
    relaxed = priority_relaxation(space, *lex.priority_terms(set()))
    assert relaxed is not None and lex.priority_value(start, set()) == relaxed.value


@pytest.mark.slow
def test_mission_preset_places_the_bound_within_a_short_limit(mission) -> None:
    schedule = make_schedule(mission, SolveOptions(time_limit=1.0))
    assert schedule.quality.placed == schedule.quality.bound == 247
    assert schedule.quality.weight_placed == 626  # the monolithic model reaches 623-624


def test_priority_bound_is_not_claimed_when_the_hint_is_worse(mission) -> None:
    space = build_space(mission, build_requests(mission), build_slots(mission.mission))
    lex = Lexicographic(space, Settings(time_limit=1))
    coefficient, musts = lex.priority_terms(set())
    relaxed = priority_relaxation(space, coefficient, musts)
    assert relaxed is not None
    assert lex.priority_value(greedy(space, set()), set()) < relaxed.value


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
    lex = Lexicographic(space, Settings(time_limit=1))
    start, proven = lex.lp_start(greedy(space), set())
    assert proven
    coefficient, musts = lex.priority_terms(set())
    lex.fairness()
    shares = lex.fair[1]
    bound = fairness_relaxation(space, coefficient, musts, lex.priority_value(start, set()),
                                shares, 1000, list(range(len(shares))))
    assert lex.fairness_value(start) <= bound == 1000 * 15 // 16
