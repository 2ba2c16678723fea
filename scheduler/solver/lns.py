"""Idle slots by large neighbourhood search: small CP-SAT models on the current schedule.

A neighbourhood is a few companies on one session day. Every meeting of that day that
involves one of them is freed (fixed and kept meetings stay), and a small CP-SAT model
places each freed request's meetings again on that day, as many as before (so priority
weight, must-haves and fairness stay as they are), in any slot and pool its candidates
allow, within the room the rest of the schedule leaves in every resource (the packing
rules), with the fewest idle slots on the company-days it touches. An arrangement with
no more idle slots than before replaces the old one.

The schedule comes through an adapter (scheduler.solver.hoods): the packing
constraints of a CP-SAT space, or the resources of the large-event board.

Deterministic: neighbourhoods come from a generator with a fixed seed, each sub-search
has a fixed deterministic-time limit, one worker and a fixed seed, and the budget only
decides how many neighbourhoods run. A longer budget continues the same sequence, so
it never ends with more idle slots.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ortools.sat.python import cp_model

from scheduler.solver.cprun import run_search
from scheduler.solver.space import CompanyDayKey, DayKey

HOOD_DT = 0.05  # deterministic-time limit of one neighbourhood's search
HOOD_MEETINGS = 12  # meetings freed per neighbourhood (at least; whole companies)
# Seconds of --time-limit charged per deterministic unit of a sub-search, and per
# candidate of a sub-model for building it in Python (measured on the brokerage preset;
# a charge, not a clock, so that results never depend on the machine's load).
LNS_SECONDS_PER_DT = 2.6
BUILD_SECONDS_PER_CANDIDATE = 5e-5
# Neighbourhoods in a row that save nothing before the search gives up (at least this
# many, and at least one per company-day): where nothing is left to find (a small
# mission), it stops instead of spending the rest of the limit.
STALL_HOODS = 50
Place = tuple[CompanyDayKey, int]  # a company-day and a position in it


@dataclass
class Cand:
    """One candidate of a neighbourhood: its request, what the adapter calls it, the
    resources it takes and the company-day positions it fills."""

    request: int
    ref: Hashable
    keys: tuple[Hashable, ...]
    places: tuple[Place, ...]


@dataclass
class Hood:
    """A neighbourhood's sub-problem (see the module docstring)."""

    cands: list[Cand]
    room: dict[Hashable, int]  # room the rest of the schedule leaves in each resource
    need: dict[int, int]  # request -> meetings to place again
    fixed: dict[CompanyDayKey, set[int]]  # positions other meetings use, per company-day
    current: set[int]  # indices of the candidates placed now
    parallel: set[str] = field(default_factory=set)  # companies meeting in parallel


class Adapter(Protocol):
    """A schedule that neighbourhoods can be cut from and written back to."""

    def company_days(self) -> list[CompanyDayKey]:
        """Every company-day with a meeting, in a stable order."""
        ...

    def day_idle(self, key: CompanyDayKey) -> int:
        """Idle slots of one company-day now."""
        ...

    def meetings_of(self, key: CompanyDayKey) -> list[tuple[Hashable, tuple[str, str]]]:
        """The movable meetings of one company-day now: (ref, companies)."""
        ...

    def hood(self, key: DayKey, freed: list[Hashable]) -> Hood:
        """The sub-problem of freeing these meetings of one session day."""
        ...

    def apply(self, hood: Hood, chosen: list[int]) -> None:
        """Replace the hood's current candidates by `chosen`."""
        ...


def idle_of(positions: set[int]) -> int:
    """Idle slots of a company-day using these positions."""
    return max(positions) - min(positions) + 1 - len(positions) if positions else 0


def hood_idle(hood: Hood, chosen: set[int]) -> int:
    """Idle slots of the hood's company-days with these candidates placed."""
    used: dict[CompanyDayKey, set[int]] = defaultdict(set)
    for i in chosen:
        for k, p in hood.cands[i].places:
            used[k].add(p)
    return sum(idle_of(used[k] | hood.fixed.get(k, set())) for k in used)


