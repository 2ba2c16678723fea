"""What a loaded mission means, defined once: who attends what, when it blocks, in which zone.

The solver, the checker, every exporter, the report and the CLI read the mission through
these functions and never re-interpret the input models themselves. The checker stays an
independent second opinion about the *schedule* (it recomputes overlaps, capacities and caps
from the meetings' times), but it reads the *input* the same way as everyone else.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from scheduler.model import Company, MissionFolder, PartneringSession, ProgrammeItem

Interval = tuple[datetime, datetime]  # aware instants, half-open

# Attendee keywords of a programme item, and which companies each names.
DELEGATION = "delegation"  # companies with side: delegation
HOSTS = "hosts"  # every company that is not part of the delegation (hosts, investors, ...)
EVERYONE = "everyone"
SPECIAL_ATTENDEES = (DELEGATION, HOSTS, EVERYONE)


@cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name (cached)."""
    return ZoneInfo(name)


def is_attendee(folder: MissionFolder, company: Company, who: str) -> bool:
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
        return company.id in folder.mission.groups.get(name, [])
    return False


def attends_item(folder: MissionFolder, company: Company, item: ProgrammeItem) -> bool:
    """Whether a company is among a programme item's attendees."""
    if company.withdrawn:
        return False  # out of the plan: it attends nothing
    return any(is_attendee(folder, company, who) for who in item.attendees)


def item_attendees(folder: MissionFolder, item: ProgrammeItem) -> frozenset[str]:
    """Ids of the companies attending a programme item."""
    return frozenset(c.id for c in folder.companies.values() if attends_item(folder, c, item))


def venue_zone(folder: MissionFolder, venue_id: str | None) -> ZoneInfo:
    """A venue's zone, or the mission's when there is no (known) venue."""
    venue = folder.mission.venues.get(venue_id) if venue_id else None
    return zone(venue.timezone if venue else folder.mission.timezone)


def session_zone(folder: MissionFolder, session: PartneringSession) -> ZoneInfo:
    """A session's zone: its venue's, else its own (virtual), else the mission's."""
    venue = folder.mission.venues.get(session.venue) if session.venue else None
    return zone(venue.timezone if venue else session.timezone or folder.mission.timezone)


def company_zone(folder: MissionFolder, company: Company) -> ZoneInfo:
    """A company's own zone (its `timezone`, else the mission's): its periods are written in
    it, and virtual meetings are read in it."""
    return zone(company.timezone or folder.mission.timezone)


def item_zones(folder: MissionFolder, item: ProgrammeItem) -> tuple[ZoneInfo, ZoneInfo]:
    """The zones of an item's start and end: `from`/`to` venues (transfers), else its venue."""
    return (venue_zone(folder, item.from_ or item.venue),
            venue_zone(folder, item.to or item.venue))


def item_span(folder: MissionFolder, item: ProgrammeItem) -> Interval | None:
    """The instants an item lasts (all-day items: whole days in its venue's zone)."""
    start_zone, end_zone = item_zones(folder, item)
    if item.start is not None and item.end is not None:
        return item.start.replace(tzinfo=start_zone), item.end.replace(tzinfo=end_zone)
    if item.date is None:
        return None
    last = (item.until or item.date) + timedelta(days=1)
    return (datetime.combine(item.date, time(), start_zone),
            datetime.combine(last, time(), start_zone))


def item_block(folder: MissionFolder, item: ProgrammeItem) -> Interval | None:
    """The instants during which an item keeps its attendees from meetings, or None."""
    return item_span(folder, item) if item.blocks else None


def as_utc(interval: Interval) -> Interval:
    """An aware interval in UTC."""
    return interval[0].astimezone(UTC), interval[1].astimezone(UTC)


def video_rooms(session: PartneringSession) -> list[str] | None:
    """A virtual session's video rooms, which cap its parallel meetings; None: any number."""
    return list(session.tables) if session.virtual and session.tables is not None else None


def unlimited_video(session: PartneringSession) -> bool:
    """Whether a session is virtual with no `tables`: any number of meetings at once."""
    return session.virtual and session.tables is None
