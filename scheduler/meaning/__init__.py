"""What a loaded mission means, defined once: who attends what, when it blocks, in which zone.

The solver, the checker, every exporter, the report and the CLI read the mission through
these functions and never re-interpret the input models themselves. The checker stays an
independent second opinion about the *schedule* (it recomputes overlaps, capacities and caps
from the meetings' times), but it reads the *input* the same way as everyone else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from scheduler.input.model import (
    Booth,
    Company,
    Mission,
    MissionFolder,
    PartneringSession,
    ProgrammeItem,
)
from scheduler.input.types import slugify

Interval = tuple[datetime, datetime]  # aware instants, half-open
# What the zone, grid and attendee rules read: a loaded folder, or its mission alone
# (those rules need nothing else, and the solver's slot builder only has the mission).
Source = MissionFolder | Mission

# Attendee keywords of a programme item, and which companies each names.
DELEGATION = "delegation"  # companies with side: delegation
HOSTS = "hosts"  # every company that is not part of the delegation (hosts, investors, ...)
EVERYONE = "everyone"
SPECIAL_ATTENDEES = (DELEGATION, HOSTS, EVERYONE)


@cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name (cached)."""
    return ZoneInfo(name)


def mission_of(source: Source) -> Mission:
    """The mission of a folder (or the mission itself)."""
    return source.mission if isinstance(source, MissionFolder) else source


def is_attendee(folder: Source, company: Company, who: str) -> bool:
    """Whether one attendee entry (`delegation`, `hosts`, `cluster:x`, ...) names a company."""
    kind, _, name = who.partition(":")
    if who in (EVERYONE, company.id):
        return True
    if who == DELEGATION:
        return company.side == "delegation"
    if who == HOSTS:
        return company.side != "delegation"
    if kind == "cluster" and name:
        return company.cluster == name
    if kind == "group" and name:
        return company.id in mission_of(folder).groups.get(name, [])
    return False


def attends_item(folder: Source, company: Company, item: ProgrammeItem) -> bool:
    """Whether a company is among a programme item's attendees."""
    if company.withdrawn:
        return False  # out of the plan: it attends nothing
    return any(is_attendee(folder, company, who) for who in item.attendees)


def item_attendees(folder: MissionFolder, item: ProgrammeItem) -> frozenset[str]:
    """Ids of the companies attending a programme item."""
    return frozenset(c.id for c in folder.companies.values() if attends_item(folder, c, item))


def venue_zone(folder: Source, venue_id: str | None) -> ZoneInfo:
    """A venue's zone, or the mission's when there is no (known) venue."""
    mission = mission_of(folder)
    venue = mission.venues.get(venue_id) if venue_id else None
    return zone(venue.timezone if venue else mission.timezone)


def session_zone(folder: Source, session: PartneringSession) -> ZoneInfo:
    """A session's zone: its venue's, else its own (virtual), else the mission's."""
    mission = mission_of(folder)
    venue = mission.venues.get(session.venue) if session.venue else None
    return zone(venue.timezone if venue else session.timezone or mission.timezone)


def company_zone(folder: Source, company: Company) -> ZoneInfo:
    """A company's own zone (its `timezone`, else the mission's): its periods are written in
    it, and virtual meetings are read in it."""
    return zone(company.timezone or mission_of(folder).timezone)


def item_zones(folder: Source, item: ProgrammeItem) -> tuple[ZoneInfo, ZoneInfo]:
    """The zones of an item's start and end: `from`/`to` venues (transfers), else its venue."""
    return (venue_zone(folder, item.from_ or item.venue),
            venue_zone(folder, item.to or item.venue))


def item_span(folder: Source, item: ProgrammeItem) -> Interval | None:
    """The instants an item lasts (all-day items: whole days in its venue's zone)."""
    start_zone, end_zone = item_zones(folder, item)
    if item.start is not None and item.end is not None:
        return item.start.replace(tzinfo=start_zone), item.end.replace(tzinfo=end_zone)
    if item.date is None:
        return None
    last = (item.until or item.date) + timedelta(days=1)
    return (datetime.combine(item.date, time(), start_zone),
            datetime.combine(last, time(), start_zone))


def item_block(folder: Source, item: ProgrammeItem) -> Interval | None:
    """The instants during which an item keeps its attendees from meetings, or None."""
    return item_span(folder, item) if item.blocks else None


def blocking_items(folder: Source) -> list[tuple[ProgrammeItem, Interval]]:
    """The programme items that block meetings, each with the instants it blocks."""
    return [(item, block) for item in mission_of(folder).programme
            if (block := item_block(folder, item)) is not None]


