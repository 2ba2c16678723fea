"""`mission attendance --import`: filled sheets merged into DIR/outcomes.yaml.

Every sheet is read and every walk-in checked before anything is written: one problem
anywhere, and outcomes.yaml stays as it was. The merge goes through the round-trip YAML
editor, so the comments and edits a person made in outcomes.yaml survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scheduler import meaning
from scheduler.errors import InputError
from scheduler.outcomes.clashes import clashes
from scheduler.outcomes.common import Mission, load
from scheduler.outcomes.model import (
    Outcomes,
    WalkIn,
    outcomes_path,
    read_outcomes,
)
from scheduler.outcomes.rows import Found, read_tab
from scheduler.outcomes.sheetread import read_sheets
from scheduler.yamledit import CommentedMap, CommentedSeq, load_path, save


@dataclass(frozen=True)
class Imported:
    """What an import added: meetings with an outcome, walk-ins, and the file written."""

    meetings: int
    walk_ins: int
    path: Path
    removed: int = 0  # walk-ins recorded before that the sheets no longer list


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


def _day_of(mission: Mission, walk_in: WalkIn) -> tuple[str, date]:
    """The session-day (the tab) a walk-in belongs to."""
    zone = meaning.session_zone(mission.folder, mission.folder.session(walk_in.session))
    return walk_in.session, walk_in.start.astimezone(zone).date()


def superseded(mission: Mission, found: Found, before: Outcomes | None) -> list[int]:
    """Positions of the recorded walk-ins that a tab read now replaces: its walk-in rows
    are the whole record of its session-day, so a walk-in corrected on the sheet is not
    kept twice (once as it was, once as it is)."""
    kept = before.walk_ins if before else []
    return [n for n, walk_in in enumerate(kept) if _day_of(mission, walk_in) in found.days
            and not any(_same(walk_in, new) for new, _ in found.walk_ins)]


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
    gone = superseded(mission, found, before)
    for number in reversed(gone):
        del document["walk_ins"][number]
    kept = [w for n, w in enumerate(before.walk_ins if before else []) if n not in gone]
    added = 0
    for walk_in, _ in found.walk_ins:
        if not any(_same(walk_in, other) for other in kept):
            document["walk_ins"].append(walk_in.model_dump(mode="json", exclude_defaults=True))
            kept = [*kept, walk_in]
            added += 1
    save(path, document)
    return Imported(len(found.meetings), added, path, len(gone))


def import_sheets(path: Path, files: list[Path]) -> Imported:
    """Read filled attendance sheets into DIR/outcomes.yaml; InputError with every problem
    (each at its cell) and nothing written if any."""
    mission = load(path)
    before = read_outcomes(mission)
    found = read_files(mission, files)
    meetings = {**(before.meetings if before else {}),
                **{key: value[0] for key, value in found.meetings.items()}}
    gone = superseded(mission, found, before)
    old = [w for n, w in enumerate(before.walk_ins if before else []) if n not in gone]
    new = [(w, c) for w, c in found.walk_ins if not any(_same(w, o) for o in old)]
    found.problems += clashes(mission, meetings, found.moved, new, old)
    if found.problems:
        raise InputError(found.problems)
    return merge(mission, found, before)
