"""One count of requested meetings everywhere, and exit codes as documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler import errors
from scheduler.schedule import read_schedule

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "santiago-chongqing-2023"
EXIT_CODES = {0, 1, 2, 3, 4, 5, 70, 130}


def run(*args: str):
    """Run the CLI in-process (stdout and stderr apart in result.stdout / result.stderr)."""
    return CliRunner().invoke(cli, list(args))


def number(pattern: str, text: str) -> int:
    """The number a pattern's group catches in a text (the pattern must match)."""
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return int(found[1])


def test_every_command_counts_the_same_requested_meetings(tmp_path):
    """Mutual wishes and a match merge into one request; a wish for two meetings counts two:
    validate, schedule (stdout and the progress line on stderr), check and schedule.json
    all say the same number of requested meetings."""
    folder = tmp_path / "mission"
    shutil.copytree(SEED, folder)
    path = folder / "companies" / "obradoiro-nanomed.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    priority: must\n", "    priority: must\n    meetings: 2\n",
                                 1), encoding="utf-8")
    validated = run("validate", str(folder))
    assert validated.exit_code == 0, validated.output
    requested = number(r"(\d+) requested meeting\(s\)", validated.stdout)
    scheduled = run("schedule", str(folder), "--fresh", "--time-limit", "5")
    assert scheduled.exit_code == 0, scheduled.output
    assert number(r"placed \d+ of (\d+) requested meetings", scheduled.stdout) == requested
    assert number(r"(\d+) requested meetings; bound", scheduled.stderr) == requested
    checked = run("check", str(folder))
    assert number(r"of (\d+) requested meetings placed", checked.stdout) == requested
    assert read_schedule(folder).quality.requested == requested
    wishes = sum(line.lstrip().startswith("- company:") or "{company:" in line
                 for p in (folder / "companies").glob("*.yaml")
                 for line in p.read_text(encoding="utf-8").splitlines())
    assert requested < wishes  # merged pairs count once, however many asked


@pytest.mark.parametrize("args", [
    ["schedule", "{folder}", "--time-limit", "-5"],
    ["schedule", "{folder}", "--time-limit", "0"],
    ["schedule", "{folder}", "--workers", "-1"],
    ["plan", "{folder}", "--time-limit", "0", "-o", "{out}"],
    ["bench", "--preset", "tiny", "--time-limit", "0"],
    ["generate", "--preset", "huge", "-o", "{out}"],
])
def test_bad_option_values_are_usage_errors(tmp_path, args):
    """Exit status 2 with click's message naming the option; nothing is written."""
    folder = tmp_path / "mission"
    shutil.copytree(SEED, folder)
    before = (folder / "schedule.json").read_bytes()
    out = tmp_path / "out"
    result = run(*(a.format(folder=folder, out=out) for a in args))
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--" in result.output and "Traceback" not in result.output
    assert (folder / "schedule.json").read_bytes() == before and not out.exists()


def test_help_and_readme_list_the_exit_codes():
    """`mission --help` lists every exit status, and README's exit-status line agrees."""
    help_text = run("--help").stdout
    listed = {int(n) for n in re.findall(r"^\s+(\d+)\s{2,}\S", help_text, re.M)}
    assert listed == EXIT_CODES
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = readme.split("Exit status", 1)[1].split("\n\n", 1)[0]
    assert {int(n) for n in re.findall(r"(?<![\w-])(\d+) [a-z`]", line)} == EXIT_CODES
    codes = {"InputError": 1, "NoScheduleError": 1, "InfeasibleError": 3, "ScheduleError": 4,
             "ExportError": 5}
    assert {name: getattr(errors, name).exit_code for name in codes} == codes
