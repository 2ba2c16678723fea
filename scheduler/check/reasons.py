"""Why a request was not placed, in words a cluster manager can act on.

The diagnosis goes from the hardest cause to the softest: no common session; no
slot where both companies are free (naming what blocks them); a company or a
session at its cap; every table taken, or one of the two always in another
meeting, in the slots where both are free. It works from the mission and the
placed meetings only, with the checker's view of times (check_times.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.check.times import (
    Interval,
    company_blocker,
    free_delegates,
    overlaps,
    show_time,
    slot_starts,
)
from scheduler.input.model import Company, MissionFolder, PartneringSession
from scheduler.meaning import (
    booth_tables,
    owned_booths,
    session_tables,
    session_zone,
    slot_grid,
    video_rooms,
)
from scheduler.meaning.lengths import covered, length, slots_taken
from scheduler.meaning.requests import Request, build_requests, pair_id
from scheduler.meaning.wishes import ANY, Terms
from scheduler.schedule import Meeting

MAX_LISTED = 3


@dataclass(frozen=True)
class Slot:
    """A slot of a session where both companies are free."""

    session: PartneringSession
    start: datetime
    end: datetime

    @property
    def span(self) -> Interval:
        """The slot's half-open interval."""
        return self.start, self.end


class Placed:
    """The placed meetings, indexed for the questions reasons ask (built once per schedule)."""

    def __init__(self, folder: MissionFolder, meetings: list[Meeting],
                 requests: list[Request] | None = None) -> None:
        self.folder, self.meetings = folder, meetings
        self.by_company: dict[str, list[Meeting]] = defaultdict(list)
        self.per_pair: Counter[str] = Counter()
        self.per_session: Counter[str] = Counter()
        self.tables: dict[tuple[str, datetime], set[str]] = defaultdict(set)
        self.weight = {r.id: r.weight for r in requests or build_requests(folder)}
        self.grids = grids = {s.id: slot_starts(folder, s) for s in folder.mission.partnering}
        self.blockers: dict[tuple[str, str, datetime], str | None] = {}
        self.busy: dict[tuple[str, str, datetime], bool] = {}
        for m in meetings:
            for c in dict.fromkeys(m.companies):
                self.by_company[c].append(m)
            self.per_pair[pair_id(*m.companies)] += 1
            self.per_session[m.session] += 1
            if m.table is not None and m.session in grids:
                self._take(m, grids[m.session], folder.session(m.session).meeting_minutes)

    def _take(self, m: Meeting, grid: list[datetime], minutes: int) -> None:
        """Mark the meeting's table as taken in every slot of its session it overlaps."""
        length = timedelta(minutes=minutes)
        first = bisect_right(grid, m.start - length)
        for start in grid[first:]:
            if start >= m.end:
                break
            if overlaps((start, start + length), (m.start, m.end)):
                self.tables[(m.session, start)].add(m.table or "")

    def blocker(self, company: Company, slot: Slot) -> str | None:
        """What keeps a company from meeting in a slot (memoised), if anything."""
        key = (company.id, slot.session.id, slot.start)
        if key not in self.blockers:
            found = company_blocker(self.folder, company, slot.span)
            self.blockers[key] = str(found) if found else None
        return self.blockers[key]

    def count(self, company: str, session: str | None = None) -> int:
        """Meetings of a company (in one session, if given)."""
        return sum(session is None or m.session == session for m in self.by_company[company])


Explain = Callable[[Request], str]


def explainer(folder: MissionFolder, meetings: list[Meeting],
              requests: list[Request] | None = None) -> Explain:
    """Explain any number of requests against one schedule, indexing its meetings once
    (`requests`: the folder's, when the caller has them already)."""
    index = Placed(folder, meetings, requests)
    return lambda request: _explain(folder, index, request)


def explain_unplaced(folder: MissionFolder, meetings: list[Meeting], request: Request) -> str:
    """One sentence saying why `request` has no (or too few) meetings in `meetings`."""
    return explainer(folder, meetings)(request)


def _explain(folder: MissionFolder, index: Placed, request: Request) -> str:
    """The reason for one request, given the index of the placed meetings."""
    gone = [c for c in request.companies if c not in folder.companies]
    if gone:
        return f"{' and '.join(gone)} no longer take(s) part in the mission"
    if request.blocked:
        return request.blocked
    a, b = (folder.companies[c] for c in request.companies)
    apart = no_common_session(folder, a, b) or not_where_asked(folder, request, a, b)
    if apart:
        return apart
    reason = _diagnose(folder, index, request, a, b)
    placed = index.per_pair[request.id]
    if placed >= request.meetings:
        return f"all {placed} requested meeting(s) are placed"
    if placed:
        return f"only {placed} of {request.meetings} meetings placed: {reason}"
    return reason


