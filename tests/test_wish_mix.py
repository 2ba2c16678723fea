"""The wish terms together: longer meetings that are also in person, taken by named
delegates of a parallel company, in the CP-SAT model and the large-event engine, every
schedule confirmed by the independent checker."""

from __future__ import annotations

import pytest
from helpers.solver_kit import company, folder, mission, solve

from scheduler.check.rules import check_schedule
from scheduler.input.model import MissionFolder

ENGINES = {"cpsat": {}, "large": {"large_from": 0}}  # large_from=0: the bitset engine
CALLS = {"id": "v", "title": "Calls", "virtual": True, "timezone": "Europe/Madrid",
         "date": "2026-03-11", "windows": ["09:00-10:00"], "meeting_minutes": 20,
         "changeover_minutes": 0, "video_link": "https://v.example.org/{meeting}"}
WISHES = [  # a's three people p1..p3 share five wishes
    {"company": "x", "minutes": 40, "mode": "in-person", "delegates": ["p1"]},
    {"company": "y", "minutes": 40, "mode": "in-person", "delegates": ["p2"]},
    {"company": "z", "minutes": 40, "delegates": ["p1", "p3"]},
    {"company": "w", "mode": "in-person"},
    {"company": "u", "minutes": 60, "delegates": ["p3"], "priority": "high"},
]


def mixed(tables: int) -> MissionFolder:
    """Three 20-minute slots in person at `tables` tables and three by video the next day;
    a parallel company with three people and the wishes above; x is parallel too."""
    m = mission()
    m["partnering"][0]["tables"] = tables
    m["partnering"].append(CALLS)
    a = company("a", delegates=3, parallel=True, wants_to_meet=WISHES)
    hosts = [company(h, "host", delegates=2, parallel=h == "x") for h in "xyzwu"]
    return folder(m, [a, *hosts])


@pytest.mark.parametrize("tables", [1, 2, 3])
@pytest.mark.parametrize("engine", ENGINES.values(), ids=ENGINES.keys())
def test_longer_in_person_named_parallel_meetings_keep_every_term(engine, tables):
    f = mixed(tables)
    schedule = solve(f, time_limit=3.0, **engine)
    assert check_schedule(f, schedule) == []
    wishes = {f"a--{w['company']}": w for w in WISHES}
    assert len(schedule.meetings) >= min(tables + 1, 4)
    for meeting in schedule.meetings:
        wish = wishes[meeting.request]
        assert (meeting.end - meeting.start).total_seconds() == wish.get("minutes", 20) * 60
        if wish.get("mode") == "in-person":
            assert meeting.session == "s1" and meeting.table
        ours = [d.removeprefix("a/") for d in meeting.delegates if d.startswith("a/")]
        assert len(ours) == 1 and ours[0] in wish.get("delegates", ["p1", "p2", "p3"])
