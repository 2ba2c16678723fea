"""Rules about what was asked: each meeting requested, where and with whom its wishes
allow, never a declined or excluded pair; locked meetings kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from scheduler.check.common import Violation, known_meetings, sessions_by_id, when
from scheduler.check.times import meeting_delegates
from scheduler.input.model import MissionFolder
from scheduler.meaning import session_zone
from scheduler.meaning.requests import Request, build_requests, pair_id
from scheduler.meaning.wishes import any_terms, blocked_pairs, session_mode
from scheduler.schedule import Meeting, Schedule


def check_requested_pair(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Every pair that meets asked to, and meets at most as often as asked."""
    requests = _requests(folder)
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


def _requests(folder: MissionFolder) -> dict[str, Request]:
    """The folder's requests by id."""
    return {r.id: r for r in build_requests(folder)}


def _asked(folder: MissionFolder, schedule: Schedule) -> Iterator[tuple[Meeting, Request]]:
    """Each meeting of companies taking part with the request it places (a meeting nobody
    asked for is requested_pair's)."""
    requests = _requests(folder)
    for m in known_meetings(folder, schedule):
        request = requests.get(pair_id(*m.companies))
        if request is not None:
            yield m, request


def check_placement(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Each meeting is in a mode, session and on a day its wishes allow."""
    if not any_terms(folder):
        return []
    out: list[Violation] = []
    for m, request in _asked(folder, schedule):
        session = folder.session(m.session)
        day = m.start.astimezone(session_zone(folder, session)).date()
        terms = request.terms
        if session_mode(session) not in terms.modes:
            out.append(Violation("placement", m.id, f"is {session_mode(session)} "
                                 f"({m.session}) but was asked {'/'.join(sorted(terms.modes))}"))
        elif terms.sessions is not None and m.session not in terms.sessions:
            out.append(Violation("placement", m.id, f"is in {m.session}; the wishes allow "
                                 f"{', '.join(sorted(terms.sessions))}"))
        elif terms.days is not None and day not in terms.days:
            out.append(Violation("placement", m.id, f"is on {day} ({when(folder, m)}); the "
                                 f"wishes allow {', '.join(map(str, sorted(terms.days)))}"))
    return out


def check_named_delegates(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Where wishes name who takes a meeting, nobody else of that company attends it."""
    if not any_terms(folder):
        return []
    out: list[Violation] = []
    for m, request in _asked(folder, schedule):
        for c in dict.fromkeys(m.companies):
            named = request.terms.named(c)
            others = [d for d in meeting_delegates(m, c) if named is not None and d not in named]
            if others:
                out.append(Violation("named_delegates", m.id, f"{c}/{others[0]} attends, but "
                                     f"the wishes name {', '.join(sorted(named or ()))}"))
    return out


def check_blocked_pair(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """No declined or excluded pair meets."""
    blocked = blocked_pairs(folder)
    return [Violation("blocked_pair", m.id, f"{m.companies[0]} and {m.companies[1]} meet, "
                      f"but the pair is {why}")
            for m in known_meetings(folder, schedule)
            if (why := blocked.get(frozenset(m.companies)))]


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
