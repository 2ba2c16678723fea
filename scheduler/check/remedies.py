"""What would make an unplaced must-have meeting possible, in words a cluster manager can act on.

Reasons (scheduler.check.reasons) say why a request has no meeting; remedies say what
change to the input would give it one: "both attend <session>", "<company> free at
<time>", "a table more in <session> at <time>", a cap raised. Each remedy is checked
against the schedule as placed: a slot is offered only where that one change opens it.
"""

from __future__ import annotations

from scheduler.check.reasons import (
    MAX_LISTED,
    Placed,
    Slot,
    allowed_slots,
    busy_in,
    cap_reason,
    common_sessions,
    named_blocker,
    tables_full,
)
from scheduler.check.times import show_time
from scheduler.input.model import Company, MissionFolder, PartneringSession
from scheduler.meaning import session_zone
from scheduler.meaning.requests import Request


def remedies(folder: MissionFolder, placed: Placed, request: Request) -> list[str]:
    """Up to MAX_LISTED changes, each of which would let the request have a meeting
    where and as long as its wishes ask (mode, sessions, days, named people, minutes)."""
    if any(c not in folder.companies for c in request.companies):
        return []
    a, b = (folder.companies[c] for c in request.companies)
    common = common_sessions(folder, a, b)
    if not common:
        return _attend(folder, a, b)
    slots = allowed_slots(placed, common, request.minutes, request.terms)
    blocked = {id(slot): [who for c in (a, b) if (who := _kept(folder, placed, request, c,
                                                              slot))] for slot in slots}
    free = [slot for slot in slots if not blocked[id(slot)]]
    if not slots:  # the wishes allow none of their common sessions: validate says so
        return []
    if not free:
        return _free_at(folder, [(slot, blocked[id(slot)]) for slot in slots])
    capped = cap_reason(folder, placed, request, free)
    if capped:
        return [f"a higher cap: {capped}"]
    return _room(folder, placed, free, a, b)


def _attend(folder: MissionFolder, a: Company, b: Company) -> list[str]:
    """'both attend <session>' for the sessions either attends (any session if neither)."""
    either = dict.fromkeys([*folder.attends(a), *folder.attends(b)])
    sessions = list(either) or [s.id for s in folder.mission.partnering]
    return [f"both attend {s}" for s in sessions[:MAX_LISTED]]


def _when(folder: MissionFolder, slot: Slot) -> str:
    """'2026-03-10 09:20 CET in s1': a slot's start in its session's zone, and its session."""
    return f"{show_time(slot.start, session_zone(folder, slot.session))} in {slot.session.id}"


def _kept(folder: MissionFolder, placed: Placed, request: Request, company: Company,
          slot: Slot) -> str:
    """Who keeps a company from a slot: 'b', "b's p1, p2" (the people the wishes name,
    when only they are away), or '' when nobody does."""
    if placed.blocker(company, slot):
        return company.id
    if named_blocker(folder, request.terms, company, slot):
        return f"{company.id}'s {', '.join(sorted(request.terms.named(company.id) or ()))}"
    return ""


def _free_at(folder: MissionFolder, slots: list[tuple[Slot, list[str]]]) -> list[str]:
    """'<who> free at <time>' for slots only one company is kept from (both if none)."""
    single = [(slot, who) for slot, who in slots if len(who) == 1]
    chosen = single or slots
    out: list[str] = []
    for slot, who in chosen:
        text = f"{' and '.join(who)} free at {_when(folder, slot)}"
        if text not in out:
            out.append(text)
        if len(out) == MAX_LISTED:
            break
    return out


def _room(folder: MissionFolder, placed: Placed, free: list[Slot], a: Company,
          b: Company) -> list[str]:
    """Slots both are free where one change opens room: a table more (the tables are all
    taken, neither company is busy) or one company free of the meeting it has there."""
    out: list[str] = []
    for slot in free:
        if not _open_session(folder, placed, slot.session, (a.id, b.id)):
            continue
        busy = [c for c in (a, b) if busy_in(folder, placed, slot, c)]
        full = tables_full(folder, placed, slot, (a.id, b.id))
        if full and not busy:
            out.append(f"a table more in {slot.session.id} at "
                       f"{show_time(slot.start, session_zone(folder, slot.session))}")
        elif len(busy) == 1 and not full:
            out.append(f"{busy[0].id} free at {_when(folder, slot)} (it has another "
                       "meeting there)")
        if len(out) == MAX_LISTED:
            break
    return out


def _open_session(folder: MissionFolder, placed: Placed, session: PartneringSession,
                  companies: tuple[str, str]) -> bool:
    """Whether the session's caps leave room for one more meeting of the pair."""
    cap = session.max_meetings_per_company
    if cap is not None and any(placed.count(c, session.id) >= cap for c in companies):
        return False
    total = session.max_meetings
    return total is None or placed.per_session[session.id] < total
