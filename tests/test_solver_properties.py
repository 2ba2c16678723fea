"""Property tests on random small missions: valid schedules, and exhaustive optima.

On instances small enough to enumerate every assignment of requests to slots, the
solver's lexicographic result (must-haves, weight, fairness, idle slots) equals the
best tuple found by brute force.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

from helpers.solver_kit import company, folder, mission, own_check, solve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.check.rules import check_schedule
from scheduler.meaning.requests import build_requests
from scheduler.meaning.slots import build_slots
from scheduler.solver.bound import capacity_bound
from scheduler.solver.build import build_space

PRIORITIES = ["low", "normal", "high", "must"]


@st.composite
def small_missions(draw: st.DrawFn) -> tuple[dict, list[dict]]:
    """One session of 2-4 slots, 1-2 tables, 2-3 delegation companies and 2-3 hosts."""
    slots = draw(st.integers(2, 4))
    tables = draw(st.integers(1, 2))
    m = mission()
    end = 9 * 60 + 20 * slots
    m["partnering"][0].update(windows=[f"09:00-{end // 60:02d}:{end % 60:02d}"],
                              tables=tables)
    hosts = [f"h{i}" for i in range(draw(st.integers(2, 3)))]
    people = []
    pairs = 0
    for i in range(draw(st.integers(2, 3))):
        wanted = draw(st.lists(st.sampled_from(hosts), unique=True, max_size=3))
        wanted = wanted[:max(0, 5 - pairs)]
        pairs += len(wanted)
        wishes = [(h, draw(st.sampled_from(PRIORITIES[:3] + ["must"] * (i == 0))))
                  for h in wanted]
        extra: dict = {}
        if draw(st.booleans()):
            extra["max_meetings"] = draw(st.integers(1, 2))
        if draw(st.booleans()):
            k = draw(st.integers(0, slots - 1))
            minute = 9 * 60 + 20 * k
            extra["unavailable"] = [f"2026-03-10 {minute // 60:02d}:{minute % 60:02d}-"
                                    f"{(minute + 20) // 60:02d}:{(minute + 20) % 60:02d}"]
        people.append(company(f"d{i}", wants=wishes, **extra))
    people += [company(h, "host") for h in hosts]
    return m, people


def brute_force(f) -> tuple | None:
    """Best (musts placed, weight, fairness x1000, -idle) over every assignment."""
    session = f.mission.partnering[0]
    start, end = session.windows[0]
    n_slots = ((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)) // 20
    tables = len(session.tables)
    requests = build_requests(f)
    free = {}
    for cid, c in f.companies.items():
        blocked = {((a.hour * 60 + a.minute) - 540) // 20 for a, _ in c.unavailable}
        free[cid] = [s for s in range(n_slots) if s not in blocked]
    options = [[None] + [s for s in free[q.companies[0]] if s in free[q.companies[1]]]
               for q in requests]
    asked = {c: sum(1 for q in requests if c in q.companies) for c in f.companies}
    candidates = {c for q, opts in zip(requests, options, strict=True) if len(opts) > 1
                  for c in q.companies}
    best = None
    for choice in itertools.product(*options):
        busy: dict = {}
        ok = True
        count = dict.fromkeys(f.companies, 0)
        per_slot = [0] * n_slots
        for q, s in zip(requests, choice, strict=True):
            if s is None:
                continue
            per_slot[s] += 1
            for c in q.companies:
                ok &= (c, s) not in busy
                busy[(c, s)] = True
                count[c] += 1
        ok &= all(n <= tables for n in per_slot)
        ok &= all(f.companies[c].max_meetings is None or count[c] <= f.companies[c].max_meetings
                  for c in f.companies)
        if not ok:
            continue
        musts = sum(1 for q, s in zip(requests, choice, strict=True) if q.must and s is not None)
        weight = sum(q.weight for q, s in zip(requests, choice, strict=True) if s is not None)
        shares = [math.floor(1000 * count[c] / asked[c]) for c in f.companies
                  if f.companies[c].side == "delegation" and c in candidates]
        idle = 0
        for c in f.companies:
            used = [s for s in range(n_slots) if (c, s) in busy]
            if used:
                idle += max(used) - min(used) + 1 - len(used)
        value = (musts, weight, min(shares) if shares else 0, -idle)
        best = value if best is None or value > best else best
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_missions())
def test_solver_matches_exhaustive_optimum_and_passes_checker(case):
    m, people = case
    f = folder(m, people)
    expected = brute_force(f)  # a must-have that cannot be placed leaves the rest optimal
    s = solve(f)
    assert check_schedule(f, s) == []
    assert own_check(f, s) == []
    assert s.quality.status in ("optimal", "empty")
    requests = {q.id: q for q in build_requests(f)}
    musts = sum(1 for x in s.meetings if requests[x.request].must)
    asked = {c: sum(1 for q in requests.values() if c in q.companies) for c in f.companies}
    got = {c: sum(1 for x in s.meetings if c in x.companies) for c in f.companies}
    shares = [math.floor(1000 * got[c] / asked[c]) for c in f.companies
              if f.companies[c].side == "delegation" and asked[c] and
              _has_candidate(f, c)]
    fair = min(shares) if shares else 0
    assert (musts, s.quality.weight_placed, fair, -s.quality.idle_slots) == expected
    missing = {q.id for q in requests.values() if q.must} - {x.request for x in s.meetings}
    assert {u.request for u in s.unplaced if u.priority == "must"} >= missing
    assert s.quality.placed <= s.quality.bound
    space = build_space(f, build_requests(f), build_slots(f.mission))
    assert s.quality.placed <= capacity_bound(space)


def _has_candidate(f, cid: str) -> bool:
    """Whether a company shares a free slot with someone it has a request with."""
    session = f.mission.partnering[0]
    start, end = session.windows[0]
    n = ((end.hour * 60 + end.minute) - 540) // 20

    def free(c: str) -> set[int]:
        blocked = {((a.hour * 60 + a.minute) - 540) // 20 for a, _ in f.companies[c].unavailable}
        return set(range(n)) - blocked

    return any(free(q.companies[0]) & free(q.companies[1])
               for q in build_requests(f) if cid in q.companies)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_missions(), st.booleans())
def test_video_rooms_cap_a_virtual_session_like_tables(case, large):
    m, people = case
    session = {k: v for k, v in m["partnering"][0].items() if k != "venue"}
    session.update(virtual=True, timezone="Europe/Madrid", video_link="https://v.example/{meeting}")
    f = folder({**m, "partnering": [session]}, people)
    rooms = f.mission.partnering[0].tables
    expected = brute_force(f)  # the same optimum as with as many tables
    if expected is None:
        return
    s = solve(f, large_from=0 if large else 200_000)
    assert check_schedule(f, s) == []
    per_slot = Counter(x.start for x in s.meetings)
    assert all(n <= len(rooms) for n in per_slot.values())
    assert {x.table for x in s.meetings} <= set(rooms)
    if not large:
        assert s.quality.weight_placed == expected[1]
