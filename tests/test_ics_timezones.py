"""The VTIMEZONEs we write give the right UTC instants, read independently of zoneinfo.

icalendar writes zones as lists of transitions (RDATE style) for the mission's
days only; Outlook has mis-read such zones before. dateutil's tzical evaluates
the VTIMEZONE text itself, so these tests check the zone definitions, not the
IANA names.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzical
from helpers.ics_support import export_fixture, ics_files, raw, vevent_blocks
from icalendar import Calendar

from scheduler.export.ics.zones import zone_texts

UTC = ZoneInfo("UTC")


def file_zones(text: str) -> dict[str, object]:
    """TZID -> tzinfo built by dateutil from the file's own VTIMEZONE text."""
    blocks = re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", text, flags=re.S)
    zones = {}
    for block in blocks:
        parsed = tzical(io.StringIO(block.replace("\r\n", "\n")))
        zones[parsed.keys()[0]] = parsed.get()
    return zones


def test_every_timed_item_has_the_right_instant_by_its_vtimezone(tmp_path):
    """Each DTSTART/DTEND, read through the file's VTIMEZONE, is the instant zoneinfo gives."""
    export_fixture(tmp_path)
    checked = 0
    for path in ics_files(tmp_path):
        text = raw(path)
        zones = file_zones(text)
        for event in Calendar.from_ical(text).walk("VEVENT"):
            for name in ("DTSTART", "DTEND"):
                value = event.decoded(name)
                if not isinstance(value, datetime):
                    continue
                tzid = event[name].params["TZID"]
                by_file = value.replace(tzinfo=zones[tzid]).astimezone(UTC)
                assert by_file == value.astimezone(UTC), f"{path.name} {event['UID']} {name}"
                checked += 1
    assert checked > 100


def test_virtual_meetings_either_side_of_the_dst_change(tmp_path):
    """09:00 in Madrid is 07:00 UTC on 28 October (CEST) and 08:00 UTC on 31 October (CET)."""
    export_fixture(tmp_path)
    text = raw(tmp_path / "organiser.ics")
    zone = file_zones(text)["Europe/Madrid"]
    blocks = vevent_blocks(text)
    before = blocks["fixture-japan.meeting.munich-neuro--shanghai-medtech@mission-scheduler"]
    after = blocks["fixture-japan.meeting.kansai-bioworks--torino-dx@mission-scheduler"]
    for block, hour in ((before, 7), (after, 8)):
        local = re.search(r"DTSTART;TZID=Europe/Madrid:(\d{8}T\d{6})", block)[1]
        start = datetime.strptime(local, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
        assert start.astimezone(UTC).hour == hour
    assert "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100" in text


def test_zones_cover_only_the_mission_days(tmp_path):
    """A zone says which days it covers: the mission's, padded, not 1970-2038."""
    export_fixture(tmp_path)
    text = raw(tmp_path / "organiser.ics")
    assert "only works from 2016-10-26 to 2016-11-04" in text
    assert "1970" not in text


@pytest.mark.parametrize("tzid", ["Europe/Madrid", "America/New_York", "Australia/Sydney",
                                  "Asia/Tokyo", "America/Sao_Paulo"])
def test_zone_over_a_whole_year_gives_the_right_offsets(tzid):
    """A zone built for all of 2016 matches zoneinfo at every hour, both DST changes included."""
    block = zone_texts({tzid}, date(2016, 1, 1), date(2017, 1, 1))[tzid]
    zone = tzical(io.StringIO(block.replace("\r\n", "\n"))).get()
    moment = datetime(2016, 1, 2, tzinfo=UTC)
    while moment < datetime(2016, 12, 31, tzinfo=UTC):
        local = moment.astimezone(ZoneInfo(tzid)).replace(tzinfo=None)
        if local.replace(tzinfo=zone).astimezone(UTC) != moment:
            # Only the repeated hour when clocks go back may read either way.
            assert local.replace(tzinfo=zone, fold=1).astimezone(UTC) == moment, local
        moment += timedelta(hours=1)



def test_output_is_the_same_whatever_icalendars_time_zone_provider(tmp_path):
    """khal switches icalendar to pytz process-wide; our calendars must not change with it."""
    import icalendar
    from helpers.ics_support import GOLDEN

    icalendar.use_pytz()
    try:
        export_fixture(tmp_path)
    finally:
        icalendar.use_zoneinfo()
    assert raw(tmp_path / "organiser.ics") == raw(GOLDEN / "v1" / "organiser.ics")
