"""Field types for the mission files: ids, dates, times, periods, zones, e-mails.

Each type parses the text the user wrote and fails with a message a cluster
manager understands. They also describe themselves in the JSON Schema.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, PlainValidator, WithJsonSchema

from scheduler.errors import CONTROL as _CONTROL
from scheduler.errors import shown
from scheduler.input import zones

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)
# Every line break a reader may honour: LF, CR, and Unicode's line and paragraph separators.
_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")


def _text(value: object) -> str:
    """The text of a scalar, or a clear error for lists and mappings."""
    if isinstance(value, bool | int | float):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a single value, got a {type(value).__name__}")
    return _clean(value).strip()


def _clean(text: str) -> str:
    """Text without control characters, or an error naming the first one."""
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"contains the control character U+{ord(found[0]):04X} at character "
                         f"{found.start() + 1}; remove it")
    return text


def free_text(value: object) -> object:
    """Free text (descriptions, reasons): line breaks allowed, control characters not."""
    value = _as_text(value)
    return _clean(value) if isinstance(value, str) else value


def one_line(value: object) -> object:
    """One-line text (names, roles, phones): the final newline of a YAML block scalar is
    dropped; any other line break is an error."""
    if not isinstance(value, str):
        return _as_text(value)
    text = _clean(value).rstrip("\r\n")
    if _BREAK.search(text):
        raise ValueError(f"'{shown(text)}' has a line break; write it on one line")
    if "\t" in text:
        raise ValueError(f"'{shown(text)}' has a tab; use a space")
    return text


def folded(value: object) -> object:
    """Text shown on one line (titles, addresses): line breaks and tabs become single spaces."""
    if not isinstance(value, str):
        return _as_text(value)
    return re.sub(r"\s*[\t\n\r\x85\u2028\u2029]\s*", " ", _clean(value).strip())


def check_url(value: object) -> str:
    """A web address: http or https only (no javascript:, file:, ...)."""
    text = one_line(_text(value))
    if not isinstance(text, str) or not _URL.fullmatch(text):
        raise ValueError(f"'{shown(text)}' is not a web address; write it in full, like "
                         "https://www.example.com (http and https only)")
    return text


def check_website(value: object) -> str:
    """A company's website: a web address, or nothing."""
    return "" if value is None or _text(value) == "" else check_url(value)


def check_id(value: str) -> str:
    """An id: lowercase letters, digits and dashes."""
    if not _ID.fullmatch(value):
        raise ValueError(
            f"'{shown(value)}' is not a valid id: use lowercase letters, digits and dashes, "
            "like 'genomix-bcn'"
        )
    return value


