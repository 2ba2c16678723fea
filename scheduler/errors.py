"""The errors the package raises; cli.py maps each to an exit code in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about an input file, located as file:line:col (1-based)."""

    file: str
    line: int
    col: int
    # "error" | "warning" | "note": a note tells how the input will be read where that
    # is fine as written (e.g. any number of video meetings); it is neither counted as a
    # warning nor blocks anything, so a clean mission stays "0 warning(s)".
    severity: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings and notes."""
        return self.severity == "error"


SHEET_CELL = re.compile(r"(.*)!([A-Z]+)([0-9]+)")  # a problem at `regs.xlsx:Regs!J7`


def _order(problem: Problem) -> tuple[object, ...]:
    """File, line and column order; a sheet's cells by row and column (J7 before J30 and
    Z9 before AA9), not as text."""
    cell = SHEET_CELL.fullmatch(problem.file)
    place = ((cell[1], int(cell[3]), len(cell[2]), cell[2]) if cell
             else (problem.file, 0, 0, ""))
    return (*place, problem.line, problem.col, problem.severity, problem.message)


class MissionError(Exception):
    """Base class of every error the package raises on purpose."""

    exit_code = 1


class InputError(MissionError):
    """The mission folder has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_order)
        errors = sum(p.is_error for p in self.problems)
        super().__init__(f"{errors} error(s) in the mission folder")


class InfeasibleError(MissionError):
    """The schedule cannot satisfy a hard requirement (e.g. a must-have meeting)."""

    exit_code = 3


class ScheduleError(MissionError):
    """A schedule.json is missing, malformed, or breaks a rule."""

    exit_code = 4


class NoScheduleError(ScheduleError):
    """There is no schedule.json yet: an input error (run `mission schedule` first)."""

    exit_code = 1


class ExportError(MissionError):
    """An output could not be written."""

    exit_code = 5


def rel(path: Path, base: Path | None = None) -> str:
    """Show a path relative to base (or the cwd) when possible."""
    try:
        return str(path.resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


# Control characters: C0 but tab, line feed and carriage return (line breaks are judged
# per field), DEL and C1. They corrupt calendars, CSV and terminals.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SHOWN_CHARS = 60  # longest value quoted whole in a message


def shown(value: object) -> str:
    """A value as quoted in a message: cut when long, control characters made visible."""
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = f"{text[:SHOWN_CHARS]}... ({len(text)} characters)"
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)
