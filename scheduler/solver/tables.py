"""Level 5, after the slots: which table of its pool each meeting gets, and delegates.

Tables of one pool (a session's tables or video rooms, a booth's) are interchangeable,
so the slot solve only counts meetings per pool; here each pool's meetings of a day
get distinct tables per slot, minimising the number of times a company changes table
between consecutive meetings (a stationary company keeps its table). A small CP-SAT
per pool and day, hinted with a greedy assignment, does it; given the slots the
result is optimal when the solve proves it (pools too large fall back to the greedy).
Meetings kept from the previous schedule keep their table first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ortools.sat.python import cp_model

from scheduler.meaning import booth_tables, session_tables
from scheduler.meaning.wishes import attending
from scheduler.solver.space import TABLES, VIDEO, Space

MAX_CELLS = 40_000  # meetings x tables above which the greedy assignment is kept


@dataclass(frozen=True)
class Seat:
    """Where a placed candidate is held: table (or video room) name and booth id."""

    table: str | None
    booth: str | None


def pool_tables(space: Space, session_id: str, pool: str) -> tuple[list[str], str | None]:
    """The table names of a pool and its booth id."""
    session = space.folder.session(session_id)
    if pool == TABLES:
        return session_tables(session), None
    booth = next(b for b in session.booths if f"booth:{b.id}" == pool)
    return booth_tables(booth), booth.id


def assign_tables(space: Space, chosen: set[int], previous: dict[int, str],
                  seed: int = 0, optimise: bool = True) -> dict[int, Seat]:
    """A seat for every chosen candidate; `previous` maps candidates to their old table."""
    groups: dict[tuple[str, date, str], list[int]] = defaultdict(list)  # session, day, pool
    seats: dict[int, Seat] = {}
    for v in sorted(chosen):
        var = space.vars[v]
        slot = space.slots[var.slot]
        if var.pool == VIDEO:
            seats[v] = Seat(None, None)
        else:
            groups[(slot.session, slot.day, var.pool)].append(v)
    for (session, _day, pool), vars_ in sorted(groups.items()):
        names, booth = pool_tables(space, session, pool)
        table_of = _assign_pool(space, vars_, names, previous, seed) if optimise \
            else _greedy(space, vars_, names, previous)
        seat = {k: Seat(names[k], booth) for k in set(table_of.values())}
        seats.update({v: seat[k] for v, k in table_of.items()})
    return seats


def _greedy(space: Space, vars_: list[int], names: list[str], previous: dict[int, str]
            ) -> dict[int, int]:
    """Slot by slot: old table, then a company's last table, then the first free one."""
    last: dict[str, int] = {}
    out: dict[int, int] = {}
    position = {name: k for k, name in enumerate(names)}
    by_slot = _by_slot(space, vars_)
    for slot in sorted(by_slot):
        taken = {out[v] for v in by_slot[slot] if v in out}  # longer meetings going on
        lowest = 0  # no table below this one is free (tables only fill up within a slot)
        here = sorted((v for v in by_slot[slot] if v not in out),
                      key=lambda v: (previous.get(v) not in position, v))
        for v in here:
            wishes = [position[previous[v]]] if previous.get(v) in position else []
            wishes += [last[c] for c in space.companies(space.vars[v]) if c in last]
            pick = next((k for k in wishes if k not in taken), None)
            if pick is None:
                while lowest in taken:
                    lowest += 1
                pick = lowest
            out[v] = pick
            taken.add(pick)
            for c in space.companies(space.vars[v]):
                last[c] = pick
    return out


def _assign_pool(space: Space, vars_: list[int], names: list[str], previous: dict[int, str],
                 seed: int) -> dict[int, int]:
    """Tables for one pool and day: CP-SAT minimising table changes, greedy as hint."""
    start = _greedy(space, vars_, names, previous)
    if len(vars_) * len(names) > MAX_CELLS or len(names) == 1 or not _moves(space, start):
        return start
    model = cp_model.CpModel()
    t = {(v, k): model.new_bool_var("") for v in vars_ for k in range(len(names))}
    by_slot = _by_slot(space, vars_)
    for v in vars_:
        model.add_exactly_one(t[(v, k)] for k in range(len(names)))
        if previous.get(v) in names:
            model.add(t[(v, names.index(previous[v]))] == 1)
        model.add_hint(t[(v, start[v])], True)
    for same in by_slot.values():
        for k in range(len(names)):
            model.add_at_most_one(t[(v, k)] for v in same)
    changes = []
    for c, seq in sorted(_sequences(space, vars_).items()):
        for a, b in zip(seq, seq[1:], strict=False):
            moved = model.new_bool_var(f"{c}")
            for k in range(len(names)):
                model.add(moved >= t[(a, k)] - t[(b, k)])
            changes.append(moved)
    if not changes:
        return start
    model.minimize(sum(changes))
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = 0.25
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start
    return {v: k for (v, k), var in t.items() if solver.boolean_value(var)}


