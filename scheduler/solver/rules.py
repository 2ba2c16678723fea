"""One add_<rule> per hard rule (the names check.py uses for check_<rule>).

Domain rules narrow, per company, the slots it may meet in (so candidates are only
created where a meeting is possible); packing rules add "at most cap" constraints
over candidates. Rules that hold by construction say so in their docstring.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from scheduler.input.model import Company, Mission, PartneringSession
from scheduler.meaning import (
    as_utc,
    attends_item,
    blocking_items,
    booth_tables,
    owns_booth,
    session_tables,
    unlimited_video,
)
from scheduler.meaning.slots import (
    Span,
    blocked,
    delegate_blocks,
    overlapping,
    slot_spans,
    span,
    time_groups,
    unavailable_blocks,
)
from scheduler.meaning.wishes import attending
from scheduler.schedule import Meeting
from scheduler.solver.longer import may_start
from scheduler.solver.named import holders, named_sets
from scheduler.solver.space import TABLES, VIDEO, Space, Var
from scheduler.solver.tables import pool_tables


def add_slot_grid(space: Space) -> None:
    """Meetings start on a slot of their session: candidates exist only on slots."""
    every = {s.index for s in space.slots}
    for company in space.folder.companies:
        space.allowed[company] = set(every)


def add_meeting_shape(space: Space) -> None:
    """Both companies known and distinct, each with a delegate (requests guarantee the rest)."""
    for cid, company in space.folder.companies.items():
        if not company.delegates:
            space.allowed[cid] = set()


def add_session_attendance(space: Space) -> None:
    """A company meets only in the sessions it attends."""
    by_session: dict[str, set[int]] = defaultdict(set)
    for i, slot in enumerate(space.slots):
        by_session[slot.session].add(i)
    usable: dict[tuple[str, ...], set[int]] = {}
    for cid, company in space.folder.companies.items():
        attended = tuple(space.folder.attends(company))
        if attended not in usable:
            usable[attended] = set().union(*(by_session.get(s, ()) for s in set(attended)))
        space.allowed[cid] = space.allowed[cid] & usable[attended]


def add_programme_conflict(space: Space) -> None:
    """No meeting while a company attends a blocking programme item or travels."""
    folder = space.folder
    spans = slot_spans(space.slots)
    items = [(item, overlapping(spans, span(as_utc(block))))
             for item, block in blocking_items(folder)]
    for cid, company in folder.companies.items():
        busy = [hit for item, hit in items if attends_item(folder, company, item)]
        space.allowed[cid] = space.allowed[cid].difference(*busy)


def add_availability(space: Space) -> None:
    """No meeting in a company's unavailable periods; record which delegates are free."""
    mission = space.folder.mission
    spans = slot_spans(space.slots)
    for cid, company in space.folder.companies.items():
        people = _free_people(company, mission, spans, sorted(space.allowed[cid]))
        space.people[cid] = people
        space.allowed[cid] = set(people)


def _free_people(company: Company, mission: Mission, spans: list[Span], allowed: list[int]
                 ) -> dict[int, list[str]]:
    """Slot -> delegates free then, over the allowed slots (sorted) where anyone is.

    Slots with the same delegates free share one list (read-only, like all of `people`):
    a BIO-International mission has a million (company, slot) pairs.
    """
    personal = delegate_blocks(company, mission)
    everyone = list(personal)
    if not company.unavailable and not any(personal.values()):
        return dict.fromkeys(allowed, everyone) if everyone else {}
    away = blocked(spans, unavailable_blocks(company, mission))
    busy = {d: blocked(spans, periods) for d, periods in personal.items()}
    someone_busy = set().union(*busy.values())
    people: dict[int, list[str]] = {}
    lists: dict[tuple[str, ...], list[str]] = {tuple(everyone): everyone}
    for i in allowed:
        if i in away:
            continue
        if i not in someone_busy:
            people[i] = everyone
            continue
        here = tuple(d for d, taken in busy.items() if i not in taken)
        if here:
            people[i] = lists[here] if here in lists else lists.setdefault(here, list(here))
    return people


def add_placement(space: Space) -> None:
    """A request meets only in the modes, sessions and days its wishes allow."""
    sessions = {s.id: s for s in space.folder.mission.partnering}
    usable: dict[object, set[int]] = {}
    for r, request in enumerate(space.requests):
        terms = request.terms
        if terms.either_mode and terms.sessions is None and terms.days is None:
            continue
        if terms not in usable:
            usable[terms] = {s.index for s in space.slots
                             if terms.allows(sessions[s.session], s.day)}
        space.restrict(r, usable[terms])


def add_named_delegates(space: Space) -> None:
    """A request whose wishes name delegates meets only when one of them (per company
    named) is free; one meeting at a time per person holds them to it."""
    for r, request in enumerate(space.requests):
        if not request.terms.delegates:
            continue
        slots: set[int] | None = None
        for c in request.companies:
            if request.terms.named(c) is None or c not in space.people:
                continue
            here = {s for s, free in space.people[c].items()
                    if attending(request.terms, c, free)}
            slots = here if slots is None else slots & here
        space.restrict(r, slots or set())


