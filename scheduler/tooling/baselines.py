"""Baseline schedules to compare the solver with, and the slot grid they share.

`Grid` adds to scheduler.meaning.slots (slots, who is free when) the slots' time
conflicts and table pools (table_capacity, booth_ownership). `first_fit` is what
organisers' "quick schedule" buttons do: requests by descending priority
weight (must-haves first), ties in file order, each placed in the earliest slot
where both companies are free and a table is free; no other cleverness.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time

from scheduler.input.model import MissionFolder, PartneringSession
from scheduler.meaning import booth_owners, booth_tables, session_tables, video_link, video_rooms
from scheduler.meaning.requests import Request, build_requests, meeting_id
from scheduler.meaning.slots import Slot, availability, build_slots, local, overlaps, zone
from scheduler.schedule import Meeting, Quality, Schedule, Unplaced

NO_SLOT = "no slot where both companies are free and a table is free (first-fit)"


@dataclass(frozen=True)
class Pool:
    """Where a meeting can be held: a session's tables, a booth, or a video link."""

    key: str
    tables: tuple[str | None, ...]
    booth: str | None = None
    virtual: bool = False


class Grid:
    """Slots (scheduler.meaning.slots), table pools and who is free when, for one mission."""

    def __init__(self, folder: MissionFolder):
        self.folder, self.mission = folder, folder.mission
        self.slots = build_slots(self.mission)
        self.order = sorted(self.slots, key=lambda s: (s.utc[0], s.index))
        self.rank = {s.index: position for position, s in enumerate(self.order)}
        self.sessions = {s.id: s for s in self.mission.partnering}
        self.conflicts = self._conflicts()
        self.free = availability(folder, self.slots)
        self._owners = {s.id: self._booth_owners(s) for s in self.mission.partnering}
        self._people: dict[str, dict[int, tuple[str, ...]]] = {}
        self._tables = {sid: [Pool("tables", tuple(session_tables(s)))]
                        for sid, s in self.sessions.items()}

    def _conflicts(self) -> list[list[int]]:
        """For each slot, the slots overlapping it in time (itself included)."""
        spans = [(s.utc, s.index) for s in self.slots]
        return [[j for span, j in spans if overlaps(span, s.utc)] for s in self.slots]

    def _booth_owners(self, session: PartneringSession) -> dict[str, list[int]]:
        """Company id -> indexes of the session's booths it owns."""
        owners: dict[str, list[int]] = defaultdict(list)
        for b, booth in enumerate(session.booths):
            for cid in sorted(booth_owners(self.folder, booth)):
                owners[cid].append(b)
        return owners

    def common(self, a: str, b: str) -> list[Slot]:
        """Slots where both companies have a free delegate, earliest first."""
        both = self.free.slots(a).keys() & self.free.slots(b).keys()
        return [self.slots[i] for i in sorted(both, key=self.rank.__getitem__)]

    def delegates_at(self, cid: str, slot: Slot) -> tuple[str, ...]:
        """'company/delegate' of the delegates free at a slot; empty if the company is not."""
        if cid not in self._people:
            self._people[cid] = {i: tuple(f"{cid}/{d}" for d in people)
                                 for i, people in self.free.slots(cid).items()}
        return self._people[cid].get(slot.index, ())

    def pools(self, session_id: str, a: str, b: str) -> list[Pool]:
        """Where a meeting of a and b may be held in a session."""
        session = self.sessions[session_id]
        if session.virtual:
            rooms = video_rooms(session)
            return [Pool("virtual", (None,) * 100_000 if rooms is None else tuple(rooms),
                         virtual=True)]
        owned = self._owners[session_id]
        if a not in owned and b not in owned:
            return self._tables[session_id]
        booths = sorted(set(owned.get(a, [])) | set(owned.get(b, [])))
        out = []
        for i in booths:
            booth = session.booths[i]
            out.append(Pool(f"booth:{booth.id}", tuple(booth_tables(booth)), booth.id))
        return out

    def generated(self) -> datetime:
        """The schedule's timestamp, from the data: mission.updated or its start."""
        stamp_at = self.mission.updated or datetime.combine(self.mission.start, time())
        return local(stamp_at, zone(self.mission.timezone))


def ranked(requests: list[Request]) -> list[Request]:
    """Must-haves first, then descending weight, ties in file order."""
    return sorted(requests, key=lambda r: (not r.must, -r.weight, r.order))


def make_meeting(grid: Grid, request: Request, number: int, slot: Slot, pool: Pool,
                 table: str | None, delegates: list[str]) -> Meeting:
    """A Meeting record for a placed request."""
    mid = meeting_id(request.id, number)
    link = grid.sessions[slot.session].video_link
    return Meeting(
        id=mid, request=request.id, companies=list(request.companies), delegates=delegates,
        session=slot.session, start=slot.start, end=slot.end, table=table, booth=pool.booth,
        video_link=video_link(grid.sessions[slot.session], mid, table)
        if pool.virtual and link else None,
        priority=request.priority, mutual=request.mutual, asked_by=list(request.asked_by),
        reason=request.reason)


