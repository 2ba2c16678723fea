"""The solver satisfies every hard rule: one test (or more) per rule, on tiny missions."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from helpers.solver_kit import DAY, company, folder, hhmm, mission, own_check, solve

from scheduler.check.rules import check_programme_conflict, check_schedule
from scheduler.errors import InfeasibleError
from scheduler.schedule import Schedule
from scheduler.tooling.baselines import first_fit


def hosts(*ids: str) -> list[dict]:
    """Host companies with no wishes of their own."""
    return [company(i, "host") for i in ids]


def test_meeting_shape_length_companies_and_delegates():
    f = folder(mission(), [company("a", wants=["x"], delegates=2), *hosts("x")])
    m = solve(f).meetings[0]
    assert m.end - m.start == timedelta(minutes=20)
    assert m.companies == ["a", "x"]
    assert m.delegates == ["a/p1", "a/p2", "x/p1"]
    assert own_check(f, solve(f)) == []


def test_slot_grid_with_changeover_and_two_windows():
    session = {"id": "s1", "title": "P", "venue": "mad", "date": "2026-03-10",
               "windows": ["09:00-10:00", "11:00-11:30"], "meeting_minutes": 25,
               "changeover_minutes": 5, "tables": 5}
    f = folder(mission(partnering=[session]), [company("a", wants=["x", "y", "z", "w"]),
                                               *hosts("x", "y", "z", "w")])
    s = solve(f)
    assert sorted(hhmm(s).values()) == ["09:00", "09:30", "11:00"]
    assert all(m.start.utcoffset() == timedelta(hours=1) for m in s.meetings)
    assert len(s.unplaced) == 1


def test_session_attendance_only_sessions_attended():
    two = {"id": "s2", "title": "P2", "venue": "mad", "date": "2026-03-11",
           "windows": ["09:00-10:00"], "meeting_minutes": 20, "changeover_minutes": 0,
           "tables": 2}
    m = mission()
    m["partnering"].append(two)
    f = folder(m, [company("a", wants=["x"], attends=["s2"]), *hosts("x")])
    assert [x.session for x in solve(f).meetings] == ["s2"]
    f = folder(m, [company("a", wants=["x"], attends=["s2"]), company("x", "host",
                                                                      attends=["s1"])])
    s = solve(f)
    assert s.meetings == [] and s.quality.bound == 0 and len(s.unplaced) == 1


def test_availability_company_period_in_its_own_zone():
    # 04:00-05:00 in New York (EDT since March 8) is 09:00-10:00 in Madrid (CET): no slot left
    f = folder(mission(), [company("a", wants=["x"], timezone="America/New_York",
                                   unavailable=["2026-03-10 04:00-05:00"]), *hosts("x")])
    assert solve(f).meetings == []  # a period in the mission's zone: tests/test_rule_cases.py


def test_availability_delegate_level():
    a = company("a", wants=["x"], delegates=2)
    a["delegates"][1]["unavailable"] = ["2026-03-10"]
    f = folder(mission(), [a, *hosts("x")])
    assert solve(f).meetings[0].delegates == ["a/p1", "x/p1"]


def test_availability_parallel_company_sends_one_delegate_each():
    m = mission()
    m["partnering"][0]["windows"] = ["09:00-09:40"]
    f = folder(m, [company("a", "host", delegates=2, parallel=True),
                   *[company(c, wants=["a"]) for c in ("b", "c", "d", "e", "f")]])
    s = solve(f)
    assert s.quality.placed == 4  # 2 slots, at most 2 at a time (2 delegates, 2 tables)
    for m in s.meetings:
        assert len([d for d in m.delegates if d.startswith("a/")]) == 1
    starts = [(m.start, d) for m in s.meetings for d in m.delegates if d.startswith("a/")]
    assert len(starts) == len(set(starts))
    assert own_check(f, s) == []


def test_programme_conflict_timed_item_blocks_its_attendees_only():
    item = {"title": "Workshop", "start": "2026-03-10 09:00", "end": "2026-03-10 09:30",
            "venue": "mad", "attendees": ["delegation"]}
    people = [company("a", wants=["x", "y", "z"]), *hosts("x", "y", "z", "h"),
              company("g", "government", wants=["h"])]
    s = solve(folder(mission(programme=[item]), people))
    ours = [m for m in s.meetings if "a" in m.companies]
    assert len(ours) == 1 and f"{ours[0].start:%H:%M}" == "09:40"
    assert [m.kind for m in s.meetings if "g" in m.companies] == ["g2b"]
    item["blocks_meetings"] = False
    assert solve(folder(mission(programme=[item]), people)).quality.placed == 4


def test_programme_conflict_transfer_zones_and_all_day_items():
    # 17:00 Tokyo = 09:00 Madrid; arriving in Madrid 09:30 local: slots 09:00 and 09:20 blocked
    transfer = {"title": "Flight", "kind": "transfer", "start": "2026-03-10 17:00",
                "end": "2026-03-10 09:30", "from": "tyo", "to": "mad", "attendees": ["a"]}
    f = folder(mission(programme=[transfer]), [company("a", wants=["x"]), *hosts("x")])
    s = solve(f)
    assert hhmm(s)["a--x"] == "09:40"
    early = s.model_copy(deep=True)
    early.meetings[0].start -= timedelta(minutes=20)
    early.meetings[0].end -= timedelta(minutes=20)
    assert {v.rule for v in check_programme_conflict(f, early)} == {"programme_conflict"}
    # arriving 09:20 sharp: the 09:20 slot is free again (intervals are half-open)
    landed = {**transfer, "end": "2026-03-10 09:20"}
    f = folder(mission(programme=[landed]), [company("a", wants=["x"]), *hosts("x")])
    assert check_programme_conflict(f, early) == []
    fair = {"title": "Fair day", "date": "2026-03-10", "attendees": ["cluster:Biocat"],
            "blocks_meetings": True}
    f = folder(mission(programme=[fair]), [company("a", wants=["x"], cluster="Biocat"),
                                           *hosts("x")])
    assert solve(f).meetings == []


def test_one_meeting_at_a_time_across_sessions_and_zones():
    tokyo = {"id": "s2", "title": "Virtual", "virtual": True, "timezone": "Asia/Tokyo",
             "date": "2026-03-10", "windows": ["17:00-18:00"], "meeting_minutes": 20,
             "changeover_minutes": 0, "video_link": "https://v.example/{meeting}"}
    m = mission()
    m["partnering"].append(tokyo)
    f = folder(m, [company("a", wants=["x", "y", "z", "w", "v", "u", "t"]),
                   *hosts("x", "y", "z", "w", "v", "u", "t")])
    s = solve(f)
    assert s.quality.placed == 3  # the Tokyo session is the same hour as Madrid's
    assert own_check(f, s) == []
    virtual = [x for x in s.meetings if x.session == "s2"]
    assert all(x.table is None and x.video_link == f"https://v.example/{x.id}"
               for x in virtual)


def test_table_capacity_one_table():
    f = folder(mission(partnering=[{**mission()["partnering"][0], "tables": ["Blue"]}]),
               [company(c, wants=[h]) for c, h in (("a", "x"), ("b", "y"), ("c", "z"),
                                                   ("d", "w"))] + hosts("x", "y", "z", "w"))
    s = solve(f)
    assert s.quality.placed == 3 and s.quality.bound == 3
    assert {m.table for m in s.meetings} == {"Blue"}
    assert len({m.start for m in s.meetings}) == 3


def _video(rooms: object) -> object:
    """Seven disjoint pairs wishing to meet in a virtual session of three slots."""
    session = {"id": "v1", "title": "Video calls", "virtual": True, "timezone": "Asia/Tokyo",
               "video_link": "https://meet.example/{meeting}", "date": DAY,
               "windows": ["09:00-10:00"], "meeting_minutes": 20, "changeover_minutes": 0}
    if rooms is not None:
        session["tables"] = rooms
    pairs = [(f"d{i}", f"h{i}") for i in range(7)]
    return folder(mission(partnering=[session]),
                  [company(d, wants=[h]) for d, h in pairs] + hosts(*(h for _, h in pairs)))


@pytest.mark.parametrize("large_from", [200_000, 0])  # CP-SAT, then the large-event engine
def test_table_capacity_video_rooms_cap_parallel_virtual_meetings(large_from):
    f = _video(2)
    s = solve(f, large_from=large_from)
    assert s.quality.placed == 6  # 3 slots x 2 rooms; the seventh pair waits
    per_slot = Counter(m.start for m in s.meetings)
    assert max(per_slot.values()) == 2
    assert {m.table for m in s.meetings} == {"Video room 1", "Video room 2"}
    assert all(m.video_link == f"https://meet.example/{m.id}" for m in s.meetings)
    assert check_schedule(f, s) == []
    assert [u.reason for u in s.unplaced] == [
        "both video rooms are taken in the 3 slots both are free"]
    baseline = first_fit(f)  # the bench's first-fit baseline keeps to the rooms too
    assert len(baseline.meetings) == 6 and check_schedule(f, baseline) == []


@pytest.mark.parametrize("large_from", [200_000, 0])
def test_a_video_link_with_room_gives_each_video_room_its_link(large_from):
    """{room} in video_link: the room's name as an id, so each room has its own link."""
    f = _video(2)
    f.mission.partnering[0].video_link = "https://meet.example/osaka-{room}?m={meeting}"
    s = solve(f, large_from=large_from)
    assert {m.video_link for m in s.meetings} == {
        f"https://meet.example/osaka-video-room-{m.table[-1]}?m={m.id}" for m in s.meetings}
    assert len({m.video_link.split("?")[0] for m in s.meetings}) == 2
    assert check_schedule(f, s) == []
    swapped = s.meetings[0].model_copy(update={"table": "Video room 2" if s.meetings[0].table
                                               == "Video room 1" else "Video room 1"})
    broken = s.model_copy(update={"meetings": [swapped, *s.meetings[1:]]})
    assert any("should be 'https://meet.example/osaka-video-room-" in v.message
               for v in check_schedule(f, broken))
    baseline = first_fit(f)
    assert check_schedule(f, baseline) == [] and all(
        m.video_link.endswith(f"video-room-{m.table[-1]}?m={m.id}") for m in baseline.meetings)


