"""Re-planning moves only what it must: cancellations, late requests, late arrivals."""

from __future__ import annotations

from helpers.solver_kit import company, folder, mission, solve

from scheduler.check.rules import check_schedule


def two_days() -> dict:
    """A mission with the session on two days (3 slots a day, 2 tables)."""
    m = mission()
    m["partnering"][0].update(date=None, dates=["2026-03-10", "2026-03-11"])
    return m


def people(**extra_a: object) -> list[dict]:
    """Three delegation companies wanting hosts x, y, z."""
    return [company("a", wants=["x", "y", "z"], **extra_a), company("b", wants=["x", "y"]),
            company("c", wants=["z", "x"]),
            *[company(h, "host") for h in ("x", "y", "z")]]


def place(schedule) -> dict[str, tuple]:
    """Meeting id -> (session, start, table)."""
    return {m.id: (m.session, m.start, m.table) for m in schedule.meetings}


def test_same_input_replans_to_the_same_schedule_with_no_changes():
    f = folder(two_days(), people())
    first = solve(f)
    again = solve(f, first)
    assert again.meetings == first.meetings and again.changes == []


def test_cancelled_company_only_drops_its_meetings():
    f = folder(two_days(), people())
    first = solve(f)
    cancelled = folder(two_days(), [p for p in people() if p["id"] != "b"])
    second = solve(cancelled, first)
    assert check_schedule(cancelled, second, first) == []
    kept = {k: v for k, v in place(first).items() if "b" not in k.split("--")}
    assert place(second) == kept
    dropped = [c for c in second.changes if c.change == "dropped"]
    assert {c.meeting for c in dropped} == {"b--x", "b--y"}
    assert "no longer take" in dropped[0].reason
    assert all(c.change == "dropped" for c in second.changes)


def test_late_request_is_added_around_existing_meetings():
    f = folder(two_days(), people())
    first = solve(f)
    late = people()
    late[1]["wants_to_meet"].append({"company": "z", "priority": "high"})
    second = solve(folder(two_days(), late), first)
    before, after = place(first), place(second)
    assert {k: after[k] for k in before} == before
    assert [(c.meeting, c.change) for c in second.changes] == [("b--z", "added")]


def test_delegate_arriving_a_day_late_moves_only_their_meetings():
    m = two_days()
    m["partnering"][0]["windows"] = ["09:00-09:40"]  # 2 slots a day
    f = folder(m, people())
    first = solve(f)
    day_one = [x.id for x in first.meetings if x.start.day == 10 and "a" in x.companies]
    assert day_one  # a has meetings on the first day
    late = folder(m, people(unavailable=["2026-03-10"]))
    second = solve(late, first)
    assert check_schedule(late, second) == []
    assert all(x.start.day == 11 for x in second.meetings if "a" in x.companies)
    changed = {c.meeting for c in second.changes}
    assert set(day_one) <= changed
    untouched = {k: v for k, v in place(first).items() if k not in changed}
    assert {k: place(second)[k] for k in untouched} == untouched
    assert all("a" in c.companies for c in second.changes)


def test_a_locked_meeting_stays_locked_after_a_replan():
    """Re-planning keeps a locked meeting in place and keeps it locked for the next re-plan."""
    f = folder(two_days(), people())
    first = solve(f)
    target = first.meetings[0].id
    locked = first.model_copy(update={"meetings": [
        m.model_copy(update={"locked": m.id == target}) for m in first.meetings]})
    second = solve(f, locked)
    assert [m.id for m in second.meetings if m.locked] == [target]
    assert place(second)[target] == place(first)[target]
    third = solve(f, second)
    assert [m.id for m in third.meetings if m.locked] == [target]
