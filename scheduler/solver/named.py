"""The named-delegate sets of parallel companies: the unions of the delegates their
requests name, each a resource of one-meeting-at-a-time (Hall's condition), read by the
CP-SAT rules and the large-event board alike.

Hall's condition per slot is exact only for meetings that take one slot: a longer meeting
must keep one person through all its slots. So a longer meeting of a parallel company is
held by one person chosen with its candidate (`taker`), and each person is a set of its
own: per slot, the meetings that person holds count against every union containing them,
which makes the per-slot rows sufficient for an assignment to exist."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from scheduler.solver.space import Space

MAX_NAMED_SETS = 64  # unions of named delegate sets per parallel company (Hall's condition)


def named_sets(space: Space) -> dict[str, list[frozenset[str]]]:
    """Parallel company -> the unions of the delegate sets its requests name, below the
    whole company (whose cap is the plain one), in a stable order; then, for a company
    with longer meetings, each of its people alone (the holder of a longer meeting)."""
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
    for c in sorted(_with_longer(space)):
        everyone = frozenset(d.id or "" for d in space.folder.companies[c].delegates)
        here = out.setdefault(c, [])
        here += [alone for d in sorted(everyone)
                 if (alone := frozenset({d})) < everyone and alone not in here]
    return out


def _with_longer(space: Space) -> set[str]:
    """The parallel companies of requests that say `minutes` (maybe longer meetings)."""
    return {c for request in space.requests if request.minutes is not None
            for c in request.companies if _parallel(space, c)}


def _parallel(space: Space, c: str) -> bool:
    """Whether company c sends its people to meetings separately."""
    company = space.folder.companies.get(c)
    return company is not None and company.parallel


def taker(space: Space, r: int, s: int, c: str, free: list[str]) -> list[str]:
    """Who of a parallel company may hold request r's longer meeting from slot s, given
    who may take it (free throughout, named): its holder first, the one who held it in
    the previous schedule if any, else the request's order."""
    if not space.takers:
        _orders(space)
    order = [d for d in space.takers.get((c, r), free) if d in free]
    kept = space.held.get((r, s, c))
    return [kept, *(d for d in order if d != kept)] if kept in order else order


def _orders(space: Space) -> None:
    """Each longer request's order of a parallel company's people, least busy first:
    one-slot requests load the people they name by equal shares; then each longer request
    in turn (those naming fewest people first) picks the least loaded of its people and
    loads them with its slots, so that longer meetings spread over the people (ties: turn
    by turn)."""
    shortest = min((space.folder.session(s).meeting_minutes
                    for s in {slot.session for slot in space.slots}), default=1)
    mine: dict[str, list[int]] = defaultdict(list)
    for r, request in enumerate(space.requests):
        for c in request.companies:
            if _parallel(space, c):
                mine[c].append(r)
    for c in sorted(_with_longer(space)):
        people = [d.id or "" for d in space.folder.companies[c].delegates]
        load = dict.fromkeys(people, Fraction(0))
        allowed = {r: _allowed(space, r, c, people) for r in mine[c]}
        longer = [r for r in mine[c] if space.requests[r].minutes is not None]
        for r in mine[c]:
            if space.requests[r].minutes is None:
                for d in allowed[r]:
                    load[d] += Fraction(1, len(allowed[r]))
        longer.sort(key=lambda r: len(allowed[r]))  # fewest people first
        for turn, r in enumerate(longer):
            order = sorted(people, key=lambda d: (load[d], (people.index(d) - turn) % len(people)))
            space.takers[(c, r)] = order
            first = next((d for d in order if d in allowed[r]), None)
            if first is not None:
                load[first] += Fraction(space.requests[r].minutes or 0, max(shortest, 1))


def _allowed(space: Space, r: int, c: str, people: list[str]) -> list[str]:
    """The people of company c request r lets take its meeting (named, else all)."""
    named = space.requests[r].terms.named(c)
    return [d for d in people if named is None or d in named]


def holders(space: Space, r: int, s: int, c: str) -> frozenset[str] | None:
    """Who of company c may take request r's meeting starting at slot s, for the named
    rows: the one holder of a longer meeting of a parallel company, else the people its
    wishes name (None: anyone)."""
    long = space.spans.get((r, s)) if space.spans else None
    if long is not None and _parallel(space, c):
        return frozenset(long.people[c])
    return space.requests[r].terms.named(c)
