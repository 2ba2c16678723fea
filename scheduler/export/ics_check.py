"""Our own check of a written calendar: what icalendar does not validate.

icalendar checks little (PRODID and VERSION); a missing or duplicate UID, an end
before the start, a `CANCELED` status or a TZID without VTIMEZONE all pass it,
and each of them breaks some calendar app.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from icalendar import Calendar

STATUSES = {"TENTATIVE", "CONFIRMED", "CANCELLED"}
REQUIRED = ("UID", "DTSTAMP", "DTSTART", "SEQUENCE", "SUMMARY")


def _unfolded(text: str) -> list[str]:
    """The content lines of a calendar, unfolded."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def check_times(uid: str, start: object, end: object) -> list[str]:
    """DTSTART and DTEND are both dates or both datetimes, and the end follows the start."""
    if end is None:
        return []
    if isinstance(start, datetime) != isinstance(end, datetime):
        return [f"{uid}: DTSTART and DTEND mix a date and a date-time"]
    if isinstance(start, datetime) and (start.tzinfo is None) != (end.tzinfo is None):
        return [f"{uid}: DTSTART and DTEND mix floating and zoned times"]
    if isinstance(start, date) and end <= start:
        return [f"{uid}: DTEND {end} is not after DTSTART {start}"]
    return []


def check_alarms(uid: str, event: object) -> list[str]:
    """Every VALARM has an ACTION and a TRIGGER that parses to a duration or a time."""
    problems = []
    for alarm in event.walk("VALARM"):
        if "ACTION" not in alarm:
            problems.append(f"{uid}: VALARM without ACTION")
        try:
            trigger = alarm.decoded("TRIGGER")
        except (KeyError, ValueError):
            trigger = None
        if not isinstance(trigger, timedelta | datetime):
            problems.append(f"{uid}: VALARM with a missing or malformed TRIGGER")
    return problems


def check_event(event: object) -> list[str]:
    """One VEVENT: required properties, status, times, no attendees, alarms."""
    uid = str(event.get("UID", "(no UID)"))
    problems = [f"{uid}: missing {name}" for name in REQUIRED if name not in event]
    if "ATTENDEE" in event:
        problems.append(f"{uid}: ATTENDEE lines leak addresses and are forbidden in PUBLISH")
    status = str(event.get("STATUS", "CONFIRMED"))
    if status not in STATUSES:
        problems.append(f"{uid}: STATUS {status} is not one of {sorted(STATUSES)}")
    if "DTSTART" in event:
        end = event.decoded("DTEND") if "DTEND" in event else None
        problems += check_times(uid, event.decoded("DTSTART"), end)
    return problems + check_alarms(uid, event)


def check_lines(text: str) -> list[str]:
    """CRLF line ends, and lines folded at 75 octets (RFC 5545 section 3.1)."""
    if "\n" in text.replace("\r\n", ""):
        return ["lines must end with CRLF"]
    for number, line in enumerate(text.split("\r\n"), 1):
        if len(line.encode("utf-8")) > 75:
            return [f"line {number} is longer than 75 octets"]
    return []


def check_calendar(text: str) -> list[str]:
    """Every problem of a calendar file that a calendar app would trip over."""
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as exc:
        return [f"does not parse: {exc}"]
    lines = _unfolded(text)
    problems = check_lines(text)
    problems += [f"missing {name}" for name in ("PRODID", "VERSION") if name not in calendar]
    if str(calendar.get("METHOD", "PUBLISH")) != "PUBLISH":
        problems.append("METHOD must be PUBLISH (or absent) for a published itinerary")
    if sum(line.startswith("X-WR-CALNAME") for line in lines) > 1:
        problems.append("X-WR-CALNAME appears more than once")
    if any(line.startswith("CATEGORIES") and "\\," in line for line in lines):
        problems.append("a category contains a comma")
    events = calendar.walk("VEVENT")
    for uid, count in Counter(str(e.get("UID")) for e in events if "UID" in e).items():
        if count > 1:
            problems.append(f"{uid}: UID used {count} times")
    for event in events:
        problems += check_event(event)
    problems += [f"TZID {tzid} has no VTIMEZONE" for tzid in sorted(calendar.get_missing_tzids())]
    return problems
