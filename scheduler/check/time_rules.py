"""Rules about when a meeting takes place and who attends it: shape, slot grid, sessions,
availability, programme conflicts, one meeting at a time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from scheduler.check.common import (
    Violation,
    has_offsets,
    known_meetings,
    meeting_span,
    sessions_by_id,
    when,
)
from scheduler.check.times import (
    by_company,
    company_period,
    describe_grid,
    free_delegates,
    meeting_delegates,
    overlapping_pairs,
    overlaps,
    unavailable_clash,
)
from scheduler.input.model import Company, MissionFolder, PartneringSession
from scheduler.meaning import SlotTime, attends_item, blocking_items, session_zone, slot_grid
from scheduler.meaning.lengths import covered, length, slots_taken
from scheduler.meaning.requests import build_requests, pair_id
from scheduler.meaning.wishes import ANY, Terms, any_terms, attending
from scheduler.schedule import Meeting, Schedule


def check_meeting_shape(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Length, distinct known companies, known session, delegates of the two companies."""
    ids = Counter(m.id for m in schedule.meetings)
    out = [Violation("meeting_shape", m.id, f"{ids[m.id]} meetings have the id '{m.id}'")
           for m in schedule.meetings if ids[m.id] > 1]
    asked = asked_minutes(folder)
    for m in schedule.meetings:
        out += [Violation("meeting_shape", m.id, msg)
                for msg in _shape(folder, m, asked.get(pair_id(*m.companies)))]
    return out


def asked_minutes(folder: MissionFolder) -> dict[str, int | None]:
    """Request id -> the length its askers gave (`minutes`; None: one slot)."""
    return {q.id: q.minutes for q in build_requests(folder)}


def _length(session: PartneringSession, m: Meeting, minutes: int | None) -> str | None:
    """What is wrong with a meeting's length: the request's (`minutes`), else the session's."""
    if slots_taken(session, minutes) is None:
        return (f"is asked to last {minutes} minutes, not a whole number of {session.id}'s "
                f"{session.meeting_minutes}-minute meetings")
    if m.end - m.start == timedelta(minutes=length(session, minutes)):
        return None
    lasts = (m.end - m.start) / timedelta(minutes=1)
    if minutes is not None:
        return f"lasts {lasts:g} minutes; {minutes} were asked for"
    return f"lasts {lasts:g} minutes; meetings of {session.id} last {session.meeting_minutes}"


def _shape(folder: MissionFolder, m: Meeting, minutes: int | None = None) -> list[str]:
    """What is wrong with one meeting's length, companies, session and delegates."""
    a, b = m.companies
    problems = [f"{a} meets itself"] if a == b else []
    problems += [f"{folder.withdrawn[c].withdrawal} but still meets" if c in folder.withdrawn
                 else f"unknown company '{c}'" for c in dict.fromkeys(m.companies)
                 if c not in folder.companies]
    session = sessions_by_id(folder).get(m.session)
    if not has_offsets(m):
        problems.append("start and end need a UTC offset, like 2016-10-11T14:00:00+09:00")
    if session is None:
        problems.append(f"unknown partnering session '{m.session}'")
    elif has_offsets(m) and (wrong := _length(session, m, minutes)):
        problems.append(wrong)
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
    grids: dict[str, list[SlotTime]] = {}
    index: dict[str, dict[datetime, int]] = {}
    asked = asked_minutes(folder)
    for m in known_meetings(folder, schedule):
        session = folder.session(m.session)
        if m.session not in grids:
            grids[m.session] = slot_grid(folder, session)
            index[m.session] = {t.start: i for i, t in enumerate(grids[m.session])}
        where = session_zone(folder, session)
        at = index[m.session].get(m.start)
        count = slots_taken(session, asked.get(pair_id(*m.companies)))
        if at is None:
            out.append(Violation("slot_grid", m.id, f"{when(folder, m)} is not a slot start of "
                                 f"{m.session} ({describe_grid(session)})"))
        elif count and covered(grids[m.session], at, count) is None:
            out.append(Violation("slot_grid", m.id, f"a {count}-slot meeting at "
                                 f"{when(folder, m)} runs past the end of its window in "
                                 f"{m.session} ({describe_grid(session)})"))
        for name, moment in (("start", m.start), ("end", m.end)):
            if moment.utcoffset() != moment.astimezone(where).utcoffset():
                out.append(Violation("slot_grid", m.id, f"{name} {moment.isoformat()} is not "
                                     f"written in the session's zone ({where.key})"))
    return out


