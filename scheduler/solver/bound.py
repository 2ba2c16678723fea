"""Upper bounds from the LP relaxation of the packing model (GLOP).

Every hard rule is a packing constraint over candidates, so the optimum of the LP
"maximise the number of candidates, 0 <= x <= 1, every packing constraint" is at
least the number of meetings any valid schedule places; its floor is the bound.
The same LP with the priority objective (scheduler.solver.cpsat.Lexicographic.priority)
bounds the priority level; when its optimum is integral (often, on missions), its
solution is a schedule that is optimal for that level, proven without a search.
Coefficients are set directly on the GLOP constraints: building Python expressions
costs far more than solving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from scheduler.solver.space import Space

LP_MAX_VARS = 200_000  # above this, the combinatorial bound (the LP takes minutes)
EPS = 1e-6


@dataclass
class Relaxation:
    """The LP optimum (floored) and the candidates at 1 in the LP solution."""

    value: int
    ones: set[int]
    integral: bool


def _lp(space: Space, coefficient: list[float], musts: dict[int, float] | None = None,
        floor: float | None = None, cost: list[float] | None = None
        ) -> tuple[pywraplp.Solver, list, int] | None:
    """Solve max sum coefficient*x (+ must indicators) over the packing polytope; with
    `floor` and `cost`, minimise the cost among points whose value reaches the floor."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    x = [solver.NumVar(1.0 if i in space.fixed else 0.0, 1.0, "")
         for i in range(len(space.vars))]
    inf = solver.infinity()
    for packing in space.constraints:
        row = solver.Constraint(-inf, float(packing.cap))
        for v in packing.vars:
            row.SetCoefficient(x[v], 1.0)
    objective = solver.Objective()
    value = objective if floor is None else solver.Constraint(floor, inf)
    for i, c in enumerate(coefficient):
        if c:
            value.SetCoefficient(x[i], c)
    if musts:
        by_request = space.by_request()
        for r, scale in sorted(musts.items()):
            placed = solver.NumVar(0.0, 1.0, "")
            row = solver.Constraint(-inf, 0.0)
            row.SetCoefficient(placed, 1.0)
            for v in by_request.get(r, []):
                row.SetCoefficient(x[v], -1.0)
            value.SetCoefficient(placed, scale)
    if floor is None:
        objective.SetMaximization()
    else:
        for i, c in enumerate(cost or []):
            if c:
                objective.SetCoefficient(x[i], c)
        objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return None
    return solver, x, status


def lp_bound(space: Space) -> int:
    """The floor of the LP relaxation's optimum: no schedule places more meetings."""
    if not space.vars:
        return len(space.fixed)
    if len(space.vars) > LP_MAX_VARS:
        return capacity_bound(space)
    solved = _lp(space, [1.0] * len(space.vars))
    if solved is None:
        return trivial_bound(space)
    value = solved[0].Objective().Value()
    return min(math.floor(value + EPS), trivial_bound(space))


def priority_relaxation(space: Space, coefficient: list[int],
                        musts: dict[int, int]) -> Relaxation | None:
    """The LP of the priority level: its floored optimum bounds every schedule's value."""
    if not space.vars or len(space.vars) > LP_MAX_VARS:
        return None
    solved = _lp(space, [float(c) for c in coefficient],
                 {r: float(s) for r, s in musts.items()})
    if solved is None:
        return None
    solver, x, _ = solved
    values = [xi.solution_value() for xi in x]
    ones = {i for i, v in enumerate(values) if v > 1 - EPS}
    integral = all(v < EPS or v > 1 - EPS for v in values)
    return Relaxation(math.floor(solver.Objective().Value() + EPS), ones, integral)


def compact_relaxation(space: Space, coefficient: list[int], musts: dict[int, int],
                       value: int) -> set[int] | None:
    """Among LP points of priority value >= value, one that places meetings in the
    earliest positions of their day (few idle slots, as first-fit does); its candidates
    if the point is integral, else None."""
    if not space.vars or len(space.vars) > LP_MAX_VARS:
        return None
    cost = [float(space.slots[var.slot].position) for var in space.vars]
    solved = _lp(space, [float(c) for c in coefficient],
                 {r: float(s) for r, s in musts.items()}, float(value), cost)
    if solved is None:
        return None
    values = [xi.solution_value() for xi in solved[1]]
    if not all(v < EPS or v > 1 - EPS for v in values):
        return None
    return {i for i, v in enumerate(values) if v > 1 - EPS}


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
