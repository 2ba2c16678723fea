"""`mission validate`: every error kind, located exactly, all reported in one run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.load.loader import load

MISSION = """\
id: test-mission
title: Test mission
organisers: [Biocat]
timezone: Asia/Tokyo
start: 2016-10-09
end: 2016-10-14
venues:
  senri:
    name: Senri Life Science Center
    timezone: Asia/Tokyo
programme:
  - title: Workshop
    start: "2016-10-10 09:30"
    end: "2016-10-10 12:30"
    venue: senri
partnering:
  - id: osaka
    title: Osaka partnering
    venue: senri
    date: 2016-10-11
    windows: ["14:00-15:05"]
    meeting_minutes: 30
    changeover_minutes: 5
    tables: 4
  - id: yokohama
    title: Yokohama partnering
    venue: senri
    date: 2016-10-12
    windows: ["14:00-15:05"]
    tables: 4
"""

GENOMIX = """\
id: genomix-bcn
name: Genomix Therapeutics S.L.
side: delegation
cluster: Biocat
country: ES
delegates:
  - name: Laura Puig
    email: laura.puig@example.com
attends: [osaka]
wants_to_meet:
  - company: kansai-bioworks
    priority: high
"""

KANSAI = """\
id: kansai-bioworks
name: Kansai Bioworks
side: host
country: JP
delegates:
  - name: Haruto Sato
    email: haruto.sato@example.com
"""


# Company files are named after their ids; tests name them by these short keys.
FILE_NAMES = {"genomix": "genomix-bcn", "kansai": "kansai-bioworks"}


def make_folder(root: Path, mission: str = MISSION, **companies: str) -> Path:
    """A mission folder with mission.yaml and the given company files (key -> text)."""
    (root / "companies").mkdir(parents=True, exist_ok=True)
    (root / "mission.yaml").write_text(mission, encoding="utf-8")
    files = {"genomix": GENOMIX, "kansai": KANSAI, **companies}
    for name, text in files.items():
        if text is not None:
            path = root / "companies" / f"{FILE_NAMES.get(name, name)}.yaml"
            path.write_text(text, encoding="utf-8")
    return root


def run_validate(folder: Path) -> tuple[int, list[str]]:
    """Run `mission validate` from the folder; exit code and output lines."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, ["validate", "."], catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result.exit_code, result.output.splitlines()


def validate(tmp_path: Path, mission: str = MISSION, **companies: str) -> tuple[int, list[str]]:
    """Build a folder and validate it."""
    return run_validate(make_folder(tmp_path / "m", mission, **companies))


def test_valid_folder_passes(tmp_path):
    code, lines = validate(tmp_path)
    assert code == 0, lines
    assert lines[0] == "0 error(s), 0 warning(s) in 3 file(s)"
    assert "2 companies" in lines[1]


def test_yaml_syntax_error_is_located(tmp_path):
    code, lines = validate(tmp_path, genomix=GENOMIX.replace("attends: [osaka]", "attends: [osaka"))
    assert code == 1
    assert "companies/genomix-bcn.yaml:10:14: " \
        "error: YAML syntax: did not find expected ',' or ']' " \
        "(while parsing a flow sequence that began at line 9, column 10)" in lines, lines


def test_unknown_key_suggests_closest(tmp_path):
    code, lines = validate(tmp_path, kansai=KANSAI.replace("country: JP", "countyr: JP"))
    assert code == 1
    assert "companies/kansai-bioworks.yaml:4:1: " \
        "error: unknown key 'countyr'; did you mean 'country'?" \
        in lines


def test_nested_unknown_key(tmp_path):
    text = GENOMIX.replace("    email: laura", "    emial: x\n    email: laura")
    code, lines = validate(tmp_path, genomix=text)
    assert "companies/genomix-bcn.yaml:8:5: " \
        "error: unknown key 'emial' in delegate 'Laura Puig'; did you mean 'email'?" in lines


