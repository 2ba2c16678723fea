"""Checks that span fields and files: references, dates, duplicates, reachability."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from scheduler.errors import Problem
from scheduler.meaning import SPECIAL_ATTENDEES, unlimited_video, video_rooms
from scheduler.model import Company, Mission, MissionFolder, PartneringSession
from scheduler.types import slugify
from scheduler.wallclock import check_wall_clocks

if TYPE_CHECKING:
    from scheduler.loader import Source



class Findings:
    """Collects problems against the files they belong to."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, source: Source, path: tuple, message: str, key: bool = False) -> None:
        """Record an error at a path of a file."""
        self.problems.append(source.problem(path, message, key=key))

    def warn(self, source: Source, path: tuple, message: str) -> None:
        """Record a warning at a path of a file."""
        self.problems.append(source.problem(path, message, "warning"))

    def note(self, source: Source, path: tuple, message: str) -> None:
        """Record a note (how something will be read; not a problem) at a path of a file."""
        self.problems.append(source.problem(path, message, "note"))


def _in_mission(mission: Mission, day: date) -> bool:
    """Whether a day falls within the mission's dates."""
    return mission.start <= day <= mission.end


def check_mission_dates(mission: Mission, src: Source, out: Findings) -> None:
    """The mission ends on or after its start."""
    if mission.end < mission.start:
        out.error(src, ("end",), f"end {mission.end} is before start {mission.start}")


def check_programme(mission: Mission, src: Source, out: Findings, known: set[str]) -> None:
    """Programme items: timed or all-day, in order, at known venues, for known attendees."""
    ids = Counter(item.id or slugify(item.title) for item in mission.programme)
    for i, item in enumerate(mission.programme):
        at = ("programme", i)
        if item.start is None and item.date is None:
            out.error(src, at, f"'{item.title}' needs either start and end, or a date")
        if item.start is not None and item.end is None:
            out.error(src, at, f"'{item.title}' has a start but no end")
        if item.start is not None and item.date is not None:
            out.error(src, (*at, "date"), "give either date (all-day) or start/end, not both")
        if item.start and item.end and item.end <= item.start:
            out.error(src, (*at, "end"), f"end {item.end:%Y-%m-%d %H:%M} is not after start")
        if item.date and item.until and item.until < item.date:
            out.error(src, (*at, "until"), f"until {item.until} is before date {item.date}")
        first = item.date or (item.start.date() if item.start else None)
        if first and not _in_mission(mission, first):
            out.warn(src, at, f"'{item.title}' is outside the mission dates")
        for key in ("venue", "from_", "to"):
            ref = getattr(item, key)
            if ref and ref not in mission.venues:
                out.error(src, (*at, key.rstrip("_")), _unknown("venue", ref, mission.venues))
        if item.kind == "transfer" and not (item.from_ and item.to):
            out.error(src, at, f"transfer '{item.title}' needs from and to venues")
        check_attendees(item.attendees, mission, src, (*at, "attendees"), out, known)
        if ids[item.id or slugify(item.title)] > 1:
            out.error(src, at, f"two programme items have the id '{item.id or slugify(item.title)}'"
                      "; give each an `id:` of its own")


def check_attendees(values: list[str], mission: Mission, src: Source, at: tuple,
                    out: Findings, known: set[str]) -> None:
    """Attendee entries name the delegation, hosts, everyone, a cluster, a group or a company."""
    clusters = known_clusters(known)
    for j, value in enumerate(values):
        kind, _, name = value.partition(":")
        if value in SPECIAL_ATTENDEES:
            continue
        if kind == "cluster" and name:
            if name not in clusters:
                out.error(src, (*at, j), _unknown("cluster", name, clusters))
        elif kind == "group" and name:
            if name not in mission.groups:
                out.error(src, (*at, j), _unknown("group", name, mission.groups))
        elif value not in known:
            out.error(src, (*at, j), _unknown("company", value, {k for k in known if ":" not in k}))


def known_clusters(known: set[str]) -> set[str]:
    """Cluster names, which `known` carries as 'cluster:<name>' entries."""
    return {k.split(":", 1)[1] for k in known if k.startswith("cluster:")}


