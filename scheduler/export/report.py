"""Organiser view-model: per-company figures, the meeting grid per session, table signage.

Slots are derived from the session definition (windows cut into meeting plus
changeover lengths); meeting start times not on that pattern still get a column,
so the grid shows every meeting of the schedule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.export.agenda import agenda_slug, company_name, delegate_names, local
from scheduler.input.model import MissionFolder, PartneringSession
from scheduler.meaning import session_tables, session_zone, video_rooms, wall_grid
from scheduler.meaning.clock import abbreviation
from scheduler.meaning.wishes import hybrid
from scheduler.schedule import Meeting, Schedule


@dataclass(frozen=True)
class CompanyRow:
    """One line of the report's company table."""

    id: str
    name: str
    side: str
    country: str
    requested: int
    placed: int
    unplaced: int
    idle_slots: int
    delegates: tuple[tuple[str, str], ...] = ()  # (name, agenda slug) when split per delegate
    in_person: int | None = None  # meetings held in person, on a hybrid mission


@dataclass(frozen=True)
class Cell:
    """A meeting in the grid: both company names."""

    meeting_id: str
    names: tuple[str, str]


@dataclass
class Grid:
    """One session day: tables or video rooms (rows) by slot start times (columns)."""

    session: PartneringSession
    day: date
    zone: str
    place: str
    slots: list[str]
    tables: list[str]
    abbreviation: str = ""  # of the zone on that day, e.g. 'CEST'
    cells: dict[tuple[str, str], list[Cell]] = field(default_factory=dict)
    heading: str = "Table"  # what the rows are: "Table", or "Video room" when virtual

    def at(self, table: str, slot: str) -> list[Cell]:
        """The meetings at a table in a slot (normally none or one)."""
        return self.cells.get((table, slot), [])


@dataclass(frozen=True)
class SignLine:
    """A meeting as a table sign lists it."""

    day: date
    start: str
    end: str
    names: tuple[str, str]
    delegates: tuple[str, str]
    zone: str = ""  # the abbreviation of the zone the times are in, e.g. 'JST'


@dataclass(frozen=True)
class Sign:
    """One printed page: a table in a session and its meetings in time order."""

    session: PartneringSession
    table: str
    place: str
    lines: list[SignLine]


def session_slots(session: PartneringSession, day: date) -> list[str]:
    """Start times 'HH:MM' of a session's slots on one day."""
    return [f"{t.start:%H:%M}" for t in wall_grid(session) if t.day == day]


def _local_start(folder: MissionFolder, meeting: Meeting) -> datetime:
    """A meeting's start in its session's zone."""
    return local(meeting.start, session_zone(folder, folder.session(meeting.session)).key)


def _declared_tables(session: PartneringSession) -> list[str]:
    """The tables and booths a session declares, in file order."""
    return [*session_tables(session), *(b.name for b in session.booths)]


def _place(folder: MissionFolder, session: PartneringSession) -> str:
    """The session's venue name, or 'Online'."""
    venue = folder.mission.venues.get(session.venue or "")
    return "Online" if session.virtual or not venue else venue.name


def _cell(folder: MissionFolder, meeting: Meeting) -> Cell:
    """A meeting as a grid cell."""
    a, b = meeting.companies
    return Cell(meeting.id, (company_name(folder, a), company_name(folder, b)))


def _labelled(folder: MissionFolder, meetings: list[Meeting]) -> list[tuple[str, str, Meeting]]:
    """(table label, local start, meeting) for meetings; virtual ones numbered per slot."""
    out: list[tuple[str, str, Meeting]] = []
    per_slot: dict[str, int] = defaultdict(int)  # local start -> video meetings numbered
    for m in sorted(meetings, key=lambda m: (m.start, m.id)):
        start = f"{_local_start(folder, m):%H:%M}"
        label = m.table or m.booth or f"Video {per_slot[start] + 1}"
        per_slot[start] += not (m.table or m.booth)
        out.append((label, start, m))
    return out


def build_grids(folder: MissionFolder, schedule: Schedule) -> list[Grid]:
    """One grid per session and day, in programme order."""
    grids = []
    for session in folder.mission.partnering:
        mine = [m for m in schedule.meetings if m.session == session.id]
        days = sorted({*session.days, *(_local_start(folder, m).date() for m in mine)})
        for day in days:
            labelled = [x for x in _labelled(folder, mine)
                        if _local_start(folder, x[2]).date() == day]
            grids.append(_grid(folder, session, day, labelled))
    return grids


