"""Independent check of a schedule against the mission: one check_<rule> per rule.

Never trusts the solver: the slot grid, availability and programme conflicts are
computed in this package (rules by group in time_rules.py, capacity_rules.py and
request_rules.py; times in times.py) from the mission models alone. Every
check takes the loaded folder and a Schedule and returns Violations; meetings
naming an unknown session or company, or a company that withdrew, are reported once,
by meeting_shape, and skipped by the other rules.
"""

from __future__ import annotations

from collections.abc import Callable

from scheduler.check.capacity_rules import (
    check_booth_ownership,
    check_company_cap,
    check_session_cap,
    check_table_capacity,
)
from scheduler.check.common import Violation
from scheduler.check.quality import quality_differences, quality_figures
from scheduler.check.request_rules import (
    check_blocked_pair,
    check_locked,
    check_named_delegates,
    check_placement,
    check_requested_pair,
)
from scheduler.check.time_rules import (
    check_availability,
    check_meeting_shape,
    check_one_meeting_at_a_time,
    check_programme_conflict,
    check_session_attendance,
    check_slot_grid,
)
from scheduler.input.model import MissionFolder
from scheduler.schedule import Schedule

__all__ = ["RULES", "Violation", "check_locked", "check_schedule", "quality_differences",
           "quality_figures", *(f"check_{name}" for name in (
               "meeting_shape", "slot_grid", "session_attendance", "availability",
               "programme_conflict", "one_meeting_at_a_time", "table_capacity",
               "booth_ownership", "company_cap", "session_cap", "requested_pair", "placement",
               "named_delegates", "blocked_pair"))]


RULES: dict[str, Callable[[MissionFolder, Schedule], list[Violation]]] = {
    "meeting_shape": check_meeting_shape,
    "slot_grid": check_slot_grid,
    "session_attendance": check_session_attendance,
    "availability": check_availability,
    "programme_conflict": check_programme_conflict,
    "one_meeting_at_a_time": check_one_meeting_at_a_time,
    "table_capacity": check_table_capacity,
    "booth_ownership": check_booth_ownership,
    "company_cap": check_company_cap,
    "session_cap": check_session_cap,
    "requested_pair": check_requested_pair,
    "placement": check_placement,
    "named_delegates": check_named_delegates,
    "blocked_pair": check_blocked_pair,
}


def check_schedule(folder: MissionFolder, schedule: Schedule,
                   previous: Schedule | None = None) -> list[Violation]:
    """Every rule violation in a schedule (empty when it is valid)."""
    found = [v for check in RULES.values() for v in check(folder, schedule)]
    return found + check_locked(folder, schedule, previous)
