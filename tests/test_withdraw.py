"""A company withdraws: `withdrawn: true` in its file takes it out of the plan, keeps every
reference to it valid, and sends everyone concerned calendars that cancel its meetings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.solver_kit import company, folder, mission, solve
from icalendar import Calendar

from cli import cli
from scheduler.check.rules import check_schedule
from scheduler.export.ics.events import make_uid
from scheduler.load.loader import load_mission
from scheduler.meaning import item_attendees
from scheduler.meaning.requests import build_requests
from scheduler.schedule import read_schedule

SEED = Path(__file__).resolve().parent.parent / "seeds" / "santiago-chongqing-2023"
GONE = "sar-diagnostico"  # a delegation company with three meetings, named by a match
FAST = ("--time-limit", "5")


def run(*args: str):
    """Run the CLI in-process; stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args))


def withdraw(folder: Path, company: str, reason: str = "budget cut") -> None:
    """Mark a company file withdrawn, as a cluster manager would."""
    path = folder / "companies" / f"{company}.yaml"
    path.write_text(path.read_text(encoding="utf-8") +
                    f"withdrawn: true\nwithdrawn_reason: {reason}\n", encoding="utf-8")


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    """A copy of the seed, freshly scheduled."""
    folder = tmp_path / "mission"
    shutil.copytree(SEED, folder)
    result = run("schedule", str(folder), "--fresh", *FAST)
    assert result.exit_code == 0, result.output
    return folder


def events(path: Path) -> dict[str, tuple[str, int]]:
    """UID -> (STATUS, SEQUENCE) of every event of a calendar file."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): (str(e.get("STATUS", "")), int(e.get("SEQUENCE", 0)))
            for e in calendar.walk("VEVENT")}


def meetings_of(folder: Path, company: str) -> list:
    """The schedule's meetings of a company."""
    return [m for m in read_schedule(folder).meetings if company in m.companies]


def test_validate_accepts_references_to_a_withdrawn_company(planned):
    """A match still names the withdrawn company: no error, one line saying it withdrew."""
    assert f"companies: [{GONE}, chaotianmen-cro]" in (planned / "mission.yaml").read_text()
    withdraw(planned, GONE)
    result = run("validate", str(planned))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 error(s), 0 warning(s)")
    lines = [line for line in result.output.splitlines() if "withdrew" in line]
    assert lines == [f"{GONE} withdrew (budget cut): out of the plan; the next `mission "
                     "schedule` drops its meetings and its people's calendars cancel them"]


def test_withdrawal_end_to_end(planned, tmp_path):
    """schedule, export, withdraw, schedule, export: its meetings are cancelled, with a higher
    SEQUENCE, in its people's, its partners' and the organiser's calendars; the index keeps
    its e-mail; no agenda is made for it; the checker passes."""
    out = tmp_path / "out"
    assert run("export", str(planned), "-o", str(out), "--format", "ics,html").exit_code == 0
    dropped = meetings_of(planned, GONE)
    assert len(dropped) == 3
    partners = sorted({c for m in dropped for c in m.companies} - {GONE})
    files = ["organiser.ics", "clusters/santiago-de-compostela.ics", f"companies/{GONE}.ics",
             f"people/{GONE}/uxia-fernandez-rey.ics",
             *(f"companies/{p}.ics" for p in partners)]
    before = {name: events(out / name) for name in files}
    uids = [make_uid("santiago-chongqing-2023", "meeting", m.id) for m in dropped]
    assert all(before[f"companies/{GONE}.ics"][uid][0] == "CONFIRMED" for uid in uids)

    withdraw(planned, GONE)
    replanned = run("schedule", str(planned), *FAST)
    assert replanned.exit_code == 0, replanned.output
    for m in dropped:
        assert f"dropped: {m.id} (" in replanned.output
        assert f"): {GONE} withdrew (budget cut)" in replanned.output
    assert meetings_of(planned, GONE) == []
    checked = run("check", str(planned))
    assert checked.exit_code == 0 and "every rule holds" in checked.output

    second = run("export", str(planned), "-o", str(out), "--format", "ics,html", "-v")
    assert second.exit_code == 0, second.output
    for name in files:
        now = events(out / name)
        for uid in uids:
            if uid in before[name]:
                assert now[uid][0] == "CANCELLED", (name, uid)
                assert now[uid][1] > before[name][uid][1], (name, uid)
    assert all(uid in before["organiser.ics"] for uid in uids)
    assert all(uid in before["clusters/santiago-de-compostela.ics"] for uid in uids)
    assert all(any(uid in before[f"companies/{p}.ics"] for p in partners) for uid in uids)
    index = (out / "README.md").read_text(encoding="utf-8")
    rows = [line for line in index.splitlines() if f"{GONE}/" in line or f"{GONE}.ics" in line]
    assert len(rows) == 2 and all("uxia.fernandez.rey@example.com" in r for r in rows)
    written = [line.removeprefix("wrote ") for line in second.output.splitlines()
               if line.startswith("wrote ")]
    assert not [w for w in written if w.endswith(".html") and GONE in Path(w).name]
    assert any(w.endswith(".html") and partners[0] in Path(w).name for w in written)


