"""Partnering sessions -> ordered slots, and who is available in which slot.

A slot is one meeting-length interval of a session (DESIGN.md section 2). Slot
times are aware datetimes in the session's zone (the venue's, or the virtual
session's own); comparisons between slots use UTC instants, so sessions in
different zones, and days with a DST change, compare correctly. Wall-clock
arithmetic inside a window follows the `slot_grid` rule: a slot starts at the
window start, lasts meeting_minutes, the next starts changeover_minutes later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo

from scheduler.model import Company, Mission, MissionFolder, PartneringSession, ProgrammeItem

Interval = tuple[datetime, datetime]  # UTC instants, half-open


@cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name (cached)."""
    return ZoneInfo(name)


@dataclass(frozen=True)
class Slot:
    """One meeting-length interval of a session on one day."""

    index: int  # position in the mission's slot list
    session: str
    day: date
    position: int  # 0-based position within the session's day
    start: datetime  # aware, session zone
    end: datetime

    @cached_property
    def utc(self) -> Interval:
        """The slot as a UTC interval (computed once: availability asks for it often)."""
        return self.start.astimezone(UTC), self.end.astimezone(UTC)


def session_zone(mission: Mission, session: PartneringSession) -> ZoneInfo:
    """The zone of a session: its venue's, else its own (virtual), else the mission's."""
    if session.venue and session.venue in mission.venues:
        return zone(mission.venues[session.venue].timezone)
    return zone(session.timezone or mission.timezone)


def local(value: datetime, tz: ZoneInfo) -> datetime:
    """Attach a zone to a naive wall-clock time."""
    return value.replace(tzinfo=tz)


def session_slots(mission: Mission, session: PartneringSession, first: int = 0) -> list[Slot]:
    """The slots of one session, day by day, window by window (the `slot_grid` rule)."""
    tz = session_zone(mission, session)
    length = timedelta(minutes=session.meeting_minutes)
    step = length + timedelta(minutes=session.changeover_minutes)
    out: list[Slot] = []
    for day in session.days:
        position = 0
        for window_start, window_end in sorted(session.windows):
            start = datetime.combine(day, window_start)
            end_of_window = datetime.combine(day, window_end)
            while start + length <= end_of_window:
                out.append(Slot(first + len(out), session.id, day, position,
                                local(start, tz), local(start + length, tz)))
                position += 1
                start += step
    return out


def build_slots(mission: Mission) -> list[Slot]:
    """Every slot of the mission, session by session in file order."""
    out: list[Slot] = []
    for session in mission.partnering:
        out += session_slots(mission, session, len(out))
    return out


def overlaps(a: Interval, b: Interval) -> bool:
    """Whether two half-open intervals overlap."""
    return a[0] < b[1] and b[0] < a[1]


def to_utc(start: datetime, end: datetime, tz: ZoneInfo, end_tz: ZoneInfo | None = None
           ) -> Interval:
    """A naive local period as a UTC interval."""
    return local(start, tz).astimezone(UTC), local(end, end_tz or tz).astimezone(UTC)


Span = tuple[int, int]  # a UTC interval as whole microseconds since the epoch, half-open
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(value: datetime) -> int:
    """An aware datetime as whole microseconds since the epoch (exact, unlike timestamp())."""
    return (value - _EPOCH) // _MICROSECOND


def span(interval: Interval) -> Span:
    """A UTC interval as integers: comparing them is comparing the instants, only faster."""
    return micros(interval[0]), micros(interval[1])


def slot_spans(slots: list[Slot]) -> list[Span]:
    """The span of every slot, by position in the list."""
    return [span(s.utc) for s in slots]


def overlapping(spans: list[Span], block: Span) -> set[int]:
    """Positions of the spans that overlap a block (the test of `overlaps`)."""
    a, b = block
    return {i for i, (start, end) in enumerate(spans) if start < b and a < end}


def blocked(spans: list[Span], blocks: Iterable[Interval]) -> set[int]:
    """Positions of the spans that overlap any of the blocks (where `free` is False)."""
    return set().union(*(overlapping(spans, span(b)) for b in blocks))


def attends_item(company: Company, item: ProgrammeItem, mission: Mission) -> bool:
    """Whether a company attends a programme item (the `programme_conflict` rule)."""
    for who in item.attendees:
        kind, _, name = who.partition(":")
        if who == "everyone" or who == company.id:
            return True
        if (who == "delegation" and company.side == "delegation") or \
                (who == "hosts" and company.side == "host"):
            return True
        if kind == "cluster" and name and company.cluster == name:
            return True
        if kind == "group" and name and company.id in mission.groups.get(name, []):
            return True
    return False


