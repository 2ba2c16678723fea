"""The independent checker: each rule satisfied and violated by hand-written schedules."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from click.testing import CliRunner
from helpers.check_kit import MISSION, make_folder, meet, online, schedule, write_folder
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import cli
from scheduler.check.rules import RULES, check_schedule, quality_figures
from scheduler.input.model import Booth, Match
from scheduler.schedule import to_json

GK, GO = "genomix--kansai", "genomix--osaka-pharma"


def rules(folder, *meetings, previous=None) -> set[str]:
    """The names of the rules a schedule of these meetings breaks."""
    return {v.rule for v in check_schedule(folder, schedule(*meetings), previous)}


def messages(folder, *meetings) -> list[str]:
    """Every violation as printed."""
    return [str(v) for v in check_schedule(folder, schedule(*meetings))]


def test_every_rule_of_the_contract_has_a_check():
    assert set(RULES) | {"locked"} == {
        "meeting_shape", "slot_grid", "session_attendance", "availability",
        "programme_conflict", "one_meeting_at_a_time", "table_capacity", "booth_ownership",
        "company_cap", "session_cap", "requested_pair", "locked", "placement",
        "named_delegates", "blocked_pair"}


def test_a_valid_schedule_has_no_violation():
    folder = make_folder()
    meetings = (meet("genomix", "kansai"), meet("biom-x", "osaka-pharma", table="Table 2"),
                meet("genomix", "osaka-pharma", at="16:00"), meet("biom-x", "kansai", at="14:35"),
                online("gene-two", "osaka-pharma", at="07:35"))  # 14:35 in Tokyo
    assert messages(folder, *meetings) == []


# meeting_shape

def test_meeting_shape_wrong_length():
    out = messages(make_folder(), meet("genomix", "kansai", minutes=45))
    assert out == [f"meeting_shape: {GK}: lasts 45 minutes; meetings of osaka last 30"]


@pytest.mark.parametrize(("delegates", "expected"), [
    (["genomix/laura", "kansai/ken", "osaka-pharma/yui"], "belongs to neither"),
    (["genomix/laura", "kansai/nobody"], "kansai has no delegate 'nobody'"),
    (["genomix/laura"], "nobody from kansai attends"),
])
def test_meeting_shape_delegates(delegates, expected):
    out = messages(make_folder(), meet("genomix", "kansai", delegates=delegates))
    assert len(out) == 1 and out[0].startswith("meeting_shape") and expected in out[0]


def test_meeting_shape_unknown_company_and_session_are_reported_once():
    folder = make_folder()
    assert rules(folder, meet("genomix", "kansai", session="nowhere")) == {"meeting_shape"}
    bad = meet("genomix", "kansai").model_copy(update={"companies": ["genomix", "ghost"]})
    assert rules(folder, bad) == {"meeting_shape"}
    same = meet("genomix", "kansai").model_copy(update={"companies": ["genomix", "genomix"]})
    assert "genomix meets itself" in messages(folder, same)[0]


def test_meeting_shape_duplicate_ids():
    twin = meet("genomix", "osaka-pharma", at="14:35").model_copy(update={"id": GK})
    assert rules(make_folder(), meet("genomix", "kansai"), twin) == {"meeting_shape"}


# slot_grid

def test_slot_grid_off_grid_start():
    out = messages(make_folder(), meet("genomix", "kansai", at="14:10"))
    assert out == [f"slot_grid: {GK}: 2016-10-11 14:10 JST is not a slot start of osaka "
                   "(2016-10-11, windows 14:00-15:30, 16:00-17:00, 30-minute meetings, "
                   "5 minutes changeover)"]


@pytest.mark.parametrize("at", ["14:35", "16:00"])
def test_slot_grid_changeover_and_second_window(at):
    assert rules(make_folder(), meet("genomix", "kansai", at=at)) == set()


@pytest.mark.parametrize("at", ["14:30", "15:10", "16:35"])
def test_slot_grid_rejects_slots_that_do_not_fit(at):
    assert rules(make_folder(), meet("genomix", "kansai", at=at)) == {"slot_grid"}


def test_slot_grid_needs_the_session_zone_offset():
    folder = make_folder()
    utc = meet("genomix", "kansai", at="05:00", zone=UTC)  # the same instant as 14:00
    out = messages(folder, utc)
    assert len(out) == 2 and all("not written in the session's zone (Asia/Tokyo)" in m
                                 for m in out)


def test_slot_grid_virtual_session_in_its_own_zone():
    folder = make_folder()
    assert rules(folder, online("genomix", "kansai", at="07:00")) == set()
    assert rules(folder, online("genomix", "kansai", at="14:00")) == {"slot_grid"}


# session_attendance

def test_session_attendance():
    folder = make_folder(kansai={"attends": ["yokohama"]})
    out = messages(folder, meet("genomix", "kansai"))
    assert out == [f"session_attendance: {GK}: kansai does not attend osaka "
                   "(it attends yokohama)"]
    ok = meet("genomix", "kansai", session="yokohama", day="2016-10-13", at="10:00")
    assert rules(folder, ok) == set()


# availability

def test_availability_company_unavailable():
    folder = make_folder(genomix={"unavailable": ["2016-10-11 14:00-14:30"]})
    out = messages(folder, meet("genomix", "kansai"))
    assert out == [f"availability: {GK}: genomix is unavailable 2016-10-11 14:00-14:30 JST "
                   "but meets at 2016-10-11 14:00 JST"]
    assert rules(folder, meet("genomix", "kansai", at="14:35")) == set()


def test_availability_half_open_periods_touching_a_meeting_are_fine():
    folder = make_folder(genomix={"unavailable": ["2016-10-11 13:00-14:00",
                                                  "2016-10-11 14:30-14:35"]})
    assert rules(folder, meet("genomix", "kansai"), meet("genomix", "osaka-pharma",
                 at="14:35")) == set()


def test_availability_in_the_company_zone():
    # 07:00 in Madrid (CEST, UTC+2) is 14:00 in Tokyo
    folder = make_folder(genomix={"timezone": "Europe/Madrid",
                                  "unavailable": ["2016-10-11 07:00-07:30"]})
    assert rules(folder, meet("genomix", "kansai")) == {"availability"}
    assert rules(folder, meet("genomix", "kansai", at="14:35")) == set()


def _biom(**extra):
    """Folder where biom-x's delegate ben is unavailable at 14:00."""
    ben = {"id": "ben", "name": "Ben", "email": "ben@example.com",
           "unavailable": ["2016-10-11 14:00-14:30"]}
    anna = {"id": "anna", "name": "Anna", "email": "anna@example.com"}
    return make_folder(biom_x={"delegates": [anna, ben], **extra})