def hood_model(hood: Hood, first: Sequence[int] = ()
               ) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """The CP-SAT model of a hood, hinted with its current candidates; the candidates
    in `first` are as few as possible before idle slots count."""
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(len(hood.cands))]
    by_request: dict[int, list[int]] = defaultdict(list)
    by_key: dict[Hashable, list[int]] = defaultdict(list)
    at: dict[CompanyDayKey, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, cand in enumerate(hood.cands):
        by_request[cand.request].append(i)
        for k in cand.keys:
            by_key[k].append(i)
        for day, p in cand.places:
            at[day][p].append(i)
    for r, n in sorted(hood.need.items()):
        m.add(sum(x[i] for i in by_request[r]) == n)
    for k, members in by_key.items():
        if len(members) > hood.room[k]:
            m.add(sum(x[i] for i in members) <= hood.room[k])
    for i, xi in enumerate(x):
        m.add_hint(xi, i in hood.current)
    now: dict[CompanyDayKey, set[int]] = defaultdict(set)
    for i in hood.current:
        for k, p in hood.cands[i].places:
            now[k].add(p)
    idle = [_day_idle(m, x, positions, hood.fixed.get(day, set()), now[day],
                      day[0] in hood.parallel)
            for day, positions in sorted(at.items())]
    if first:  # one of them weighs more than every idle slot the hood could have
        weight = 1 + sum(max(p) - min(p) + 1 for p in (set(a) | hood.fixed.get(d, set())
                                                        for d, a in at.items()))
        m.minimize(sum([*idle, *(weight * x[i] for i in first)]))
    else:
        m.minimize(sum(idle))
    return m, x


def _day_idle(m: cp_model.CpModel, x: list[cp_model.IntVar], at: dict[int, list[int]],
              fixed: set[int], now: set[int], parallel: bool) -> cp_model.LinearExprT:
    """Idle slots of one company-day: its span minus the positions it uses. Its number
    of meetings that day stays (each request keeps its meetings there), so without
    parallel delegates the positions it uses are a constant and only the span counts."""
    positions = sorted(set(at) | fixed)
    first = m.new_int_var(positions[0], positions[-1], "")
    last = m.new_int_var(positions[0], positions[-1], "")
    used_now = now | fixed
    if used_now:  # empty only where a meeting may come from another day (onsite.py)
        m.add_hint(first, min(used_now))
        m.add_hint(last, max(used_now))
    if fixed:
        m.add(first <= min(fixed))
        m.add(last >= max(fixed))
    used = []
    for p, members in sorted(at.items()):
        if p in fixed:
            continue
        if len(members) == 1:
            b = x[members[0]]
        else:
            b = m.new_bool_var("")
            m.add_hint(b, p in now)
            if parallel:
                m.add_max_equality(b, [x[i] for i in members])
            else:  # at most one of them: a packing rule
                m.add(b == sum(x[i] for i in members))
        m.add(first <= p).only_enforce_if(b)
        m.add(last >= p).only_enforce_if(b)
        used.append(b)
    # without parallel delegates a constant (see above)
    span_used = len(fixed) + sum(used) if parallel else len(used_now)
    m.add(last - first + 1 >= span_used)
    return last - first + 1 - span_used


@dataclass
class Result:
    """What a neighbourhood search did: idle slots saved, seconds charged, runs."""

    saved: int = 0
    spent: float = 0.0
    hoods: int = 0
    interrupted: bool = False
    idle: int = 0  # idle slots of the whole schedule at the end


def solve_hood(hood: Hood, seed: int, first: Sequence[int] = ()
               ) -> tuple[list[int] | None, float, bool]:
    """Search a hood; its better (or equal) arrangement, the seconds to charge, and
    whether Ctrl-C stopped it. With `first` (see hood_model), better means fewer of
    those candidates, and only that."""
    model, x = hood_model(hood, first)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_deterministic_time = HOOD_DT
    p.max_time_in_seconds = 60.0  # a safety net only, never meant to bind
    p.num_workers, p.random_seed, p.catch_sigint_signal = 1, seed, False
    status, stopped = run_search(solver, model, "idle neighbourhood", None, None)
    charge = (solver.deterministic_time * LNS_SECONDS_PER_DT
              + len(hood.cands) * BUILD_SECONDS_PER_CANDIDATE)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, charge, stopped
    chosen = [i for i, xi in enumerate(x) if solver.boolean_value(xi)]
    if first:
        fewer = len(set(first) & set(chosen)) < len(set(first) & hood.current)
        return (chosen if fewer else None), charge, stopped
    if hood_idle(hood, set(chosen)) > hood_idle(hood, hood.current):
        return None, charge, stopped
    return chosen, charge, stopped


def improve(adapter: Adapter, budget: float, seed: int = 0,
            floors: dict[CompanyDayKey, int] | None = None,
            stop: Callable[[], bool] = lambda: False) -> Result:
    """Neighbourhoods until `budget` seconds are charged, every company-day is at its
    floor, Ctrl-C, `stop()`, or a long run of neighbourhoods saving nothing (see
    STALL_HOODS and the module docstring)."""
    rng = random.Random(seed)
    floors = floors or {}
    keys = adapter.company_days()
    result = Result()
    misses = 0  # company-days drawn at their floor since the last neighbourhood
    stalled, patience = 0, max(STALL_HOODS, len(keys))
    while keys and result.spent < budget and not result.interrupted and not stop() \
            and stalled < patience:
        key = keys[rng.randrange(len(keys))]
        if adapter.day_idle(key) <= floors.get(key, 0):
            misses += 1
            if misses >= len(keys):
                misses = 0
                if all(adapter.day_idle(k) <= floors.get(k, 0) for k in keys):
                    break  # every company-day at its floor: proven
            continue
        misses = 0
        hood = adapter.hood(key[1:], pick(adapter, key, rng))
        before = hood_idle(hood, hood.current)
        chosen, charge, result.interrupted = solve_hood(hood, rng.randrange(1 << 30))
        result.spent += charge
        result.hoods += 1
        saved = 0 if chosen is None else before - hood_idle(hood, set(chosen))
        stalled = 0 if saved > 0 else stalled + 1
        result.saved += saved
        adapter.apply(hood, sorted(hood.current) if chosen is None else chosen)
    result.idle = sum(adapter.day_idle(k) for k in keys)
    return result


def pick(adapter: Adapter, key: CompanyDayKey, rng: random.Random) -> list[Hashable]:
    """The meetings of a company-day and of companies it meets there (in a random
    order, breadth first), until HOOD_MEETINGS are freed."""
    taken: set[str] = set()
    freed: dict[Hashable, None] = {}
    frontier = [key[0]]
    while frontier and len(freed) < HOOD_MEETINGS:
        c = frontier.pop(0)
        if c in taken:
            continue
        taken.add(c)
        meetings = adapter.meetings_of((c, *key[1:]))
        partners = sorted({d for _, pair in meetings for d in pair if d not in taken})
        rng.shuffle(partners)
        frontier += partners
        for ref, _ in meetings:
            freed[ref] = None
    return list(freed)
