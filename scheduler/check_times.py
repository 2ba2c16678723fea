"""Times as the checker sees them: zones, the slot grid, unavailability, programme blocks.

Written from the mission models alone (never from the solver's slots), so the
checker stays an independent second opinion. reasons.py uses it too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from scheduler.model import Booth, Company, MissionFolder, PartneringSession, ProgrammeItem
from scheduler.schedule import Meeting

Interval = tuple[datetime, datetime]


@cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name."""
    return ZoneInfo(name)


def session_zone(folder: MissionFolder, session: PartneringSession) -> ZoneInfo:
    """A session's zone: its venue's, else its own (virtual), else the mission's."""
    venue = folder.mission.venues.get(session.venue) if session.venue else None
    return zone(venue.timezone if venue else session.timezone or folder.mission.timezone)


def venue_zone(folder: MissionFolder, venue_id: str | None) -> ZoneInfo:
    """A venue's zone, or the mission's when there is no (known) venue."""
    venue = folder.mission.venues.get(venue_id) if venue_id else None
    return zone(venue.timezone if venue else folder.mission.timezone)


def company_zone(folder: MissionFolder, company: Company) -> ZoneInfo:
    """The zone of a company's unavailable periods: its own, else the mission's."""
    return zone(company.timezone or folder.mission.timezone)


def at(day: date, clock: time, where: tzinfo) -> datetime:
    """An aware datetime from a local day and wall-clock time."""
    return datetime.combine(day, clock).replace(tzinfo=where)


def slot_starts(folder: MissionFolder, session: PartneringSession) -> list[datetime]:
    """Every slot start of a session, in order, aware in the session's zone."""
    where = session_zone(folder, session)
    length = timedelta(minutes=session.meeting_minutes)
    step = length + timedelta(minutes=session.changeover_minutes)
    starts = []
    for day in session.days:
        for first, last in sorted(session.windows):
            start, stop = datetime.combine(day, first), datetime.combine(day, last)
            while start + length <= stop:
                starts.append(start.replace(tzinfo=where))
                start += step
    return sorted(starts, key=lambda s: (s.timestamp(), s.isoformat()))


def overlaps(a: Interval, b: Interval) -> bool:
    """Whether two half-open intervals share an instant."""
    return a[0] < b[1] and b[0] < a[1]


def localise(folder: MissionFolder, company: Company, period: Interval) -> Interval:
    """A naive unavailable period of a company, made aware in the company's zone."""
    where = company_zone(folder, company)
    return period[0].replace(tzinfo=where), period[1].replace(tzinfo=where)


def unavailable_clash(folder: MissionFolder, company: Company, when: Interval) -> Interval | None:
    """The company-level unavailable period (naive) overlapping `when`, if any."""
    for period in company.unavailable:
        if overlaps(localise(folder, company, period), when):
            return period
    return None


def free_delegates(folder: MissionFolder, company: Company, when: Interval) -> list[str]:
    """Ids of the company's delegates with no unavailable period overlapping `when`."""
    return [d.id or "" for d in company.delegates
            if not any(overlaps(localise(folder, company, p), when) for p in d.unavailable)]


def attends_item(folder: MissionFolder, company: Company, item: ProgrammeItem) -> bool:
    """Whether a company is among a programme item's attendees."""
    for who in item.attendees:
        kind, _, name = who.partition(":")
        if (who == "everyone" or who == company.id
                or (who == "delegation" and company.side == "delegation")
                or (who == "hosts" and company.side == "host")
                or (kind == "cluster" and name and company.cluster == name)
                or (kind == "group" and company.id in folder.mission.groups.get(name, []))):
            return True
    return False


def item_interval(folder: MissionFolder, item: ProgrammeItem) -> Interval | None:
    """The instants an item blocks, or None if it blocks no meetings."""
    if not item.blocks:
        return None
    if item.start is not None and item.end is not None:
        transfer = item.kind == "transfer"
        start_zone = venue_zone(folder, item.from_ if transfer and item.from_ else item.venue)
        end_zone = venue_zone(folder, item.to if transfer and item.to else item.venue)
        return item.start.replace(tzinfo=start_zone), item.end.replace(tzinfo=end_zone)
    if item.date is None:
        return None
    where = zone(folder.mission.timezone)
    last = (item.until or item.date) + timedelta(days=1)
    return at(item.date, time(), where), at(last, time(), where)