def test_unknown_key_names_the_part_it_is_in(tmp_path):
    """A misspelt key deep in mission.yaml says which session, booth or item it is in."""
    text = MISSION.replace("    tables: 4\n  - id: yokohama",
                           "    tabels: 4\n    booths:\n      - {id: b1, name: Booth 1, "
                           "owners: [kansai-bioworks], tabels: 1}\n  - id: yokohama")
    text = text.replace("    venue: senri\npartnering:", "    venu: senri\npartnering:")
    text = text.replace("    name: Senri Life Science Center", "    nmae: Senri\n"
                        "    name: Senri Life Science Center")
    code, lines = validate(tmp_path, mission=text)
    assert code == 1
    assert "mission.yaml:25:5: error: unknown key 'tabels' in partnering session 'osaka'; " \
        "did you mean 'tables'?" in lines, lines
    assert "mission.yaml:27:60: error: unknown key 'tabels' in booth 'b1' of partnering " \
        "session 'osaka'; did you mean 'tables'?" in lines, lines
    assert "mission.yaml:16:5: error: unknown key 'venu' in programme item 1 ('Workshop'); " \
        "did you mean 'venue'?" in lines, lines
    assert "mission.yaml:9:5: error: unknown key 'nmae' in venue 'senri'; " \
        "did you mean 'name'?" in lines, lines


def test_unknown_key_in_a_wish_names_the_wish(tmp_path):
    text = GENOMIX.replace("    priority: high", "    priorty: high")
    code, lines = validate(tmp_path, genomix=text)
    assert "companies/genomix-bcn.yaml:12:5: error: unknown key 'priorty' in wish to meet " \
        "'kansai-bioworks'; did you mean 'priority'?" in lines, lines


def test_wrong_type(tmp_path):
    text = MISSION.replace("tables: 4\n  - id", "tables: [four\n  - id")
    code, lines = validate(tmp_path, mission=text.replace("[four", "{four: 1}"))
    assert code == 1
    assert any(line.startswith("mission.yaml:24:13: error: partnering[0].tables:")
               for line in lines), lines


def test_wrong_integer(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace("meeting_minutes: 30",
                                                             "meeting_minutes: half an hour"))
    assert "mission.yaml:22:22: error: partnering[0].meeting_minutes: expected a whole number, " \
        "got 'half an hour'" in lines


def test_impossible_date(tmp_path):
    text = MISSION.replace("date: 2016-10-11", "date: 2016-02-30")
    code, lines = validate(tmp_path, mission=text)
    assert code == 1
    assert any(line.startswith("mission.yaml:20:11: error: partnering[0].date: '2016-02-30' is an "
                               "impossible date") for line in lines), lines


def test_impossible_time(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace('"2016-10-10 09:30"',
                                                             '"2016-10-10 25:30"'))
    assert "mission.yaml:13:12: error: programme[0].start: '25:30' is an impossible time" in lines


def test_unknown_time_zone_suggests(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace("timezone: Asia/Tokyo\nstart",
                                                             "timezone: Asia/Tokio\nstart"))
    assert "mission.yaml:4:11: error: timezone: unknown time zone 'Asia/Tokio'; did you mean " \
        "'Asia/Tokyo'?" in lines


def test_end_before_start(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace('end: "2016-10-10 12:30"',
                                                             'end: "2016-10-10 08:30"'))
    assert code == 1
    assert "mission.yaml:14:10: error: end 2016-10-10 08:30 is not after start" in lines


def test_mission_end_before_start(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace("end: 2016-10-14", "end: 2016-10-01"))
    assert "mission.yaml:6:6: error: end 2016-10-01 is before start 2016-10-09" in lines


def test_window_ending_before_it_starts(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace('["14:00-15:05"]\n    meeting',
                                                             '["15:00-14:00"]\n    meeting'))
    assert "mission.yaml:21:15: error: partnering[0].windows[0]: window '15:00-14:00' ends " \
        "before it starts" in lines


