"""Exported calendar files as CalDAV sees them: one resource per event, compared by content.

A CalDAV calendar holds one resource per UID, each a VCALENDAR with that event and the
VTIMEZONEs it uses, and no METHOD (RFC 4791 section 4.1). Whether the server's copy of an
event is the one exported is told by its content lines, unfolded and in a fixed order, so
a server that stores the text with other line ends, folds or property order still
matches and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from scheduler.errors import ExportError
from scheduler.export.ics.check import split_calendar
from scheduler.export.links import plain

_TZID = re.compile(r";TZID=([^;:]+)")
_HEAD_KEPT = ("VERSION:", "PRODID:")


@dataclass(frozen=True)
class Resource:
    """One event as it is put on the server."""

    uid: str
    text: str  # a VCALENDAR with the event and the zones it uses
    content: tuple[str, ...]  # its VEVENT's content lines, unfolded and sorted
    sequence: int
    cancelled: bool

    @property
    def href(self) -> str:
        """Its file name in the collection (from the UID: stable, readable)."""
        return quote(self.uid, safe="@.-_") + ".ics"


@dataclass(frozen=True)
class Collection:
    """One exported calendar file as a CalDAV collection."""

    cal_id: str
    title: str
    file: str  # relative to OUT
    resources: list[Resource]


def unfolded(text: str) -> list[str]:
    """The content lines of iCalendar text, whatever its line ends, unfolded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n[ \t]", "", text).split("\n")


def events(text: str) -> dict[str, tuple[tuple[str, ...], int, bool]]:
    """UID -> (content, SEQUENCE, cancelled) of each VEVENT of iCalendar text (as stored)."""
    found: dict[str, tuple[tuple[str, ...], int, bool]] = {}
    lines: list[str] | None = None
    depth = 0
    for line in unfolded(text):
        if line == "BEGIN:VEVENT":
            lines, depth = [], 0
        if lines is not None:
            depth += line.startswith("BEGIN:") - line.startswith("END:")
            lines.append(line)
            if line == "END:VEVENT" and depth == 0:
                found.update(_event(lines))
                lines = None
    return found


def _event(lines: list[str]) -> dict[str, tuple[tuple[str, ...], int, bool]]:
    """One VEVENT's lines as events() gives them."""
    values = {line.split(":", 1)[0].split(";", 1)[0]: line.split(":", 1)[-1] for line in lines}
    if "UID" not in values:
        return {}
    sequence = int(values["SEQUENCE"]) if values.get("SEQUENCE", "").isdigit() else 0
    return {values["UID"]: (tuple(sorted(lines)), sequence,
                            values.get("STATUS") == "CANCELLED")}


def resources(text: str) -> list[Resource]:
    """Each event of an exported calendar as a resource of its own."""
    head, parts = split_calendar(text)
    kept = "".join(f"{line}\r\n" for line in head.split("\r\n")
                   if line.startswith(("BEGIN:VCALENDAR", *_HEAD_KEPT)))
    zones = {}
    for part in parts:
        if part.startswith("BEGIN:VTIMEZONE"):
            tzid = next(line[5:] for line in unfolded(part) if line.startswith("TZID:"))
            zones[tzid] = part
    out = []
    for part in parts:
        if not part.startswith("BEGIN:VEVENT"):
            continue
        used = sorted({z for line in unfolded(part) for z in _TZID.findall(line)} & set(zones))
        body = kept + "".join(zones[z] for z in used) + part + "END:VCALENDAR\r\n"
        (uid, (content, sequence, cancelled)), = events(part).items()
        out.append(Resource(uid, body, content, sequence, cancelled))
    return out


def collection(out: Path, name: str, title: str, mission: str) -> Collection:
    """The collection of one exported calendar file (name relative to OUT)."""
    try:
        text = (out / name).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot read {out / name}: {exc}") from None
    cal_id = f"{mission}-" + re.sub(r"[^a-z0-9-]+", "-", plain(name).removesuffix(".ics"))
    return Collection(cal_id, title, name, resources(text))
