"""Re-planning when a delegate (not the whole company) arrives a day late."""

from __future__ import annotations

from helpers.solver_kit import folder, solve
from test_replan import people, place, two_days

from scheduler.check.rules import check_schedule

LATE = {"unavailable": ["2026-03-10"]}


def with_delegates(count: int, late: bool) -> list[dict]:
    """The re-plan cast, with company `a` sending `count` delegates; p2 (or p1) late."""
    cast = people()
    a = cast[0]
    a["delegates"] = [{"name": f"a person {i}", "id": f"p{i}", "email": f"p{i}@a.example.com"}
                      for i in range(1, count + 1)]
    if late:
        a["delegates"][-1].update(LATE)
    return cast


def test_second_delegate_late_keeps_every_meeting_and_drops_them_from_day_one():
    m = two_days()
    first = solve(folder(m, with_delegates(2, late=False)))
    late = folder(m, with_delegates(2, late=True))
    second = solve(late, first)
    assert check_schedule(late, second) == []
    assert place(second) == place(first)  # the company is still there: nothing moves
    for meeting in second.meetings:
        if "a" in meeting.companies:
            ours = [d for d in meeting.delegates if d.startswith("a/")]
            assert ours == (["a/p1"] if meeting.start.day == 10 else ["a/p1", "a/p2"])


def test_only_delegate_late_moves_the_company_off_day_one_and_nothing_else():
    m = two_days()
    m["partnering"][0]["windows"] = ["09:00-09:40"]  # 2 slots a day
    first = solve(folder(m, with_delegates(1, late=False)))
    assert any(x.start.day == 10 and "a" in x.companies for x in first.meetings)
    late = folder(m, with_delegates(1, late=True))
    second = solve(late, first)
    assert check_schedule(late, second) == []
    assert all(x.start.day == 11 for x in second.meetings if "a" in x.companies)
    changed = {c.meeting for c in second.changes}
    unchanged = {k: v for k, v in place(first).items() if k not in changed}
    assert {k: place(second)[k] for k in unchanged} == unchanged
    assert all("a" in c.companies for c in second.changes)