def _diagnose(folder: MissionFolder, placed: Placed, request: Request,
              a: Company, b: Company) -> str:
    """The reasons after the first: free slots, caps, tables, busy companies."""
    common = [s for s in common_sessions(folder, a, b) if _may_use(request.terms, s)]
    free, blockers = free_slots(placed, common, a, b, request.minutes, request.terms)
    if not free:
        return no_free_slot(common, blockers, request.minutes)
    capped = cap_reason(folder, placed, request, free)
    if capped:
        return capped
    room = {s.id for s in common if not _session_full(placed, s, request.companies)}
    return crowded(folder, placed, [s for s in free if s.session.id in room], a, b)


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


def _may_use(terms: Terms, session: PartneringSession) -> bool:
    """Whether the wishes allow a session on at least one of its days."""
    return any(terms.allows(session, day) for day in session.days)


def not_where_asked(folder: MissionFolder, request: Request, a: Company, b: Company
                    ) -> str | None:
    """'no common session is virtual as asked', or None when some session is allowed."""
    common = common_sessions(folder, a, b)
    if any(_may_use(request.terms, s) for s in common):
        return None
    terms, asked = request.terms, []
    if not terms.either_mode:
        asked.append("/".join(sorted(terms.modes)))
    if terms.sessions is not None:
        asked.append("in " + ", ".join(sorted(terms.sessions)))
    if terms.days is not None:
        asked.append("on " + ", ".join(map(str, sorted(terms.days))))
    return (f"no common session of {a.id} and {b.id} ({', '.join(s.id for s in common)}) "
            f"is {' '.join(asked)} as the wishes ask")


def named_blocker(folder: MissionFolder, terms: Terms, company: Company,
                  slot: Slot) -> str | None:
    """'a: none of p1 is free' when the delegates a wish names are all away then."""
    named = terms.named(company.id)
    if named is None or set(free_delegates(folder, company, slot.span)) & named:
        return None
    return f"{company.id}'s named delegate(s) {', '.join(sorted(named))} not free"


def allowed_slots(placed: Placed, sessions: list[PartneringSession], minutes: int | None,
                  terms: Terms) -> list[Slot]:
    """The slots of these sessions the wishes allow (for a longer meeting, the starts of
    its stretches of slots, each to its end)."""
    out: list[Slot] = []
    for session in sessions:
        span = timedelta(minutes=length(session, minutes))
        zone = session_zone(placed.folder, session)
        out += [Slot(session, start, start + span)
                for start in starts_for(placed, session, minutes)
                if terms.allows(session, start.astimezone(zone).date())]
    return out


def free_slots(placed: Placed, sessions: list[PartneringSession], a: Company,
               b: Company, minutes: int | None = None, terms: Terms = ANY
               ) -> tuple[list[Slot], list[str]]:
    """Slots where both are free, of those the wishes allow (for a longer meeting, the
    starts of its stretches of slots, free throughout), and what blocks them in the other
    slots (distinct)."""
    free: list[Slot] = []
    blockers: list[str] = []
    for slot in allowed_slots(placed, sessions, minutes, terms):
        found = [x for x in (placed.blocker(c, slot) or
                             named_blocker(placed.folder, terms, c, slot)
                             for c in (a, b)) if x]
        if not found:
            free.append(slot)
        blockers += [f for f in found if f not in blockers]
    return free, blockers


def starts_for(placed: Placed, session: PartneringSession, minutes: int | None
               ) -> list[datetime]:
    """Where a meeting of `minutes` may start in a session (scheduler.meaning.lengths):
    every slot for one-slot meetings, else the slots its stretch fits after."""
    count = slots_taken(session, minutes)
    if count == 1:
        return placed.grids[session.id]
    grid = slot_grid(placed.folder, session)
    return sorted((t.start for i, t in enumerate(grid)
                   if count and covered(grid, i, count) is not None),
                  key=lambda start: (start.timestamp(), start.isoformat()))


def no_free_slot(sessions: list[PartneringSession], blockers: list[str],
                 minutes: int | None = None) -> str:
    """'no slot in osaka where both are free: A is unavailable ...; B attends ...' (for a
    longer meeting: 'no 60 minutes in osaka ...')."""
    where = ", ".join(s.id for s in sessions)
    if not blockers:
        return f"no common slot: {where} has no meeting slots" + (
            f" for a {minutes}-minute meeting" if minutes else "")
    listed = blockers[:MAX_LISTED]
    more = len(blockers) - len(listed)
    tail = f" (and {more} more)" if more else ""
    what = f"{minutes} minutes" if minutes else "slot"
    return f"no {what} in {where} where both are free: {'; '.join(listed)}{tail}"


