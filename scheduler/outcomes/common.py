"""What the attendance sheets and the impact report share: the mission and its schedule
as loaded once, the schedule's fingerprint, and the session-days the sheets are cut into."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from scheduler import meaning
from scheduler.errors import InputError, ScheduleError
from scheduler.input.model import MissionFolder, PartneringSession
from scheduler.load.loader import load_mission
from scheduler.meaning.clock import span
from scheduler.schedule import Meeting, Schedule, read_schedule

YES = ("yes", "y", "true", "1", "x", "✓", "ja", "oui", "sí", "si")
NO = ("no", "n", "false", "0", "nein", "non")


@dataclass(frozen=True)
class Mission:
    """A mission folder and its schedule, loaded and known to belong together."""

    path: Path
    folder: MissionFolder
    schedule: Schedule
    fingerprint: str

    @cached_property
    def meetings(self) -> dict[str, Meeting]:
        """The planned meetings by id."""
        return {m.id: m for m in self.schedule.meetings}


@dataclass
class SessionDay:
    """The meetings of one session on one local day: one tab of the attendance workbook."""

    session: PartneringSession
    day: date
    tab: str
    meetings: list[Meeting] = field(default_factory=list)


def schedule_fingerprint(schedule: Schedule) -> str:
    """A short digest of the inputs a schedule was made from (else of its meetings), so a
    sheet printed from one schedule is never read against another."""
    if schedule.inputs is not None:
        basis: object = schedule.inputs
    else:
        basis = [[m.id, m.start.isoformat(), m.table] for m in schedule.meetings]
    text = json.dumps(basis, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load(path: Path) -> Mission:
    """Load DIR's mission and schedule.json; InputError or ScheduleError if either is wrong."""
    folder, problems = load_mission(path)
    if any(p.is_error for p in problems):
        raise InputError(problems)
    schedule = read_schedule(path)
    if schedule.mission != folder.mission.id:
        raise ScheduleError(f"{path / 'schedule.json'}: planned for mission "
                            f"{schedule.mission!r}, not {folder.mission.id!r}")
    return Mission(path, folder, schedule, schedule_fingerprint(schedule))


def local_start(mission: Mission, meeting: Meeting) -> datetime:
    """A meeting's start in its session's zone."""
    session = mission.folder.session(meeting.session)
    return meeting.start.astimezone(meaning.session_zone(mission.folder, session))


def when(mission: Mission, meeting: Meeting) -> str:
    """'13:30–13:55 JST': a meeting's time in its session's zone, with the zone."""
    zone = meaning.session_zone(mission.folder, mission.folder.session(meeting.session))
    return span(meeting.start.astimezone(zone), meeting.end.astimezone(zone))


def _tab_name(title: str, day: int | None, taken: set[str]) -> str:
    """An Excel tab name (at most 31 characters, none of []:*?/\\), unique in the book."""
    clean = " ".join("".join(" " if ch in "[]:*?/\\" else ch for ch in title).split())
    clean = clean or "Session"
    suffix = f" day {day}" if day else ""
    name = clean[:31 - len(suffix)].rstrip() + suffix
    number = 2
    while name.lower() in taken or name.lower() == "companies":
        tail = f" ({number})"
        name = clean[:31 - len(suffix) - len(tail)].rstrip() + suffix + tail
        number += 1
    taken.add(name.lower())
    return name


def session_days(mission: Mission) -> list[SessionDay]:
    """Every in-person or virtual session-day with meetings, in programme order."""
    found: dict[tuple[str, date], SessionDay] = {}
    taken: set[str] = set()
    for session in mission.folder.mission.partnering:
        zone = meaning.session_zone(mission.folder, session)
        meetings = sorted((m for m in mission.schedule.meetings if m.session == session.id),
                          key=lambda m: (m.start, m.table or "", m.id))
        days = sorted({m.start.astimezone(zone).date() for m in meetings})
        for number, day in enumerate(days, 1):
            tab = _tab_name(session.title, number if len(days) > 1 else None, taken)
            found[(session.id, day)] = SessionDay(session, day, tab)
        for meeting in meetings:
            found[(session.id, meeting.start.astimezone(zone).date())].meetings.append(meeting)
    return list(found.values())


def company_label(mission: Mission, company_id: str) -> str:
    """'Name (id)' of a company, or its id if unknown."""
    company = mission.folder.companies.get(company_id)
    return f"{company.name} ({company_id})" if company else company_id


def all_tables(session: PartneringSession) -> list[str]:
    """Every table a meeting of the session can be at: shared tables, then booths'."""
    booths = [name for booth in session.booths for name in meaning.booth_tables(booth)]
    return [*meaning.session_tables(session), *booths]
