"""`mission validate` on hostile or careless input: zones, daylight saving, ids, text, limits.

Every case drives the real CLI and expects file:line:col, exit 1 for errors, no traceback.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.load.loader import load

# Spring forward in Madrid: 2027-03-28 02:00 -> 03:00; back: 2027-10-31 03:00 -> 02:00.
MISSION = """\
id: dst-mission
title: DST mission
organisers: [Biocat]
timezone: Europe/Madrid
start: 2027-03-26
end: 2027-11-02
venues:
  fira:
    name: Fira Barcelona
    timezone: Europe/Madrid
  boston:
    name: Boston venue
    timezone: America/New_York
programme:
  - title: Workshop
    start: "2027-03-27 09:30"
    end: "2027-03-27 12:30"
    venue: fira
partnering:
  - id: bcn
    title: Barcelona partnering
    venue: fira
    date: 2027-03-27
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
wants_to_meet:
  - company: boston-bio
"""

BOSTON = """\
id: boston-bio
name: Boston Bio
side: host
country: US
timezone: America/New_York
delegates:
  - name: Ann Lee
    email: ann.lee@example.com
"""


def make(root: Path, mission: str = MISSION, **companies: str) -> Path:
    """A mission folder with the given mission.yaml and company files (name -> text)."""
    folder = root / "m"
    (folder / "companies").mkdir(parents=True, exist_ok=True)
    (folder / "mission.yaml").write_text(mission, encoding="utf-8")
    for name, text in {"genomix": GENOMIX, "boston": BOSTON, **companies}.items():
        if text is not None:  # a company file is named after its id, when it has one
            found = re.search(r"^id: ([a-z0-9-]+)$", text, re.M)
            file = found[1] if found else name
            (folder / "companies" / f"{file}.yaml").write_text(text, encoding="utf-8")
    return folder


def run(folder: Path) -> tuple[int, list[str]]:
    """`mission validate .` from inside the folder: exit code and output lines."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, ["validate", "."], catch_exceptions=False)
    finally:
        os.chdir(previous)
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def validate(tmp_path: Path, mission: str = MISSION, **companies: str) -> tuple[int, list[str]]:
    """Build a folder and validate it."""
    return run(make(tmp_path, mission, **companies))


def with_line(text: str, anchor: str, line: str) -> str:
    """`text` with `line` inserted after the line holding `anchor`."""
    head, _, tail = text.partition(anchor)
    end = tail.index("\n") + 1
    return head + anchor + tail[:end] + line + "\n" + tail[end:]


# --- Zones -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, says", [
    ("US/Eastern", "'US/Eastern' is an old name of America/New_York; use America/New_York"),
    ("Asia/Calcutta", "'Asia/Calcutta' is an old name of Asia/Kolkata; use Asia/Kolkata"),
    ("EST", "'EST' is a fixed offset (UTC-05:00) without daylight saving"),
    ("Etc/GMT+5", "'Etc/GMT+5' is a fixed offset (UTC-05:00) without daylight saving"),
    ("PST8PDT", "'PST8PDT' names a rule, not a place; use the city's zone, like "
                "America/Los_Angeles"),
    ("localtime", "'localtime' is not a place (it depends on the computer)"),
])
def test_zone_aliases_and_fixed_offsets_are_refused(tmp_path, name, says):
    code, lines = validate(tmp_path, boston=BOSTON.replace("America/New_York", name))
    assert code == 1, lines
    assert any(line.startswith("companies/boston-bio.yaml:5:11: error: timezone: " + says)
               for line in lines), lines


def test_fixed_offset_message_asks_for_the_city(tmp_path):
    code, lines = validate(tmp_path, MISSION.replace("    timezone: America/New_York",
                                                     "    timezone: EST"))
    assert code == 1
    assert "mission.yaml:13:15: error: venues.boston.timezone: 'EST' is a fixed offset " \
        "(UTC-05:00) without daylight saving, so its times are an hour off for part of the " \
        "year; ask for the city and use its zone, like America/New_York" in lines, lines


