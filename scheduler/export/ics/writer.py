"""Write the .ics itineraries; keep unchanged items byte-identical across exports.

Each file is compared with what the last export wrote (OUT/.export-state.json):
an unchanged item is written exactly as before, a changed one gets a raised
SEQUENCE and a new DTSTAMP (from the schedule, never the clock), and an item that
is gone stays in the file as STATUS:CANCELLED with a raised SEQUENCE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Event

from scheduler.errors import ExportError
from scheduler.export.files import Publisher
from scheduler.export.ics.check import check_assembly, check_head, check_part, check_side
from scheduler.export.ics.events import (
    Audience,
    EventKey,
    Itineraries,
    audiences,
    cancel_reasons,
    move_texts,
    sort_key,
    start_text,
)
from scheduler.export.ics.lines import Lines, fold, serialise
from scheduler.export.ics.meetings import EventText, MeetingTexts
from scheduler.export.ics.published import PRODID, bare_digest, load_state
from scheduler.export.ics.state import (
    FORMAT,
    ExportState,
    FileState,
    ItemState,
    digest,
    remember,
    write_state,
)
from scheduler.export.ics.zones import date_range, zone_texts
from scheduler.export.links import Links, calendar_head_lines, placed, plain
from scheduler.gcpause import gc_paused
from scheduler.input.model import MissionFolder
from scheduler.schedule import Schedule

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
    how: str = ""  # how far a moved meeting went ('20 min later, same table')

    def __str__(self) -> str:
        how = f"; {self.how}" if self.how else ""
        moved = f" ({self.before} → {self.after}{how})" if self.change == "moved" else ""
        return f"{self.change} {self.summary}{moved}"


@dataclass
class IcsResult:
    """The calendars written, and what changed for whom."""

    audiences: list[tuple[Audience, int, int]]  # each calendar, its items and cancellations
    paths: list[Path]
    changes: list[ItemChange]
    first: bool
    state: ExportState  # as written: every item, and the digest of every calendar file


def _dtstart(event: Component | Lines) -> date:
    """An event's DTSTART as built: a date, or a datetime in its own zone."""
    return cast(date, event.decoded("DTSTART"))


def _stamped(event: Component | Lines, stamp: datetime, sequence: int) -> str:
    """The event's text with DTSTAMP and SEQUENCE."""
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    return serialise(event)


@dataclass
class Rendered:
    """One distinct event serialised once: its digest, and its text at any SEQUENCE.

    DTSTAMP and SEQUENCE are short content lines of their own, so the text without
    them (whose digest tells changes apart) and the text at another SEQUENCE follow
    from the text at SEQUENCE 0 by editing those lines alone.
    """

    digest: str
    summary: str
    start: str
    order: str
    text0: str

    @classmethod
    def of(cls, event: Event | Lines, stamp: datetime, zone: str) -> Rendered:
        """Serialise an event once (it gets DTSTAMP and SEQUENCE:0)."""
        summary, start = str(event["SUMMARY"]), start_text(_dtstart(event))
        order = sort_key(_dtstart(event), zone)
        text0 = _stamped(event, stamp, 0)
        return cls(bare_digest(text0), summary, start, order, text0)

    @classmethod
    def from_text(cls, done: EventText) -> Rendered:
        """An event written as text already (a meeting, see ics_meetings)."""
        return cls(digest(done.bare.encode("utf-8")), done.summary,
                   done.start, done.order, done.text0)

    def text(self, sequence: int) -> str:
        """The event's text at a SEQUENCE."""
        if sequence == 0:
            return self.text0
        return self.text0.replace("\r\nSEQUENCE:0\r\n", f"\r\nSEQUENCE:{sequence}\r\n", 1)


def _cancelled(old: ItemState, stamp: datetime, why: str = "") -> ItemState:
    """A dropped item: same UID, STATUS:CANCELLED, raised SEQUENCE, no reminders, and
    why it was cancelled at the head of its description."""
    event = Event.from_ical(old.text)
    event.subcomponents = [c for c in event.subcomponents if c.name != "VALARM"]
    description = str(event.get("DESCRIPTION", ""))
    for name in ("STATUS", "SUMMARY", "DTSTAMP", "SEQUENCE", "TRANSP", "DESCRIPTION"):
        event.pop(name, None)
    event.add("summary", f"Cancelled: {old.summary}")
    if why or description:
        event.add("description", "\n\n".join(t for t in (why and f"Cancelled: {why}",
                                                           description) if t))
    event.add("status", "CANCELLED")
    event.add("transp", "TRANSPARENT")
    text = _stamped(event, stamp, old.sequence + 1)
    return ItemState(old.sequence + 1, "", old.summary, old.start, old.order, True, text)