def test_table_capacity_named_video_room_and_no_rooms_means_any_number():
    s = solve(_video(["Zoom A"]))
    assert s.quality.placed == 3 and {m.table for m in s.meetings} == {"Zoom A"}
    s = solve(_video(None))
    assert s.quality.placed == 7 and {m.table for m in s.meetings} == {None}


def test_locked_virtual_meetings_stay_when_video_rooms_are_added():
    before = solve(_video(None))
    locked = [m.model_copy(update={"locked": True}) for m in before.meetings]
    before = before.model_copy(update={"meetings": locked[:2] + before.meetings[2:]})
    f = _video(2)
    s = solve(f, before)
    kept = {m.id: m for m in s.meetings}
    assert all(kept[m.id].start == m.start and kept[m.id].table for m in locked[:2])
    assert check_schedule(f, s, before) == []


def test_booth_ownership_owner_meets_at_its_booth():
    session = {**mission()["partnering"][0], "tables": 1,
               "booths": [{"id": "b1", "name": "Booth Kobe", "owners": ["x"], "tables": 2}]}
    f = folder(mission(partnering=[session]),
               [company("a", wants=["x"]), company("b", wants=["x"]),
                company("c", wants=["y"]), *hosts("x", "y")])
    s = solve(f)
    at_booth = [m for m in s.meetings if "x" in m.companies]
    assert all(m.booth == "b1" and m.table.startswith("Booth Kobe / Table ") for m in at_booth)
    assert [m.table for m in s.meetings if "y" in m.companies] == ["Table 1"]
    assert len(at_booth) == 2