def company_items(folder: Source, company: Company) -> list[tuple[ProgrammeItem, Interval]]:
    """The blocking programme items a company attends, with the instants each blocks."""
    return [(item, block) for item, block in blocking_items(folder)
            if attends_item(folder, company, item)]


def localise(folder: Source, company: Company, period: tuple[datetime, datetime]) -> Interval:
    """A naive period a company wrote (its own or a delegate's), aware in the company's zone."""
    where = company_zone(folder, company)
    return period[0].replace(tzinfo=where), period[1].replace(tzinfo=where)


def company_periods(folder: Source, company: Company) -> list[Interval]:
    """The periods a whole company is unavailable, aware."""
    return [localise(folder, company, p) for p in company.unavailable]


def delegate_periods(folder: Source, company: Company) -> dict[str, list[Interval]]:
    """Delegate id -> the periods that delegate is unavailable, aware (every delegate listed)."""
    return {d.id or "": [localise(folder, company, p) for p in d.unavailable]
            for d in company.delegates}


class SlotTime(NamedTuple):
    """One slot of a session's grid: its day, position within the day, start and end."""

    day: date
    position: int
    start: datetime  # wall-clock (wall_grid) or aware in the session's zone (slot_grid)
    end: datetime
    window: int = 0  # which window of the day (sorted): a longer meeting stays in one


def wall_grid(session: PartneringSession) -> list[SlotTime]:
    """A session's slots in wall-clock time, day by day, window by window: a slot starts at
    the window start, lasts meeting_minutes, the next starts changeover_minutes after it."""
    length = timedelta(minutes=session.meeting_minutes)
    step = length + timedelta(minutes=session.changeover_minutes)
    out: list[SlotTime] = []
    for day in session.days:
        position = 0
        for window, (first, last) in enumerate(sorted(session.windows)):
            start, stop = datetime.combine(day, first), datetime.combine(day, last)
            while start + length <= stop:
                out.append(SlotTime(day, position, start, start + length, window))
                position += 1
                start += step
    return out


def slot_grid(folder: Source, session: PartneringSession) -> list[SlotTime]:
    """A session's slots (wall_grid), aware in the session's zone."""
    where = session_zone(folder, session)
    return [t._replace(start=t.start.replace(tzinfo=where), end=t.end.replace(tzinfo=where))
            for t in wall_grid(session)]


def owns_booth(company: Company, booth: Booth) -> bool:
    """Whether a company is among a booth's owners (named by id or as cluster:<name>)."""
    return company.id in booth.owners or (
        company.cluster is not None and f"cluster:{company.cluster}" in booth.owners)


def booth_owners(folder: MissionFolder, booth: Booth) -> frozenset[str]:
    """Ids of the companies owning a booth."""
    return frozenset(c.id for c in folder.companies.values() if owns_booth(c, booth))


def owned_booths(folder: MissionFolder, session: PartneringSession,
                 companies: list[str]) -> list[Booth]:
    """The session's booths owned by any of these companies, in file order."""
    known = [folder.companies[c] for c in companies if c in folder.companies]
    return [b for b in session.booths if any(owns_booth(c, b) for c in known)]


def booth_tables(booth: Booth) -> list[str]:
    """A booth's table names: its name, or '<name> / Table k' when it has several."""
    if booth.tables == 1:
        return [booth.name]
    return [f"{booth.name} / Table {k}" for k in range(1, booth.tables + 1)]


def session_tables(session: PartneringSession) -> list[str]:
    """The names of a session's shared tables (not its booths'); one meeting each at a time."""
    return list(session.tables or [])


def as_utc(interval: Interval) -> Interval:
    """An aware interval in UTC."""
    return interval[0].astimezone(UTC), interval[1].astimezone(UTC)


def video_rooms(session: PartneringSession) -> list[str] | None:
    """A virtual session's video rooms, which cap its parallel meetings; None: any number."""
    return list(session.tables) if session.virtual and session.tables is not None else None


def unlimited_video(session: PartneringSession) -> bool:
    """Whether a session is virtual with no `tables`: any number of meetings at once."""
    return session.virtual and session.tables is None


LINK_PLACEHOLDERS = ("meeting", "room")  # what a virtual session's video_link may contain
NO_LINK = "link to be sent by the organiser"  # a virtual meeting's link when none is given


def video_link(session: PartneringSession, meeting_id: str, room: str | None) -> str:
    """A virtual meeting's link: the session's `video_link` with {meeting} its meeting's id
    and {room} its video room's name as an id ('Video room 2' -> 'video-room-2')."""
    if not session.video_link:
        return NO_LINK
    return session.video_link.replace("{meeting}", meeting_id).replace(
        "{room}", slugify(room or ""))
