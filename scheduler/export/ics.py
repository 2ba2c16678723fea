"""Write the .ics itineraries; keep unchanged items byte-identical across exports.

Each file is compared with what the last export wrote (OUT/.export-state.json):
an unchanged item is written exactly as before, a changed one gets a raised
SEQUENCE and a new DTSTAMP (from the schedule, never the clock), and an item that
is gone stays in the file as STATUS:CANCELLED with a raised SEQUENCE.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from icalendar.timezone import TZP

from scheduler.errors import ExportError
from scheduler.export.ics_check import check_calendar
from scheduler.export.ics_events import Audience, audiences, itinerary, sort_key
from scheduler.export.names import inside
from scheduler.export.state import ExportState, FileState, ItemState, read_state, write_state
from scheduler.model import MissionFolder
from scheduler.schedule import Schedule, write_atomic

PRODID = "-//mission-scheduler//Mission itineraries//EN"
_TZID = re.compile(r";TZID=([^;:\r\n]+)")
_UID = re.compile(r"^UID:(.*)$", re.M)


@dataclass(frozen=True)
class ItemChange:
    """What changed in one calendar since the last export."""

    file: str
    whom: str
    summary: str
    change: str  # added | moved | changed | cancelled | restored
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        moved = f" ({self.before} → {self.after})" if self.change == "moved" else ""
        return f"{self.change} {self.summary}{moved}"


@dataclass
class IcsResult:
    """The calendars written, and what changed for whom."""

    audiences: list[tuple[Audience, int]]
    paths: list[Path]
    changes: list[ItemChange]
    first: bool


def _start_text(event: Event) -> str:
    """An event's start as a person reads it, in its own zone."""
    start = event.decoded("DTSTART")
    return f"{start:%Y-%m-%d %H:%M}" if isinstance(start, datetime) else start.isoformat()


def _digest(event: Event) -> str:
    """A digest of an event's content (built without DTSTAMP and SEQUENCE)."""
    return hashlib.sha256(event.to_ical()).hexdigest()


def _stamped(event: Event, stamp: datetime, sequence: int) -> str:
    """The event's text with DTSTAMP and SEQUENCE."""
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    return event.to_ical().decode("utf-8")


def _cancelled(old: ItemState, stamp: datetime) -> ItemState:
    """A dropped item: same UID, STATUS:CANCELLED, raised SEQUENCE, no reminders."""
    event = Event.from_ical(old.text)
    event.subcomponents = [c for c in event.subcomponents if c.name != "VALARM"]
    for name in ("STATUS", "SUMMARY", "DTSTAMP", "SEQUENCE", "TRANSP"):
        event.pop(name, None)
    event.add("summary", f"Cancelled: {old.summary}")
    event.add("status", "CANCELLED")
    event.add("transp", "TRANSPARENT")
    text = _stamped(event, stamp, old.sequence + 1)
    return ItemState(old.sequence + 1, "", old.summary, old.start, old.order, True, text)


def merge_file(fresh: dict[str, Event], old: FileState | None, title: str, stamp: datetime,
               zone: str) -> tuple[FileState, list[tuple[str, ItemState]]]:
    """The file's new items against the last export, and the change of each item."""
    before = old.items if old else {}
    items: dict[str, ItemState] = {}
    changes: list[tuple[str, ItemState]] = []
    for uid, event in fresh.items():
        prev, digest = before.get(uid), _digest(event)
        summary, start = str(event["SUMMARY"]), _start_text(event)
        if prev and not prev.cancelled and prev.digest == digest:
            items[uid] = prev
            continue
        sequence = prev.sequence + 1 if prev else 0
        order = sort_key(event.decoded("DTSTART"), zone)
        items[uid] = ItemState(sequence, digest, summary, start, order, False,
                               _stamped(event, stamp, sequence))
        kind = "added" if not prev else "restored" if prev.cancelled else \
            "moved" if prev.start != start else "changed"
        changes.append((kind, items[uid]) if kind != "moved" else (f"moved:{prev.start}",
                                                                    items[uid]))
    for uid in sorted(set(before) - set(fresh)):
        prev = before[uid]
        items[uid] = prev if prev.cancelled else _cancelled(prev, stamp)
        if not prev.cancelled:
            changes.append(("cancelled", items[uid]))
    return FileState(title, items), changes


def date_range(folder: MissionFolder, files: list[FileState]) -> tuple[date, date]:
    """Days the VTIMEZONEs must cover: the mission's, padded, and every item's."""
    first = folder.mission.start - timedelta(days=1)
    last = folder.mission.end + timedelta(days=2)
    for state in files:
        for item in state.items.values():
            day = date.fromisoformat(item.start[:10])
            first, last = min(first, day - timedelta(days=1)), max(last, day + timedelta(days=2))
    return first, last