def test_company_cap_and_session_cap():
    f = folder(mission(), [company("a", wants=["x", "y", "z"], max_meetings=2),
                           *hosts("x", "y", "z")])
    s = solve(f)
    assert s.quality.placed == 2 and s.unplaced[0].meetings == 1
    # a session's max_meetings_per_company: tests/test_rule_cases.py
    m = mission()
    m["partnering"][0]["max_meetings"] = 1
    f = folder(m, [company("a", wants=["x"]), company("b", wants=["y", ("x", "high")]),
                   *hosts("x", "y")])
    s = solve(f)
    assert [x.id for x in s.meetings] == ["b--x"]  # the heaviest request wins the only place


def test_requested_pair_only_requested_and_repeat_meetings():
    f = folder(mission(), [company("a", wants=[("x", "normal", 2)]), *hosts("x", "y")])
    s = solve(f)
    assert sorted(hhmm(s)) == ["a--x", "a--x-2"]
    assert hhmm(s)["a--x"] < hhmm(s)["a--x-2"]
    assert all(set(m.companies) == {"a", "x"} for m in s.meetings)


def test_locked_meeting_stays_and_impossible_lock_is_an_error():
    f = folder(mission(), [company("a", wants=["x"]), *hosts("x")])
    first = solve(f)
    moved = first.meetings[0].model_copy(update={
        "locked": True, "start": first.meetings[0].start.replace(hour=9, minute=40),
        "end": first.meetings[0].end.replace(hour=10, minute=0)})
    prev = first.model_copy(update={"meetings": [moved]})
    assert hhmm(solve(f, prev)) == {"a--x": "09:40"}
    bad = moved.model_copy(update={"start": moved.start.replace(hour=12)})
    with pytest.raises(InfeasibleError, match="locked meeting a--x"):
        solve(f, prev.model_copy(update={"meetings": [bad]}))