def test_availability_delegates_of_a_non_parallel_company():
    folder = _biom()
    both = ["biom-x/anna", "biom-x/ben", "kansai/ken"]
    only_anna = ["biom-x/anna", "kansai/ken"]
    assert rules(folder, meet("biom-x", "kansai", delegates=only_anna)) == set()
    out = messages(folder, meet("biom-x", "kansai", delegates=both))
    assert out == ["availability: biom-x--kansai: biom-x/ben is unavailable at "
                   "2016-10-11 14:00 JST"]
    out = messages(folder, meet("biom-x", "kansai", at="14:35", delegates=only_anna))
    assert out == ["availability: biom-x--kansai: biom-x meets with all its available "
                   "delegates, but ben is not in the meeting"]


def test_availability_no_delegate_free():
    folder = _biom()
    folder.companies["biom-x"].delegates.pop(0)  # only ben, unavailable at 14:00
    assert rules(folder, meet("biom-x", "kansai", delegates=["biom-x/ben", "kansai/ken"])
                 ) == {"availability"}


def test_availability_parallel_company_sends_one_delegate():
    folder = _biom(parallel=True)
    assert rules(folder, meet("biom-x", "kansai", delegates=["biom-x/anna", "kansai/ken"])
                 ) == set()
    two = ["biom-x/anna", "biom-x/ben", "kansai/ken"]
    assert rules(folder, meet("biom-x", "kansai", at="14:35", delegates=two)) == {"availability"}


