"""What every rule of the checker shares: the Violation record and the meetings it can read."""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.check.times import Interval, show_time
from scheduler.input.model import MissionFolder, PartneringSession
from scheduler.meaning import session_zone
from scheduler.schedule import Meeting, Schedule


@dataclass(frozen=True)
class Violation:
    """A broken rule: which rule, which meeting, and what is wrong."""

    rule: str
    meeting: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.meeting + ': ' if self.meeting else ''}{self.message}"


def sessions_by_id(folder: MissionFolder) -> dict[str, PartneringSession]:
    """Sessions by id."""
    return {s.id: s for s in folder.mission.partnering}


def known_meetings(folder: MissionFolder, schedule: Schedule) -> list[Meeting]:
    """Meetings whose session and two companies exist (the others are meeting_shape's)."""
    sessions, companies = sessions_by_id(folder), folder.companies
    return [m for m in schedule.meetings if m.session in sessions
            and m.companies[0] in companies and m.companies[-1] in companies and has_offsets(m)]


def has_offsets(meeting: Meeting) -> bool:
    """Whether start and end carry a UTC offset (naive times cannot be placed in time)."""
    return meeting.start.utcoffset() is not None and meeting.end.utcoffset() is not None


def meeting_span(meeting: Meeting) -> Interval:
    """The meeting's half-open interval."""
    return meeting.start, meeting.end


def when(folder: MissionFolder, meeting: Meeting) -> str:
    """The meeting's local start in its session's zone."""
    return show_time(meeting.start, session_zone(folder, folder.session(meeting.session)))
