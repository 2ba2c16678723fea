"""The level right after priority weight: meetings in person rather than by video.

For requests that may meet either way (`mode: any`, with candidates of both kinds) it
maximises the meetings placed in person, given the priority value: a meeting goes
virtual only when that places more priority weight, or when the pair has no in-person
slot left. Its value becomes a constraint, so fairness and idle slots never trade it
away. Missions where no request has the choice skip it (and keep their budgets).
"""

from __future__ import annotations

from scheduler.meaning import booth_tables, session_tables
from scheduler.solver.levels import SKIPPED, LevelResult, State, reached, search_level
from scheduler.solver.search import Search


class InPersonLevel:
    """Level 2b: in-person meetings of requests that could also meet by video."""

    name = "in_person"

    def __init__(self, search: Search) -> None:
        self.search, self.space = search, search.space
        self.vars, self.most = self._terms()

    def _terms(self) -> tuple[list[int], int]:
        """The in-person candidates of requests with both kinds, and at most how many
        of them any schedule places (each such request's meetings, and the in-person
        table-slots)."""
        kinds: dict[int, set[bool]] = {}
        for v, var in enumerate(self.space.vars):
            kinds.setdefault(var.request, set()).add(self.space.virtual(v))
        mixed = {r for r, k in kinds.items()
                 if len(k) == 2 and self.space.requests[r].terms.either_mode}
        chosen = [v for v, var in enumerate(self.space.vars)
                  if var.request in mixed and not self.space.virtual(v)]
        return chosen, min(sum(self.space.requests[r].meetings for r in mixed), self.seats())

    def seats(self) -> int:
        """Table-slots of the in-person sessions: no schedule holds more meetings there."""
        sessions = {s.id: s for s in self.space.folder.mission.partnering}
        per_slot = {sid: len(session_tables(s)) + sum(len(booth_tables(b)) for b in s.booths)
                    for sid, s in sessions.items() if not s.virtual}
        return sum(per_slot.get(slot.session, 0) for slot in self.space.slots)

    @property
    def active(self) -> bool:
        """Whether any request has the choice (else the level is left out)."""
        return bool(self.vars)

    def value(self, chosen: set[int]) -> int:
        """In-person meetings of such requests in a set of candidates."""
        return sum(v in chosen for v in self.vars)

    def solve(self, state: State, budget: float) -> LevelResult:
        """Proven when every such request is placed in full in person; else searched."""
        if not self.vars:
            return SKIPPED
        expr = sum(self.search.x[v] for v in self.vars)
        value = self.value(state.solution)
        if value >= self.most:
            self.search.model.add(expr >= value)
            return reached(value)
        self.search.model.add(expr <= self.most)
        return search_level(self.search, self.name, expr, True, state, budget)
