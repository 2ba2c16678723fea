"""One-line descriptions of missions and schedules for the terminal."""

from __future__ import annotations

from scheduler.model import MissionFolder


def describe_folder(folder: MissionFolder) -> str:
    """'id: N companies (D delegation, H hosts), S sessions, W wishes'."""
    companies = folder.companies.values()
    delegation = sum(c.side == "delegation" for c in companies)
    wishes = sum(len(c.wants_to_meet) for c in companies) + len(folder.mission.matches)
    return (f"{folder.mission.id}: {len(folder.companies)} companies ({delegation} in the "
            f"delegation), {len(folder.mission.partnering)} partnering session(s), "
            f"{len(folder.mission.programme)} programme item(s), {wishes} meeting wish(es)")
