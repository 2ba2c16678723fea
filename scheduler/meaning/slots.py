"""Partnering sessions -> ordered slots, and who is available in which slot.

A slot is one meeting-length interval of a session, as
scheduler.meaning's slot grid defines it; slot times are aware datetimes in the
session's zone. Comparisons between slots use UTC instants, so sessions in
different zones, and days with a DST change, compare correctly. Who attends what
and when it blocks are read through scheduler.meaning too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from scheduler.input.model import Company, Mission, MissionFolder, PartneringSession
from scheduler.meaning import (
    as_utc,
    company_items,
    company_periods,
    delegate_periods,
    slot_grid,
)
from scheduler.meaning import zone as zone  # re-exported: planners stamp schedules with it

Interval = tuple[datetime, datetime]  # UTC instants, half-open


@dataclass(frozen=True)
class Slot:
    """One meeting-length interval of a session on one day."""

    index: int  # position in the mission's slot list
    session: str
    day: date
    position: int  # 0-based position within the session's day
    start: datetime  # aware, session zone
    end: datetime
    window: int = 0  # which window of its day

    @cached_property
    def utc(self) -> Interval:
        """The slot as a UTC interval (computed once: availability asks for it often)."""
        return self.start.astimezone(UTC), self.end.astimezone(UTC)


def local(value: datetime, tz: ZoneInfo) -> datetime:
    """Attach a zone to a naive wall-clock time."""
    return value.replace(tzinfo=tz)


def session_slots(mission: Mission, session: PartneringSession, first: int = 0) -> list[Slot]:
    """The slots of one session (meaning.slot_grid), numbered from `first`."""
    return [Slot(first + k, session.id, t.day, t.position, t.start, t.end, t.window)
            for k, t in enumerate(slot_grid(mission, session))]


def build_slots(mission: Mission) -> list[Slot]:
    """Every slot of the mission, session by session in file order."""
    out: list[Slot] = []
    for session in mission.partnering:
        out += session_slots(mission, session, len(out))
    return out


def overlaps(a: Interval, b: Interval) -> bool:
    """Whether two half-open intervals overlap."""
    return a[0] < b[1] and b[0] < a[1]


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


def programme_blocks(company: Company, mission: Mission) -> list[Interval]:
    """UTC intervals of the blocking programme items a company attends."""
    return [as_utc(block) for _, block in company_items(mission, company)]


def unavailable_blocks(company: Company, mission: Mission) -> list[Interval]:
    """UTC intervals of a company's own unavailable periods."""
    return [as_utc(p) for p in company_periods(mission, company)]


def delegate_blocks(company: Company, mission: Mission) -> dict[str, list[Interval]]:
    """Delegate id -> UTC intervals that delegate is unavailable."""
    return {d: [as_utc(p) for p in periods]
            for d, periods in delegate_periods(mission, company).items()}


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


def free_slots(company: Company, folder: MissionFolder, slots: list[Slot]
               ) -> Iterator[tuple[int, list[str]]]:
    """(slot index, delegates free then) for each slot a company can meet in, in order
    (sessions attended, no unavailable period or blocking item, a delegate free)."""
    mission = folder.mission
    attended = set(folder.attends(company))
    blocks = company_blocks(company, mission)
    personal = delegate_blocks(company, mission)
    for slot in slots:
        if slot.session not in attended or not free(slot.utc, blocks):
            continue
        people = [d for d in delegate_ids(company) if free(slot.utc, personal[d])]
        if people:
            yield slot.index, people


def company_availability(company: Company, folder: MissionFolder, slots: list[Slot]
                         ) -> dict[int, list[str]]:
    """Slot index -> delegates of a company free then (sessions attended only)."""
    return dict(free_slots(company, folder, slots))


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


Busy = tuple[str, str, datetime] | tuple[str, str, datetime, datetime]


def idle_and_holes(meetings: Iterable[Busy], slots: list[Slot]) -> tuple[int, int]:
    """Idle slots and holes (runs of idle slots) over (company, session, start[, end])
    tuples; a longer meeting (with its end) keeps every slot it takes busy."""
    position = {(s.session, s.start.astimezone(UTC)): (s.day, s.position) for s in slots}
    starts = {(s.session, s.day, s.position): s.start.astimezone(UTC) for s in slots}
    busy: dict[tuple[str, str, date], set[int]] = defaultdict(set)
    for company, session, start, *end in meetings:
        found = position.get((session, start.astimezone(UTC)))
        if not found:
            continue
        day, at = found
        busy[(company, session, day)].add(at)
        while end and (nxt := starts.get((session, day, at + 1))) and nxt < end[0]:
            at += 1
            busy[(company, session, day)].add(at)
    idle = holes = 0
    for used in busy.values():
        gaps = [p for p in range(min(used), max(used) + 1) if p not in used]
        idle += len(gaps)
        holes += sum(1 for p in gaps if p - 1 not in gaps)
    return idle, holes
