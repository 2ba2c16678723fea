"""Tiny missions for the solver tests, built in memory (no files needed)."""

from __future__ import annotations

from datetime import UTC

from scheduler.input.model import Company, Mission, MissionFolder
from scheduler.load.references import fill_defaults
from scheduler.plan.planning import SolveOptions, make_schedule
from scheduler.schedule import Schedule

DAY = "2026-03-10"


def mission(**overrides: object) -> dict:
    """mission.yaml as a dict: one session at a Madrid venue, three 20-minute slots, 2 tables."""
    session = {"id": "s1", "title": "Partnering", "venue": "mad", "date": DAY,
               "windows": ["09:00-10:00"], "meeting_minutes": 20, "changeover_minutes": 0,
               "tables": 2}
    data = {"id": "m", "title": "Mission", "organisers": ["Org"], "timezone": "Europe/Madrid",
            "start": DAY, "end": "2026-03-12",
            "venues": {"mad": {"name": "Hall", "timezone": "Europe/Madrid"},
                       "tyo": {"name": "Tokyo hall", "timezone": "Asia/Tokyo"}},
            "partnering": [session]}
    data.update(overrides)
    return data


def company(cid: str, side: str = "delegation", wants: list | None = None,
            delegates: int = 1, **extra: object) -> dict:
    """A company file as a dict; `wants` lists ids or (id, priority[, meetings])."""
    wishes = []
    for w in wants or []:
        w = (w,) if isinstance(w, str) else w
        wish = {"company": w[0], "priority": w[1] if len(w) > 1 else "normal"}
        if len(w) > 2:
            wish["meetings"] = w[2]
        wishes.append(wish)
    people = [{"name": f"{cid} person {i}", "id": f"p{i}", "email": f"p{i}@{cid}.example.com"}
              for i in range(1, delegates + 1)]
    data = {"id": cid, "name": cid.upper(), "side": side, "country": "ES",
            "delegates": people, "wants_to_meet": wishes}
    data.update(extra)
    return data


def folder(mission_data: dict, companies: list[dict]) -> MissionFolder:
    """A validated MissionFolder from dicts."""
    m = Mission.model_validate(mission_data)
    cs = {c["id"]: Company.model_validate(c) for c in companies}
    fill_defaults(m, cs)
    return MissionFolder(mission=m, companies=cs)


def solve(f: MissionFolder, previous: Schedule | None = None, **options: object) -> Schedule:
    """Schedule a folder with a short deterministic budget."""
    opts = {"time_limit": 5.0, **options}
    return make_schedule(f, SolveOptions(**opts), previous)


def hhmm(schedule: Schedule) -> dict[str, str]:
    """Meeting id -> local start 'HH:MM'."""
    return {m.id: f"{m.start:%H:%M}" for m in schedule.meetings}


def utc_span(meeting) -> tuple:
    """A meeting's UTC interval."""
    return meeting.start.astimezone(UTC), meeting.end.astimezone(UTC)


def own_check(f: MissionFolder, schedule: Schedule) -> list[str]:
    """A few independent checks of the hard rules (the real checker lives in check.py)."""
    problems = []
    for m in schedule.meetings:
        session = f.session(m.session)
        if (m.end - m.start).total_seconds() != session.meeting_minutes * 60:
            problems.append(f"{m.id}: wrong length")
        if len(set(m.companies)) != 2:
            problems.append(f"{m.id}: one company")
        for d in m.delegates:
            if d.split("/")[0] not in m.companies:
                problems.append(f"{m.id}: stranger {d}")
    ms = schedule.meetings
    for i, a in enumerate(ms):
        for b in ms[i + 1:]:
            sa, sb = utc_span(a), utc_span(b)
            if sa[0] < sb[1] and sb[0] < sa[1]:
                shared = set(a.companies) & set(b.companies)
                if any(not f.companies[c].parallel for c in shared):
                    problems.append(f"{a.id} and {b.id} overlap for {shared}")
                if a.table and a.table == b.table and a.session == b.session:
                    problems.append(f"{a.id} and {b.id} share {a.table}")
    return problems
