"""Upper bounds: the LP relaxation of the packing model (GLOP), or a max-flow bound.

Every hard rule is a packing constraint over candidates, so the optimum of the LP
"maximise the number of candidates, 0 <= x <= 1, every packing constraint" is at
least the number of meetings any valid schedule places; its floor is the bound.
The same LP with the priority objective (scheduler.solver.cpsat.Lexicographic.priority)
bounds the priority level; when its optimum is integral (often, on missions), its
solution is a schedule that is optimal for that level, proven without a search; its
duals then name the rows every schedule of that value fills (forced_meetings), from
which the idle level takes its floors.
Coefficients are set directly on the GLOP constraints: building Python expressions
costs far more than solving.

Above LP_MAX_VARS the LP takes minutes; the bound is then the fractional
b-matching of the request graph, as a max flow on its bipartite double cover: each
company has as many places as its caps, its free slots (delegate-slots for parallel
companies) and its requests allow; each request carries at most its meetings. A
schedule of k meetings is a flow of 2k, so half the maximum flow bounds every
schedule. It is much tighter than counting places, because a popular company's
places can only be used with partners who still have places of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.graph.python import max_flow
from ortools.linear_solver import pywraplp

from scheduler.solver.space import Space

LP_MAX_VARS = 200_000  # above this, the combinatorial bound (the LP takes minutes)
EPS = 1e-6
BOUND_EPS = 1e-3  # a bound that becomes a cut: rounding up only loosens it (solver noise)


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
        return min(capacity_bound(space), flow_bound(space, space_pairs(space)))
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


def forced_meetings(space: Space, coefficient: list[int], musts: dict[int, int],
                    value: int) -> list[tuple[int, list[int]]]:
    """(n, candidates): exactly n of them are placed in every schedule whose priority
    value reaches `value`. By LP duality such a schedule gives up y * s of the LP
    optimum for a row with dual y and s free places (and |reduced cost| for a candidate
    off its LP bound), so a row whose dual exceeds LP optimum - value is full in each
    such schedule, and a candidate at 1 with such a reduced cost is always placed."""
    if not space.vars or len(space.vars) > LP_MAX_VARS:
        return []
    solved = _lp(space, [float(c) for c in coefficient],
                 {r: float(s) for r, s in musts.items()})
    if solved is None:
        return []
    solver, x, _ = solved
    optimum = solver.Objective().Value()
    margin = optimum - value + EPS * max(1.0, abs(optimum))  # float noise: stay safe
    rows = solver.constraints()
    out = [(packing.cap, list(packing.vars)) for k, packing in enumerate(space.constraints)
           if abs(rows[k].dual_value()) > margin]
    return out + [(1, [i]) for i, xi in enumerate(x)
                  if xi.solution_value() > 1 - EPS and abs(xi.reduced_cost()) > margin]


def fairness_relaxation(space: Space, coefficient: list[int], musts: dict[int, int],
                        value: int, shares: list[tuple[int, list[int]]], scale: int,
                        companies: list[int]) -> int | None:
    """An upper bound on the fairness level (scale times the smallest placed/requested
    share, shares = (requested, candidates) per company) over schedules whose priority
    value reaches `value`: the floored LP optimum of the smallest share, and for the
    shares listed in `companies` scale * (floored LP maximum of its meetings) // requested,
    an integral bound per company (each share bounds the smallest one)."""
    if not space.vars or len(space.vars) > LP_MAX_VARS or not shares:
        return None
    solved = _lp(space, [float(c) for c in coefficient],
                 {r: float(s) for r, s in musts.items()}, float(value), [])
    if solved is None:
        return None
    solver, x, _ = solved
    z = solver.NumVar(0.0, float(scale), "")
    for n, vars_ in shares:
        row = solver.Constraint(0.0, solver.infinity())
        for v in vars_:
            row.SetCoefficient(x[v], float(scale))
        row.SetCoefficient(z, -float(n))
    objective = solver.Objective()
    objective.SetCoefficient(z, 1.0)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    best = math.floor(z.solution_value() + BOUND_EPS)
    z.SetBounds(0.0, 0.0)  # the share rows then hold for any x
    for k in companies:
        n, vars_ = shares[k]
        objective.Clear()
        for v in vars_:
            objective.SetCoefficient(x[v], 1.0)
        objective.SetMaximization()  # Clear resets the direction
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            continue
        best = min(best, scale * math.floor(objective.Value() + BOUND_EPS) // n)
    return best


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


Pair = tuple[str, str, int]  # two companies and the meetings they could have


def flow_bound(space: Space, pairs: list[Pair]) -> int:
    """Half the max flow of the double cover of the request graph (see the module doc)."""
    places = company_places(space, pairs)
    ids = {c: i for i, c in enumerate(sorted(places))}
    n = len(ids)
    source, sink = 2 * n, 2 * n + 1
    flow = max_flow.SimpleMaxFlow()
    for c, i in ids.items():
        flow.add_arc_with_capacity(source, i, places[c])
        flow.add_arc_with_capacity(n + i, sink, places[c])
    for a, b, m in pairs:
        flow.add_arc_with_capacity(ids[a], n + ids[b], m)
        flow.add_arc_with_capacity(ids[b], n + ids[a], m)
    if not pairs or flow.solve(source, sink) != flow.OPTIMAL:
        return sum(m for _, _, m in pairs)
    return flow.optimal_flow() // 2


def company_places(space: Space, pairs: list[Pair]) -> dict[str, int]:
    """Meetings a company could have: min(its cap, per-session caps and free slots,
    the meetings it could have with the partners that asked)."""
    asked: dict[str, int] = {}
    for a, b, m in pairs:
        asked[a] = asked.get(a, 0) + m
        asked[b] = asked.get(b, 0) + m
    sessions = {s.id: s for s in space.folder.mission.partnering}
    out = {}
    for cid, wanted in asked.items():
        company = space.folder.companies[cid]
        per_session: dict[str, int] = {}
        for slot, people in space.people.get(cid, {}).items():
            sid = space.slots[slot].session
            per_session[sid] = per_session.get(sid, 0) + (len(people) if company.parallel else 1)
        free = sum(min(n, sessions[sid].max_meetings_per_company or n)
                   for sid, n in per_session.items())
        cap = company.max_meetings if company.max_meetings is not None else wanted
        out[cid] = min(cap, free, wanted)
    return out


def space_pairs(space: Space) -> list[Pair]:
    """The pairs of requests that have candidates, with their possible meetings."""
    by_request = space.by_request()
    out = []
    for r, vars_ in sorted(by_request.items()):
        q = space.requests[r]
        slots = len({space.vars[v].slot for v in vars_})
        out.append((q.companies[0], q.companies[1], min(q.meetings, slots)))
    return out


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
