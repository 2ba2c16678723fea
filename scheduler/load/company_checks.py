"""Checks of one company file against the mission and the other companies."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from scheduler.errors import shown
from scheduler.input.model import Company, Mission
from scheduler.input.types import slugify
from scheduler.load.findings import Findings, unknown
from scheduler.load.source import Source


def check_company(company: Company, src: Source, mission: Mission | None,
                  by_id: dict[str, Company], out: Findings,
                  attending: dict[str, set[str]] | None = None,
                  unread_sessions: frozenset[str] = frozenset(),
                  unread_companies: frozenset[str] = frozenset()) -> None:
    """One company: delegates, wishes, and (with a valid mission) sessions and dates.

    `attending` caches each company's sessions across calls (cross_check passes one);
    `unread_sessions` are the ids of sessions that failed their schema in mission.yaml,
    `unread_companies` the names of company files that could not be read at all.
    """
    if not company.delegates and not src.left_out("delegates"):
        data = src.located.data
        out.error(src, ("delegates",) if isinstance(data, dict) and "delegates" in data else (),
                  f"company '{company.id}' has no delegates; list at least one person")
    check_delegate_ids(company, src, out)
    check_wishes(company, src, mission, by_id, out, attending, unread_sessions, unread_companies)
    check_no_meetings(company, src, out)
    if mission:
        check_company_dates(company, src, mission, out, unread_sessions)


def check_delegate_ids(company: Company, src: Source, out: Findings) -> None:
    """No two delegates of a company share an id (written, or made from their names, where
    'José Pérez' and 'Jose Perez' give the same): each is told whom it clashes with."""
    ids = [d.id or slugify(d.name) for d in company.delegates]
    if len(set(ids)) == len(ids):
        return
    names = Counter(ids)
    for i, delegate_id in enumerate(ids):
        if names[delegate_id] < 2:
            continue
        others = [f"'{shown(d.name)}' ({src.name}:{_at(src, ('delegates', k))})"
                  for k, d in enumerate(company.delegates) if k != i and ids[k] == delegate_id]
        made = "" if company.delegates[i].id else " (made from the name)"
        out.error(src, ("delegates", i), f"delegate '{shown(company.delegates[i].name)}' has the "
                  f"id '{delegate_id}'{made}, as {' and '.join(others)} does; give each an `id:`")


def _at(src: Source, path: tuple) -> str:
    """'line:col' of a path in a file."""
    line, col = src.where(path)
    return f"{line}:{col}"


def check_wishes(company: Company, src: Source, mission: Mission | None,
                 by_id: dict[str, Company], out: Findings,
                 attending: dict[str, set[str]] | None, unread_sessions: frozenset[str],
                 unread_companies: frozenset[str] = frozenset()) -> None:
    """Wishes name another known company, once, that shares a session with this one."""
    first: dict[str, int] = {}
    for i, wish in enumerate(company.wants_to_meet):
        at = ("wants_to_meet", i, "company")
        if wish.company in first:
            line = src.where(("wants_to_meet", first[wish.company], "company"))[0]
            out.warn(src, at, f"'{wish.company}' is listed twice in wants_to_meet (lines {line} "
                     f"and {src.where(at)[0]}); the wishes are merged into one request (ask for "
                     "several meetings with `meetings:`)")
            continue
        first[wish.company] = i
        if wish.company == company.id:
            out.error(src, at, f"'{company.id}' asks to meet itself")
        elif wish.company not in by_id:
            if wish.company not in unread_companies:
                out.error(src, at, unknown("company", wish.company, by_id))
        elif by_id[wish.company].withdrawn or company.withdrawn:
            continue  # out of the plan: the wish is kept, and ignored
        elif mission and not unread_sessions and company.attends != [] \
                and not _share_a_session(company, by_id[wish.company], mission,
                                         {} if attending is None else attending):
            out.warn(src, at, f"'{company.id}' and '{wish.company}' share no partnering session, "
                     "so they cannot meet")


def check_no_meetings(company: Company, src: Source, out: Findings) -> None:
    """`max_meetings: 0` and `attends: []` are legal, but the company will get no meeting."""
    if company.max_meetings == 0:
        out.warn(src, ("max_meetings",), f"max_meetings is 0: '{company.id}' will get no "
                 "meetings (leave max_meetings out for no cap)")
    if company.attends == []:
        out.warn(src, ("attends",), f"attends is empty: '{company.id}' attends no partnering "
                 "session and will get no meetings (leave attends out to attend every session)")


def check_company_dates(company: Company, src: Source, mission: Mission, out: Findings,
                        unread_sessions: frozenset[str] = frozenset()) -> None:
    """A company's sessions exist and its unavailable periods touch the mission."""
    for i, delegate in enumerate(company.delegates):
        check_periods(delegate.unavailable, mission, src, ("delegates", i, "unavailable"), out)
    sessions = {s.id for s in mission.partnering} if company.attends else set()
    for i, session in enumerate(company.attends or []):
        if session not in sessions and session not in unread_sessions:
            out.error(src, ("attends", i), unknown("partnering session", session, sessions))
    check_periods(company.unavailable, mission, src, ("unavailable",), out)


def _share_a_session(a: Company, b: Company, mission: Mission,
                     attending: dict[str, set[str]]) -> bool:
    """Whether two companies attend a common session (cached per company)."""
    for company in (a, b):
        if company.id not in attending:
            every = {s.id for s in mission.partnering}
            chosen = every if company.attends is None else set(company.attends)
            attending[company.id] = chosen & every
    return not attending[a.id].isdisjoint(attending[b.id])


def check_periods(periods: list, mission: Mission, src: Source, at: tuple, out: Findings) -> None:
    """Unavailable periods should touch the mission's dates."""
    if not periods:
        return
    first = datetime.combine(mission.start, time())
    last = datetime.combine(mission.end, time()) + timedelta(days=1)
    for i, (start, end) in enumerate(periods):
        if end <= first or start >= last:
            out.warn(src, (*at, i), f"unavailable {start:%Y-%m-%d %H:%M} is outside the mission "
                     f"dates ({mission.start} to {mission.end})")