def _who_fills(placed: Placed, request: Request, company: str) -> str:
    """How the meetings that fill a company compare with the request's weight."""
    theirs = [placed.weight.get(pair_id(*m.companies), 0) for m in placed.by_company[company]]
    if all(w > request.weight for w in theirs):
        return "with higher-priority meetings"
    if all(w >= request.weight for w in theirs):
        return "with meetings of the same or higher priority"
    return "with other meetings"


def cap_reason(folder: MissionFolder, placed: Placed, request: Request,
               free: list[Slot]) -> str | None:
    """A company full over the mission, or every free slot's session full (company or all)."""
    for c in request.companies:
        cap = folder.companies[c].max_meetings
        if cap == 0:
            return f"{c} accepts no meetings (max_meetings: 0)"
        if cap is not None and placed.count(c) >= cap:
            return f"{c} is full ({placed.count(c)} of {cap}) {_who_fills(placed, request, c)}"
    sessions = dict.fromkeys(s.session.id for s in free)
    each = [_session_full(placed, folder.session(s), request.companies) for s in sessions]
    found = [f for f in each if f]
    if len(found) < len(each):
        return None
    texts = list(dict.fromkeys(text for _, text in found))
    who = next((c for c, _ in found if c), None)
    suffix = f" {_who_fills(placed, request, who)}" if who else ""
    return "; ".join(texts) + suffix


def _session_full(placed: Placed, session: PartneringSession,
                  companies: tuple[str, str]) -> tuple[str | None, str] | None:
    """The company (None: the session) whose cap leaves no room in a session, and why."""
    cap = session.max_meetings_per_company
    for c in companies:
        count = placed.count(c, session.id)
        if cap is not None and count >= cap:
            return c, f"{c} is full in {session.id} ({count} of {cap})"
    total = placed.per_session[session.id]
    if session.max_meetings is not None and total >= session.max_meetings:
        return None, f"{session.id} is full ({total} of {session.max_meetings} meetings)"
    return None


def crowded(folder: MissionFolder, placed: Placed, free: list[Slot], a: Company,
            b: Company) -> str:
    """Tables taken or a company busy in every slot both are free; else what is left."""
    busy = [[c.id for c in (a, b) if busy_in(folder, placed, s, c)] for s in free]
    full = [tables_full(folder, placed, s, (a.id, b.id)) for s in free]
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


def busy_in(folder: MissionFolder, placed: Placed, slot: Slot, company: Company) -> bool:
    """Whether the company cannot take one more meeting during the slot (memoised)."""
    key = (company.id, slot.session.id, slot.start)
    if key not in placed.busy:
        span = slot.span
        during = sum(overlaps((m.start, m.end), span) for m in placed.by_company[company.id])
        placed.busy[key] = during >= len(free_delegates(folder, company, span)) \
            if company.parallel else during > 0
    return placed.busy[key]


def _usable_tables(folder: MissionFolder, session: PartneringSession,
                   companies: tuple[str, str]) -> list[str] | None:
    """Tables this pair may use in a session (their booths, else the session's; a virtual
    session's video rooms); None: any number (virtual without rooms)."""
    if session.virtual:
        return video_rooms(session)
    booths = owned_booths(folder, session, list(companies))
    if booths:
        return [t for booth in booths for t in booth_tables(booth)]
    return session_tables(session)


def tables_full(folder: MissionFolder, placed: Placed, slot: Slot,
                 companies: tuple[str, str]) -> bool:
    """Whether every table the pair may use is taken during the slot."""
    tables = _usable_tables(folder, slot.session, companies)
    if tables is None:
        return False
    taken = placed.tables.get((slot.session.id, slot.start), set())
    return len(taken) >= len(tables) and taken.issuperset(tables)


def _tables(folder: MissionFolder, free: list[Slot], companies: tuple[str, str]) -> str:
    """'all 20 tables are', 'both tables are', 'the only table is' or 'all tables are'
    ('video rooms' when every slot is virtual)."""
    sizes = Counter(len(_usable_tables(folder, s.session, companies) or []) for s in free)
    booths = {b.id for s in free for b in owned_booths(folder, s.session, list(companies))
              if not s.session.virtual}
    at = f" at booth {', '.join(sorted(booths))}" if booths else ""
    noun = "video room" if all(s.session.virtual for s in free) else "table"
    if len(sizes) != 1:
        return f"all {noun}s{at} are"
    n = next(iter(sizes))
    if n <= 2:
        return f"the only {noun}{at} is" if n == 1 else f"both {noun}s{at} are"
    return f"all {n} {noun}s{at} are"
