"""A fast greedy construction: the CP-SAT hint and the fallback when no solve finishes.

Requests are taken by importance (must, then previous meetings to keep, then weight,
then file order); each meeting goes to the earliest candidate whose packing
constraints all have room. Every hard rule is a packing constraint, so the result
always satisfies them (locked meetings are placed first).
"""

from __future__ import annotations

from scheduler.solver.space import Space


def constraints_of(space: Space) -> list[list[int]]:
    """Candidate index -> indices of the packing constraints it appears in."""
    out: list[list[int]] = [[] for _ in space.vars]
    for c, packing in enumerate(space.constraints):
        for v in packing.vars:
            out[v].append(c)
    return out


def request_order(space: Space) -> list[int]:
    """Request indices, most important first: must, weight, file order."""
    return sorted(range(len(space.requests)),
                  key=lambda r: (not space.requests[r].must, -space.requests[r].weight,
                                 space.requests[r].order, r))


def greedy(space: Space, keep: set[int] | None = None) -> set[int]:
    """A valid set of candidates: fixed ones, then `keep`, then the rest by importance."""
    room = [p.cap for p in space.constraints]
    member = constraints_of(space)
    chosen: set[int] = set()

    def place(v: int) -> bool:
        if v in chosen or any(room[c] <= 0 for c in member[v]):
            return False
        for c in member[v]:
            room[c] -= 1
        chosen.add(v)
        return True

    for v in sorted(space.fixed):
        if not place(v):
            chosen.add(v)  # conflicting locked meetings: CP-SAT reports the infeasibility
    for v in sorted(keep or ()):
        place(v)
    by_request = space.by_request()
    for r in request_order(space):
        wanted = space.requests[r].meetings - sum(v in chosen for v in by_request.get(r, []))
        for v in by_request.get(r, []):
            if wanted <= 0:
                break
            wanted -= place(v)
    return chosen