def test_region_zones_and_utc_are_accepted(tmp_path):
    mission = with_line(MISSION.replace("venue: fira\n    date", "virtual: true\n    date"),
                        "virtual: true", "    timezone: UTC")
    boston = BOSTON.replace("America/New_York", "Europe/Stockholm")  # merged with Berlin
    code, lines = validate(tmp_path, mission, boston=boston)
    assert code == 0, lines
    code, lines = validate(tmp_path, boston=BOSTON.replace("America/New_York", "Etc/UTC"))
    assert "companies/boston-bio.yaml:5:11: error: timezone: 'Etc/UTC' is UTC; write UTC " \
        "(or the city's zone, like Europe/London)" in lines, lines


def test_every_zone_name_is_classified_and_every_accepted_zone_loads():
    from scheduler.input import zones

    table = zones.table()
    assert {"Europe/Madrid", "America/New_York", "Asia/Kolkata", "UTC"} <= set(zones.accepted())
    assert not available_timezones() - set(table)  # a new tzdata name needs a new zones.txt
    for name in zones.accepted():
        ZoneInfo(name)
    for name, (kind, hint) in table.items():
        if kind == "alias":
            assert table[hint][0] == "zone", name


# --- Daylight saving ---------------------------------------------------------------------


def test_times_in_the_spring_gap_are_errors_located_where_written(tmp_path):
    mission = MISSION.replace('"2027-03-27 09:30"', '"2027-03-28 02:30"') \
        .replace('"2027-03-27 12:30"', '"2027-03-28 12:30"') \
        .replace("date: 2027-03-27\n    windows: [\"14:00-15:05\"]",
                 "dates: [2027-03-27, 2027-03-28]\n    windows: [\"01:00-02:05\"]")
    mission = with_line(mission, "end: 2027-11-02", 'updated: "2027-03-28 02:45"')
    genomix = GENOMIX + "unavailable: [\"2027-03-28 02:10-05:00\"]\n"
    code, lines = validate(tmp_path, mission, genomix=genomix)
    assert code == 1, lines
    assert "mission.yaml:7:10: error: 2027-03-28 02:45 does not exist in Europe/Madrid: the " \
        "clocks jump from 02:00 to 03:00 that day; use a time outside 02:00-03:00" in lines, lines
    assert any(line.startswith("mission.yaml:17:12: error: 2027-03-28 02:30 does not exist in "
                               "Europe/Madrid") for line in lines), lines
    assert any(line.startswith("mission.yaml:25:15: error: window 01:00-02:05 on 2027-03-28: "
                               "2027-03-28 02:05 does not exist in Europe/Madrid")
               for line in lines), lines
    assert not any("on 2027-03-27" in line for line in lines), lines
    assert any(line.startswith("companies/genomix-bcn.yaml:11:15: error: unavailable from "
                               "2027-03-28 02:10 does not exist") for line in lines), lines


def test_gap_is_read_in_the_zone_of_each_place(tmp_path):
    # New York springs forward two weeks before Madrid: 2027-03-14 02:00 -> 03:00.
    mission = MISSION.replace('"2027-03-27 09:30"', '"2027-03-14 02:30"') \
        .replace('"2027-03-27 12:30"', '"2027-03-14 04:30"').replace("venue: fira\n    attendees",
                                                                     "venue: boston")
    mission = mission.replace("    venue: fira\n", "    venue: boston\n", 1)
    boston = BOSTON + 'unavailable: ["2027-03-14 02:15 - 2027-03-14 06:00"]\n'
    genomix = GENOMIX + 'unavailable: ["2027-03-14 02:15 - 2027-03-14 06:00"]\n'  # Madrid: fine
    code, lines = validate(tmp_path, mission, boston=boston, genomix=genomix)
    assert code == 1, lines
    assert any(line.startswith("mission.yaml:16:12: error: 2027-03-14 02:30 does not exist in "
                               "America/New_York") for line in lines), lines
    assert any(line.startswith("companies/boston-bio.yaml:9:15: error: unavailable from "
                               "2027-03-14 02:15 does not exist in America/New_York")
               for line in lines), lines
    assert not any("genomix" in line and "error" in line for line in lines), lines


def test_times_in_the_autumn_overlap_are_warnings_naming_the_one_taken(tmp_path):
    mission = MISSION.replace('"2027-03-27 09:30"', '"2027-10-31 02:30"') \
        .replace('"2027-03-27 12:30"', '"2027-10-31 04:30"')
    code, lines = validate(tmp_path, mission)
    assert code == 0, lines
    assert "mission.yaml:16:12: warning: 2027-10-31 02:30 happens twice in Europe/Madrid (the " \
        "clocks go back that day); the first one (UTC+02:00) is taken, not the second " \
        "(UTC+01:00)" in lines, lines


