"""Every seed mission schedules: valid, explained, within its bound (short time limit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.check.rules import check_schedule
from scheduler.load.loader import load_mission
from scheduler.plan.planning import SolveOptions, make_schedule

SEEDS = sorted(p.parent for p in (Path(__file__).parent.parent / "seeds").glob("*/mission.yaml"))


# The largest seed takes over 3 s; the others already prove the solver on real missions.
@pytest.mark.parametrize("seed", [
    pytest.param(s, id=s.name, marks=[pytest.mark.slow] if s.name == "bioxclusters-japan-2016"
                 else []) for s in SEEDS])
def test_seed_schedules(seed: Path):
    folder, _ = load_mission(seed)
    schedule = make_schedule(folder, SolveOptions(time_limit=2.0))
    assert check_schedule(folder, schedule) == []
    assert schedule.meetings
    assert schedule.quality.placed <= schedule.quality.bound
    assert all(u.reason and u.reason != "not placed" for u in schedule.unplaced)
    assert schedule.quality.placed + sum(u.meetings for u in schedule.unplaced) \
        == schedule.quality.requested