def add_blocked_pair(space: Space) -> None:
    """Declined and excluded pairs never meet: their requests get no candidates."""
    for r, request in enumerate(space.requests):
        if request.blocked:
            space.restrict(r, set())


def pools(space: Space, session: PartneringSession, pair: tuple[str, str]) -> list[str]:
    """Where a pair may meet in a session (the `booth_ownership` rule picks booths); a
    virtual session's video rooms, if it names any, are its table pool."""
    if session.virtual:
        return [VIDEO] if unlimited_video(session) else [TABLES]
    companies = [space.folder.companies[c] for c in pair]
    booths = [f"booth:{b.id}" for b in session.booths
              if any(owns_booth(c, b) for c in companies)]
    if booths:
        return booths
    return [TABLES] if session_tables(session) else []


def make_candidates(space: Space) -> None:
    """One candidate per request, common free slot and allowed pool, in a stable order."""
    sessions = {s.id: s for s in space.folder.mission.partnering}
    for r, request in enumerate(space.requests):
        a, b = request.companies
        if a == b or a not in space.allowed or b not in space.allowed:
            continue
        common = space.allowed[a] & space.allowed[b]
        if r in space.request_slots:
            common &= space.request_slots[r]
        for slot in sorted(common):
            if request.minutes is not None and not may_start(space, r, slot):
                continue
            session = sessions[space.slots[slot].session]
            for pool in pools(space, session, request.companies):
                space.add_var(Var(r, slot, pool))


def _company_vars(space: Space, overlapped: bool = False) -> dict[str, dict[int, list[int]]]:
    """Company -> slot -> candidate indices (at their first slot; with `overlapped`, at every
    slot the company could meet in that a longer candidate overlaps)."""
    out: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    longer = overlapped and bool(space.spans)
    for i, var in enumerate(space.vars):
        for company in space.companies(var):
            if not longer:
                out[company][var.slot].append(i)
                continue
            for s in space.touches(var):
                if s in space.people[company]:
                    out[company][s].append(i)
    return out


def add_one_meeting_at_a_time(space: Space) -> None:
    """A company (or each delegate of a parallel one) is in one meeting at a time; of a
    parallel company's meetings whose wishes name delegates, no more at once than the
    named people free then (for every union of named sets: Hall's condition)."""
    groups = time_groups(space.slots)
    named = named_sets(space)
    for company, by_slot in sorted(_company_vars(space, overlapped=True).items()):
        parallel = space.folder.companies[company].parallel
        sets = named.get(company, []) if parallel else []
        for slot, vars_ in sorted(by_slot.items()):
            cap = len(space.people[company][slot]) if parallel else 1
            space.pack("one_meeting_at_a_time", f"{company}@{slot}", vars_, cap)
            for k, people in enumerate(sets):
                within = [v for v in vars_ if _inside(space, v, company, people)]
                free = people.intersection(space.people[company][slot])
                space.pack("one_meeting_at_a_time", f"{company}@{slot}#{k}", within, len(free))
        for group in groups:
            used = [s for s in group if s in by_slot]
            if len(used) < 2:
                continue
            vars_ = [v for s in used for v in by_slot[s]]
            who = {d for s in used for d in space.people[company][s]}
            space.pack("one_meeting_at_a_time", f"{company}@{used}", vars_,
                       len(who) if parallel else 1)
            for k, people in enumerate(sets):
                within = [v for v in vars_ if _inside(space, v, company, people)]
                space.pack("one_meeting_at_a_time", f"{company}@{used}#{k}", within,
                           len(people & who))


def _inside(space: Space, v: int, company: str, people: frozenset[str]) -> bool:
    """Whether those who may take a candidate for a company (its named delegates, or the
    holder of a longer meeting) are all among `people`."""
    var = space.vars[v]
    named = holders(space, var.request, var.slot, company)
    return named is not None and named <= people


def _pool_vars(space: Space) -> dict[tuple[int, str], list[int]]:
    """(slot, pool) -> candidate indices."""
    out: dict[tuple[int, str], list[int]] = defaultdict(list)
    if not space.spans:
        for i, var in enumerate(space.vars):
            out[(var.slot, var.pool)].append(i)
        return out
    for i, var in enumerate(space.vars):
        for s in space.covers(var):  # a longer meeting holds its table throughout
            out[(s, var.pool)].append(i)
    return out


def add_table_capacity(space: Space) -> None:
    """A session's tables (or video rooms) hold one meeting each per slot."""
    sessions = {s.id: s for s in space.folder.mission.partnering}
    for (slot, pool), vars_ in sorted(_pool_vars(space).items()):
        if pool == TABLES:
            tables = session_tables(sessions[space.slots[slot].session])
            space.pack("table_capacity", f"{slot}/{pool}", vars_, len(tables))


