"""Meetings written straight to text: what each meeting shares made once, then one text per side.

A meeting is listed in up to three versions (told neutrally, and from each side); they
differ only in SUMMARY, DESCRIPTION and the reminder. Times, UID, place and the fixed
lines are made once per meeting (times and places once per slot and venue), and every
line is the line icalendar writes: text values are escaped and folded as vText does,
every other value is written by icalendar itself once and remembered (ics_lines.Lines).
meeting_event() in ics_events is the reference; tests hold these texts against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Event
from icalendar.caselessdict import canonsort_keys

from scheduler.export.ics.events import add_place, category, make_uid
from scheduler.export.ics.lines import Lines, text_line
from scheduler.export.ics.text import (
    MeetingWords,
    meeting_location,
    meeting_summary,
    meeting_words,
    session_venue,
    told,
)
from scheduler.input.model import MissionFolder
from scheduler.meaning import session_zone
from scheduler.meaning.clock import stamp
from scheduler.schedule import Meeting

UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class EventText:
    """An event at SEQUENCE 0 with its DTSTAMP, the same without those lines, and its facts."""

    summary: str
    start: str  # local wall-clock start, as people read it
    order: str  # UTC start, to sort a file's items
    text0: str
    bare: str
    lines: tuple[str, ...] = ()  # its own SUMMARY and DESCRIPTION lines, when no reminder


@dataclass
class _Shared:
    """What every version of one meeting shares: its text around SUMMARY and DESCRIPTION."""

    meeting: Meeting
    full: tuple[str, ...]  # before SUMMARY, between it and DESCRIPTION, after it
    bare: tuple[str, ...]  # the same without DTSTAMP and SEQUENCE
    words: MeetingWords
    start: str
    order: str


class MeetingTexts:
    """The text of each meeting as seen from each side, made on demand."""

    def __init__(self, folder: MissionFolder, meetings: list[Meeting], alarm: int | None,
                 stamp: datetime, memo: dict):
        """Texts of these meetings, stamped at `stamp`; `memo` keeps icalendar's lines."""
        self.folder, self.meetings, self.alarm, self.memo = folder, meetings, alarm, memo
        self.stamp = Lines(memo).line("DTSTAMP", stamp, None)
        self.fixed = {"CATEGORIES": Lines(memo).line("CATEGORIES", [category("Meeting")], None),
                      "STATUS": text_line("STATUS", "CONFIRMED"),
                      "TRANSP": text_line("TRANSP", "OPAQUE")}
        self.shared: dict[int, _Shared] = {}
        self.sessions: dict[str, tuple[ZoneInfo, dict[str, str]]] = {}
        self.times: dict[tuple[str, str, datetime], str] = {}
        self.orders: dict[tuple[str, datetime], tuple[str, str]] = {}
        self.profiles: dict[str, list[str]] = {}

    def _session(self, session_id: str) -> tuple[ZoneInfo, dict[str, str]]:
        """A session's zone, and the GEO and Apple location lines of its venue (if any)."""
        if session_id not in self.sessions:
            session = self.folder.session(session_id)
            venue = None if session.virtual else session_venue(self.folder, session)
            place = Lines(self.memo)
            add_place(place, venue, "")
            self.sessions[session_id] = (session_zone(self.folder, session),
                                         {n: "".join(v) for n, v in place.lines.items()})
        return self.sessions[session_id]

    def _time(self, name: str, zone: ZoneInfo, when: datetime) -> str:
        """DTSTART or DTEND of an instant in a zone, as icalendar writes it (made once)."""
        key = (name, zone.key, when)
        if key not in self.times:
            self.times[key] = Lines(self.memo).line(name, when.astimezone(zone), None)
        return self.times[key]

    def _when(self, zone: ZoneInfo, start: datetime) -> tuple[str, str]:
        """The start as people read it (local) and as items are ordered (UTC)."""
        key = (zone.key, start)
        if key not in self.orders:
            self.orders[key] = (stamp(start.astimezone(zone)),
                                start.astimezone(UTC).strftime("%Y%m%dT%H%M%S"))
        return self.orders[key]

    def _shared(self, index: int) -> _Shared:
        """The lines and words every version of a meeting shares (made once)."""
        if index not in self.shared:
            meeting = self.meetings[index]
            zone, place = self._session(meeting.session)
            lines = {"UID": text_line("UID", make_uid(self.folder.mission.id, "meeting",
                                                      meeting.id)),
                     "DTSTART": self._time("DTSTART", zone, meeting.start),
                     "DTEND": self._time("DTEND", zone, meeting.end)}
            location = meeting_location(self.folder, meeting)
            if location:
                lines["LOCATION"] = text_line("LOCATION", location)
            lines.update(place)
            if meeting.video_link:
                lines["URL"] = Lines(self.memo).line("URL", meeting.video_link, None)
            lines.update(self.fixed)
            words = meeting_words(self.folder, meeting, self.profiles)
            full, bare = self._around(lines)
            self.shared[index] = _Shared(meeting, full, bare, words,
                                         *self._when(zone, meeting.start))
        return self.shared[index]

    def _around(self, lines: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The shared lines in icalendar's order, cut where SUMMARY and DESCRIPTION go."""
        order = canonsort_keys([*lines, "SUMMARY", "DESCRIPTION", "DTSTAMP", "SEQUENCE"],
                               Event.canonical_order)
        lines = {**lines, "DTSTAMP": self.stamp, "SEQUENCE": "SEQUENCE:0\r\n"}
        cuts = []
        for skip in ((), ("DTSTAMP", "SEQUENCE")):
            text = "BEGIN:VEVENT\r\n" + "".join(
                "\0" if name in ("SUMMARY", "DESCRIPTION") else lines[name]
                for name in order if name not in skip)
            cuts.append(tuple(text.split("\0")))
        return cuts[0], cuts[1]

    def _alarm(self, summary: str) -> str:
        """The VALARM of a version: a display reminder with its summary."""
        if not self.alarm:
            return ""
        alarm = Lines(self.memo, Alarm)
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(minutes=-self.alarm))
        return alarm.text()

    def text(self, index: int, viewer: str | None) -> EventText:
        """One version of a meeting: neutral (viewer None) or as a participant sees it."""
        shared = self._shared(index)
        summary = meeting_summary(self.folder, shared.meeting, viewer)
        said = text_line("SUMMARY", summary)
        told_ = text_line("DESCRIPTION", told(shared.words, shared.meeting, viewer))
        end = self._alarm(summary) + "END:VEVENT\r\n"
        full, bare = shared.full, shared.bare
        return EventText(summary, shared.start, shared.order,
                         f"{full[0]}{said}{full[1]}{told_}{full[2]}{end}",
                         f"{bare[0]}{said}{bare[1]}{told_}{bare[2]}{end}",
                         () if self.alarm else (said, told_))