def zone_texts(tzids: set[str], first: date, last: date) -> dict[str, str]:
    """VTIMEZONE text of each zone, covering only the given days.

    This is what Calendar.add_missing_timezones(first, last) adds, made once per
    export instead of once per file (building a zone scans it minute by minute).
    """
    texts = {}
    # icalendar's default provider is process-wide (khal switches it to pytz, whose zones
    # put a fall-back DTSTART in the new offset): always build from zoneinfo.
    provider = TZP("zoneinfo")
    for tzid in sorted(tzids):
        try:
            texts[tzid] = Timezone.from_tzid(tzid, tzp=provider, first_date=first,
                                             last_date=last).to_ical().decode("utf-8")
        except ValueError:
            continue  # an unknown zone: check_calendar reports the missing VTIMEZONE
    return texts


def used_tzids(items: list[ItemState]) -> set[str]:
    """Every TZID the items' times refer to."""
    return {tzid for item in items for tzid in _TZID.findall(item.text)}


def calendar_text(title: str, items: list[ItemState], zones: dict[str, str]) -> str:
    """A whole VCALENDAR: PUBLISH, its name once, the VTIMEZONEs used, items by start.

    Items are written as they are stored, so an unchanged item keeps its bytes.
    """
    header = Calendar()
    header.add("prodid", PRODID)
    header.add("version", "2.0")
    header.add("method", "PUBLISH")
    header.calendar_name = title  # icalendar >= 7 writes NAME and X-WR-CALNAME
    head = header.to_ical().decode("utf-8").removesuffix("END:VCALENDAR\r\n")
    timezones = [zones[tzid] for tzid in sorted(used_tzids(items)) if tzid in zones]
    body = [item.text for item in sorted(items, key=lambda i: (i.order, _uid(i)))]
    return head + "".join(timezones) + "".join(body) + "END:VCALENDAR\r\n"


def _uid(item: ItemState) -> str:
    """The UID of a stored item."""
    match = _UID.search(item.text.replace("\r\n ", ""))
    return match[1] if match else ""


def _change(audience: Audience, kind: str, item: ItemState) -> ItemChange:
    """An ItemChange from merge_file's (kind, item)."""
    if kind.startswith("moved:"):
        return ItemChange(audience.name, audience.whom or audience.title, item.summary,
                          "moved", kind.split(":", 1)[1], item.start)
    return ItemChange(audience.name, audience.whom or audience.title, item.summary, kind, "",
                      item.start)


def write_ics(folder: MissionFolder, schedule: Schedule, out: Path,
              alarm_minutes: int | None = None) -> IcsResult:
    """Write every itinerary into OUT, check each file, and remember what was written."""
    old = read_state(out, folder.mission.id)
    stamp = schedule.generated.astimezone(ZoneInfo("UTC"))
    new = ExportState(folder.mission.id)
    changes: list[ItemChange] = []
    written: list[tuple[Audience, FileState]] = []
    for audience in audiences(folder):
        fresh = itinerary(folder, schedule.meetings, audience, alarm_minutes)
        state, found = merge_file(fresh, old.files.get(audience.name), audience.title, stamp,
                                  folder.mission.timezone)
        new.files[audience.name] = state
        written.append((audience, state))
        changes += [_change(audience, kind, item) for kind, item in found]
    for name in sorted(set(old.files) - set(new.files)):  # a person or company left
        title = old.files[name].title
        gone = Audience("gone", name, title, "(no longer in the mission)", frozenset(),
                        whom=f"{title} (no longer in the mission)")
        state, found = merge_file({}, old.files[name], gone.title, stamp,
                                  folder.mission.timezone)
        new.files[name] = state
        written.append((gone, state))
        changes += [_change(gone, kind, item) for kind, item in found]
    first, last = date_range(folder, list(new.files.values()))
    everything = [item for state in new.files.values() for item in state.items.values()]
    zones = zone_texts(used_tzids(everything), first, last)
    paths = [_write_checked(out, audience.name,
                            calendar_text(state.title, list(state.items.values()), zones))
             for audience, state in written]
    write_state(out, new)
    counts = [(a, sum(not i.cancelled for i in s.items.values())) for a, s in written]
    return IcsResult(counts, paths, changes, old.empty)


def _write_checked(out: Path, name: str, text: str) -> Path:
    """Check a calendar with our own rules, then write it."""
    problems = check_calendar(text)
    if problems:
        raise ExportError(f"{name}: " + "; ".join(problems[:5]))
    path = inside(out, name)
    write_atomic(path, text)  # CRLF line ends, as RFC 5545 asks
    path.chmod(0o644)  # calendars are published: readable by a web server
    return path