def add_booth_ownership(space: Space) -> None:
    """A booth holds at most booth.tables meetings per slot (owners chosen in make_candidates)."""
    sessions = {s.id: s for s in space.folder.mission.partnering}
    for (slot, pool), vars_ in sorted(_pool_vars(space).items()):
        if pool.startswith("booth:"):
            session = sessions[space.slots[slot].session]
            booth = next(b for b in session.booths if f"booth:{b.id}" == pool)
            space.pack("booth_ownership", f"{slot}/{pool}", vars_, len(booth_tables(booth)))


def add_company_cap(space: Space) -> None:
    """At most company.max_meetings overall and session.max_meetings_per_company per session."""
    sessions = {s.id: s for s in space.folder.mission.partnering}
    for company, by_slot in sorted(_company_vars(space).items()):
        every = [v for vars_ in by_slot.values() for v in vars_]
        cap = space.folder.companies[company].max_meetings
        if cap is not None:
            space.pack("company_cap", company, every, cap)
        per_session: dict[str, list[int]] = defaultdict(list)
        for slot, vars_ in by_slot.items():
            per_session[space.slots[slot].session] += vars_
        for sid, vars_ in sorted(per_session.items()):
            cap = sessions[sid].max_meetings_per_company
            if cap is not None:
                space.pack("company_cap", f"{company}/{sid}", vars_, cap)


def add_session_cap(space: Space) -> None:
    """At most session.max_meetings meetings in a session."""
    per_session: dict[str, list[int]] = defaultdict(list)
    for i, var in enumerate(space.vars):
        per_session[space.slots[var.slot].session].append(i)
    for session in space.folder.mission.partnering:
        if session.max_meetings is not None:
            space.pack("session_cap", session.id, per_session[session.id], session.max_meetings)


def add_requested_pair(space: Space) -> None:
    """Only requested pairs meet (by construction), at most request.meetings times, once a slot."""
    for r, vars_ in sorted(space.by_request().items()):
        space.pack("requested_pair", space.requests[r].id, vars_, space.requests[r].meetings)
        by_slot: dict[int, list[int]] = defaultdict(list)
        for v in vars_:
            by_slot[space.vars[v].slot].append(v)
        for slot, same in sorted(by_slot.items()):
            space.pack("requested_pair", f"{space.requests[r].id}@{slot}", same, 1)


def meeting_var(space: Space, meeting: Meeting) -> Var | None:
    """The candidate a schedule's meeting corresponds to, if it is still possible."""
    var = meeting_candidate(space, meeting)
    return var if var in space.index else None


def meeting_candidate(space: Space, meeting: Meeting) -> Var | None:
    """The candidate of a schedule's meeting (request, slot, pool), possible or not;
    None when its request or slot no longer exists."""
    if not space.lookup:
        space.lookup.update({("r", q.id): r for r, q in enumerate(space.requests)})
        space.lookup.update({("s", s.session, s.start): s.index for s in space.slots})
    request = space.lookup.get(("r", meeting.request))
    slot = space.lookup.get(("s", meeting.session, meeting.start))
    if request is None or slot is None:
        return None
    session = space.folder.session(meeting.session)
    if session.virtual:
        return Var(request, slot, VIDEO if unlimited_video(session) else TABLES)
    return Var(request, slot, f"booth:{meeting.booth}" if meeting.booth else TABLES)


def keep_holders(space: Space, meetings: Sequence[Meeting]) -> None:
    """A longer meeting of a parallel company in the previous schedule is held by the same
    person if it stays (so locked and kept meetings stay possible together)."""
    for meeting in meetings:
        var = meeting_candidate(space, meeting)
        if var is None or space.requests[var.request].minutes is None:
            continue
        for person in meeting.delegates:
            c, _, d = person.partition("/")
            company = space.folder.companies.get(c)
            if company is not None and company.parallel:
                space.held[(var.request, var.slot, c)] = d


def add_locked(space: Space, locked: list[Meeting]) -> None:
    """Locked meetings of the previous schedule stay: their candidates are fixed to 1."""
    for meeting in locked:
        var = meeting_var(space, meeting)
        if var is None:
            space.problems.append(
                f"locked meeting {meeting.id} ({' and '.join(meeting.companies)}, "
                f"{meeting.start:%Y-%m-%d %H:%M} in {meeting.session}) can no longer take place "
                "there; unlock it in schedule.json or run with --fresh")
        elif meeting.table and var.pool != VIDEO and meeting.table not in pool_tables(
                space, meeting.session, var.pool)[0]:
            space.problems.append(
                f"locked meeting {meeting.id} is at '{meeting.table}', which {meeting.session} "
                "no longer has; unlock it in schedule.json or run with --fresh")
        else:
            space.fixed[space.index[var]] = meeting


DOMAIN_RULES: list[Callable[[Space], None]] = [
    add_slot_grid, add_meeting_shape, add_session_attendance, add_programme_conflict,
    add_availability, add_placement, add_named_delegates, add_blocked_pair,
]
PACKING_RULES: list[Callable[[Space], None]] = [
    add_one_meeting_at_a_time, add_table_capacity, add_booth_ownership, add_company_cap,
    add_session_cap, add_requested_pair,
]
