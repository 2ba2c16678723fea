"""Independent check of a schedule against the mission: one check_<rule> per rule.

Never trusts the solver. (Stub: the checker helper replaces this.)
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.model import MissionFolder
from scheduler.schedule import Schedule


@dataclass(frozen=True)
class Violation:
    """A broken rule: which rule, which meeting, and what is wrong."""

    rule: str
    meeting: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.meeting + ': ' if self.meeting else ''}{self.message}"


def check_schedule(folder: MissionFolder, schedule: Schedule,
                   previous: Schedule | None = None) -> list[Violation]:
    """Every rule violation in a schedule (empty when it is valid)."""
    return []
