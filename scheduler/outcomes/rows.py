"""Reading one filled attendance tab: its identity row, each meeting's outcome, walk-ins.

Every problem is located at its cell; a tab whose identity row names another mission or
another schedule is refused whole, since its rows cannot be trusted to mean these meetings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from scheduler import meaning
from scheduler.errors import Problem
from scheduler.input.model import PartneringSession
from scheduler.meaning.clock import abbreviation
from scheduler.outcomes import layout as L
from scheduler.outcomes.common import NO, YES, Mission, all_tables
from scheduler.outcomes.model import MeetingOutcome, Moved, WalkIn
from scheduler.outcomes.sheetread import Cell, Sheet
from scheduler.schedule import Meeting

CLOCK = re.compile(r"^(\d{1,2})[:.h](\d{2})\b\s*(.*)$")


@dataclass
class Found:
    """What the filled sheets say, with the cell each thing was read from."""

    meetings: dict[str, tuple[MeetingOutcome, Cell]] = field(default_factory=dict)
    walk_ins: list[tuple[WalkIn, Cell]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    moved: dict[str, Cell] = field(default_factory=dict)  # the `moved to` cell by meeting
    days: set[tuple[str, date]] = field(default_factory=set)  # session-days of tabs read


@dataclass
class Tab:
    """One attendance tab being read, with the session-day its identity row names."""

    mission: Mission
    sheet: Sheet
    session: PartneringSession
    day: date
    found: Found

    @property
    def zone(self) -> ZoneInfo:
        """The session's zone: the times on the sheet are its wall-clock times."""
        return meaning.session_zone(self.mission.folder, self.session)

    def error(self, cell: Cell, message: str) -> None:
        """Record a problem at a cell."""
        self.found.problems.append(cell.problem(message))


def yes_no(tab: Tab, cell: Cell) -> bool | None:
    """A yes/no cell: True, False, or None when empty (a problem when it is neither)."""
    text = cell.text.casefold()
    if not text:
        return None
    if text in YES or text in NO:
        return text in YES
    tab.error(cell, f"{cell.text!r}: write yes or no")
    return None


