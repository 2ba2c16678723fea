"""The words of the calendars: who you meet, where, and why; programme item details."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scheduler.input.model import Company, MissionFolder, PartneringSession, ProgrammeItem, Venue
from scheduler.meaning import item_span
from scheduler.meaning.clock import meeting_zones, place, spans, stamp
from scheduler.schedule import Meeting

ORGANISER = "organiser"
SIDES = {"delegation": "delegation", "host": "host", "investor": "investor",
         "agency": "agency", "government": "government", "academic": "academic"}


def delegate_names(folder: MissionFolder, meeting: Meeting, company_id: str) -> list[str]:
    """'Name (role)' of a company's delegates at a meeting (all of them if none is named)."""
    company = folder.companies.get(company_id)
    if company is None:
        return []
    named = meeting_delegates(folder, meeting, company_id)
    return [f"{d.name} ({d.role})" if d.role else d.name
            for d in company.delegates if f"{company_id}/{d.id}" in named]


def meeting_delegates(folder: MissionFolder, meeting: Meeting, company_id: str) -> set[str]:
    """'company/delegate' keys of a company's people at a meeting (all, if none is named)."""
    named = {d for d in meeting.delegates if d.split("/", 1)[0] == company_id}
    company = folder.companies.get(company_id)
    if named or company is None:
        return named
    return {f"{company_id}/{d.id}" for d in company.delegates}


def company_name(folder: MissionFolder, company_id: str) -> str:
    """A company's name (also of one that withdrew), or its id if it is no longer in the
    mission."""
    company = folder.companies.get(company_id) or folder.withdrawn.get(company_id)
    return company.name if company else company_id


_ID = re.compile(r"(?<![a-z0-9-])[a-z0-9][a-z0-9-]*(?![a-z0-9-])")  # an id in a sentence


def by_name(folder: MissionFolder, text: str, companies: list[str]) -> str:
    """A reason or remedy with the ids of its companies (and of withdrawn ones) as their
    names; an id that also names a session, venue, booth or item stays, being ambiguous."""
    mission = folder.mission
    others = {*(s.id for s in mission.partnering), *mission.venues,
              *(b.id for s in mission.partnering for b in s.booths),
              *(i.id for i in mission.programme if i.id)}
    names = {c: company_name(folder, c) for c in [*companies, *folder.withdrawn]
             if c not in others}
    return _ID.sub(lambda m: names.get(m[0], m[0]), text)


def venue_text(venue: Venue | None) -> str:
    """'Name, address, city' of a venue."""
    if venue is None:
        return ""
    parts = [venue.name, venue.address, venue.city]
    return ", ".join(p for p in parts if p)


def session_venue(folder: MissionFolder, session: PartneringSession) -> Venue | None:
    """The venue of a session, if any."""
    return folder.mission.venues.get(session.venue) if session.venue else None


def meeting_location(folder: MissionFolder, meeting: Meeting) -> str:
    """Where: table or booth and venue, or the video link of a virtual meeting (after its
    video room, if the session has rooms)."""
    session = folder.session(meeting.session)
    if session.virtual or (meeting.video_link and not meeting.table):
        return " · ".join(p for p in (meeting.table, meeting.video_link or "Online") if p)
    place = meeting.table or ""
    venue = venue_text(session_venue(folder, session))
    return " · ".join(p for p in (place, venue) if p)


def meeting_summary(folder: MissionFolder, meeting: Meeting, viewer: str | None) -> str:
    """'Meeting with X' for a participant; 'Meeting: A – B' for everyone else."""
    if viewer in meeting.companies:
        other = next(c for c in meeting.companies if c != viewer)
        return f"Meeting with {company_name(folder, other)}"
    first, second = (company_name(folder, c) for c in meeting.companies)
    return f"Meeting: {first} – {second}"


def _profile_lines(company: Company) -> list[str]:
    """What a company is, offers and seeks."""
    where = ", ".join(p for p in (company.city, company.country) if p)
    lines = [f"{company.name} ({where}; {SIDES.get(company.side, company.side)})"]
    if company.website:
        lines.append(f"  Web: {company.website}")
    profile = company.profile
    for label, values in (("Sectors", profile.sectors), ("Offers", profile.offers),
                          ("Seeks", profile.seeks)):
        if values:
            lines.append(f"  {label}: " + "; ".join(values))
    if profile.description:
        lines.append(f"  {profile.description.strip()}")
    return lines


def _why(folder: MissionFolder, meeting: Meeting) -> str:
    """The request's reason and who asked for it."""
    if meeting.mutual:
        who = "mutual interest"
    elif meeting.asked_by:
        names = [("the organiser" if a == ORGANISER else company_name(folder, a))
                 for a in meeting.asked_by]
        who = "asked by " + " and ".join(names)
    else:
        who = "set by the organiser"
    return f"{meeting.reason} ({who})" if meeting.reason else who[0].upper() + who[1:]