# programme_conflict

def _item(**fields):
    """A programme item dict."""
    return {"title": "Workshop", "start": "2016-10-11 14:00", "end": "2016-10-11 14:30",
            "venue": "senri", **fields}


@pytest.mark.parametrize("attendees", [["delegation"], ["everyone"], ["cluster:Biocat"],
                                       ["genomix"], ["hosts"], ["group:pharma", "kansai"]])
def test_programme_conflict_attendees(attendees):
    folder = make_folder({"programme": [_item(attendees=attendees)]})
    out = messages(folder, meet("genomix", "kansai"))
    assert out and all(m.startswith(f"programme_conflict: {GK}: ") for m in out)
    assert "attends 'Workshop' at 2016-10-11 14:00 JST" in out[0]
    assert rules(folder, meet("genomix", "kansai", at="14:35")) == set()


@pytest.mark.parametrize("attendees", [["cluster:BioM"], ["group:pharma"], ["biom-x"]])
def test_programme_items_of_others_do_not_conflict(attendees):
    folder = make_folder({"programme": [_item(attendees=attendees)]})
    assert rules(folder, meet("genomix", "kansai")) == set()


def test_programme_blocks_meetings_flag():
    folder = make_folder({"programme": [_item(blocks_meetings=False),
                                        {"title": "Fair day", "date": "2016-10-11"}]})
    assert rules(folder, meet("genomix", "kansai")) == set()
    folder = make_folder({"programme": [{"title": "Fair day", "date": "2016-10-10",
                                         "until": "2016-10-11", "blocks_meetings": True}]})
    assert rules(folder, meet("genomix", "kansai")) == {"programme_conflict"}
    assert rules(folder, meet("genomix", "kansai", session="yokohama", day="2016-10-13",
                              at="10:00")) == set()


def test_programme_transfer_uses_both_venue_zones():
    # leaves Lyon 07:00 Paris time (14:00 Tokyo), reaches Senri 14:30 Tokyo time
    transfer = {"title": "Flight", "kind": "transfer", "start": "2016-10-11 07:00",
                "end": "2016-10-11 14:30", "from": "lyon", "to": "senri"}
    folder = make_folder({"programme": [transfer]})
    assert rules(folder, meet("genomix", "kansai")) == {"programme_conflict"}
    assert rules(folder, meet("genomix", "kansai", at="14:35")) == set()


# one_meeting_at_a_time

def test_one_meeting_at_a_time():
    folder = make_folder()
    out = messages(folder, meet("genomix", "kansai"),
                   meet("genomix", "osaka-pharma", table="Table 2"))
    assert out == [f"one_meeting_at_a_time: {GO}: genomix has two meetings at "
                   f"2016-10-11 14:00 JST ({GK}, {GO})"]


def test_one_meeting_at_a_time_across_sessions_and_zones():
    folder = make_folder()
    # 07:00 in Paris is 14:00 in Tokyo: the same instant
    assert rules(folder, meet("genomix", "kansai"), online("genomix", "osaka-pharma")
                 ) == {"one_meeting_at_a_time"}
    assert rules(folder, meet("genomix", "kansai"), online("genomix", "osaka-pharma",
                 at="07:35")) == set()


def test_one_meeting_at_a_time_parallel_company():
    folder = _biom(parallel=True)
    folder.companies["biom-x"].delegates[1].unavailable.clear()
    anna = meet("biom-x", "kansai", delegates=["biom-x/anna", "kansai/ken"])
    ben = meet("biom-x", "osaka-pharma", table="Table 2",
               delegates=["biom-x/ben", "osaka-pharma/yui"])
    assert rules(folder, anna, ben) == set()
    twice = ben.model_copy(update={"delegates": ["biom-x/anna", "osaka-pharma/yui"]})
    out = messages(folder, anna, twice)
    assert out == ["one_meeting_at_a_time: biom-x--osaka-pharma: biom-x/anna is in two "
                   "meetings at 2016-10-11 14:00 JST (biom-x--kansai, biom-x--osaka-pharma)"]