def test_checker_flags_a_meeting_of_a_withdrawn_company(planned):
    """A schedule made before the withdrawal breaks meeting_shape, saying who withdrew."""
    schedule = read_schedule(planned)
    withdraw(planned, GONE)
    folder, _ = load_mission(planned)
    found = [v for v in check_schedule(folder, schedule) if GONE in v.message]
    assert {v.rule for v in found} == {"meeting_shape"}
    assert sorted(v.meeting for v in found) == sorted(m.id for m in meetings_of(planned, GONE))
    assert all(v.message == f"{GONE} withdrew (budget cut) but still meets" for v in found)


def test_check_counts_no_meeting_of_a_withdrawn_company_as_placed(planned):
    """`mission check` of a schedule made before the withdrawal: placed and requested both
    leave the company's meetings out, and a line says how many there are and whose."""
    import re

    withdraw(planned, GONE)
    theirs = meetings_of(planned, GONE)
    result = run("check", str(planned))
    assert result.exit_code == 4
    quality = next(line for line in result.output.splitlines() if line.startswith("quality ("))
    placed, requested = map(int, re.search(r"(\d+) of (\d+) requested", quality).groups())
    assert placed == len(read_schedule(planned).meetings) - len(theirs) <= requested
    name = load_mission(planned)[0].withdrawn[GONE].name
    assert f"{len(theirs)} meeting(s) belong to withdrawn {name}: counted in neither " \
        "figure; `mission schedule` drops them" in result.output.splitlines()


def test_cancelled_meetings_say_why_in_their_description(planned, tmp_path):
    """A meeting dropped by the withdrawal says so, by the company's name; a meeting handed
    to a colleague says who holds it now, in the calendar of the person who had it."""
    out = tmp_path / "out"
    assert run("export", str(planned), "-o", str(out)).exit_code == 0
    dropped = meetings_of(planned, GONE)
    withdraw(planned, GONE)
    assert run("schedule", str(planned), *FAST).exit_code == 0
    assert run("export", str(planned), "-o", str(out)).exit_code == 0
    name = load_mission(planned)[0].withdrawn[GONE].name
    calendar = Calendar.from_ical((out / "organiser.ics").read_bytes())
    said = {str(e["UID"]): str(e.get("DESCRIPTION", "")) for e in calendar.walk("VEVENT")
            if str(e.get("STATUS")) == "CANCELLED"}
    uids = [make_uid("santiago-chongqing-2023", "meeting", m.id) for m in dropped]
    assert all(said[uid].startswith(f"Cancelled: {name} withdrew (budget cut)\n\nWho:")
               for uid in uids), said


def test_a_meeting_handed_to_a_colleague_says_who_holds_it(tmp_path):
    """In the calendar of the person who no longer takes a meeting, its cancellation names
    the people who hold it now."""
    from scheduler.export import ExportOptions, export

    f = folder(mission(), [company("a", wants=["x"], delegates=2), company("x", "host")])
    schedule = solve(f, time_limit=2.0)
    meeting = schedule.meetings[0]
    export(f, schedule, tmp_path, ExportOptions(formats=("ics",)))
    handed = meeting.model_copy(update={"delegates": ["a/p2", "x/p1"]})
    export(f, schedule.model_copy(update={"meetings": [handed]}), tmp_path,
           ExportOptions(formats=("ics",)))
    calendar = Calendar.from_ical((tmp_path / "people/a/p1.ics").read_bytes())
    uid = make_uid(f.mission.id, "meeting", meeting.id)
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["DESCRIPTION"]).startswith(
        "Cancelled: held by a person 2, x person 1 instead\n\n")