def programme_clash(folder: MissionFolder, company: Company,
                    when: Interval) -> ProgrammeItem | None:
    """The first programme item that blocks the company during `when`, if any."""
    for item in folder.mission.programme:
        span = item_interval(folder, item)
        if span and overlaps(span, when) and attends_item(folder, company, item):
            return item
    return None


def booth_owners(folder: MissionFolder, booth: Booth) -> set[str]:
    """Company ids owning a booth (cluster:X expands to the cluster's companies)."""
    owners: set[str] = set()
    for owner in booth.owners:
        kind, _, name = owner.partition(":")
        if kind == "cluster" and name:
            owners |= {c.id for c in folder.companies.values() if c.cluster == name}
        else:
            owners.add(owner)
    return owners


def booth_tables(booth: Booth) -> list[str]:
    """The table names of a booth: its name, or '<name> / Table k' when it has several."""
    if booth.tables == 1:
        return [booth.name]
    return [f"{booth.name} / Table {k}" for k in range(1, booth.tables + 1)]


def owned_booths(folder: MissionFolder, session: PartneringSession,
                 companies: list[str]) -> list[Booth]:
    """The session's booths owned by any of these companies."""
    return [b for b in session.booths if booth_owners(folder, b) & set(companies)]


@dataclass(frozen=True)
class Blocker:
    """Why a company cannot meet at some time: what, and when (local text)."""

    company: str
    what: str

    def __str__(self) -> str:
        return f"{self.company} {self.what}"


def company_blocker(folder: MissionFolder, company: Company, when: Interval) -> Blocker | None:
    """What keeps a company from meeting during `when` (unavailable, programme), if anything."""
    period = unavailable_clash(folder, company, when)
    if period:
        own = company.timezone if company.timezone != folder.mission.timezone else None
        zone = f" ({own} time)" if own else ""
        return Blocker(company.id, f"is unavailable {show_period(period)}{zone}")
    item = programme_clash(folder, company, when)
    if item:
        timed = (item.start, item.end) if item.start and item.end else None
        at_time = f" ({show_period(timed)})" if timed else f" ({item.date})" if item.date else ""
        return Blocker(company.id, f"attends '{item.title}'{at_time}")
    if company.delegates and not free_delegates(folder, company, when):
        return Blocker(company.id, "has no delegate available")
    return None


def show_period(period: Interval) -> str:
    """'2016-10-11 16:00-16:30' or '2016-10-11 16:00 - 2016-10-12 12:00'."""
    start, end = period
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"
    if start.time() == end.time() == time() and end - start == timedelta(days=1):
        return f"{start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}"


def show_time(moment: datetime, where: tzinfo) -> str:
    """A local 'YYYY-MM-DD HH:MM' of an instant in a zone."""
    return f"{moment.astimezone(where):%Y-%m-%d %H:%M}"


def meeting_delegates(meeting: Meeting, company: str) -> list[str]:
    """Delegate ids of one company in a meeting."""
    return [d.split("/", 1)[1] for d in meeting.delegates if d.split("/", 1)[0] == company
            and "/" in d]


def describe_grid(session: PartneringSession) -> str:
    """'windows 14:00-15:30, 30-minute meetings, 5 minutes changeover'."""
    windows = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in session.windows)
    days = ", ".join(str(d) for d in session.days)
    return (f"{days}, windows {windows}, {session.meeting_minutes}-minute meetings, "
            f"{session.changeover_minutes} minutes changeover")


def by_company(meetings: Iterable[Meeting]) -> dict[str, list[Meeting]]:
    """Meetings of each company, in schedule order."""
    found: dict[str, list[Meeting]] = defaultdict(list)
    for m in meetings:
        for c in dict.fromkeys(m.companies):
            found[c].append(m)
    return found


def overlapping_pairs(meetings: list[Meeting]) -> list[tuple[Meeting, Meeting]]:
    """Every pair of meetings that overlap in time."""
    return [(x, y) for i, x in enumerate(meetings) for y in meetings[i + 1:]
            if overlaps((x.start, x.end), (y.start, y.end))]