def test_one_meeting_at_a_time_parallel_needs_free_delegates():
    folder = _biom(parallel=True)  # ben is unavailable at 14:00
    anna = meet("biom-x", "kansai", delegates=["biom-x/anna", "kansai/ken"])
    ben = meet("biom-x", "osaka-pharma", table="Table 2",
               delegates=["biom-x/ben", "osaka-pharma/yui"])
    found = check_schedule(folder, schedule(anna, ben))
    assert "biom-x has 2 meetings at 2016-10-11 14:00 JST but 1 delegate(s) available" in \
        " ".join(v.message for v in found if v.rule == "one_meeting_at_a_time")


# table_capacity

def test_table_capacity_one_meeting_per_table():
    folder = make_folder()
    out = messages(folder, meet("genomix", "kansai"), meet("biom-x", "osaka-pharma"))
    assert out == ["table_capacity: biom-x--osaka-pharma: Table 1 of osaka has two meetings "
                   f"at 2016-10-11 14:00 JST ({GK}, biom-x--osaka-pharma)"]
    assert rules(folder, meet("genomix", "kansai"), meet("biom-x", "osaka-pharma", at="14:35")
                 ) == set()


@pytest.mark.parametrize("table", ["Table 3", None])
def test_table_capacity_unknown_table(table):
    assert rules(make_folder(), meet("genomix", "kansai", table=table)) == {"table_capacity"}


def test_table_capacity_virtual_sessions_use_video_links():
    folder = make_folder()
    assert rules(folder, online("genomix", "kansai", table="Table 1")) == {"table_capacity"}
    wrong = online("genomix", "kansai", video_link="https://meet.example/other")
    assert messages(folder, wrong) == [f"table_capacity: {GK}: video link "
                                       "'https://meet.example/other' should be "
                                       f"'https://meet.example/{GK}'"]
    assert rules(folder, online("genomix", "kansai", video_link=None)) == {"table_capacity"}


def _rooms(tables):
    """The test mission with `tables` (video rooms) on its virtual session."""
    raw = {**MISSION["partnering"][2], "tables": tables}
    return make_folder({"partnering": [*MISSION["partnering"][:2], raw]})


def test_table_capacity_video_rooms_of_a_virtual_session():
    folder = _rooms(1)
    assert folder.session("online").tables == ["Video room 1"]
    one = online("genomix", "kansai", table="Video room 1")
    assert messages(folder, one, online("biom-x", "osaka-pharma", table="Video room 1",
                                        at="07:35")) == []
    out = messages(folder, one, online("biom-x", "osaka-pharma", table="Video room 1"))
    assert out == ["table_capacity: biom-x--osaka-pharma: Video room 1 of online has two "
                   f"meetings at 2016-10-11 07:00 CEST ({GK}, biom-x--osaka-pharma)"]
    assert messages(folder, online("genomix", "kansai")) == [
        f"table_capacity: {GK}: online has 1 video room(s), but the meeting has none"]
    assert messages(folder, online("genomix", "kansai", table="Zoom B")) == [
        f"table_capacity: {GK}: online has no video room 'Zoom B'"]
    folder = _rooms(["Zoom A", "Zoom B"])
    assert rules(folder, one) == {"table_capacity"}
    assert rules(folder, online("genomix", "kansai", table="Zoom B"),
                 online("biom-x", "osaka-pharma", table="Zoom A")) == set()


# booth_ownership

BOOTHS = {"booths": [
    {"id": "kansai-booth", "name": "Kansai booth", "owners": ["kansai"], "tables": 2},
    {"id": "biocat", "name": "Biocat stand", "owners": ["cluster:Biocat"]}]}


def _fair():
    """The test mission whose osaka session also has booths."""
    folder = make_folder()
    folder.mission.partnering[0].booths = [Booth.model_validate(b) for b in BOOTHS["booths"]]
    return folder


@pytest.mark.parametrize(("table", "booth"), [("Kansai booth / Table 2", "kansai-booth"),
                                              ("Biocat stand", "biocat")])
