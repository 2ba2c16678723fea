"""`mission plan`: validate, schedule and export in one go, loading the folder once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import Problem
from scheduler.export import ExportOptions, ExportResult, export
from scheduler.gcpause import freeze_if_large
from scheduler.load.loader import load_mission
from scheduler.plan.musts import missing_musts
from scheduler.plan.planning import SolveOptions, schedule_loaded
from scheduler.plan.publish import fingerprint
from scheduler.schedule import Schedule


@dataclass
class PlanResult:
    """What `mission plan` produced."""

    warnings: list[Problem]
    schedule: Schedule
    exported: ExportResult | None  # None: stopped before the export (a must-have missing)
    out: Path


def plan_folder(path: Path, solve: SolveOptions, options: ExportOptions, out: Path | None,
                progress: Callable[[str], None] | None = None,
                clock: Callable[[], float] | None = None,
                allow_missing_musts: bool = False) -> PlanResult:
    """Validate (raising InputError), schedule (writing schedule.json) and export; a
    must-have meeting that could not be placed stops it before the export unless allowed.

    The export step needs no check of its own: scheduling refuses (exit 4, nothing
    written) a schedule that breaks any rule, and the schedule is made from the inputs
    just loaded, so it cannot be stale.
    """
    inputs = fingerprint(path)  # before loading: an edit during the run makes it stale
    folder, warnings = load_mission(path)
    freeze_if_large(len(folder.companies))  # the command owns the process: it may freeze
    schedule = schedule_loaded(path, folder, solve, progress, clock, inputs)
    out = out or Path("calendars") / folder.mission.id
    if missing_musts(schedule) and not allow_missing_musts:
        return PlanResult(warnings, schedule, None, out)
    return PlanResult(warnings, schedule, export(folder, schedule, out, options, progress), out)
