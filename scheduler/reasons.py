"""Why a request was not placed, in words a cluster manager can act on.

The diagnosis goes from the hardest cause to the softest: no common session; no
slot where both companies are free (naming what blocks them); a company or a
session at its cap; every table taken, or one of the two always in another
meeting, in the slots where both are free. It works from the mission and the
placed meetings only, with the checker's view of times (check_times.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.check_times import (
    Interval,
    booth_tables,
    company_blocker,
    free_delegates,
    overlaps,
    owned_booths,
    session_zone,
    show_time,
    slot_starts,
)
from scheduler.model import Company, MissionFolder, PartneringSession
from scheduler.requests import Request, build_requests, pair_id
from scheduler.schedule import Meeting

MAX_LISTED = 3


@dataclass(frozen=True)
class Slot:
    """A slot of a session where both companies are free."""

    session: PartneringSession
    start: datetime

    @property
    def span(self) -> Interval:
        """The slot's half-open interval."""
        return self.start, self.start + timedelta(minutes=self.session.meeting_minutes)


def explain_unplaced(folder: MissionFolder, meetings: list[Meeting], request: Request) -> str:
    """One sentence saying why `request` has no (or too few) meetings in `meetings`."""
    gone = [c for c in request.companies if c not in folder.companies]
    if gone:
        return f"{' and '.join(gone)} no longer take(s) part in the mission"
    a, b = (folder.companies[c] for c in request.companies)
    reason = (no_common_session(folder, a, b) or _diagnose(folder, meetings, request, a, b))
    placed = sum(pair_id(*m.companies) == request.id for m in meetings)
    if placed:
        return f"only {placed} of {request.meetings} meetings placed: {reason}"
    return reason


def _diagnose(folder: MissionFolder, meetings: list[Meeting], request: Request,
              a: Company, b: Company) -> str:
    """The reasons after the first: free slots, caps, tables, busy companies."""
    common = common_sessions(folder, a, b)
    free, blockers = free_slots(folder, common, a, b)
    if not free:
        return no_free_slot(common, blockers)
    capped = cap_reason(folder, meetings, request, free)
    if capped:
        return capped
    return crowded(folder, meetings, [s for s in free if not _session_full(
        folder, meetings, s.session, (a, b))], a, b)


def common_sessions(folder: MissionFolder, a: Company, b: Company) -> list[PartneringSession]:
    """Sessions both companies attend, in mission order."""
    theirs = set(folder.attends(b))
    return [folder.session(s) for s in folder.attends(a) if s in theirs]


def no_common_session(folder: MissionFolder, a: Company, b: Company) -> str | None:
    """'no common slot: A attends only X, B only Y', or None if they share a session."""
    if common_sessions(folder, a, b):
        return None
    first, second = folder.attends(a), folder.attends(b)
    if not first or not second:
        nobody = a if not first else b
        return f"no common slot: {nobody.id} attends no partnering session"
    return (f"no common slot: {a.id} attends only {', '.join(first)}, "
            f"{b.id} only {', '.join(second)}")


def free_slots(folder: MissionFolder, sessions: list[PartneringSession], a: Company,
               b: Company) -> tuple[list[Slot], list[str]]:
    """Slots where both are free, and what blocks them in the other slots (distinct)."""
    free: list[Slot] = []
    blockers: list[str] = []
    for session in sessions:
        for start in slot_starts(folder, session):
            slot = Slot(session, start)
            found = [str(x) for x in (company_blocker(folder, c, slot.span) for c in (a, b)) if x]
            if not found:
                free.append(slot)
            blockers += [f for f in found if f not in blockers]
    return free, blockers


def no_free_slot(sessions: list[PartneringSession], blockers: list[str]) -> str:
    """'no slot in osaka where both are free: A is unavailable ...; B attends ...'."""
    where = ", ".join(s.id for s in sessions)
    if not blockers:
        return f"no common slot: {where} has no meeting slots"
    listed = blockers[:MAX_LISTED]
    more = len(blockers) - len(listed)
    tail = f" (and {more} more)" if more else ""
    return f"no slot in {where} where both are free: {'; '.join(listed)}{tail}"


def _count(meetings: list[Meeting], company: str, session: str | None = None) -> int:
    """Meetings of a company (in one session, if given)."""
    return sum(company in m.companies and (session is None or m.session == session)
               for m in meetings)


def _who_fills(folder: MissionFolder, meetings: list[Meeting], request: Request,
               company: str) -> str:
    """How the meetings that fill a company compare with the request's weight."""
    weight = {r.id: r.weight for r in build_requests(folder)}
    theirs = [weight.get(pair_id(*m.companies), 0) for m in meetings if company in m.companies]
    if all(w > request.weight for w in theirs):
        return "with higher-priority meetings"
    if all(w >= request.weight for w in theirs):
        return "with meetings of the same or higher priority"
    return "with other meetings"


