"""The export's fast paths give what the slow ones give: the same bytes, checks and state.

Meetings are written straight to text (ics_meetings), a meeting told from one side is
checked by its own lines (check_side), plain calendar names skip icalendar, the state
keeps each item once (format 3, format 2 still read), and unchanged files are not
rewritten. Each shortcut is held here against the path it replaces.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.ics_support import MISSION, SCHEDULE_V2, export_fixture, raw
from icalendar import Calendar

from scheduler.export import describe_changes
from scheduler.export.files import Publisher
from scheduler.export.ics.check import _CONTENT, _lines, check_lines, check_part, check_side
from scheduler.export.ics.events import meeting_event
from scheduler.export.ics.lines import serialise
from scheduler.export.ics.meetings import MeetingTexts
from scheduler.export.ics.state import STATE_FILE, read_state, state_json
from scheduler.export.ics.writer import PRODID, Rendered, calendar_head
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

ROOT = Path(__file__).resolve().parent.parent
MISSIONS = [MISSION, *sorted(p.parent for p in (ROOT / "seeds").glob("*/mission.yaml"))]
STAMP = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def versions(folder, meetings, alarm):
    """Every meeting of a schedule, neutral and from each side: (meeting index, viewer)."""
    return [(i, viewer) for i, m in enumerate(meetings) for viewer in (None, *m.companies)]


@pytest.mark.parametrize("alarm", [None, 10])
@pytest.mark.parametrize("mission", MISSIONS, ids=lambda p: p.name)
def test_meeting_texts_are_what_icalendar_writes(mission, alarm):
    """Each version of each meeting: icalendar's bytes at SEQUENCE 0, and the same digest."""
    folder, _ = load_mission(mission)
    meetings = read_schedule(mission).meetings
    texts = MeetingTexts(folder, meetings, alarm, STAMP, {})
    for index, viewer in versions(folder, meetings, alarm):
        event = meeting_event(folder, meetings[index], viewer, alarm)
        slow = Rendered.of(event, STAMP, folder.mission.timezone)
        fast = Rendered.from_text(texts.text(index, viewer))
        assert fast == slow
        assert fast.text0 == event.to_ical().decode("utf-8")


@pytest.mark.parametrize("mission", MISSIONS, ids=lambda p: p.name)
def test_a_side_passes_its_check_when_its_lines_and_neutral_version_do(mission):
    """check_side's verdict on every meeting told from one side is check_part's."""
    folder, _ = load_mission(mission)
    meetings = read_schedule(mission).meetings
    texts = MeetingTexts(folder, meetings, None, STAMP, {})
    for index, viewer in versions(folder, meetings, None):
        side = texts.text(index, viewer)
        assert check_part(texts.text(index, None).text0)[1] == []
        assert check_side(side.lines, ("SUMMARY", "DESCRIPTION"))
        assert check_part(side.text0)[1] == []


@pytest.mark.parametrize("line", [
    "SUMMARY:ok\r\n", "SUMMARY:" + "x" * 80 + "\r\n", "SUMMARY:a\nb\r\n", "SUMMARY:a\rb\r\n",
    "SUMMARY:a\r\nDTSTART:20260101T000000Z\r\n", "SUMMARY;X=1:a\r\n", " SUMMARY:a\r\n",
    "SUMMARY:a", "SUMMARY:" + "é" * 40 + "\r\n"])
def test_check_side_accepts_only_one_folded_line(line):
    """A side's line passes only as one folded SUMMARY line without parameters."""
    good = line in ("SUMMARY:ok\r\n",)
    assert check_side((line,), ("SUMMARY",)) is good


def test_lines_are_split_as_the_content_line_grammar_splits_them():
    """The shortcut for lines without parameters agrees with _CONTENT on odd lines."""
    rng = random.Random(3)
    alphabet = "AB-é1:;=\",x \\"
    for _ in range(20000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        match = _CONTENT.fullmatch(line)
        assert _lines(line) == [(match[1], match[2], match[3]) if match else line], line


def reference_check_lines(text: str) -> list[str]:
    """check_lines as first written: split, encode each line, compare."""
    if "\n" in text.replace("\r\n", ""):
        return ["lines must end with CRLF"]
    for number, line in enumerate(text.split("\r\n"), 1):
        if len(line.encode("utf-8")) > 75:
            return [f"line {number} is longer than 75 octets"]
    return []


def test_check_lines_agrees_with_the_line_by_line_reading():
    """Bare LF, long ASCII and multi-byte lines: the same finding, the same line number."""
    rng = random.Random(4)
    for alphabet in ("ab\r\n", "ab\r\n" + "x" * 30, "aé山\r\n" + "y" * 20):
        for _ in range(3000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
            assert check_lines(text) == reference_check_lines(text), repr(text)


def test_calendar_names_are_written_as_icalendar_writes_them():
    """Real and random printable and unprintable names: the header icalendar writes
    (PRODID, VERSION, METHOD and the name, folded and escaped)."""
    rng = random.Random(5)
    alphabet = "ab \\;,:\"é–·山😀^'&<>\t\x7f"
    real = ["Mission (all)", "Misión: Laura Puig, Ñ; 名刺 \\ x" * 3, "a" * 73,
            "Osaka & Yokohama: 王芳 (投资总监)"]
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 160)))
               for _ in range(400)]
    for title in real + randoms:
        header = Calendar()
        header.add("prodid", PRODID)
        header.add("version", "2.0")
        header.add("method", "PUBLISH")
        header.calendar_name = title
        expected = header.to_ical().decode("utf-8").removesuffix("END:VCALENDAR\r\n")
        assert calendar_head(title) == expected, repr(title)


