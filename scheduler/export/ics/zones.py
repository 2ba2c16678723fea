"""The VTIMEZONEs of the calendars: each zone once per export, covering only the mission."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Timezone
from icalendar.timezone import TZP

from scheduler.export.ics.state import ItemState
from scheduler.input.model import MissionFolder


def date_range(folder: MissionFolder, items: list[ItemState]) -> tuple[date, date]:
    """Days the VTIMEZONEs must cover: the mission's, padded, and every item's."""
    first = folder.mission.start - timedelta(days=1)
    last = folder.mission.end + timedelta(days=2)
    for day in {date.fromisoformat(item.start[:10]) for item in items}:
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