def test_unknown_venue(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace("    venue: senri\npartnering",
                                                             "    venue: senry\npartnering"))
    assert "mission.yaml:15:12: error: unknown venue 'senry'; did you mean 'senri'?" in lines


def test_unknown_session(tmp_path):
    code, lines = validate(tmp_path, genomix=GENOMIX.replace("[osaka]", "[osaka, kyoto]"))
    assert "companies/genomix-bcn.yaml:9:18: error: unknown partnering session 'kyoto'" in lines


def test_unknown_company(tmp_path):
    code, lines = validate(tmp_path, genomix=GENOMIX.replace("company: kansai-bioworks",
                                                             "company: kansai-bioworx"))
    assert "companies/genomix-bcn.yaml:11:14: " \
        "error: unknown company 'kansai-bioworx'; did you mean " \
        "'kansai-bioworks'?" in lines


def test_duplicate_company_id(tmp_path):
    code, lines = validate(tmp_path, kansai2=KANSAI.replace("Haruto Sato", "Yui Tanaka"))
    assert code == 1
    assert "companies/kansai2.yaml:1:5: error: company id 'kansai-bioworks' is also used by " \
        "companies/kansai-bioworks.yaml" in lines


def test_company_meeting_itself(tmp_path):
    code, lines = validate(tmp_path, genomix=GENOMIX.replace("company: kansai-bioworks",
                                                             "company: genomix-bcn"))
    assert "companies/genomix-bcn.yaml:11:14: error: 'genomix-bcn' asks to meet itself" in lines


def test_wish_without_common_session_is_a_warning(tmp_path):
    code, lines = validate(tmp_path, kansai=KANSAI + "attends: [yokohama]\n")
    assert code == 0
    assert "companies/genomix-bcn.yaml:11:14: " \
        "warning: 'genomix-bcn' and 'kansai-bioworks' share no " \
        "partnering session, so they cannot meet" in lines


def test_bad_email(tmp_path):
    code, lines = validate(tmp_path, kansai=KANSAI.replace("haruto.sato@example.com",
                                                           "haruto.sato(at)example.com"))
    assert "companies/kansai-bioworks.yaml:7:12: " \
        "error: delegates[0].email: 'haruto.sato(at)example.com' " \
        "is not an e-mail address" in lines


def test_company_without_delegates(tmp_path):
    text = KANSAI.split("delegates:")[0] + "delegates: []\n"
    code, lines = validate(tmp_path, kansai=text)
    assert code == 1
    assert "companies/kansai-bioworks.yaml:5:12: " \
        "error: company 'kansai-bioworks' has no delegates; list " \
        "at least one person" in lines


def test_window_not_holding_whole_meetings_is_a_warning(tmp_path):
    code, lines = validate(tmp_path, mission=MISSION.replace('["14:00-15:05"]\n    meeting',
                                                             '["14:00-15:30"]\n    meeting'))
    assert code == 0
    assert "mission.yaml:21:15: warning: window 14:00-15:30 does not hold a whole number of " \
        "30+5 minute meetings (25 minutes left over)" in lines


VIRTUAL = MISSION.replace("""    venue: senri
    date: 2016-10-12
    windows: ["14:00-15:05"]
    tables: 4
""", """    virtual: true
    timezone: Europe/Madrid
    date: 2016-10-12
    windows: ["14:00-15:05"]
""")


