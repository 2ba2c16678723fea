"""Updates that reach people: a lost or damaged state, files the tool did not write,
files no longer produced, and an index that shows names as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.ics_support import MISSION, SCHEDULE_V2, export_fixture

from cli import cli
from scheduler.errors import ExportError
from scheduler.export import ExportOptions, export, report_lines
from scheduler.export.ics.state import STATE_FILE, read_state
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

ROOT = Path(__file__).resolve().parent.parent
ITEM = re.compile(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", re.S)


def content(block: str) -> str:
    """An item's content: its text without DTSTAMP and SEQUENCE."""
    return re.sub(r"\r\n(DTSTAMP|SEQUENCE):[^\r]*(?=\r\n)", "", block)


def published(out: Path) -> dict[tuple[str, str], tuple[int, str, bool]]:
    """(file, UID) -> (SEQUENCE, content digest, cancelled) of every item in OUT's calendars."""
    found = {}
    for path in sorted(out.rglob("*.ics")):
        for block in ITEM.findall(path.read_bytes().decode("utf-8")):
            uid = re.search(r"\r\nUID:(.*?)\r\n(?! )", block, re.S)[1].replace("\r\n ", "")
            sequence = int(re.search(r"\r\nSEQUENCE:(\d+)\r\n", block)[1])
            found[path.relative_to(out).as_posix(), uid] = (
                sequence, content(block), "\r\nSTATUS:CANCELLED\r\n" in block)
    return found


def rises(before: dict, after: dict) -> list[str]:
    """Items whose content changed without a SEQUENCE above the one published before."""
    return [f"{key}: {before[key][0]} -> {after[key][0]}" for key in before
            if key in after and after[key][1] != before[key][1]
            and after[key][0] <= before[key][0]]


def test_the_published_files_rebuild_the_state_exactly(tmp_path):
    """Read back from the .ics files: the same items, SEQUENCE numbers and digests."""
    from scheduler.export.ics.published import rebuild

    export_fixture(tmp_path)
    export_fixture(tmp_path, SCHEDULE_V2)  # raised SEQUENCE numbers and cancellations
    folder, _ = load_mission(MISSION)
    written = read_state(tmp_path, "fixture-japan")
    assert any(i.cancelled for f in written.files.values() for i in f.items.values())
    back = rebuild(tmp_path, "fixture-japan", folder.mission.timezone, "gone", False)
    assert back.files == written.files


def test_a_deleted_state_still_raises_sequence_and_cancels(tmp_path):
    """Without the state, changed items still rise and dropped meetings go out cancelled."""
    export_fixture(tmp_path)
    before = published(tmp_path)
    (tmp_path / STATE_FILE).unlink()
    result = export_fixture(tmp_path, SCHEDULE_V2)
    after = published(tmp_path)
    assert rises(before, after) == []
    assert set(before) <= set(after)  # nothing dropped from a file: cancelled instead
    assert any(after[key][2] and not before[key][2] for key in before)
    assert any(after[key][1] != before[key][1] and not after[key][2] for key in before)
    assert any("rebuilt" in note for note in result.notes)
    assert "first export" not in " ".join(report_lines(result, tmp_path))