def item_interval(item: ProgrammeItem, mission: Mission) -> Interval | None:
    """The UTC interval an item blocks, or None if it blocks nothing."""
    if not item.blocks:
        return None
    venues, mission_tz = mission.venues, zone(mission.timezone)

    def tz_of(venue: str | None) -> ZoneInfo:
        return zone(venues[venue].timezone) if venue and venue in venues else mission_tz

    if item.all_day:
        if item.date is None:
            return None
        first = datetime.combine(item.date, time())
        last = datetime.combine(item.until or item.date, time()) + timedelta(days=1)
        return to_utc(first, last, mission_tz)
    if item.start is None or item.end is None:
        return None
    start_tz = tz_of(item.from_ or item.venue)
    end_tz = tz_of(item.to or item.venue)
    return to_utc(item.start, item.end, start_tz, end_tz)


def programme_blocks(company: Company, mission: Mission) -> list[Interval]:
    """UTC intervals of the blocking programme items a company attends."""
    out = []
    for item in mission.programme:
        interval = item_interval(item, mission)
        if interval and attends_item(company, item, mission):
            out.append(interval)
    return out


def unavailable_blocks(company: Company, mission: Mission) -> list[Interval]:
    """UTC intervals of a company's own unavailable periods."""
    tz = zone(company.timezone or mission.timezone)
    return [to_utc(a, b, tz) for a, b in company.unavailable]


def delegate_blocks(company: Company, mission: Mission) -> dict[str, list[Interval]]:
    """Delegate id -> UTC intervals that delegate is unavailable."""
    tz = zone(company.timezone or mission.timezone)
    return {d.id or "": [to_utc(a, b, tz) for a, b in d.unavailable] for d in company.delegates}


def company_blocks(company: Company, mission: Mission) -> list[Interval]:
    """UTC intervals a whole company is unavailable: its own periods and programme items."""
    return unavailable_blocks(company, mission) + programme_blocks(company, mission)


def delegate_ids(company: Company) -> list[str]:
    """The delegate ids of a company, in file order."""
    return [d.id or "" for d in company.delegates]


@dataclass
class Availability:
    """Who can meet in which slot: slot index -> available delegate ids, per company."""

    delegates: dict[str, dict[int, list[str]]] = field(default_factory=dict)

    def slots(self, company: str) -> dict[int, list[str]]:
        """Slot index -> available delegates of a company (only slots with someone)."""
        return self.delegates.get(company, {})


def free(interval: Interval, blocks: Iterable[Interval]) -> bool:
    """Whether an interval overlaps none of the blocks."""
    return not any(overlaps(interval, b) for b in blocks)


def company_availability(company: Company, folder: MissionFolder, slots: list[Slot]
                         ) -> dict[int, list[str]]:
    """Slot index -> delegates of a company free then (sessions attended only)."""
    mission = folder.mission
    attended = set(folder.attends(company))
    blocks = company_blocks(company, mission)
    personal = delegate_blocks(company, mission)
    out: dict[int, list[str]] = {}
    for slot in slots:
        if slot.session not in attended or not free(slot.utc, blocks):
            continue
        people = [d for d in delegate_ids(company) if free(slot.utc, personal[d])]
        if people:
            out[slot.index] = people
    return out


def availability(folder: MissionFolder, slots: list[Slot]) -> Availability:
    """Per company, the slots it can meet in and who is free (session, periods, programme)."""
    return Availability({cid: company_availability(c, folder, slots)
                         for cid, c in sorted(folder.companies.items())})


def time_groups(slots: list[Slot]) -> list[list[int]]:
    """Maximal sets of mutually overlapping slots (one per distinct start instant)."""
    intervals = sorted((s.utc, s.index) for s in slots)
    groups: list[list[int]] = []
    seen: set[tuple[int, ...]] = set()
    for (start, _), _index in intervals:
        group = tuple(sorted(i for (a, b), i in intervals if a <= start < b))
        if group and group not in seen:
            seen.add(group)
            groups.append(list(group))
    return [g for g in groups if not any(set(g) < set(h) for h in groups)]


def idle_and_holes(meetings: Iterable[tuple[str, str, datetime]], slots: list[Slot]
                   ) -> tuple[int, int]:
    """Idle slots and holes over (company, session, start) triples (DESIGN.md section 5)."""
    position = {(s.session, s.start.astimezone(UTC)): (s.day, s.position) for s in slots}
    busy: dict[tuple[str, str, date], set[int]] = defaultdict(set)
    for company, session, start in meetings:
        found = position.get((session, start.astimezone(UTC)))
        if found:
            busy[(company, session, found[0])].add(found[1])
    idle = holes = 0
    for used in busy.values():
        gaps = [p for p in range(min(used), max(used) + 1) if p not in used]
        idle += len(gaps)
        holes += sum(1 for p in gaps if p - 1 not in gaps)
    return idle, holes