def test_virtual_session_without_tables_is_a_note_not_a_warning(tmp_path):
    code, lines = validate(tmp_path, mission=VIRTUAL)
    assert code == 0
    assert lines[:2] == [
        "mission.yaml:27:14: note: virtual session 'yokohama' has no `tables`: any number of "
        "video meetings may run at once (give `tables: 4` or a list of video rooms to cap them)",
        "0 error(s), 0 warning(s), 1 note(s) in 3 file(s)"]
    code, lines = validate(tmp_path / "rooms", mission=VIRTUAL + "    tables: 2\n")
    assert code == 0 and lines[0] == "0 error(s), 0 warning(s) in 3 file(s)"
    loaded = load(tmp_path / "rooms" / "m")
    assert loaded.folder.session("yokohama").tables == ["Video room 1", "Video room 2"]
    assert loaded.folder.session("osaka").tables == ["Table 1", "Table 2", "Table 3", "Table 4"]
    code, lines = validate(tmp_path / "none", mission=VIRTUAL + "    tables: 0\n")
    assert code == 1
    assert "mission.yaml:31:13: error: virtual session 'yokohama' has no video rooms, so no " \
        "meeting can take place; leave out `tables` for any number" in lines


def test_unavailability_outside_mission_is_a_warning(tmp_path):
    code, lines = validate(tmp_path, kansai=KANSAI + 'unavailable: ["2017-01-05"]\n')
    assert code == 0
    assert "companies/kansai-bioworks.yaml:8:15: " \
        "warning: unavailable 2017-01-05 00:00 is outside the " \
        "mission dates (2016-10-09 to 2016-10-14)" in lines


def test_yaml_1_2_keeps_what_was_written(tmp_path):
    from scheduler.load.loader import load

    folder = make_folder(tmp_path / "m", kansai=KANSAI.replace("country: JP", "country: NO")
                         .replace("name: Kansai Bioworks", "name: 0123"))
    loaded = load(folder)
    assert not loaded.errors
    kansai = loaded.folder.companies["kansai-bioworks"]
    assert kansai.country == "NO" and kansai.name == "0123"
    windows = loaded.folder.mission.partnering[0].windows
    assert windows[0][0].hour == 14 and windows[0][0].minute == 0


def test_unquoted_time_stays_a_time(tmp_path):
    text = MISSION.replace('start: "2016-10-10 09:30"', "start: 2016-10-10 09:30")
    code, lines = validate(tmp_path, mission=text)
    assert code == 0, lines


def test_python_tags_never_build_objects(tmp_path):
    text = KANSAI.replace("name: Kansai Bioworks", "name: !!python/object/apply:os.system [ls]")
    code, lines = validate(tmp_path, kansai=text)
    assert code == 1
    assert "companies/kansai-bioworks.yaml:2:7: " \
        "error: YAML tag 'tag:yaml.org,2002:python/object/apply:" \
        "os.system' is not allowed here" in lines


def test_several_mistakes_in_several_files_all_reported(tmp_path):
    genomix = (GENOMIX.replace("country: ES", "country: Spain")
               .replace("laura.puig@example.com", "laura.puig")
               .replace("priority: high", "priority: urgent"))
    kansai = KANSAI.replace("side: host", "sdie: host")
    mission = MISSION.replace("tables: 4\n  - id", "tables: -2\n  - id").replace(
        "Asia/Tokyo\nstart", "Asia/Tokio\nstart")
    code, lines = validate(tmp_path, mission=mission, genomix=genomix, kansai=kansai)
    assert code == 1
    located = [line for line in lines if ": error: " in line]
    files = {line.split(":")[0] for line in located}
    assert files == {"mission.yaml", "companies/genomix-bcn.yaml", "companies/kansai-bioworks.yaml"}
    assert len(located) >= 6, lines
    assert lines[-1].startswith(f"{len(located)} error(s)")


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\xff", b"- just\n- a list\n",
                                     b"\xff\xfe not utf8", b"a: [unclosed\n", b"a: *nowhere\n"])
def test_no_traceback_for_broken_files(tmp_path, content):
    folder = make_folder(tmp_path / "m")
    (folder / "companies" / "broken.yaml").write_bytes(content)
    code, lines = run_validate(folder)
    assert code == 1
    assert any(line.startswith("companies/broken.yaml:") and ": error: " in line for line in lines)


