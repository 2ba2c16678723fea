"""One-line descriptions of missions and schedules for the terminal."""

from __future__ import annotations

from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import build_requests, requested_meetings


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
