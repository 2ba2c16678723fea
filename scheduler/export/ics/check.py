"""Our own check of a written calendar: what icalendar does not validate.

icalendar checks little (PRODID and VERSION); a missing or duplicate UID, an end
before the start, a `CANCELED` status or a TZID without VTIMEZONE all pass it,
and each of them breaks some calendar app.

`check_calendar` parses a whole file. The exporter, which assembles files from
parts, runs the same checks part by part instead: each distinct event and each
VTIMEZONE once (`check_part`), each file's header (`check_head`) and what only
a whole file can get wrong (`check_assembly`: duplicate UIDs, missing zones).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Component
from icalendar.prop import vDDDTypes

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
    if (isinstance(start, datetime) and isinstance(end, datetime)
            and (start.tzinfo is None) != (end.tzinfo is None)):
        return [f"{uid}: DTSTART and DTEND mix floating and zoned times"]
    if isinstance(start, date) and isinstance(end, date) and end <= start:
        return [f"{uid}: DTEND {end} is not after DTSTART {start}"]
    return []


def check_alarms(uid: str, event: Component) -> list[str]:
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


def check_event(event: Component) -> list[str]:
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
    if text.count("\n") != text.count("\r\n"):  # a bare LF somewhere
        return ["lines must end with CRLF"]
    lines = text.split("\r\n") if text.isascii() else text.encode("utf-8").split(b"\r\n")
    if max(map(len, lines)) > 75:
        number = next(n for n, line in enumerate(lines, 1) if len(line) > 75)
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


def _has_line(lines: list[str], name: str) -> bool:
    """Whether an unfolded content line of this property is present."""
    return any(line.startswith((f"{name}:", f"{name};")) for line in lines)


_PARAM = r';[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*'
_CONTENT = re.compile(rf"([A-Za-z0-9-]+)((?:{_PARAM})*):(.*)", re.S)
_TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:]*)')
_TZID_PARAM_VALUES = re.compile(r";TZID=([^;:\r\n]+)")  # as the exporter finds them


def _unescaped(value: str) -> str:
    """A TEXT value as read (for messages)."""
    if "\\" not in value:
        return value
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


@lru_cache(maxsize=4096)  # a pure function of its text: slot times repeat across events
def _decoded(params: str, value: str) -> object:
    """A date, date-time or duration value as icalendar decodes it (None if it cannot)."""
    match = _TZID_PARAM.search(params)
    try:
        return vDDDTypes.from_ical(value, timezone=match[1].strip('"') if match else None)
    except (ValueError, TypeError):
        return None


def _components(unfolded: str) -> tuple[list[tuple[str, dict[str, tuple[str, str]]]], str]:
    """Each component's properties (name -> params, value; first wins), or a parse error."""
    found: list[tuple[str, dict[str, tuple[str, str]]]] = []
    open_: list[tuple[str, dict[str, tuple[str, str]]]] = []
    for parts in _lines(unfolded):
        if isinstance(parts, str):
            return found, f"does not parse: {parts[:60]!r}"
        name, params, value = parts[0].upper(), parts[1], parts[2]
        if name == "BEGIN":
            open_.append((value.upper(), {}))
        elif name == "END":
            if not open_ or open_[-1][0] != value.upper():
                return found, f"does not parse: END:{value} without BEGIN"
            found.append(open_.pop())
        elif not open_:
            return found, f"does not parse: {name} outside a component"
        else:
            open_[-1][1].setdefault(name, (params, value))
    return found, f"does not parse: BEGIN:{open_[-1][0]} without END" if open_ else ""


def _lines(unfolded: str) -> list[tuple[str, str, str] | str]:
    """Each content line's name, parameters and value, up to a line that is none (as is)."""
    out: list[tuple[str, str, str] | str] = []
    for line in unfolded.split("\r\n"):
        name, colon, value = line.partition(":")
        if colon and name.isascii() and name.replace("-", "").isalnum():
            out.append((name, "", value))  # no parameters: what _CONTENT finds, without it
            continue
        match = _CONTENT.fullmatch(line)
        out.append((match[1], match[2], match[3]) if match else line)
        if not match:
            break
    return out


def check_event_lines(props: dict[str, tuple[str, str]],
                      alarms: list[dict[str, tuple[str, str]]]) -> list[str]:
    """check_event's rules on a VEVENT read line by line: required, status, times, alarms."""
    uid = _unescaped(props["UID"][1]) if "UID" in props else "(no UID)"
    problems = [f"{uid}: missing {name}" for name in REQUIRED if name not in props]
    if "ATTENDEE" in props:
        problems.append(f"{uid}: ATTENDEE lines leak addresses and are forbidden in PUBLISH")
    status = _unescaped(props.get("STATUS", ("", "CONFIRMED"))[1])
    if status not in STATUSES:
        problems.append(f"{uid}: STATUS {status} is not one of {sorted(STATUSES)}")
    if "DTSTART" in props:
        end = _decoded(*props["DTEND"]) if "DTEND" in props else None
        problems += check_times(uid, _decoded(*props["DTSTART"]), end)
    for alarm in alarms:
        if "ACTION" not in alarm:
            problems.append(f"{uid}: VALARM without ACTION")
        trigger = _decoded(*alarm["TRIGGER"]) if "TRIGGER" in alarm else None
        if not isinstance(trigger, timedelta | datetime):
            problems.append(f"{uid}: VALARM with a missing or malformed TRIGGER")
    return problems