def test_huge_file_is_refused_cleanly(tmp_path):
    folder = make_folder(tmp_path / "m")
    with open(folder / "companies" / "huge.yaml", "wb") as handle:
        handle.write(b"description: " + b"x" * (50 * 1024 * 1024) + b"\n")
    code, lines = run_validate(folder)
    assert code == 1
    assert "companies/huge.yaml:1:1: error: file is 52.4 MB; the limit is 1000 kB" in lines


def test_folder_without_mission_yaml(tmp_path):
    (tmp_path / "empty").mkdir()
    code, lines = run_validate(tmp_path / "empty")
    assert code == 1
    assert lines[0] == ".: error: no mission.yaml here; create one with `mission init .`"


def test_billion_laughs_is_refused(tmp_path):
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i-1}'] * 10)}]" for i in range(1, 9)]
    folder = make_folder(tmp_path / "m")
    (folder / "companies" / "bomb.yaml").write_text("\n".join(levels) + "\n")
    code, lines = run_validate(folder)
    assert code == 1
    assert any("YAML nodes" in line for line in lines)




def test_company_problems_reported_even_when_mission_yaml_is_broken(tmp_path):
    mission = MISSION.replace("title: Test mission", "title: [unclosed")
    genomix = GENOMIX.replace("company: kansai-bioworks", "company: genomix-bcn")
    code, lines = validate(tmp_path, mission=mission, genomix=genomix)
    assert code == 1
    assert any(line.startswith("mission.yaml:") for line in lines)
    assert "companies/genomix-bcn.yaml:11:14: error: 'genomix-bcn' asks to meet itself" in lines


def problem_lines(lines: list[str]) -> list[str]:
    """The located problems of an output (not the summary or the description)."""
    return [line for line in lines if ": error: " in line or ": warning: " in line]


def test_one_schema_error_in_mission_yaml_hides_nothing(tmp_path):
    mission = MISSION.replace("""programme:
  - title: Workshop""", """programme:
  - title: Welcome dinner
    kind: dinner
    start: "2016-10-09 19:00"
    end: "2016-10-09 21:00"
  - title: Cluster meeting
    start: "2016-10-10 14:00"
    end: "2016-10-10 13:00"
    attendees: ["cluster:Biocta"]
  - title: Workshop""").replace("    venue: senri\npartnering", "    venue: senry\npartnering")
    mission = mission.replace('["14:00-15:05"]\n    meeting', '["14:00-15:20"]\n    meeting')
    genomix = GENOMIX.replace("company: kansai-bioworks", "company: genomix-bcn")
    code, lines = validate(tmp_path, mission=mission, genomix=genomix)
    assert code == 1
    assert problem_lines(lines) == [
        "companies/genomix-bcn.yaml:11:14: error: 'genomix-bcn' asks to meet itself",
        "mission.yaml:13:11: error: programme[0].kind: 'dinner' is not one of: 'arrival', "
        "'departure', 'workshop', 'talk', 'visit', 'reception', 'meal', 'transfer', 'fair', "
        "'meeting' or 'other'",
        "mission.yaml:18:10: error: end 2016-10-10 13:00 is not after start",
        "mission.yaml:19:17: error: unknown cluster 'Biocta'; did you mean 'Biocat'?",
        "mission.yaml:23:12: error: unknown venue 'senry'; did you mean 'senri'?",
        "mission.yaml:29:15: warning: window 14:00-15:20 does not hold a whole number of 30+5 "
        "minute meetings (15 minutes left over)",
    ]
    assert lines[-1] == "5 error(s), 1 warning(s) in 3 file(s)"


