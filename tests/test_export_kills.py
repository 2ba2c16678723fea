"""Kill -9 at random moments: every file stays old or new, and no SEQUENCE is reused.

A generated mission (the `mission` preset) is scheduled, a re-plan after a programme
item moved and three companies became unavailable is killed at random moments, then
exports of either schedule into one folder are killed at 40 random moments (seeded),
some followed by a complete export. After every step each file is the old or the new
version, and every calendar item whose content changed carries a SEQUENCE above every
SEQUENCE it was published with before.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scheduler.export import ExportOptions, export
from scheduler.export.ics.state import STATE_FILE
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

ROOT = Path(__file__).resolve().parent.parent
KILLS = 40
SCHEDULE_KILLS = 4
ITEM = re.compile(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", re.S)


def mission(*args: str) -> subprocess.Popen:
    """Start the CLI in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def killed(args: list[str], after: float) -> bool:
    """Run the CLI and SIGKILL it after some seconds; whether it was still running."""
    process = mission(*args)
    try:
        process.wait(after)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below a folder by relative path (temporary files of a killed run aside)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".tmp")}


def restore(folder: Path, files: dict[str, bytes]) -> None:
    """Make a folder hold exactly these files."""
    shutil.rmtree(folder, ignore_errors=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def change_mission(folder: Path, count: int) -> None:
    """Move the welcome reception (an item of every calendar) half an hour later, and make
    the companies of the first COUNT non-must meetings unavailable at their time."""
    path = folder / "mission.yaml"
    text = path.read_text()
    assert '"2026-10-06 19:00", end: "2026-10-06 21:00"' in text
    path.write_text(text.replace('"2026-10-06 19:00", end: "2026-10-06 21:00"',
                                 '"2026-10-06 19:30", end: "2026-10-06 21:30"'))
    meetings = json.loads((folder / "schedule.json").read_text())["meetings"]
    done: set[str] = set()
    for meeting in meetings:
        company = meeting["companies"][0]
        if meeting["priority"] == "must" or company in done or len(done) == count:
            continue
        done.add(company)
        start, end = meeting["start"], meeting["end"]
        busy = f'"{start[:10]} {start[11:16]}-{end[11:16]}"'
        path = folder / "companies" / f"{company}.yaml"
        text = path.read_text()
        if re.search(r"^unavailable: \[", text, re.M):
            text = re.sub(r"^unavailable: \[", f"unavailable: [{busy}, ", text, count=1,
                          flags=re.M)
        else:
            text += f"unavailable: [{busy}]\n"
        path.write_text(text)
    assert len(done) == count


def write_window(folder: Path, out: Path, scratch: Path) -> tuple[float, float]:
    """Seconds after its start between which an export of FOLDER over OUT writes files."""
    shutil.copytree(out, scratch)
    started = time.time()
    assert mission("export", str(folder), "-o", str(scratch)).wait() == 0
    times = [p.stat().st_mtime - started for p in scratch.rglob("*")
             if p.is_file() and p.stat().st_mtime > started]
    return min(times), max(times)


class Ledger:
    """Every (SEQUENCE, content) each calendar item was seen published with."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.seen: dict[tuple[str, str], set[tuple[int, str]]] = {}

    def observe(self, files: dict[str, bytes]) -> list[str]:
        """Record the items of these files; the items published under a SEQUENCE not above
        one they were published with before with other content."""
        wrong = []
        for name, data in files.items():
            if not name.endswith(".ics"):
                continue
            for block in ITEM.findall(data.decode("utf-8")):
                uid = re.search(r"\r\nUID:(.*?)\r\n(?! )", block, re.S)[1].replace("\r\n ", "")
                sequence = int(re.search(r"\r\nSEQUENCE:(\d+)\r\n", block)[1])
                content = re.sub(r"\r\n(DTSTAMP|SEQUENCE):[^\r]*(?=\r\n)", "", block)
                seen = self.seen.setdefault((name, uid), set())
                wrong += [f"{name} {uid}: SEQUENCE {sequence} after {before} with other content"
                          for before, other in seen if other != content and sequence <= before]
                seen.add((sequence, content))
        return wrong


@pytest.fixture(scope="module")
def missions(tmp_path_factory) -> tuple[Path, Path]:
    """The preset mission scheduled (one), and re-planned after a programme item moved and
    three companies became unavailable (two), that re-plan killed at random moments first."""
    base = tmp_path_factory.mktemp("kills")
    one, two = base / "one", base / "two"
    subprocess.run([sys.executable, "-m", "cli", "generate", "--preset", "mission", "-o",
                    str(one)], cwd=ROOT, check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "cli", "schedule", str(one), "--time-limit", "1"],
                   cwd=ROOT, check=True, capture_output=True)
    whole = time.monotonic() - started
    shutil.copytree(one, two)
    change_mission(two, 3)
    rng = random.Random(7)
    for _ in range(SCHEDULE_KILLS):
        before = (two / "schedule.json").read_bytes()
        killed(["schedule", str(two), "--time-limit", "1"], rng.uniform(0.2, 1.1) * whole)
        after = (two / "schedule.json").read_bytes()
        assert after == before or read_schedule(two).meetings  # old, or a whole new one
        assert not [p for p in two.iterdir() if p.name.endswith(".tmp")]
    subprocess.run([sys.executable, "-m", "cli", "schedule", str(two), "--time-limit", "1"],
                   cwd=ROOT, check=True, capture_output=True)
    assert read_schedule(two).meetings != read_schedule(one).meetings
    return one, two


@pytest.mark.slow
def test_killed_exports_never_reuse_a_sequence(missions, tmp_path):
    """40 kills at random moments (more if fewer than 3 landed while files were being
    written), some followed by a whole export of either schedule."""
    loaded = {path: (load_mission(path)[0], read_schedule(path)) for path in missions}
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert mission("export", str(missions[0]), "-o", str(out)).wait() == 0
    # Half the kills at any moment of a run; half aimed at the moment it writes (a few tens
    # of ms), the aim moved later after a kill before any write and earlier after a run
    # that finished, since the machine's load shifts that moment.
    first, last = write_window(missions[1], out, tmp_path / "scratch")
    aim, spread = (first + last) / 2, (last - first) / 2 + 0.03
    ledger, rng, mixed, previous = Ledger(), random.Random(13), 0, missions[0]
    made: dict[tuple, dict[str, bytes]] = {}  # (folder, files before) -> files after
    assert ledger.observe(snapshot(out)) == []
    for trial in range(2 * KILLS):  # past KILLS, only until 3 kills have landed mid-write:
        if trial >= KILLS and mixed >= 3:  # a loaded machine shifts the moment it writes
            break
        aimed = trial % 2 == 0 or trial >= KILLS
        folder = missions[previous == missions[0]] if aimed else rng.choice(missions)
        moment = rng.uniform(aim - spread, aim + spread) if aimed else \
            rng.uniform(0.2, 1.1) * last
        before = snapshot(out)
        stopped = killed(["export", str(folder), "-o", str(out)], max(moment, 0.01))
        after = snapshot(out)
        key = (folder, tuple(sorted(before.items())))
        if key not in made:  # what the export would have left, had it finished
            restore(reference, before)
            export(*loaded[folder], reference, ExportOptions())
            made[key] = snapshot(reference)
        new = made[key]
        for name in sorted((set(before) | set(after)) - {STATE_FILE}):
            assert after.get(name) in (before.get(name), new.get(name)), (trial, name)
        json.loads(after[STATE_FILE])
        changed = any(after[n] != before.get(n) for n in after if n != STATE_FILE)
        done = all(after.get(n) == new.get(n) for n in new if n != STATE_FILE)
        if changed and not done:
            mixed += 1
        elif aimed and stopped and not done:
            aim += spread / 2
        elif aimed and (done and changed or not stopped):
            aim -= spread / 2
        assert ledger.observe(after) == [], trial
        previous = folder
        if rng.random() < 0.3:  # a later export that runs to the end
            previous = rng.choice(missions)
            export(*loaded[previous], out, ExportOptions())
            assert ledger.observe(snapshot(out)) == [], trial
    for folder in (*missions, missions[0]):  # and any later exports after the last kill
        export(*loaded[folder], out, ExportOptions())
        assert ledger.observe(snapshot(out)) == []
    assert mixed >= 3, f"only {mixed} kills landed while files were being written"
