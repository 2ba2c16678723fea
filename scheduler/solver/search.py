"""The CP-SAT model of a candidate space and one budgeted search on it.

One boolean per candidate meeting (scheduler.solver.space); every packing constraint
becomes a linear "<= cap"; locked meetings are fixed to 1. The levels
(scheduler.solver.levels) add their objectives' helper variables to this one model and
run their searches through `Search.run`, which counts the budget spent.

Limits are deterministic: a search stops on a budget of deterministic time (converted
from seconds of --time-limit at a fixed rate), with a fixed seed, and several workers
only as an interleaved portfolio in one thread. CPU load from other processes therefore
never changes a result. The idle level's searches get a portfolio of their own: they
gain most from a few subsolvers interleaved, even with --workers 1. The rates and the
portfolio were measured: docs/benchmarks.md ("Solver settings") has the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ortools.sat.python import cp_model

from scheduler.solver.cprun import run_search
from scheduler.solver.space import Space

DT_PER_SECOND = 0.3  # deterministic time units per second of --time-limit (one core)
IDLE_DT_PER_SECOND = 0.9  # the same for the idle level's two interleaved subsolvers
IDLE_WORKERS = 2  # interleaved subsolvers for the idle level (one thread)
# The idle level's full subsolvers: the four that found every improvement in CP-SAT's
# logs of its models (the LNS workers still run). Fewer than the whole portfolio, so
# fewer interleaved chunks to finish after the proof.
IDLE_SUBSOLVERS = ["default_lp", "core", "no_lp", "quick_restart_no_lp"]
Progress = Callable[[str], None]
Hinter = Callable[[set[int]], None]


@dataclass
class Settings:
    """How to run CP-SAT: budget (deterministic seconds), seed, workers, progress sink."""

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 1
    progress: Progress | None = None
    clock: Callable[[], float] | None = None


class Solved(NamedTuple):
    """One search's status, objective value, relative gap, and solution (None if none)."""

    status: int | cp_model.CpSolverStatus
    value: int
    gap: float
    found: set[int] | None


class Search:
    """The model of a space, the budget spent on it so far, and one search (run)."""

    def __init__(self, space: Space, settings: Settings) -> None:
        self.space, self.settings = space, settings
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(space.vars))]
        for packing in space.constraints:
            self.model.add(sum(self.x[v] for v in packing.vars) <= packing.cap)
        for v in sorted(space.fixed):
            self.model.add(self.x[v] == 1)
        self.spent = 0.0  # seconds of the time limit used, from deterministic time
        self.interrupted = False  # Ctrl-C stopped a search
        # (helper boolean, candidates): the boolean is 1 when any candidate is chosen
        self.aux_here: list[tuple[cp_model.IntVar, list[int]]] = []
        self.hinters: list[Hinter] = []  # complete a hint for other helper variables

    def left(self) -> float:
        """Seconds of the time limit not spent yet."""
        return self.settings.time_limit - self.spent

    def chosen(self, solver: cp_model.CpSolver) -> set[int]:
        """The candidates a solver's solution places."""
        return {i for i, xi in enumerate(self.x) if solver.boolean_value(xi)}

    def run(self, name: str, expr: cp_model.LinearExprT, maximise: bool, hint: set[int],
            budget: float, assume: list | None = None,
            restrict: Callable[[cp_model.CpModel], None] | None = None,
            reach: int | None = None, idle: bool = False) -> Solved:
        """Optimise `expr` from `hint` within `budget` seconds (the idle level's portfolio
        when `idle`). With `assume` (literals fixing the rest: a neighbourhood), a copy
        of the model is solved, narrowed further by `restrict`; with `reach` as well, any
        solution whose objective is at most `reach` is searched for instead: no
        objective, one worker, no LP."""
        if reach is not None and assume is None:
            raise ValueError("a search for a value needs a neighbourhood (assume)")
        model = self._objective_model(expr, maximise, hint, assume, restrict, reach)
        solver = cp_model.CpSolver()
        rate = IDLE_DT_PER_SECOND if idle else DT_PER_SECOND
        self._configure(solver, budget, idle, reach is not None, assume is None)
        status, stopped = run_search(solver, model, name, self.settings.progress,
                                     self.settings.clock)
        self.interrupted = self.interrupted or stopped
        self.spent += solver.deterministic_time / rate
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Solved(status, 0, 1.0, None)
        if reach is not None:  # no objective: its value is read from the solution
            return Solved(cp_model.OPTIMAL, round(solver.value(expr)), 0.0,
                          self.chosen(solver))
        value = round(solver.objective_value)
        bound = solver.best_objective_bound
        gap = abs(bound - value) / max(1.0, abs(value)) if status != cp_model.OPTIMAL else 0.0
        return Solved(status, value, round(gap, 6), self.chosen(solver))

    def _objective_model(self, expr: cp_model.LinearExprT, maximise: bool, hint: set[int],
                         assume: list | None,
                         restrict: Callable[[cp_model.CpModel], None] | None,
                         reach: int | None) -> cp_model.CpModel:
        """The model to solve: hinted, with the objective, narrowed to a neighbourhood."""
        model = self.model
        model.clear_hints()
        for i, xi in enumerate(self.x):
            model.add_hint(xi, i in hint)
        self._complete_hint(hint)
        (model.maximize if maximise else model.minimize)(expr)
        if assume is None:
            return model
        model = model.clone()  # a copy with the rest fixed: presolve removes what is fixed
        model.add_bool_and(assume)
        if restrict:
            restrict(model)
        if reach is not None:
            model.add(expr <= reach)
            model.proto.clear_objective()
        return model

    def _configure(self, solver: cp_model.CpSolver, budget: float, idle: bool,
                   feasibility: bool, whole: bool) -> None:
        """Set a search's limits, seed and portfolio (see the module docstring)."""
        p = solver.parameters
        p.max_deterministic_time = budget * (IDLE_DT_PER_SECOND if idle else DT_PER_SECOND)
        p.max_time_in_seconds = 10 * budget + 60  # a safety net only, never meant to bind
        p.random_seed = self.settings.seed
        workers = max(IDLE_WORKERS if idle else 1, self.settings.workers)
        p.num_workers = workers
        p.interleave_search = workers > 1
        if idle and not feasibility:
            p.subsolvers.extend(IDLE_SUBSOLVERS)
        if feasibility:  # any arrangement at a proven floor: one plain worker is fastest
            p.num_workers, p.interleave_search, p.linearization_level = 1, False, 0
        p.catch_sigint_signal = False
        if whole:  # on the whole model this presolve step costs most of the first solve
            p.find_big_linear_overlap = False

    def _complete_hint(self, hint: set[int]) -> None:
        """Complete the hint for the helper variables the levels added."""
        for here, vars_ in self.aux_here:
            self.model.add_hint(here, any(v in hint for v in vars_))
        for hinter in self.hinters:
            hinter(hint)