def _unknown(what: str, name: str, choices: object) -> str:
    """'unknown venue x; did you mean y?'."""
    import difflib

    close = difflib.get_close_matches(name, sorted(choices), n=1)
    return f"unknown {what} '{name}'" + (f"; did you mean '{close[0]}'?" if close else "")


def leftover_minutes(session: PartneringSession, window: tuple[time, time]) -> int:
    """Minutes of a window left over after its whole meetings."""
    length = (datetime.combine(date.min, window[1]) - datetime.combine(date.min, window[0]))
    minutes = int(length / timedelta(minutes=1))
    step = session.meeting_minutes + session.changeover_minutes
    return (minutes + session.changeover_minutes) % step if minutes >= session.meeting_minutes \
        else minutes


def check_session(mission: Mission, i: int, src: Source, out: Findings, known: set[str]) -> None:
    """A partnering session: days, venue or virtual zone, tables, windows."""
    session, at = mission.partnering[i], ("partnering", i)
    if not session.days:
        out.error(src, at, f"session '{session.id}' needs a date (or dates)")
    for day in session.days:
        if not _in_mission(mission, day):
            out.warn(src, at, f"session '{session.id}' on {day} is outside the mission dates")
    if session.venue and session.venue not in mission.venues:
        out.error(src, (*at, "venue"), _unknown("venue", session.venue, mission.venues))
    if not session.virtual and not session.venue:
        out.error(src, at, f"session '{session.id}' needs a venue (or `virtual: true`)")
    if session.virtual and not (session.venue or session.timezone):
        out.error(src, at, f"virtual session '{session.id}' needs a timezone (or a venue)")
    if not session.virtual and not session.tables and not session.booths:
        out.error(src, at, f"session '{session.id}' needs tables or booths for its meetings")
    if unlimited_video(session):
        out.note(src, (*at, "virtual"), f"virtual session '{session.id}' has no `tables`: any "
                 "number of video meetings may run at once (give `tables: 4` or a list of "
                 "video rooms to cap them)")
    if video_rooms(session) == []:
        out.error(src, (*at, "tables"), f"virtual session '{session.id}' has no video rooms, "
                  "so no meeting can take place; leave out `tables` for any number")
    if session.tables and len(set(session.tables)) != len(session.tables):
        out.error(src, (*at, "tables"), "two tables have the same name")
    ordered = sorted(session.windows)
    for j, (a, b) in enumerate(zip(ordered, ordered[1:], strict=False)):
        if b[0] < a[1]:
            out.error(src, (*at, "windows", j + 1), "windows overlap")
    for j, window in enumerate(session.windows):
        left = leftover_minutes(session, window)
        if left:
            out.warn(src, (*at, "windows", j), f"window {window[0]:%H:%M}-{window[1]:%H:%M} "
                     f"does not hold a whole number of {session.meeting_minutes}+"
                     f"{session.changeover_minutes} minute meetings ({left} minutes left over)")
    for j, booth in enumerate(session.booths):
        check_attendees(booth.owners, mission, src, (*at, "booths", j, "owners"), out, known)


def check_sessions(mission: Mission, src: Source, out: Findings, known: set[str]) -> None:
    """Every session, and unique session ids."""
    seen: set[str] = set()
    for i, session in enumerate(mission.partnering):
        if session.id in seen:
            out.error(src, ("partnering", i, "id"), f"two sessions have the id '{session.id}'")
        seen.add(session.id)
        check_session(mission, i, src, out, known)


def check_matches(mission: Mission, src: Source, out: Findings, ids: set[str]) -> None:
    """Organiser-set matches and groups name known companies."""
    for i, match in enumerate(mission.matches):
        for j, company in enumerate(match.companies):
            if company not in ids:
                out.error(src, ("matches", i, "companies", j), _unknown("company", company, ids))
        if match.companies[0] == match.companies[1]:
            out.error(src, ("matches", i), f"a match pairs '{match.companies[0]}' with itself")
    for name, members in mission.groups.items():
        for j, company in enumerate(members):
            if company not in ids:
                out.error(src, ("groups", name, j), _unknown("company", company, ids))