def test_booth_either_owner_booth_is_fine(table, booth):
    assert rules(_fair(), meet("genomix", "kansai", table=table, booth=booth)) == set()


def test_booth_owner_meets_at_the_booth():
    out = messages(_fair(), meet("biom-x", "kansai"))
    assert out == ["booth_ownership: biom-x--kansai: kansai owns booth kansai-booth, so the "
                   "meeting belongs there"]
    assert rules(_fair(), meet("biom-x", "osaka-pharma")) == set()


def test_booth_of_someone_else():
    folder = _fair()
    bad = meet("biom-x", "osaka-pharma", table="Biocat stand", booth="biocat")
    assert messages(folder, bad) == ["booth_ownership: biom-x--osaka-pharma: booth biocat "
                                     "belongs to cluster:Biocat, not to biom-x or osaka-pharma"]
    sneaky = meet("biom-x", "osaka-pharma", table="Biocat stand")
    assert rules(folder, sneaky) == {"booth_ownership"}
    wrong_table = meet("genomix", "kansai", table="Biocat stand", booth="kansai-booth")
    assert rules(folder, wrong_table) == {"booth_ownership"}


def test_booth_holds_its_tables_per_slot():
    folder = _fair()
    one = meet("genomix", "kansai", table="Biocat stand", booth="biocat")
    two = meet("gene-two", "osaka-pharma", table="Biocat stand", booth="biocat")
    assert "booth_ownership" in rules(folder, one, two)
    assert rules(folder, one, two.model_copy(update={"table": "Table 1", "booth": None})
                 ) == {"booth_ownership"}  # gene-two owns the Biocat stand


# company_cap and session_cap

def test_company_cap_over_the_mission():
    folder = make_folder(genomix={"max_meetings": 1})
    two = (meet("genomix", "kansai"), meet("genomix", "osaka-pharma", at="14:35"))
    assert messages(folder, *two) == ["company_cap: genomix has 2 meetings; it accepts at most 1"]
    assert rules(folder, two[0]) == set()


def test_company_cap_per_session():
    folder = make_folder()
    osaka = folder.mission.partnering[0]
    osaka.max_meetings_per_company = 1
    two = (meet("genomix", "kansai"), meet("genomix", "osaka-pharma", at="14:35"))
    assert messages(folder, *two) == ["company_cap: genomix has 2 meetings in osaka; the "
                                      "session allows 1 per company"]
    assert rules(folder, two[0], online("genomix", "osaka-pharma", at="07:35")) == set()


def test_session_cap():
    folder = make_folder()
    folder.mission.partnering[0].max_meetings = 1
    two = (meet("genomix", "kansai"), meet("biom-x", "osaka-pharma", table="Table 2"))
    assert messages(folder, *two) == ["session_cap: osaka has 2 meetings; it holds at most 1"]
    assert rules(folder, two[0]) == set()


# requested_pair

def test_requested_pair_needs_a_request():
    folder = make_folder()
    assert messages(folder, meet("kansai", "osaka-pharma")) == [
        "requested_pair: kansai--osaka-pharma: nobody asked for kansai and osaka-pharma to meet"]
    folder.mission.matches.append(_match("kansai", "osaka-pharma"))
    assert rules(folder, meet("kansai", "osaka-pharma")) == set()


def _match(a, b, **extra):
    """An organiser match."""
    return Match(companies=[a, b], **extra)


def test_requested_pair_meets_as_often_as_asked():
    twice = (meet("genomix", "kansai"), meet("genomix", "kansai", at="14:35", number=2))
    folder = make_folder()
    assert messages(folder, *twice) == [f"requested_pair: {GK}-2: genomix and kansai meet 2 "
                                        "times; 1 requested"]
    folder = make_folder(genomix={"wants_to_meet": [{"company": "kansai", "meetings": 2}]})
    assert rules(folder, *twice) == set()
    folder = make_folder()
    folder.mission.matches.append(_match("genomix", "kansai", meetings=2))
    assert rules(folder, *twice) == set()


# locked

def _locked(meeting):
    """The meeting, locked."""
    return meeting.model_copy(update={"locked": True})


