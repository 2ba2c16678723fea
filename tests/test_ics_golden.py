"""Golden files: the fixture mission's calendars, first export and after an update.

The update (fixtures/schedule-v2.json) moves one meeting and drops another. Set
MISSION_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change,
then read the diff before committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.ics_support import (
    GOLDEN,
    MISSION,
    SCHEDULE_V2,
    UPDATE_GOLDEN,
    events,
    export_fixture,
    ics_files,
    prop,
    raw,
    vevent_blocks,
)

from scheduler.export import describe_changes

GOLDEN_FILES = [
    "README.md",
    "organiser.ics",
    "companies/kansai-bioworks.ics",
    "people/munich-neuro/jurgen-gross.ics",
    "people/genomix-bcn/jordi-ferrer.ics",
    "people/torino-dx/chiara-bianchi.ics",
]
MOVED = "fixture-japan.meeting.kansai-bioworks--munich-neuro@mission-scheduler"
DROPPED = "fixture-japan.meeting.genomix-bcn--shanghai-medtech@mission-scheduler"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The fixture exported twice into one folder: v1, then the update v2 (copies of each)."""
    out = tmp_path_factory.mktemp("out")
    copies = {}
    export_fixture(out)
    copies["v1"] = _snapshot(out, tmp_path_factory.mktemp("v1"))
    export_fixture(out, SCHEDULE_V2)
    copies["v2"] = _snapshot(out, tmp_path_factory.mktemp("v2"))
    copies["live"] = out
    return copies


def _snapshot(out: Path, into: Path) -> Path:
    """Copy every file of OUT into a fresh folder."""
    for path in out.rglob("*"):
        if path.is_file():
            target = into / path.relative_to(out)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return into


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_matches_golden_file(exported, version, name):
    """Each exported file is exactly the reviewed golden file."""
    got = (exported[version] / name).read_bytes()
    golden = GOLDEN / version / name
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(got)
    assert golden.is_file(), f"no golden file {golden}; run with MISSION_UPDATE_GOLDEN=1"
    assert got == golden.read_bytes(), f"{name} ({version}) differs from {golden}"


def test_update_moves_raises_sequence_and_keeps_the_rest_byte_identical(exported):
    """Moved: same UID, SEQUENCE 1, new DTSTAMP; unchanged items: the very same bytes."""
    for path in ics_files(exported["v1"]):
        name = path.relative_to(exported["v1"])
        before = vevent_blocks(raw(path))
        after = vevent_blocks(raw(exported["v2"] / name))
        assert set(after) == set(before), f"{name}: a UID appeared or vanished"
        for uid, block in before.items():
            if uid in (MOVED, DROPPED):
                assert after[uid] != block
                assert prop(after[uid], "SEQUENCE") == "1"
                assert prop(after[uid], "DTSTAMP") == "20161020T083000Z"
            else:
                assert after[uid] == block, f"{name}: {uid} changed though it did not move"


def test_moved_meeting_is_at_its_new_time(exported):
    """The moved meeting shows 16:00 in Osaka (07:00 UTC) for both companies."""
    for name in ("companies/kansai-bioworks.ics", "companies/munich-neuro.ics"):
        text = (exported["v2"] / name).read_text(encoding="utf-8")
        assert events(text)[MOVED][:2] == ("2016-10-31T07:00Z", "2016-10-31T07:30Z")


def test_dropped_meeting_stays_cancelled_with_raised_sequence(exported):
    """The dropped meeting stays, as STATUS:CANCELLED, SEQUENCE 1, without a reminder."""
    for name in ("companies/genomix-bcn.ics", "people/genomix-bcn/jordi-ferrer.ics",
                 "people/shanghai-medtech/wang-fang.ics", "organiser.ics"):
        block = vevent_blocks(raw(exported["v2"] / name))[DROPPED]
        assert prop(block, "STATUS") == "CANCELLED"
        assert prop(block, "SEQUENCE") == "1"
        assert prop(block, "SUMMARY").startswith("Cancelled: ")
        assert "BEGIN:VALARM" not in block


def test_exporting_again_changes_nothing(exported, tmp_path):
    """A third export of the same schedule rewrites identical bytes and reports no change."""
    out = _snapshot(exported["v2"], tmp_path / "again")
    result = export_fixture(out, SCHEDULE_V2)
    for path in out.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (exported["v2"] / path.relative_to(out)).read_bytes()
    assert describe_changes(result) == ["nothing changed since the last export"]


