"""Checks that span fields and files: references, dates, duplicates, reachability."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from datetime import date, datetime, time, timedelta

from scheduler.errors import Problem, shown
from scheduler.input.model import Company, Mission, MissionFolder, PartneringSession
from scheduler.input.types import slugify
from scheduler.input.yamlio import Path_
from scheduler.load.company_checks import check_company
from scheduler.load.findings import Findings, in_mission, unknown
from scheduler.load.lengths import check_lengths
from scheduler.load.source import ANY_NAME, AnyName, Source
from scheduler.load.wallclock import check_wall_clocks
from scheduler.load.wish_checks import check_wish_terms
from scheduler.meaning import LINK_PLACEHOLDERS, SPECIAL_ATTENDEES, unlimited_video, video_rooms

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")  # {meeting} in a video_link


def check_mission_dates(mission: Mission, src: Source, out: Findings) -> None:
    """The mission ends on or after its start."""
    if mission.end < mission.start:
        out.error(src, ("end",), f"end {mission.end} is before start {mission.start}")


def check_programme(mission: Mission, src: Source, out: Findings, known: frozenset[str]) -> None:
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
        if first and not in_mission(mission, first):
            out.warn(src, at, f"'{item.title}' is outside the mission dates")
        for key in ("venue", "from_", "to"):
            ref = getattr(item, key)
            if ref and ref not in mission.venues and ref not in src.unread("venues"):
                out.error(src, (*at, key.rstrip("_")), unknown("venue", ref, mission.venues))
        if item.kind == "transfer" and not (item.from_ and item.to):
            out.error(src, at, f"transfer '{item.title}' needs from and to venues")
        check_attendees(item.attendees, mission, src, (*at, "attendees"), out, known)
        if ids[item.id or slugify(item.title)] > 1:
            out.error(src, at, f"two programme items have the id '{item.id or slugify(item.title)}'"
                      "; give each an `id:` of its own")


def check_attendees(values: list[str], mission: Mission, src: Source, at: Path_,
                    out: Findings, known: frozenset[str]) -> None:
    """Attendee entries name the delegation, hosts, everyone, a cluster, a group or a company."""
    clusters = known_clusters(known)
    for j, value in enumerate(values):
        kind, _, name = value.partition(":")
        if value in SPECIAL_ATTENDEES:
            continue
        if kind == "cluster" and name:
            if name not in clusters:
                out.error(src, (*at, j), unknown("cluster", name, clusters))
        elif kind == "group" and name:
            if name not in mission.groups and name not in src.unread("groups"):
                out.error(src, (*at, j), unknown("group", name, mission.groups))
        elif value not in known:
            out.error(src, (*at, j), unknown("company", value, {k for k in known if ":" not in k}))


def known_clusters(known: frozenset[str]) -> frozenset[str]:
    """Cluster names, which `known` carries as 'cluster:<name>' entries."""
    if isinstance(known, AnyName):
        return known
    return frozenset(k.split(":", 1)[1] for k in known if k.startswith("cluster:"))


def leftover_minutes(session: PartneringSession, window: tuple[time, time]) -> int:
    """Minutes of a window left over after its whole meetings."""
    length = (datetime.combine(date.min, window[1]) - datetime.combine(date.min, window[0]))
    minutes = int(length / timedelta(minutes=1))
    step = session.meeting_minutes + session.changeover_minutes
    return (minutes + session.changeover_minutes) % step if minutes >= session.meeting_minutes \
        else minutes


def check_session(mission: Mission, i: int, src: Source, out: Findings,
                  known: frozenset[str]) -> None:
    """A partnering session: days, venue or virtual zone, tables, windows."""
    session, at = mission.partnering[i], ("partnering", i)
    if not session.days:
        out.error(src, at, f"session '{session.id}' needs a date (or dates)")
    for day in session.days:
        if not in_mission(mission, day):
            out.warn(src, at, f"session '{session.id}' on {day} is outside the mission dates")
    if session.venue and session.venue not in mission.venues \
            and session.venue not in src.unread("venues"):
        out.error(src, (*at, "venue"), unknown("venue", session.venue, mission.venues))
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
    check_virtual(session, at, src, out)
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


def check_virtual(session: PartneringSession, at: tuple, src: Source, out: Findings) -> None:
    """A virtual session: placeholders its video_link knows, and no booths (nobody sits
    at a booth in a video call)."""
    if session.virtual and session.booths:
        out.error(src, (*at, "booths"), f"virtual session '{session.id}' has booths, but its "
                  "meetings are video calls; leave out `booths` (use `tables` for video rooms)",
                  key=True)
    for name in dict.fromkeys(_PLACEHOLDER.findall(session.video_link or "")):
        if name not in LINK_PLACEHOLDERS:
            choices = ", ".join(f"{{{p}}}" for p in LINK_PLACEHOLDERS)
            close = difflib.get_close_matches(name, LINK_PLACEHOLDERS, n=1)
            hint = f"did you mean '{{{close[0]}}}'?" if close else f"use {choices}"
            out.error(src, (*at, "video_link"), f"unknown placeholder '{{{shown(name)}}}' in "
                      f"video_link; {hint}")
        elif name == "room" and video_rooms(session) is None:
            out.error(src, (*at, "video_link"), "{room} in video_link needs video rooms: give "
                      f"virtual session '{session.id}' `tables` (a count or their names)")


def check_sessions(mission: Mission, src: Source, out: Findings, known: frozenset[str]) -> None:
    """Every session, and unique session ids."""
    seen: set[str] = set()
    for i, session in enumerate(mission.partnering):
        if session.id in seen:
            out.error(src, ("partnering", i, "id"), f"two sessions have the id '{session.id}'")
        seen.add(session.id)
        check_session(mission, i, src, out, known)


def check_matches(mission: Mission, src: Source, out: Findings, ids: frozenset[str]) -> None:
    """Organiser-set matches and groups name known companies."""
    for i, match in enumerate(mission.matches):
        for j, company in enumerate(match.companies):
            if company not in ids:
                out.error(src, ("matches", i, "companies", j), unknown("company", company, ids))
        if match.companies[0] == match.companies[1]:
            out.error(src, ("matches", i), f"a match pairs '{match.companies[0]}' with itself")
    for name, members in mission.groups.items():
        for j, company in enumerate(members):
            if company not in ids:
                out.error(src, ("groups", name, j), unknown("company", company, ids))


def fill_defaults(mission: Mission, companies: dict[str, Company]) -> None:
    """Give programme items and delegates their derived ids."""
    for item in mission.programme:
        item.id = item.id or slugify(item.title)
    for company in companies.values():
        for delegate in company.delegates:
            delegate.id = delegate.id or slugify(delegate.name)


def _register(companies: list[tuple[Company, Source]], out: Findings
              ) -> tuple[dict[str, Company], dict[str, str]]:
    """Companies by id and their files; a second file with an id is an error."""
    by_id: dict[str, Company] = {}
    files: dict[str, str] = {}
    for company, csrc in companies:
        guessed = csrc.left_out("id")  # id unreadable: known by file name
        if company.id in by_id:
            if not guessed:
                other = files[company.id]
                out.error(csrc, ("id",), f"company id '{company.id}' is also used by {other}")
            continue
        by_id[company.id] = company
        files[company.id] = csrc.name
        base = csrc.name.rpartition("/")[2]  # plain strings: a large fair has 18,000 files
        stem, _, suffix = base.rpartition(".")
        if stem != company.id:
            out.error(csrc, ("id",), f"the file is named '{base}' but holds id '{company.id}'; "
                      f"make them match: set `id: {stem}` (if that is its id) or rename "
                      f"the file to {company.id}.{suffix}")
    return by_id, files


def _known(companies: list[tuple[Company, Source]], by_id: dict[str, Company],
           unread: frozenset[str]) -> frozenset[str]:
    """Company ids and 'cluster:<name>' of every company file (ANY_NAME when there is none)."""
    if not companies and not unread:  # the folder's problem is reported once, not everywhere
        return ANY_NAME
    clusters = {c.cluster for c in by_id.values() if c.cluster}
    for _, csrc in companies:
        data = csrc.located.data
        written = data.get("cluster") if csrc.left_out("cluster") and isinstance(data, dict) \
            else None
        if isinstance(written, str):
            clusters.add(written.strip())
    return frozenset(by_id) | unread | {f"cluster:{c}" for c in clusters}


def cross_check(mission: Mission | None, src: Source | None,
                companies: list[tuple[Company, Source]],
                unread_companies: frozenset[str] = frozenset()
                ) -> tuple[MissionFolder | None, list[Problem]]:
    """Run every check that spans fields or files, over every part that could be read.

    `mission` may hold only the parts of mission.yaml that passed their schema, and a company
    only its own such parts (their sources say which were left out); references to what was
    left out, or to `unread_companies` (names of company files that could not be read at
    all), are not reported again.
    """
    out = Findings()
    by_id, files = _register(companies, out)
    known = _known(companies, by_id, unread_companies)
    unread_sessions: frozenset[str] = frozenset()
    if mission and src:
        unread_sessions = src.unread("partnering")
        check_mission_dates(mission, src, out)
        check_programme(mission, src, out, known)
        check_sessions(mission, src, out, known)
        check_matches(mission, src, out, frozenset(by_id) | unread_companies
                      if companies or unread_companies else ANY_NAME)
    attending: dict[str, set[str]] = {}
    for company, csrc in companies:
        if by_id.get(company.id) is company:
            check_company(company, csrc, mission, by_id, out, attending, unread_sessions,
                          unread_companies)
    if mission is None:
        return None, out.problems
    fill_defaults(mission, by_id)
    # References were checked against every company; MissionFolder sets the withdrawn apart.
    folder = MissionFolder(mission=mission, companies=by_id, files=files)
    if src:
        check_wish_terms(folder, src, {c.id: s for c, s in companies if by_id.get(c.id) is c},
                         out)
    wrong = {p.file for p in out.problems if p.is_error}
    if src and not src.partial and src.name not in wrong:
        sound = {c.id: s for c, s in companies if not s.partial and s.name not in wrong}
        check_reachable(folder, sound, out)
    check_lengths(folder, src, {c.id: s for c, s in companies if by_id.get(c.id) is c}, out)
    if src is None or src.left_out("timezone"):
        return folder, out.problems  # wall clocks need the zones they are read in
    own = {c.id: s for c, s in companies
           if by_id.get(c.id) is c and not s.left_out("timezone")}
    return folder, out.problems + check_wall_clocks(folder, src, own)


def check_reachable(folder: MissionFolder, sources: dict[str, Source], out: Findings) -> None:
    """Warn about each company free in no slot of the sessions it attends (the solver's
    availability: attended sessions, unavailable periods, blocking items, free delegates).

    Only companies whose file has no error are checked: the rest are reported already.
    """
    from scheduler.meaning import attends_item, item_block
    from scheduler.meaning.slots import build_slots, free_slots

    slots = build_slots(folder.mission)
    blocking = [item for item in folder.mission.programme if item_block(folder, item)]
    for cid, src in sources.items():
        company = folder.companies.get(cid)
        if company is None or company.attends == [] or company.max_meetings == 0:
            continue
        if not company.unavailable and any(not d.unavailable for d in company.delegates) \
                and not any(attends_item(folder, company, item) for item in blocking):
            continue  # most companies: a delegate free throughout, nothing blocks them
        if next(free_slots(company, folder, slots), None) is not None:
            continue
        attended = folder.attends(company)
        at = ("unavailable",) if company.unavailable else \
            ("attends",) if company.attends is not None else ()
        out.warn(src, at, f"'{cid}' can meet in no slot: in every slot of the sessions it "
                 f"attends ({', '.join(attended)}) it is unavailable, at a programme item, "
                 "or none of its delegates is free")

