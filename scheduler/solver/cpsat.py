"""The CP-SAT model and its lexicographic objective.

One boolean per candidate meeting (scheduler.solver.space); every packing
constraint becomes a linear "<= cap"; locked meetings are fixed to 1. The levels of
DESIGN.md section 5 are solved one after the other on the same model; after each
solve the level's value is added as a constraint (">= value" or "<= value") and the
solution is given as the hint of the next level, so a later level can never trade
away an earlier one:

  1.  must-haves placed (the count of must requests with a meeting; all are required,
      planning raises InfeasibleError when one is missing),
  1b. re-planning: previous meetings kept exactly in their slot,
  2.  priority weight placed (sum of Request.weight per meeting);
      1, 1b and 2 are one solve whose objective separates them by proven weights
      (see Lexicographic.priority), so its first solution is already a full schedule,
  3.  fairness: the smallest placed/requested share over delegation companies,
      scaled to an integer in 0..FAIR_SCALE. Its upper bound comes from the LP given
      the priority level's value (scheduler.solver.bound.fairness_relaxation: the
      smallest share, and each of the FAIR_LP_COMPANIES smallest shares' most
      meetings, ~0.2 s on the `mission` preset): a schedule at the bound is proven
      without a search (every seed), else the bound is added as a cut and the search
      stops on reaching it (the preset: 933 -> 937 = bound). Whole-model solves skip
      CP-SAT's big-linear-overlap presolve (3 of the 3.8 deterministic units there),
      and the idle level starts from a polished schedule (the fairness solve moves
      meetings; polished, no day of the preset is left without an arrangement),
  4.  idle slots between a company's first and last meeting of a session day: per
      company-day, one boolean per window and one gap boolean per position
      (scheduler.solver.idle). The level first solves
      tight neighbourhoods of one day (its meetings kept, only their slots move, no
      idle slot above the floor for one-delegate companies): small models that hold
      most good schedules, first searched for any arrangement at the day's floor (one
      worker, no LP: 0.1 to 0.3 s on the `mission` preset's days), else optimised
      (days.TIGHT_MAX_SECONDS each); a day whose meetings have no arrangement found
      gets others from polish (which moves meetings between days) and a second try;
      then re-solves one
      day at a time with the other days fixed (there a request may trade places with
      an unplaced one of the same weight), then the whole model with what is left of
      the budget. Each day has a floor: the idle slots every schedule of the earlier
      levels has there (scheduler.solver.bound.forced_meetings: rows the priority
      LP's duals prove full; IdleWindows.set_floors), added as cuts; every day at its
      floor (counted on the schedule, not taken from the day solves) ends the level
      as proven optimal: the Japan seed and the `mission` preset reach it with
      floors 0, the eu-japan seed with floor 2. The idle solves convert the budget at
      IDLE_DT_PER_SECOND (measured: two interleaved subsolvers run 1.2 to 1.5
      deterministic units per CPU second on these models; 0.3 used a 30 s budget in
      about 6 s and stopped before the day re-solves that close the last gaps).
      Idle solves run four full subsolvers (IDLE_SUBSOLVERS), not CP-SAT's whole
      portfolio: fewer 1-unit interleaved chunks to finish after the proof.
      Above WHOLE_MAX_VARS the idle level is the local search of
      scheduler.solver.polish only (CP-SAT found nothing there in its budget).
  5.  table stability is solved after the slots (scheduler.solver.tables): tables of
      one pool are interchangeable, so it is optimal given the slots.

Limits are deterministic (max_deterministic_time from the time limit, a fixed seed,
interleaved search with several workers), so the same input gives the same answer.
The solve runs in a thread so that Ctrl-C stops the search and keeps the best
solution found so far.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.solver.bound import (
    compact_relaxation,
    fairness_relaxation,
    forced_meetings,
    priority_relaxation,
)
from scheduler.solver.cprun import run_search
from scheduler.solver.days import DaySearch
from scheduler.solver.greedy import constraints_of, greedy
from scheduler.solver.idle import IdleWindows
from scheduler.solver.polish import polish
from scheduler.solver.space import DayKey, Space

FAIR_SCALE = 1000
MIN_LEVEL_SECONDS = 0.5
WHOLE_MAX_VARS = 20_000  # up to this, the priority level is solved on the whole model
IDLE_WORKERS = 2  # interleaved subsolvers for the idle level (one thread)
# The idle level's full subsolvers: the four that found every improvement in CP-SAT's
# logs of its models (the LNS workers still run). Fewer, so fewer 1-unit interleaved
# chunks to finish after the proof: the `mission` preset's tight solves went from 4.8 to
# 3.4 s wall, the Japan seed's first tight solve from 2.0 to 1.3 s and its day solve from
# 2.6 to 1.5 s, the eu-japan seed's whole-model solve from 2.5 to 1.3 s, each with the
# same value.
IDLE_SUBSOLVERS = ["default_lp", "core", "no_lp", "quick_restart_no_lp"]
LARGE_FAIRNESS_SECONDS = 3.0  # the fairness level's budget above WHOLE_MAX_VARS
FAIR_LP_COMPANIES = 20  # smallest shares given an LP bound of their own (~5 ms each)
CP_MAX_VARS = 300_000  # candidates above which only the greedy construction runs
DT_PER_SECOND = 0.3  # deterministic time units per second of --time-limit (measured, 1 core)
IDLE_DT_PER_SECOND = 0.9  # the idle level's two interleaved subsolvers (module doc)
Progress = Callable[[str], None]
Objective = Callable[[], cp_model.LinearExprT | None]  # None: the level has nothing to do


def _every_day(expr: cp_model.LinearExprT) -> Callable[[DayKey], cp_model.LinearExprT]:
    """One objective for the neighbourhood of any session day."""
    return lambda _key: expr


@dataclass
class Settings:
    """How to run CP-SAT: budget (deterministic seconds), seed, workers, progress sink."""

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 1
    progress: Progress | None = None
    clock: Callable[[], float] | None = None


@dataclass
class Outcome:
    """The chosen candidates and how good the proof is."""

    chosen: set[int]
    status: str  # optimal | feasible | interrupted | infeasible | unknown
    gap: float = 0.0
    levels: dict[str, int] = field(default_factory=dict)


class Lexicographic(DaySearch):
    """The model, its levels, and the solve loop (day neighbourhoods: DaySearch)."""

    def __init__(self, space: Space, settings: Settings) -> None:
        self.space, self.settings = space, settings
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(space.vars))]
        for packing in space.constraints:
            self.model.add(sum(self.x[v] for v in packing.vars) <= packing.cap)
        for v in sorted(space.fixed):
            self.model.add(self.x[v] == 1)
        self.spent = 0.0
        self.polished: set[int] | None = None  # the last solution polish returned
        self.frozen: set[int] = set(space.fixed)  # what polish may not move
        self.interrupted = False
        self.fair: tuple | None = None
        self.aux_here: list[tuple] = []
        self.windows = IdleWindows(space, self.model, self.x, self.aux_here)
        self.idle_by_day: dict[tuple, list[cp_model.IntVar]] = {}
        self.floor: dict[tuple, int] = {}  # idle slots each day has in every schedule

    def priority(self, keep: set[int]) -> cp_model.LinearExprT:
        """Levels 1, 1b and 2 as one objective with proven separation:
        musts * (K + 1) * T + kept * T + weight, where T exceeds any placed weight and K
        is the number of meetings that could be kept."""
        coefficient, musts = self.priority_terms(keep)
        by_request = self.space.by_request()
        terms = []
        for r, scale in sorted(musts.items()):
            placed = self.model.new_bool_var(f"must{r}")
            self.model.add(placed <= sum(self.x[v] for v in by_request[r]))
            self.aux_here.append((placed, by_request[r]))
            terms.append(scale * placed)
        return sum(c * self.x[i] for i, c in enumerate(coefficient)) + sum(terms)

    def priority_terms(self, keep: set[int]) -> tuple[list[int], dict[int, int]]:
        """The priority objective as a coefficient per candidate and a bonus per must
        request placed at least once (see priority)."""
        top = sum(q.weight * q.meetings for q in self.space.requests) + 1
        scale = top * (len(keep) + 1) if keep else top
        coefficient = [self.space.requests[var.request].weight + (top if i in keep else 0)
                       for i, var in enumerate(self.space.vars)]
        musts = {r: scale for r in sorted(self.space.by_request())
                 if self.space.requests[r].must}
        return coefficient, musts

    def priority_value(self, chosen: set[int], keep: set[int]) -> int:
        """The priority objective of a set of candidates."""
        coefficient, musts = self.priority_terms(keep)
        placed = {self.space.vars[v].request for v in chosen}
        return sum(coefficient[v] for v in chosen) + sum(
            s for r, s in musts.items() if r in placed)

    def lp_start(self, hint: set[int], keep: set[int]) -> tuple[set[int], bool]:
        """The better of the hint and the LP relaxation's integral part completed
        greedily (moved early in the day by a second LP when that stays integral, then
        polished), and
        whether it is proven optimal for the priority level (it reaches the LP bound)."""
        coefficient, musts = self.priority_terms(keep)
        relaxed = priority_relaxation(self.space, coefficient, musts)
        if relaxed is None:
            return hint, False
        start = greedy(self.space, relaxed.ones)
        if self.priority_value(start, keep) < self.priority_value(hint, keep):
            start = hint
        value = self.priority_value(start, keep)
        compact = compact_relaxation(self.space, coefficient, musts, value)
        if compact is not None and self.priority_value(compact, keep) >= value:
            start = compact  # same priority value, meetings early in their day
        start = polish(self.space, start, set(keep) | set(self.space.fixed))
        self.polished = set(start)
        return start, value >= relaxed.value

    def fairness(self) -> cp_model.LinearExprT | None:
        """Level 3: FAIR_SCALE times the smallest share, over delegation companies."""
        requested: dict[str, int] = defaultdict(int)
        for q in self.space.requests:
            for c in q.companies:
                requested[c] += q.meetings
        vars_of = self.space.by_company()
        shares = [(c, n) for c, n in sorted(requested.items())
                  if self.space.folder.companies[c].side == "delegation" and c in vars_of]
        if not shares:
            return None
        z = self.model.new_int_var(0, FAIR_SCALE, "fairness")
        for c, n in shares:
            self.model.add(FAIR_SCALE * sum(self.x[v] for v in vars_of[c]) >= n * z)
        self.fair = (z, [(n, vars_of[c]) for c, n in shares])
        return z

    def fairness_bound(self, solution: set[int], keep: set[int], value: int | None) -> int:
        """An upper bound on level 3: up to WHOLE_MAX_VARS the LP bound given the priority
        level's value (scheduler.solver.bound.fairness_relaxation, per company for the
        FAIR_LP_COMPANIES smallest shares of the solution), else each company's most
        meetings (see most_meetings)."""
        if not self.fair:
            return FAIR_SCALE
        shares = self.fair[1]
        if len(self.x) <= WHOLE_MAX_VARS and value is not None:
            coefficient, musts = self.priority_terms(keep)
            lowest = sorted(range(len(shares)), key=lambda k: (
                sum(v in solution for v in shares[k][1]) / shares[k][0], k))
            bound = fairness_relaxation(self.space, coefficient, musts, value, shares,
                                        FAIR_SCALE, lowest[:FAIR_LP_COMPANIES])
            if bound is not None:
                return bound
        member = constraints_of(self.space)
        return min(FAIR_SCALE * most_meetings(self.space, set(vars_), member) // n
                   for n, vars_ in self.fair[1])

    def fairness_value(self, chosen: set[int]) -> int:
        """Level 3's value for a set of candidates."""
        _, shares = self.fair or (None, [])
        return min((FAIR_SCALE * sum(v in chosen for v in vars_) // n for n, vars_ in shares),
                   default=FAIR_SCALE)

    def idle(self) -> cp_model.LinearExprT | None:
        """Level 4: idle slots between each company's first and last meeting of a day
        (scheduler.solver.idle)."""
        self.idle_by_day = self.windows.build()
        idle = [g for entry in self.windows.entries for _, g in entry.gaps]
        return sum(idle) if idle else None

    def set_floors(self, keep: set[int], value: int | None, expr: cp_model.LinearExprT
                   ) -> None:
        """Each day's floor of idle slots given the priority level's value (see
        IdleWindows.set_floors), added as cuts so that a search reaching it is proven."""
        if value is None:
            return
        coefficient, musts = self.priority_terms(keep)
        forced = forced_meetings(self.space, coefficient, musts, value)
        self.floor = self.windows.set_floors(forced)
        for key, floor in sorted(self.floor.items()):
            if floor and key in self.idle_by_day:
                self.model.add(sum(self.idle_by_day[key]) >= floor)
        if any(self.floor.values()):
            self.model.add(expr >= sum(self.floor.values()))

    def at_floor(self, solution: set[int]) -> bool:
        """Whether every session day has no more idle slots than its floor."""
        return all(self.day_idle(k, solution) <= self.floor.get(k, 0) for k in self.idle_by_day)

    def levels(self, keep: set[int]) -> list[tuple[str, Objective, bool]]:
        """(name, objective builder, maximise?) in lexicographic order."""
        return [("priority", lambda: self.priority(keep), True),
                ("fairness", self.fairness, True), ("idle", self.idle, False)]

    def solve(self, hint: set[int], keep: set[int]) -> Outcome:
        """Solve every level in turn; stop early on Ctrl-C or when the budget is gone."""
        solution, outcome = set(hint), Outcome(set(hint), "optimal")
        self.frozen = set(keep) | set(self.space.fixed)
        solved = False
        plan = self.levels(keep)
        for n, (name, build, maximise) in enumerate(plan):
            if name == "idle" and len(self.x) > WHOLE_MAX_VARS:
                # CP-SAT's idle search on large models found nothing in its budget
                # (brokerage preset): local search alone (final polish below)
                outcome.status, outcome.gap = "feasible", 1.0
                break
            expr = build()
            if expr is None or isinstance(expr, int):
                continue
            if name == "idle":
                self.set_floors(keep, outcome.levels.get("priority"), expr)
            budget = max(0.05, (self.settings.time_limit - self.spent) / (len(plan) - n))
            keys = self.day_keys()
            if name == "priority":
                solution, proven = self.lp_start(solution, keep)
                if proven:  # the LP bound is reached: optimal without a search
                    value = self.priority_value(solution, keep)
                    outcome.levels[name], solved = value, True
                    self.model.add(expr >= value)
                    continue
            if name == "fairness":
                bound = self.fairness_bound(solution, keep, outcome.levels.get("priority"))
                if self.fairness_value(solution) >= bound:
                    outcome.levels[name] = self.fairness_value(solution)  # proven by the bound
                    self.model.add(expr >= outcome.levels[name])
                    continue
                self.model.add(expr <= bound)  # valid: the search stops on reaching it
            if name == "fairness" and len(self.x) > WHOLE_MAX_VARS:
                budget = min(budget, LARGE_FAIRNESS_SECONDS)  # rarely pays on large models
            if name == "priority" and len(keys) > 1 and len(self.x) > WHOLE_MAX_VARS:
                before = self.spent
                solution, _ = self._improve_by_day(
                    solution, budget * 0.5, name, _every_day(expr), True, keys)
                budget = max(0.05, budget - (self.spent - before))
            by_day = name == "idle" and len(keys) > 1
            if by_day:
                keys = [k for k in keys if self.idle_by_day.get(k)]
                if solution != self.polished:  # the fairness solve moved meetings
                    solution = self.polished = polish(self.space, solution, self.frozen)
                solution, _ = self._improve_by_day(
                    solution, budget * 0.9, name, lambda key: sum(self.idle_by_day[key]),
                    False, keys)
            if name == "idle" and self.at_floor(solution):
                outcome.levels[name] = sum(self.floor.values())  # proven by the floors
                continue
            if by_day:
                budget = self.settings.time_limit - self.spent
                if budget < MIN_LEVEL_SECONDS or self.interrupted:
                    outcome.status, outcome.gap = "feasible", 1.0
                    break
            status, value, gap, found = self._solve_level(name, expr, maximise, solution, budget)
            if status == cp_model.INFEASIBLE:
                return Outcome(set(), "infeasible")
            if found is None:  # no solution within the budget: keep the previous level's
                outcome.status = "feasible" if solved else "unknown"
                outcome.gap = 1.0
                if not solved or self.interrupted:
                    break
                continue
            solution, solved = found, True
            outcome.levels[name] = value
            if status != cp_model.OPTIMAL:
                outcome.status, outcome.gap = "feasible", gap
            self.model.add(expr >= value if maximise else expr <= value)
            if self.interrupted:
                break
        if self.interrupted:
            outcome.status = "interrupted"
        elif outcome.status != "optimal" and solution != self.polished:
            solution = polish(self.space, solution, self.frozen)
        outcome.chosen = solution
        return outcome

    def _solve_level(self, name: str, expr: cp_model.LinearExprT, maximise: bool, hint: set[int],
                     budget: float, assume: list | None = None,
                     restrict: Callable[[cp_model.CpModel], None] | None = None,
                     reach: int | None = None
                     ) -> tuple[int, int, float, set[int] | None]:
        """One level: status, value, relative gap and the solution (None if none); idle
        solves run IDLE_SUBSOLVERS. With `reach` (a neighbourhood: `assume` given), any
        solution whose objective is at most `reach` is searched for instead: no
        objective, one worker, no LP (see days.FLOOR_SECONDS)."""
        if reach is not None and assume is None:
            raise ValueError("a search for a value needs a neighbourhood (assume)")
        model = self.model
        model.clear_hints()
        for i, xi in enumerate(self.x):
            model.add_hint(xi, i in hint)
        self._hint_idle(hint)
        (model.maximize if maximise else model.minimize)(expr)
        if assume is not None:  # a copy with the rest fixed: presolve removes what is fixed
            model = model.clone()
            model.add_bool_and(assume)
            if restrict:
                restrict(model)
            if reach is not None:
                model.add(expr <= reach)
                model.proto.clear_objective()
        solver = cp_model.CpSolver()
        p = solver.parameters
        rate = IDLE_DT_PER_SECOND if name.startswith("idle") else DT_PER_SECOND
        p.max_deterministic_time = budget * rate
        p.max_time_in_seconds = 10 * budget + 60  # a safety net only, never meant to bind
        p.random_seed = self.settings.seed
        # the idle level gains most from a portfolio: two subsolvers interleaved in one
        # thread (deterministic) even with --workers 1
        workers = max(IDLE_WORKERS if name.startswith("idle") else 1, self.settings.workers)
        p.num_workers = workers
        p.interleave_search = workers > 1
        if name.startswith("idle") and reach is None:
            p.subsolvers.extend(IDLE_SUBSOLVERS)
        if reach is not None:
            p.num_workers, p.interleave_search, p.linearization_level = 1, False, 0
        p.catch_sigint_signal = False
        if assume is None:  # on the whole model this presolve step cost 3 of 3.8 units
            p.find_big_linear_overlap = False
        status, stopped = run_search(solver, model, name, self.settings.progress,
                                     self.settings.clock)
        self.interrupted = self.interrupted or stopped
        self.spent += solver.deterministic_time / rate
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return status, 0, 1.0, None
        if reach is not None:  # no objective: its value is read from the solution
            found = {i for i, xi in enumerate(self.x) if solver.boolean_value(xi)}
            return int(cp_model.OPTIMAL), round(solver.value(expr)), 0.0, found
        value = round(solver.objective_value)
        bound = solver.best_objective_bound
        gap = abs(bound - value) / max(1.0, abs(value)) if status != cp_model.OPTIMAL else 0.0
        found = {i for i, xi in enumerate(self.x) if solver.boolean_value(xi)}
        return status, value, round(gap, 6), found

    def _hint_idle(self, hint: set[int]) -> None:
        """Complete the hint for the idle level's helper variables."""
        for here, vars_ in self.aux_here:
            self.model.add_hint(here, any(v in hint for v in vars_))
        if self.fair:
            z, shares = self.fair
            self.model.add_hint(z, min(FAIR_SCALE * sum(v in hint for v in vars_) // n
                                       for n, vars_ in shares))
        self.windows.hint(hint)


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


def solve(space: Space, settings: Settings, hint: set[int], keep: set[int]) -> Outcome:
    """Lexicographic CP-SAT over a search space (see the module docstring)."""
    if not space.vars:
        return Outcome(set(), "optimal")
    if len(space.vars) > CP_MAX_VARS:  # decomposition is future work (issue 5)
        if settings.progress:
            settings.progress(f"{len(space.vars)} candidates: too many for one CP-SAT model; "
                              "keeping the greedy schedule, polished for idle slots")
        return Outcome(polish(space, hint, keep | set(space.fixed), rounds=2), "feasible",
                       gap=1.0)
    return Lexicographic(space, settings).solve(hint, keep)