def test_references_to_parts_with_schema_errors_are_not_reported_again(tmp_path):
    mission = (MISSION.replace("    name: Senri Life Science Center\n    timezone: Asia/Tokyo",
                               "    name: Senri Life Science Center\n    timezone: Asia/Tokio")
               .replace("meeting_minutes: 30", "meeting_minutes: half an hour")
               .replace('end: "2016-10-10 12:30"', 'end: "2016-10-10 08:30"')
               .replace("start: 2016-10-09", "start: 2016-10-32"))
    code, lines = validate(tmp_path, mission=mission)
    assert code == 1
    assert problem_lines(lines) == [
        "mission.yaml:5:8: error: start: '2016-10-32' is an impossible date (day is out of range "
        "for month)",
        "mission.yaml:10:15: error: venues.senri.timezone: unknown time zone 'Asia/Tokio'; did "
        "you mean 'Asia/Tokyo'?",
        "mission.yaml:14:10: error: end 2016-10-10 08:30 is not after start",
        "mission.yaml:22:22: error: partnering[0].meeting_minutes: expected a whole number, got "
        "'half an hour'",
    ]
    sessions_unread = MISSION[:MISSION.index("partnering:")] + "partnering: osaka\n"
    code, lines = validate(tmp_path / "sessions", mission=sessions_unread)
    assert problem_lines(lines) == [
        "mission.yaml:16:13: error: partnering: expected a list, got 'osaka'"]


def test_company_with_schema_error_stays_known_and_its_valid_parts_are_checked(tmp_path):
    from scheduler.load.loader import load

    kansai = KANSAI.replace("country: JP", "country: Japan") + \
        "wants_to_meet:\n  - company: kansai-bioworks\n"
    code, lines = validate(tmp_path, kansai=kansai)
    assert load(tmp_path / "m").folder is None, "a folder is returned only without errors"
    assert code == 1
    assert problem_lines(lines) == [
        "companies/kansai-bioworks.yaml:4:10: error: country: 'Japan' is not a two-letter "
        "country code like ES, DE or JP",
        "companies/kansai-bioworks.yaml:9:14: error: 'kansai-bioworks' asks to meet itself",
    ]


def test_positions_count_the_entries_left_out(tmp_path):
    genomix = GENOMIX.replace("    priority: high", "    priority: urgent\n"
                              "  - company: kansai-bioworx")
    code, lines = validate(tmp_path, genomix=genomix)
    assert problem_lines(lines) == [
        "companies/genomix-bcn.yaml:12:15: error: wants_to_meet[0].priority: 'urgent' is not "
        "one of: 'must', 'high', 'normal' or 'low'",
        "companies/genomix-bcn.yaml:13:14: error: unknown company 'kansai-bioworx'; did you "
        "mean 'kansai-bioworks'?",
    ]


def test_wish_listed_twice_is_a_warning_naming_both_lines(tmp_path):
    code, lines = validate(tmp_path, genomix=GENOMIX + "  - company: kansai-bioworks\n")
    assert code == 0
    assert problem_lines(lines) == [
        "companies/genomix-bcn.yaml:13:14: warning: 'kansai-bioworks' is listed twice in "
        "wants_to_meet (lines 11 and 13); the wishes are merged into one request (ask for "
        "several meetings with `meetings:`)"]


def test_file_name_must_match_the_id(tmp_path):
    folder = make_folder(tmp_path / "m", kansai=None)
    (folder / "companies" / "kansai.yaml").write_text(KANSAI, encoding="utf-8")
    (folder / "companies" / "_draft.yaml").write_text(KANSAI, encoding="utf-8")
    code, lines = run_validate(folder)
    assert code == 1
    assert problem_lines(lines) == [
        "companies/kansai.yaml:1:5: error: the file is named 'kansai.yaml' but holds id "
        "'kansai-bioworks'; make them match: set `id: kansai` (if that is its id) or rename "
        "the file to kansai-bioworks.yaml"]


def test_max_meetings_zero_is_a_warning(tmp_path):
    code, lines = validate(tmp_path, kansai=KANSAI + "max_meetings: 0\n")
    assert code == 0
    assert problem_lines(lines) == [
        "companies/kansai-bioworks.yaml:8:15: warning: max_meetings is 0: 'kansai-bioworks' "
        "will get no meetings (leave max_meetings out for no cap)"]


