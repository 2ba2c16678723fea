"""outcomes.yaml: what happened to each planned meeting, and the walk-in meetings.

The file is written by `mission attendance --import` and may be edited by hand; it is read
with positions like the mission files, so every mistake is reported as file:line:col.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from scheduler.errors import InputError, Problem, rel
from scheduler.input.types import Id, Line, Text
from scheduler.input.yamlio import YamlProblem, parse_text
from scheduler.load.loader import validate_model
from scheduler.load.source import Source
from scheduler.outcomes.common import Mission, all_tables

OUTCOMES_FILE = "outcomes.yaml"
MAX_BYTES = 50_000_000  # some 700,000 meeting outcomes
Status = Literal["held", "no-show", "cancelled"]


class Record(BaseModel):
    """Base of the outcome records: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Moved(Record):
    """Where and when a meeting was held instead of its planned slot."""

    start: AwareDatetime | None = Field(None, description="ISO 8601 with the UTC offset.")
    table: Line | None = None


class MeetingOutcome(Record):
    """What happened to one planned meeting."""

    status: Status
    absent: list[Id] = Field(default_factory=list,
                             description="Companies that did not come (status no-show).")
    moved_to: Moved | None = None
    follow_up: bool = Field(False, description="The two companies agreed a follow-up.")
    notes: Text = ""


class WalkIn(Record):
    """A meeting held on the day that was not planned."""

    companies: list[Id] = Field(min_length=2, max_length=2)
    session: Id
    start: AwareDatetime
    table: Line
    follow_up: bool = False
    notes: Text = ""


class Outcomes(Record):
    """outcomes.yaml: the outcome of a mission's meetings, by meeting id, and the walk-ins."""

    mission: Id
    schedule: str = Field(description="Fingerprint of the schedule the sheets were printed "
                          "from (mission attendance writes it).")
    meetings: dict[str, MeetingOutcome] = Field(default_factory=dict)
    walk_ins: list[WalkIn] = Field(default_factory=list)


def read_outcomes(mission: Mission) -> Outcomes | None:
    """DIR/outcomes.yaml checked against the mission and its schedule; None when absent;
    InputError with every problem at file:line:col."""
    path = mission.path / OUTCOMES_FILE
    if not path.exists():
        return None
    source, problems = read_outcomes_source(path)
    outcomes = None
    if source is not None:
        outcomes, problems = validate_model(Outcomes, source)
    if outcomes is not None and source is not None:
        problems += cross_check(mission, outcomes, source)
    if problems or outcomes is None:
        raise InputError(problems)
    return outcomes


def read_outcomes_source(path: Path) -> tuple[Source | None, list[Problem]]:
    """outcomes.yaml as a located source. It grows with the number of meetings, past the
    size limit of a mission file, so it has a limit of its own."""
    shown = rel(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 0, 0, "error", f"cannot read: {exc.strerror}")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(shown, 1, 1, "error", f"file is {len(raw) / 1e6:.1f} MB; "
                              f"the limit is {MAX_BYTES // 1_000_000} MB")]
    try:
        return Source(shown, parse_text(raw.decode("utf-8-sig"))), []
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, 1, "error", "file is not UTF-8 text")]
    except YamlProblem as exc:
        return None, [Problem(shown, exc.line, exc.col, "error", exc.message)]


def cross_check(mission: Mission, outcomes: Outcomes, source: Source) -> list[Problem]:
    """Every reference of outcomes.yaml that the mission or its schedule does not know."""
    found = []
    if outcomes.mission != mission.folder.mission.id:
        found.append(source.problem(("mission",), f"outcomes of mission {outcomes.mission!r}, "
                                    f"not {mission.folder.mission.id!r}"))
    if outcomes.schedule != mission.fingerprint:
        found.append(source.problem(("schedule",), "recorded against another schedule "
                                    f"({outcomes.schedule}; schedule.json is now "
                                    f"{mission.fingerprint}): the mission was re-planned since"))
    planned = {m.id: m for m in mission.schedule.meetings}
    for meeting_id, outcome in outcomes.meetings.items():
        where = ("meetings", meeting_id)
        if meeting_id not in planned:
            found.append(source.problem(where, f"no meeting {meeting_id!r} in schedule.json",
                                        key=True))
            continue
        found += [source.problem((*where, "absent"), f"{c!r} is not in meeting {meeting_id}")
                  for c in outcome.absent if c not in planned[meeting_id].companies]
    for number, walk_in in enumerate(outcomes.walk_ins):
        found += walk_in_problems(mission, walk_in, source, ("walk_ins", number))
    return found


def walk_in_problems(mission: Mission, walk_in: WalkIn, source: Source,
                     where: tuple[str | int, ...]) -> list[Problem]:
    """A walk-in's companies, session and table as the mission knows them."""
    found = [source.problem((*where, "companies"), f"no company {c!r} in this mission")
             for c in walk_in.companies if c not in mission.folder.companies]
    sessions = {s.id: s for s in mission.folder.mission.partnering}
    session = sessions.get(walk_in.session)
    if session is None:
        return [*found, source.problem((*where, "session"), f"no session {walk_in.session!r}")]
    tables = all_tables(session)
    if tables and walk_in.table not in tables:
        found.append(source.problem((*where, "table"), f"no table {walk_in.table!r} in "
                                    f"{session.id}"))
    return found


def outcomes_path(path: Path) -> Path:
    """Where a mission folder keeps its outcomes."""
    return path / OUTCOMES_FILE
