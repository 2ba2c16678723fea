"""Times as the checker sees them: the slot grid, unavailability, programme blocks.

The input is read through scheduler.meaning, as everywhere; what is checked against
it (overlaps, delegates free, grid membership) is computed here from the meetings'
own times, never from the solver's slots, so the checker stays an independent
second opinion about the schedule. reasons.py uses it too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from scheduler.input.model import Company, MissionFolder, PartneringSession, ProgrammeItem
from scheduler.meaning import company_items, company_zone, item_zones, localise, slot_grid
from scheduler.meaning.clock import abbreviation, place, stamp
from scheduler.schedule import Meeting

Interval = tuple[datetime, datetime]


def slot_starts(folder: MissionFolder, session: PartneringSession) -> list[datetime]:
    """Every slot start of a session (meaning.slot_grid), in time order."""
    starts = [t.start for t in slot_grid(folder, session)]
    return sorted(starts, key=lambda s: (s.timestamp(), s.isoformat()))


def overlaps(a: Interval, b: Interval) -> bool:
    """Whether two half-open intervals share an instant."""
    return a[0] < b[1] and b[0] < a[1]


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


def programme_clash(folder: MissionFolder, company: Company,
                    when: Interval) -> ProgrammeItem | None:
    """The first programme item that blocks the company during `when`, if any."""
    return next((item for item, block in company_items(folder, company)
                 if overlaps(block, when)), None)


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
        return Blocker(company.id, f"is unavailable {company_period(folder, company, period)}")
    item = programme_clash(folder, company, when)
    if item:
        timed = (item.start, item.end) if item.start and item.end else None
        shown = show_period(timed, item_zones(folder, item)[0]) if timed else None
        at_time = f" ({shown})" if shown else f" ({item.date})" if item.date else ""
        return Blocker(company.id, f"attends '{item.title}'{at_time}")
    if company.delegates and not free_delegates(folder, company, when):
        return Blocker(company.id, "has no delegate available")
    return None


def company_period(folder: MissionFolder, company: Company, period: Interval) -> str:
    """A company's unavailable period with its zone, and the place when the company's zone
    is not the mission's: '2022-05-10 10:30-11:30 CEST (Brussels time)'."""
    zone = company_zone(folder, company)
    shown = show_period(period, zone)
    return shown if zone.key == folder.mission.timezone else f"{shown} ({place(zone)} time)"


def show_period(period: Interval, zone: tzinfo | None = None) -> str:
    """'2016-10-11 16:00-16:30' or '2016-10-11 16:00 - 2016-10-12 12:00', and the zone's
    abbreviation after it when a zone is given ('... JST'); whole days stay dates."""
    shown = _period(period)
    start = period[0]
    if zone is None or (start.time() == period[1].time() == time()):
        return shown
    return f"{shown} {abbreviation(start.replace(tzinfo=zone))}"


def _period(period: Interval) -> str:
    """'2016-10-11 16:00-16:30' or '2016-10-11 16:00 - 2016-10-12 12:00'."""
    start, end = period
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"
    if start.time() == end.time() == time() and end - start == timedelta(days=1):
        return f"{start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}"


def show_time(moment: datetime, where: tzinfo) -> str:
    """'2016-10-11 14:00 JST': an instant in a zone, with the zone."""
    return stamp(moment.astimezone(where))


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
