"""Baseline: one CP-SAT model of the whole problem, no decomposition, no warm start.

A Boolean per (meeting of a request, slot, pool) where both companies can meet;
rules as constraints, the objective the placed priority weight (must-haves
weigh more than everything else together). Delegates and table names are given
after solving, in slot order. It exists to show what a straightforward model
achieves in the same time limit as the real solver (`mission bench`).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import Request, build_requests
from scheduler.schedule import Meeting, Schedule, Unplaced
from scheduler.tooling.baselines import Grid, Pool, Slot, State, assemble, make_meeting

Key = tuple[int, int, int, int]  # request index, meeting number, slot index, pool index
UNPLACED = "not placed by the monolithic CP-SAT model within its time limit"


def candidates(grid: Grid, requests: list[Request]) -> dict[Key, tuple[Slot, Pool]]:
    """Every (meeting, slot, pool) where both companies have a free delegate."""
    out: dict[Key, tuple[Slot, Pool]] = {}
    for r, request in enumerate(requests):
        a, b = request.companies
        for slot in grid.slots:
            if not (grid.delegates_at(a, slot) and grid.delegates_at(b, slot)):
                continue
            for p, pool in enumerate(grid.pools(slot.session, a, b)):
                for number in range(1, request.meetings + 1):
                    out[(r, number, slot.index, p)] = slot, pool
    return out


def capacity(grid: Grid, cid: str, slot: Slot) -> int:
    """Meetings a company can hold at once at a slot."""
    company = grid.folder.companies[cid]
    return len(grid.delegates_at(cid, slot)) if company.parallel else 1


def add_rules(model: cp_model.CpModel, grid: Grid, requests: list[Request],
              x: dict[Key, cp_model.IntVar], where: dict[Key, tuple[Slot, Pool]]) -> None:
    """one_meeting_at_a_time, table_capacity, caps and requested_pair as constraints."""
    per_meeting, per_company_slot = defaultdict(list), defaultdict(list)
    per_table, per_company, per_company_session = defaultdict(list), defaultdict(list), \
        defaultdict(list)
    per_session, sizes = defaultdict(list), {}
    for key, var in x.items():
        r, number, s, _ = key
        slot, pool = where[key]
        per_meeting[(r, number)].append(var)
        per_table[(s, pool.key)].append(var)
        sizes[(s, pool.key)] = len(pool.tables)
        per_session[slot.session].append(var)
        for cid in requests[r].companies:
            per_company_slot[(cid, s)].append(var)
            per_company[cid].append(var)
            per_company_session[(cid, slot.session)].append(var)
    for (r, number), variables in per_meeting.items():
        model.add_at_most_one(variables)
        if number > 1:
            model.add(sum(variables) <= sum(per_meeting[(r, number - 1)]))
    for table, variables in per_table.items():
        if len(variables) > sizes[table]:
            model.add(sum(variables) <= sizes[table])
    _one_at_a_time(model, grid, per_company_slot)
    _caps(model, grid, per_company, per_company_session, per_session)


def _one_at_a_time(model: cp_model.CpModel, grid: Grid,
                   per_company_slot: dict[tuple[str, int], list]) -> None:
    """A company holds at most `capacity` meetings over slots overlapping each slot start."""
    for (cid, s), _ in list(per_company_slot.items()):
        slot = grid.slots[s]
        clique = [v for j in grid.conflicts[s] if grid.slots[j].utc[0] <= slot.utc[0]
                  for v in per_company_slot.get((cid, j), [])]
        if len(clique) > capacity(grid, cid, slot):
            model.add(sum(clique) <= capacity(grid, cid, slot))


def _caps(model: cp_model.CpModel, grid: Grid, per_company: dict, per_company_session: dict,
          per_session: dict) -> None:
    """company_cap and session_cap."""
    for cid, variables in per_company.items():
        cap = grid.folder.companies[cid].max_meetings
        if cap is not None and len(variables) > cap:
            model.add(sum(variables) <= cap)
    for (_, sid), variables in per_company_session.items():
        cap = grid.sessions[sid].max_meetings_per_company
        if cap is not None and len(variables) > cap:
            model.add(sum(variables) <= cap)
    for sid, variables in per_session.items():
        cap = grid.sessions[sid].max_meetings
        if cap is not None and len(variables) > cap:
            model.add(sum(variables) <= cap)


def solve_monolithic(folder: MissionFolder, time_limit: float, seed: int = 0,
                     workers: int = 1, grid: Grid | None = None) -> Schedule:
    """The monolithic CP-SAT baseline schedule of a mission."""
    grid = grid or Grid(folder)
    requests = build_requests(folder)
    where = candidates(grid, requests)
    model = cp_model.CpModel()
    x = {key: model.new_bool_var("") for key in where}
    add_rules(model, grid, requests, x, where)
    big = 1 + sum(r.weight * r.meetings for r in requests)
    model.maximize(sum((requests[k[0]].weight + (big if requests[k[0]].must else 0)) * v
                       for k, v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    # One thread: interleave the portfolio, else the default LP-guided search finds no
    # first solution of the mission preset within 10 s.
    solver.parameters.interleave_search = workers == 1
    status = solver.solve(model)
    chosen = [k for k, v in x.items() if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
              and solver.value(v)]
    schedule = realise(grid, requests, chosen, where)
    schedule.quality.status = ("optimal" if status == cp_model.OPTIMAL else
                               "feasible" if chosen else "empty")
    schedule.solver.update({"time_limit": time_limit, "seed": seed, "workers": workers,
                            "variables": len(x)})
    return schedule


def realise(grid: Grid, requests: list[Request], chosen: list[Key],
            where: dict[Key, tuple[Slot, Pool]]) -> Schedule:
    """Meetings from the chosen keys: delegates and tables given in slot order."""
    state = State(grid)
    meetings: list[Meeting] = []
    placed: dict[int, int] = defaultdict(int)  # request index -> meetings placed
    for key in sorted(chosen, key=lambda k: (k[2], k[0], k[1])):
        slot, pool = where[key]
        request = requests[key[0]]
        a, b = request.companies
        first, second = state.attendees(a, slot), state.attendees(b, slot)
        if not (first and second) or state.tables[(slot.index, pool.key)] >= len(pool.tables):
            continue  # cannot happen unless delegates' availability differs; left unplaced
        table = state.take(slot, pool, a, b, first + second)
        placed[key[0]] += 1
        meetings.append(make_meeting(grid, request, placed[key[0]], slot, pool, table,
                                     first + second))
    unplaced = [Unplaced(request=r.id, companies=list(r.companies), priority=r.priority,
                         meetings=r.meetings - placed[i], reason=UNPLACED)
                for i, r in enumerate(requests) if placed[i] < r.meetings]
    return assemble(grid, requests, meetings, unplaced, "cpsat-monolithic")
