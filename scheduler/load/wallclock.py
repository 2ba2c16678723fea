"""Local times the user wrote that a clock never shows, or shows twice (daylight saving).

A time inside the spring gap (02:30 on the night clocks jump from 02:00 to 03:00) does
not exist: it is an error, since any reading of it is a guess. A time in the autumn
overlap happens twice: it is a warning naming the one taken, the earlier (fold=0),
which is how every other part of the program reads it. A session window during which the
clocks change is an error: its slots are laid out on the clock, so they would not last
their length. Unavailable times are read in the company's zone: written without one on a
mission in several zones, they are likely meant in another, which is a warning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from scheduler.errors import Problem
from scheduler.input.model import MissionFolder
from scheduler.meaning import company_zone, item_zones, session_zone, zone

if TYPE_CHECKING:
    from scheduler.input.yamlio import Path_
    from scheduler.load.source import Source

_MINUTE = timedelta(minutes=1)
_LONGEST_SHIFT = 24 * 60  # minutes; real changes are at most two hours, zone changes a day


def exists(naive: datetime, tz: ZoneInfo) -> bool:
    """Whether a clock in `tz` ever shows this wall-clock time."""
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    """Whether a clock in `tz` shows this wall-clock time twice."""
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    return exists(naive, tz) and first.utcoffset() != second.utcoffset()


def _edge(naive: datetime, tz: ZoneInfo, step: timedelta, want: bool) -> datetime:
    """The first minute from `naive` in direction `step` whose existence is `want`."""
    current = naive
    for _ in range(_LONGEST_SHIFT):
        if exists(current, tz) == want:
            return current
        current += step
    return current


def _offset(aware: datetime) -> str:
    """'UTC+02:00'."""
    minutes = int((aware.utcoffset() or timedelta()) / _MINUTE)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def problem_with(naive: datetime, tz: ZoneInfo) -> tuple[str, str] | None:
    """(severity, message) for a wall-clock time in a zone, or None if it is unambiguous."""
    if naive.replace(tzinfo=tz).utcoffset() == naive.replace(tzinfo=tz, fold=1).utcoffset():
        return None  # away from a change both readings agree: the common, fast case
    shown = f"{naive:%Y-%m-%d %H:%M}"
    if not exists(naive, tz):
        before = _edge(naive, tz, -_MINUTE, True) + _MINUTE
        after = _edge(naive, tz, _MINUTE, True)
        return "error", (f"{shown} does not exist in {tz.key}: the clocks jump from "
                         f"{before:%H:%M} to {after:%H:%M} that day; use a time outside "
                         f"{before:%H:%M}-{after:%H:%M}")
    if ambiguous(naive, tz):
        first = naive.replace(tzinfo=tz, fold=0)
        second = naive.replace(tzinfo=tz, fold=1)
        return "warning", (f"{shown} happens twice in {tz.key} (the clocks go back that day); "
                           f"the first one ({_offset(first)}) is taken, not the second "
                           f"({_offset(second)})")
    return None


class _Report:
    """Problems found, against the file and path where the time was written."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def check(self, src: Source | None, path: Path_, naive: datetime, tz: ZoneInfo,
              what: str = "") -> None:
        """Record a problem with one wall-clock time, if any."""
        found = problem_with(naive, tz)
        if found and src is not None:
            severity, message = found
            self.problems.append(src.problem(path, f"{what}{message}", severity))


def _whole_days(period: tuple[datetime, datetime]) -> bool:
    """Whether a period was written as dates only (its midnights are not clock readings)."""
    start, end = period
    return start.time() == time() and end.time() == time()