def test_empty_attends_means_no_session_and_warns(tmp_path):
    code, lines = validate(tmp_path, genomix=GENOMIX.replace("attends: [osaka]", "attends: []"),
                           kansai=KANSAI + "wants_to_meet:\n  - company: genomix-bcn\n")
    assert code == 0
    assert problem_lines(lines) == [
        "companies/genomix-bcn.yaml:9:10: warning: attends is empty: 'genomix-bcn' attends no "
        "partnering session and will get no meetings (leave attends out to attend every "
        "session)",
        "companies/kansai-bioworks.yaml:9:14: warning: 'kansai-bioworks' and 'genomix-bcn' "
        "share no partnering session, so they cannot meet"]
    code, lines = validate(tmp_path / "omitted", genomix=GENOMIX.replace("attends: [osaka]\n", ""),
                           kansai=KANSAI + "wants_to_meet:\n  - company: genomix-bcn\n")
    assert (code, problem_lines(lines)) == (0, []), "omitted attends means every session"


@pytest.mark.parametrize("busy", [
    ("attends: [osaka]", 'attends: [osaka]\nunavailable: ["2016-10-11"]'),
    ("laura.puig@example.com", 'laura.puig@example.com\n    unavailable: ["2016-10-11 '
     '13:00-16:00"]'),
])
def test_company_free_in_no_slot_is_a_warning(tmp_path, busy):
    genomix = GENOMIX.replace(*busy)
    code, lines = validate(tmp_path, genomix=genomix)
    assert code == 0
    assert [line.split(": warning: ")[1] for line in problem_lines(lines)] == [
        "'genomix-bcn' can meet in no slot: in every slot of the sessions it attends (osaka) it "
        "is unavailable, at a programme item, or none of its delegates is free"]
    assert problem_lines(lines)[0].startswith("companies/genomix-bcn.yaml:")
    free_once = GENOMIX + 'unavailable: ["2016-10-11 14:00-14:35"]\n'
    code, lines = validate(tmp_path / "free-once", genomix=free_once)
    assert (code, problem_lines(lines)) == (0, []), "one free slot is enough"


def test_company_held_by_programme_items_in_every_slot_is_a_warning(tmp_path):
    mission = MISSION.replace("partnering:\n", """  - title: Lab tour
    start: "2016-10-11 13:30"
    end: "2016-10-11 14:40"
    venue: senri
    attendees: [genomix-bcn]
  - title: Investor lunch
    start: "2016-10-11 14:30"
    end: "2016-10-11 16:00"
    venue: senri
    attendees: [hosts]
partnering:
""", 1)
    code, lines = validate(tmp_path, mission=mission)
    assert code == 0
    assert problem_lines(lines) == [
        "companies/genomix-bcn.yaml:9:10: warning: 'genomix-bcn' can meet in no slot: in every "
        "slot of the sessions it attends (osaka) it is unavailable, at a programme item, or none "
        "of its delegates is free"]


def test_companies_being_a_file_is_an_error(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "mission.yaml").write_text(MISSION, encoding="utf-8")
    (folder / "companies").write_text(KANSAI, encoding="utf-8")
    code, lines = run_validate(folder)
    assert code == 1
    assert problem_lines(lines) == [
        "companies:1:1: error: companies is a file; it must be a folder of company files "
        "(companies/<id>.yaml)"]


def test_mission_without_company_files_is_an_error(tmp_path):
    mission = MISSION.replace("    venue: senri\npartnering",
                              "    venue: senri\n    attendees: [cluster:Biocat]\npartnering")
    folder = make_folder(tmp_path / "m", mission, genomix=None, kansai=None)
    (folder / "companies" / "_template.yaml").write_text(KANSAI, encoding="utf-8")
    code, lines = run_validate(folder)
    assert code == 1
    assert problem_lines(lines) == [
        "companies: error: no company files in companies/; copy companies/_template.yaml to "
        "companies/<id>.yaml, one per company, or read a registration sheet with "
        "`mission import`"]


