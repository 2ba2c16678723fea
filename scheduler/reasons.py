"""Why a request was not placed, in words a cluster manager can act on.

(Stub: the checker helper replaces this.)
"""

from __future__ import annotations

from scheduler.model import MissionFolder
from scheduler.requests import Request
from scheduler.schedule import Meeting


def explain_unplaced(folder: MissionFolder, meetings: list[Meeting], request: Request) -> str:
    """One sentence saying why `request` has no (or too few) meetings in `meetings`."""
    return "not placed"
