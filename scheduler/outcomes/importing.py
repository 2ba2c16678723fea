"""`mission attendance --import`: filled sheets merged into DIR/outcomes.yaml.

Every sheet is read and every walk-in checked before anything is written: one problem
anywhere, and outcomes.yaml stays as it was. The merge goes through the round-trip YAML
editor, so the comments and edits a person made in outcomes.yaml survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from scheduler.errors import InputError, Problem
from scheduler.outcomes.common import Mission, load
from scheduler.outcomes.model import (
    MeetingOutcome,
    Outcomes,
    WalkIn,
    outcomes_path,
    read_outcomes,
)
from scheduler.outcomes.rows import Found, read_tab
from scheduler.outcomes.sheetread import Cell, read_sheets
from scheduler.yamledit import CommentedMap, CommentedSeq, load_path, save

Booking = tuple[datetime, datetime, str]  # start, end, what holds the table


@dataclass(frozen=True)
class Imported:
    """What an import added: meetings with an outcome, walk-ins, and the file written."""

    meetings: int
    walk_ins: int
    path: Path


def read_files(mission: Mission, files: list[Path]) -> Found:
    """Every tab of every file, with every problem found."""
    found = Found()
    for file in files:
        sheets, problems = read_sheets(file)
        found.problems += problems
        for sheet in sheets:
            read_tab(mission, sheet, found)
    return found


def _same(a: WalkIn, b: WalkIn) -> bool:
    """The same walk-in, recorded twice (e.g. the same sheet imported again)."""
    return (sorted(a.companies), a.session, a.start, a.table) == \
        (sorted(b.companies), b.session, b.start, b.table)


def bookings(mission: Mission, meetings: dict[str, MeetingOutcome],
             walk_ins: list[WalkIn]) -> dict[tuple[str, str], list[Booking]]:
    """Who holds each (session, table) when: planned meetings where they were held (or not
    known to have failed), and walk-ins."""
    held: dict[tuple[str, str], list[Booking]] = {}
    for meeting in mission.schedule.meetings:
        outcome = meetings.get(meeting.id)
        if meeting.table is None or (outcome and outcome.status != "held"):
            continue
        start, table = meeting.start, meeting.table
        if outcome and outcome.moved_to:
            start = outcome.moved_to.start or start
            table = outcome.moved_to.table or table
        end = start + (meeting.end - meeting.start)
        held.setdefault((meeting.session, table), []).append((start, end, meeting.id))
    for walk_in in walk_ins:
        start = walk_in.start
        end = start + timedelta(minutes=mission.folder.session(walk_in.session).meeting_minutes)
        what = f"the walk-in {' and '.join(walk_in.companies)} at {start:%H:%M}"
        held.setdefault((walk_in.session, walk_in.table), []).append((start, end, what))
    return held


def double_booked(mission: Mission, meetings: dict[str, MeetingOutcome],
                  new: list[tuple[WalkIn, Cell]], old: list[WalkIn]) -> list[Problem]:
    """A problem at each new walk-in whose table is taken at its time."""
    found = []
    for number, (walk_in, cell) in enumerate(new):
        others = [*old, *(w for w, _ in new[:number])]
        booked = bookings(mission, meetings, others).get((walk_in.session, walk_in.table), [])
        minutes = mission.folder.session(walk_in.session).meeting_minutes
        end = walk_in.start + timedelta(minutes=minutes)
        clash = [what for start, stop, what in booked if start < end and walk_in.start < stop]
        if clash:
            found.append(cell.problem(f"{walk_in.table} is taken at {walk_in.start:%H:%M} "
                                      f"by {clash[0]}"))
    return found


def _document(mission: Mission, path: Path) -> CommentedMap:
    """outcomes.yaml as a round-trip document, or a new one."""
    document = load_path(path) if path.exists() else CommentedMap()
    document["mission"] = mission.folder.mission.id
    document["schedule"] = mission.fingerprint
    for key, empty in (("meetings", CommentedMap), ("walk_ins", CommentedSeq)):
        if not isinstance(document.get(key), empty):
            document[key] = empty()
    return document


def merge(mission: Mission, found: Found, before: Outcomes | None) -> Imported:
    """Write the found outcomes into outcomes.yaml, replacing those of the same meetings."""
    path = outcomes_path(mission.path)
    document = _document(mission, path)
    order = {m.id: n for n, m in enumerate(mission.schedule.meetings)}
    for meeting_id in sorted(found.meetings, key=order.__getitem__):
        outcome = found.meetings[meeting_id][0]
        document["meetings"][meeting_id] = outcome.model_dump(mode="json", exclude_defaults=True)
    kept = before.walk_ins if before else []
    added = 0
    for walk_in, _ in found.walk_ins:
        if not any(_same(walk_in, other) for other in kept):
            document["walk_ins"].append(walk_in.model_dump(mode="json", exclude_defaults=True))
            kept = [*kept, walk_in]
            added += 1
    save(path, document)
    return Imported(len(found.meetings), added, path)


def import_sheets(path: Path, files: list[Path]) -> Imported:
    """Read filled attendance sheets into DIR/outcomes.yaml; InputError with every problem
    (each at its cell) and nothing written if any."""
    mission = load(path)
    before = read_outcomes(mission)
    found = read_files(mission, files)
    meetings = {**(before.meetings if before else {}),
                **{key: value[0] for key, value in found.meetings.items()}}
    old = before.walk_ins if before else []
    new = [(w, c) for w, c in found.walk_ins if not any(_same(w, o) for o in old)]
    found.problems += double_booked(mission, meetings, new, old)
    if found.problems:
        raise InputError(found.problems)
    return merge(mission, found, before)
