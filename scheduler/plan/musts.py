"""Must-have meetings that cannot be placed: the schedule is still written, the gap shown.

A must-have that no schedule can hold does not stop the others: the solver places
everything else as well as it can (the must-haves are its first level, so one that
cannot be placed costs nothing below it), schedule.json is written, and the must-have is
listed as unplaced with its reason and what would make it possible. The commands then
exit with status 3; `mission plan` stops before its export unless told to go on, because
calendars without a meeting the organiser promised are rarely what a cluster manager wants
to send.
"""

from __future__ import annotations

from pathlib import Path

from scheduler.check.reasons import Placed
from scheduler.check.remedies import remedies
from scheduler.errors import InfeasibleError
from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import Request
from scheduler.schedule import Meeting, Schedule, Unplaced


def with_remedies(folder: MissionFolder, meetings: list[Meeting], requests: list[Request],
                  unplaced: list[Unplaced]) -> list[Unplaced]:
    """The unplaced requests, each must-have with no meeting given its remedies."""
    has = {m.request for m in meetings}
    missing = {u.request for u in unplaced
               if u.priority == "must" and not u.blocked and u.request not in has}
    if not missing:
        return unplaced
    placed = Placed(folder, meetings, requests)
    by_id = {q.id: q for q in requests}
    return [u.model_copy(update={"remedies": remedies(folder, placed, by_id[u.request])})
            if u.request in missing and u.request in by_id else u for u in unplaced]


def missing_musts(schedule: Schedule) -> list[Unplaced]:
    """The must-have requests with no meeting at all in a schedule (one of several asked
    for is what the must-have level promises)."""
    has = {m.request for m in schedule.meetings}
    return [u for u in schedule.unplaced
            if u.priority == "must" and not u.blocked and u.request not in has]


def must_lines(schedule: Schedule) -> list[str]:
    """A block for the terminal naming every missing must-have, its reason and remedies."""
    missing = missing_musts(schedule)
    if not missing:
        return []
    lines = [f"MUST-HAVE NOT PLACED: {len(missing)} must-have meeting(s) have no slot; "
             "every other meeting is placed as well as it can be:"]
    for item in missing:
        lines.append(f"  {' and '.join(item.companies)}: {item.reason}")
        if item.remedies:
            lines.append(f"    possible with: {'; or '.join(item.remedies)}")
    return lines


def stop_if_musts_missing(schedule: Schedule, folder: Path, anyway: str | None) -> None:
    """Raise InfeasibleError (exit status 3) when a must-have is missing, saying what was
    written and what to do next (`anyway`: the command that publishes it as it is; None
    when it was published)."""
    missing = missing_musts(schedule)
    if not missing:
        return
    done = ("schedule.json and the exports are written" if anyway is None else
            "schedule.json is written with every other meeting, nothing is exported")
    go_on = f", or publish this schedule as it is with `{anyway}`" if anyway else ""
    raise InfeasibleError(
        f"{len(missing)} must-have meeting(s) could not be placed (listed above); {done}. "
        f"Make one of the changes listed and run `mission schedule {folder}` again{go_on}")