class Renderer:
    """Each distinct event and each cancellation serialised once for the whole export."""

    def __init__(self, built: Itineraries, stamp: datetime, zone: str):
        """Serialise lazily the events of these itineraries, stamped at `stamp`."""
        self.built, self.stamp, self.zone = built, stamp, zone
        self.meetings = MeetingTexts(built.folder, built.meetings, built.alarm, stamp, built.memo)
        self.rendered: dict[EventKey, Rendered] = {}
        self.items: dict[tuple[EventKey, int], ItemState] = {}
        # (text, sequence, summary, start, order, why) of the item dropped -> its cancellation
        self.cancelled: dict[tuple[str, int, str, str, str, str], ItemState] = {}
        self.why: dict[str, str] = {}  # UID -> why its item is cancelled (see cancel_reasons)
        # An item's text -> the text at SEQUENCE 0 it was made from (itself if none): the
        # versions of one event differ in their SEQUENCE line alone, so they check alike.
        self.sources: dict[str, str] = {}
        # A meeting's version told from one side -> its neutral version, and its own lines.
        self.sides: dict[str, tuple[str, tuple[str, ...]]] = {}

    def render(self, key: EventKey) -> Rendered:
        """The serialised event of a key."""
        if key not in self.rendered:
            if key[0] == "meeting":
                told = self.meetings.text(key[1], key[2])
                done = Rendered.from_text(told)
                if key[2] is not None and told.lines:
                    self.sides[done.text0] = (self.render(("meeting", key[1], None)).text0,
                                              told.lines)
            else:  # stamping adds DTSTAMP and SEQUENCE to the built event; its UID stays
                done = Rendered.of(self.built.event(key), self.stamp, self.zone)
            self.rendered[key] = done
        return self.rendered[key]

    def item(self, key: EventKey, sequence: int) -> ItemState:
        """A fresh item at a SEQUENCE (shared by every file that lists it)."""
        if (key, sequence) not in self.items:
            done = self.render(key)
            text = done.text(sequence)
            self.sources[text] = done.text0
            self.items[key, sequence] = ItemState(sequence, done.digest, done.summary,
                                                  done.start, done.order, False, text)
        return self.items[key, sequence]

    def keep(self, prev: ItemState, key: EventKey) -> ItemState:
        """An unchanged item as last written; known as a version of its event if it is one."""
        if prev.text not in self.sources:
            done = self.render(key)
            same = prev.text == done.text(prev.sequence)
            self.sources[prev.text] = done.text0 if same else prev.text
        return prev

    def cancel(self, old: ItemState, uid: str = "") -> ItemState:
        """A dropped item, cancelled (the same item dropped from many files is made once)."""
        why = self.why.get(uid, "")
        key = (old.text, old.sequence, old.summary, old.start, old.order, why)
        if key not in self.cancelled:
            self.cancelled[key] = _cancelled(old, self.stamp, why)
        return self.cancelled[key]


def merge_file(fresh: dict[str, EventKey], old: FileState | None, title: str,
               renderer: Renderer) -> tuple[FileState, list[tuple[str, str, ItemState]]]:
    """The file's new items against the last export, and the change of each item (with
    its UID)."""
    before = old.items if old else {}
    items: dict[str, ItemState] = {}
    changes: list[tuple[str, str, ItemState]] = []
    for uid, key in fresh.items():
        prev, done = before.get(uid), renderer.render(key)
        if prev and not prev.cancelled and prev.digest == done.digest:
            items[uid] = renderer.keep(prev, key)
            continue
        sequence = prev.sequence + 1 if prev else 0
        items[uid] = renderer.item(key, sequence)
        kind = "added" if not prev else "restored" if prev.cancelled else \
            "moved" if prev.order != done.order else "changed"
        label = f"moved:{prev.start}" if prev and kind == "moved" else kind
        changes.append((label, uid, items[uid]))
    for uid in sorted(set(before) - set(fresh)):
        prev = before[uid]
        items[uid] = prev if prev.cancelled else renderer.cancel(prev, uid)
        if not prev.cancelled:
            changes.append(("cancelled", uid, items[uid]))
    return FileState(title, items), changes


