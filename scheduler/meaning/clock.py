"""How times are printed for people: every one with its zone.

Agendas, calendar descriptions, the CSV, the report, the signs and the CLI's change lists
all write times through these functions, so a time never appears without its zone and a
time in another zone always says where ("15:00–15:30 CEST in Madrid").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler import meaning
from scheduler.input.model import Company, MissionFolder, PartneringSession
from scheduler.schedule import Meeting

DASH = "–"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # never the machine's locale


def abbreviation(moment: datetime) -> str:
    """The zone abbreviation of an aware instant ('CEST', 'EDT'), else 'UTC+05:30'."""
    name = moment.tzname() or ""
    if name and name[0] not in "+-" and not name[0].isdigit():
        return name
    offset = moment.utcoffset() or timedelta()
    sign, rest = ("-", -offset) if offset < timedelta() else ("+", offset)
    hours, seconds = divmod(int(rest.total_seconds()), 3600)
    minutes = seconds // 60
    return f"UTC{sign}{hours:02d}:{minutes:02d}" if minutes else f"UTC{sign}{hours:02d}"


def place(zone: ZoneInfo) -> str:
    """The place an IANA zone is named after: 'New York' for America/New_York."""
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


def clock(moment: datetime) -> str:
    """'15:00 CEST': a wall-clock time and its zone."""
    return f"{moment:%H:%M} {abbreviation(moment)}"


def stamp(moment: datetime) -> str:
    """'2027-05-14 15:00 CEST': a date, wall-clock time and zone."""
    return f"{moment:%Y-%m-%d} {clock(moment)}"


def span(start: datetime, end: datetime) -> str:
    """'15:00–15:30 CEST', or '08:00 EDT–11:30 CDT' when the two ends' zones differ."""
    first, last = abbreviation(start), abbreviation(end)
    if first == last:
        return f"{start:%H:%M}{DASH}{end:%H:%M} {last}"
    return f"{clock(start)}{DASH}{clock(end)}"


def spans(start: datetime, end: datetime, zones: list[ZoneInfo]) -> list[str]:
    """An interval's local times in each zone, the first zone's first.

    The others say where ('15:00–15:30 CEST in Madrid') and their weekday when their date
    differs from the first zone's; a zone reading exactly like one already given is left out.
    """
    day = start.astimezone(zones[0]).date()
    out: list[str] = []
    seen: set[str] = set()
    for zone in zones:
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        text = span(local_start, local_end)
        if text in seen:
            continue
        seen.add(text)
        if out:
            weekday = f"{WEEKDAYS[local_start.weekday()]} " if local_start.date() != day else ""
            text = f"{weekday}{text} in {place(zone)}"
        out.append(text)
    return out


def reading_zone(folder: MissionFolder, session: PartneringSession,
                 company: Company | None) -> ZoneInfo:
    """The zone a company reads a meeting in: the venue's where people meet in person; for
    a virtual session the company's own `timezone`, else the session's."""
    if session.virtual and company is not None and company.timezone:
        return meaning.zone(company.timezone)
    return meaning.session_zone(folder, session)


def meeting_zones(folder: MissionFolder, meeting: Meeting,
                  viewer: Company | None) -> list[ZoneInfo]:
    """The zones a meeting's time is given in, the viewer's first (the session's for
    everyone else); a virtual meeting adds the session's and each other participant's."""
    session = folder.session(meeting.session)
    zones = [reading_zone(folder, session, viewer)]
    if session.virtual:
        zones.append(meaning.session_zone(folder, session))
        zones += [reading_zone(folder, session, folder.companies.get(c))
                  for c in meeting.companies if viewer is None or c != viewer.id]
    return zones
