"""Re-plan distance in the objective: a meeting that must move goes to the nearest alternative.

Each candidate of a request that had meetings in the previous schedule scores its
closeness to the nearest of them (scheduler.meaning.distance: same mode, same session,
same day, then the smallest shift). The priority level counts these scores right after
the meetings kept in their slot and before priority weight, so nothing later trades a
near place away. A request scores at most as many meetings as it had before: when it now
asks for more, `caps` says how many of its placed candidates count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.meaning.distance import CLOSEST, distance
from scheduler.schedule import Meeting
from scheduler.solver.space import Space


@dataclass
class Near:
    """Closeness scores of candidates to the previous schedule."""

    score: dict[int, int] = field(default_factory=dict)  # candidate -> 1..CLOSEST
    caps: dict[int, int] = field(default_factory=dict)  # request -> scored meetings, if capped
    total: int = 0  # the most the scores can add up to
    unit: int = 1  # what one point of closeness is worth in the objective (set by its user)

    def excess(self, chosen: Iterable[int], space: Space) -> int:
        """What the uncapped coefficients (scores times `unit`) count beyond the caps:
        each capped request counts only its best `cap` scores."""
        capped: dict[int, list[int]] = defaultdict(list)
        for v in chosen:
            if space.vars[v].request in self.caps:
                capped[space.vars[v].request].append(self.score.get(v, 0))
        return self.unit * sum(sum(sorted(scores, reverse=True)[self.caps[r]:])
                               for r, scores in capped.items())

    def capped(self, model: cp_model.CpModel, x: list[cp_model.IntVar],
               by_request: dict[int, list[int]], coefficient: list[int]
               ) -> list[cp_model.LinearExpr]:
        """Move the scores of capped requests from `coefficient` to booleans of which at
        most `cap` count; return their objective terms."""
        terms: list[cp_model.LinearExpr] = []
        for r, cap in sorted(self.caps.items()):
            counted = [(v, model.new_bool_var(f"near{v}")) for v in by_request.get(r, [])]
            for v, y in counted:
                model.add(y <= x[v])
                coefficient[v] -= self.unit * self.score.get(v, 0)
                terms.append(self.unit * self.score.get(v, 0) * y)
            model.add(sum(y for _, y in counted) <= cap)
        return terms


def nearness(space: Space, previous: list[Meeting], kept: set[str]) -> Near:
    """Scores for every candidate of a request one of whose previous meetings must move:
    it has no candidate in its old slot (`kept`: ids of those that have one). Locked
    meetings are fixed, and requests whose meetings can all stay score nothing, which
    keeps the objective's coefficients small."""
    index = {q.id: r for r, q in enumerate(space.requests)}
    before: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in previous:
        if not meeting.locked and meeting.request in index:
            before[index[meeting.request]].append(meeting)
    before = {r: ms for r, ms in before.items() if any(m.id not in kept for m in ms)}
    if not before:
        return Near()
    near = Near()
    by_request = space.by_request()
    folder = space.folder
    for r, meetings in sorted(before.items()):
        asked = space.requests[r].meetings
        if asked > len(meetings):
            near.caps[r] = len(meetings)
        near.total += min(asked, len(meetings)) * CLOSEST
        for v in by_request.get(r, []):
            slot = space.slots[space.vars[v].slot]
            near.score[v] = max(
                distance(folder, (m.session, m.start), (slot.session, slot.start)).closeness
                for m in meetings)
    return near