def check_wall_clocks(folder: MissionFolder, src: Source | None,
                      companies: dict[str, Source]) -> list[Problem]:
    """Every local time written in the mission and company files, checked in its zone."""
    out = _Report()
    mission = folder.mission
    if mission.updated is not None:
        out.check(src, ("updated",), mission.updated, zone(mission.timezone))
    for i, item in enumerate(mission.programme):
        start_zone, end_zone = item_zones(folder, item)
        if item.start is not None:
            out.check(src, ("programme", i, "start"), item.start, start_zone)
        if item.end is not None:
            out.check(src, ("programme", i, "end"), item.end, end_zone)
    for i, session in enumerate(mission.partnering):
        tz = session_zone(folder, session)
        for day in session.days:
            for j, window in enumerate(session.windows):
                _check_window(out, src, ("partnering", i, "windows", j), day, window, tz)
    for company_id, company in folder.companies.items():
        csrc = companies.get(company_id)
        tz = company_zone(folder, company)
        periods: list[tuple[Path_, tuple[datetime, datetime]]] = [
            (("unavailable", k), p) for k, p in enumerate(company.unavailable)]
        periods += [(("delegates", d, "unavailable", k), p)
                    for d, delegate in enumerate(company.delegates)
                    for k, p in enumerate(delegate.unavailable)]
        for path, period in periods:
            if not _whole_days(period):
                out.check(csrc, path, period[0], tz, "unavailable from ")
                out.check(csrc, path, period[1], tz, "unavailable until ")
        if periods and csrc is not None and company.timezone is None:
            out.problems += _zone_unsaid(folder, company_id, csrc, periods[0][0])
    return out.problems


def _zone_unsaid(folder: MissionFolder, company_id: str, src: Source, path: Path_
                 ) -> list[Problem]:
    """A warning when a company without `timezone` meets in sessions of several zones: its
    unavailable times are read in the mission's zone, which it may not have meant."""
    company, mission = folder.companies[company_id], folder.mission
    zones = sorted({session_zone(folder, folder.session(s)).key for s in folder.attends(company)})
    if all(name == mission.timezone for name in zones):
        return []
    other = next(name for name in zones if name != mission.timezone)
    return [src.problem(path, (
        f"'{company_id}' has no `timezone`, so its unavailable times are read in the "
        f"mission's zone ({mission.timezone}), but it meets in sessions in "
        f"{' and '.join(zones)}; add `timezone:` to say where they are meant "
        f"(for example `timezone: {other}`)"), "warning")]


def _check_window(out: _Report, src: Source | None, path: Path_, day: date,
                  window: tuple[time, time], tz: ZoneInfo) -> None:
    """Both ends of a session window on one of its days."""
    what = f"window {window[0]:%H:%M}-{window[1]:%H:%M} on {day}: "
    start, end = (datetime.combine(day, moment) for moment in window)
    before = len(out.problems)
    for moment in (start, end):
        out.check(src, path, moment, tz, what)
    if any(p.is_error for p in out.problems[before:]) or src is None:
        return
    # Both ends exist, but the clocks may change in between: slots are laid out on the
    # wall clock, so a skipped hour would hold meetings at instants that never come, and a
    # repeated hour would give a slot that starts in the first pass and ends in the second.
    lasts = end.replace(tzinfo=tz).astimezone(UTC) - start.replace(tzinfo=tz).astimezone(UTC)
    if lasts < end - start:
        jump = _jump(start, end, tz)
        out.problems.append(src.problem(path, (
            f"{what}the clocks jump from {jump[0]:%H:%M} to {jump[1]:%H:%M} during it; "
            f"split it into {window[0]:%H:%M}-{jump[0]:%H:%M} and "
            f"{jump[1]:%H:%M}-{window[1]:%H:%M}")))
    elif lasts > end - start:
        first, last = _repeated(start, end, tz)
        parts = [f"{a:%H:%M}-{b:%H:%M}" for a, b in ((start, first), (last, end)) if a < b]
        out.problems.append(src.problem(path, (
            f"{what}the clocks go back during it, so {first:%H:%M}-{last:%H:%M} happens "
            f"twice and a meeting across it would not last its length; use "
            f"{' and '.join(parts) or 'another time'} instead")))


def _repeated(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The wall-clock interval that happens twice, between two times of one day."""
    current = start
    while current < end and not ambiguous(current, tz):
        current += _MINUTE
    first = current
    while current < end and ambiguous(current, tz):
        current += _MINUTE
    return first, current


def _jump(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The skipped wall-clock interval between two existing times of one day."""
    current = start
    while current < end and exists(current, tz):
        current += _MINUTE
    return current, _edge(current, tz, _MINUTE, True)