class State:
    """What is taken so far: delegates per slot, tables, and meeting counts."""

    def __init__(self, grid: Grid):
        self.grid = grid
        self.busy: dict[str, dict[int, list[str]]] = defaultdict(dict)
        self.tables: dict[tuple[int, str], int] = defaultdict(int)
        self.count: dict[str, int] = defaultdict(int)
        self.in_session: dict[tuple[str, str], int] = defaultdict(int)
        self.session_total: dict[str, int] = defaultdict(int)

    def attendees(self, cid: str, slot: Slot) -> list[str] | None:
        """Delegates a company would send to a meeting at a slot, or None if it cannot."""
        free = self.grid.delegates_at(cid, slot)
        if not free:
            return None
        busy, conflicts = self.busy[cid], self.grid.conflicts[slot.index]
        if not self.grid.folder.companies[cid].parallel:
            return None if any(j in busy for j in conflicts) else list(free)
        taken = {d for j in conflicts for d in busy.get(j, ())}
        left = [d for d in free if d not in taken]
        return left[:1] or None

    def under_caps(self, cid: str, session: PartneringSession) -> bool:
        """Whether a company may take one more meeting in a session."""
        company = self.grid.folder.companies[cid]
        if company.max_meetings is not None and self.count[cid] >= company.max_meetings:
            return False
        cap = session.max_meetings_per_company
        return cap is None or self.in_session[(cid, session.id)] < cap

    def take(self, slot: Slot, pool: Pool, a: str, b: str, delegates: list[str]) -> str | None:
        """Record a meeting; returns its table."""
        table = pool.tables[self.tables[(slot.index, pool.key)]]
        self.tables[(slot.index, pool.key)] += 1
        for cid in (a, b):
            self.busy[cid].setdefault(slot.index, []).extend(
                d for d in delegates if d.startswith(cid + "/"))
            self.count[cid] += 1
            self.in_session[(cid, slot.session)] += 1
        self.session_total[slot.session] += 1
        return table


def place(state: State, a: str, b: str) -> tuple[Slot, Pool, list[str]] | None:
    """The earliest slot (and pool) where a and b are free and a table is free."""
    grid = state.grid
    for slot in grid.common(a, b):
        session = grid.sessions[slot.session]
        if session.max_meetings is not None and \
                state.session_total[session.id] >= session.max_meetings:
            continue
        if not (state.under_caps(a, session) and state.under_caps(b, session)):
            continue
        first = state.attendees(a, slot)
        second = state.attendees(b, slot) if first else None
        if not (first and second):
            continue
        for pool in grid.pools(slot.session, a, b):
            if state.tables[(slot.index, pool.key)] < len(pool.tables):
                return slot, pool, first + second
    return None


def first_fit(folder: MissionFolder, grid: Grid | None = None) -> Schedule:
    """The first-fit baseline schedule of a mission."""
    grid = grid or Grid(folder)
    state = State(grid)
    meetings, unplaced = [], []
    requests = build_requests(folder)
    for request in ranked(requests):
        a, b = request.companies
        missing = request.meetings
        for number in range(1, request.meetings + 1):
            found = place(state, a, b)
            if found is None:
                break
            slot, pool, delegates = found
            table = state.take(slot, pool, a, b, delegates)
            meetings.append(make_meeting(grid, request, number, slot, pool, table, delegates))
            missing -= 1
        if missing:
            unplaced.append(Unplaced(request=request.id, companies=list(request.companies),
                                     priority=request.priority, meetings=missing, reason=NO_SLOT))
    return assemble(grid, requests, meetings, unplaced, "first-fit")


def assemble(grid: Grid, requests: list[Request], meetings: list[Meeting],
             unplaced: list[Unplaced], method: str) -> Schedule:
    """A Schedule with deterministic order and basic counts (bench adds the figures)."""
    meetings.sort(key=lambda m: (m.start, m.session, m.id))
    unplaced.sort(key=lambda u: u.request)
    weight = {r.id: r.weight for r in requests}
    quality = Quality(
        requested=sum(r.meetings for r in requests), placed=len(meetings), bound=0,
        placed_of_bound=0.0, weight_requested=sum(r.weight * r.meetings for r in requests),
        weight_placed=sum(weight[m.request] for m in meetings), idle_slots=0, holes=0,
        fairness=0.0, status="feasible" if meetings else "empty")
    return Schedule(mission=grid.mission.id, generated=grid.generated(), meetings=meetings,
                    unplaced=unplaced, quality=quality, solver={"method": method})
