"""meetings.csv: one row per meeting, for spreadsheets.

UTF-8 with a byte-order mark so Excel detects the encoding, CRLF line ends, and
`,` or `;` as separator (Excel in much of Europe expects `;`). Cells that a
spreadsheet would run as a formula (starting with = + - @) get a leading
apostrophe. Rows follow the meetings' order in time, then id. Date, start and end are
in the session's zone (the timezone and utc_offset columns); company_a_time and
company_b_time give the time as each company reads it, with its zone's abbreviation.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from scheduler.errors import ExportError
from scheduler.export.agenda import (
    check_references,
    company_name,
    delegate_names,
    local,
)
from scheduler.export.files import Publisher
from scheduler.export.options import ExportOptions
from scheduler.input.model import MissionFolder
from scheduler.meaning import session_zone
from scheduler.meaning.clock import reading_zone, span
from scheduler.schedule import Meeting, Schedule

MEETINGS_CSV = "meetings.csv"
COLUMNS = (
    "date", "start", "end", "timezone", "session", "table", "company_a", "company_a_name",
    "company_b", "company_b_name", "delegates_a", "delegates_b", "priority", "mutual",
    "video_link", "meeting", "utc_offset", "company_a_time", "company_b_time",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """Text a spreadsheet shows as text, never evaluates as a formula."""
    return f"'{value}" if value.startswith(_FORMULA) else value


def offset(moment: datetime) -> str:
    """An aware instant's UTC offset: 'UTC+02:00' (a bare '-04:00' would read as a formula)."""
    text = f"{moment:%z}"
    return f"UTC{text[:3]}:{text[3:5]}"


def company_time(folder: MissionFolder, meeting: Meeting, company_id: str) -> str:
    """'2027-05-14 09:00–09:30 EDT': the meeting as the company reads it (its own zone for
    a virtual meeting, else the venue's)."""
    session = folder.session(meeting.session)
    zone = reading_zone(folder, session, folder.companies.get(company_id))
    start = meeting.start.astimezone(zone)
    return f"{start:%Y-%m-%d} {span(start, meeting.end.astimezone(zone))}"


def meeting_row(folder: MissionFolder, meeting: Meeting) -> list[str]:
    """One meeting as CSV cells, in COLUMNS order: date, start and end in the session's zone
    (named, with its UTC offset), then each company's own reading of the time."""
    session = folder.session(meeting.session)
    zone = session_zone(folder, session).key
    start, end = local(meeting.start, zone), local(meeting.end, zone)
    a, b = meeting.companies
    row = [
        f"{start:%Y-%m-%d}", f"{start:%H:%M}", f"{end:%H:%M}", zone, session.title,
        meeting.table or ("online" if session.virtual else ""),
        a, company_name(folder, a), b, company_name(folder, b),
        "; ".join(delegate_names(folder, meeting, a)),
        "; ".join(delegate_names(folder, meeting, b)),
        meeting.priority, "yes" if meeting.mutual else "no", meeting.video_link or "", meeting.id,
        offset(start), company_time(folder, meeting, a), company_time(folder, meeting, b),
    ]
    return [cell(v) for v in row]


def meetings_csv(folder: MissionFolder, schedule: Schedule, separator: str = ",") -> str:
    """The whole CSV text (without the byte-order mark)."""
    if len(separator) != 1 or separator in "\"'\r\n":
        raise ExportError(f"CSV separator must be one character like , or ; (got {separator!r})")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for meeting in sorted(schedule.meetings, key=lambda m: (m.start, m.id)):
        writer.writerow(meeting_row(folder, meeting))
    return buffer.getvalue()


def write_csv(folder: MissionFolder, schedule: Schedule, out: Path,
              options: ExportOptions) -> list[Path]:
    """Write `out`/meetings.csv (UTF-8 with BOM)."""
    check_references(folder, schedule)
    text = meetings_csv(folder, schedule, options.csv_separator)
    return [Publisher(out).write(MEETINGS_CSV, text.encode("utf-8-sig"))]