def check_part(text: str) -> tuple[str, list[str]]:
    """One VEVENT or VTIMEZONE as written: its UID and problems (no full parse)."""
    body = text.removesuffix("\r\n")
    problems = check_lines(body)
    unfolded = body.replace("\r\n ", "").replace("\r\n\t", "")
    starts = "\r\n" + unfolded  # a line starting with X is one search for CRLF X
    if "\r\nX-WR-CALNAME:" in starts or "\r\nX-WR-CALNAME;" in starts:
        problems.append("X-WR-CALNAME appears more than once")
    if "\\," in unfolded and any("\\," in line for line in _lines_of(starts, "CATEGORIES")):
        problems.append("a category contains a comma")
    components, error = _components(unfolded)
    if error:
        return "", problems + [error]
    uid = ""
    for position, (name, props) in enumerate(components):
        if name == "VEVENT":
            alarms = [p for n, p in components[:position] if n == "VALARM"]  # one event a part
            uid = _unescaped(props["UID"][1]) if "UID" in props else ""
            problems += check_event_lines(props, alarms)
    return uid, problems


def _lines_of(starts: str, prefix: str) -> list[str]:
    """The lines of CRLF + unfolded text that start with a prefix."""
    found, at = [], starts.find("\r\n" + prefix)
    while at >= 0:
        end = starts.find("\r\n", at + 2)
        found.append(starts[at + 2:end if end >= 0 else len(starts)])
        at = starts.find("\r\n" + prefix, at + 2)
    return found


def check_side(lines: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """Whether these are well-formed folded content lines of these properties, no parameters.

    A meeting's versions differ only in such lines (its SUMMARY and DESCRIPTION): when
    its neutral version passes check_part and another version's own lines pass this,
    that version passes check_part too (lines, structure, UID and times are the same).
    """
    for line, name in zip(lines, names, strict=True):
        if not line.startswith(f"{name}:") or not line.endswith("\r\n") or \
                check_lines(line.removesuffix("\r\n")):
            return False
        unfolded = line.removesuffix("\r\n").replace("\r\n ", "").replace("\r\n\t", "")
        if "\r" in unfolded or "\n" in unfolded:
            return False
    return True


def check_head(head: str) -> list[str]:
    """A file's VCALENDAR properties (before its first component), by their lines."""
    problems = check_lines(head.removesuffix("\r\n"))
    lines = _unfolded(head)
    if not lines or lines[0] != "BEGIN:VCALENDAR":
        problems.append("does not parse: no BEGIN:VCALENDAR")
    problems += [f"missing {name}" for name in ("PRODID", "VERSION") if not _has_line(lines, name)]
    methods = [line.split(":", 1)[1] for line in lines if line.startswith("METHOD:")]
    if any(method != "PUBLISH" for method in methods):
        problems.append("METHOD must be PUBLISH (or absent) for a published itinerary")
    if sum(line.startswith("X-WR-CALNAME") for line in lines) > 1:
        problems.append("X-WR-CALNAME appears more than once")
    return problems


def check_assembly(uids: list[str], tzids: set[str], zones: set[str]) -> list[str]:
    """What only a whole file can get wrong: a UID used twice, a TZID without VTIMEZONE."""
    problems = [] if len(set(uids)) == len(uids) else \
        [f"{uid}: UID used {count} times" for uid, count in Counter(uids).items() if count > 1]
    return problems + [f"TZID {tzid} has no VTIMEZONE" for tzid in sorted(tzids - zones)]


def split_calendar(text: str) -> tuple[str, list[str]]:
    """A calendar's header (its own properties) and its top-level components, as texts."""
    head: list[str] = []
    parts: list[list[str]] = []
    depth = 0
    for line in text.removesuffix("\r\n").split("\r\n"):
        if line.startswith("BEGIN:"):
            depth += 1
            if depth == 2:
                parts.append([])
        if depth >= 2:
            parts[-1].append(line)
        elif line != "END:VCALENDAR":
            head.append(line)
        if line.startswith("END:"):
            depth -= 1
    return "".join(f"{x}\r\n" for x in head), ["".join(f"{x}\r\n" for x in p) for p in parts]


def check_pieces(text: str) -> list[str]:
    """check_calendar's rules applied as the exporter applies them: part by part."""
    head, parts = split_calendar(text)
    problems = check_head(head)
    uids, used, zones = [], set(), set()
    for part in parts:
        uid, found = check_part(part)
        problems += found
        uids += [uid] if uid else []
        if part.startswith("BEGIN:VTIMEZONE"):
            zones |= {line[5:] for line in _unfolded(part) if line.startswith("TZID:")}
        else:
            used |= set(_TZID_PARAM_VALUES.findall(part))
    return problems + check_assembly(uids, used, zones)