def test_a_state_holding_a_json_list_is_rebuilt_not_an_internal_error(tmp_path):
    """`[]` in the state: exit 0, said to be rebuilt, never advised to be deleted."""
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["export", str(folder), "-o", str(out)]).exit_code == 0
    before = published(out)
    (out / STATE_FILE).write_text("[]\n")
    shutil.copy(SCHEDULE_V2, folder / "schedule.json")
    result = CliRunner().invoke(cli, ["export", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "cannot be read" in result.output and "rebuilt" in result.output
    assert "delete" not in result.output.lower()
    assert rises(before, published(out)) == []
    assert read_state(out, "fixture-japan").files  # written afresh


def test_a_state_older_than_the_files_keeps_the_higher_sequence(tmp_path):
    """A state restored from before the last export: going back to the first schedule
    publishes every item above the SEQUENCE the files carry."""
    export_fixture(tmp_path)
    old_state = (tmp_path / STATE_FILE).read_bytes()
    export_fixture(tmp_path, SCHEDULE_V2)
    middle = published(tmp_path)
    (tmp_path / STATE_FILE).write_bytes(old_state)
    result = export_fixture(tmp_path)
    assert rises(middle, published(tmp_path)) == []
    assert any("higher SEQUENCE" in note for note in result.notes)


def test_a_readme_the_user_wrote_is_left_alone(tmp_path):
    """A README.md of one's own survives every export; the index goes to mission-index.md."""
    mine = b"# Notes for the press office\n\nDo not send before Monday.\n"
    (tmp_path / "README.md").write_bytes(mine)
    for schedule in (MISSION, SCHEDULE_V2):
        result = export_fixture(tmp_path, schedule)
        assert (tmp_path / "README.md").read_bytes() == mine
        assert result.index == tmp_path / "mission-index.md"
        assert "people/genomix-bcn/laura-puig.ics" in result.index.read_text()
        assert any("README.md is not a file mission wrote" in n for n in result.notes)
    (tmp_path / "README.md").unlink()  # gone: the index takes its usual name again
    result = export_fixture(tmp_path, SCHEDULE_V2)
    assert result.index == tmp_path / "README.md"
    assert not (tmp_path / "mission-index.md").exists() and result.removed


def test_a_readme_edited_after_the_export_is_the_users(tmp_path):
    """The tool's own index, edited by hand since, is no longer overwritten."""
    export_fixture(tmp_path)
    edited = (tmp_path / "README.md").read_text() + "\nSent to all on Monday.\n"
    (tmp_path / "README.md").write_text(edited)
    export_fixture(tmp_path, SCHEDULE_V2)
    assert (tmp_path / "README.md").read_text() == edited


def test_an_export_of_the_previous_version_is_recognised(tmp_path):
    """A folder exported by the previous version (state format 3, its own README.md with
    names unescaped): its README.md is updated in place, nothing is taken for the user's."""
    import json

    export_fixture(tmp_path)
    data = json.loads((tmp_path / STATE_FILE).read_text())
    del data["outputs"]
    (tmp_path / STATE_FILE).write_text(json.dumps({**data, "format": 3}))
    index = tmp_path / "README.md"
    index.write_text(index.read_text().replace("&lt;", "<").replace("&gt;", ">"))
    assert read_state(tmp_path, "fixture-japan").format == 3
    result = export_fixture(tmp_path)
    assert result.index == index and not result.notes
    assert "&lt;laura.puig@example.com&gt;" in index.read_text()
    assert not (tmp_path / "mission-index.md").exists()
    assert read_state(tmp_path, "fixture-japan").format == 4


def as_format_3(out: Path) -> list[Path]:
    """Make OUT look exported by the version of state format 3, which listed no files and
    wrote a delegate's agendas flat, as agendas/<company>--<delegate>; the flat agendas."""
    import json

    data = json.loads((out / STATE_FILE).read_text())
    del data["outputs"]
    (out / STATE_FILE).write_text(json.dumps({**data, "format": 3}))
    flat = []
    for path in sorted((out / "agendas").glob("*/*")):
        flat.append(path.parent.parent / f"{path.parent.name}--{path.name}")
        path.rename(flat[-1])
    for folder in (out / "agendas").glob("*/"):
        folder.rmdir()
    return flat


def test_flat_agendas_of_a_format_3_export_are_removed(tmp_path):
    """The agendas the previous layout wrote flat are the tool's: the next export removes
    them (and says so), but not one edited since nor a page of the user's."""
    folder, _ = load_mission(MISSION)
    both = ExportOptions(formats=("ics", "html"))
    export(folder, read_schedule(MISSION), tmp_path, both)
    flat = as_format_3(tmp_path)
    assert len(flat) >= 2
    edited = flat[0].read_text().replace('<meta name="generator" content="mission-scheduler">',
                                         "")
    flat[0].write_text(edited)
    mine = tmp_path / "agendas" / "seating--plan.html"
    mine.write_text("<p>my seating plan</p>")
    result = export(folder, read_schedule(MISSION), tmp_path, both)
    assert sorted(result.removed) == flat[1:]
    assert not any(path.exists() for path in flat[1:])
    assert flat[0].read_text() == edited and mine.exists()
    assert all((tmp_path / "agendas" / p.name.replace("--", "/")).is_file() for p in flat)
    assert "removed" in "\n".join(report_lines(result, tmp_path))


@pytest.mark.external
def test_flat_pdf_agendas_of_a_format_3_export_are_removed(tmp_path):
    """The PDF agendas of the flat layout carry the tool's mark as their Creator."""
    folder, _ = load_mission(MISSION)
    pdf = ExportOptions(formats=("ics", "pdf"))
    export(folder, read_schedule(MISSION), tmp_path, pdf)
    flat = as_format_3(tmp_path)
    assert flat and all(p.suffix == ".pdf" for p in flat)
    result = export(folder, read_schedule(MISSION), tmp_path, pdf)
    assert sorted(result.removed) == flat


def without_company(company: str):
    """The fixture mission and its schedule with one company (and its meetings) dropped."""
    folder, _ = load_mission(MISSION)
    schedule = read_schedule(MISSION)
    kept = [m for m in schedule.meetings if company not in m.companies]
    assert len(kept) < len(schedule.meetings)
    companies = {k: v for k, v in folder.companies.items() if k != company}
    return (folder.model_copy(update={"companies": companies}),
            schedule.model_copy(update={"meetings": kept}))


def test_agendas_no_longer_produced_are_removed_calendars_with_cancellations_kept(tmp_path):
    """A dropped company: its agendas go (and the output says so), its calendars stay with
    the cancellations; a stale file changed by hand and other formats' files stay."""
    folder, _ = load_mission(MISSION)
    both = ExportOptions(formats=("ics", "html", "csv"))
    export(folder, read_schedule(MISSION), tmp_path, both)
    agendas = sorted(p for p in (tmp_path / "agendas").rglob("*.html")
                     if p.relative_to(tmp_path / "agendas").as_posix().startswith("genomix-bcn"))
    assert len(agendas) >= 2
    agendas[1].write_text(agendas[1].read_text() + "<!-- my notes -->")
    calendars = sorted(p for p in tmp_path.rglob("*.ics") if "genomix-bcn" in str(p))
    dropped, schedule = without_company("genomix-bcn")
    partial = export(dropped, schedule, tmp_path, ExportOptions(formats=("ics",)))
    assert any("the csv, html files of an earlier export" in n and "--format csv,html,ics" in n
               for n in partial.notes), partial.notes  # html not asked: said, not rewritten
    assert all(p.exists() for p in agendas)
    result = export(dropped, schedule, tmp_path, both)
    assert not agendas[0].exists() and agendas[1].exists()  # the edited one is left alone
    assert agendas[0] in result.removed
    lines = report_lines(result, tmp_path)
    assert f"removed {agendas[0]} (no longer produced)" in lines
    assert any(str(agendas[1]) in line and "left alone" in line for line in lines)
    for path in calendars:  # kept, now carrying the cancellations
        assert "STATUS:CANCELLED" in path.read_text()
    assert "agendas/genomix-bcn" not in (tmp_path / "README.md").read_text().replace(
        "\\", "")


HOSTILE = 'Evil <script>alert(1)</script> | [click](javascript:alert(1)) `code`'


def test_the_index_shows_names_as_written_never_as_markup(tmp_path):
    """Markdown and HTML in names reach the index escaped: one row per file, three cells."""
    folder, _ = load_mission(MISSION)
    company = folder.companies["genomix-bcn"]
    people = [d.model_copy(update={"name": f"{d.name} {HOSTILE}"}) for d in company.delegates]
    companies = {**folder.companies, "genomix-bcn": company.model_copy(
        update={"name": HOSTILE, "delegates": people})}
    mission = folder.mission.model_copy(update={"title": "Fixture <b>mission</b>"})
    folder = folder.model_copy(update={"companies": companies, "mission": mission})
    export(folder, read_schedule(MISSION), tmp_path, ExportOptions(formats=("ics", "html")))
    index = (tmp_path / "README.md").read_text()
    assert "<" not in index and ">" not in index
    assert re.search(r"(?<!\\)\]\(javascript", index) is None
    rows = [line for line in index.splitlines() if line.startswith("| [")]
    assert len(rows) == len(list(tmp_path.rglob("*.ics"))) + len(list(tmp_path.rglob("*.html")))
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 5, row  # | file | for | send to |
        assert re.search(r"(?<!\\)[`\[\]]", "".join(cells[2:])) is None, row
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; \\| \\[click\\]" in index


def test_line_breaks_in_names_never_break_an_index_row():
    """A name with a line break (a YAML block scalar keeps one) stays in its cell."""
    from scheduler.export import index_text

    folder, _ = load_mission(MISSION)
    mission = folder.mission.model_copy(update={"title": "Two\nlines\r\n"})
    text = index_text(folder.model_copy(update={"mission": mission}),
                      [("a b.ics", "Name\n| x |\r\n<i>", "me\u2028you")])
    lines = text.splitlines()
    assert lines[0] == "# Two lines  : calendars and agendas"
    assert lines[-1] == "| [a b.ics](a%20b.ics) | Name \\| x \\|  &lt;i&gt; | me you |"


def test_both_index_names_taken_stops_before_writing_anything(tmp_path):
    """README.md and mission-index.md both the user's: exit 5, nothing written."""
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("mine\n")
    (out / "mission-index.md").write_text("mine too\n")
    result = CliRunner().invoke(cli, ["export", str(folder), "-o", str(out)])
    assert result.exit_code == 5, result.output
    assert "mission-index.md" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "mission-index.md"]


def test_without_a_state_another_missions_calendars_are_not_taken_over(tmp_path):
    """No state, but calendars of another mission in OUT: refused, nothing cancelled."""
    export_fixture(tmp_path)
    (tmp_path / STATE_FILE).unlink()
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.ics")}
    seed = ROOT / "seeds" / "stockholm-nlsdays"
    folder, _ = load_mission(seed)
    with pytest.raises(ExportError, match="another mission"):
        export(folder, read_schedule(seed), tmp_path, ExportOptions())
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.ics")} == before


def test_an_empty_calendar_of_someone_gone_is_removed(tmp_path):
    """A calendar the tool wrote with nothing in it, whose person left: removed, and said;
    people who left with meetings keep theirs, cancelled."""
    import hashlib

    from scheduler.export.ics.state import FileState, write_state

    export_fixture(tmp_path)
    ghost = tmp_path / "people" / "gone" / "nobody.ics"
    ghost.parent.mkdir()
    ghost.write_bytes((tmp_path / "organiser.ics").read_bytes().split(b"BEGIN:VEVENT")[0] +
                      b"END:VCALENDAR\r\n")
    state = read_state(tmp_path, "fixture-japan")
    state.files["people/gone/nobody.ics"] = FileState("Nobody")
    state.outputs["people/gone/nobody.ics"] = [hashlib.sha256(ghost.read_bytes()).hexdigest()]
    write_state(tmp_path, state)
    result = export_fixture(tmp_path)
    assert result.removed == [ghost] and not ghost.parent.exists()
    assert "people/gone/nobody.ics" not in read_state(tmp_path, "fixture-japan").files
    assert f"removed {ghost} (no longer produced)" in report_lines(result, tmp_path)


def test_an_export_of_one_format_keeps_the_index_whole(tmp_path):
    """A CSV-only export after a full one still says whom to send each calendar to (with
    e-mail addresses) and lists the agendas left from before."""
    folder, _ = load_mission(MISSION)
    schedule = read_schedule(MISSION)
    export(folder, schedule, tmp_path, ExportOptions(formats=("ics", "html", "csv")))
    result = export(folder, schedule, tmp_path, ExportOptions(formats=("csv",)))
    index = result.index.read_text(encoding="utf-8")
    assert "laura.puig@example.com" in index
    assert "(from the last calendar export)" not in index
    assert "agendas/genomix-bcn.html" in index and "HTML (from an earlier export)" in index