def test_must_have_that_cannot_be_placed_is_listed_with_a_remedy():
    f = folder(mission(), [company("a", wants=[("x", "must"), "y"], attends=[]),
                           company("b", wants=["y"]), *hosts("x", "y")])
    s = solve(f)
    assert [m.id for m in s.meetings] == ["b--y"]
    must = next(u for u in s.unplaced if u.request == "a--x")
    assert must.priority == "must" and must.reason.startswith("no common slot")
    assert must.remedies == ["both attend s1"]


def test_must_have_beats_weight():
    # one slot only; x is wanted by a (must, weight 3) and by b and c (high, weight 3 each)
    m = mission()
    m["partnering"][0]["windows"] = ["09:00-09:20"]
    f = folder(m, [company("a", wants=[("x", "must")]), company("b", wants=[("x", "high")]),
                   *hosts("x")])
    assert [x.id for x in solve(f).meetings] == ["a--x"]


def test_dst_offsets_follow_the_day():
    session = {**mission()["partnering"][0], "date": None, "windows": ["09:00-09:20"],
               "dates": ["2026-03-28", "2026-03-30"]}
    f = folder(mission(start="2026-03-28", end="2026-03-30", partnering=[session]),
               [company("a", wants=[("x", "normal", 2)]), company("x", "host")])
    s: Schedule = solve(f)
    offsets = {m.start.date().isoformat(): m.start.utcoffset() for m in s.meetings}
    assert offsets == {"2026-03-28": timedelta(hours=1), "2026-03-30": timedelta(hours=2)}


def test_booth_of_a_cluster_and_locked_meeting_at_a_vanished_table():
    session = {**mission()["partnering"][0],
               "booths": [{"id": "pav", "name": "Pavilion", "owners": ["cluster:BioM"]}]}
    f = folder(mission(partnering=[session]),
               [company("a", wants=["x"], cluster="BioM"), company("b", wants=["x"]),
                company("x", "host")])
    s = solve(f)
    assert {m.id: m.table for m in s.meetings}["a--x"] == "Pavilion"
    assert {m.id: m.booth for m in s.meetings}["b--x"] is None
    moved = s.meetings[0].model_copy(update={"locked": True, "table": "Table 99",
                                             "booth": None})
    if moved.id == "a--x":
        moved = s.meetings[1].model_copy(update={"locked": True, "table": "Table 99"})
    with pytest.raises(InfeasibleError, match="no longer has"):
        solve(f, s.model_copy(update={"meetings": [moved]}))
