"""Our own calendar check catches what icalendar lets through."""

from __future__ import annotations

import pytest
from helpers.ics_support import export_fixture, raw
from icalendar import Calendar

from scheduler.export.ics.check import check_calendar


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> str:
    """A calendar we wrote: a person's itinerary with zones, alarms and all-day items."""
    out = tmp_path_factory.mktemp("out")
    export_fixture(out)
    return raw(out / "people" / "munich-neuro" / "jurgen-gross.ics")


def test_a_written_calendar_passes(good):
    """Our own output has no problem."""
    assert check_calendar(good) == []


BROKEN = {
    "missing UID": ("UID:fixture-japan.programme.arrival@mission-scheduler\r\n", "",
                    "missing UID"),
    "duplicate UID": ("UID:fixture-japan.programme.arrival@", "UID:fixture-japan.programme.flight@",
                      "UID used 2 times"),
    "end before start": ("DTEND;TZID=Asia/Tokyo:20161031T123000",
                         "DTEND;TZID=Asia/Tokyo:20161031T083000", "is not after DTSTART"),
    "misspelt status": ("STATUS:CONFIRMED", "STATUS:CANCELED", "STATUS CANCELED"),
    "attendee": ("SEQUENCE:0\r\n", "SEQUENCE:0\r\nATTENDEE:mailto:a@example.com\r\n", "ATTENDEE"),
    "zone without VTIMEZONE": ("TZID:Europe/Berlin\r\n", "TZID:Europe/Paris\r\n",
                               "TZID Europe/Berlin has no VTIMEZONE"),
    "comma in a category": ("CATEGORIES:Meeting", "CATEGORIES:Meeting\\, 1-on-1", "comma"),
    "malformed trigger": ("TRIGGER:-PT10M", "TRIGGER;VALUE=DATE:20161031", "TRIGGER"),
    "calendar name twice": ("METHOD:PUBLISH\r\n", "METHOD:PUBLISH\r\nX-WR-CALNAME:again\r\n",
                            "X-WR-CALNAME appears more than once"),
    "request method": ("METHOD:PUBLISH", "METHOD:REQUEST", "METHOD must be PUBLISH"),
    "mixed date and time": ("DTEND;VALUE=DATE:20161029", "DTEND:20161029T100000Z",
                            "mix a date and a date-time"),
    "bare LF line end": ("SEQUENCE:0\r\n", "SEQUENCE:0\n", "CRLF"),
    "unfolded long line": ("CATEGORIES:Meeting", "CATEGORIES:" + "M" * 80, "75 octets"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_calendar_is_caught(good, case):
    """Each defect is reported, though icalendar itself parses the file without complaint."""
    old, new, message = BROKEN[case]
    broken = good.replace(old, new, 1)
    assert broken != good, f"the fixture no longer contains {old!r}"
    Calendar.from_ical(broken)  # icalendar accepts it
    problems = check_calendar(broken)
    assert any(message in p for p in problems), problems


def test_garbage_is_reported_not_raised():
    """Text that is not a calendar gives a problem, not an exception."""
    assert check_calendar("hello")[0].startswith("does not parse")

