"""An upper bound on placed meetings: the LP relaxation of the packing model (GLOP).

Every hard rule is a packing constraint over candidates, so the optimum of the LP
"maximise the number of candidates, 0 <= x <= 1, every packing constraint" is at
least the number of meetings any valid schedule places; its floor is the bound.
"""

from __future__ import annotations

import math

from ortools.linear_solver import pywraplp

from scheduler.solver.space import Space

LP_MAX_VARS = 200_000  # above this, the combinatorial bound (the LP takes minutes)


def lp_bound(space: Space) -> int:
    """The floor of the LP relaxation's optimum: no schedule places more meetings."""
    if not space.vars:
        return len(space.fixed)
    if len(space.vars) > LP_MAX_VARS:
        return capacity_bound(space)
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


def capacity_bound(space: Space) -> int:
    """A cheap bound: each meeting takes two company places; a company has at most
    min(its cap, its free slots or delegates, the meetings it asked for) places."""
    asked: dict[str, int] = {}
    for q in space.requests:
        for c in q.companies:
            asked[c] = asked.get(c, 0) + q.meetings
    places = 0
    for cid, wanted in asked.items():
        company = space.folder.companies.get(cid)
        if company is None:
            continue
        free = space.people.get(cid, {})
        slots = sum(len(p) for p in free.values()) if company.parallel else len(free)
        cap = company.max_meetings if company.max_meetings is not None else wanted
        places += min(cap, slots, wanted)
    return min(trivial_bound(space), places // 2)
