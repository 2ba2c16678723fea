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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BeforeValidator, PlainValidator, WithJsonSchema

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def _text(value: object) -> str:
    """The text of a scalar, or a clear error for lists and mappings."""
    if isinstance(value, bool | int | float):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a single value, got a {type(value).__name__}")
    return value.strip()


def check_id(value: str) -> str:
    """An id: lowercase letters, digits and dashes."""
    if not _ID.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lowercase letters, digits and dashes, "
            "like 'genomix-bcn'"
        )
    return value


def parse_date(value: object) -> date:
    """A calendar date written YYYY-MM-DD."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = _text(value)
    if not _DATE.match(text):
        raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD, like 2016-10-11")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"'{text}' is an impossible date ({exc})") from None


def parse_time(value: object) -> time:
    """A wall-clock time written HH:MM (24-hour)."""
    if isinstance(value, time):
        return value
    text = _text(value)
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a time; write it as HH:MM, like 14:30")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}' is an impossible time")
    return time(hour, minute)


def parse_datetime(value: object) -> datetime:
    """A local date and time written 'YYYY-MM-DD HH:MM'."""
    if isinstance(value, datetime):
        return value
    text = _text(value)
    match = _DT.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a date and time; write it as \"YYYY-MM-DD HH:MM\", "
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
        raise ValueError(f"'{text}' is not a time window; write it as \"HH:MM-HH:MM\"")
    start, end = parse_time(parts[0]), parse_time(parts[1])
    if end <= start:
        raise ValueError(f"window '{text}' ends before it starts")
    return start, end


def parse_period(value: object) -> tuple[datetime, datetime]:
    """An unavailable period: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM-HH:MM' or 'A - B'."""
    if isinstance(value, tuple):
        return value
    text = _text(value)
    if _DATE.match(text):
        day = datetime.combine(parse_date(text), time())
        return day, day + timedelta(days=1)
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$", text)
    if match:
        day = parse_date(match[1])
        start, end = parse_time(match[2]), parse_time(match[3])
        if end <= start:
            raise ValueError(f"period '{text}' ends before it starts")
        return datetime.combine(day, start), datetime.combine(day, end)
    parts = re.split(r"\s+-\s+|\s+to\s+", text)
    if len(parts) == 2:
        start_dt, end_dt = parse_datetime(parts[0]), parse_datetime(parts[1])
        if end_dt <= start_dt:
            raise ValueError(f"period '{text}' ends before it starts")
        return start_dt, end_dt
    raise ValueError(
        f"'{text}' is not a period; write \"2016-10-11\" (whole day), "
        '"2016-10-11 16:00-16:30" or "2016-10-11 16:00 - 2016-10-12 12:00"'
    )


@cache
def _zones() -> frozenset[str]:
    """Every IANA zone name tzdata knows."""
    return frozenset(available_timezones())


def check_timezone(value: object) -> str:
    """An IANA time-zone name such as Europe/Madrid; suggests the closest on a typo."""
    text = _text(value)
    if text in _zones():
        try:
            ZoneInfo(text)
            return text
        except (ZoneInfoNotFoundError, ValueError):
            pass
    close = difflib.get_close_matches(text, sorted(_zones()), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else " (use an IANA name like Asia/Tokyo)"
    raise ValueError(f"unknown time zone '{text}'{hint}")


def check_email(value: object) -> str:
    """An e-mail address."""
    text = _text(value)
    if not _EMAIL.match(text):
        raise ValueError(f"'{text}' is not an e-mail address")
    return text


def check_country(value: object) -> str:
    """An ISO 3166-1 alpha-2 country code, kept as text (NO stays NO)."""
    text = _text(value)
    if not re.match(r"^[A-Z]{2}$", text):
        raise ValueError(f"'{text}' is not a two-letter country code like ES, DE or JP")
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
Text = Annotated[str, BeforeValidator(_as_text)]
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