def test_restored_meeting_comes_back_with_a_higher_sequence(exported, tmp_path):
    """Going back to v1 restores the cancelled meeting as CONFIRMED with SEQUENCE 2."""
    out = _snapshot(exported["v2"], tmp_path / "back")
    result = export_fixture(out)
    block = vevent_blocks(raw(out / "organiser.ics"))[DROPPED]
    assert prop(block, "STATUS") == "CONFIRMED"
    assert prop(block, "SEQUENCE") == "2"
    assert any(c.change == "restored" for c in result.changes)


def test_changes_say_what_changed_for_whom(exported, tmp_path):
    """The update reports the move and the cancellation to exactly the people concerned."""
    out = _snapshot(exported["v1"], tmp_path / "report")
    lines = describe_changes(export_fixture(out, SCHEDULE_V2))
    text = "\n".join(lines)
    assert "Jürgen Groß (Munich NeuroScience GmbH): moved Meeting with" in text
    assert "(2016-10-31 14:35 JST → 2016-10-31 16:00 JST)" in text
    assert "Jordi Ferrer i Solà (Genomix Therapeutics S.L.): cancelled Meeting with" in text
    assert not any(line.startswith(("Laura Puig", "Chiara Bianchi")) for line in lines)


def test_output_does_not_depend_on_hash_seed(tmp_path):
    """Two processes with different hash seeds write byte-identical folders."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "cli", "export", str(MISSION), "-o", str(out),
                        "--alarm", "10m"], check=True, env=env, capture_output=True,
                       cwd=Path(__file__).parents[1])
        outs.append(out)
    names = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_a_company_that_leaves_keeps_its_files_with_everything_cancelled(tmp_path):
    """When a company leaves the mission, its calendars stay, every item CANCELLED."""
    import json
    import shutil

    from scheduler.export import ExportOptions, export
    from scheduler.load.loader import load_mission
    from scheduler.schedule import Schedule

    out = tmp_path / "out"
    export_fixture(out)
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    (folder / "companies" / "shanghai-medtech.yaml").unlink()
    for name in ("genomix-bcn", "munich-neuro"):
        path = folder / "companies" / f"{name}.yaml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if "shanghai-medtech" not in x),
                        encoding="utf-8")
    data = json.loads(SCHEDULE_V2.read_text(encoding="utf-8"))
    data["meetings"] = [m for m in data["meetings"] if "shanghai-medtech" not in m["companies"]]
    data["unplaced"] = []
    loaded, _ = load_mission(folder)
    result = export(loaded, Schedule.model_validate(data), out, ExportOptions(alarm_minutes=10))
    text = raw(out / "people" / "shanghai-medtech" / "wang-fang.ics")
    statuses = {status for _, _, status in events(text).values()}
    assert statuses == {"CANCELLED"}
    gone = [c for c in result.changes if c.file == "people/shanghai-medtech/wang-fang.ics"]
    assert gone and all(c.change == "cancelled" for c in gone)
    assert gone[0].whom.endswith("王芳 (no longer in the mission)")


def test_special_characters_are_escaped_and_read_back_intact(exported):
    """Commas, semicolons, quotes, backslashes, newlines and CJK/German/Catalan names survive."""
    from icalendar import Calendar

    text = raw(exported["v1"] / "organiser.ics")
    assert 'SUMMARY:Workshop: market\\, regulation\\; "PMDA" \\\\ pricing\r\n' in text
    calendar = Calendar.from_ical(text)
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    workshop = by_uid["fixture-japan.programme.workshop@mission-scheduler"]
    assert str(workshop["SUMMARY"]) == 'Workshop: market, regulation; "PMDA" \\ pricing'
    assert "Bring business cards; 名刺 are exchanged first.\n" in str(workshop["DESCRIPTION"])
    meeting = str(by_uid["fixture-japan.meeting.genomix-bcn--shanghai-medtech@mission-scheduler"]
                  ["DESCRIPTION"])
    for name in ("上海医疗科技有限公司", "王芳 (投资总监)", "Jordi Ferrer i Solà"):
        assert name in meeting
    assert str(calendar["X-WR-CALNAME"]) == "Fixture mission: Osaka & Yokohama (all)"
    assert text.count("X-WR-CALNAME") == 1 and "ATTENDEE" not in text
