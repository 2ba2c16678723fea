"""Independent check of a schedule against the mission: one check_<rule> per rule.

Never trusts the solver: the slot grid, availability and programme conflicts are
computed here (and in check_times.py) from the mission models alone. Every
check takes the loaded folder and a Schedule and returns Violations; meetings
naming an unknown session or company, or a company that withdrew, are reported once,
by meeting_shape, and skipped by the other rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.check.quality import quality_differences, quality_figures
from scheduler.check.times import (
    Interval,
    by_company,
    describe_grid,
    free_delegates,
    meeting_delegates,
    overlapping_pairs,
    overlaps,
    show_period,
    show_time,
    slot_starts,
    unavailable_clash,
)
from scheduler.input.model import Company, MissionFolder, PartneringSession
from scheduler.meaning import (
    attends_item,
    blocking_items,
    booth_owners,
    booth_tables,
    owned_booths,
    session_tables,
    session_zone,
    video_rooms,
)
from scheduler.meaning.requests import build_requests, pair_id
from scheduler.schedule import Meeting, Schedule

__all__ = ["RULES", "Violation", "check_schedule", "quality_differences", "quality_figures"]


@dataclass(frozen=True)
class Violation:
    """A broken rule: which rule, which meeting, and what is wrong."""

    rule: str
    meeting: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.meeting + ': ' if self.meeting else ''}{self.message}"


def _sessions(folder: MissionFolder) -> dict[str, PartneringSession]:
    """Sessions by id."""
    return {s.id: s for s in folder.mission.partnering}


def _known(folder: MissionFolder, schedule: Schedule) -> list[Meeting]:
    """Meetings whose session and two companies exist (the others are meeting_shape's)."""
    sessions, companies = _sessions(folder), folder.companies
    return [m for m in schedule.meetings if m.session in sessions
            and m.companies[0] in companies and m.companies[-1] in companies and _aware(m)]


def _aware(meeting: Meeting) -> bool:
    """Whether start and end carry a UTC offset (naive times cannot be placed in time)."""
    return meeting.start.utcoffset() is not None and meeting.end.utcoffset() is not None


def _span(meeting: Meeting) -> Interval:
    """The meeting's half-open interval."""
    return meeting.start, meeting.end


def _when(folder: MissionFolder, meeting: Meeting) -> str:
    """The meeting's local start in its session's zone."""
    return show_time(meeting.start, session_zone(folder, folder.session(meeting.session)))


def check_meeting_shape(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Length, distinct known companies, known session, delegates of the two companies."""
    ids = Counter(m.id for m in schedule.meetings)
    out = [Violation("meeting_shape", m.id, f"{ids[m.id]} meetings have the id '{m.id}'")
           for m in schedule.meetings if ids[m.id] > 1]
    for m in schedule.meetings:
        out += [Violation("meeting_shape", m.id, msg) for msg in _shape(folder, m)]
    return out


def _shape(folder: MissionFolder, m: Meeting) -> list[str]:
    """What is wrong with one meeting's length, companies, session and delegates."""
    a, b = m.companies
    problems = [f"{a} meets itself"] if a == b else []
    problems += [f"{folder.withdrawn[c].withdrawal} but still meets" if c in folder.withdrawn
                 else f"unknown company '{c}'" for c in dict.fromkeys(m.companies)
                 if c not in folder.companies]
    session = _sessions(folder).get(m.session)
    if not _aware(m):
        problems.append("start and end need a UTC offset, like 2016-10-11T14:00:00+09:00")
    if session is None:
        problems.append(f"unknown partnering session '{m.session}'")
    elif _aware(m) and m.end - m.start != timedelta(minutes=session.meeting_minutes):
        minutes = (m.end - m.start) / timedelta(minutes=1)
        problems.append(f"lasts {minutes:g} minutes; meetings of {m.session} last "
                        f"{session.meeting_minutes}")
    for d in m.delegates:
        company, _, person = d.partition("/")
        known = folder.companies.get(company) or folder.withdrawn.get(company)
        if company not in m.companies:
            problems.append(f"delegate '{d}' belongs to neither {a} nor {b}")
        elif known and person not in {x.id for x in known.delegates}:
            problems.append(f"{company} has no delegate '{person}'")
    return problems + [f"nobody from {c} attends" for c in dict.fromkeys(m.companies)
                       if c in folder.companies and not meeting_delegates(m, c)]


def check_slot_grid(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Each meeting starts on a slot of its session, written in the session's zone."""
    out: list[Violation] = []
    grids: dict[str, set[datetime]] = {}
    for m in _known(folder, schedule):
        session = folder.session(m.session)
        if m.session not in grids:
            grids[m.session] = set(slot_starts(folder, session))
        where = session_zone(folder, session)
        if m.start not in grids[m.session]:
            out.append(Violation("slot_grid", m.id, f"{_when(folder, m)} is not a slot start of "
                                 f"{m.session} ({describe_grid(session)})"))
        for name, moment in (("start", m.start), ("end", m.end)):
            if moment.utcoffset() != moment.astimezone(where).utcoffset():
                out.append(Violation("slot_grid", m.id, f"{name} {moment.isoformat()} is not "
                                     f"written in the session's zone ({where.key})"))
    return out


def check_session_attendance(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Both companies attend the meeting's session."""
    out: list[Violation] = []
    for m in _known(folder, schedule):
        for c in dict.fromkeys(m.companies):
            company = folder.companies[c]
            if m.session not in folder.attends(company):
                only = ", ".join(folder.attends(company)) or "no session"
                out.append(Violation("session_attendance", m.id,
                                     f"{c} does not attend {m.session} (it attends {only})"))
    return out


def check_availability(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """No meeting while a company or delegate is unavailable; the right delegates attend."""
    out: list[Violation] = []
    for m in _known(folder, schedule):
        for c in dict.fromkeys(m.companies):
            out += [Violation("availability", m.id, msg)
                    for msg in _availability(folder, folder.companies[c], m)]
    return out


def _availability(folder: MissionFolder, company: Company, m: Meeting) -> list[str]:
    """What is wrong with one company's presence at a meeting."""
    period = unavailable_clash(folder, company, _span(m))
    if period:
        return [f"{company.id} is unavailable {show_period(period)} but meets at "
                f"{_when(folder, m)}"]
    known = {d.id for d in company.delegates}
    sent = [d for d in meeting_delegates(m, company.id) if d in known]
    if not sent:
        return []  # reported by meeting_shape
    free = free_delegates(folder, company, _span(m))
    problems = [f"{company.id}/{d} is unavailable at {_when(folder, m)}"
                for d in sent if d not in free]
    if company.parallel and len(sent) != 1:
        problems.append(f"{company.id} holds parallel meetings, so exactly one of its "
                        f"delegates attends each; {len(sent)} do")
    if not company.parallel:
        missing = [d for d in free if d not in sent]
        if missing:
            problems.append(f"{company.id} meets with all its available delegates, but "
                            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                            "not in the meeting")
    return problems


def check_programme_conflict(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """No meeting of a company overlaps a programme item that blocks it."""
    out: list[Violation] = []
    spans = blocking_items(folder)
    for m in _known(folder, schedule):
        for c in dict.fromkeys(m.companies):
            company = folder.companies[c]
            for item, span in spans:
                if overlaps(span, _span(m)) and attends_item(folder, company, item):
                    out.append(Violation("programme_conflict", m.id, f"{c} attends "
                                         f"'{item.title}' at {_when(folder, m)}"))
    return out


def check_one_meeting_at_a_time(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """A company (or each delegate of a parallel company) is in one meeting at a time."""
    out: list[Violation] = []
    for c, meetings in sorted(by_company(_known(folder, schedule)).items()):
        company = folder.companies[c]
        for x, y in overlapping_pairs(meetings):
            shared = set(meeting_delegates(x, c)) & set(meeting_delegates(y, c))
            if not company.parallel:
                out.append(Violation("one_meeting_at_a_time", y.id, f"{c} has two meetings at "
                                     f"{_when(folder, y)} ({x.id}, {y.id})"))
            elif shared:
                out.append(Violation("one_meeting_at_a_time", y.id, f"{c}/{sorted(shared)[0]} "
                                     f"is in two meetings at {_when(folder, y)} ({x.id}, {y.id})"))
        if company.parallel:
            out += _too_many_parallel(folder, company, meetings)
    return out


def _too_many_parallel(folder: MissionFolder, company: Company,
                       meetings: list[Meeting]) -> list[Violation]:
    """A parallel company holds no more meetings at once than it has free delegates."""
    out: list[Violation] = []
    seen: set[datetime] = set()
    for m in meetings:
        if m.start in seen:
            continue
        seen.add(m.start)
        active = [n for n in meetings if n.start <= m.start < n.end]
        free = len(free_delegates(folder, company, _span(m)))
        if len(active) > free:
            names = ", ".join(n.id for n in active)
            out.append(Violation("one_meeting_at_a_time", m.id, f"{company.id} has "
                                 f"{len(active)} meetings at {_when(folder, m)} but {free} "
                                 f"delegate(s) available ({names})"))
    return out


def check_table_capacity(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Known tables (or a video link when virtual, and a known video room if the session
    names rooms); one meeting per table or room at a time."""
    out: list[Violation] = []
    placed: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in _known(folder, schedule):
        session = folder.session(m.session)
        if session.virtual:
            out += [Violation("table_capacity", m.id, msg) for msg in _virtual(session, m)]
            if m.table is not None and m.table in (video_rooms(session) or ()):
                placed[(m.session, m.table)].append(m)
            continue
        tables = [*session_tables(session), *(t for b in session.booths for t in booth_tables(b))]
        if m.table is None:
            out.append(Violation("table_capacity", m.id, f"has no table in {m.session}"))
        elif m.table not in tables:
            out.append(Violation("table_capacity", m.id,
                                 f"{m.session} has no table '{m.table}'"))
        else:
            placed[(m.session, m.table)].append(m)
    for (session_id, table), meetings in placed.items():
        for x, y in overlapping_pairs(meetings):
            out.append(Violation("table_capacity", y.id, f"{table} of {session_id} has two "
                                 f"meetings at {_when(folder, y)} ({x.id}, {y.id})"))
    return out


def _virtual(session: PartneringSession, m: Meeting) -> list[str]:
    """What is wrong with where a virtual meeting happens: its link, and its video room."""
    problems = []
    rooms = video_rooms(session)
    if rooms is None and m.table is not None:
        problems.append(f"{session.id} is virtual without video rooms, but the meeting has "
                        f"table '{m.table}'")
    elif rooms is not None and m.table is None:
        problems.append(f"{session.id} has {len(rooms)} video room(s), but the meeting has none")
    elif rooms is not None and m.table not in rooms:
        problems.append(f"{session.id} has no video room '{m.table}'")
    link = session.video_link.replace("{meeting}", m.id) if session.video_link else None
    if not m.video_link:
        problems.append(f"{session.id} is virtual, but the meeting has no video link")
    elif link and m.video_link != link:
        problems.append(f"video link '{m.video_link}' should be '{link}'")
    return problems


def check_booth_ownership(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Booth owners meet at their booth; a booth hosts only its owners, up to its tables."""
    out: list[Violation] = []
    at_booth: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in _known(folder, schedule):
        session = folder.session(m.session)
        out += [Violation("booth_ownership", m.id, msg) for msg in _booth(folder, session, m)]
        if m.booth:
            at_booth[(m.session, m.booth)].append(m)
    for (session_id, booth_id), meetings in at_booth.items():
        booth = next((b for b in folder.session(session_id).booths if b.id == booth_id), None)
        if booth is None:
            continue
        for m in meetings:
            active = [n for n in meetings if n.start <= m.start < n.end]
            tables = len(booth_tables(booth))
            if len(active) > tables and m is active[-1]:
                out.append(Violation("booth_ownership", m.id, f"booth {booth_id} has "
                                     f"{len(active)} meetings at {_when(folder, m)} but "
                                     f"{tables} table(s)"))
    return out


def _booth(folder: MissionFolder, session: PartneringSession, m: Meeting) -> list[str]:
    """What is wrong with a meeting's booth (or lack of one)."""
    owned = owned_booths(folder, session, m.companies)
    booth = next((b for b in session.booths if b.id == m.booth), None)
    if m.booth and booth is None:
        return [f"{session.id} has no booth '{m.booth}'"]
    if booth is None:
        by_table = next((b for b in session.booths if m.table in booth_tables(b)), None)
        if owned:
            return [f"{', '.join(sorted(booth_owners(folder, owned[0]) & set(m.companies)))} "
                    f"owns booth {owned[0].id}, so the meeting belongs there"]
        if by_table:
            return [f"'{m.table}' is at booth {by_table.id}, which neither company owns"]
        return []
    if booth not in owned:
        return [f"booth {booth.id} belongs to {', '.join(booth.owners)}, not to "
                f"{' or '.join(m.companies)}"]
    if m.table not in booth_tables(booth):
        return [f"table '{m.table}' is not at booth {booth.id} "
                f"({', '.join(booth_tables(booth))})"]
    return []


def check_company_cap(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """At most company.max_meetings overall and session.max_meetings_per_company per session."""
    out: list[Violation] = []
    for c, meetings in sorted(by_company(_known(folder, schedule)).items()):
        cap = folder.companies[c].max_meetings
        if cap is not None and len(meetings) > cap:
            out.append(Violation("company_cap", None, f"{c} has {len(meetings)} meetings; "
                                 f"it accepts at most {cap}"))
        per_session = Counter(m.session for m in meetings)
        for session_id, count in sorted(per_session.items()):
            limit = folder.session(session_id).max_meetings_per_company
            if limit is not None and count > limit:
                out.append(Violation("company_cap", None, f"{c} has {count} meetings in "
                                     f"{session_id}; the session allows {limit} per company"))
    return out


def check_session_cap(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """At most session.max_meetings meetings in a session."""
    counts = Counter(m.session for m in _known(folder, schedule))
    out = []
    for session_id, count in sorted(counts.items()):
        cap = folder.session(session_id).max_meetings
        if cap is not None and count > cap:
            out.append(Violation("session_cap", None, f"{session_id} has {count} meetings; "
                                 f"it holds at most {cap}"))
    return out


def check_requested_pair(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Every pair that meets asked to, and meets at most as often as asked."""
    requests = {r.id: r for r in build_requests(folder)}
    out: list[Violation] = []
    count: Counter[str] = Counter()
    for m in _known(folder, schedule):
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
    session = _sessions(folder).get(new.session)
    return bool(session and session.virtual) and None in (old.table, new.table)


RULES: dict[str, Callable[[MissionFolder, Schedule], list[Violation]]] = {
    "meeting_shape": check_meeting_shape,
    "slot_grid": check_slot_grid,
    "session_attendance": check_session_attendance,
    "availability": check_availability,
    "programme_conflict": check_programme_conflict,
    "one_meeting_at_a_time": check_one_meeting_at_a_time,
    "table_capacity": check_table_capacity,
    "booth_ownership": check_booth_ownership,
    "company_cap": check_company_cap,
    "session_cap": check_session_cap,
    "requested_pair": check_requested_pair,
}


def check_schedule(folder: MissionFolder, schedule: Schedule,
                   previous: Schedule | None = None) -> list[Violation]:
    """Every rule violation in a schedule (empty when it is valid)."""
    found = [v for check in RULES.values() for v in check(folder, schedule)]
    return found + check_locked(folder, schedule, previous)
