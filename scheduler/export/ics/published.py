"""What the calendar files in OUT say was published: a second record beside the state.

Subscribers hold whatever the published .ics files said, so these files, not the
state, are the truth about which SEQUENCE went out with which content. When the state
is missing or unreadable it is rebuilt from them; when both exist, each item keeps
the higher SEQUENCE of the two.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from icalendar import Event

from scheduler.errors import ExportError
from scheduler.export.ics.events import sort_key, start_text
from scheduler.export.ics.state import (
    STATE_FILE,
    DamagedState,
    ExportState,
    FileState,
    ItemState,
    digest,
    read_state,
)

PRODID = "-//mission-scheduler//Mission itineraries//EN"
_EVENT = re.compile(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", re.S)
_SEQUENCE = re.compile(r"\r\nSEQUENCE:(\d+)\r\n")
_UID = re.compile(r"\r\nUID:([^\r]*(?:\r\n [^\r]*)*)\r\n")
_CANCELLED = "Cancelled: "


def bare_digest(text: str) -> str:
    """The digest of an item's text without its DTSTAMP and SEQUENCE lines (as ics.py makes it)."""
    for name in ("DTSTAMP", "SEQUENCE"):
        text = re.sub(rf"\r\n{name}:[^\r]*\r\n", "\r\n", text, count=1)
    return digest(text.encode("utf-8"))


def calendar_files(out: Path) -> list[str]:
    """Every .ics file below OUT written by this tool, relative to OUT, in a fixed order."""
    found = []
    for root, dirs, files in os.walk(out):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".ics") and not name.startswith("."):
                path = os.path.join(root, name)
                if _regular(path) and _ours(path):  # a link is not a file the tool wrote
                    found.append(Path(path).relative_to(out).as_posix())
    return found


def _regular(path: str) -> bool:
    """Whether a path is a regular file itself (not a link to one)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _ours(path: str) -> bool:
    """Whether a calendar file names this tool as its producer."""
    try:
        with open(path, "rb") as handle:
            return f"PRODID:{PRODID}".encode() in handle.read(400)
    except OSError:
        return False


def _title(text: str) -> str:
    """The calendar's name (X-WR-CALNAME), unfolded."""
    match = re.search(r"\r\nX-WR-CALNAME:(.*?)\r\n(?! )", text.replace("\r\n ", ""), re.S)
    return match[1] if match else ""


class Reader:
    """Items read back from published files; each distinct VEVENT text parsed once."""

    def __init__(self, zone: str):
        """Order untimed items by midnight in the mission's zone, as ics.py does."""
        self.zone = zone
        self.items: dict[str, ItemState] = {}

    def item(self, text: str) -> ItemState | None:
        """The state of one VEVENT text as published; None when it cannot be read."""
        if text not in self.items:
            try:
                event = Event.from_ical(text)
                start = event.decoded("DTSTART")
            except (ValueError, KeyError, IndexError):
                return None
            shown = start_text(start)
            cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
            summary = str(event.get("SUMMARY", ""))
            if cancelled:
                summary = summary.removeprefix(_CANCELLED)
            sequence = _SEQUENCE.search(text)
            self.items[text] = ItemState(int(sequence[1]) if sequence else 0,
                                         "" if cancelled else bare_digest(text), summary, shown,
                                         sort_key(start, self.zone), cancelled, text)
        return self.items[text]

    def file(self, path: Path) -> FileState | None:
        """A published calendar file as a FileState; None when it cannot be read."""
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        items: dict[str, ItemState] = {}
        for match in _EVENT.finditer(text):
            uid = _UID.search(match[0])
            item = self.item(match[0])
            if uid and item:
                items[uid[1].replace("\r\n ", "")] = item
        return FileState(_title(text), items)


def load_state(out: Path, mission: str, zone: str) -> ExportState:
    """The state of the last export into OUT, checked against the published calendars.

    Missing or unreadable: rebuilt from the calendar files (its note says so). Readable:
    each item takes the published version when that one has the higher SEQUENCE.
    """
    try:
        state = read_state(out, mission)
    except DamagedState as exc:
        return rebuild(out, mission, zone, f"{exc}", damaged=True)
    if state.format == 0:
        return rebuild(out, mission, zone, f"{out / STATE_FILE} is missing", damaged=False)
    taken = raise_to_published(state, out, zone)
    if taken:
        state.note = (f"{taken} calendar item(s) in {out} were published with a higher "
                      f"SEQUENCE than {STATE_FILE} says; the higher one is kept")
    return state


def rebuild(out: Path, mission: str, zone: str, why: str, damaged: bool) -> ExportState:
    """The state as the published calendar files in OUT tell it (empty when there are none)."""
    reader, files = Reader(zone), {}
    for name in calendar_files(out):
        state = reader.file(out / name)
        if state is None:
            continue
        foreign = next((uid for uid in state.items if not uid.startswith(f"{mission}.")), None)
        if foreign is not None:
            raise ExportError(f"{out / name} holds calendar items of another mission "
                              f"({foreign}), not '{mission}'; choose another folder with -o")
        files[name] = state
    note = f"{why}; rebuilt it from the {len(files)} calendar file(s) published there" \
        if files else f"{why}; no calendar was published there: starting afresh" \
        if damaged else ""
    return ExportState(mission, files, format=0, note=note)


def raise_to_published(state: ExportState, out: Path, zone: str) -> int:
    """Take, for each item of each file, the published version when its SEQUENCE is higher.

    Returns how many items were taken from the files. A file whose bytes the state
    records as written is skipped; others are scanned for UID and SEQUENCE alone, and only
    items found higher are parsed.
    """
    reader, taken = Reader(zone), 0
    for name in calendar_files(out):
        try:
            data = (out / name).read_bytes()
            if digest(data) in state.outputs.get(name, ()):
                continue
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        known = state.files.get(name)
        for match in _EVENT.finditer(text):
            uid, sequence = _UID.search(match[0]), _SEQUENCE.search(match[0])
            if not uid or not sequence:
                continue
            uid_text = uid[1].replace("\r\n ", "")
            before = known.items.get(uid_text) if known else None
            if before is not None and before.sequence >= int(sequence[1]):
                continue
            item = reader.item(match[0])
            if item is None:
                continue
            if known is None:
                known = state.files[name] = FileState(_title(text))
            known.items[uid_text] = item
            taken += 1
    return taken
