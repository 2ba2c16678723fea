"""Every calendar of the fixture mission, before and after an update, read by real consumers.

icalendar (no missing zones), the strict `ical` parser, vobject with validation,
a Radicale CalDAV server on 127.0.0.1 (PUT, then GET gives the same UIDs and
instants) and khal (import, then `khal list` shows the right local times).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.ics_support import (
    SCHEDULE_V2,
    consume_ical,
    consume_icalendar,
    consume_vobject,
    events,
    export_fixture,
    ics_files,
    khal_roundtrip,
    radicale_roundtrip,
    radicale_server,
    raw,
)

from scheduler.export.ics.check import check_calendar


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    """The fixture's calendars: a first export, and an update with a move and a cancellation."""
    first = tmp_path_factory.mktemp("first")
    export_fixture(first)
    updated = tmp_path_factory.mktemp("updated")
    export_fixture(updated, alarm=None)
    export_fixture(updated, SCHEDULE_V2, alarm=None)
    found = ics_files(first) + ics_files(updated)
    assert len(found) == 30
    return found


def test_our_own_check_passes(files):
    """No missing or duplicate UID, no end before start, valid STATUS, every zone defined."""
    for path in files:
        assert check_calendar(raw(path)) == [], path


def test_icalendar_reads_every_file(files):
    """icalendar parses every file and finds no TZID without a VTIMEZONE."""
    for path in files:
        consume_icalendar(raw(path))


def test_strict_ical_parser_reads_every_event(files):
    """The strict `ical` parser accepts every file and sees every event."""
    for path in files:
        text = raw(path)
        assert consume_ical(text) == len(events(text)), path


def test_vobject_validates_every_file(files):
    """vobject reads every file with validation and sees every event."""
    for path in files:
        text = raw(path)
        assert consume_vobject(text) == len(events(text)), path


@pytest.mark.external
def test_radicale_stores_and_returns_the_same_events(files, tmp_path):
    """A CalDAV server accepts every file; GET gives back the same UIDs and instants."""
    with radicale_server(tmp_path / "storage") as base:
        radicale_roundtrip(base, files, files[0].parents[0])


@pytest.mark.external
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Europe/Madrid"])
def test_khal_lists_the_right_local_times(files, tmp_path, zone):
    """khal imports every file and lists each event at the right local time in two zones."""
    khal_roundtrip(files, tmp_path, zone, date(2016, 10, 25), 12)
