"""Calendars assembled from events serialised once are the calendars icalendar would write.

The exporter serialises each distinct event once, folds lines itself, edits the
SEQUENCE line for other versions, and checks each part once instead of parsing
every file. Each shortcut is held here against the slow path it replaces.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import pytest
from helpers.ics_support import export_fixture, raw
from icalendar import Calendar, Event
from icalendar.parser.string import _foldline
from test_ics_check import BROKEN

from scheduler.export import ExportOptions, describe_changes, export
from scheduler.export.ics.check import check_calendar, check_pieces
from scheduler.export.ics.lines import fold, serialise
from scheduler.export.ics.state import STATE_FILE
from scheduler.export.ics.writer import Rendered
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p.parent for p in (ROOT / "seeds").glob("*/mission.yaml"))


@pytest.fixture(scope="module")
def calendar(tmp_path_factory) -> str:
    """A person's calendar of the fixture (zones, alarms, all-day items), as test_ics_check."""
    out = tmp_path_factory.mktemp("out")
    export_fixture(out)
    return raw(out / "people" / "munich-neuro" / "jurgen-gross.ics")


def test_folding_matches_icalendar_byte_for_byte():
    """Long lines, escapes at the fold, multi-byte characters: the same pieces as icalendar."""
    rng = random.Random(5)
    for alphabet in ("ab\\^,;: x", "ab\\^é–·山😀 "):
        for _ in range(5000):
            line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
            assert fold(line) == _foldline(line), line


def test_serialised_events_match_to_ical(calendar):
    """Every event of a written calendar serialises as icalendar's to_ical does."""
    events = Calendar.from_ical(calendar).walk("VEVENT")
    assert len(events) > 5
    for event in events:
        assert serialise(event) == event.to_ical().decode("utf-8")


def test_digest_and_other_sequences_come_from_one_serialisation(calendar):
    """The digest is that of the event without DTSTAMP and SEQUENCE; SEQUENCE 3 is SEQUENCE 3."""
    from datetime import UTC, datetime

    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    for event in Calendar.from_ical(calendar).walk("VEVENT"):
        bare = Event.from_ical(event.to_ical())
        for name in ("DTSTAMP", "SEQUENCE"):
            bare.pop(name)
        digest = hashlib.sha256(bare.to_ical()).hexdigest()
        three = Event.from_ical(bare.to_ical())
        three.add("dtstamp", stamp)
        three.add("sequence", 3)
        done = Rendered.of(bare, stamp, "Asia/Tokyo")
        assert done.digest == digest
        assert done.text(3) == three.to_ical().decode("utf-8")


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_part_by_part_check_catches_what_the_full_parse_catches(calendar, case):
    """Each defect check_calendar finds in a whole file, the exporter's cheap check finds too."""
    old, new, message = BROKEN[case]
    broken = calendar.replace(old, new, 1)
    assert broken != calendar, f"the fixture no longer contains {old!r}"
    assert any(message in p for p in check_calendar(broken))
    assert any(message in p for p in check_pieces(broken)), check_pieces(broken)


def test_part_by_part_check_passes_what_we_write(calendar):
    """No false alarm on a calendar we wrote, and garbage is reported, not raised."""
    assert check_pieces(calendar) == []
    assert check_pieces("hello")[0].startswith("does not parse")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_exporting_over_committed_calendars_changes_nothing(seed, tmp_path):
    """The committed state's digests still match: no raised SEQUENCE, state and files unchanged."""
    committed = ROOT / "calendars" / seed.name
    out = tmp_path / "out"
    shutil.copytree(committed, out)
    folder, _ = load_mission(seed)
    result = export(folder, read_schedule(seed), out, ExportOptions())
    assert describe_changes(result) == ["nothing changed since the last export"]
    assert (out / STATE_FILE).read_bytes() == (committed / STATE_FILE).read_bytes()
    for path in committed.rglob("*.ics"):
        assert (out / path.relative_to(committed)).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_events_written_as_lines_are_what_icalendar_writes(seed):
    """Meetings (from each side and neutrally) and programme items: the bytes of to_ical."""
    from datetime import UTC, datetime

    from icalendar import Event

    from scheduler.export.ics.events import item_event, meeting_event
    from scheduler.export.ics.lines import Lines

    folder, _ = load_mission(seed)
    memo: dict = {}
    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    pairs = [(item_event(folder, item, 10), item_event(folder, item, 10, lambda: Lines(memo)))
             for item in folder.mission.programme]
    for meeting in read_schedule(seed).meetings[:40]:
        for viewer in (None, *meeting.companies):
            pairs.append((meeting_event(folder, meeting, viewer, 10),
                          meeting_event(folder, meeting, viewer, 10, lambda: Lines(memo))))
    assert len(pairs) > 20
    for event, lines in pairs:
        assert isinstance(event, Event) and isinstance(lines, Lines)
        assert serialise(lines) == event.to_ical().decode("utf-8")
        for each in (event, lines):
            each.add("dtstamp", stamp)
            each.add("sequence", 2)
        assert serialise(lines) == event.to_ical().decode("utf-8")
