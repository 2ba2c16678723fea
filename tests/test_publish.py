"""What export publishes, and how: only checked schedules made from the current inputs,
files with names no two ids share, never outside OUT, clear write errors, no litter."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.ics_support import MISSION, SCHEDULE_V2

from cli import cli

HTML_FIXTURE = Path(__file__).parent / "fixtures_html"


def run(*args: str):
    """Run the CLI in-process (output holds stdout and stderr)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the fixture mission (its schedule.json predates input fingerprints)."""
    shutil.copytree(MISSION, tmp_path / "mission")
    return tmp_path / "mission"


def edit_schedule(folder: Path, change) -> None:
    """Rewrite folder/schedule.json after CHANGE(meetings) edited its meetings in place."""
    path = folder / "schedule.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["meetings"])
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def files_below(path: Path) -> list[str]:
    """Every file below a folder (empty when it does not exist)."""
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())


def dead_pid() -> int:
    """The id of a process that has finished."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """Make a file or folder unchangeable even for root (chattr +i), or skip the test."""
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


# 1. Export checks before it publishes.

def test_a_schedule_breaking_rules_is_refused_with_every_violation_and_nothing_written(
        folder, tmp_path):
    def break_rules(meetings):
        meetings[0]["companies"] = ["munich-neuro", "munich-neuro"]
        meetings[0]["delegates"] = ["munich-neuro/jurgen-gross"]
        meetings[1]["delegates"] = ["kansai-bioworks/yamada-taro", "torino-dx/nobody"]
        meetings[3]["start"] = meetings[2]["start"]  # Kansai twice at 14:00, Table 1 twice
        meetings[3]["end"] = meetings[2]["end"]
        meetings[4]["table"] = "Table 9"
        meetings[4]["id"] = meetings[3]["id"]

    edit_schedule(folder, break_rules)
    out = tmp_path / "out"
    result = run("export", folder, "-o", out, "--format", "all")
    assert result.exit_code == 4, result.output
    for expected in ["munich-neuro meets itself", "torino-dx has no delegate 'nobody'",
                     "one_meeting_at_a_time: ", "no table 'Table 9'",
                     "2 meetings have the id 'kansai-bioworks--munich-neuro'",
                     "nothing was exported"]:
        assert expected in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not out.exists()


def company_like_torino(folder: Path, company_id: str) -> Path:
    """A new company file, a copy of torino-dx under another id."""
    path = folder / "companies" / f"{company_id}.yaml"
    path.write_text((folder / "companies" / "torino-dx.yaml").read_text(encoding="utf-8")
                    .replace("torino-dx", company_id).replace("chiara.bianchi", company_id),
                    encoding="utf-8")
    return path


def test_a_schedule_made_from_other_inputs_is_refused_naming_the_files(folder, tmp_path):
    extra = company_like_torino(folder, "extra-bio")
    assert run("schedule", folder, "--time-limit", "5").exit_code == 0
    assert run("export", folder, "-o", tmp_path / "fresh").exit_code == 0
    with (folder / "mission.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# the partnering window moved\n")
    with (folder / "companies" / "torino-dx.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# away on Tuesday\n")
    extra.unlink()
    company_like_torino(folder, "late-bio")

    out = tmp_path / "out"
    result = run("export", folder, "-o", out)
    assert result.exit_code == 4, result.output
    assert ("made from other inputs: companies/extra-bio.yaml disappeared; "
            "companies/late-bio.yaml appeared; companies/torino-dx.yaml changed; "
            "mission.yaml changed; run `mission schedule") in result.output
    assert "--allow-stale" in result.output and not out.exists()

    checked = run("check", folder)
    assert "stale: schedule.json was made from other inputs" in checked.output

    allowed = run("export", folder, "-o", out, "--allow-stale")
    assert allowed.exit_code == 0, allowed.output
    assert "exporting it anyway" in allowed.output and (out / "organiser.ics").is_file()


def test_allow_stale_still_refuses_a_broken_rule(folder, tmp_path):
    """--allow-stale cannot help a schedule that breaks a rule: it is not suggested, and with
    it the output never says it exports anyway."""
    assert run("schedule", folder, "--time-limit", "5").exit_code == 0
    (folder / "companies" / "torino-dx.yaml").write_text(
        (folder / "companies" / "torino-dx.yaml").read_text(encoding="utf-8") + "# new\n",
        encoding="utf-8")
    edit_schedule(folder, lambda meetings: [m.update(table="Table 9") for m in meetings
                                            if m["table"]])
    refused = run("export", folder, "-o", tmp_path / "out")
    assert refused.exit_code == 4 and "--allow-stale" not in refused.output
    result = run("export", folder, "-o", tmp_path / "out", "--allow-stale")
    assert result.exit_code == 4 and "no table 'Table 9'" in result.output
    assert "companies/torino-dx.yaml changed" in result.output
    assert "exporting it anyway" not in result.output
    assert not (tmp_path / "out").exists()


def test_schedule_json_records_the_hash_of_every_input_by_relative_path(folder):
    assert run("schedule", folder, "--time-limit", "5").exit_code == 0
    recorded = json.loads((folder / "schedule.json").read_text(encoding="utf-8"))["inputs"]
    names = ["mission.yaml", *(f"companies/{p.name}" for p in (folder / "companies").iterdir())]
    assert recorded == {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
                        for name in sorted(names)}


def test_a_schedule_of_an_older_version_is_checked_with_a_warning(folder, tmp_path):
    result = run("export", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "does not record the inputs it was made from" in result.output
    assert "does not record the inputs" in run("check", folder).output


@pytest.mark.parametrize("formats", ["ics", "csv,html"])
def test_times_without_a_utc_offset_are_refused_naming_the_meeting(folder, tmp_path, formats):
    edit_schedule(folder, lambda meetings: meetings[2].update(start="2016-10-31T14:00:00"))
    out = tmp_path / "out"
    result = run("export", folder, "-o", out, "--format", formats)
    assert result.exit_code == 4, result.output
    assert ("schedule.json:70:7: meeting 'genomix-bcn--kansai-bioworks': start "
            "2016-10-31T14:00:00 has no UTC offset") in result.output
    assert "internal error" not in result.output and not out.exists()


# 2. Agenda file names no two ids can share.

def test_a_company_named_like_another_companys_delegate_keeps_its_own_agenda(tmp_path):
    mission = tmp_path / "mission"
    shutil.copytree(HTML_FIXTURE, mission)
    genomix = (mission / "companies" / "genomix-bcn.yaml").read_text(encoding="utf-8")
    (mission / "companies" / "genomix-bcn--jordi-serra.yaml").write_text(
        genomix.replace("id: genomix-bcn", "id: genomix-bcn--jordi-serra")
        .replace("Genomix Therapeutics S.L.", "Serra Clone Labs")
        .replace("@example.com", "@clone.example.com"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("export", mission, "-o", out, "--format", "html")
    assert result.exit_code == 0, result.output
    jordi = (out / "agendas" / "genomix-bcn" / "jordi-serra.html").read_text(encoding="utf-8")
    clone = (out / "agendas" / "genomix-bcn--jordi-serra.html").read_text(encoding="utf-8")
    assert "Jordi Serra (Genomix Therapeutics S.L.)" in jordi and "Serra Clone Labs" not in jordi
    assert "Serra Clone Labs" in clone
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'href="agendas/genomix-bcn/jordi-serra.html"' in report
    assert 'href="agendas/genomix-bcn--jordi-serra.html"' in report


# 3. Nothing written through a link out of OUT.

@pytest.mark.parametrize("formats", ["html", pytest.param("pdf", marks=pytest.mark.external)])
def test_agendas_are_not_written_through_a_link_leading_out_of_out(tmp_path, formats):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "agendas").symlink_to(elsewhere)
    result = run("export", HTML_FIXTURE, "-o", out, "--format", formats)
    assert result.exit_code == 5, result.output
    assert "refusing to write outside" in result.output and "agendas/" in result.output
    assert files_below(elsewhere) == []


def test_the_csv_is_not_written_through_a_link_leading_out_of_out(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere.csv"
    out.mkdir()
    elsewhere.write_text("mine\n", encoding="utf-8")
    (out / "meetings.csv").symlink_to(elsewhere)
    result = run("export", HTML_FIXTURE, "-o", out, "--format", "csv")
    assert result.exit_code == 5 and "refusing to write outside" in result.output
    assert elsewhere.read_text(encoding="utf-8") == "mine\n"


# 4. Write errors are clear, exit 5, and leave the old files.

def test_a_calendar_that_cannot_be_written_is_a_clear_error_and_the_old_file_stays(
        folder, tmp_path):
    out = tmp_path / "out"
    assert run("export", folder, "-o", out).exit_code == 0
    before = {name: (out / name).read_bytes() for name in files_below(out)}
    shutil.copy(SCHEDULE_V2, folder / "schedule.json")
    with immutable(out / "people" / "shanghai-medtech"):
        result = run("export", folder, "-o", out)
    assert result.exit_code == 5, result.output
    assert (f"cannot write {out}/people/shanghai-medtech/wang-fang.ics: "
            "Operation not permitted") in result.output
    assert (out / "people/shanghai-medtech/wang-fang.ics").read_bytes() == before[
        "people/shanghai-medtech/wang-fang.ics"]
    assert not [n for n in files_below(out) if n.endswith(".tmp")]


def test_an_unwritable_index_is_a_clear_error_even_when_nothing_changed(folder, tmp_path):
    out = tmp_path / "out"
    assert run("export", folder, "-o", out).exit_code == 0
    index = (out / "README.md").read_bytes()
    with immutable(out):
        result = run("export", folder, "-o", out)
    assert result.exit_code == 5, result.output
    assert f"cannot write {out}/README.md: Operation not permitted" in result.output
    assert (out / "README.md").read_bytes() == index


def test_an_unwritable_schedule_json_is_a_clear_error_and_the_old_one_stays(folder):
    before = (folder / "schedule.json").read_bytes()
    with immutable(folder):
        result = run("schedule", folder, "--time-limit", "5")
    assert result.exit_code == 5, result.output
    assert f"cannot write {folder}/schedule.json: Operation not permitted" in result.output
    assert (folder / "schedule.json").read_bytes() == before


def test_a_full_disk_is_a_clear_error(folder, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(disk)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        result = run("export", folder, "-o", disk / "out", "--format", "ics,csv")
        leftovers = [n for n in files_below(disk) if n.endswith(".tmp")]
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert result.exit_code == 5, result.output
    assert "No space left on device" in result.output and "cannot write" in result.output
    assert leftovers == []


# 5. No litter, modes kept.

def test_temporary_files_of_a_killed_export_are_removed_by_the_next(folder, tmp_path):
    out = tmp_path / "out"
    assert run("export", folder, "-o", out, "--format", "ics,html").exit_code == 0
    dead = dead_pid()
    litter = [out / f".organiser.ics.{dead}-a1b2c3d4.tmp",
              out / "agendas" / f".torino-dx.html.{dead}-zz_x9y8w.tmp",
              out / "people" / "genomix-bcn" / f".laura-puig.ics.{dead}-abcdefgh.tmp"]
    kept = [out / "agendas" / ".torino-dx.html.1-a1b2c3d4.tmp",  # its writer still runs
            out / ".notes.tmp", out / "draft.1234-abcdefgh.tmp"]  # not ours
    for path in litter + kept:
        path.write_bytes(b"half a file")
    assert run("export", folder, "-o", out, "--format", "ics,html").exit_code == 0
    assert [p for p in litter if p.exists()] == []
    assert all(p.exists() for p in kept)


def test_an_export_killed_before_a_rename_leaves_litter_the_next_export_removes(
        folder, tmp_path):
    """A real kill: a forked export dies by SIGKILL just before it renames its first file."""
    out = tmp_path / "out"
    child = os.fork()
    if child == 0:  # the export that gets killed
        os.replace = lambda *_args: os.kill(os.getpid(), signal.SIGKILL)
        run("export", folder, "-o", out, "--format", "ics,html")
        os._exit(0)  # never reached
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert len([n for n in files_below(out) if n.endswith(".tmp")]) == 1
    result = run("export", folder, "-o", out, "--format", "ics,html")
    assert result.exit_code == 0, result.output
    assert [n for n in files_below(out) if n.endswith(".tmp")] == []
    assert "organiser.ics" in files_below(out)


def test_schedule_keeps_the_mode_of_schedule_json_and_removes_its_litter(folder):
    path = folder / "schedule.json"
    litter = folder / f".schedule.json.{dead_pid()}-q1w2e3r4.tmp"
    litter.write_bytes(b"{")
    path.chmod(0o644)
    assert run("schedule", folder, "--time-limit", "5").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o644 and not litter.exists()
    path.chmod(0o640)
    assert run("schedule", folder, "--time-limit", "5", "--fresh").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o640
    path.unlink()
    assert run("schedule", folder, "--time-limit", "5").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o644