def test_company_file_that_cannot_be_read_is_not_reported_again_at_each_reference(tmp_path):
    mission = MISSION.replace("    venue: senri\npartnering", "    venue: senri\n    attendees: "
                              "[delegation, kansai-bioworks]\npartnering")
    kansai = KANSAI.replace("side: host", "side: [host")
    code, lines = validate(tmp_path, mission=mission, kansai=kansai)
    assert code == 1
    assert [line.split(": error: ")[0] for line in problem_lines(lines)] == [
        "companies/kansai-bioworks.yaml:4:8"]


def test_out_of_range_numbers_say_the_bound_in_plain_words(tmp_path):
    """`meeting_minutes: 3` reads 'must be at least 5', not pydantic's wording."""
    from click.testing import CliRunner

    from cli import cli

    root = Path(__file__).resolve().parent.parent / "seeds" / "santiago-chongqing-2023"
    folder = tmp_path / "m"
    shutil.copytree(root, folder)
    text = (folder / "mission.yaml").read_text(encoding="utf-8")
    assert "meeting_minutes: 25" in text
    (folder / "mission.yaml").write_text(text.replace("meeting_minutes: 25",
                                                      "meeting_minutes: 3", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "meeting_minutes: must be at least 5, got '3'" in result.output, result.output
    assert "Input should be" not in result.output


def test_delegates_whose_names_differ_only_in_accents_are_both_named(tmp_path):
    """'José Pérez' and 'Jose Perez' make the same id: each error names the other person
    and where they are written."""
    text = GENOMIX.replace("  - name: Laura Puig\n", "  - name: José Pérez\n"
                           "    email: jose@example.com\n  - name: Laura Puig\n")
    text = text.replace("attends: [osaka]", "  - name: Jose Perez\n"
                        "    email: jose.perez@example.com\nattends: [osaka]")
    code, lines = validate(tmp_path, genomix=text)
    assert code == 1
    where = "companies/genomix-bcn.yaml"
    assert f"{where}:7:5: error: delegate 'José Pérez' has the id 'jose-perez' (made from " \
        f"the name), as 'Jose Perez' ({where}:11:5) does; give each an `id:`" in lines, lines
    assert f"{where}:11:5: error: delegate 'Jose Perez' has the id 'jose-perez' (made from " \
        f"the name), as 'José Pérez' ({where}:7:5) does; give each an `id:`" in lines, lines


ONLINE = MISSION + """\
  - id: online
    title: Online meetings
    virtual: true
    timezone: Europe/Madrid
    video_link: https://meet.example/{rom}/{meeting}
    date: 2016-10-13
    windows: ["09:00-10:00"]
    booths:
      - {id: b1, name: Booth 1, owners: [kansai-bioworks]}
"""


def test_a_virtual_session_refuses_booths_and_unknown_placeholders(tmp_path):
    code, lines = validate(tmp_path, mission=ONLINE)
    assert code == 1
    assert "mission.yaml:38:5: error: virtual session 'online' has booths, but its meetings " \
        "are video calls; leave out `booths` (use `tables` for video rooms)" in lines, lines
    assert "mission.yaml:35:17: error: unknown placeholder '{rom}' in video_link; did you " \
        "mean '{room}'?" in lines, lines
    rooms = ONLINE.replace("{rom}", "{room}").split("    booths:")[0]
    code, lines = validate(tmp_path / "rooms", mission=rooms)
    assert "mission.yaml:35:17: error: {room} in video_link needs video rooms: give virtual " \
        "session 'online' `tables` (a count or their names)" in lines, lines
    code, lines = validate(tmp_path / "ok", mission=rooms + "    tables: 3\n")
    assert code == 0, lines
