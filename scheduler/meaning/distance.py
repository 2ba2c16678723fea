"""How far a meeting moves when it must move: the one definition of re-plan distance.

Nearer is, in this order: the same mode (in person or virtual), the same session, the
same day, then the smaller time shift. The solver turns a distance into a closeness score
(re-planning prefers the nearest alternative) and the change lists print it; both read it
here, so what the solver prefers is what the change list says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduler.input.model import MissionFolder
from scheduler.meaning import session_zone

SHIFT_STEP_MINUTES = 10  # same-day shifts are compared in steps of this many minutes
SHIFT_STEPS = 24  # a same-day shift of 4 hours or more counts as the farthest of that day
# another day: each day apart counts DAY_STEP, then each hour of another time of day one
# step up to CLOCK_STEPS (nearer days first, then the nearer time; a week apart is far)
DAY_STEP = 3
CLOCK_STEPS = 2
CLOSENESS_TIERS = 8  # same mode x same session x same day
CLOSEST = CLOSENESS_TIERS * (SHIFT_STEPS + 1)  # the closeness of the same slot


@dataclass(frozen=True)
class Distance:
    """Where a meeting went relative to where it was."""

    same_mode: bool  # both in person or both virtual
    same_session: bool
    same_day: bool  # the same local date, each in its own session's zone
    minutes: int  # the start's shift, later positive
    days: int  # local dates apart, later positive
    clock: int  # minutes between the two local times of day

    @property
    def tier(self) -> int:
        """0 (another mode, session and day) to 7 (same mode, session and day)."""
        return self.same_mode * 4 + self.same_session * 2 + self.same_day

    @property
    def closeness(self) -> int:
        """1 (farthest) to CLOSEST (the same slot): higher is nearer, in the order above."""
        if self.same_day:
            near = SHIFT_STEPS - min(SHIFT_STEPS, abs(self.minutes) // SHIFT_STEP_MINUTES)
        else:
            apart = DAY_STEP * abs(self.days) + min(CLOCK_STEPS, self.clock // 60)
            near = SHIFT_STEPS - min(SHIFT_STEPS, apart)
        return 1 + self.tier * (SHIFT_STEPS + 1) + near


def local_start(folder: MissionFolder, session: str, start: datetime) -> datetime:
    """A start in its session's zone (a session no longer in the mission: as saved)."""
    found = next((s for s in folder.mission.partnering if s.id == session), None)
    return start.astimezone(session_zone(folder, found)) if found else start


def is_virtual(folder: MissionFolder, session: str) -> bool | None:
    """Whether a session is virtual (None: no longer in the mission)."""
    found = next((s for s in folder.mission.partnering if s.id == session), None)
    return None if found is None else found.virtual


def distance(folder: MissionFolder, before: tuple[str, datetime],
             after: tuple[str, datetime]) -> Distance:
    """The distance from (session, start) before to (session, start) after."""
    then, now = (local_start(folder, s, t) for s, t in (before, after))
    mode_then, mode_now = is_virtual(folder, before[0]), is_virtual(folder, after[0])
    return Distance(
        same_mode=mode_then is not None and mode_then == mode_now,
        same_session=before[0] == after[0],
        same_day=then.date() == now.date(),
        minutes=round((after[1] - before[1]).total_seconds() / 60),
        days=(now.date() - then.date()).days,
        clock=abs((now.hour - then.hour) * 60 + now.minute - then.minute))