def _grid(folder: MissionFolder, session: PartneringSession, day: date,
          labelled: list[tuple[str, str, Meeting]]) -> Grid:
    """The grid of one session day."""
    declared = (video_rooms(session) or []) if session.virtual else _declared_tables(session)
    used = sorted({label for label, _, _ in labelled} - set(declared))
    slots = sorted(set(session_slots(session, day)) | {start for _, start, _ in labelled})
    zone = session_zone(folder, session).key
    noon = datetime.combine(day, time(12), ZoneInfo(zone))  # a DST change falls at night
    grid = Grid(session, day, zone, _place(folder, session), slots, declared + used,
                abbreviation(noon), heading="Video room" if session.virtual else "Table")
    for label, _start, meeting in labelled:
        for start in running(folder, meeting):  # a longer meeting fills each of its slots
            grid.cells.setdefault((label, start), []).append(_cell(folder, meeting))
    return grid


def running(folder: MissionFolder, meeting: Meeting) -> list[str]:
    """Local 'HH:MM' starts of the slots of its session day a meeting runs in: its own
    start, and the later slots a longer meeting takes."""
    session = folder.session(meeting.session)
    start = _local_start(folder, meeting)
    if meeting.end - meeting.start <= timedelta(minutes=session.meeting_minutes):
        return [f"{start:%H:%M}"]
    first, last = start.replace(tzinfo=None), _local_end(folder, meeting)
    return [f"{start:%H:%M}", *(f"{t.start:%H:%M}" for t in wall_grid(session)
                                if t.day == first.date() and first < t.start < last)]


def _local_end(folder: MissionFolder, meeting: Meeting) -> datetime:
    """A meeting's end in its session's zone, as a wall-clock time."""
    zone = session_zone(folder, folder.session(meeting.session)).key
    return local(meeting.end, zone).replace(tzinfo=None)


def build_signs(folder: MissionFolder, schedule: Schedule) -> list[Sign]:
    """One sign per table (or booth) and session that holds meetings; none for virtual ones
    (a video room has no door to put a sign on)."""
    signs = []
    for session in folder.mission.partnering:
        if session.virtual:
            continue
        mine = [m for m in schedule.meetings if m.session == session.id and (m.table or m.booth)]
        by_table: dict[str, list[Meeting]] = defaultdict(list)
        for meeting in mine:
            by_table[meeting.table or meeting.booth or ""].append(meeting)
        order = _declared_tables(session)
        for table in sorted(by_table, key=lambda t: (t not in order, _rank(order, t), t)):
            lines = [_sign_line(folder, m) for m in sorted(by_table[table], key=_when)]
            signs.append(Sign(session, table, _place(folder, session), lines))
    return signs


def _rank(order: list[str], name: str) -> int:
    """Position of a table in the declared order (unknown ones last)."""
    return order.index(name) if name in order else len(order)


def _when(meeting: Meeting) -> tuple[datetime, str]:
    """Sort key of meetings: time, then id."""
    return (meeting.start, meeting.id)


def _sign_line(folder: MissionFolder, meeting: Meeting) -> SignLine:
    """A meeting as a line of a table sign."""
    zone = session_zone(folder, folder.session(meeting.session)).key
    start, end = local(meeting.start, zone), local(meeting.end, zone)
    a, b = meeting.companies
    return SignLine(start.date(), f"{start:%H:%M}", f"{end:%H:%M}",
                    (company_name(folder, a), company_name(folder, b)),
                    (", ".join(delegate_names(folder, meeting, a)),
                     ", ".join(delegate_names(folder, meeting, b))), abbreviation(start))


def idle_slots(folder: MissionFolder, schedule: Schedule, company_id: str) -> int:
    """Slots between a company's first and last meeting of each session day with none."""
    busy: dict[tuple[str, date], set[str]] = defaultdict(set)
    for m in schedule.meetings:
        if company_id in m.companies:
            start = _local_start(folder, m)
            busy[(m.session, start.date())].update(running(folder, m))
    idle = 0
    for (session_id, day), used in busy.items():
        slots = sorted(set(session_slots(folder.session(session_id), day)) | used)
        first, last = slots.index(min(used)), slots.index(max(used))
        idle += sum(s not in used for s in slots[first:last + 1])
    return idle


def company_rows(folder: MissionFolder, schedule: Schedule) -> list[CompanyRow]:
    """Requested, placed, unplaced and idle slots per company; delegation first."""
    placed: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    for m in schedule.meetings:
        for c in set(m.companies):
            placed[c] += 1
            held[c] += not folder.session(m.session).virtual
    mixed = hybrid(folder)
    for u in schedule.unplaced:
        for c in set(u.companies):
            missing[c] += u.meetings
    rows = [CompanyRow(c.id, c.name, c.side, c.country, placed[c.id] + missing[c.id], placed[c.id],
                       missing[c.id], idle_slots(folder, schedule, c.id),
                       tuple((d.name, agenda_slug(c.id, d.id)) for d in c.delegates
                             if len(c.delegates) > 1), held[c.id] if mixed else None)
            for c in folder.companies.values()]
    return sorted(rows, key=lambda r: (r.side != "delegation", r.name.casefold(), r.id))