def parse_date(value: object) -> date:
    """A calendar date written YYYY-MM-DD."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = _text(value)
    if not _DATE.fullmatch(text):
        raise ValueError(f"'{shown(text)}' is not a date; write it as YYYY-MM-DD, like 2016-10-11")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"'{shown(text)}' is an impossible date ({exc})") from None


def parse_time(value: object) -> time:
    """A wall-clock time written HH:MM (24-hour)."""
    if isinstance(value, time):
        return value
    text = _text(value)
    match = _TIME.fullmatch(text)
    if not match:
        raise ValueError(f"'{shown(text)}' is not a time; write it as HH:MM, like 14:30")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"'{shown(text)}' is an impossible time")
    return time(hour, minute)


def parse_datetime(value: object) -> datetime:
    """A local date and time written 'YYYY-MM-DD HH:MM'."""
    if isinstance(value, datetime):
        return value
    text = _text(value)
    match = _DT.fullmatch(text)
    if not match:
        raise ValueError(
            f"'{shown(text)}' is not a date and time; write it as \"YYYY-MM-DD HH:MM\", "
            'like "2016-10-11 14:00"'
        )
    return datetime.combine(parse_date(match[1]), parse_time(match[2]))


def parse_window(value: object) -> tuple[time, time]:
    """A time window written 'HH:MM-HH:MM'; the end must follow the start."""
    if isinstance(value, tuple):
        return value
    text = _text(value)
    parts = [p.strip() for p in text.split("-")]
    if len(parts) != 2:
        raise ValueError(f"'{shown(text)}' is not a time window; write it as \"HH:MM-HH:MM\"")
    start, end = parse_time(parts[0]), parse_time(parts[1])
    if end <= start:
        raise ValueError(f"window '{shown(text)}' ends before it starts")
    return start, end


def parse_period(value: object) -> tuple[datetime, datetime]:
    """An unavailable period: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM-HH:MM' or 'A - B'."""
    if isinstance(value, tuple):
        return value
    text = _text(value)
    if _DATE.fullmatch(text):
        day = datetime.combine(parse_date(text), time())
        return day, day + timedelta(days=1)
    match = re.fullmatch(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$", text)
    if match:
        on = parse_date(match[1])
        start, end = parse_time(match[2]), parse_time(match[3])
        if end <= start:
            raise ValueError(f"period '{shown(text)}' ends before it starts")
        return datetime.combine(on, start), datetime.combine(on, end)
    parts = re.split(r"\s+-\s+|\s+to\s+", text)
    if len(parts) == 2:
        start_dt, end_dt = parse_datetime(parts[0]), parse_datetime(parts[1])
        if end_dt <= start_dt:
            raise ValueError(f"period '{shown(text)}' ends before it starts")
        return start_dt, end_dt
    raise ValueError(
        f"'{shown(text)}' is not a period; write \"2016-10-11\" (whole day), "
        '"2016-10-11 16:00-16:30" or "2016-10-11 16:00 - 2016-10-12 12:00"'
    )


@cache
def _loadable(name: str) -> bool:
    """Whether this computer's zone data (or the tzdata package) has a zone."""
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False


def check_timezone(value: object) -> str:
    """A region zone such as Europe/Madrid, or UTC; aliases, fixed offsets and typos are
    refused with the name to use."""
    text = _text(value)
    refused = zones.problem(text)
    if refused:
        raise ValueError(refused)
    if text in zones.table():
        if _loadable(text):
            return text
        raise ValueError(f"time zone '{text}' is missing from this computer's zone data; "
                         "install the tzdata package")
    close = difflib.get_close_matches(text, zones.accepted(), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else " (use an IANA name like Asia/Tokyo)"
    raise ValueError(f"unknown time zone '{shown(text)}'{hint}")


def check_email(value: object) -> str:
    """An e-mail address."""
    text = _text(value)
    if not _EMAIL.fullmatch(text):
        raise ValueError(f"'{shown(text)}' is not an e-mail address")
    return text


def check_country(value: object) -> str:
    """An ISO 3166-1 alpha-2 country code, kept as text (NO stays NO)."""
    text = _text(value)
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise ValueError(f"'{shown(text)}' is not a two-letter country code like ES, DE or JP")
    return text


def _as_text(value: object) -> object:
    """Numbers written where text is expected stay text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


_DATE_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "examples": ["2016-10-11"]}
_DT_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$",
    "examples": ["2016-10-11 14:00"],
}

Id = Annotated[str, BeforeValidator(_as_text), AfterValidator(check_id),
               WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
Text = Annotated[str, BeforeValidator(free_text)]
Line = Annotated[str, BeforeValidator(one_line)]
Folded = Annotated[str, BeforeValidator(folded)]
Url = Annotated[str, PlainValidator(check_url),
                WithJsonSchema({"type": "string", "pattern": "^https?://"})]
Website = Annotated[str, PlainValidator(check_website),
                    WithJsonSchema({"type": "string", "pattern": "^(https?://.*)?$"})]
Day = Annotated[date, PlainValidator(parse_date), WithJsonSchema(_DATE_SCHEMA)]
LocalDateTime = Annotated[datetime, PlainValidator(parse_datetime), WithJsonSchema(_DT_SCHEMA)]
Window = Annotated[
    tuple[time, time],
    PlainValidator(parse_window),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}$",
                    "examples": ["14:00-15:30"]}),
]
Period = Annotated[
    tuple[datetime, datetime],
    PlainValidator(parse_period),
    WithJsonSchema({"type": "string", "examples": ["2016-10-11", "2016-10-11 16:00-16:30",
                                                   "2016-10-11 16:00 - 2016-10-12 12:00"]}),
]
TimeZone = Annotated[str, PlainValidator(check_timezone),
                     WithJsonSchema({"type": "string", "examples": ["Asia/Tokyo"]})]
Email = Annotated[str, PlainValidator(check_email),
                  WithJsonSchema({"type": "string", "format": "email"})]
Country = Annotated[str, PlainValidator(check_country),
                    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$"})]


def slugify(text: str) -> str:
    """A lowercase ASCII id from free text ('Laura Puig' -> 'laura-puig')."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:63].strip("-") or "item"