def _slow_head(title: str, memo: dict) -> str:
    """calendar_head through icalendar's own serialisation (any title)."""
    header = Lines(memo, Calendar)
    header.add("prodid", PRODID)
    header.add("version", "2.0")
    header.add("method", "PUBLISH")
    header.add("name", title)
    header.add("x-wr-calname", title)
    return serialise(header).removesuffix("END:VCALENDAR\r\n")


def calendar_head(title: str, memo: dict | None = None, url: str = "") -> str:
    """A VCALENDAR's properties: PRODID, VERSION, PUBLISH, its name once, and where it is
    published when it has a URL.

    The lines Calendar() with these properties and calendar_name = title writes
    (icalendar >= 7 writes the name as NAME and X-WR-CALNAME, verbatim and folded).
    """
    memo = {} if memo is None else memo
    published = "".join(f"{fold(line)}\r\n" for line in calendar_head_lines(url)) if url else ""
    if not title.isprintable():
        return _slow_head(title, memo) + published
    if "head" not in memo:
        memo["head"] = _slow_head("x", memo).split("NAME:", 1)[0]
    return (f"{memo['head']}{fold(f'NAME:{title}')}\r\n{fold(f'X-WR-CALNAME:{title}')}\r\n"
            + published)


Facts = tuple[str, frozenset[str], str, list[str], bytes]


class Assembler:
    """Calendar files from item texts: each text's UID, zones and check found once."""

    def __init__(self, sources: dict[str, str],
                 sides: dict[str, tuple[str, tuple[str, ...]]] | None = None):
        """An assembler without zones yet (see use_zones); the rest as in Renderer."""
        self.sources, self.sides = sources, sides or {}
        self.zones: dict[str, bytes] = {}
        self.memo: dict = {}
        self.facts: dict[str, Facts] = {}
        self.zone_problems: dict[str, list[str]] = {}

    def fact(self, text: str) -> Facts:
        """A text's UID as written, its TZIDs, its UID as read, its problems, its bytes."""
        if text not in self.facts:
            source = self.sources.get(text, text)
            if source != text:  # another SEQUENCE of a checked text: the same facts
                self.facts[text] = (*self.fact(source)[:4], text.encode("utf-8"))
                return self.facts[text]
            if text in self.sides:  # a meeting told from one side: see check_side
                neutral, lines = self.sides[text]
                known = self.fact(neutral)
                if not known[3] and check_side(lines, ("SUMMARY", "DESCRIPTION")):
                    self.facts[text] = (known[0], frozenset(_TZID.findall(text)), known[2],
                                        [], text.encode("utf-8"))
                    return self.facts[text]
            match = _UID.search(text.replace("\r\n ", ""))
            uid, problems = check_part(text)
            self.facts[text] = (match[1] if match else "", frozenset(_TZID.findall(text)),
                                uid, problems, text.encode("utf-8"))
        return self.facts[text]

    def use_zones(self, zones: dict[str, str]) -> None:
        """Assemble with these VTIMEZONE texts, each checked here once."""
        self.zones = {tzid: text.encode("utf-8") for tzid, text in zones.items()}
        self.zone_problems = {tzid: check_part(text)[1] for tzid, text in zones.items()}

    def file(self, title: str, items: list[ItemState], check: bool = True, url: str = ""
             ) -> tuple[bytes, list[str]]:
        """A file's bytes (zones, then items by start and UID) and every problem it has
        (none looked for unless asked); a published file names its URL."""
        facts = [self.fact(item.text) for item in items]
        used = set().union(*(fact[1] for fact in facts))
        present = sorted(tzid for tzid in used if tzid in self.zones)
        order = sorted(range(len(items)), key=lambda i: (items[i].order, facts[i][0]))
        head = calendar_head(title, self.memo, url)
        data = b"".join([head.encode("utf-8"), *(self.zones[tzid] for tzid in present),
                         *(facts[i][4] for i in order), b"END:VCALENDAR\r\n"])
        if not check:
            return data, []
        problems = check_head(head) + [p for tzid in present for p in self.zone_problems[tzid]]
        problems += [p for fact in facts for p in fact[3]]
        problems += check_assembly([fact[2] for fact in facts if fact[2]], used, set(present))
        return data, problems


