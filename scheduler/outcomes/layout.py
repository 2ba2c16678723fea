"""Where things are on an attendance tab, for the writer and the reader alike.

Row 2 names the mission, the schedule's fingerprint, the session and the day, so a tab
saved on its own as CSV still says what it belongs to. Meetings start at FIRST_ROW; the
empty rows after them take walk-in meetings.
"""

from __future__ import annotations

TITLE_ROW = 1
ID_ROW = 2
HINT_ROW = 3
HEADER_ROW = 4
FIRST_ROW = 5
WALK_IN_ROWS = 12
COMPANIES_TAB = "Companies"

# Identity cells of row 2: label column, value column.
ID_CELLS = {"mission": 2, "schedule": 4, "session": 6, "date": 8}

COLUMNS = ("meeting", "time", "table", "company A", "company B", "delegates", "held",
           "no-show", "cancelled", "moved to", "follow-up", "notes")
COL = {name: number for number, name in enumerate(COLUMNS, 1)}
FILLED = ("held", "no-show", "cancelled", "moved to", "follow-up", "notes")
WIDTHS = (30, 16, 12, 28, 28, 34, 8, 10, 10, 18, 10, 30)

YES_NO = ("yes", "no")
NO_SHOW = ("A", "B", "both")
HINT = ("Fill in one row per meeting: held yes/no; if not held, who did not come (A, B or "
        "both) or cancelled yes; moved to e.g. '14:00 Table 3'; follow-up agreed yes/no. "
        "Add walk-in meetings in the empty rows at the end: time (HH:MM, local), table, "
        "company A and company B (id or name).")
