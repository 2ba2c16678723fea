"""The levels of the lexicographic objective, one class each, solved in turn on one model
(scheduler.solver.cpsat runs them).

Each level has a name and `solve(state, budget) -> LevelResult`: it builds its objective
on the shared model (scheduler.solver.search), improves `state.solution` (the next
level's hint), adds its value as a constraint (">= value" or "<= value") so that no later
level trades it away, and says how it ended. A level that proves its value from a bound
skips its search.

  1.  must-haves placed, 1b. previous meetings kept in their slot (re-planning),
  1c. a meeting that must move as near its old place as possible (re-planning), and
  2.  priority weight placed: one objective (PriorityLevel);
  3.  fairness: the smallest placed/requested share of a delegation company
      (FairnessLevel);
  4.  idle slots between a company's first and last meeting of a session day
      (IdleLevel, formulation in scheduler.solver.idle, day neighbourhoods in
      scheduler.solver.days);
  5.  table stability, after the slots (scheduler.solver.tables.assign_tables): tables
      of one pool are interchangeable, so seating given the slots is optimal; it runs
      when the meetings are built, as it seats meetings rather than choosing them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ortools.sat.python import cp_model

from scheduler.meaning.requests import fairness_asked
from scheduler.solver.bound import (
    compact_relaxation,
    fairness_relaxation,
    forced_meetings,
    priority_relaxation,
)
from scheduler.solver.days import DaySearch, day_keys
from scheduler.solver.greedy import constraints_of, greedy
from scheduler.solver.idle import IdleWindows
from scheduler.solver.nearness import Near
from scheduler.solver.polish import polish
from scheduler.solver.search import Search
from scheduler.solver.space import Space

FAIR_SCALE = 1000
MIN_LEVEL_SECONDS = 0.5  # the idle level's whole-model search needs at least this
WHOLE_MAX_VARS = 20_000  # up to this, each level is searched on the whole model
LARGE_FAIRNESS_SECONDS = 3.0  # the fairness level's budget above WHOLE_MAX_VARS
FAIR_LP_COMPANIES = 20  # smallest shares given an LP bound of their own


@dataclass
class Outcome:
    """The chosen candidates and how good the proof is."""

    chosen: set[int]
    status: str  # optimal | feasible | interrupted | infeasible | unknown
    gap: float = 0.0
    levels: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LevelResult:
    """How a level ended: with a value (proven, or with a relative gap), skipped (nothing
    to optimise), unsolved (no solution of its own; `stop`: no later level runs), or
    with the model proven infeasible."""

    kind: Literal["value", "skipped", "unsolved", "infeasible"]
    value: int = 0
    proven: bool = True
    gap: float = 0.0
    stop: bool = False


SKIPPED = LevelResult("skipped")
INFEASIBLE = LevelResult("infeasible")


def reached(value: int, proven: bool = True, gap: float = 0.0) -> LevelResult:
    """A level that ended with a value."""
    return LevelResult("value", value, proven, gap)


def unsolved(stop: bool = False) -> LevelResult:
    """A level that found no solution of its own (the previous level's stays)."""
    return LevelResult("unsolved", stop=stop)


@dataclass
class State:
    """The lexicographic solve so far, handed from level to level."""

    keep: set[int]  # previous meetings to keep in their slot (re-planning)
    frozen: set[int]  # what polish may not move: kept and fixed candidates
    solution: set[int]  # the best schedule so far: the next search's hint
    outcome: Outcome
    polished: set[int] | None = None  # the last solution polish returned
    solved: bool = False  # a level has found a solution of its own

    def record(self, name: str, result: LevelResult) -> bool:
        """Put a level's result into the outcome; whether the next level runs."""
        if result.kind == "skipped":
            return True
        if result.kind == "unsolved":
            self.outcome.status = "feasible" if self.solved else "unknown"
            self.outcome.gap = 1.0
            return self.solved and not result.stop
        self.solved = True
        self.outcome.levels[name] = result.value
        if not result.proven:
            self.outcome.status, self.outcome.gap = "feasible", result.gap
        return True


class Level(Protocol):
    """One level of the objective."""

    name: str

    def solve(self, state: State, budget: float) -> LevelResult:
        """Optimise this level from `state` within `budget` seconds."""
        ...


def search_level(search: Search, name: str, expr: cp_model.LinearExprT, maximise: bool,
                 state: State, budget: float, idle: bool = False) -> LevelResult:
    """A level's search on the whole model; its value becomes a constraint."""
    status, value, gap, found = search.run(name, expr, maximise, state.solution, budget,
                                           idle=idle)
    if status == cp_model.INFEASIBLE:
        return INFEASIBLE
    if found is None:
        return unsolved()
    state.solution = found
    search.model.add(expr >= value if maximise else expr <= value)
    return reached(value, status == cp_model.OPTIMAL, gap)


class PriorityLevel:
    """Levels 1, 1b, 1c and 2 as one objective with proven separation:
    musts * (K + 1) * N + kept * N + near * T + weight, where T exceeds any placed
    weight, N = (D + 1) * T exceeds any re-plan closeness term (scheduler.solver.nearness,
    at most D) and K is the number of meetings that could be kept. Its first solution is
    therefore already a full schedule. The LP relaxation often proves it without a
    search (it ignores the caps on closeness, so it stays an upper bound)."""

    name = "priority"

    def __init__(self, search: Search, keep: set[int], days: DaySearch,
                 near: Near | None = None) -> None:
        self.search, self.space, self.keep, self.days = search, search.space, keep, days
        self.near = near or Near()
        # T, more than any placed weight: the worth of one point of closeness
        self.near.unit = sum(q.weight * q.meetings for q in self.space.requests) + 1
        self.polished: set[int] | None = None  # the start lp_start polished

    def terms(self) -> tuple[list[int], dict[int, int]]:
        """The objective as a coefficient per candidate and a bonus per must request
        placed at least once (closeness counted for every candidate, without caps)."""
        top = self.near.unit
        kept = top * (self.near.total + 1)
        scale = kept * (len(self.keep) + 1)
        coefficient = [self.space.requests[var.request].weight +
                       top * self.near.score.get(i, 0) + (kept if i in self.keep else 0)
                       for i, var in enumerate(self.space.vars)]
        musts = {r: scale for r in sorted(self.space.by_request())
                 if self.space.requests[r].must}
        return coefficient, musts

    def value(self, chosen: set[int]) -> int:
        """The objective of a set of candidates (closeness within its caps)."""
        coefficient, musts = self.terms()
        placed = {self.space.vars[v].request for v in chosen}
        return sum(coefficient[v] for v in chosen) - self.near.excess(chosen, self.space) + \
            sum(s for r, s in musts.items() if r in placed)

    def objective(self) -> cp_model.LinearExprT:
        """Add a boolean per must request (1 only when it has a meeting) and the caps on
        closeness; the objective."""
        coefficient, musts = self.terms()
        by_request = self.space.by_request()
        model, x = self.search.model, self.search.x
        terms = self.near.capped(model, x, by_request, coefficient)
        for r, scale in sorted(musts.items()):
            placed = model.new_bool_var(f"must{r}")
            model.add(placed <= sum(x[v] for v in by_request[r]))
            self.search.aux_here.append((placed, by_request[r]))
            terms.append(scale * placed)
        return sum(c * x[i] for i, c in enumerate(coefficient)) + sum(terms)

    def lp_start(self, hint: set[int]) -> tuple[set[int], bool]:
        """The better of the hint and the LP relaxation's integral part completed
        greedily (moved early in the day by a second LP when that stays integral, then
        polished), and whether it is proven optimal (it reaches the LP bound)."""
        coefficient, musts = self.terms()
        relaxed = priority_relaxation(self.space, coefficient, musts)
        if relaxed is None:
            return hint, False
        start = greedy(self.space, relaxed.ones)
        if self.value(start) < self.value(hint):
            start = hint
        value = self.value(start)
        compact = compact_relaxation(self.space, coefficient, musts, value)
        if compact is not None and self.value(compact) >= value:
            start = compact  # same priority value, meetings early in their day
        start = polish(self.space, start,
                       set(self.keep) | set(self.space.fixed) | set(self.near.score))
        self.polished = set(start)
        return start, value >= relaxed.value

    def solve(self, state: State, budget: float) -> LevelResult:
        """Proven by the LP when its start reaches the bound; else searched (on large
        models each day first, with half the budget)."""
        expr = self.objective()
        keys = day_keys(self.space)
        state.solution, proven = self.lp_start(state.solution)
        state.polished = self.polished
        if proven:
            value = self.value(state.solution)
            self.search.model.add(expr >= value)
            return reached(value)
        if len(keys) > 1 and len(self.search.x) > WHOLE_MAX_VARS:
            before = self.search.spent
            state.solution = self.days.improve(self.name, state.solution, budget * 0.5,
                                               lambda _key: expr, True, keys)
            budget = max(0.05, budget - (self.search.spent - before))
        return search_level(self.search, self.name, expr, True, state, budget)


class FairnessLevel:
    """Level 3: FAIR_SCALE times the smallest placed/requested share over delegation
    companies. Its upper bound, the LP given the priority level's value, proves a
    schedule that reaches it without a search; else it is a cut, so the search stops on
    reaching it."""

    name = "fairness"

    def __init__(self, search: Search, priority: PriorityLevel) -> None:
        self.search, self.space, self.priority = search, search.space, priority
        self.shares: list[tuple[int, list[int]]] = []  # (requested, candidates)

    def objective(self) -> cp_model.IntVar | None:
        """Add the smallest share and its constraints (None without delegation companies)."""
        vars_of = self.space.by_company()
        shares = [(c, n) for c, n in fairness_asked(self.space.folder, self.space.requests).items()
                  if c in vars_of]
        if not shares:
            return None
        model, x = self.search.model, self.search.x
        z = model.new_int_var(0, FAIR_SCALE, "fairness")
        for c, n in shares:
            model.add(FAIR_SCALE * sum(x[v] for v in vars_of[c]) >= n * z)
        self.shares = [(n, vars_of[c]) for c, n in shares]
        self.search.hinters.append(lambda hint: model.add_hint(z, self.value(hint)))
        return z

    def value(self, chosen: set[int]) -> int:
        """The level's value for a set of candidates."""
        return min((FAIR_SCALE * sum(v in chosen for v in vars_) // n
                    for n, vars_ in self.shares), default=FAIR_SCALE)

    def bound(self, solution: set[int], priority: int | None) -> int:
        """An upper bound: up to WHOLE_MAX_VARS the LP bound given the priority level's
        value (scheduler.solver.bound.fairness_relaxation, per company for the
        FAIR_LP_COMPANIES smallest shares of the solution), else each company's most
        meetings (see most_meetings)."""
        if not self.shares:
            return FAIR_SCALE
        shares = self.shares
        if len(self.search.x) <= WHOLE_MAX_VARS and priority is not None:
            coefficient, musts = self.priority.terms()
            lowest = sorted(range(len(shares)), key=lambda k: (
                sum(v in solution for v in shares[k][1]) / shares[k][0], k))
            bound = fairness_relaxation(self.space, coefficient, musts, priority, shares,
                                        FAIR_SCALE, lowest[:FAIR_LP_COMPANIES])
            if bound is not None:
                return bound
        member = constraints_of(self.space)
        return min(FAIR_SCALE * most_meetings(self.space, set(vars_), member) // n
                   for n, vars_ in shares)

    def solve(self, state: State, budget: float) -> LevelResult:
        """Proven when the solution reaches the bound; else searched up to it."""
        expr = self.objective()
        if expr is None:
            return SKIPPED
        bound = self.bound(state.solution, state.outcome.levels.get("priority"))
        if self.value(state.solution) >= bound:
            value = self.value(state.solution)
            self.search.model.add(expr >= value)
            return reached(value)
        self.search.model.add(expr <= bound)
        if len(self.search.x) > WHOLE_MAX_VARS:
            budget = min(budget, LARGE_FAIRNESS_SECONDS)  # rarely pays on large models
        return search_level(self.search, self.name, expr, True, state, budget)


class IdleLevel:
    """Level 4: idle slots between each company's first and last meeting of a session
    day. Each day has a floor, the idle slots every schedule of the earlier levels has
    there, added as cuts; every day at its floor proves the level. Days are solved one
    at a time first (scheduler.solver.days), then the whole model with what is left of
    the budget. Above WHOLE_MAX_VARS only polish lowers idle slots (a CP-SAT search
    there rarely finds anything in its budget)."""

    name = "idle"

    def __init__(self, search: Search, windows: IdleWindows, days: DaySearch,
                 priority: PriorityLevel) -> None:
        self.search, self.space, self.windows = search, search.space, windows
        self.days, self.priority = days, priority

    def objective(self) -> cp_model.LinearExprT | None:
        """Add the formulation (scheduler.solver.idle); the idle slots (None if none can
        occur)."""
        self.windows.build()
        self.search.hinters.append(self.windows.hint)
        idle = [g for entry in self.windows.entries for _, g in entry.gaps]
        return sum(idle) if idle else None

    def set_floors(self, priority: int | None, expr: cp_model.LinearExprT) -> None:
        """Each day's floor of idle slots given the priority level's value (see
        IdleWindows.set_floors), added as cuts so that a search reaching it is proven."""
        if priority is None:
            return
        coefficient, musts = self.priority.terms()
        forced = forced_meetings(self.space, coefficient, musts, priority)
        floors = self.windows.set_floors(forced)
        gaps = self.windows.gaps_by_day
        for key, floor in sorted(floors.items()):
            if floor and key in gaps:
                self.search.model.add(sum(gaps[key]) >= floor)
        if any(floors.values()):
            self.search.model.add(expr >= sum(floors.values()))

    def at_floor(self, solution: set[int]) -> bool:
        """Whether every session day has no more idle slots than its floor."""
        return all(self.windows.day_idle(k, solution) <= self.windows.floors.get(k, 0)
                   for k in self.windows.gaps_by_day)

    def solve(self, state: State, budget: float) -> LevelResult:
        """Days first (from a polished schedule), then the whole model unless every day
        is at its floor."""
        if len(self.search.x) > WHOLE_MAX_VARS:
            return unsolved(stop=True)
        expr = self.objective()
        if expr is None:
            return SKIPPED
        self.set_floors(state.outcome.levels.get("priority"), expr)
        keys = day_keys(self.space)
        by_day = len(keys) > 1
        if by_day:
            keys = [k for k in keys if self.windows.gaps_by_day.get(k)]
            if state.solution != state.polished:  # the fairness search moved meetings
                state.solution = state.polished = polish(self.space, state.solution,
                                                         state.frozen)
            state.solution = self.days.improve_idle(state.solution, budget * 0.9, keys)
        if self.at_floor(state.solution):
            return reached(sum(self.windows.floors.values()))  # proven by the floors
        if by_day:
            budget = self.search.left()
            if budget < MIN_LEVEL_SECONDS or self.search.interrupted:
                return unsolved(stop=True)
        return search_level(self.search, self.name, expr, False, state, budget, idle=True)


def most_meetings(space: Space, vars_: set[int], member: list[list[int]]) -> int:
    """At most how many of a company's candidates any schedule places: the smallest of
    its requests' meetings, the cap of a constraint holding them all, and a greedy
    cover of them by constraints (sum of caps, plus one per candidate left over)."""
    per_request: dict[int, int] = defaultdict(int)
    for v in vars_:
        per_request[space.vars[v].request] += 1
    best = sum(min(space.requests[r].meetings, n) for r, n in per_request.items())
    touching = sorted({k for v in vars_ for k in member[v]})
    inside = {k: vars_.intersection(space.constraints[k].vars) for k in touching}
    for k in touching:
        if len(inside[k]) == len(vars_):
            best = min(best, space.constraints[k].cap)
    left, cover = set(vars_), 0
    for k in sorted(touching, key=lambda k: (space.constraints[k].cap / len(inside[k]), k)):
        if space.constraints[k].cap < len(inside[k] & left):
            cover += space.constraints[k].cap
            left -= inside[k]
    return min(best, cover + len(left))
