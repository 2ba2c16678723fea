"""`mission bench` and its baselines: a smoke run, and baselines that keep every hard rule."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.check.rules import check_schedule
from scheduler.errors import MissionError
from scheduler.load.loader import load_mission
from scheduler.meaning.requests import build_requests
from scheduler.tooling.baselines import Grid, first_fit, ranked
from scheduler.tooling.bench import BenchOptions, Watch, bench, cpu_seconds
from scheduler.tooling.generate import generate
from scheduler.tooling.monolithic import solve_monolithic

SEEDS = Path(__file__).parent.parent / "seeds"
SEED_MISSIONS = sorted(p.name for p in SEEDS.iterdir() if (p / "mission.yaml").is_file())
KEYS = {"preset", "companies", "requests", "placed", "bound", "idle_slots", "holes",
        "fairness", "seconds", "peak_rss_mb", "baselines"}


@pytest.fixture(scope="module")
def mission(tmp_path_factory: pytest.TempPathFactory):
    """The mission preset, generated and loaded once."""
    out = tmp_path_factory.mktemp("bench") / "mission"
    generate("mission", 2, out)
    folder, _ = load_mission(out, out)
    return folder


def test_bench_tiny_json_smoke(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "--preset", "tiny", "--json", "--time-limit",
                                      "5", "--cache", str(tmp_path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(record) >= KEYS
    assert record["preset"] == "tiny"
    assert (record["companies"], record["requests"]) == (10, 14)
    assert set(record["seconds"]) == {"load", "solve", "export", "total"}
    assert record["peak_rss_mb"] > 0
    assert record["violations"] == 0, record.get("errors")
    assert 0 < record["placed"] <= record["bound"] <= 14
    for name in ("first_fit", "cpsat_monolithic"):
        baseline = record["baselines"][name]
        assert baseline["violations"] == 0
        assert baseline["placed"] <= record["bound"]
    assert record["weight_placed"] >= record["baselines"]["first_fit"]["weight_placed"]
    assert (tmp_path / "tiny-seed1" / "mission.yaml").is_file(), "--cache keeps the folder"


def test_bench_table_names_every_figure(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "--preset", "tiny", "--time-limit", "5",
                                      "--skip", "first-fit", "--skip", "monolithic",
                                      "--cache", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "tiny: 10 companies, 14 requested meetings (14 pairs)" in result.stdout
    for word in ("placed", "of bound", "idle", "holes", "fairness", "peak"):
        assert word in result.stdout
    assert "first_fit" not in result.stdout


def test_bench_can_skip_the_solver_and_still_run_first_fit(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "--preset", "tiny", "--json", "--skip", "solve",
                                      "--skip", "monolithic", "--cache", str(tmp_path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["placed"] is None and record["bound"] is None
    assert record["status"] == "skipped"
    assert record["baselines"]["first_fit"]["violations"] == 0
    assert set(record["baselines"]) == {"first_fit"}


def test_bench_refuses_an_unknown_preset() -> None:
    with pytest.raises(MissionError, match="unknown preset huge"):
        list(bench(["huge"], BenchOptions()))


@pytest.mark.parametrize("name", SEED_MISSIONS)
def test_first_fit_keeps_every_rule_on_the_seed_missions(name: str) -> None:
    folder, _ = load_mission(SEEDS / name, SEEDS)
    schedule = first_fit(folder)
    assert [str(v) for v in check_schedule(folder, schedule)] == []
    assert schedule.meetings


def test_first_fit_keeps_every_rule_on_a_generated_mission(mission) -> None:
    schedule = first_fit(mission)
    assert [str(v) for v in check_schedule(mission, schedule)] == []
    placed = {m.request for m in schedule.meetings}
    assert all(r.id in placed for r in build_requests(mission) if r.must)
    assert len(schedule.meetings) + sum(u.meetings for u in schedule.unplaced) == \
        sum(r.meetings for r in build_requests(mission))


def test_first_fit_puts_the_top_request_in_the_earliest_common_slot(mission) -> None:
    grid = Grid(mission)
    top = ranked(build_requests(mission))[0]
    a, b = top.companies
    earliest = next(s for s in grid.order if grid.delegates_at(a, s) and grid.delegates_at(b, s))
    meeting = next(m for m in first_fit(mission, grid).meetings if m.request == top.id)
    assert (meeting.session, meeting.start) == (earliest.session, earliest.start)


def test_first_fit_is_deterministic(mission) -> None:
    assert first_fit(mission).model_dump() == first_fit(mission).model_dump()


def test_monolithic_model_keeps_every_rule_and_places_all_tiny_requests(tmp_path: Path) -> None:
    generate("tiny", 1, tmp_path)
    folder, _ = load_mission(tmp_path, tmp_path)
    schedule = solve_monolithic(folder, time_limit=5)
    assert [str(v) for v in check_schedule(folder, schedule)] == []
    assert schedule.quality.status == "optimal"
    assert len(schedule.meetings) >= len(first_fit(folder).meetings)


@pytest.mark.parametrize("name", [SEED_MISSIONS[0],
                                  pytest.param(SEED_MISSIONS[1], marks=pytest.mark.slow)])
def test_monolithic_model_keeps_every_rule_on_seed_missions(name: str) -> None:
    folder, _ = load_mission(SEEDS / name, SEEDS)
    schedule = solve_monolithic(folder, time_limit=5)
    assert [str(v) for v in check_schedule(folder, schedule)] == []
    assert len(schedule.meetings) >= len(first_fit(folder).meetings)


def test_phase_seconds_come_from_the_clocks_passed_in() -> None:
    ticks = iter([10.0, 12.5])
    cpu = iter([1.0, 2.0])
    watch = Watch(lambda: next(ticks), lambda: next(cpu))
    assert watch.run("load", lambda: "folder") == "folder"
    assert (watch.wall, watch.cpu) == ({"load": 2.5}, {"load": 1.0})


def test_cpu_seconds_count_the_loader_worker_and_other_children():
    before = cpu_seconds()
    spin = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", spin], check=True)
    assert cpu_seconds() - before >= 0.25


@pytest.mark.slow
def test_bench_repeat_reports_median_seconds_and_runs_baselines_once(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "--preset", "tiny", "--json", "--time-limit",
                                      "2", "--repeat", "3", "--skip", "monolithic",
                                      "--cache", str(tmp_path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["runs"] == 3 and len(record["total_seconds_each"]) == 3
    each = sorted(record["total_seconds_each"])
    assert each[0] <= record["seconds"]["total"] <= each[2]
    assert record["baselines"]["first_fit"]["violations"] == 0
    assert "run 3 of 3" in result.stderr