def check_company(company: Company, src: Source, mission: Mission | None,
                  by_id: dict[str, Company], out: Findings,
                  attending: dict[str, set[str]] | None = None) -> None:
    """One company: delegates, wishes, and (with a valid mission) sessions and dates.

    `attending` caches each company's sessions across calls (cross_check passes one).
    """
    if not company.delegates:
        out.error(src, ("delegates",) if "delegates" in src.located.data else (),
                  f"company '{company.id}' has no delegates; list at least one person")
    ids = [d.id or slugify(d.name) for d in company.delegates]
    if len(set(ids)) < len(ids):
        names = Counter(ids)
        for i, delegate_id in enumerate(ids):
            if names[delegate_id] > 1:
                out.error(src, ("delegates", i),
                          "two delegates have the same id; give each an `id:`")
    for i, wish in enumerate(company.wants_to_meet):
        at = ("wants_to_meet", i, "company")
        if wish.company == company.id:
            out.error(src, at, f"'{company.id}' asks to meet itself")
        elif wish.company not in by_id:
            out.error(src, at, _unknown("company", wish.company, by_id))
        elif by_id[wish.company].withdrawn or company.withdrawn:
            continue  # out of the plan: the wish is kept, and ignored
        elif mission and not _share_a_session(company, by_id[wish.company], mission,
                                              {} if attending is None else attending):
            out.warn(src, at, f"'{company.id}' and '{wish.company}' share no partnering session, "
                     "so they cannot meet")
    if mission:
        check_company_dates(company, src, mission, out)


def check_company_dates(company: Company, src: Source, mission: Mission, out: Findings) -> None:
    """A company's sessions exist and its unavailable periods touch the mission."""
    for i, delegate in enumerate(company.delegates):
        check_periods(delegate.unavailable, mission, src, ("delegates", i, "unavailable"), out)
    sessions = {s.id for s in mission.partnering} if company.attends else set()
    for i, session in enumerate(company.attends or []):
        if session not in sessions:
            out.error(src, ("attends", i), _unknown("partnering session", session, sessions))
    check_periods(company.unavailable, mission, src, ("unavailable",), out)


def _share_a_session(a: Company, b: Company, mission: Mission,
                     attending: dict[str, set[str]]) -> bool:
    """Whether two companies attend a common session (cached per company)."""
    for company in (a, b):
        if company.id not in attending:
            every = {s.id for s in mission.partnering}
            attending[company.id] = set(company.attends or every) & every
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


def fill_defaults(mission: Mission, companies: dict[str, Company]) -> None:
    """Give programme items and delegates their derived ids."""
    for item in mission.programme:
        item.id = item.id or slugify(item.title)
    for company in companies.values():
        for delegate in company.delegates:
            delegate.id = delegate.id or slugify(delegate.name)


def cross_check(mission: Mission | None, src: Source | None,
                companies: list[tuple[Company, Source]]
                ) -> tuple[MissionFolder | None, list[Problem]]:
    """Run every check that spans fields or files (company-only ones if mission.yaml is bad)."""
    out = Findings()
    by_id: dict[str, Company] = {}
    files: dict[str, str] = {}
    for company, csrc in companies:
        if company.id in by_id:
            other = files[company.id]
            out.error(csrc, ("id",), f"company id '{company.id}' is also used by {other}")
            continue
        by_id[company.id] = company
        files[company.id] = csrc.name
    known = set(by_id) | {f"cluster:{c.cluster}" for c in by_id.values() if c.cluster}
    if mission and src:
        check_mission_dates(mission, src, out)
        check_programme(mission, src, out, known)
        check_sessions(mission, src, out, known)
        check_matches(mission, src, out, set(by_id))
    attending: dict[str, set[str]] = {}
    for company, csrc in companies:
        if by_id.get(company.id) is company:
            check_company(company, csrc, mission, by_id, out, attending)
    if mission is None:
        return None, out.problems
    fill_defaults(mission, by_id)
    # References were checked against every company; MissionFolder sets the withdrawn apart.
    result = MissionFolder(mission=mission, companies=by_id, files=files)
    own = {c.id: s for c, s in companies if by_id.get(c.id) is c}
    return result, out.problems + check_wall_clocks(result, src, own)