# --- Ids matched in full -----------------------------------------------------------------


def test_id_with_a_trailing_newline_is_refused(tmp_path):
    twin = GENOMIX.replace("id: genomix-bcn", 'id: "genomix-bcn\\n"')
    code, lines = validate(tmp_path, twin=twin,
                           boston=BOSTON + 'attends: ["bcn\\n"]\n')
    assert code == 1, lines
    assert any(line.startswith("companies/twin.yaml:1:5: error: id: 'genomix-bcn\\n' is not a "
                               "valid id") for line in lines), lines
    assert any(line.startswith("companies/boston-bio.yaml:9:11: error: attends[0]: "
                               "'bcn\\n' is not a "
                               "valid id") for line in lines), lines


# --- Text hygiene ------------------------------------------------------------------------


def test_block_scalar_names_lose_their_final_newline_and_titles_are_folded(tmp_path):
    genomix = GENOMIX.replace("name: Genomix Therapeutics S.L.",
                              "name: |\n  Genomix Therapeutics S.L.")
    mission = MISSION.replace("title: DST mission", "title: >-\n  DST\n\n  mission")
    folder = make(tmp_path, mission.replace("title: Workshop", 'title: "Work\\nshop"'),
                  genomix=genomix)
    code, lines = run(folder)
    assert code == 0, lines
    loaded = load(folder)
    assert loaded.folder.companies["genomix-bcn"].name == "Genomix Therapeutics S.L."
    assert loaded.folder.mission.title == "DST mission"
    assert loaded.folder.mission.programme[0].title == "Work shop"


@pytest.mark.parametrize("edit, where, says", [
    (("name: Laura Puig", 'name: "Laura\\nPuig"'), "7:11", "delegates[0].name: 'Laura\\nPuig' has "
     "a line break; write it on one line"),
    (("name: Genomix Therapeutics S.L.", "name: |\n  Genomix\n  Therapeutics"), "2:7",
     "name: 'Genomix\\nTherapeutics' has a line break"),
    (("cluster: Biocat", 'cluster: "Bio\\rcat"'), "4:10", "cluster: 'Bio\\rcat' has a line break"),
    (("cluster: Biocat", 'cluster: "Bio\\tcat"'), "4:10", "cluster: 'Bio\tcat' has a tab; use a "
     "space"),
    (("name: Laura Puig", 'name: "Laura\\aPuig"'), "7:11", "delegates[0].name: contains the "
     "control character U+0007 at character 6; remove it"),
    (("name: Laura Puig", 'name: Laura Puig\n    role: "CEO\\e[31m"'), "8:11",
     "delegates[0].role: contains the control character U+001B"),
    (("country: ES", 'country: ES\nwebsite: "javascript:alert(1)"'), "6:10",
     "website: 'javascript:alert(1)' is not a web address"),
    (("country: ES", "country: ES\nprofile: {description: \"a\\0b\"}"), "6:24",
     "profile.description: contains the control character U+0000"),
])
def test_line_breaks_control_characters_and_bad_urls_are_refused(tmp_path, edit, where, says):
    code, lines = validate(tmp_path, genomix=GENOMIX.replace(*edit))
    assert code == 1, lines
    assert any(line.startswith(f"companies/genomix-bcn.yaml:{where}: error: {says}")
               for line in lines), lines


def test_video_links_must_be_web_addresses_on_one_line(tmp_path):
    virtual = MISSION.replace("venue: fira\n    date", "virtual: true\n    timezone: UTC\n    date")
    for link, ok in [('"https://meet.example.com/{meeting}"', True),
                     ('"javascript:alert(1)//{meeting}"', False),
                     ('"https://meet.example.com/x\\r\\nX-Evil: 1"', False)]:
        code, lines = validate(tmp_path, with_line(virtual, "virtual: true",
                                                   f"    video_link: {link}"))
        assert (code == 0) == ok, (link, lines)
        if not ok:
            assert any(line.startswith("mission.yaml:23:17: error: partnering[0].video_link: ")
                       for line in lines), lines