def test_state_lists_each_item_once_and_reads_back(tmp_path):
    """Format 4: valid JSON, every distinct item once, and read back to the same state."""
    export_fixture(tmp_path)
    text = (tmp_path / STATE_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["format"] == 4 and data["mission"] == "fixture-japan"
    records = list(zip(*data["items"].values(), strict=True))
    assert len(records) == len(set(records)) == len(data["items"]["text"])
    listed = sum(len(numbers) for numbers in data["files"]["items"])
    assert listed > len(records)  # items shared by several files are stored once
    assert len(data["files"]["name"]) == len(data["files"]["title"]) == len(list(
        (tmp_path).rglob("*.ics")))
    state = read_state(tmp_path, "fixture-japan")
    assert state_json(state) == text


def as_format_2(state) -> str:
    """A state written as format 2 did: every item of every file, texts named by digest."""
    import hashlib
    from dataclasses import asdict

    texts, files = {}, {}
    for name, file in state.files.items():
        items = {}
        for uid, item in file.items.items():
            fields = asdict(item)
            text_id = hashlib.sha256(fields.pop("text").encode("utf-8")).hexdigest()[:20]
            texts[text_id] = item.text
            items[uid] = {**fields, "text_id": text_id}
        files[name] = {"title": file.title, "items": items}
    data = {"format": 2, "mission": state.mission, "files": files, "texts": texts}
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_format_2_state_updates_calendars_as_format_3_does(tmp_path):
    """Over a format 2 state: the same changes, SEQUENCE numbers, files and new state."""
    three, two = tmp_path / "three", tmp_path / "two"
    export_fixture(three)
    shutil.copytree(three, two)
    (two / STATE_FILE).write_text(as_format_2(read_state(three, "fixture-japan")),
                                  encoding="utf-8")
    assert read_state(two, "fixture-japan").files == read_state(three, "fixture-japan").files
    results = [export_fixture(out, SCHEDULE_V2) for out in (three, two)]
    assert describe_changes(results[0]) == describe_changes(results[1])
    assert any("moved" in line or "cancelled" in line for line in describe_changes(results[0]))
    trees = [tree(three), tree(two)]  # format 2 listed no files: their digests differ
    assert [t.pop(STATE_FILE) != b"" for t in trees] == [True, True] and trees[0] == trees[1]
    assert read_state(two, "fixture-japan").files == read_state(three, "fixture-japan").files
    assert re.search(r"SEQUENCE:[1-9]", raw(three / "organiser.ics"))


def test_unchanged_files_are_left_alone_and_changed_ones_replaced(tmp_path):
    """Same bytes: not rewritten (mode mended); other bytes: replaced; links out refused."""
    from scheduler.errors import ExportError

    publisher = Publisher(tmp_path / "new")
    assert publisher.write("organiser.ics", b"x").read_bytes() == b"x"  # OUT made as needed
    publisher = Publisher(tmp_path)
    path = publisher.write("people/a/b.ics", b"one")
    assert path.read_bytes() == b"one" and path.stat().st_mode & 0o777 == 0o644
    os.chmod(path, 0o600)
    before = path.stat().st_ino
    publisher.write("people/a/b.ics", b"one")
    assert path.stat().st_ino == before and path.stat().st_mode & 0o777 == 0o644
    publisher.write("people/a/b.ics", b"two")
    assert path.read_bytes() == b"two" and path.stat().st_ino != before
    assert (publisher.written, publisher.kept) == (2, 1)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "people" / "escape").symlink_to(outside)
    with pytest.raises(ExportError, match="outside"):
        Publisher(tmp_path).write("people/escape/c.ics", b"x")
    assert not list(outside.iterdir())
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_serialise_still_matches_for_items_written_by_icalendar():
    """Programme items keep the Lines path: a guard that serialise is still in use there."""
    from scheduler.export.ics.events import item_event
    from scheduler.export.ics.lines import Lines

    folder, _ = load_mission(MISSION)
    for item in folder.mission.programme:
        lines = item_event(folder, item, 10, lambda: Lines({}))
        assert serialise(lines) == item_event(folder, item, 10).to_ical().decode("utf-8")


def test_an_export_changing_nothing_leaves_every_file_alone(tmp_path):
    """Re-export: no calendar and no state rewritten; a changed schedule rewrites them."""
    export_fixture(tmp_path)
    files = sorted(tmp_path.rglob("*.ics")) + [tmp_path / STATE_FILE]
    before = {p: p.stat().st_ino for p in files}
    export_fixture(tmp_path)
    assert {p: p.stat().st_ino for p in files} == before
    export_fixture(tmp_path, SCHEDULE_V2)
    assert (tmp_path / STATE_FILE).stat().st_ino != before[tmp_path / STATE_FILE]
    assert (tmp_path / "organiser.ics").stat().st_ino != before[tmp_path / "organiser.ics"]
