"""Where a longer meeting may start: consecutive slots of one window, both companies free
for its own time, and (for a parallel company) the one person who holds it."""

from __future__ import annotations

from scheduler.meaning import as_utc
from scheduler.meaning.lengths import covered, meeting_end, slots_taken
from scheduler.meaning.slots import company_blocks, delegate_blocks, free, overlapping, span
from scheduler.meaning.wishes import attending
from scheduler.solver.named import taker
from scheduler.solver.space import Long, Space


def may_start(space: Space, r: int, s: int) -> bool:
    """Whether request r's meeting may start at slot s (both companies allowed there): a
    one-slot meeting always; a longer one (scheduler.meaning.lengths) when it takes
    consecutive slots of one window and neither company is blocked (unavailable, at a
    programme item) while it runs, with a delegate of each free throughout. A longer
    one's reach goes into space.spans."""
    request = space.requests[r]
    if request.minutes is None or (r, s) in space.spans:
        return True
    slot = space.slots[s]
    count = slots_taken(space.folder.session(slot.session), request.minutes)
    if count == 1:
        return True
    cover = covered(space.slots, s, count) if count else None
    if cover is None:
        return False
    interval = (slot.start, meeting_end(slot.start, request.minutes))
    utc = as_utc(interval)
    people = {c: attending(request.terms, c, _free_throughout(space, c, utc, s))
              for c in request.companies}
    if not all(people.values()):
        return False
    touches = tuple(sorted(overlapping(space.slot_spans(), span(utc)) | set(cover)))
    choice = {c: taker(space, r, s, c, free) for c, free in people.items()
              if space.folder.companies[c].parallel}
    held = {c: choice[c][:1] if c in choice else free for c, free in people.items()}
    space.spans[(r, s)] = Long(tuple(cover), touches, interval[1], held, choice)
    return True


def _free_throughout(space: Space, cid: str, utc: tuple, first: int) -> list[str]:
    """Delegates of a company (allowed at the first slot) free from a longer meeting's start
    to its end, changeovers included: the meeting's own time, not its slots', counts (a
    60-minute meeting from 09:00 ends at 10:00 even if its second slot runs to 10:05)."""
    company = space.folder.companies[cid]
    mission = space.folder.mission
    if not free(utc, company_blocks(company, mission)):
        return []
    personal = delegate_blocks(company, mission)
    return [d for d in space.people[cid][first] if free(utc, personal[d])]
