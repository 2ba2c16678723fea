"""Every seed mission's calendars, read by the independent consumers.

Each seed is exported into a temporary folder from its schedule.json (or, while a
seed has none yet, from a schedule solved here with a short time limit). Every
file goes through our own check, icalendar, the strict `ical` parser and vobject,
and through Radicale and khal (about two minutes for all seeds). One seed (two time zones,
video meetings) is outside the `slow` set, the other seeds only in it; Radicale and khal are
`external`. MISSION_QUICK_CONSUMERS=1 gives Radicale and khal only the organiser's
and the clusters' calendars (together they hold every item) plus a few company and person files.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from helpers.ics_support import (
    consume_ical,
    consume_icalendar,
    consume_vobject,
    ics_files,
    khal_roundtrip,
    radicale_roundtrip,
    radicale_server,
    raw,
)
from test_ics_crosscheck import check_meetings_everywhere

from scheduler.export import ExportOptions, export
from scheduler.export.ics.check import check_calendar
from scheduler.input.model import MissionFolder
from scheduler.load.loader import load_mission
from scheduler.schedule import SCHEDULE_FILE, Schedule, read_schedule

SEEDS = Path(__file__).parents[1] / "seeds"
SEED_DIRS = sorted(p.parent for p in SEEDS.glob("*/mission.yaml"))
FULL = not os.environ.get("MISSION_QUICK_CONSUMERS")
FAST_SEED = "bcecc-chinabio-2022"


def seed_params(*marks: pytest.MarkDecorator) -> list:
    """Every seed with marks; all but FAST_SEED also slow (the other seeds repeat its proof)."""
    return [pytest.param(p, id=p.name, marks=[*marks] + (
        [] if p.name == FAST_SEED else [pytest.mark.slow])) for p in SEED_DIRS]


def seed_schedule(folder: MissionFolder, path: Path) -> Schedule:
    """The seed's schedule.json, or one solved now (never written into the seed)."""
    if (path / SCHEDULE_FILE).is_file():
        return read_schedule(path)
    from scheduler.plan.planning import SolveOptions, make_schedule

    return make_schedule(folder, SolveOptions(time_limit=5.0, seed=0, workers=1))


@pytest.fixture(scope="module", params=seed_params())
def seed(request, tmp_path_factory) -> tuple[MissionFolder, Schedule, Path]:
    """A seed exported (with reminders) into a temporary folder."""
    folder, _ = load_mission(request.param)
    schedule = seed_schedule(folder, request.param)
    out = tmp_path_factory.mktemp(request.param.name)
    export(folder, schedule, out, ExportOptions(alarm_minutes=15))
    return folder, schedule, out


def sample(out: Path) -> list[Path]:
    """The files Radicale and khal read: all, or (quick) organiser, clusters and a few."""
    files = ics_files(out)
    if FULL:
        return files
    return ([out / "organiser.ics"] + sorted(out.glob("clusters/*.ics"))
            + sorted(out.glob("companies/*.ics"))[:3] + sorted(out.glob("people/*/*.ics"))[:3])


def test_seeds_exist():
    """The seeds are there to test, FAST_SEED among them."""
    assert len(SEED_DIRS) == 6
    assert FAST_SEED in [p.name for p in SEED_DIRS]


def test_every_file_passes_our_check_and_three_parsers(seed):
    """Own check, icalendar (no missing zones), strict `ical`, vobject with validation."""
    _, _, out = seed
    for path in ics_files(out):
        text = raw(path)
        assert check_calendar(text) == [], path
        count = consume_icalendar(text)
        assert consume_ical(text) == count, path
        assert consume_vobject(text) == count, path


def test_every_meeting_is_where_it_belongs(seed):
    """Both companies and each attending delegate, at the same instant; nobody else."""
    folder, schedule, out = seed
    seen = check_meetings_everywhere(folder, schedule, out)
    assert seen >= 4 * len(schedule.meetings) or not schedule.meetings


@pytest.mark.parametrize("seed", seed_params(pytest.mark.external), indirect=True)
def test_radicale_returns_the_same_events(seed, tmp_path):
    """A CalDAV server on 127.0.0.1 accepts the files and gives back the same events."""
    _, _, out = seed
    with radicale_server(tmp_path / "storage") as base:
        radicale_roundtrip(base, sample(out), out)


@pytest.mark.parametrize("seed", seed_params(pytest.mark.external), indirect=True)
def test_khal_lists_the_right_local_times(seed, tmp_path):
    """khal imports the files and lists every event at the right time in the mission's zone."""
    folder, _, out = seed
    first = folder.mission.start - timedelta(days=3)
    days = (folder.mission.end - first).days + 5
    khal_roundtrip(sample(out), tmp_path, folder.mission.timezone, first, days)
