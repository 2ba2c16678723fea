"""Large neighbourhoods of the lexicographic solve (scheduler.solver.levels): one session
day at a time, every other candidate fixed.

For the idle level, tight neighbourhoods come first: a day's meetings kept, only their
slots move, no idle slot above their floor for one-delegate companies; each is first a
quick feasibility search for an arrangement at the day's floor, then an optimising
search; a day whose meetings have no such arrangement gets others from polish and a
second try. Then each day is re-solved with only the other days fixed, in rounds,
until every day is proven (at its floor) or the budget is spent.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.solver.idle import DayKey, IdleWindows
from scheduler.solver.polish import polish
from scheduler.solver.search import Search, Solved
from scheduler.solver.space import Space

TIGHT_MAX_SECONDS = 2.0  # a tight neighbourhood is solved at once or rarely with more time
# Before optimising a tight neighbourhood, one CP-SAT worker without LP looks for any
# arrangement at the day's floor (a feasibility search: the floor is a proven bound),
# much faster than the optimising portfolio, which must finish its interleaved batch
# after the proof. Where the floor cannot be reached it gives up after this budget.
FLOOR_SECONDS = 0.6
ROUNDS = 3  # passes over the days not proven yet
Objective = Callable[[DayKey], cp_model.LinearExprT]


def day_keys(space: Space) -> list[DayKey]:
    """(session, day) of every slot that has a candidate."""
    return sorted({(space.slots[v.slot].session, space.slots[v.slot].day)
                   for v in space.vars})


class DaySearch:
    """Day-by-day re-solves on a search's model: `improve` for any level, `improve_idle`
    (with tight neighbourhoods first) for the idle level, whose formulation and floors
    `windows` holds; polish never moves the `frozen` candidates."""

    def __init__(self, search: Search, windows: IdleWindows, frozen: set[int]) -> None:
        self.search, self.windows, self.frozen = search, windows, frozen
        self.space = search.space

    def improve(self, name: str, solution: set[int], budget: float, objective: Objective,
                maximise: bool, keys: list[DayKey]) -> set[int]:
        """Re-solve one session day at a time with every other candidate fixed, in rounds
        until every day is proven or `budget` seconds are spent."""
        return self._rounds(name, solution, self.search.spent + budget, objective,
                            maximise, keys, {}, idle=False)

    def improve_idle(self, solution: set[int], budget: float, keys: list[DayKey]
                     ) -> set[int]:
        """The idle slots of each day: days already at their floor are proven; tight
        neighbourhoods (three quarters of `budget` at most), then day re-solves."""
        stop = self.search.spent + budget
        proven = {k: self.floor(k) for k in keys if self.day_idle(k, solution) == self.floor(k)}
        solution = self._tighten(solution, [k for k in keys if k not in proven],
                                 self.search.spent + budget * 0.75, proven)
        return self._rounds("idle", solution, stop, self.gaps, False, keys, proven, idle=True)

    def _rounds(self, name: str, solution: set[int], stop: float, objective: Objective,
                maximise: bool, keys: list[DayKey], proven: dict[DayKey, int], idle: bool
                ) -> set[int]:
        """Day re-solves in rounds, each day's share taken from what is left before
        `stop`; the first round is cheap (a quarter), for the days solved at once. An
        `idle` search runs the idle portfolio, and its solution is taken only when that
        day's idle slots do not grow (a search stopped by its budget may return one worse
        than its hint)."""
        for round_ in range(ROUNDS):
            left = [k for k in keys if k not in proven]
            for n, key in enumerate(left):
                if self.search.interrupted or self.search.spent >= stop:
                    return solution
                share = (stop - self.search.spent) / (len(left) - n) / (4 if round_ == 0 else 1)
                status, value, _, found = self._solve_day(
                    name, key, objective(key), maximise, solution, share, idle)
                worse = idle and found is not None and \
                    self.day_idle(key, found) > self.day_idle(key, solution)
                if found is not None and not worse:
                    solution = found
                if status == cp_model.OPTIMAL:
                    proven[key] = value
            if len(proven) == len(keys):
                break
        return solution

    def _solve_day(self, name: str, key: DayKey, expr: cp_model.LinearExprT, maximise: bool,
                   solution: set[int], budget: float, idle: bool) -> Solved:
        """Optimise one session day with every other candidate fixed."""
        return self.search.run(f"{name} {key[0]} {key[1]}", expr, maximise, solution, budget,
                               self.fix_outside(key, solution), idle=idle)

    def _tighten(self, solution: set[int], keys: list[DayKey], stop: float,
                 proven: dict[DayKey, int]) -> set[int]:
        """Tight neighbourhoods first (see tight_day), each day's share taken from what
        is left. A day whose meetings found no arrangement gets other meetings from
        polish (it moves meetings between days) and a second try."""
        stuck: list[DayKey] = []
        for days in (keys, stuck):
            if days is stuck and stuck:
                # polish moves meetings between days: a day at zero may gain a gap
                solution = polish(self.space, solution, self.frozen)
                broken = [k for k in proven if self.day_idle(k, solution) > proven[k]]
                for key in broken:
                    del proven[key]
                stuck[:0] = broken  # cheap: most of the day is still in place
            for n, key in enumerate(days):
                if self.search.interrupted or self.search.spent >= stop or key in proven:
                    continue
                share = min(TIGHT_MAX_SECONDS, (stop - self.search.spent) / (len(days) - n) / 2)
                found = self.tight_day(key, solution, share)
                if found is None and days is keys:
                    stuck.append(key)
                if found is not None and self.day_idle(key, found) < self.day_idle(key, solution):
                    solution = found
                if self.day_idle(key, solution) == self.floor(key):
                    proven[key] = self.floor(key)
        return solution

    def tight_day(self, key: DayKey, solution: set[int], budget: float) -> set[int] | None:
        """Idle slots of one day with its meetings kept (only their slots move) and no
        idle slot above its floor for any company with one delegate: small, so often
        solved at once. First a quick search for an arrangement at the day's floor."""
        fixed = self.fix_outside(key, solution)

        def restrict(model: cp_model.CpModel) -> None:
            self.windows.restrict(model, key, solution)

        name, expr = f"idle {key[0]} {key[1]} (tight)", self.gaps(key)
        before = self.search.spent
        found = self.search.run(name, expr, False, solution, min(budget, FLOOR_SECONDS),
                                fixed, restrict=restrict, reach=self.floor(key),
                                idle=True).found
        if found is not None:
            return found
        budget = max(0.05, budget - (self.search.spent - before))
        return self.search.run(name, expr, False, solution, budget, fixed,
                               restrict=restrict, idle=True).found

    def fix_outside(self, key: DayKey, solution: set[int]) -> list:
        """Literals fixing every candidate outside one session day as in `solution`."""
        x = self.search.x
        return [x[i] if i in solution else ~x[i] for i, var in enumerate(self.space.vars)
                if (self.space.slots[var.slot].session, self.space.slots[var.slot].day) != key]

    def gaps(self, key: DayKey) -> cp_model.LinearExprT:
        """The idle slots of one session day in the model."""
        return sum(self.windows.gaps_by_day[key])

    def floor(self, key: DayKey) -> int:
        """The idle slots every schedule of the earlier levels has on one session day."""
        return self.windows.floors.get(key, 0)

    def day_idle(self, key: DayKey, chosen: set[int]) -> int:
        """Idle slots of one session day in a set of candidates."""
        return self.windows.day_idle(key, chosen)
