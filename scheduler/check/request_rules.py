"""Rules about what was asked: each meeting requested, locked meetings kept."""

from __future__ import annotations

from collections import Counter

from scheduler.check.common import Violation, known_meetings, sessions_by_id
from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import build_requests, pair_id
from scheduler.schedule import Meeting, Schedule


def check_requested_pair(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Every pair that meets asked to, and meets at most as often as asked."""
    requests = {r.id: r for r in build_requests(folder)}
    out: list[Violation] = []
    count: Counter[str] = Counter()
    for m in known_meetings(folder, schedule):
        rid = pair_id(*m.companies)
        count[rid] += 1
        request = requests.get(rid)
        if request is None:
            out.append(Violation("requested_pair", m.id, f"nobody asked for {m.companies[0]} "
                                 f"and {m.companies[1]} to meet"))
        elif count[rid] == request.meetings + 1:
            out.append(Violation("requested_pair", m.id, f"{m.companies[0]} and "
                                 f"{m.companies[1]} meet {_times(rid, schedule)} times; "
                                 f"{request.meetings} requested"))
    return out


def _times(rid: str, schedule: Schedule) -> int:
    """How many meetings a pair has."""
    return sum(pair_id(*m.companies) == rid for m in schedule.meetings)


def check_locked(folder: MissionFolder, schedule: Schedule,
                 previous: Schedule | None = None) -> list[Violation]:
    """Locked meetings of the previous schedule keep their id, start, session and table."""
    if previous is None:
        return []
    now = {m.id: m for m in schedule.meetings}
    out: list[Violation] = []
    # A withdrawal releases the company's locked meetings: they must go, not stay.
    for old in (m for m in previous.meetings
                if m.locked and not any(c in folder.withdrawn for c in m.companies)):
        new = now.get(old.id)
        if new is None:
            out.append(Violation("locked", old.id, "locked meeting was dropped"))
            continue
        moved = [f"{name} {before} -> {after}" for name, before, after in (
            ("start", old.start.isoformat(), new.start.isoformat()),
            ("session", old.session, new.session), ("table", old.table, new.table))
            if before != after and not (name == "start" and old.start == new.start)
            and not (name == "table" and _room_given_or_taken(folder, old, new))]
        if moved:
            out.append(Violation("locked", old.id, "locked meeting moved: " + "; ".join(moved)))
    return out


def _room_given_or_taken(folder: MissionFolder, old: Meeting, new: Meeting) -> bool:
    """Whether a virtual meeting only gained or lost a video room: rooms were added to (or
    removed from) its session after it was locked, and it still takes place."""
    session = sessions_by_id(folder).get(new.session)
    return bool(session and session.virtual) and None in (old.table, new.table)
