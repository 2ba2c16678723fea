"""One-line descriptions of missions and schedules for the terminal."""

from __future__ import annotations

from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import build_requests, requested_meetings
from scheduler.schedule import Quality


def describe_folder(folder: MissionFolder) -> str:
    """'id: N companies (D in the delegation), S sessions, I items, R requested meetings'."""
    companies = folder.companies.values()
    delegation = sum(c.side == "delegation" for c in companies)
    requested = requested_meetings(build_requests(folder))
    count = len(folder.companies)
    return (f"{folder.mission.id}: {count} compan{'y' if count == 1 else 'ies'} "
            f"({delegation} in the delegation), {len(folder.mission.partnering)} partnering "
            "session(s), "
            f"{len(folder.mission.programme)} programme item(s), {requested} requested "
            "meeting(s)")


def withdrawn_lines(folder: MissionFolder) -> list[str]:
    """One line per withdrawn company: what withdrawing does to the plan."""
    return [f"{company.withdrawal}: out of the plan; the next `mission schedule` drops its "
            "meetings and its people's calendars cancel them"
            for _, company in sorted(folder.withdrawn.items())]


def idle_gap_lines(quality: Quality) -> list[str]:
    """How far the idle slots are from the solver's lower bound, in words (none without a
    bound)."""
    bound, idle = quality.idle_bound, quality.idle_slots
    if bound is None:
        return []
    if idle <= bound:
        return [f"waiting time: {idle} idle slot(s), the fewest possible for this placed "
                "weight"]
    return [f"waiting time: {idle} idle slot(s); no schedule placing the same weight has "
            f"fewer than {bound}, so at most {idle - bound} could still be saved "
            "(a longer --time-limit may find some)"]
