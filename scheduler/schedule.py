"""The Schedule: placed meetings, unplaced requests with reasons, quality figures.

schedule.json is the file other tools read (DESIGN.md section 7). It holds no
run-dependent data (no wall-clock timings), so the same input and options give
the same bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scheduler.errors import NoScheduleError, ScheduleError

SCHEDULE_FILE = "schedule.json"
FORMAT = 1


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


class Quality(Record):
    """Quality figures (DESIGN.md section 5), the same everywhere."""

    requested: int = Field(description="Meetings requested.")
    placed: int
    bound: int = Field(description="Most meetings any schedule could place.")
    placed_of_bound: float
    weight_requested: int = 0
    weight_placed: int = 0
    idle_slots: int = Field(description="Empty slots between a company's first and last meeting.")
    holes: int = Field(description="Runs of idle slots.")
    fairness: float = Field(description="Smallest placed/requested share of a delegation company.")
    status: Literal["optimal", "feasible", "interrupted", "empty"] = "feasible"
    gap: float = Field(0.0, description="Relative gap of the last objective level, 0 if proven.")


class Change(Record):
    """What re-planning did to a meeting of the previous schedule."""

    meeting: str
    change: Literal["moved", "dropped", "added"]
    companies: list[str]
    before: str | None = None
    after: str | None = None
    reason: str = ""


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


def to_json(schedule: Schedule) -> str:
    """Serialise a schedule deterministically."""
    return json.dumps(schedule.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_schedule(schedule: Schedule, folder: Path) -> Path:
    """Write DIR/schedule.json atomically."""
    path = folder / SCHEDULE_FILE
    write_atomic(path, to_json(schedule))
    return path


def write_atomic(path: Path, text: str) -> None:
    """Write a text file so that readers see the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_schedule(folder: Path) -> Schedule:
    """Read DIR/schedule.json; a clear ScheduleError if it is missing or malformed."""
    path = folder / SCHEDULE_FILE if folder.is_dir() else folder
    if not path.is_file():
        raise NoScheduleError(f"{path}: no schedule yet; run `mission schedule {folder}` first")
    try:
        return Schedule.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors(include_url=False)[:5]
        lines = [f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in first]
        raise ScheduleError("\n".join(lines)) from None
