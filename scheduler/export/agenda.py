"""Agenda view-model: day-by-day rows for a company or a delegate, in local time.

The HTML and PDF exporters both render these rows, so they are computed once here.
Meeting times are shown in the session's zone; programme items in their venue's
zone (or the mission's). Virtual meetings also say the company's own time when
it joins from another zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from scheduler.errors import ExportError
from scheduler.model import Company, Delegate, MissionFolder, PartneringSession, ProgrammeItem
from scheduler.schedule import Meeting, Schedule


@dataclass(frozen=True)
class Partner:
    """The other side of a meeting, as the agenda shows it."""

    name: str
    country: str
    delegates: list[str]
    offers: list[str]
    seeks: list[str]
    description: str


@dataclass(frozen=True)
class Row:
    """One line of an agenda: a programme item or a meeting."""

    day: date
    start: str
    end: str
    kind: str
    title: str
    sort: tuple = ()
    place: str = ""
    address: str = ""
    table: str = ""
    video_link: str = ""
    own_time: str = ""
    partner: Partner | None = None
    attendees: list[str] = field(default_factory=list)
    reason: str = ""
    description: str = ""
    meeting_id: str = ""


@dataclass(frozen=True)
class Day:
    """One day of an agenda and its rows in time order."""

    day: date
    rows: list[Row]


@dataclass(frozen=True)
class Agenda:
    """One company's or delegate's agenda."""

    slug: str
    title: str
    company: Company
    delegate: Delegate | None
    days: list[Day]
    timezone: str

    @property
    def meetings(self) -> list[Row]:
        """The meeting rows, in order."""
        return [r for d in self.days for r in d.rows if r.partner is not None]


def check_references(folder: MissionFolder, schedule: Schedule) -> None:
    """ExportError when schedule.json names sessions or companies the mission no longer has."""
    sessions = {s.id for s in folder.mission.partnering}
    stale = sorted({m.session for m in schedule.meetings} - sessions) + sorted(
        {c for m in schedule.meetings for c in m.companies} - set(folder.companies))
    if stale:
        raise ExportError(f"schedule.json names {', '.join(map(repr, stale))}, which the "
                          "mission no longer has; run `mission schedule` again")


def session_zone(folder: MissionFolder, session: PartneringSession) -> str:
    """The IANA zone a session's wall-clock times are in."""
    if session.venue and session.venue in folder.mission.venues:
        return folder.mission.venues[session.venue].timezone
    return session.timezone or folder.mission.timezone


def local(moment: datetime, zone: str) -> datetime:
    """An aware instant as wall-clock time in `zone`."""
    return moment.astimezone(ZoneInfo(zone))


def attends_item(folder: MissionFolder, company: Company, item: ProgrammeItem) -> bool:
    """Whether a company is among a programme item's attendees."""
    for who in item.attendees:
        kind, _, name = who.partition(":")
        if who == "everyone" or who == company.id:
            return True
        if (who == "delegation" and company.side == "delegation") or (
                who == "hosts" and company.side != "delegation"):
            return True
        if kind == "cluster" and name == company.cluster:
            return True
        if kind == "group" and company.id in folder.mission.groups.get(name, []):
            return True
    return False


def company_name(folder: MissionFolder, company_id: str) -> str:
    """A company's display name (its id if unknown)."""
    company = folder.companies.get(company_id)
    return company.name if company else company_id


def delegate_names(folder: MissionFolder, meeting: Meeting, company_id: str) -> list[str]:
    """Names of a company's delegates in a meeting."""
    company = folder.companies.get(company_id)
    people = {d.id: d.name for d in company.delegates} if company else {}
    out = []
    for ref in meeting.delegates:
        owner, _, person = ref.partition("/")
        if owner == company_id:
            out.append(people.get(person, person))
    return out


def _where(folder: MissionFolder, venue_id: str | None) -> tuple[str, str]:
    """A venue's name (with city) and address."""
    venue = folder.mission.venues.get(venue_id or "")
    if not venue:
        return "", ""
    name = f"{venue.name}, {venue.city}" if venue.city else venue.name
    return name, venue.address