def test_locked_meetings_stay():
    folder = make_folder()
    before = schedule(_locked(meet("genomix", "kansai")), meet("genomix", "osaka-pharma",
                      at="14:35"))
    same = meet("genomix", "kansai", at="05:00", zone=UTC)  # same instant
    kept = (meet("genomix", "kansai"), meet("genomix", "osaka-pharma", at="16:00"))
    assert rules(folder, *kept, previous=before) == set()
    assert "locked" not in rules(folder, same, previous=before)
    moved = meet("genomix", "kansai", at="14:35")
    out = [str(v) for v in check_schedule(folder, schedule(moved), before)]
    assert out == [f"locked: {GK}: locked meeting moved: start 2016-10-11T14:00:00+09:00 -> "
                   "2016-10-11T14:35:00+09:00"]
    assert rules(folder, meet("genomix", "kansai", table="Table 2"), previous=before
                 ) == {"locked"}
    out = [str(v) for v in check_schedule(folder, schedule(), before)]
    assert out == [f"locked: {GK}: locked meeting was dropped"]


def test_locked_virtual_meeting_may_gain_a_video_room_but_not_change_it():
    folder = _rooms(["Zoom A", "Zoom B"])  # rooms added after the meeting was locked
    before = schedule(_locked(online("genomix", "kansai")))
    assert rules(folder, online("genomix", "kansai", table="Zoom A"), previous=before) == set()
    before = schedule(_locked(online("genomix", "kansai", table="Zoom A")))
    out = [str(v) for v in check_schedule(folder, schedule(
        online("genomix", "kansai", table="Zoom B")), before)]
    assert out == [f"locked: {GK}: locked meeting moved: table Zoom A -> Zoom B"]


# quality figures

def test_quality_figures_recomputed():
    folder = make_folder()
    # genomix: 14:00 and 16:00 with 14:35 free between (1 idle slot, 1 hole); biom-x: nothing
    plan = schedule(meet("genomix", "kansai"), meet("genomix", "osaka-pharma", at="16:00"),
                    online("gene-two", "osaka-pharma"))
    figures = quality_figures(folder, plan)
    assert figures == {"requested": 5, "placed": 3, "weight_requested": 10, "weight_placed": 6,
                       "idle_slots": 1, "holes": 1, "fairness": 0.0,
                       "in_person_share": 0.6667}  # osaka in person, one video call


def test_quality_idle_slots_count_per_session_day():
    folder = make_folder()
    folder.mission.partnering[1].dates = [folder.mission.partnering[1].days[0]]
    folder.mission.partnering[1].date = None
    folder.mission.partnering[1].dates.append(date(2016, 10, 14))
    # yokohama has one slot a day: meetings on two days leave no idle slot between them
    plan = schedule(meet("genomix", "kansai", session="yokohama", day="2016-10-13", at="10:00"),
                    meet("genomix", "osaka-pharma", session="yokohama", day="2016-10-14",
                         at="10:00"))
    assert quality_figures(folder, plan)["idle_slots"] == 0
    plan = schedule(meet("genomix", "kansai"), meet("biom-x", "kansai", at="16:00"))
    assert quality_figures(folder, plan)["idle_slots"] == 1  # kansai 14:00, 16:00


# mission check

def test_mission_check_valid(tmp_path):
    folder = make_folder()
    meetings = (meet("genomix", "kansai"), meet("genomix", "osaka-pharma", at="14:35"))
    root = write_folder(tmp_path / "m", folder, *meetings, requested=5, placed=2,
                        weight_requested=10, weight_placed=4, fairness=0.0)
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "quality (recomputed): 2 of 5 requested meetings placed, 0 idle slot(s) in 0 hole(s), "
        "fairness 0.00", "every rule holds for the 2 meeting(s)",
        "warning: schedule.json does not record the inputs it was made from (written by an "
        "older version), so whether mission.yaml or a company file changed since cannot be "
        "told; `mission schedule` records them"]