def _change(audience: Audience, kind: str, item: ItemState, how: str = "") -> ItemChange:
    """An ItemChange from merge_file's (kind, item); `how`: how far a moved meeting went."""
    if kind.startswith("moved:"):
        return ItemChange(audience.name, audience.whom or audience.title, item.summary,
                          "moved", kind.split(":", 1)[1], item.start, how)
    return ItemChange(audience.name, audience.whom or audience.title, item.summary, kind, "",
                      item.start)


def write_ics(folder: MissionFolder, schedule: Schedule, out: Path,
              alarm_minutes: int | None = None, old: ExportState | None = None,
              links: Links | None = None) -> IcsResult:
    """Write every itinerary into OUT, check each file, and remember what was written.

    OLD is the state of the last export (read from OUT when not given). The new state is
    written before any calendar: killed in between, the next export compares with what
    was about to be published, so a SEQUENCE never goes out twice with other content.
    LINKS say where each calendar goes in OUT and is published (default: its plain name).
    """
    with gc_paused():
        if old is None:
            old = load_state(out, folder.mission.id, folder.mission.timezone)
        return _write_ics(folder, schedule, out, alarm_minutes, old, links or Links())


def _write_ics(folder: MissionFolder, schedule: Schedule, out: Path,
               alarm_minutes: int | None, old: ExportState, links: Links) -> IcsResult:
    """write_ics, with the garbage collector paused."""
    stamp = schedule.generated.astimezone(ZoneInfo("UTC"))
    built = Itineraries(folder, schedule.meetings, alarm_minutes)
    renderer = Renderer(built, stamp, folder.mission.timezone)
    renderer.why = cancel_reasons(folder, schedule, built.uids)
    new = ExportState(folder.mission.id, outputs=dict(old.outputs))
    changes: list[ItemChange] = []
    written: list[tuple[Audience, FileState]] = []
    # A calendar moved to or from a private folder is the same calendar: its items keep
    # their SEQUENCE, and the file at its old place is no longer produced.
    before = {plain(name): name for name in old.files}
    moves = move_texts(schedule, built.uids)
    for audience in placed(audiences(folder), links):
        state, found = merge_file(built.keys(audience), old.files.get(
            before.get(plain(audience.name), ""), None), audience.title, renderer)
        new.files[audience.name] = state
        written.append((audience, state))
        changes += [_change(audience, kind, item, moves.get(uid, ""))
                    for kind, uid, item in found]
    now = {plain(name) for name in new.files}
    for name in sorted(n for n in old.files if plain(n) not in now):  # someone left
        title = old.files[name].title
        gone = Audience("gone", name, title, "(no longer in the mission)", frozenset(),
                        whom=f"{title} (no longer in the mission)")
        state, found = merge_file({}, old.files[name], gone.title, renderer)
        if not state.items:  # nothing to cancel: the file is no longer produced
            continue
        new.files[name] = state
        written.append((gone, state))
        changes += [_change(gone, kind, item) for kind, _, item in found]
    distinct = list({id(item): item for state in new.files.values()
                     for item in state.items.values()}.values())
    assembler = Assembler(renderer.sources, renderer.sides)
    tzids = {tzid for text in {renderer.sources.get(i.text, i.text) for i in distinct}
             for tzid in _TZID.findall(text)}
    assembler.use_zones(zone_texts(tzids, *date_range(folder, distinct)))
    for audience, state in written:  # every file checked before anything is written
        data, problems = assembler.file(state.title, list(state.items.values()),
                                        url=links.url(audience.name))
        if problems:
            raise ExportError(f"{audience.name}: " + "; ".join(problems[:5]))
        remember(new.outputs, audience.name, digest(data))
    if not (old.format == FORMAT and new.same_as(old)):  # else it would write the same
        write_state(out, new)
    publisher = Publisher(out)
    paths = [publisher.write(audience.name,  # CRLF line ends, as RFC 5545 asks
                             assembler.file(state.title, list(state.items.values()), False,
                                            links.url(audience.name))[0])
             for audience, state in written]
    counts = [(a, sum(not i.cancelled for i in s.items.values()),
               sum(i.cancelled for i in s.items.values())) for a, s in written]
    return IcsResult(counts, paths, changes, old.empty, new)
