"""`mission schedule` end to end: files, summary, determinism, re-plan, Ctrl-C."""

from __future__ import annotations

import itertools
from pathlib import Path

import yaml
from click.testing import CliRunner
from helpers.solver_kit import company, folder, mission

from cli import cli
from scheduler.check.rules import check_schedule
from scheduler.load.loader import load_mission
from scheduler.plan.planning import SolveOptions, make_schedule
from scheduler.schedule import read_schedule


def write_folder(root: Path, mission_data: dict, companies: list[dict]) -> Path:
    """Write a mission folder as YAML files."""
    (root / "companies").mkdir(parents=True)
    (root / "mission.yaml").write_text(yaml.safe_dump(mission_data), encoding="utf-8")
    for c in companies:
        (root / "companies" / f"{c['id']}.yaml").write_text(yaml.safe_dump(c), encoding="utf-8")
    return root


def small(root: Path) -> Path:
    """A mission where one request cannot be placed (its host attends no session)."""
    return write_folder(root, mission(), [
        company("a", wants=["x", ("y", "high")]), company("b", wants=["x", "z"]),
        company("x", "host"), company("y", "host"), company("z", "host", attends=[])])


def run(*args: str):
    """Invoke the CLI; return the click result."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_schedule_writes_file_and_summary(tmp_path):
    root = small(tmp_path / "m")
    result = run("schedule", str(root), "--time-limit", "2")
    assert result.exit_code == 0, result.output
    assert "placed 3 of 4 requested meetings (bound 3" in result.output
    assert "b and z [normal]:" in result.output
    saved = read_schedule(root)
    assert [m.id for m in saved.meetings] == sorted(
        [m.id for m in saved.meetings], key=lambda i: next(
            (m.start, m.table) for m in saved.meetings if m.id == i))
    assert saved.quality.status == "optimal" and saved.quality.bound == 3
    assert saved.generated.isoformat() == "2026-03-10T00:00:00+01:00"
    assert saved.unplaced[0].request == "b--z"


def test_plan_schedules_then_exports_what_export_writes_from_that_schedule(tmp_path):
    root = small(tmp_path / "m")
    result = run("plan", str(root), "--time-limit", "2", "-o", str(tmp_path / "plan"))
    assert result.exit_code == 0, result.output
    assert "placed 3 of 4 requested meetings" in result.output
    assert f"to {tmp_path / 'plan'}; see" in result.output
    loaded, _ = load_mission(root)
    assert check_schedule(loaded, read_schedule(root)) == []
    assert run("export", str(root), "-o", str(tmp_path / "export")).exit_code == 0
    planned = sorted(p.relative_to(tmp_path / "plan") for p in (tmp_path / "plan").rglob("*.ics"))
    assert Path("companies/a.ics") in planned and Path("organiser.ics") in planned
    assert planned == sorted(
        p.relative_to(tmp_path / "export") for p in (tmp_path / "export").rglob("*.ics"))
    for name in planned:
        assert (tmp_path / "plan" / name).read_bytes() == (tmp_path / "export" / name).read_bytes()


def test_same_input_gives_identical_bytes(tmp_path):
    root = small(tmp_path / "m")
    assert run("schedule", str(root), "--fresh", "--seed", "3").exit_code == 0
    first = (root / "schedule.json").read_bytes()
    assert run("schedule", str(root), "--fresh", "--seed", "3").exit_code == 0
    assert (root / "schedule.json").read_bytes() == first
    assert run("schedule", str(root), "--seed", "3").exit_code == 0  # re-plan, nothing new
    assert (root / "schedule.json").read_bytes() == first


def test_must_have_that_cannot_be_placed_exits_3_with_reason_and_remedy(tmp_path):
    root = write_folder(tmp_path / "m", mission(), [
        company("a", wants=[("z", "must")]), company("z", "host", attends=[])])
    result = CliRunner().invoke(cli, ["schedule", str(root)])
    assert result.exit_code == 3
    assert "a and z: no common slot: z attends no partnering session" in result.output
    assert "possible with: both attend s1" in result.output
    assert read_schedule(root).unplaced[0].remedies == ["both attend s1"]


def test_ctrl_c_keeps_the_best_schedule_so_far():
    hosts = [f"h{i}" for i in range(10)]
    m = mission()
    m["partnering"][0].update(windows=["09:00-12:20"], tables=6)
    f = folder(m, [company(f"d{i}", wants=hosts) for i in range(10)] +
               [company(h, "host") for h in hosts])
    ticks = itertools.count(0, 10)
    lines: list[str] = []

    def progress(line: str) -> None:
        lines.append(line)
        if ": " in line and " s, " in line:
            raise KeyboardInterrupt

    s = make_schedule(f, SolveOptions(time_limit=60), progress=progress,
                      clock=lambda: float(next(ticks)))
    assert s.quality.status == "interrupted"
    assert s.quality.placed > 0 and s.meetings
    assert any(" s, " in line for line in lines)
