"""The lexicographic CP-SAT solve: the levels of scheduler.solver.levels, one after the
other on one model (scheduler.solver.search).

After each level its value is added as a constraint and its solution is the hint of the
next level, so a later level never trades away an earlier one: priority (must-haves,
re-planning and priority weight as one objective), in person over video (only when a
request has the choice), fairness, idle slots. Table
stability comes after the slots (scheduler.solver.tables). Each level gets an equal
share of what is left of the budget. The searches run in a thread so that Ctrl-C stops
them and keeps the best solution found so far.

Above CP_MAX_VARS candidates no CP-SAT model is built: the greedy schedule is kept and
polished for idle slots.
"""

from __future__ import annotations

from typing import NamedTuple

from scheduler.solver.days import DaySearch
from scheduler.solver.fairness import FairnessLevel
from scheduler.solver.idle import IdleWindows
from scheduler.solver.inperson import InPersonLevel
from scheduler.solver.levels import (
    IdleLevel,
    Level,
    Outcome,
    PriorityLevel,
    State,
)
from scheduler.solver.nearness import Near
from scheduler.solver.polish import polish
from scheduler.solver.search import Search, Settings
from scheduler.solver.space import Space

__all__ = ["CP_MAX_VARS", "Lexicographic", "Outcome", "Settings", "solve"]

CP_MAX_VARS = 300_000  # candidates above which only the greedy construction runs


class Levels(NamedTuple):
    """The levels of one solve, in lexicographic order."""

    priority: PriorityLevel
    fairness: FairnessLevel
    idle: IdleLevel


class Lexicographic:
    """The model of a space and its levels, solved in turn."""

    def __init__(self, space: Space, settings: Settings, near: Near | None = None) -> None:
        self.space = space
        self.near = near  # re-planning: closeness of candidates to the previous schedule
        self.search = Search(space, settings)
        self.windows = IdleWindows(space, self.search.model, self.search.x,
                                   self.search.aux_here)

    def frozen(self, keep: set[int]) -> set[int]:
        """What polish never moves: kept and fixed candidates, and those placed by their
        closeness to the previous schedule (a move would trade that away)."""
        return set(keep) | set(self.space.fixed) | set(self.near.score if self.near else ())

    def levels(self, keep: set[int], frozen: set[int] | None = None) -> Levels:
        """The levels given the meetings to keep; polish never moves `frozen` (by
        default the kept and fixed candidates)."""
        if frozen is None:
            frozen = self.frozen(keep)
        days = DaySearch(self.search, self.windows, frozen)
        priority = PriorityLevel(self.search, keep, days, self.near)
        return Levels(priority, FairnessLevel(self.search, priority),
                      IdleLevel(self.search, self.windows, days, priority))

    def solve(self, hint: set[int], keep: set[int]) -> Outcome:
        """Solve every level in turn; stop early on Ctrl-C, when no level has found a
        solution of its own yet, or when the idle level's budget is gone."""
        frozen = self.frozen(keep)
        state = State(keep, frozen, set(hint), Outcome(set(hint), "optimal"))
        plan: list[Level] = list(self.levels(keep, frozen))
        in_person = InPersonLevel(self.search)
        if in_person.active:  # in person over video, right after the priority weight
            plan.insert(1, in_person)
        for n, level in enumerate(plan):
            budget = max(0.05, self.search.left() / (len(plan) - n))
            result = level.solve(state, budget)
            if result.kind == "infeasible":
                return Outcome(set(), "infeasible")
            if not state.record(level.name, result) or self.search.interrupted:
                break
        outcome = state.outcome
        outcome.idle_bound = next((lv.bound for lv in plan if isinstance(lv, IdleLevel)), None)
        if self.search.interrupted:
            outcome.status = "interrupted"
        elif outcome.status != "optimal" and state.solution != state.polished:
            # not proven: the local search may still close idle slots the searches left
            state.solution = polish(self.space, state.solution, frozen)
        outcome.chosen = state.solution
        return outcome


def solve(space: Space, settings: Settings, hint: set[int], keep: set[int],
          near: Near | None = None) -> Outcome:
    """Lexicographic CP-SAT over a search space (see the module docstring); `near`:
    closeness to the previous schedule of meetings that must move (re-planning)."""
    if not space.vars:
        return Outcome(set(), "optimal")
    if len(space.vars) > CP_MAX_VARS:  # one CP-SAT model of this size takes too long
        if settings.progress:
            settings.progress(f"{len(space.vars)} candidates: too many for one CP-SAT model; "
                              "keeping the greedy schedule, polished for idle slots")
        return Outcome(polish(space, hint, keep | set(space.fixed), rounds=2), "feasible",
                       gap=1.0)
    return Lexicographic(space, settings, near).solve(hint, keep)
