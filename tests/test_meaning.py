"""One meaning of the mission: who attends an item and when it blocks, for every reader."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
from helpers.solver_kit import company, folder, mission, solve

from scheduler.check.rules import check_schedule
from scheduler.check.times import programme_clash
from scheduler.export.agenda import build_agenda
from scheduler.export.html import agenda_html
from scheduler.export.ics.writer import write_ics
from scheduler.meaning import as_utc, item_attendees, item_block
from scheduler.meaning.slots import availability, build_slots

LUNCH = {"id": "hosts-lunch", "title": "Hosts' lunch", "kind": "meal", "venue": "mad",
         "start": "2026-03-10 09:00", "end": "2026-03-10 10:00", "attendees": ["hosts"]}


def drift_mission():
    """A blocking 09:00-10:00 item for `hosts`, and an investor free 09:00-10:20 who wants
    two meetings: only the 10:00 slot is both free and outside the item."""
    m = mission(programme=[LUNCH])
    m["partnering"][0]["windows"] = ["09:00-11:00"]  # six 20-minute slots
    investor = company("vc", "investor", wants=["a", "b"],
                       unavailable=["2026-03-10 10:20-11:00"])
    return folder(m, [investor, company("a"), company("b"), company("h", "host")])


def test_hosts_means_every_company_outside_the_delegation():
    f = drift_mission()
    assert item_attendees(f, f.mission.programme[0]) == {"vc", "h"}


def test_an_investor_has_no_meeting_during_a_blocking_hosts_item(tmp_path: Path):
    f = drift_mission()
    schedule = solve(f, time_limit=2.0)
    lunch = as_utc(item_block(f, f.mission.programme[0]))
    investor = [m for m in schedule.meetings if "vc" in m.companies]
    assert [f"{m.start:%H:%M}" for m in investor] == ["10:00"]
    assert all(not (m.start < lunch[1] and lunch[0] < m.end) for m in investor)
    assert check_schedule(f, schedule) == []

    write_ics(f, schedule, tmp_path)
    for path in (tmp_path / "companies" / "vc.ics", tmp_path / "people" / "vc" / "p1.ics"):
        events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        lunches = [e for e in events if str(e["SUMMARY"]) == "Hosts' lunch"]
        assert len(lunches) == 1, path
        assert lunches[0].decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 10, 8, 0,
                                                                         tzinfo=UTC)

    agenda = build_agenda(f, schedule, f.companies["vc"])
    rows = [(r.start, r.title) for d in agenda.days for r in d.rows]
    assert ("09:00", "Hosts' lunch") in rows
    assert "Hosts&#39; lunch" in agenda_html(f, schedule, agenda)


def test_solver_and_checker_block_the_same_slots():
    visit = {"id": "visit", "title": "Site visit", "kind": "visit", "venue": "mad",
             "from": "tyo", "to": "mad", "start": "2026-03-10 17:00",
             "end": "2026-03-10 09:20", "attendees": ["delegation"]}
    fair = {"id": "fair", "title": "Fair", "kind": "fair", "venue": "tyo", "date": "2026-03-11",
            "blocks_meetings": True, "attendees": ["everyone"]}
    m = mission(programme=[LUNCH, visit, fair])
    m["partnering"][0].update(dates=["2026-03-10", "2026-03-11"], windows=["08:00-11:00"])
    m["partnering"][0].pop("date")
    f = folder(m, [company("a"), company("vc", "investor"), company("h", "host")])
    slots = build_slots(f.mission)
    free = availability(f, slots)
    for cid, c in f.companies.items():
        checker = {s.index for s in slots if programme_clash(f, c, s.utc) is None}
        assert set(free.slots(cid)) == checker, cid
    # the visit starts 17:00 in Tokyo (09:00 in Madrid); the Tokyo fair day covers the
    # second morning in Madrid; the hosts' lunch blocks 09:00-10:00 for vc and h
    assert sorted(free.slots("a")) == [0, 1, 2, 4, 5, 6, 7, 8]
    assert sorted(free.slots("vc")) == sorted(free.slots("h")) == [0, 1, 2, 6, 7, 8]