def test_tabs_and_line_breaks_stay_in_free_text(tmp_path):
    mission = MISSION.replace("    venue: fira\npartnering",
                              '    venue: fira\n    description: "Bring cards.\\n\\tAnd pens."'
                              "\npartnering")
    folder = make(tmp_path, mission)
    assert run(folder)[0] == 0
    assert load(folder).folder.mission.programme[0].description == "Bring cards.\n\tAnd pens."
    code, lines = run(make(tmp_path, mission.replace("And pens.", "And\\u0085pens.")))
    assert code == 1, lines


# --- Limits ------------------------------------------------------------------------------


@pytest.mark.parametrize("edit, says", [
    (("tables: 4", "tables: 20001"), "partnering[0].tables: 20001 tables is more than the limit "
     "of 10000 per session"),
    (('windows: ["14:00-15:05"]', "windows: [" + ", ".join(
        f'"{h:02d}:{m:02d}-{h:02d}:{m + 5:02d}"' for h in range(24) for m in range(0, 60, 10))
        + "]"), "partnering[0].windows: 144 entries is more than the limit of 100"),
    (("date: 2027-03-27", "dates: [" + ", ".join(
        f"2027-{month:02d}-{day:02d}" for month in (4, 5, 6, 7) for day in range(1, 29)) + "]"),
     "partnering[0].dates: 112 entries is more than the limit of 100"),
    (("tables: 4", "booths: [" + ", ".join(
        f"{{id: b{i}, name: B, owners: [genomix-bcn]}}" for i in range(10001)) + "]"),
     "partnering[0].booths: 10001 entries is more than the limit of 10000"),
    (("tables: 4", "tables: 9000\n    booths: [" + ", ".join(
        f"{{id: b{i}, name: B, owners: [genomix-bcn], tables: 100}}" for i in range(11)) + "]"),
     "partnering[0]: 10100 tables, counting the booths' tables, is more than the limit of "
     "10000 per session"),
])
def test_counts_above_the_limits_are_clear_errors(tmp_path, edit, says):
    started = time.perf_counter()
    code, lines = validate(tmp_path, MISSION.replace(*edit))
    assert code == 1, lines
    assert any(f"error: {says}" in line for line in lines), lines
    assert time.perf_counter() - started < 30


def test_programme_and_delegates_have_limits(tmp_path):
    items = "".join(f'  - {{title: T{i}, date: 2027-03-27}}\n' for i in range(10001))
    mission = MISSION.replace("programme:\n", "programme:\n" + items)
    people = "".join(f"  - {{name: P{i}, email: p{i}@example.com}}\n" for i in range(1001))
    code, lines = validate(tmp_path, mission,
                           genomix=GENOMIX.replace("delegates:\n", "delegates:\n" + people))
    assert code == 1
    assert any(line.startswith("mission.yaml:15:3: error: programme: 10002 entries is more than "
                               "the limit of 10000") for line in lines), lines
    assert any(line.startswith("companies/genomix-bcn.yaml:7:3: error: delegates: 1002 entries is "
                               "more than the limit of 1000") for line in lines), lines


def test_deep_nesting_is_an_input_error(tmp_path):
    code, lines = validate(tmp_path, deep="id: deep\nname: " + "[" * 500 + "]" * 500 + "\n")
    assert code == 1, lines
    assert "companies/deep.yaml:2:70: error: lists and mappings nested more than 64 levels deep" \
        in lines, lines


def test_long_values_are_cut_in_messages(tmp_path):
    huge = "x" * 100_000
    code, lines = validate(tmp_path, MISSION.replace("tables: 4", f"tables: 4\n    "
                                                     f"meeting_minutes: {huge}"))
    assert code == 1
    [line] = [line for line in lines if "meeting_minutes" in line]
    assert line.endswith("expected a whole number, got '" + "x" * 60 + "... (100000 characters)'")
    code, lines = validate(tmp_path, boston=BOSTON.replace("name: Boston Bio", f'name: "{huge}\\n'
                                                           'x"'))
    assert code == 1 and max(map(len, lines)) < 300, lines


# --- Only regular files inside the folder --------------------------------------------------


