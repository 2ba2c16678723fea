"""Minimal-change re-planning: what to keep from the previous schedule, and what changed.

The previous schedule's meetings that are still possible in the same slot become the
"keep" set of the solver (level 1b: kept exactly in place, right after the
must-haves); locked ones are hard. One that must move goes as near its old place as
it can (level 1c: scheduler.solver.nearness, by scheduler.meaning.distance). After the
solve, every previous meeting that is gone or elsewhere, and every new meeting, is
recorded as a Change; a move says how far it went.
"""

from __future__ import annotations

from scheduler.check.reasons import Explain, explainer
from scheduler.input.model import MissionFolder
from scheduler.meaning import session_zone
from scheduler.meaning.clock import WEEKDAYS, abbreviation, stamp
from scheduler.meaning.distance import distance, is_virtual, local_start
from scheduler.meaning.requests import Request
from scheduler.schedule import Change, Meeting, Move, Schedule
from scheduler.solver.nearness import Near, nearness
from scheduler.solver.rules import meeting_var
from scheduler.solver.space import Space

NEAR_MINUTES = 60  # a same-session shift up to this reads "30 min later"; beyond, "to 14:00"


def still_possible(space: Space, previous: Schedule | None) -> dict[int, Meeting]:
    """Candidate index -> previous meeting, for previous meetings still possible there."""
    if previous is None:
        return {}
    out: dict[int, Meeting] = {}
    for meeting in previous.meetings:
        var = meeting_var(space, meeting)
        if var is not None:
            out.setdefault(space.index[var], meeting)
    return out


def binding_locks(folder: MissionFolder, previous: Schedule | None) -> list[Meeting]:
    """The previous schedule's locked meetings that still bind: a withdrawal releases its
    company's (they are dropped with the withdrawal as reason)."""
    if previous is None:
        return []
    return [m for m in previous.meetings
            if m.locked and not any(c in folder.withdrawn for c in m.companies)]


def closeness(space: Space, previous: Schedule | None, keep: dict[int, Meeting]) -> Near:
    """How close each candidate is to a previous meeting that cannot stay in its slot
    (the solver places such a meeting as near as it can)."""
    if previous is None:
        return Near()
    return nearness(space, previous.meetings, {m.id for m in keep.values()})


def how_far(folder: MissionFolder, before: Meeting, after: Meeting) -> Move:
    """A moved meeting's distance, and its text: 'moved 30 min later, same table',
    'moved to Fri 13 Mar, video', 'moved to 14:00, Table 7'."""
    gone = distance(folder, (before.session, before.start), (after.session, after.start))
    then = local_start(folder, before.session, before.start)
    now = local_start(folder, after.session, after.start)
    if not gone.same_day:
        when = f"moved to {WEEKDAYS[now.weekday()]} {now.day} {now:%b}"
    elif gone.same_session and abs(gone.minutes) <= NEAR_MINUTES:
        when = f"moved {_duration(abs(gone.minutes))} {'later' if gone.minutes > 0 else 'earlier'}"
    else:
        when = f"moved to {now:%H:%M}" if now.utcoffset() == then.utcoffset() else \
            f"moved to {now:%H:%M} {abbreviation(now)}"
    if not gone.same_session:
        when += f" in {after.session}"
    same_table = after.table is not None and after.table == before.table
    seat = ("video" if is_virtual(folder, after.session) or after.table is None else
            "same table" if same_table else after.table)
    return Move(text=f"{when}, {seat}", minutes=gone.minutes, days=gone.days,
                same_mode=gone.same_mode, same_session=gone.same_session,
                same_table=same_table)


def _duration(minutes: int) -> str:
    """'30 min', '1 h', '1 h 20 min'."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} h"] * bool(hours) + [f"{rest} min"] * bool(rest or not hours)
    return " ".join(parts)


def where(folder: MissionFolder, meeting: Meeting) -> str:
    """'2016-10-11 14:00 JST osaka-partnering, Table 3' for change lists: the start in its
    session's zone (a session no longer in the mission: the offset the meeting was saved with)."""
    place = f", {meeting.table}" if meeting.table else ""
    session = next((s for s in folder.mission.partnering if s.id == meeting.session), None)
    start = meeting.start.astimezone(session_zone(folder, session)) if session else meeting.start
    return f"{stamp(start)} {meeting.session}{place}"


def _drop_reason(folder: MissionFolder, meeting: Meeting, requests: dict[str, Request],
                 explain: Explain) -> str:
    """Why a previous meeting is gone."""
    withdrew = [folder.withdrawn[c].withdrawal for c in meeting.companies
                if c in folder.withdrawn]
    if withdrew:
        return "; ".join(withdrew)
    gone = [c for c in meeting.companies if c not in folder.companies]
    if gone:
        return f"{' and '.join(gone)} no longer take(s) part in the mission"
    request = requests.get(meeting.request)
    if request is None:
        return "no longer requested by either company or the organiser"
    return explain(request)


def changes(folder: MissionFolder, space: Space, previous: Schedule | None,
            meetings: list[Meeting], explain: Explain | None = None) -> list[Change]:
    """Every move, drop and addition relative to the previous schedule."""
    if previous is None:
        return []
    requests = {q.id: q for q in space.requests}
    explain = explain or explainer(folder, meetings, space.requests)
    new = {m.id: m for m in meetings}
    old = {m.id: m for m in previous.meetings}
    out: list[Change] = []
    for mid, before in sorted(old.items()):
        after = new.get(mid)
        if after is None:
            out.append(Change(meeting=mid, change="dropped", companies=before.companies,
                              before=where(folder, before),
                              reason=_drop_reason(folder, before, requests, explain)))
        elif where(folder, after) != where(folder, before):
            same_slot = after.start == before.start and after.session == before.session
            reason = "table changed" if same_slot else (
                "moved to make room" if meeting_var(space, before) is not None
                else "its previous time is no longer possible")
            out.append(Change(meeting=mid, change="moved", companies=before.companies,
                              before=where(folder, before), after=where(folder, after),
                              reason=reason, move=how_far(folder, before, after)))
    for mid, after in sorted(new.items()):
        if mid not in old:
            out.append(Change(meeting=mid, change="added", companies=after.companies,
                              after=where(folder, after), reason="new or re-placed request"))
    return out
