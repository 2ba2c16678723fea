"""Where each company and table was on the day, so that a walk-in or a moved meeting read
from a sheet never puts a company or a table in two places at once.

A planned meeting holds its table and both companies at the place and time it was held
(its `moved to`), or as planned while nothing says it failed; a no-show or a cancellation
frees them, since the company that came may well have taken a walk-in instead. A parallel
company is held per delegate, as the checker reads it: a meeting clashes with another only
through a delegate in both, and a walk-in (whose people the sheet does not name) only
when every delegate is already in a meeting.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler import meaning
from scheduler.errors import Problem
from scheduler.meaning.clock import span
from scheduler.outcomes.common import Mission, company_label
from scheduler.outcomes.model import MeetingOutcome, WalkIn
from scheduler.outcomes.sheetread import Cell


@dataclass(frozen=True)
class Booking:
    """A table and two companies held from start to end, and what holds them."""

    session: str
    table: str | None
    companies: tuple[str, ...]
    start: datetime
    end: datetime
    what: str
    people: tuple[str, ...] = ()  # 'company/delegate' attending; none known for a walk-in

    def overlaps(self, other: Booking) -> bool:
        """The two share some time."""
        return self.start < other.end and other.start < self.end


def planned(mission: Mission, meetings: dict[str, MeetingOutcome]) -> list[Booking]:
    """Every planned meeting not known to have failed, where and when it was held."""
    found = []
    for meeting in mission.schedule.meetings:
        outcome = meetings.get(meeting.id)
        if outcome and outcome.status != "held":
            continue
        start, table = meeting.start, meeting.table
        if outcome and outcome.moved_to:
            start = outcome.moved_to.start or start
            table = outcome.moved_to.table or table
        found.append(Booking(meeting.session, table, tuple(meeting.companies), start,
                             start + (meeting.end - meeting.start), meeting.id,
                             tuple(meeting.delegates)))
    return found


def walk_in_booking(mission: Mission, walk_in: WalkIn) -> Booking:
    """A walk-in as a booking of its table and companies for one meeting length."""
    minutes = mission.folder.session(walk_in.session).meeting_minutes
    return Booking(walk_in.session, walk_in.table, tuple(walk_in.companies), walk_in.start,
                   walk_in.start + timedelta(minutes=minutes),
                   f"the walk-in {' and '.join(walk_in.companies)}")


def _when(mission: Mission, booking: Booking) -> str:
    """'13:30–13:55 JST': a booking's time in its session's zone."""
    zone = meaning.session_zone(mission.folder, mission.folder.session(booking.session))
    return span(booking.start.astimezone(zone), booking.end.astimezone(zone))


class Index:
    """Bookings by table and by company, so a check reads only those that could clash."""

    def __init__(self, bookings: list[Booking]) -> None:
        self.by_key: dict[tuple[str, ...], list[Booking]] = defaultdict(list)
        for booking in bookings:
            self.add(booking)

    def add(self, booking: Booking) -> None:
        """Book a table and companies."""
        if booking.table:
            self.by_key[("table", booking.session, booking.table)].append(booking)
        for company in booking.companies:
            self.by_key[("company", company)].append(booking)

    def near(self, item: Booking) -> list[Booking]:
        """What holds the item's table, then what holds each of its companies."""
        keys: list[tuple[str, ...]] = [("table", item.session, item.table)] if item.table else []
        keys += [("company", company) for company in item.companies]
        return [other for key in keys for other in self.by_key.get(key, [])]


def _busy(mission: Mission, item: Booking, company_id: str,
          overlapping: list[Booking]) -> Booking | None:
    """What keeps a company of `item` elsewhere at its time, if anything."""
    there = [o for o in overlapping if company_id in o.companies]
    company = mission.folder.companies.get(company_id)
    if not there or company is None or not company.parallel:
        return there[0] if there else None
    mine = {p for p in item.people if p.startswith(f"{company_id}/")}
    if mine:
        return next((o for o in there if mine & set(o.people)), None)
    return there[0] if len(there) >= len(company.delegates) else None


def clash(mission: Mission, item: Booking, index: Index) -> str | None:
    """Why `item` cannot have happened beside what is booked: its table or a company taken."""
    overlapping = [o for o in dict.fromkeys(index.near(item), None)
                   if o is not item and item.overlaps(o)]
    for other in overlapping:
        if item.table and (other.session, other.table) == (item.session, item.table):
            return f"{item.table} is taken at {_when(mission, item)} by {_where(mission, other)}"
    for company_id in item.companies:
        busy = _busy(mission, item, company_id, overlapping)
        if busy is not None:
            return (f"{company_label(mission, company_id)} is at {_where(mission, busy)} at "
                    f"{_when(mission, item)}")
    return None


def _where(mission: Mission, other: Booking) -> str:
    """'meeting-id (Table 3, 14:00–14:25 JST)'."""
    return f"{other.what} ({other.table or 'no table'}, {_when(mission, other)})"


def clashes(mission: Mission, meetings: dict[str, MeetingOutcome],
            moved: dict[str, Cell], new: list[tuple[WalkIn, Cell]],
            old: list[WalkIn]) -> list[Problem]:
    """A problem at each meeting moved to, or walk-in added at, a table or a company that
    is elsewhere at that time; a walk-in is checked against the walk-ins above it."""
    base = [*planned(mission, meetings), *(walk_in_booking(mission, w) for w in old)]
    index = Index(base)
    found = []
    for booking in base:
        cell = moved.get(booking.what)
        reason = clash(mission, booking, index) if cell else None
        if cell and reason:
            found.append(cell.problem(reason))
    for walk_in, cell in new:
        booking = walk_in_booking(mission, walk_in)
        reason = clash(mission, booking, index)
        if reason:
            found.append(cell.problem(reason))
        index.add(booking)
    return found
