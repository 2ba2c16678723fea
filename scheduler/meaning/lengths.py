"""Longer meetings: how many slots a meeting of `minutes` takes, which ones, when it ends.

A meeting of N minutes in a session of M-minute meetings takes N / M consecutive slots of
one window of one day (N a multiple of M): it starts at the first slot's start and ends N
minutes later, with no changeover inside, at one table throughout (a 60-minute meeting in
a 30+5 session starting at 09:00 ends at 10:00 and takes the 09:00 and 09:35 slots). A
request without `minutes` takes one slot. The solver, the checker, the loader's checks and
the exports all read lengths here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from scheduler.input.model import PartneringSession


class GridSlot(Protocol):
    """A slot of a session's grid (meaning.SlotTime or meaning.slots.Slot)."""

    @property
    def day(self) -> date: ...
    @property
    def position(self) -> int: ...
    @property
    def window(self) -> int: ...


def length(session: PartneringSession, minutes: int | None) -> int:
    """A meeting's length in minutes in a session: `minutes`, else the session's."""
    return minutes or session.meeting_minutes


def slots_taken(session: PartneringSession, minutes: int | None) -> int | None:
    """How many consecutive slots a meeting of `minutes` takes in a session (1 without
    `minutes`); None when it is not a multiple of the session's meeting length."""
    if minutes is None:
        return 1
    taken, left = divmod(minutes, session.meeting_minutes)
    return taken if taken and not left else None


def covered(grid: Sequence[GridSlot], first: int, count: int) -> range | None:
    """Indices first .. first+count-1 of a grid (in order), when they are consecutive slots
    of one day and window: the slots a meeting starting at `first` takes; None when it does
    not fit there (past the window's end)."""
    if count < 1 or first + count > len(grid):
        return None
    head = grid[first]
    for k in range(1, count):
        slot = grid[first + k]
        if (slot.day, slot.window, slot.position) != (head.day, head.window,
                                                      head.position + k):
            return None
    return range(first, first + count)


def meeting_end(start: datetime, minutes: int) -> datetime:
    """When a meeting of `minutes` starting at `start` ends (wall-clock, as slot ends are)."""
    return start + timedelta(minutes=minutes)


def fits_somewhere(grid: Sequence[GridSlot], count: int) -> bool:
    """Whether any window of a grid holds `count` consecutive slots."""
    return any(covered(grid, i, count) is not None for i in range(len(grid)))


def window_minutes(session: PartneringSession) -> int:
    """The longest meeting any window of a session holds, in whole meeting lengths."""
    step = session.meeting_minutes + session.changeover_minutes
    longest = max((datetime.combine(date.min, b) - datetime.combine(date.min, a))
                  // timedelta(minutes=1) for a, b in session.windows)
    return (longest + session.changeover_minutes) // step * session.meeting_minutes