def cap_reason(folder: MissionFolder, meetings: list[Meeting], request: Request,
               free: list[Slot]) -> str | None:
    """A company full over the mission, or every free slot's session full (company or all)."""
    for c in request.companies:
        cap = folder.companies[c].max_meetings
        if cap is not None and _count(meetings, c) >= cap:
            return (f"{c} is full ({_count(meetings, c)} of {cap}) "
                    f"{_who_fills(folder, meetings, request, c)}")
    sessions = dict.fromkeys(s.session.id for s in free)
    found = [_session_full(folder, meetings, folder.session(s), request.companies)
             for s in sessions]
    if not all(found):
        return None
    texts = list(dict.fromkeys(text for _, text in found))
    who = next((c for c, _ in found if c), None)
    suffix = f" {_who_fills(folder, meetings, request, who)}" if who else ""
    return "; ".join(texts) + suffix


def _session_full(folder: MissionFolder, meetings: list[Meeting], session: PartneringSession,
                  companies: tuple[str, str]) -> tuple[str | None, str] | None:
    """The company (None: the session) whose cap leaves no room in a session, and why."""
    cap = session.max_meetings_per_company
    for c in companies:
        count = _count(meetings, c, session.id)
        if cap is not None and count >= cap:
            return c, f"{c} is full in {session.id} ({count} of {cap})"
    total = sum(m.session == session.id for m in meetings)
    if session.max_meetings is not None and total >= session.max_meetings:
        return None, f"{session.id} is full ({total} of {session.max_meetings} meetings)"
    return None


def crowded(folder: MissionFolder, meetings: list[Meeting], free: list[Slot], a: Company,
            b: Company) -> str:
    """Tables taken or a company busy in every slot both are free; else what is left."""
    busy = [[c.id for c in (a, b) if _busy(folder, meetings, s, c)] for s in free]
    full = [_tables_full(folder, meetings, s, (a.id, b.id)) for s in free]
    k = _slots(len(free))
    if all(full):
        return f"{_tables(folder, free, (a.id, b.id))} taken in {k} both are free"
    if all(busy):
        who = [c for c in (a.id, b.id) if all(c in v for v in busy)]
        names = who[0] if len(who) == 1 else f"{a.id} or {b.id}"
        return f"in {k} both are free, {names} is already in another meeting"
    if all(x or y for x, y in zip(busy, full, strict=True)):
        return (f"in {k} both are free, all tables are taken or {a.id} or {b.id} is already in "
                "another meeting; placing it would displace higher-priority meetings")
    open_slot = next(s for s, x, y in zip(free, busy, full, strict=True) if not (x or y))
    when = show_time(open_slot.start, session_zone(folder, open_slot.session))
    return (f"placing it would displace higher-priority meetings (a slot is still open at "
            f"{when} in {open_slot.session.id}; a longer --time-limit may place it)")


def _slots(k: int) -> str:
    """'the 3 slots' or 'the only slot'."""
    return "the only slot" if k == 1 else f"the {k} slots"


def _busy(folder: MissionFolder, meetings: list[Meeting], slot: Slot, company: Company) -> bool:
    """Whether the company cannot take one more meeting during the slot."""
    during = sum(company.id in m.companies and overlaps((m.start, m.end), slot.span)
                 for m in meetings)
    if company.parallel:
        return during >= len(free_delegates(folder, company, slot.span))
    return during > 0


def _usable_tables(folder: MissionFolder, session: PartneringSession,
                   companies: tuple[str, str]) -> list[str] | None:
    """Tables this pair may use in a session (their booths, else the session's); None: virtual."""
    if session.virtual:
        return None
    booths = owned_booths(folder, session, list(companies))
    if booths:
        return [t for booth in booths for t in booth_tables(booth)]
    return list(session.tables or [])


def _tables_full(folder: MissionFolder, meetings: list[Meeting], slot: Slot,
                 companies: tuple[str, str]) -> bool:
    """Whether every table the pair may use is taken during the slot."""
    tables = _usable_tables(folder, slot.session, companies)
    if tables is None:
        return False
    taken = {m.table for m in meetings if m.session == slot.session.id
             and overlaps((m.start, m.end), slot.span)}
    return all(t in taken for t in tables)


def _tables(folder: MissionFolder, free: list[Slot], companies: tuple[str, str]) -> str:
    """'all 20 tables are', 'the only table is' or 'all tables are'."""
    sizes = Counter(len(_usable_tables(folder, s.session, companies) or []) for s in free)
    booths = {b.id for s in free for b in owned_booths(folder, s.session, list(companies))}
    at = f" at booth {', '.join(sorted(booths))}" if booths else ""
    if len(sizes) != 1:
        return f"all tables{at} are"
    n = next(iter(sizes))
    return f"the only table{at} is" if n == 1 else f"all {n} tables{at} are"
