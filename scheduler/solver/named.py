"""The named-delegate sets of parallel companies: the unions of the delegates their
requests name, each a resource of one-meeting-at-a-time (Hall's condition), read by the
CP-SAT rules and the large-event board alike."""

from __future__ import annotations

from collections import defaultdict

from scheduler.solver.space import Space

MAX_NAMED_SETS = 64  # unions of named delegate sets per parallel company (Hall's condition)


def named_sets(space: Space) -> dict[str, list[frozenset[str]]]:
    """Parallel company -> the unions of the delegate sets its requests name, below the
    whole company (whose cap is the plain one), in a stable order."""
    found: dict[str, set[frozenset[str]]] = defaultdict(set)
    for request in space.requests:
        for c, ids in request.terms.delegates:
            company = space.folder.companies.get(c)
            if company is not None and company.parallel:
                found[c].add(ids)
    out: dict[str, list[frozenset[str]]] = {}
    for c, sets in found.items():
        closed = set(sets)
        for base in sorted(sets, key=sorted):
            for other in list(closed):
                if len(closed) < MAX_NAMED_SETS:
                    closed.add(base | other)
        everyone = frozenset(d.id or "" for d in space.folder.companies[c].delegates)
        out[c] = sorted((s for s in closed if s < everyone), key=lambda s: (len(s), sorted(s)))
    return out
