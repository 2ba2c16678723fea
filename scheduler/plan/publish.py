"""Before anything is published: the schedule obeys every rule and was made from these inputs.

schedule.json records a fingerprint of the files it was planned from (sha256 of
mission.yaml and of each company file). A schedule planned before a window moved or a
company changed its availability may break no rule the checker can see in the schedule
alone, yet be wrong; the fingerprint tells. Schedules written by older versions carry no
fingerprint: they are checked in full, with a warning that staleness cannot be told.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from scheduler.check.rules import check_schedule
from scheduler.errors import ScheduleError
from scheduler.input.model import MissionFolder
from scheduler.load.loader import MISSION_FILE, company_paths
from scheduler.plan.musts import missing_musts
from scheduler.schedule import Schedule

NO_FINGERPRINT = ("warning: schedule.json does not record the inputs it was made from "
                  "(written by an older version), so whether mission.yaml or a company file "
                  "changed since cannot be told; `mission schedule` records them")


def fingerprint(folder: Path) -> dict[str, str]:
    """sha256 of mission.yaml and every company file, by path relative to the folder."""
    paths = [(str(folder / MISSION_FILE), MISSION_FILE), *company_paths(folder)]
    found = {}
    for path, name in paths:
        try:
            found[name] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            found[name] = "unreadable"  # loading reports why; the fingerprint only compares
    return dict(sorted(found.items()))


def input_changes(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """'mission.yaml changed', 'companies/x.yaml appeared', ... in path order."""
    names = sorted(set(recorded) | set(current))
    return [f"{name} {_change(recorded.get(name), current.get(name))}" for name in names
            if recorded.get(name) != current.get(name)]


def _change(before: str | None, after: str | None) -> str:
    """How one file differs: changed, appeared or disappeared."""
    if before is None:
        return "appeared"
    return "disappeared" if after is None else "changed"


def staleness(folder: Path, schedule: Schedule) -> tuple[list[str], list[str]]:
    """(what changed since the schedule was made, warnings) for one mission folder."""
    if schedule.inputs is None:
        return [], [NO_FINGERPRINT]
    changed = input_changes(schedule.inputs, fingerprint(folder))
    if not changed:
        return [], []
    return [f"schedule.json was made from other inputs: {'; '.join(changed)}; run "
            f"`mission schedule {folder}` to re-plan it (meetings that still fit stay where "
            "they are)"], []


def ready_to_publish(path: Path, folder: MissionFolder, schedule: Schedule,
                     allow_stale: bool = False) -> list[str]:
    """Warnings to print before an export; ScheduleError listing every reason not to export
    (inputs changed since the schedule was made, unless allowed; any broken rule)."""
    stale, warnings = staleness(path, schedule)
    broken = [str(v) for v in check_schedule(folder, schedule)]
    if allow_stale:
        anyway = "" if broken else "exporting it anyway: "
        warnings += [f"warning: {line} ({anyway}--allow-stale)" for line in stale]
        stale = []
    elif not broken:  # --allow-stale cannot help a schedule that breaks a rule
        stale = [f"{line}, or export it as it is with --allow-stale" for line in stale]
    if broken:
        broken.append(f"{len(broken)} broken rule(s): nothing was exported; "
                      f"`mission check {path}` explains them")
    if stale or broken:
        raise ScheduleError("\n".join([f"{path / 'schedule.json'} cannot be published:",
                                       *warnings, *stale, *broken]))
    # every hard rule holds, so it may be published; but say what it lacks
    return warnings + [f"warning: must-have meeting {' and '.join(u.companies)} is not placed "
                       f"({u.reason}); exporting the schedule without it"
                       for u in missing_musts(schedule)]
