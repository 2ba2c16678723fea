"""The idle level's CP-SAT formulation (level 4, scheduler.solver.levels.IdleLevel).

Per company-day: one boolean per window [w, e] between two usable positions (exactly
one, or `none` on a day without meetings), both ends used, every used position inside
the window; one gap boolean per position strictly inside the company's span, equal to
"covered by the window and unused". The idle slots of the company-day are the sum of
its gaps. Tight neighbourhoods (restrict) keep a day's meetings and forbid windows
longer than a company's meetings plus its floor: small models that CP-SAT solves fast.
A company-day's floor (set_floors) is the idle every schedule of the earlier
levels has there: positions without a candidate inside the shortest span that holds the
meetings forced on that day (scheduler.solver.bound.forced_meetings).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solver.space import CompanyDayKey, DayKey, Space


@dataclass
class CompanyDay:
    """The helper variables of one company-day."""

    parallel: bool
    busy: dict[int, list[int]]  # position -> candidate indices
    wins: list[tuple[int, int, cp_model.IntVar]]
    none: cp_model.IntVar
    gaps: list[tuple[int, cp_model.IntVar]]
    floor: int = 0  # idle slots every schedule of the earlier levels has here

    def idle(self, chosen: set[int]) -> int:
        """Idle slots of this company-day in a set of candidates."""
        used = [p for p, vars_ in self.busy.items() if any(v in chosen for v in vars_)]
        return max(used) - min(used) + 1 - len(used) if used else 0


class IdleWindows:
    """Builds the formulation on a model and answers questions about it."""

    def __init__(self, space: Space, model: cp_model.CpModel, x: list,
                 aux_here: list[tuple[cp_model.IntVar, list[int]]]) -> None:
        self.space, self.model, self.x, self.aux_here = space, model, x, aux_here
        self.by_day: dict[DayKey, list[CompanyDay]] = defaultdict(list)
        self.entries: list[CompanyDay] = []  # in the order they were built
        self.by_key: dict[CompanyDayKey, CompanyDay] = {}
        self.gaps_by_day: dict[DayKey, list[cp_model.IntVar]] = {}  # set by build
        self.floors: dict[DayKey, int] = {}  # set by set_floors

    def build(self) -> dict[DayKey, list[cp_model.IntVar]]:
        """Add the formulation; return the gap booleans of each session day."""
        busy: dict[CompanyDayKey, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        slots = self.space.slots
        for i, var in enumerate(self.space.vars):
            taken = self.space.covers(var) if self.space.spans else (var.slot,)
            for s in taken:  # every slot of a longer meeting is busy
                slot = slots[s]
                for c in self.space.companies(var):
                    busy[(c, slot.session, slot.day)][slot.position].append(i)
        gaps: dict[DayKey, list[cp_model.IntVar]] = defaultdict(list)
        for key in sorted(busy):
            entry = self._company_day(busy[key], self.space.folder.companies[key[0]].parallel)
            if entry:
                self.by_day[key[1:]].append(entry)
                self.entries.append(entry)
                self.by_key[key] = entry
                gaps[key[1:]] += [g for _, g in entry.gaps]
        self.gaps_by_day = gaps
        return gaps

    def _company_day(self, busy: dict[int, list[int]], parallel: bool) -> CompanyDay | None:
        """Windows and gaps of one company-day (None when it cannot have a gap)."""
        first, last = min(busy), max(busy)
        if last - first < 2:
            return None
        m, x = self.model, self.x
        b: dict[int, cp_model.LinearExpr] = {}
        for p, vars_ in sorted(busy.items()):
            if parallel and len(vars_) > 1:
                here = m.new_bool_var("")
                m.add_max_equality(here, [x[v] for v in vars_])
                self.aux_here.append((here, vars_))
                b[p] = here
            else:
                b[p] = sum(x[v] for v in vars_)
        positions = sorted(b)
        wins = [(w, e, m.new_bool_var("")) for i, w in enumerate(positions)
                for e in positions[i:]]
        none = m.new_bool_var("")
        m.add_exactly_one([none] + [y for _, _, y in wins])
        cover = {p: [y for w, e, y in wins if w <= p <= e] for p in range(first, last + 1)}
        for p in positions:
            m.add(b[p] <= sum(cover[p]))
        for w, e, y in wins:
            m.add(b[w] >= 1).only_enforce_if(y)
            m.add(b[e] >= 1).only_enforce_if(y)
        gaps = []
        for p in range(first + 1, last):
            g = m.new_bool_var("")
            m.add(g == sum(cover[p]) - b.get(p, 0))
            gaps.append((p, g))
        return CompanyDay(parallel, busy, wins, none, gaps)

    def set_floors(self, forced: list[tuple[int, list[int]]]) -> dict[DayKey, int]:
        """Set each company-day's floor from forced meetings (see company_day_floors);
        return the floors summed per session day."""
        each = company_day_floors(self.space, forced)
        floors: dict[DayKey, int] = defaultdict(int)
        for key, entry in sorted(self.by_key.items()):
            entry.floor = each.get(key, 0)
            if key in each:
                floors[key[1:]] += entry.floor
        self.floors = dict(floors)
        return self.floors

    def day_idle(self, key: DayKey, chosen: set[int]) -> int:
        """Idle slots of one session day in a set of candidates."""
        return sum(entry.idle(chosen) for entry in self.by_day.get(key, ()))

    def restrict(self, model: cp_model.CpModel, key: DayKey, solution: set[int]) -> None:
        """A tight neighbourhood of one day: each request keeps its number of meetings
        that day, and a company with one delegate has no idle slot above its floor."""
        by_request: dict[int, list[int]] = defaultdict(list)
        for i, var in enumerate(self.space.vars):
            slot = self.space.slots[var.slot]
            if (slot.session, slot.day) == key:
                by_request[var.request].append(i)
        for vars_ in by_request.values():
            model.add(sum(self.x[v] for v in vars_) == sum(v in solution for v in vars_))
        for entry in self.by_day.get(key, ()):
            if entry.parallel:
                continue
            model.add(sum(g for _, g in entry.gaps) <= entry.floor)
            k = sum(v in solution for vars_ in entry.busy.values() for v in vars_)
            for w, e, y in entry.wins:
                if not k <= e - w + 1 <= k + entry.floor:
                    model.add(y == 0)

    def hint(self, hint: set[int]) -> None:
        """Complete a hint for the windows and gaps."""
        for entry in self.entries:
            self._hint_one(entry, hint)

    def _hint_one(self, entry: CompanyDay, hint: set[int]) -> None:
        """Hint one company-day: the window spans its first to last meeting."""
        used = {p for p, vars_ in entry.busy.items() if any(v in hint for v in vars_)}
        lo, hi = (min(used), max(used)) if used else (-1, -1)  # -1: no window, no position
        self.model.add_hint(entry.none, not used)
        for w, e, y in entry.wins:
            self.model.add_hint(y, (w, e) == (lo, hi))
        for p, g in entry.gaps:
            self.model.add_hint(g, bool(used) and lo < p < hi and p not in used)


def company_day_floors(space: Space, forced: list[tuple[int, list[int]]]
                       ) -> dict[CompanyDayKey, int]:
    """Each company-day's floor: the idle slots every schedule has there in which n of
    each forced set of candidates are placed (kept when they share a company and a day);
    their sum is a lower bound of the idle slots."""
    busy: dict[CompanyDayKey, set[int]] = defaultdict(set)
    longer: set[CompanyDayKey] = set()  # the floors count one position per meeting
    for var in space.vars:
        slot = space.slots[var.slot]
        for c in space.companies(var):
            busy[(c, slot.session, slot.day)].add(slot.position)
            if space.long(var):
                longer.add((c, slot.session, slot.day))
    need: dict[CompanyDayKey, list[tuple[int, set[int], set[int]]]] = defaultdict(list)
    for n, vars_ in forced:
        slots = [space.slots[space.vars[v].slot] for v in vars_]
        days = {(slot.session, slot.day) for slot in slots}
        common = set.intersection(*(set(space.companies(space.vars[v])) for v in vars_))
        if len(days) == 1 and n > 0:
            day = days.pop()
            for c in sorted(common):
                need[(c, *day)].append((n, {slot.position for slot in slots}, set(vars_)))
    out = {}
    for key, sets in sorted(need.items()):
        have = sorted(busy[key])
        if have and have[-1] - have[0] >= 2 and key not in longer:
            out[key] = floor_of(have, sets, not space.folder.companies[key[0]].parallel)
    return out


def floor_of(have: list[int], sets: list[tuple[int, set[int], set[int]]], one: bool) -> int:
    """Fewest positions without a candidate (not in `have`, sorted) inside a span that
    holds every forced set's meetings: n positions of its own for a one-delegate
    company (also counted together over sets of disjoint candidates), else one."""
    taken: set[int] = set()
    total = 0
    for n, _, vars_ in sorted(sets, key=lambda s: -s[0]):
        if not vars_ & taken:
            taken |= vars_
            total += n
    best = None
    for i, lo in enumerate(have):
        for j in range(i, len(have)):
            hi, inside = have[j], j - i + 1
            if (one and inside < total) or any(
                    sum(lo <= p <= hi for p in ps) < (n if one else 1) for n, ps, _ in sets):
                continue
            holes = hi - lo + 1 - inside
            best = holes if best is None else min(best, holes)
    return best or 0
