"""The schedules the neighbourhood search (scheduler.solver.lns) works on: a set of
candidates of a CP-SAT space (its packing constraints are the resources), and the
large-event board (scheduler.solver.board, its resources as they are). Both keep the
movable meetings of each company-day as they change, so a neighbourhood costs what
it touches, not the size of the mission.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

from scheduler.solver.board import Board, Option, bits
from scheduler.solver.greedy import constraints_of
from scheduler.solver.idle import company_day_floors
from scheduler.solver.lns import Cand, Hood, improve
from scheduler.solver.polish import polish
from scheduler.solver.search import Search
from scheduler.solver.space import CompanyDayKey, DayKey, Space, Var

Places = tuple[tuple[CompanyDayKey, int], ...]  # (company-day, position) per company


def parallel_companies(space: Space) -> set[str]:
    """Companies whose delegates meet in parallel."""
    return {c for c, company in space.folder.companies.items() if company.parallel}


def places_of(space: Space, var: Var) -> Places:
    """(company-day, position) of a meeting, for both its companies."""
    slot = space.slots[var.slot]
    return tuple(((c, slot.session, slot.day), slot.position)
                 for c in sorted(set(space.companies(var))))


class SpaceSchedule:
    """Chosen candidates of a space; `frozen` ones never move."""

    def __init__(self, space: Space, chosen: set[int], frozen: set[int]) -> None:
        self.space, self.chosen, self.frozen = space, set(chosen), frozen
        self.member = constraints_of(space)
        self.room = [p.cap for p in space.constraints]
        self.parallel = parallel_companies(space)
        self.places = [places_of(space, var) for var in space.vars]
        self.on_day: dict[tuple[int, DayKey], list[int]] = defaultdict(list)
        for v, var in enumerate(space.vars):
            self.on_day[(var.request, self.places[v][0][0][1:])].append(v)
        self.used: dict[CompanyDayKey, Counter[int]] = defaultdict(Counter)
        self.movable: dict[CompanyDayKey, set[int]] = defaultdict(set)
        for v in sorted(self.chosen):
            self._book(v, -1)

    def _book(self, v: int, step: int) -> None:
        """Take (-1) or free (+1) candidate v's room and positions."""
        for k in self.member[v]:
            self.room[k] += step
        for key, p in self.places[v]:
            self.used[key][p] -= step
            if v not in self.frozen:
                (self.movable[key].add if step < 0 else self.movable[key].discard)(v)

    def company_days(self) -> list[CompanyDayKey]:
        """Every company-day with a meeting."""
        return sorted(k for k, c in self.used.items() if +c)

    def day_idle(self, key: CompanyDayKey) -> int:
        """Idle slots of one company-day now."""
        used = [p for p, n in self.used[key].items() if n > 0]
        return max(used) - min(used) + 1 - len(used) if used else 0

    def meetings_of(self, key: CompanyDayKey) -> list[tuple[Hashable, tuple[str, str]]]:
        """The movable meetings of one company-day."""
        return [(v, self.space.companies(self.space.vars[v]))
                for v in sorted(self.movable[key])]

    def hood(self, key: DayKey, freed: list[Hashable]) -> Hood:
        """Free these candidates; every candidate of their requests that day may take
        their place."""
        out = {int(v) for v in freed}  # type: ignore[call-overload]
        need: dict[int, int] = defaultdict(int)
        for v in out:
            need[self.space.vars[v].request] += 1
        vars_ = sorted(v for r in need for v in self.on_day[(r, key)]
                       if v in out or v not in self.chosen)
        room: dict[Hashable, int] = {k: self.room[k] for v in vars_ for k in self.member[v]}
        for v in out:
            for k in self.member[v]:
                room[k] += 1
        fixed: dict[CompanyDayKey, set[int]] = {}
        for cd in {cd for v in vars_ for cd, _ in self.places[v]}:
            here = Counter(self.used[cd])
            for v in out:
                for k, p in self.places[v]:
                    if k == cd:
                        here[p] -= 1
            fixed[cd] = {p for p, n in here.items() if n > 0}
        cands = [Cand(self.space.vars[v].request, v, tuple(self.member[v]), self.places[v])
                 for v in vars_]
        current = {i for i, v in enumerate(vars_) if v in out}
        return Hood(cands, room, dict(need), fixed, current, self.parallel)

    def apply(self, hood: Hood, chosen: list[int]) -> None:
        """Replace the hood's current candidates by `chosen`."""
        for i in sorted(hood.current):
            v = int(hood.cands[i].ref)  # type: ignore[call-overload]
            self.chosen.discard(v)
            self._book(v, 1)
        for i in sorted(chosen):
            v = int(hood.cands[i].ref)  # type: ignore[call-overload]
            self.chosen.add(v)
            self._book(v, -1)