def wall_time(tab: Tab, cell: Cell) -> tuple[datetime | None, str]:
    """A 'HH:MM' at the start of a cell, on the tab's day in the session's zone, and the
    rest of the cell's text."""
    match = CLOCK.match(cell.text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None, cell.text
    moment = datetime.combine(tab.day, time(int(match[1]), int(match[2])), tab.zone)
    rest = match[3]
    # the zone as the sheet prints it ('14:00 JST Table 3'), not a table named 'G2B room B'
    if rest.split(" ", 1)[0].casefold() == abbreviation(moment).casefold():
        rest = rest.split(" ", 1)[1] if " " in rest else ""
    return moment, rest.strip()


def table_of(tab: Tab, cell: Cell, text: str) -> str | None:
    """A table of the tab's session by name (case as written in mission.yaml)."""
    tables = all_tables(tab.session)
    by_fold = {name.casefold(): name for name in tables}
    if text.casefold() in by_fold:
        return by_fold[text.casefold()]
    # a host writes 'Table 2' for the only booth with a 'Booth / Table 2'
    short = [name for name in tables if name.casefold().endswith(f" / {text.casefold()}")]
    if len(short) == 1:
        return short[0]
    if tables:
        tab.error(cell, f"no table {text!r} in {tab.session.id} (tables: "
                  f"{', '.join(tables[:6])}{', ...' if len(tables) > 6 else ''})")
        return None
    return text


def company_of(tab: Tab, cell: Cell) -> str | None:
    """A company of the mission by id or by name."""
    companies = tab.mission.folder.companies
    if cell.text in companies:
        return cell.text
    by_name = {c.name.casefold(): c.id for c in companies.values()}
    found = by_name.get(cell.text.casefold())
    if found is None:
        tab.error(cell, f"no company {cell.text!r} in this mission (an id or a name of the "
                  f"{L.COMPANIES_TAB} tab)")
    return found


def absent_of(tab: Tab, cell: Cell, meeting: Meeting) -> list[str]:
    """Who did not come: A, B, both, or a company of the meeting by id or name."""
    text = cell.text.casefold()
    first, second = meeting.companies
    picked = {"a": [first], "b": [second], "both": [first, second]}.get(text)
    if picked is None and text:
        names = {c: tab.mission.folder.companies[c].name.casefold()
                 for c in meeting.companies if c in tab.mission.folder.companies}
        picked = [c for c in meeting.companies if text in (c, names.get(c))] or None
        if picked is None:
            tab.error(cell, f"{cell.text!r}: write A, B or both (who did not come)")
    return picked or []


def moved(tab: Tab, cell: Cell) -> Moved | None:
    """'14:00 Table 3', '14:00' or 'Table 3': where the meeting was held instead."""
    if not cell.text:
        return None
    start, rest = wall_time(tab, cell)
    table = table_of(tab, cell, rest) if rest else None
    if start is None and not rest:
        tab.error(cell, f"{cell.text!r}: write the new time and/or table, e.g. '14:00 Table 3'")
    return Moved(start=start, table=table) if start or table else None


def status_of(tab: Tab, cells: dict[str, Cell], held: bool | None, cancelled: bool | None,
              absent: list[str]) -> str | None:
    """held, no-show or cancelled, from the three cells that tell; None on a contradiction."""
    if cancelled and (held or absent):
        tab.error(cells["cancelled"], "cancelled, yet held or a no-show: keep one of them")
    elif cancelled:
        return "cancelled"
    elif absent and held:
        tab.error(cells["no-show"], "held, yet someone did not come: clear one of the two")
    elif absent:
        return "no-show"
    elif held:
        return "held"
    elif held is False:
        tab.error(cells["held"], "not held: say who did not come (no-show: A, B or both) "
                  "or that it was cancelled")
    elif not cells["held"].text:  # a held cell that is neither yes nor no is reported already
        tab.error(cells["held"], "held is empty: write yes or no")
    return None


def planned_row(tab: Tab, cells: dict[str, Cell]) -> None:
    """The outcome of one planned meeting, if its row is filled."""
    meeting = tab.mission.meetings.get(cells["meeting"].text)
    if meeting is None:
        tab.error(cells["meeting"], f"no meeting {cells['meeting'].text!r} in schedule.json")
        return
    if not any(cells[name].text for name in L.FILLED):
        return  # not filled in (yet): nothing is known about this meeting
    held, cancelled = yes_no(tab, cells["held"]), yes_no(tab, cells["cancelled"])
    absent = absent_of(tab, cells["no-show"], meeting)
    follow_up, where = yes_no(tab, cells["follow-up"]), moved(tab, cells["moved to"])
    status = status_of(tab, cells, held, cancelled, absent)
    if status is None:
        return
    before = tab.found.meetings.get(meeting.id)
    if before is not None:
        tab.error(cells["meeting"], f"{meeting.id} is also filled in at {before[1].where}")
        return
    outcome = MeetingOutcome(status=status, absent=absent, moved_to=where,  # type: ignore[arg-type]
                             follow_up=bool(follow_up), notes=cells["notes"].text)
    tab.found.meetings[meeting.id] = (outcome, cells["meeting"])
    if where is not None and status == "held":
        tab.found.moved[meeting.id] = cells["moved to"]


def required(tab: Tab, cell: Cell, message: str,
             parse: Callable[[Cell], str | None]) -> str | None:
    """A cell that must be filled, parsed; a problem (and None) when it is empty."""
    if not cell.text:
        tab.error(cell, message)
        return None
    return parse(cell)


def walk_in_row(tab: Tab, cells: dict[str, Cell]) -> None:
    """A walk-in meeting added at the end of a tab."""
    if yes_no(tab, cells["held"]) is False:
        return  # a walk-in row marked as not held records nothing
    start, _ = wall_time(tab, cells["time"])
    if start is None:
        tab.error(cells["time"], f"{cells['time'].text!r}: write the walk-in's time as HH:MM "
                  f"({tab.zone.key} time)")
    table = required(tab, cells["table"], "a walk-in needs its table",
                     lambda cell: table_of(tab, cell, cell.text))
    companies = [required(tab, cells[name], "a walk-in needs two companies",
                          lambda cell: company_of(tab, cell))
                 for name in ("company A", "company B")]
    if companies[0] and companies[0] == companies[1]:
        tab.error(cells["company B"], "a company cannot meet itself")
        return
    follow_up = yes_no(tab, cells["follow-up"])
    if start is None or table is None or None in companies:
        return
    walk_in = WalkIn(companies=[c for c in companies if c], session=tab.session.id,
                     start=start, table=table, follow_up=bool(follow_up),
                     notes=cells["notes"].text)
    tab.found.walk_ins.append((walk_in, cells["time"]))


def identity(mission: Mission, sheet: Sheet, found: Found) -> Tab | None:
    """The tab's session-day, if its identity row names this mission and schedule."""
    cells = {label: sheet.cell(L.ID_ROW, column) for label, column in L.ID_CELLS.items()}
    before = len(found.problems)
    if sheet.cell(L.ID_ROW, 1).text != "mission":
        found.problems.append(sheet.cell(L.ID_ROW, 1).problem(
            "not an attendance sheet: row 2 should name the mission (print the sheets with "
            "`mission attendance DIR`)"))
        return None
    if cells["mission"].text != mission.folder.mission.id:
        found.problems.append(cells["mission"].problem(
            f"a sheet of mission {cells['mission'].text!r}, not {mission.folder.mission.id!r}"))
        return None  # its session and date mean nothing here: one problem per tab
    if cells["schedule"].text != mission.fingerprint:
        found.problems.append(cells["schedule"].problem(
            f"printed from another schedule ({cells['schedule'].text}; schedule.json is now "
            f"{mission.fingerprint}): the mission was re-planned since; print new sheets"))
    sessions = {s.id: s for s in mission.folder.mission.partnering}
    session = sessions.get(cells["session"].text)
    if session is None:
        found.problems.append(cells["session"].problem(f"no session {cells['session'].text!r}"))
    try:
        day = date.fromisoformat(cells["date"].text[:10])
    except ValueError:
        found.problems.append(cells["date"].problem(f"{cells['date'].text!r}: not a date"))
    if len(found.problems) > before or session is None:
        return None
    return Tab(mission, sheet, session, day, found)


def read_tab(mission: Mission, sheet: Sheet, found: Found) -> None:
    """Every filled row of one tab into `found`; a Companies tab is skipped."""
    if sheet.name == L.COMPANIES_TAB and sheet.cell(1, 1).text == "id":
        return
    tab = identity(mission, sheet, found)
    if tab is None:
        return
    found.days.add((tab.session.id, tab.day))
    for row in range(L.FIRST_ROW, sheet.last_row + 1):
        cells = {name: sheet.cell(row, column) for name, column in L.COL.items()}
        if cells["meeting"].text:
            planned_row(tab, cells)
        elif any(cells[name].text for name in ("time", "table", "company A", "company B")):
            walk_in_row(tab, cells)