def test_fifo_and_symlinks_to_devices_or_outside_are_refused_unread(tmp_path):
    folder = make(tmp_path)
    companies = folder / "companies"
    os.mkfifo(companies / "fifo.yaml")  # opening it for reading would wait for a writer
    (companies / "zero.yaml").symlink_to("/dev/zero")
    (companies / "random.yaml").symlink_to("/dev/urandom")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(BOSTON.replace("boston-bio", "outsider"), encoding="utf-8")
    (companies / "outside.yaml").symlink_to(outside)
    (folder / "shared.yaml").write_text(BOSTON.replace("boston-bio", "shared"), encoding="utf-8")
    (companies / "shared.yaml").symlink_to(folder / "shared.yaml")  # inside the folder: fine
    started = time.perf_counter()
    code, lines = run(folder)
    assert time.perf_counter() - started < 30
    assert code == 1, lines
    assert "companies/fifo.yaml: error: is not a regular file (a device, FIFO or socket); " \
        "company files must be plain files" in lines, lines
    for name, target in [("zero", "/dev/zero"), ("random", "/dev/urandom"),
                         ("outside", str(outside.resolve()))]:
        assert f"companies/{name}.yaml: error: is a link to {target}, outside the mission " \
            "folder; copy the file here instead" in lines, lines
    assert not any("outsider" in line or "companies/shared.yaml" in line for line in lines), lines


def test_window_spanning_a_clock_change_is_split_or_flagged(tmp_path):
    spring = MISSION.replace('date: 2027-03-27\n    windows: ["14:00-15:05"]',
                             'date: 2027-03-28\n    windows: ["01:00-04:00"]')
    code, lines = validate(tmp_path, spring)
    assert code == 1, lines
    assert "mission.yaml:24:15: error: window 01:00-04:00 on 2027-03-28: the clocks jump from " \
        "02:00 to 03:00 during it; split it into 01:00-02:00 and " \
        "03:00-04:00" in lines, lines
    autumn = spring.replace("2027-03-28", "2027-10-31")
    code, lines = validate(tmp_path, autumn)
    assert code == 1, lines  # a slot across the repeated hour would not last its length
    assert "mission.yaml:24:15: error: window 01:00-04:00 on 2027-10-31: the clocks go back " \
        "during it, so 02:00-03:00 happens twice and a meeting across it would not last its " \
        "length; use 01:00-02:00 and 03:00-04:00 instead" in lines, lines
    repeated = spring.replace("2027-03-28", "2027-10-31").replace("01:00-04:00", "02:00-03:05")
    code, lines = validate(tmp_path, repeated)  # starts inside the repeated hour
    assert code == 1, lines
    assert any(line.startswith("mission.yaml:24:15: error: window 02:00-03:05 on 2027-10-31: ")
               and line.endswith("use 03:00-03:05 instead") for line in lines), lines


def test_keys_reach_the_terminal_escaped_and_cut(tmp_path):
    evil = BOSTON + '"\\e[2J\\e[31mred": 1\n"' + "k" * 1000 + '": 2\n'
    code, lines = validate(tmp_path, boston=evil)
    assert code == 1
    assert not any("\x1b" in line for line in lines), lines
    assert "companies/boston-bio.yaml:9:1: error: unknown key '\\x1b[2J\\x1b[31mred'" \
        in lines, lines
    assert "companies/boston-bio.yaml:10:1: error: unknown key '" + "k" * 60 \
        + "... (1000 characters)'" in lines, lines


def test_unavailable_times_without_a_zone_on_a_mission_in_two_zones_warn(tmp_path):
    """A company without `timezone` whose sessions are in several zones is told in which zone
    its unavailable times are read; with a `timezone`, or one zone only, nothing is said."""
    two = MISSION + ("  - id: bos\n    title: Boston partnering\n    venue: boston\n"
                     "    date: 2027-03-29\n    windows: [\"14:00-15:05\"]\n    tables: 4\n")
    busy = GENOMIX + 'unavailable: ["2027-03-27 14:00-14:30"]\n'
    code, lines = validate(tmp_path / "two", two, genomix=busy)
    assert code == 0, lines
    assert any("warning: 'genomix-bcn' has no `timezone`, so its unavailable times are read "
               "in the mission's zone (Europe/Madrid), but it meets in sessions in "
               "America/New_York and Europe/Madrid; add `timezone:`" in line
               for line in lines), lines
    said = busy.replace("country: ES\n", "country: ES\ntimezone: Europe/Madrid\n")
    code, lines = validate(tmp_path / "said", two, genomix=said)
    assert not any("has no `timezone`" in line for line in lines), lines
    code, lines = validate(tmp_path / "one", genomix=busy)
    assert not any("has no `timezone`" in line for line in lines), lines
