"""Rules about room and caps: tables and video rooms, booths, company and session caps."""

from __future__ import annotations

from collections import Counter, defaultdict

from scheduler.check.common import Violation, known_meetings, when
from scheduler.check.times import by_company, overlapping_pairs
from scheduler.input.model import MissionFolder, PartneringSession
from scheduler.meaning import (
    booth_owners,
    booth_tables,
    owned_booths,
    session_tables,
    video_link,
    video_rooms,
)
from scheduler.schedule import Meeting, Schedule


def check_table_capacity(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Known tables (or a video link when virtual, and a known video room if the session
    names rooms); one meeting per table or room at a time."""
    out: list[Violation] = []
    placed: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in known_meetings(folder, schedule):
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
                                 f"meetings at {when(folder, y)} ({x.id}, {y.id})"))
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
    link = video_link(session, m.id, m.table) if session.video_link else None
    if not m.video_link:
        problems.append(f"{session.id} is virtual, but the meeting has no video link")
    elif link and m.video_link != link:
        problems.append(f"video link '{m.video_link}' should be '{link}'")
    return problems


def check_booth_ownership(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Booth owners meet at their booth; a booth hosts only its owners, up to its tables."""
    out: list[Violation] = []
    at_booth: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in known_meetings(folder, schedule):
        session = folder.session(m.session)
        out += [Violation("booth_ownership", m.id, msg) for msg in _booth(folder, session, m)]
        if m.booth:
            at_booth[(m.session, m.booth)].append(m)
    for (session_id, booth_id), meetings in at_booth.items():
        booth = next((b for b in folder.session(session_id).booths if b.id == booth_id), None)
        if booth is None:
            continue  # an unknown booth is reported by _booth
        for m in meetings:
            active = [n for n in meetings if n.start <= m.start < n.end]
            tables = len(booth_tables(booth))
            if len(active) > tables and m is active[-1]:
                out.append(Violation("booth_ownership", m.id, f"booth {booth_id} has "
                                     f"{len(active)} meetings at {when(folder, m)} but "
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
    for c, meetings in sorted(by_company(known_meetings(folder, schedule)).items()):
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
    counts = Counter(m.session for m in known_meetings(folder, schedule))
    out = []
    for session_id, count in sorted(counts.items()):
        cap = folder.session(session_id).max_meetings
        if cap is not None and count > cap:
            out.append(Violation("session_cap", None, f"{session_id} has {count} meetings; "
                                 f"it holds at most {cap}"))
    return out
