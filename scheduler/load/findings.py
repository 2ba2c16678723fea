"""Problems found across fields and files, and the wording they share."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import date

from scheduler.errors import Problem
from scheduler.input.model import Mission
from scheduler.load.source import Source


class Findings:
    """Collects problems against the files they belong to."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, source: Source, path: tuple, message: str, key: bool = False) -> None:
        """Record an error at a path of a file."""
        self.problems.append(source.problem(path, message, key=key))

    def warn(self, source: Source, path: tuple, message: str) -> None:
        """Record a warning at a path of a file."""
        self.problems.append(source.problem(path, message, "warning"))

    def note(self, source: Source, path: tuple, message: str) -> None:
        """Record a note (how something will be read; not a problem) at a path of a file."""
        self.problems.append(source.problem(path, message, "note"))


def in_mission(mission: Mission, day: date) -> bool:
    """Whether a day falls within the mission's dates."""
    return mission.start <= day <= mission.end


def unknown(what: str, name: str, choices: Iterable[str]) -> str:
    """'unknown venue x; did you mean y?'."""
    close = difflib.get_close_matches(name, sorted(choices), n=1)
    return f"unknown {what} '{name}'" + (f"; did you mean '{close[0]}'?" if close else "")