def _by_slot(space: Space, vars_: list[int]) -> dict[int, list[int]]:
    """Slot -> the meetings at a table then (a longer meeting in each slot it takes, so it
    keeps one table throughout)."""
    out: dict[int, list[int]] = defaultdict(list)
    for v in vars_:
        for s in space.covers(space.vars[v]):
            out[s].append(v)
    return out


def _moves(space: Space, table_of: dict[int, int]) -> int:
    """How many times a company changes table between consecutive meetings of a pool."""
    return sum(table_of[a] != table_of[b]
               for seq in _sequences(space, list(table_of)).values()
               for a, b in zip(seq, seq[1:], strict=False))


def _sequences(space: Space, vars_: list[int]) -> dict[str, list[int]]:
    """Company -> its meetings of the pool in slot order."""
    out: dict[str, list[int]] = defaultdict(list)
    for v in sorted(vars_, key=lambda v: space.vars[v].slot):
        for c in space.companies(space.vars[v]):
            out[c].append(v)
    return out


def assign_delegates(space: Space, chosen: set[int]) -> dict[int, dict[str, list[str]]]:
    """Who attends each chosen candidate: every free delegate its wishes allow; for a
    parallel company one of them, found over all its meetings at once so that a longer
    meeting keeps its person to its end (its holder, scheduler.solver.named: the rows make
    sure the others can be matched)."""
    out: dict[int, dict[str, list[str]]] = {v: {} for v in chosen}
    instants = sorted({s.utc for s in space.slots})
    rank = {s.index: instants.index(s.utc) for s in space.slots}  # slots in time order
    parallel: dict[str, dict[int, list[str]]] = defaultdict(dict)  # company -> v -> free
    for v in sorted(chosen, key=lambda v: (rank[space.vars[v].slot], v)):
        var = space.vars[v]
        terms = space.requests[var.request].terms
        long = space.long(var)
        for c in space.companies(var):
            free = attending(terms, c, long.people[c] if long else space.people[c][var.slot])
            if space.folder.companies[c].parallel:
                parallel[c][v] = free
            else:
                out[v][c] = list(free)
    for c, meetings in sorted(parallel.items()):
        spans = {v: _span(space, v) for v in meetings}
        for v, pick in _people(meetings, spans).items():
            out[v][c] = [pick]
    return out


def _span(space: Space, v: int) -> tuple[datetime, datetime]:
    """When candidate v's meeting runs, in UTC (a longer meeting to its own end)."""
    var = space.vars[v]
    start, end = space.slots[var.slot].utc
    long = space.long(var)
    return start, long.end.astimezone(UTC) if long else end


SEARCH_STEPS = 20_000  # tries per company before the first-free assignment is kept


def _people(options: dict[int, list[str]], spans: dict[int, tuple[datetime, datetime]]
            ) -> dict[int, str]:
    """Meetings (in start order) -> one person each, never one person in two meetings
    that overlap: depth-first, each meeting trying its first free person first (so
    without names, or when that never fails, it is the plain first-free assignment)."""
    order = list(options)
    before = {v: [u for u in order[:i] if spans[u][0] < spans[v][1]
                  and spans[v][0] < spans[u][1]] for i, v in enumerate(order)}
    picks: dict[int, str] = {}
    tries: list[list[str]] = []
    steps = 0
    while len(picks) < len(order) and steps < SEARCH_STEPS:
        steps += 1
        v = order[len(picks)]
        if len(tries) == len(picks):  # first visit: the people still free for v
            taken = {picks[u] for u in before[v]}
            tries.append([d for d in options[v] if d not in taken])
        if tries[-1]:
            picks[v] = tries[-1].pop(0)
        elif picks:  # nobody left for v: undo the meeting before and try its next person
            tries.pop()
            picks.popitem()
        else:
            break
    if len(picks) == len(order):
        return picks
    return _first_free(order, options, before)


def _first_free(order: list[int], options: dict[int, list[str]],
                before: dict[int, list[int]]) -> dict[int, str]:
    """Each meeting its first person not in an overlapping earlier one (else its first)."""
    picks: dict[int, str] = {}
    for v in order:
        taken = {picks[u] for u in before[v]}
        picks[v] = next((d for d in options[v] if d not in taken), options[v][0])
    return picks
