"""Agenda view-model: day-by-day rows for a company or a delegate, in local time.

The HTML and PDF exporters both render these rows, so they are computed once here.
Every time carries its zone. What happens in person is shown in the local time of its
venue, where the reader will be; a virtual meeting in the reader's own zone (the
company's `timezone`, else the session's), followed by the session's and the partner's
local times where they differ. A row's day is its date in the zone it is shown in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import TypedDict
from zoneinfo import ZoneInfo

from scheduler import meaning
from scheduler.errors import ExportError
from scheduler.export.links import Links, Subscribe, agenda_calendars
from scheduler.input.model import Company, Delegate, MissionFolder, ProgrammeItem
from scheduler.meaning import attends_item
from scheduler.meaning.clock import meeting_zones, span, spans
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


RowOrder = tuple[date, str, str]  # day, local start 'HH:MM' ('' all day), item or meeting id


class _ItemText(TypedDict):
    """What every agenda row of one programme item shares."""

    kind: str
    title: str
    place: str
    address: str
    description: str


@dataclass(frozen=True)
class Row:
    """One line of an agenda: a programme item or a meeting."""

    day: date
    start: str
    end: str
    kind: str
    title: str
    sort: RowOrder | tuple[()] = ()
    when: str = ""  # the time as shown, with its zone: '09:00–09:30 EDT' ('' all day)
    also: tuple[str, ...] = ()  # the same time elsewhere: '15:00–15:30 CEST in Madrid'
    place: str = ""
    address: str = ""
    table: str = ""
    video_link: str = ""
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
    timezone: str  # the company's own zone, in which it reads virtual meetings ('' if none)
    stem: str = ""  # its file name in OUT without the extension ('' for agendas/<slug>)
    subscribe: Subscribe | None = None  # its calendar's subscription link, when published

    def file(self, extension: str) -> str:
        """Its file name in OUT: agendas/<slug>.<extension>, or under its private folder."""
        return f"{self.stem or 'agendas/' + self.slug}.{extension}"

    @property
    def meetings(self) -> list[Row]:
        """The meeting rows, in order."""
        return [r for d in self.days for r in d.rows if r.partner is not None]

    @property
    def online(self) -> bool:
        """Whether any of its meetings is virtual."""
        return any(r.place == "Online" for r in self.meetings)


def check_references(folder: MissionFolder, schedule: Schedule) -> None:
    """ExportError when schedule.json names sessions or companies the mission no longer has."""
    sessions = {s.id for s in folder.mission.partnering}
    stale = sorted({m.session for m in schedule.meetings} - sessions) + sorted(
        {c for m in schedule.meetings for c in m.companies} - set(folder.companies))
    if stale:
        raise ExportError(f"schedule.json names {', '.join(map(repr, stale))}, which the "
                          "mission no longer has; run `mission schedule` again")


def local(moment: datetime, zone: str) -> datetime:
    """An aware instant as wall-clock time in `zone`."""
    return moment.astimezone(ZoneInfo(zone))


def company_name(folder: MissionFolder, company_id: str) -> str:
    """A company's display name, also of one that withdrew (its id if unknown)."""
    company = folder.companies.get(company_id) or folder.withdrawn.get(company_id)
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
    if item.date is None:
        return []  # the loader rejects an item with neither a date nor a start
    first = item.date
    last = item.until or first
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def programme_rows(folder: MissionFolder, item: ProgrammeItem) -> list[Row]:
    """Agenda rows of one programme item (one per day for multi-day all-day items)."""
    if item.kind == "transfer":
        place = " → ".join(_where(folder, v)[0] for v in (item.from_, item.to) if v)
        address = ""
    else:
        place, address = _where(folder, item.venue)
    common: _ItemText = {"kind": item.kind, "title": item.title, "place": place,
                         "address": address, "description": item.description}
    if item.all_day:
        return [Row(day=d, start="", end="", sort=(d, "", item.id or ""), **common)
                for d in _item_days(item)]
    interval = meaning.item_span(folder, item)
    if interval is None:
        return []
    start, end = interval
    return [Row(day=start.date(), start=f"{start:%H:%M}", end=f"{end:%H:%M}",
                when=span(start, end), sort=_sort(start, item.id or ""), **common)]


def _sort(start: datetime, key: str) -> RowOrder:
    """Rows' order: day as shown, then the instant (rows of one day may be in two zones)."""
    return start.date(), start.astimezone(UTC).isoformat(), key


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


def meeting_row(folder: MissionFolder, meeting: Meeting, company: Company) -> Row:
    """The agenda row of a meeting, seen from `company`, in the zone it reads it in."""
    session = folder.session(meeting.session)
    zones = meeting_zones(folder, meeting, company)
    start, end = meeting.start.astimezone(zones[0]), meeting.end.astimezone(zones[0])
    shown, *elsewhere = spans(meeting.start, meeting.end, zones)
    other = next((c for c in meeting.companies if c != company.id), meeting.companies[-1])
    place, address = ("Online", "") if session.virtual else _where(folder, session.venue)
    return Row(
        day=start.date(), start=f"{start:%H:%M}", end=f"{end:%H:%M}", kind="meeting",
        title=session.title, sort=_sort(start, meeting.id), when=shown,
        also=tuple(elsewhere), place=place, address=address, table=meeting.table or "",
        video_link=meeting.video_link or "", partner=_partner(folder, meeting, other),
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
                  timezone=company.timezone or "")


def all_agendas(folder: MissionFolder, schedule: Schedule, links: Links | None = None
                ) -> list[Agenda]:
    """Every company's agenda, each followed by its delegates' (if it has several); with
    links, each in its calendar's private folder and with its subscription link."""
    out = []
    for company_id in sorted(folder.companies):
        company = folder.companies[company_id]
        out.append(build_agenda(folder, schedule, company))
        if len(company.delegates) > 1:
            out += [build_agenda(folder, schedule, company, d) for d in company.delegates]
    if links is None or not (links.secret or links.base_url):
        return out
    calendars = agenda_calendars(folder)
    return [_linked(a, calendars[a.company.id, a.delegate.ident if a.delegate else None], links)
            for a in out]


def _linked(agenda: Agenda, calendar: str, links: Links) -> Agenda:
    """An agenda placed beside its calendar (the one of `calendar`), with its link."""
    url = links.url(links.place(calendar, calendar))
    return replace(agenda, stem=links.place(calendar, f"agendas/{agenda.slug}"),
                   subscribe=Subscribe(url) if url else None)
