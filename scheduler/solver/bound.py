"""An upper bound on placed meetings: the LP relaxation of the packing model (GLOP).

Every hard rule is a packing constraint over candidates, so the optimum of the LP
"maximise the number of candidates, 0 <= x <= 1, every packing constraint" is at
least the number of meetings any valid schedule places; its floor is the bound.
"""

from __future__ import annotations

import math

from ortools.linear_solver import pywraplp

from scheduler.solver.space import Space


def lp_bound(space: Space) -> int:
    """The floor of the LP relaxation's optimum: no schedule places more meetings."""
    if not space.vars:
        return len(space.fixed)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(1.0 if i in space.fixed else 0.0, 1.0, f"x{i}")
         for i in range(len(space.vars))]
    for packing in space.constraints:
        solver.Add(solver.Sum([x[v] for v in packing.vars]) <= packing.cap)
    solver.Maximize(solver.Sum(x))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return trivial_bound(space)
    return min(math.floor(solver.Objective().Value() + 1e-6), trivial_bound(space))


def trivial_bound(space: Space) -> int:
    """Requested meetings that have at least one candidate."""
    by_request = space.by_request()
    return sum(min(q.meetings, len(by_request.get(r, [])))
               for r, q in enumerate(space.requests))
