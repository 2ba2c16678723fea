"""Calendar items of the itineraries: who gets which calendar, and the events in it.

UIDs come from the mission id and what the item is (never its time, never random).
DTSTAMP and SEQUENCE are added later, when the item is compared with the last export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from icalendar import Alarm, Event

from scheduler.errors import ExportError
from scheduler.export.ics.lines import Lines
from scheduler.export.ics.text import (
    by_name,
    item_description,
    item_location,
    meeting_delegates,
    meeting_description,
    meeting_location,
    meeting_summary,
    session_venue,
)
from scheduler.export.names import unique_slugs
from scheduler.input.model import Company, MissionFolder, ProgrammeItem, Venue
from scheduler.meaning import item_attendees, item_span, session_zone
from scheduler.meaning.clock import stamp
from scheduler.schedule import Meeting, Schedule

UID_DOMAIN = "mission-scheduler"
AlarmT = TypeVar("AlarmT", Alarm, Lines)


@dataclass(frozen=True)
class Audience:
    """Whom one calendar file is for, and what it holds."""

    kind: str  # person | company | cluster | organiser
    name: str  # file name relative to OUT
    title: str
    send_to: str
    companies: frozenset[str]
    delegate: str | None = None  # 'company/delegate' of a person's calendar
    whom: str = ""  # short label for messages: 'Laura Puig (Genomix)', 'cluster Biocat'

    def has_meeting(self, folder: MissionFolder, meeting: Meeting) -> bool:
        """Whether this calendar lists a meeting."""
        if self.kind == "organiser":
            return True
        if self.kind == "person" and self.delegate is not None:
            company = self.delegate.split("/", 1)[0]
            return company in meeting.companies and \
                self.delegate in meeting_delegates(folder, meeting, company)
        return bool(self.companies & set(meeting.companies))

    def has_item(self, attendees: frozenset[str]) -> bool:
        """Whether this calendar lists a programme item attended by these companies."""
        return self.kind == "organiser" or bool(self.companies & attendees)

    def viewer(self, meeting: Meeting) -> str | None:
        """The company whose side a meeting is told from, or None for a neutral account."""
        mine = [c for c in meeting.companies if c in self.companies]
        return mine[0] if len(mine) == 1 and self.kind != "organiser" else None


def audiences(folder: MissionFolder) -> list[Audience]:
    """Every calendar to write: organiser, clusters, companies, people (in that order)."""
    mission = folder.mission
    contact = f"{mission.contact.name} <{mission.contact.email}>" \
        if mission.contact and mission.contact.email else "the organisers"
    out = [Audience("organiser", "organiser.ics", f"{mission.title} (all)", contact,
                    frozenset(folder.companies), whom="the organiser")]
    clusters = sorted({c.cluster for c in folder.companies.values() if c.cluster})
    for cluster, part in unique_slugs(clusters, "cluster").items():
        members = frozenset(c.id for c in folder.companies.values() if c.cluster == cluster)
        out.append(Audience("cluster", f"clusters/{part}.ics", f"{mission.title}: {cluster}",
                            f"the {cluster} cluster manager", members,
                            whom=f"cluster {cluster}"))
    # Withdrawn companies keep their files (and file names): their people need the
    # cancellations, so the index keeps their e-mail addresses.
    every = {**folder.companies, **folder.withdrawn}
    company_parts = unique_slugs(every, "company")
    for company_id in sorted(every):
        company = every[company_id]
        emails = ", ".join(d.email for d in company.delegates)
        out.append(Audience("company", f"companies/{company_parts[company_id]}.ics",
                            f"{mission.title}: {company.name}",
                            _withdrawn(company, emails or company.name),
                            frozenset({company_id}), whom=company.name))
    for company_id in sorted(every):
        company = every[company_id]
        parts = unique_slugs([d.ident for d in company.delegates], "person")
        for delegate in sorted(company.delegates, key=lambda d: d.ident):
            out.append(Audience(
                "person", f"people/{company_parts[company_id]}/{parts[delegate.ident]}.ics",
                f"{mission.title}: {delegate.name}",
                _withdrawn(company, f"{delegate.name} <{delegate.email}>"),
                frozenset({company_id}), f"{company_id}/{delegate.ident}",
                f"{delegate.name} ({company.name})"))
    return out


def _withdrawn(company: Company, send_to: str) -> str:
    """Whom to send a calendar to, saying so when the company withdrew."""
    return f"{send_to} (withdrew: the file cancels its items)" if company.withdrawn else send_to


def make_uid(mission_id: str, kind: str, item_id: str) -> str:
    """A stable UID: the mission and what the item is."""
    return f"{mission_id}.{kind}.{item_id}@{UID_DOMAIN}"


def cancel_reasons(folder: MissionFolder, schedule: Schedule, uids: list[str]
                   ) -> dict[str, str]:
    """Meeting UID -> why a calendar cancels it: the re-plan's reason for a dropped meeting
    (companies by name), or who holds a meeting still planned (left out of a person's)."""
    why = {make_uid(folder.mission.id, "meeting", c.meeting): by_name(folder, c.reason,
                                                                      c.companies)
           for c in schedule.changes if c.change == "dropped" and c.reason}
    names = {f"{c.id}/{d.id}": d.name for c in folder.companies.values() for d in c.delegates}
    for uid, meeting in zip(uids, schedule.meetings, strict=True):
        people = [names.get(key, key) for c in meeting.companies
                  for key in sorted(meeting_delegates(folder, meeting, c))]
        why[uid] = f"held by {', '.join(people)} instead"
    return why


def move_texts(schedule: Schedule, uids: list[str]) -> dict[str, str]:
    """Meeting UID -> how far re-planning moved it ('20 min later, same table')."""
    how = {c.meeting: c.move.text.removeprefix("moved ") for c in schedule.changes if c.move}
    return {uid: how[m.id] for uid, m in zip(uids, schedule.meetings, strict=True)
            if m.id in how}


def add_place(event: Event | Lines, venue: Venue | None, location: str) -> None:
    """LOCATION, and GEO plus Apple's structured location when the venue has coordinates."""
    if location:
        event.add("location", location)
    if venue is None or venue.latitude is None or venue.longitude is None:
        return
    event.add("geo", (venue.latitude, venue.longitude))
    address = ", ".join(p for p in (venue.address, venue.city) if p) or venue.name
    clean = {"X-ADDRESS": address, "X-APPLE-RADIUS": "100", "X-TITLE": venue.name}
    params = {"VALUE": "URI", **{k: v.replace('"', "'").replace("\n", " ")
                                 for k, v in clean.items()}}
    event.add("x-apple-structured-location", f"geo:{venue.latitude},{venue.longitude}",
              parameters=params)


def _add_alarm(event: Event | Lines, minutes: int | None, summary: str) -> None:
    """A display reminder `minutes` before the start."""
    if not minutes:
        return
    if isinstance(event, Lines):
        event.add_component(_filled_alarm(event.alarm(), minutes, summary))
    else:
        event.add_component(_filled_alarm(Alarm(), minutes, summary))


def _filled_alarm(alarm: AlarmT, minutes: int, summary: str) -> AlarmT:
    """A VALARM that displays the summary `minutes` before the start."""
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm


def category(text: str) -> str:
    """One category value without commas (the strict `ical` parser splits on them)."""
    return text.replace(",", " ").strip() or "Other"


def meeting_event(folder: MissionFolder, meeting: Meeting, viewer: str | None,
                  alarm: int | None, make: Callable[[], Event | Lines] = Event) -> Event | Lines:
    """A meeting as seen by a participant company (viewer) or neutrally."""
    session = folder.session(meeting.session)
    zone = session_zone(folder, session)
    summary = meeting_summary(folder, meeting, viewer)
    event = make()
    event.add("uid", make_uid(folder.mission.id, "meeting", meeting.id))
    event.add("summary", summary)
    event.add("dtstart", meeting.start.astimezone(zone))
    event.add("dtend", meeting.end.astimezone(zone))
    venue = None if session.virtual else session_venue(folder, session)
    add_place(event, venue, meeting_location(folder, meeting))
    event.add("description", meeting_description(folder, meeting, viewer))
    if meeting.video_link:
        event.add("url", meeting.video_link)
    event.add("categories", [category("Meeting")])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    _add_alarm(event, alarm, summary)
    return event


def _item_times(folder: MissionFolder, item: ProgrammeItem) -> tuple[date, date]:
    """DTSTART and DTEND of a programme item: dates, or datetimes in each end's zone."""
    if item.all_day and item.date is not None:
        return item.date, (item.until or item.date) + timedelta(days=1)
    interval = item_span(folder, item)
    if interval is None:  # the loader rejects such an item
        raise ExportError(f"programme item '{item.title}' has neither a date nor a start")
    return interval


def item_event(folder: MissionFolder, item: ProgrammeItem, alarm: int | None,
               make: Callable[[], Event | Lines] = Event) -> Event | Lines:
    """A programme item: timed in its venue's zone, or all-day."""
    start, end = _item_times(folder, item)
    event = make()
    event.add("uid", make_uid(folder.mission.id, "programme", item.ident))
    event.add("summary", item.title)
    event.add("dtstart", start)
    event.add("dtend", end)
    venue = folder.mission.venues.get(item.venue) if item.venue else None
    add_place(event, venue, item_location(folder, item))
    description = item_description(folder, item)
    if description:
        event.add("description", description)
    event.add("categories", [category(item.kind.capitalize())])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE" if item.blocks else "TRANSPARENT")
    if not item.all_day:
        _add_alarm(event, alarm, item.title)
    return event


def start_text(start: date | datetime) -> str:
    """An item's start as a person reads it, in its own zone: '2016-10-11 14:00 JST'."""
    return stamp(start) if isinstance(start, datetime) else start.isoformat()


def sort_key(start: date | datetime, mission_zone: str) -> str:
    """An instant to order items by: UTC for timed items, midnight in the mission zone else."""
    if not isinstance(start, datetime):
        start = datetime.combine(start, time(), ZoneInfo(mission_zone))
    return start.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%S")


EventKey = tuple[str, int, str | None]  # ('programme', index, None) | ('meeting', index, viewer)


def meetings_by_company(meetings: list[Meeting]) -> dict[str, list[int]]:
    """Indices of the meetings each company takes part in, in schedule order."""
    out: dict[str, list[int]] = {}
    for index, meeting in enumerate(meetings):
        for company in meeting.companies:
            out.setdefault(company, []).append(index)
    return out


def audience_meetings(folder: MissionFolder, meetings: list[Meeting],
                      by_company: dict[str, list[int]], audience: Audience) -> list[int]:
    """Indices of the meetings a calendar lists, in schedule order."""
    if audience.kind == "organiser":
        return list(range(len(meetings)))
    found = sorted({i for company in audience.companies for i in by_company.get(company, ())})
    if audience.kind != "person":
        return found
    return [i for i in found if audience.has_meeting(folder, meetings[i])]


class Itineraries:
    """Every calendar's items as keys of events built once, however many files list them."""

    def __init__(self, folder: MissionFolder, meetings: list[Meeting], alarm: int | None):
        """Index the meetings by company and each programme item's attendees once."""
        self.folder, self.meetings, self.alarm = folder, meetings, alarm
        self.by_company = meetings_by_company(meetings)
        self.attended = [(item, item_attendees(folder, item))
                         for item in folder.mission.programme]
        self.events: dict[EventKey, Event | Lines] = {}
        self.memo: dict = {}  # content lines of non-text values, shared by every event
        mission = folder.mission.id
        self.uids = [make_uid(mission, "meeting", m.id) for m in meetings]
        self.item_uids = [make_uid(mission, "programme", item.ident) for item, _ in self.attended]

    def make(self) -> Lines:
        """A new event, kept as content lines."""
        return Lines(self.memo)

    def event(self, key: EventKey) -> Event | Lines:
        """The event of a key, built on first use (callers must not mutate it)."""
        if key not in self.events:
            if key[0] == "programme":
                item = self.attended[key[1]][0]
                self.events[key] = item_event(self.folder, item, self.alarm, self.make)
            else:
                self.events[key] = meeting_event(self.folder, self.meetings[key[1]],
                                                 key[2], self.alarm, self.make)
        return self.events[key]

    def keys(self, audience: Audience) -> dict[str, EventKey]:
        """One calendar's items: UID -> event key (programme items, then meetings)."""
        out: dict[str, EventKey] = {}
        for index, (_, attendees) in enumerate(self.attended):
            if audience.has_item(attendees):
                out[self.item_uids[index]] = ("programme", index, None)
        meetings, uids = self.meetings, self.uids
        for index in audience_meetings(self.folder, meetings, self.by_company, audience):
            out[uids[index]] = ("meeting", index, audience.viewer(meetings[index]))
        return out