def test_mission_check_reports_violations_and_stale_figures(tmp_path):
    folder = make_folder()
    meetings = (meet("genomix", "kansai"), meet("genomix", "osaka-pharma", table="Table 2"))
    root = write_folder(tmp_path / "m", folder, *meetings, requested=5, placed=2,
                        weight_requested=10, weight_placed=4, fairness=0.5)
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 4
    assert f"one_meeting_at_a_time: {GO}: genomix has two meetings at 2016-10-11 14:00 JST " \
           f"({GK}, {GO})" in result.output
    assert "quality differs from schedule.json: fairness: schedule.json says 0.5, " \
           "recomputed 0.0" in result.output
    assert "1 violation(s): 1 one_meeting_at_a_time" in result.output
    assert "Traceback" not in result.output


def test_mission_check_without_schedule(tmp_path):
    root = write_folder(tmp_path / "m", make_folder())
    (root / "schedule.json").unlink()
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 1 and "no schedule yet; run `mission schedule" in result.output


def test_mission_check_other_mission(tmp_path):
    root = write_folder(tmp_path / "m", make_folder())
    plan = (root / "schedule.json").read_text().replace('"mission": "japan"', '"mission": "x"')
    (root / "schedule.json").write_text(plan)
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 4
    assert "mission: the schedule is for mission 'x', not 'japan'" in result.output


# properties over random hand-written schedules (no solver involved)

PAIRS = [("genomix", "kansai"), ("genomix", "osaka-pharma"), ("biom-x", "kansai"),
         ("biom-x", "osaka-pharma"), ("gene-two", "osaka-pharma")]
SPOTS = [(at, table) for at in ("14:00", "14:35", "16:00", "14:10")
         for table in ("Table 1", "Table 2")]


@st.composite
def random_schedules(draw):
    """Up to six meetings of requested pairs at random spots (some off the grid)."""
    picks = draw(st.lists(st.tuples(st.sampled_from(PAIRS), st.sampled_from(SPOTS)),
                          max_size=6, unique_by=lambda p: p[0]))
    return [meet(a, b, at=at, table=table) for (a, b), (at, table) in picks]


@settings(max_examples=60, deadline=None)
@given(random_schedules())
def test_removing_a_meeting_never_breaks_a_rule(meetings):
    folder = make_folder()
    before = len(check_schedule(folder, schedule(*meetings)))
    for i in range(len(meetings)):
        fewer = meetings[:i] + meetings[i + 1:]
        assert len(check_schedule(folder, schedule(*fewer))) <= before


@settings(max_examples=60, deadline=None)
@given(random_schedules())
def test_a_double_booked_meeting_is_always_caught(meetings):
    folder = make_folder()
    for m in meetings:
        twin = m.model_copy(update={"id": m.id + "-2"})
        found = {v.rule for v in check_schedule(folder, schedule(*meetings, twin))}
        assert {"one_meeting_at_a_time", "table_capacity", "requested_pair"} <= found


def test_mission_check_previous_locked_meetings(tmp_path):
    folder = make_folder()
    root = write_folder(tmp_path / "m", folder, meet("genomix", "kansai", at="14:35"))
    earlier = tmp_path / "before.json"
    earlier.write_text(to_json(schedule(_locked(meet("genomix", "kansai")))), "utf-8")
    result = CliRunner().invoke(cli, ["check", str(root), "--previous", str(earlier)])
    assert result.exit_code == 4
    assert f"locked: {GK}: locked meeting moved: start 2016-10-11T14:00:00+09:00 -> " \
           "2016-10-11T14:35:00+09:00" in result.output


def test_meeting_shape_times_without_offset(tmp_path):
    naive = meet("genomix", "kansai")
    naive = naive.model_copy(update={"start": naive.start.replace(tzinfo=None),
                                     "end": naive.end.replace(tzinfo=None)})
    assert messages(make_folder(), naive) == [
        f"meeting_shape: {GK}: start and end need a UTC offset, like 2016-10-11T14:00:00+09:00"]
    root = write_folder(tmp_path / "m", make_folder(), naive)
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 4 and "start 2016-10-11T14:00:00 has no UTC offset" in result.output
