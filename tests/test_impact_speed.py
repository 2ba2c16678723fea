"""mission impact on the bio-europe preset (3,500 companies, some 16,000 meetings) with
synthetic outcomes for every meeting: within 20 seconds of CPU time, HTML, PDF, JSON and CSV.

The machine may be shared, so the bound is on the command's own CPU time (user + system),
not the wall clock; both are printed."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

MISSION = str(Path(sys.executable).parent / "mission")
BOUND_SECONDS = 20.0


def cpu_of_children() -> float:
    """User and system seconds of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def synthetic_outcomes(folder: Path) -> None:
    """outcomes.yaml for every planned meeting: one in five a no-show of the second
    company, one in seventeen cancelled, the rest held, every fourth with a follow-up."""
    from scheduler.outcomes.common import schedule_fingerprint
    from scheduler.schedule import read_schedule

    schedule = read_schedule(folder)
    lines = [f"mission: {schedule.mission}", f"schedule: {schedule_fingerprint(schedule)}",
             "meetings:"]
    for n, meeting in enumerate(schedule.meetings):
        if n % 5 == 0:
            entry = f"{{status: no-show, absent: [{meeting.companies[1]}]}}"
        elif n % 17 == 0:
            entry = "{status: cancelled}"
        else:
            entry = f"{{status: held, follow_up: {'true' if n % 4 == 0 else 'false'}}}"
        lines.append(f"  {meeting.id}: {entry}")
    (folder / "outcomes.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_impact_of_the_bio_europe_preset_within_20_cpu_seconds(tmp_path):
    folder = tmp_path / "bio-europe"
    subprocess.run([MISSION, "generate", "--preset", "bio-europe", "-o", str(folder)],
                   check=True, capture_output=True)
    subprocess.run([MISSION, "schedule", str(folder), "--time-limit", "2"], check=True,
                   capture_output=True)
    synthetic_outcomes(folder)
    before, wall = cpu_of_children(), time.perf_counter()
    done = subprocess.run([MISSION, "impact", str(folder), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True)
    cpu, wall = cpu_of_children() - before, time.perf_counter() - wall
    print(f"mission impact, bio-europe: {cpu:.1f} s CPU, {wall:.1f} s wall")
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads((tmp_path / "out" / "impact.json").read_text(encoding="utf-8"))
    assert figures["meetings"]["recorded"] == figures["meetings"]["planned"] > 15_000
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "impact.html", "impact.pdf", "impact.json", "impact.csv"}
    assert cpu <= BOUND_SECONDS