def _item_days(item: ProgrammeItem) -> list[date]:
    """The days an all-day item covers."""
    first = item.date or item.start.date()
    last = item.until or first
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def programme_rows(folder: MissionFolder, item: ProgrammeItem) -> list[Row]:
    """Agenda rows of one programme item (one per day for multi-day all-day items)."""
    if item.kind == "transfer":
        place = " → ".join(_where(folder, v)[0] for v in (item.from_, item.to) if v)
        address = ""
    else:
        place, address = _where(folder, item.venue)
    common = {"kind": item.kind, "title": item.title, "place": place, "address": address,
              "description": item.description}
    if item.all_day:
        return [Row(day=d, start="", end="", sort=(d, "", item.id or ""), **common)
                for d in _item_days(item)]
    end = f"{item.end:%H:%M}" if item.end else ""
    return [Row(day=item.start.date(), start=f"{item.start:%H:%M}", end=end,
                sort=(item.start.date(), f"{item.start:%H:%M}", item.id or ""), **common)]


def _partner(folder: MissionFolder, meeting: Meeting, other: str) -> Partner:
    """The partner of a meeting as shown in an agenda."""
    company = folder.companies.get(other)
    profile = company.profile if company else None
    return Partner(
        name=company_name(folder, other),
        country=company.country if company else "",
        delegates=delegate_names(folder, meeting, other),
        offers=list(profile.offers) if profile else [],
        seeks=list(profile.seeks) if profile else [],
        description=profile.description if profile else "",
    )


def _own_time(folder: MissionFolder, company: Company, meeting: Meeting, zone: str) -> str:
    """'09:00-09:30 Europe/Berlin' when a virtual meeting is joined from another zone."""
    session = folder.session(meeting.session)
    if not session.virtual or not company.timezone or company.timezone == zone:
        return ""
    start, end = local(meeting.start, company.timezone), local(meeting.end, company.timezone)
    return f"{start:%a %d %b %H:%M}-{end:%H:%M} {company.timezone}"


def meeting_row(folder: MissionFolder, meeting: Meeting, company: Company) -> Row:
    """The agenda row of a meeting, seen from `company`."""
    session = folder.session(meeting.session)
    zone = session_zone(folder, session)
    start, end = local(meeting.start, zone), local(meeting.end, zone)
    other = next((c for c in meeting.companies if c != company.id), meeting.companies[-1])
    place, address = ("Online", "") if session.virtual else _where(folder, session.venue)
    return Row(
        day=start.date(), start=f"{start:%H:%M}", end=f"{end:%H:%M}", kind="meeting",
        title=session.title, sort=(start.date(), f"{start:%H:%M}", meeting.id),
        place=place, address=address, table=meeting.table or "",
        video_link=meeting.video_link or "", own_time=_own_time(folder, company, meeting, zone),
        partner=_partner(folder, meeting, other),
        attendees=delegate_names(folder, meeting, company.id),
        reason=meeting.reason, meeting_id=meeting.id,
    )


def _involves(meeting: Meeting, company: Company, delegate: Delegate | None) -> bool:
    """Whether a meeting belongs on this company's (or delegate's) agenda."""
    if company.id not in meeting.companies:
        return False
    if delegate is None:
        return True
    mine = [r for r in meeting.delegates if r.partition("/")[0] == company.id]
    return not mine or f"{company.id}/{delegate.id}" in mine


def agenda_slug(company_id: str, delegate_id: str | None = None) -> str:
    """File name stem of an agenda: 'company', or 'company/delegate' (a folder per company,
    so no two ids can ever give the same name)."""
    return f"{company_id}/{delegate_id}" if delegate_id else company_id


def build_agenda(folder: MissionFolder, schedule: Schedule, company: Company,
                 delegate: Delegate | None = None) -> Agenda:
    """The day-by-day agenda of a company, or of one of its delegates."""
    rows = [r for item in folder.mission.programme if attends_item(folder, company, item)
            for r in programme_rows(folder, item)]
    rows += [meeting_row(folder, m, company) for m in schedule.meetings
             if _involves(m, company, delegate)]
    rows.sort(key=lambda r: r.sort)
    days = [Day(day, list(group)) for day, group in groupby(rows, key=lambda r: r.day)]
    slug = agenda_slug(company.id, delegate.id if delegate else None)
    title = f"{delegate.name} ({company.name})" if delegate else company.name
    return Agenda(slug=slug, title=title, company=company, delegate=delegate, days=days,
                  timezone=folder.mission.timezone)


def all_agendas(folder: MissionFolder, schedule: Schedule) -> list[Agenda]:
    """Every company's agenda, each followed by its delegates' (if it has several)."""
    out = []
    for company_id in sorted(folder.companies):
        company = folder.companies[company_id]
        out.append(build_agenda(folder, schedule, company))
        if len(company.delegates) > 1:
            out += [build_agenda(folder, schedule, company, d) for d in company.delegates]
    return out
