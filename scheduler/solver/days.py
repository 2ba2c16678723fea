"""Large neighbourhoods of the lexicographic solve (scheduler.solver.cpsat): one session
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

from scheduler.solver.idle import IdleWindows
from scheduler.solver.polish import polish
from scheduler.solver.space import Space

TIGHT_MAX_SECONDS = 2.0  # a tight neighbourhood is solved at once or rarely with more time
# Before optimising a tight neighbourhood, one CP-SAT worker without LP
# looks for any arrangement at the day's floor (a feasibility search: the floor is a
# proven bound): 0.1 to 0.3 s on the `mission` preset's days against 0.6 to 1.3 s for
# the optimising portfolio, which must finish its interleaved batch after the proof.
# Where the floor cannot be reached (the Japan seed) it gives up after this budget.
FLOOR_SECONDS = 0.6


class DaySearch:
    """Day-by-day re-solves; mixed into cpsat.Lexicographic, which provides the model,
    the budget bookkeeping and _solve_level."""

    space: Space
    x: list
    spent: float
    interrupted: bool
    floor: dict[tuple, int]
    frozen: set[int]
    windows: IdleWindows
    idle_by_day: dict[tuple, list]
    _solve_level: Callable[..., tuple[int, int, float, set[int] | None]]

    def _improve_by_day(self, solution: set[int], budget: float, name: str,
                        objective: Callable[[tuple], object], maximise: bool,
                        keys: list[tuple]) -> tuple[set[int], dict[tuple, int]]:
        """Large neighbourhoods: re-solve one session day at a time with every other
        candidate fixed, in rounds until every day is proven or the budget is spent.

        Returns the improved solution and the proven optimum of each day so proven.
        """
        proven: dict[tuple, int] = {}
        stop = self.spent + budget
        if name == "idle":
            proven = {k: self.floor.get(k, 0) for k in keys
                      if self.day_idle(k, solution) == self.floor.get(k, 0)}
            solution = self._tighten(solution, [k for k in keys if k not in proven],
                                     self.spent + budget * 0.75, proven)
        for _round in range(3):
            left = [k for k in keys if k not in proven]
            for n, key in enumerate(left):
                if self.interrupted or self.spent >= stop:
                    return solution, proven
                share = (stop - self.spent) / (len(left) - n) / (4 if _round == 0 else 1)
                status, value, found = self._solve_day(
                    name, key, objective(key), maximise, solution, share)
                worse = name == "idle" and found is not None and \
                    self.day_idle(key, found) > self.day_idle(key, solution)
                if found is not None and not worse:
                    solution = found
                if status == cp_model.OPTIMAL:
                    proven[key] = value
            if len(proven) == len(keys):
                break
        return solution, proven

    def _solve_day(self, name: str, key: tuple, expr: object, maximise: bool,
                   solution: set[int], budget: float) -> tuple[int, int, set[int] | None]:
        """Optimise one session day with every other candidate fixed."""
        fixed = self._fix_outside(key, solution)
        status, value, _, found = self._solve_level(
            f"{name} {key[0]} {key[1]}", expr, maximise, solution, budget, fixed)
        return status, value, found

    def _tighten(self, solution: set[int], keys: list[tuple], stop: float,
                 proven: dict[tuple, int]) -> set[int]:
        """Tight neighbourhoods first (see _tight_day), each day's share taken from what
        is left. A day whose meetings found no arrangement gets other meetings from
        polish (it moves meetings between days) and a second try."""
        stuck: list[tuple] = []
        for days in (keys, stuck):
            if days is stuck and stuck:
                # polish moves meetings between days: a day at zero may gain a gap
                solution = polish(self.space, solution, self.frozen)
                broken = [k for k in proven if self.day_idle(k, solution) > proven[k]]
                for key in broken:
                    del proven[key]
                stuck[:0] = broken  # cheap: most of the day is still in place
            for n, key in enumerate(days):
                if self.interrupted or self.spent >= stop or key in proven:
                    continue
                share = min(TIGHT_MAX_SECONDS, (stop - self.spent) / (len(days) - n) / 2)
                found = self._tight_day(key, solution, share)
                if found is None and days is keys:
                    stuck.append(key)
                if found is not None and self.day_idle(key, found) < self.day_idle(key, solution):
                    solution = found
                if self.day_idle(key, solution) == self.floor.get(key, 0):
                    proven[key] = self.floor.get(key, 0)
        return solution

    def _tight_day(self, key: tuple, solution: set[int], budget: float) -> set[int] | None:
        """Idle slots of one day with its meetings kept (only their slots move) and no
        idle slot above its floor for any company with one delegate: small, so often
        solved at once. First a quick search for an arrangement at the day's floor."""
        fixed = self._fix_outside(key, solution)

        def restrict(model: cp_model.CpModel) -> None:
            self.windows.restrict(model, key, solution)

        name, expr = f"idle {key[0]} {key[1]} (tight)", sum(self.idle_by_day[key])
        before = self.spent
        _, _, _, found = self._solve_level(name, expr, False, solution,
                                           min(budget, FLOOR_SECONDS), fixed,
                                           restrict=restrict, reach=self.floor.get(key, 0))
        if found is not None:
            return found
        budget = max(0.05, budget - (self.spent - before))
        _, _, _, found = self._solve_level(name, expr, False, solution, budget, fixed,
                                           restrict=restrict)
        return found

    def _fix_outside(self, key: tuple, solution: set[int]) -> list:
        """Literals fixing every candidate outside one session day as in `solution`."""
        return [self.x[i] if i in solution else ~self.x[i]
                for i, var in enumerate(self.space.vars)
                if (self.space.slots[var.slot].session, self.space.slots[var.slot].day) != key]

    def day_idle(self, key: tuple, chosen: set[int]) -> int:
        """Idle slots of one session day in a set of candidates."""
        return self.windows.day_idle(key, chosen)

    def day_keys(self) -> list[tuple]:
        """(session, day) of every slot that has a candidate."""
        return sorted({(self.space.slots[v.slot].session, self.space.slots[v.slot].day)
                       for v in self.space.vars})