class BoardSchedule:
    """The placed meetings of a large-event board; its frozen ones never move."""

    def __init__(self, board: Board, opts: dict[int, list[Option]]) -> None:
        self.board, self.opts = board, opts
        self.parallel = parallel_companies(board.space)
        self.movable: dict[CompanyDayKey, set[int]] = defaultdict(set)
        for n, var in board.placed.items():
            if not board.pinned(n):
                self._index(n, var, True)

    def _index(self, n: int, var: Var, add: bool) -> None:
        """Add or remove a movable meeting from its company-days."""
        for key, _ in places_of(self.board.space, var):
            (self.movable[key].add if add else self.movable[key].discard)(n)

    def company_days(self) -> list[CompanyDayKey]:
        """Every company-day with a meeting."""
        return sorted(k for k, mask in self.board.days.items() if mask)

    def day_idle(self, key: CompanyDayKey) -> int:
        """Idle slots of one company-day now."""
        mask = self.board.days.get(key, 0)
        return mask.bit_length() - (mask & -mask).bit_length() + 1 - mask.bit_count() \
            if mask else 0

    def meetings_of(self, key: CompanyDayKey) -> list[tuple[Hashable, tuple[str, str]]]:
        """The movable meetings of one company-day."""
        return [(n, self.board.pairs[self.board.placed[n].request])
                for n in sorted(self.movable[key])]

    def hood(self, key: DayKey, freed: list[Hashable]) -> Hood:
        """Drop these meetings from the board (apply puts meetings back); every slot
        and pool of their requests that day may take their place."""
        board, space = self.board, self.board.space
        old = []
        for n in freed:
            var = board.drop(int(n))  # type: ignore[call-overload]
            self._index(int(n), var, False)  # type: ignore[call-overload]
            old.append(var)
        need: dict[int, int] = defaultdict(int)
        for var in old:
            need[var.request] += 1
        cands = []
        for r in sorted(need):
            for option in self.opts[r]:
                if option.session == key[0]:
                    for s in bits(option.mask & board.day_mask[key]):
                        var = Var(r, s, option.pool)
                        cands.append(Cand(r, var, tuple(board.resources(r, s, option.pool)),
                                          places_of(space, var)))
        room = {k: board.room[k] for cand in cands for k in cand.keys}
        touched = sorted({k for cand in cands for k, _ in cand.places})
        fixed = {k: set(bits(board.days.get(k, 0))) for k in touched}
        index = {cand.ref: i for i, cand in enumerate(cands)}
        return Hood(cands, room, dict(need), fixed, {index[var] for var in old},
                    self.parallel)

    def apply(self, hood: Hood, chosen: list[int]) -> None:
        """Place the chosen candidates (the hood's meetings are already dropped)."""
        for i in sorted(chosen):
            var = hood.cands[i].ref
            assert isinstance(var, Var)
            self._index(self.board.take(var), var, True)


@dataclass
class IdleFound:
    """The idle level's schedule from neighbourhood search, its idle slots, the lower
    bound (the company-day floors) and the relative gap between them."""

    chosen: set[int]
    idle: int
    bound: int
    gap: float


def idle_search(search: Search, solution: set[int], polished: set[int] | None,
                frozen: set[int], budget: float, forced: list[tuple[int, list[int]]]
                ) -> IdleFound:
    """The idle level above WHOLE_MAX_VARS (scheduler.solver.levels): polish, then
    neighbourhood search on the space's candidates for `budget` seconds, charged to
    the search; `forced` (scheduler.solver.bound.forced_meetings) gives the floors."""
    space = search.space
    floors = company_day_floors(space, forced)
    if solution != polished:
        solution = polish(space, solution, frozen)
    schedule = SpaceSchedule(space, solution, frozen)
    result = improve(schedule, budget, search.settings.seed, floors,
                     lambda: search.interrupted)
    search.spent += result.spent
    search.interrupted |= result.interrupted
    bound = sum(floors.values())
    if search.settings.progress:
        search.settings.progress(
            f"idle: {result.hoods} neighbourhoods searched, {result.saved} idle slots "
            f"fewer, {result.idle} left (at least {bound})")
    return IdleFound(schedule.chosen, result.idle, bound,
                     round((result.idle - bound) / max(1, result.idle), 6))
