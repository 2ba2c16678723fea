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
      (FairnessLevel, scheduler.solver.fairness);
  4.  idle slots between a company's first and last meeting of a session day
      (IdleLevel, formulation in scheduler.solver.idle, day neighbourhoods in
      scheduler.solver.days);
  5.  table stability, after the slots (scheduler.solver.tables.assign_tables): tables
      of one pool are interchangeable, so seating given the slots is optimal; it runs
      when the meetings are built, as it seats meetings rather than choosing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from ortools.sat.python import cp_model

from scheduler.solver.bound import (
    compact_relaxation,
    forced_meetings,
    priority_relaxation,
)
from scheduler.solver.days import DaySearch, day_keys
from scheduler.solver.greedy import greedy
from scheduler.solver.hoods import idle_search
from scheduler.solver.idle import IdleWindows
from scheduler.solver.nearness import Near
from scheduler.solver.polish import polish
from scheduler.solver.search import Search

MIN_LEVEL_SECONDS = 0.5  # the idle level's whole-model search needs at least this
WHOLE_MAX_VARS = 20_000  # up to this, each level is searched on the whole model


@dataclass
class Outcome:
    """The chosen candidates and how good the proof is."""

    chosen: set[int]
    status: str  # optimal | feasible | interrupted | infeasible | unknown
    gap: float = 0.0
    levels: dict[str, int] = field(default_factory=dict)
    idle_bound: int | None = None  # no schedule of the earlier levels has fewer idle slots


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


class IdleLevel:
    """Level 4: idle slots between each company's first and last meeting of a session
    day. Each day has a floor, the idle slots every schedule of the earlier levels has
    there, added as cuts; every day at its floor proves the level. Days are solved one
    at a time first (scheduler.solver.days), then the whole model with what is left of
    the budget. Above WHOLE_MAX_VARS, polish and then neighbourhood search
    (scheduler.solver.lns) lower idle slots: a CP-SAT search of the whole model there
    rarely finds anything in its budget. `bound` is the lower bound it ends with."""

    name = "idle"

    def __init__(self, search: Search, windows: IdleWindows, days: DaySearch,
                 priority: PriorityLevel) -> None:
        self.search, self.space, self.windows = search, search.space, windows
        self.days, self.priority = days, priority
        self.bound: int | None = None

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
            return self.neighbourhoods(state, budget)
        expr = self.objective()
        if expr is None:
            self.bound = 0
            return SKIPPED
        self.set_floors(state.outcome.levels.get("priority"), expr)
        self.bound = sum(self.windows.floors.values())
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
        result = search_level(self.search, self.name, expr, False, state, budget, idle=True)
        if result.kind == "value" and result.proven:
            self.bound = result.value
        return result

    def neighbourhoods(self, state: State, budget: float) -> LevelResult:
        """Neighbourhood search for the whole budget (scheduler.solver.hoods), proven
        when every company-day is at its floor."""
        priority = state.outcome.levels.get("priority")
        forced = [] if priority is None else forced_meetings(
            self.space, *self.priority.terms(), priority)
        found = idle_search(self.search, state.solution, state.polished, state.frozen,
                            budget, forced)
        state.solution = state.polished = found.chosen
        self.bound = found.bound
        return reached(found.idle, found.idle <= found.bound, found.gap)