def test_report_names_companies_where_schedule_json_has_ids(planned, tmp_path):
    """The report shows the withdrawn company, and the companies in unplaced reasons and
    change reasons, by name; schedule.json keeps ids."""
    import html
    import re

    withdraw(planned, GONE)
    assert run("schedule", str(planned), *FAST).exit_code == 0
    assert run("export", str(planned), "-o", str(tmp_path / "out"), "--format", "html"
               ).exit_code == 0
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    tables = {kind: html.unescape(re.sub(r"<[^>]+>", " ", text)) for kind, text in
              re.findall(r'<table class="(unplaced|changes)">(.*?)</table>', report, re.S)}
    folder, _ = load_mission(planned)
    name = folder.withdrawn[GONE].name
    assert f"{name} withdrew (budget cut)" in tables["changes"]
    assert GONE not in tables["changes"]
    schedule = read_schedule(planned)
    ids = {c for u in schedule.unplaced for c in u.companies}
    assert any(c in u.reason for u in schedule.unplaced for c in u.companies)  # JSON: ids
    assert not [c for c in ids if re.search(rf"(?<![a-z0-9-]){c}(?![a-z0-9-])",
                                            tables["unplaced"])]
    assert any(folder.companies[c].name in tables["unplaced"] for c in ids)


def test_export_of_a_schedule_made_before_the_withdrawal_is_refused(planned, tmp_path):
    """Exporting without re-scheduling says why and what to run; nothing is written."""
    withdraw(planned, GONE)
    result = run("export", str(planned), "-o", str(tmp_path / "out"))
    assert result.exit_code == 4 and "Traceback" not in result.output
    assert f"{GONE} withdrew (budget cut)" in result.stderr
    assert f"run `mission schedule {planned}`" in result.stderr
    assert not (tmp_path / "out").exists()


def test_withdrawal_releases_locked_meetings(planned):
    """A locked meeting of the withdrawn company is dropped, not an infeasible lock."""
    path = planned / "schedule.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    locked = next(m for m in data["meetings"] if GONE in m["companies"])
    locked["locked"] = True
    path.write_text(json.dumps(data), encoding="utf-8")
    withdraw(planned, GONE)
    result = run("schedule", str(planned), *FAST)
    assert result.exit_code == 0, result.output
    assert f"dropped: {locked['id']} (" in result.output
    assert meetings_of(planned, GONE) == []


def test_partners_freed_time_is_reused(planned):
    """dadi-park-ops is full (3 of 3) with a meeting of ulla-aquabio; once ulla-aquabio
    withdraws, dadi-park-ops fills its third meeting with another partner."""
    dadi = meetings_of(planned, "dadi-park-ops")
    assert len(dadi) == 3 and any("ulla-aquabio" in m.companies for m in dadi)
    assert any("dadi-park-ops" in u.companies for u in read_schedule(planned).unplaced)
    withdraw(planned, "ulla-aquabio", "no travel budget")
    result = run("schedule", str(planned), *FAST)
    assert result.exit_code == 0, result.output
    after = meetings_of(planned, "dadi-park-ops")
    assert len(after) == 3 and not any("ulla-aquabio" in m.companies for m in after)


def test_a_withdrawn_company_is_out_of_the_plan():
    """However the folder is built: no request, no programme item, no meeting; a re-plan
    drops its meetings saying it withdrew, and the others keep theirs."""
    people = [company("a", wants=["x", "y"]), company("b", wants=["x"]),
              company("x", "host", wants=["a"]), company("y", "host")]
    m = mission()
    m["programme"] = [{"title": "Lunch", "start": "2026-03-10 13:00", "end": "2026-03-10 13:30",
                       "attendees": ["everyone", "a"]}]
    m["matches"] = [{"companies": ["a", "y"]}]
    first = solve(folder(m, people))
    assert {c for meeting in first.meetings for c in meeting.companies} == {"a", "b", "x", "y"}
    people[0].update(withdrawn=True, withdrawn_reason="no funding")
    gone = folder(m, people)
    assert set(gone.companies) == {"b", "x", "y"} and set(gone.withdrawn) == {"a"}
    assert [q.id for q in build_requests(gone)] == ["b--x"]
    assert item_attendees(gone, gone.mission.programme[0]) == {"b", "x", "y"}
    second = solve(gone, first)
    assert all("a" not in meeting.companies for meeting in second.meetings)
    kept = {meeting.id for meeting in first.meetings if "a" not in meeting.companies}
    assert kept <= {meeting.id for meeting in second.meetings}
    dropped = {c.meeting: c.reason for c in second.changes if c.change == "dropped"}
    assert dropped == {meeting.id: "a withdrew (no funding)" for meeting in first.meetings
                       if "a" in meeting.companies}
    assert check_schedule(gone, second, first) == []
