"""Orchestration of `mission schedule`: load, solve, check, write. (Stub: solver helper.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scheduler.model import MissionFolder
from scheduler.schedule import Schedule


@dataclass(frozen=True)
class SolveOptions:
    """Solver options from the command line."""

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 1
    fresh: bool = False


def make_schedule(folder: MissionFolder, options: SolveOptions,
                  previous: Schedule | None = None,
                  progress: Callable[[str], None] | None = None) -> Schedule:
    """Solve a loaded mission into a checked Schedule (does not write it)."""
    raise NotImplementedError