def time_line(folder: MissionFolder, meeting: Meeting, viewer: Company | None) -> str:
    """'Time: 2027-05-14 09:00–09:30 EDT · 15:00–15:30 CEST in Madrid': a virtual meeting's
    time in the viewer's zone, then in the session's and the partner's where they differ;
    for everyone else, in the session's zone first."""
    zones = meeting_zones(folder, meeting, viewer)
    first, *others = spans(meeting.start, meeting.end, zones)
    day = f"{meeting.start.astimezone(zones[0]):%Y-%m-%d}"
    where = "" if viewer else f" in {place(zones[0])}"
    return "Time: " + " · ".join([f"{day} {first}{where}", *others])


@dataclass(frozen=True)
class MeetingWords:
    """A meeting's description in pieces, shared by every side it is told from."""

    who: dict[str, str]  # company id -> its 'Who' block: profile and delegates
    mine: dict[str, str]  # company id -> its 'With you' line
    where: str  # the Where line
    when: dict[str | None, str]  # viewer (None: everyone else) -> its Time line; none in person
    rest: str  # the Why and Session lines


def meeting_words(folder: MissionFolder, meeting: Meeting,
                  profiles: dict[str, list[str]] | None = None) -> MeetingWords:
    """The pieces of a meeting's description; `profiles` remembers companies' profile lines."""
    session = folder.session(meeting.session)
    profiles = {} if profiles is None else profiles
    who, mine = {}, {}
    for company_id in dict.fromkeys(meeting.companies):
        company = folder.companies.get(company_id)
        if company_id not in profiles:
            profiles[company_id] = _profile_lines(company) if company else [company_id]
        names = delegate_names(folder, meeting, company_id)
        who[company_id] = "\n".join([*profiles[company_id], *(f"  - {n}" for n in names)])
        mine[company_id] = "With you: " + ", ".join(names) if names else "With you: your company"
    # In person, the calendar's own start and end (in the venue's zone) say it all; a virtual
    # meeting is read from several zones, so its text gives each reader's.
    when: dict[str | None, str] = {}
    if session.virtual:
        when[None] = time_line(folder, meeting, None)
        when.update({c: time_line(folder, meeting, folder.companies[c])
                     for c in meeting.companies if c in folder.companies})
    lines = [f"Why: {_why(folder, meeting)}",
             f"Session: {session.title}" + (f", arranged by {session.host}"
                                            if session.host else "")]
    return MeetingWords(who, mine, f"Where: {meeting_location(folder, meeting)}", when,
                        "\n".join(lines))


def told(words: MeetingWords, meeting: Meeting, viewer: str | None) -> str:
    """A meeting's description from one side (viewer) or neutrally, from its pieces."""
    others = [c for c in meeting.companies if c != viewer] if viewer else meeting.companies
    lines = ["Who:", *(words.who[c] for c in others)]
    if viewer in meeting.companies:
        lines.append(words.mine[viewer])
    lines.append(words.where)
    if words.when:
        lines.append(words.when.get(viewer if viewer in meeting.companies else None,
                                    words.when[None]))
    lines.append(words.rest)
    return "\n".join(lines)


def meeting_description(folder: MissionFolder, meeting: Meeting, viewer: str | None) -> str:
    """Who, where and why of a meeting, as a participant (viewer) or the organiser reads it."""
    return told(meeting_words(folder, meeting), meeting, viewer)


def item_description(folder: MissionFolder, item: ProgrammeItem) -> str:
    """A programme item's details: description, venue, transfer ends and their local times."""
    venues = folder.mission.venues
    lines = [item.description.strip()] if item.description.strip() else []
    if item.kind == "transfer" and item.from_ and item.to:
        span = item_span(folder, item) if item.start and item.end else None
        start = f" at {stamp(span[0])}" if span else ""
        end = f" at {stamp(span[1])}" if span else ""
        lines.append(f"From: {venue_text(venues[item.from_])}{start}")
        lines.append(f"To: {venue_text(venues[item.to])}{end}")
    elif item.venue:
        lines.append(f"Where: {venue_text(venues[item.venue])}")
    contact = folder.mission.contact
    if contact:
        reach = ", ".join(p for p in (contact.email, contact.phone) if p)
        lines.append(f"Contact: {contact.name}" + (f" ({reach})" if reach else ""))
    return "\n".join(lines)


def item_location(folder: MissionFolder, item: ProgrammeItem) -> str:
    """A programme item's venue, or 'A → B' for a transfer."""
    venues = folder.mission.venues
    if item.kind == "transfer" and item.from_ and item.to:
        return f"{venues[item.from_].name} → {venues[item.to].name}"
    return venue_text(venues.get(item.venue)) if item.venue else ""
