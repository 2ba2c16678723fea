"""The Schedule: placed meetings, unplaced requests with reasons, quality figures.

schedule.json is the file other tools read (the README describes it). It holds no
run-dependent data (no wall-clock timings), so the same input and options give
the same bytes.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scheduler.atomic import write_atomic
from scheduler.errors import NoScheduleError, ScheduleError

SCHEDULE_FILE = "schedule.json"
FORMAT = 1
SolveStatus = Literal["optimal", "feasible", "interrupted", "empty"]


class Record(BaseModel):
    """Base of the schedule records: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Meeting(Record):
    """A placed meeting."""

    id: str = Field(description="Stable: the two company ids, plus -2, -3 for repeat meetings.")
    request: str = Field(description="Id of the request it places.")
    companies: list[str] = Field(min_length=2, max_length=2)
    delegates: list[str] = Field(description="'company-id/delegate-id' of everyone attending.")
    session: str
    start: datetime = Field(description="ISO 8601 with the session zone's UTC offset.")
    end: datetime
    table: str | None = Field(None, description="Table or booth name; none for virtual.")
    booth: str | None = Field(None, description="Booth id when held at a booth.")
    video_link: str | None = None
    kind: Literal["b2b", "g2b"] = "b2b"
    priority: Literal["must", "high", "normal", "low"] = "normal"
    mutual: bool = False
    asked_by: list[str] = Field(default_factory=list, description="Company ids or 'organiser'.")
    reason: str = ""
    locked: bool = Field(False, description="Set by hand: re-planning never moves it.")


class Unplaced(Record):
    """A request the schedule could not place, and why."""

    request: str
    companies: list[str] = Field(min_length=2, max_length=2)
    priority: Literal["must", "high", "normal", "low"] = "normal"
    meetings: int = Field(1, description="How many of the requested meetings are missing.")
    reason: str
    remedies: list[str] = Field(default_factory=list, description="For a must-have: changes "
                                "to the input, each of which would let it be placed.")
    blocked: bool = Field(False, description="Declined or excluded: the pair is never "
                          "scheduled, so even a must-have is not missing.")


class Quality(Record):
    """Quality figures (the levels of docs/design.md, "The scheduling model"), used everywhere."""

    requested: int = Field(description="Meetings requested.")
    placed: int
    bound: int = Field(description="Most meetings any schedule could place.")
    placed_of_bound: float
    weight_requested: int = 0
    weight_placed: int = 0
    idle_slots: int = Field(description="Empty slots between a company's first and last meeting.")
    holes: int = Field(description="Runs of idle slots.")
    fairness: float = Field(description="Smallest placed/requested share of a delegation company.")
    status: SolveStatus = "feasible"
    gap: float = Field(0.0, description="Relative gap of the last objective level, 0 if proven.")
    in_person_share: float | None = Field(
        None, exclude_if=lambda v: v is None,
        description="Share of the meetings held in person; only for missions with both "
        "in-person and virtual sessions.")


class Move(Record):
    """How far a moved meeting went: re-planning prefers the same mode, session and day,
    then the smallest shift."""

    text: str = Field(description="'moved 30 min later, same table', 'moved to Fri 13 Mar, "
                      "video', 'moved to 14:00, Table 7'.")
    minutes: int = Field(description="Shift of the start in minutes, later positive.")
    days: int = Field(description="Local dates apart, later positive.")
    same_mode: bool = Field(description="Still in person, or still virtual.")
    same_session: bool
    same_table: bool


class Change(Record):
    """What re-planning did to a meeting of the previous schedule."""

    meeting: str
    change: Literal["moved", "dropped", "added"]
    companies: list[str]
    before: str | None = None
    after: str | None = None
    reason: str = ""
    move: Move | None = Field(None, description="For a move: how far it went.")


class Schedule(Record):
    """All meetings, the requests left out with reasons, and quality figures."""

    format: int = FORMAT
    mission: str
    generated: datetime = Field(description="Carried into DTSTAMP; from the data, not the clock.")
    meetings: list[Meeting] = Field(default_factory=list)
    unplaced: list[Unplaced] = Field(default_factory=list)
    quality: Quality
    changes: list[Change] = Field(default_factory=list)
    solver: dict[str, int | float | str] = Field(
        default_factory=dict, description="Options it was made with: seed, workers, time limit."
    )
    inputs: dict[str, str] | None = Field(
        None, description="sha256 of mission.yaml and of every company file it was made from, "
        "by path relative to the mission folder (absent in files of older versions).")


def percent(share: float, decimals: int = 1) -> str:
    """A share as a percentage that reads 100% or 0% only when it is exactly that
    (45,236 of a bound of 45,259 is 99.9%, not 100.0%)."""
    step = 10.0 ** -decimals
    value = round(share * 100, decimals)
    if 0 < share < 1 and value <= 0:
        return f"<{step:.{decimals}f}%"
    if 0 < share < 1 and value >= 100:
        value = 100 - step
    return f"{value:.{decimals}f}%"


# keys left out while empty, so schedules that need none read as they always have
OPTIONAL_KEYS = {"changes": ("move",), "unplaced": ("remedies", "blocked")}


def to_json(schedule: Schedule) -> str:
    """Serialise a schedule deterministically."""
    data = schedule.model_dump(mode="json")
    for part, keys in OPTIONAL_KEYS.items():
        for record in data[part]:
            for key in keys:
                if not record[key]:
                    del record[key]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_schedule(schedule: Schedule, folder: Path) -> Path:
    """Write DIR/schedule.json atomically."""
    path = folder / SCHEDULE_FILE
    write_atomic(path, to_json(schedule))
    return path


def read_schedule(folder: Path) -> Schedule:
    """Read DIR/schedule.json; a clear ScheduleError if it is missing or malformed."""
    path = folder / SCHEDULE_FILE if folder.is_dir() else folder
    if not path.is_file():
        raise NoScheduleError(f"{path}: no schedule yet; run `mission schedule {folder}` first")
    data = path.read_bytes()
    try:
        schedule = Schedule.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[:5]
        lines = [f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in first]
        raise ScheduleError("\n".join(lines)) from None
    naive = naive_times(schedule, data.decode("utf-8", "replace"))
    if naive:
        raise ScheduleError("\n".join(f"{path}:{where}" for where in naive))
    return schedule


def naive_times(schedule: Schedule, text: str) -> list[str]:
    """'line:col: ...' for every time without a UTC offset: such a time means a different
    instant on every machine, so it is refused rather than read in the local zone."""
    found = []
    if schedule.generated.utcoffset() is None:
        found.append(f"{_line_col(text, 0, 'generated')}: generated has no UTC offset")
    for meeting in schedule.meetings:
        for name in ("start", "end"):
            moment: datetime = getattr(meeting, name)
            if moment.utcoffset() is None:
                # searched only for a naive time: a search per meeting is quadratic
                at = text.find(f'"id": {json.dumps(meeting.id, ensure_ascii=False)}')
                found.append(f"{_line_col(text, max(at, 0), name)}: meeting '{meeting.id}': "
                             f"{name} {moment.isoformat()} has no UTC offset; add the session "
                             f"zone's, e.g. {moment.isoformat()}+09:00")
    return found


def _line_col(text: str, after: int, key: str) -> str:
    """'line:col' of the first `"key":` at or after a position of a JSON text (else 0:0)."""
    at = text.find(f'"{key}":', after)
    if at < 0:
        return "0:0"
    line = text.count("\n", 0, at) + 1
    return f"{line}:{at - (text.rfind(chr(10), 0, at) + 1) + 1}"
