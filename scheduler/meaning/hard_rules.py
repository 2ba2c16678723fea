"""The hard rules a schedule must keep, by name: one list for the solver and the checker.

The solver encodes each as `add_<name>` (scheduler/solver/rules.py) and the checker
verifies each as `check_<name>` (scheduler/check/rules.py); tests hold both sides to this list.
"""

from __future__ import annotations

HARD_RULES: tuple[str, ...] = (
    "meeting_shape",  # two distinct known companies, each with a delegate present
    "slot_grid",  # a meeting starts on a slot of its session, in the session's zone
    "session_attendance",  # both companies attend the session
    "availability",  # nobody meets in their unavailable periods
    "programme_conflict",  # nobody meets during a blocking programme item they attend
    "one_meeting_at_a_time",  # per company, or per delegate of a parallel company
    "table_capacity",  # one meeting per table at a time
    "booth_ownership",  # booth owners meet at their booth, up to its tables
    "company_cap",  # max_meetings and max_meetings_per_company
    "session_cap",  # a session's max_meetings
    "requested_pair",  # only requested pairs meet, at most as often as asked
    "locked",  # locked meetings of the previous schedule stay where they are
    "placement",  # a wish's mode, sessions and days
    "named_delegates",  # only the delegates a wish names take its meeting
    "blocked_pair",  # declined and excluded pairs never meet
)
