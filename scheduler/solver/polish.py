"""Idle-slot polish: move single meetings to another candidate of the same request.

A move keeps every earlier level: the request, hence its weight, and both companies'
meeting counts (fairness) stay the same; every packing constraint keeps room, so the
schedule stays valid; fixed and kept meetings never move. A move is taken only when it
lowers the idle slots of the company-days it touches, so the level can only improve.
Used after CP-SAT, where its idle search could not reach (large models).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from scheduler.solver.greedy import constraints_of
from scheduler.solver.space import Space

Key = tuple[str, str, object]  # company, session, day


def idle_of(positions: Counter) -> int:
    """Idle slots of one company-day: its span minus the positions it uses."""
    used = [p for p, n in positions.items() if n > 0]
    return max(used) - min(used) + 1 - len(used) if used else 0


def polish(space: Space, chosen: set[int], frozen: set[int], rounds: int = 4) -> set[int]:
    """Hill-climb on idle slots by moving one meeting at a time (see the module doc)."""
    chosen = set(chosen)
    member = constraints_of(space)
    room = [p.cap for p in space.constraints]
    for v in chosen:
        for c in member[v]:
            room[c] -= 1
    used: dict[Key, Counter] = defaultdict(Counter)

    def keys(v: int) -> list[tuple[Key, int]]:
        slot = space.slots[space.vars[v].slot]
        return [((c, slot.session, slot.day), slot.position)
                for c in space.companies(space.vars[v])]

    for v in chosen:
        for key, p in keys(v):
            used[key][p] += 1
    by_request = space.by_request()

    def delta(v: int, w: int) -> int:
        touched = {k for k, _ in keys(v) + keys(w)}
        before = sum(idle_of(used[k]) for k in touched)
        trial = {k: Counter(used[k]) for k in touched}
        for k, p in keys(v):
            trial[k][p] -= 1
        for k, p in keys(w):
            trial[k][p] += 1
        return sum(idle_of(trial[k]) for k in touched) - before

    for _ in range(rounds):
        moved = False
        for v in sorted(chosen):
            if v in frozen or v not in chosen:
                continue
            own = set(member[v])
            best, gain = None, 0
            for w in by_request[space.vars[v].request]:
                if w in chosen or any(room[c] <= 0 for c in member[w] if c not in own):
                    continue
                d = delta(v, w)
                if d < gain:
                    best, gain = w, d
            if best is None:
                continue
            for c in member[v]:
                room[c] += 1
            for c in member[best]:
                room[c] -= 1
            for k, p in keys(v):
                used[k][p] -= 1
            for k, p in keys(best):
                used[k][p] += 1
            chosen.discard(v)
            chosen.add(best)
            moved = True
        if not moved:
            break
    return chosen