def check_session_attendance(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """Both companies attend the meeting's session."""
    out: list[Violation] = []
    for m in known_meetings(folder, schedule):
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
    terms = {r.id: r.terms for r in build_requests(folder)} if any_terms(folder) else {}
    for m in known_meetings(folder, schedule):
        for c in dict.fromkeys(m.companies):
            out += [Violation("availability", m.id, msg) for msg in _availability(
                folder, folder.companies[c], m, terms.get(pair_id(*m.companies), ANY))]
    return out


def _availability(folder: MissionFolder, company: Company, m: Meeting,
                  terms: Terms = ANY) -> list[str]:
    """What is wrong with one company's presence at a meeting."""
    period = unavailable_clash(folder, company, meeting_span(m))
    if period:
        return [f"{company.id} is unavailable {company_period(folder, company, period)} but "
                f"meets at "
                f"{when(folder, m)}"]
    known = {d.id for d in company.delegates}
    sent = [d for d in meeting_delegates(m, company.id) if d in known]
    if not sent:
        return []  # reported by meeting_shape
    free = free_delegates(folder, company, meeting_span(m))
    problems = [f"{company.id}/{d} is unavailable at {when(folder, m)}"
                for d in sent if d not in free]
    if company.parallel and len(sent) != 1:
        problems.append(f"{company.id} holds parallel meetings, so exactly one of its "
                        f"delegates attends each; {len(sent)} do")
    if not company.parallel:  # everyone free attends, of those the wishes name
        missing = [d for d in attending(terms, company.id, free) if d not in sent]
        if missing:
            problems.append(f"{company.id} meets with all its available delegates, but "
                            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                            "not in the meeting")
    return problems


def check_programme_conflict(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """No meeting of a company overlaps a programme item that blocks it."""
    out: list[Violation] = []
    spans = blocking_items(folder)
    for m in known_meetings(folder, schedule):
        for c in dict.fromkeys(m.companies):
            company = folder.companies[c]
            for item, span in spans:
                if overlaps(span, meeting_span(m)) and attends_item(folder, company, item):
                    out.append(Violation("programme_conflict", m.id, f"{c} attends "
                                         f"'{item.title}' at {when(folder, m)}"))
    return out


def check_one_meeting_at_a_time(folder: MissionFolder, schedule: Schedule) -> list[Violation]:
    """A company (or each delegate of a parallel company) is in one meeting at a time."""
    out: list[Violation] = []
    for c, meetings in sorted(by_company(known_meetings(folder, schedule)).items()):
        company = folder.companies[c]
        for x, y in overlapping_pairs(meetings):
            shared = set(meeting_delegates(x, c)) & set(meeting_delegates(y, c))
            if not company.parallel:
                out.append(Violation("one_meeting_at_a_time", y.id, f"{c} has two meetings at "
                                     f"{when(folder, y)} ({x.id}, {y.id})"))
            elif shared:
                out.append(Violation("one_meeting_at_a_time", y.id, f"{c}/{sorted(shared)[0]} "
                                     f"is in two meetings at {when(folder, y)} ({x.id}, {y.id})"))
        if company.parallel:
            out += _too_many_parallel(folder, company, meetings)
    return out


def _too_many_parallel(folder: MissionFolder, company: Company,
                       meetings: list[Meeting]) -> list[Violation]:
    """A parallel company holds no more meetings at once than it has free delegates: from
    a meeting's start until the first of the meetings then going on ends, each needs a
    person of its own free throughout (a longer meeting's later part is not that time)."""
    out: list[Violation] = []
    seen: set[datetime] = set()
    for m in meetings:
        if m.start in seen:
            continue
        seen.add(m.start)
        active = [n for n in meetings if n.start <= m.start < n.end]
        shared = (m.start, min(n.end for n in active))
        free = len(free_delegates(folder, company, shared))
        if len(active) > free:
            names = ", ".join(n.id for n in active)
            out.append(Violation("one_meeting_at_a_time", m.id, f"{company.id} has "
                                 f"{len(active)} meetings at {when(folder, m)} but {free} "
                                 f"delegate(s) available ({names})"))
    return out
