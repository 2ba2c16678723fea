"""Idle-slot polish: move single meetings to another candidate of the same request,
and swap the slots of two meetings of one company on one day.

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


class _State:
    """The chosen candidates, the room left in every packing constraint, and the
    positions each company-day uses."""

    def __init__(self, space: Space, chosen: set[int]) -> None:
        self.space, self.chosen = space, set(chosen)
        self.member = constraints_of(space)
        self.room = [p.cap for p in space.constraints]
        self.used: dict[Key, Counter] = defaultdict(Counter)
        self.meetings: dict[Key, set[int]] = defaultdict(set)
        self._keys: dict[int, list[tuple[Key, int]]] = {}
        self.touched: set[Key] = set()
        for v in sorted(self.chosen):
            self._apply((), (v,))

    def keys(self, v: int) -> list[tuple[Key, int]]:
        """(company-day, position) of each slot a candidate takes, for both its companies
        (memoised)."""
        if v not in self._keys:
            var = self.space.vars[v]
            slots = [self.space.slots[s] for s in self.space.covers(var)]
            self._keys[v] = [((c, slot.session, slot.day), slot.position)
                             for slot in slots for c in self.space.companies(var)]
        return self._keys[v]

    def fits(self, out: tuple[int, ...], into: tuple[int, ...]) -> bool:
        """Whether removing `out` and adding `into` keeps every packing constraint."""
        need: dict[int, int] = {}
        for w in into:
            for c in self.member[w]:
                need[c] = need.get(c, 0) + 1
        for v in out:
            for c in self.member[v]:
                if c in need:
                    need[c] -= 1
        return all(self.room[c] >= n for c, n in need.items() if n > 0)

    def delta(self, out: tuple[int, ...], into: tuple[int, ...]) -> int:
        """Change of idle slots on the company-days touched by the move."""
        change: dict[Key, dict[int, int]] = defaultdict(dict)
        for vars_, sign in ((out, -1), (into, 1)):
            for v in vars_:
                for k, p in self.keys(v):
                    change[k][p] = change[k].get(p, 0) + sign
        total = 0
        for k, moved in change.items():
            used = self.used[k]
            after = [p for p in set(used) | set(moved) if used[p] + moved.get(p, 0) > 0]
            span = max(after) - min(after) + 1 - len(after) if after else 0
            total += span - idle_of(used)
        return total

    def _apply(self, out: tuple[int, ...], into: tuple[int, ...]) -> None:
        """Make the move."""
        for v, sign in [(v, 1) for v in out] + [(w, -1) for w in into]:
            for c in self.member[v]:
                self.room[c] += sign
            for k, p in self.keys(v):
                self.touched.add(k)
                self.used[k][p] -= sign
                (self.meetings[k].discard if sign > 0 else self.meetings[k].add)(v)
        self.chosen.difference_update(out)
        self.chosen.update(into)


def polish(space: Space, chosen: set[int], frozen: set[int], rounds: int = 8) -> set[int]:
    """Hill-climb on idle slots by moves and swaps (see the module doc)."""
    state = _State(space, chosen)
    by_request = space.by_request()
    at: dict[tuple[int, int], list[int]] = defaultdict(list)
    for w, var in enumerate(space.vars):
        at[(var.request, var.slot)].append(w)
    dirty = None  # company-days changed in the last round; None: every one
    for _ in range(rounds):
        state.touched = set()
        for v in sorted(state.chosen):
            if v in frozen or v not in state.chosen or (
                    dirty is not None and not any(k in dirty for k, _ in state.keys(v))):
                continue
            _move(state, v, by_request[space.vars[v].request])
            if v in state.chosen:
                _swap(state, v, frozen, at)
        if not state.touched:
            break
        dirty = state.touched
    return state.chosen


def _move(state: _State, v: int, others: list[int]) -> bool:
    """Move meeting v to the candidate of its request that lowers idle slots most."""
    best, gain = None, 0
    space = state.space
    for w in others:
        if w in state.chosen or not state.fits((v,), (w,)):
            continue
        if space.virtual(w) and not space.virtual(v):
            continue  # idle slots never send a meeting from a table to video
        d = state.delta((v,), (w,))
        if d < gain:
            best, gain = w, d
    if best is None:
        return False
    state._apply((v,), (best,))
    return True


def _swap(state: _State, v: int, frozen: set[int],
          at: dict[tuple[int, int], list[int]]) -> bool:
    """Swap the slots of v and another meeting of one of its companies on its day,
    when that lowers idle slots (the first improving swap is taken)."""
    space = state.space
    var = space.vars[v]
    partners = sorted({u for k, _ in state.keys(v) for u in state.meetings[k]
                       if u not in frozen and space.vars[u].slot != var.slot})
    for u in partners:
        other = space.vars[u]
        for w in at.get((var.request, other.slot), ()):
            for z in at.get((other.request, var.slot), ()):
                if {w, z} & state.chosen:
                    continue
                if state.fits((v, u), (w, z)) and state.delta((v, u), (w, z)) < 0:
                    state._apply((v, u), (w, z))
                    return True
    return False
