"""Why a request was not placed: one hand-built mission and schedule per reason."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from helpers.check_kit import make_folder, meet, online

from scheduler.check.reasons import explain_unplaced
from scheduler.input.model import Booth, MissionFolder
from scheduler.load.loader import load_mission
from scheduler.meaning.requests import build_requests
from scheduler.schedule import read_schedule


def why(folder: MissionFolder, *meetings, pair=("genomix", "kansai")) -> str:
    """The reason given for a pair's request."""
    request = next(r for r in build_requests(folder) if set(r.companies) == set(pair))
    return explain_unplaced(folder, list(meetings), request)


def test_no_common_session():
    folder = make_folder(genomix={"attends": ["osaka"]}, kansai={"attends": ["yokohama"]})
    assert why(folder) == "no common slot: genomix attends only osaka, kansai only yokohama"
    folder = make_folder(kansai={"attends": []})
    assert why(folder) == "no common slot: kansai attends no partnering session"


def test_no_slot_where_both_are_free_names_the_blockers():
    site_visit = {"title": "Site visit", "start": "2016-10-11 16:00", "end": "2016-10-11 17:00",
                  "venue": "senri", "attendees": ["kansai"]}
    folder = make_folder({"programme": [site_visit]}, kansai={"attends": ["osaka"]},
                         genomix={"unavailable": ["2016-10-11 14:00-15:30"]})
    assert why(folder) == ("no slot in osaka where both are free: genomix is unavailable "
                           "2016-10-11 14:00-15:30 JST; kansai attends 'Site visit' "
                           "(2016-10-11 16:00-17:00 JST)")


def test_no_slot_when_no_delegate_is_free():
    ken = {"id": "ken", "name": "Ken", "email": "ken@example.com",
           "unavailable": ["2016-10-11"]}
    folder = make_folder(kansai={"attends": ["osaka"], "delegates": [ken]})
    assert why(folder) == "no slot in osaka where both are free: kansai has no delegate available"


def test_company_full_over_the_mission():
    folder = make_folder(kansai={"max_meetings": 1},
                         biom_x={"wants_to_meet": [{"company": "kansai", "priority": "high"}]})
    assert why(folder, meet("biom-x", "kansai")) == \
        "kansai is full (1 of 1) with higher-priority meetings"
    folder = make_folder(kansai={"max_meetings": 1})
    assert why(folder, meet("biom-x", "kansai")) == \
        "kansai is full (1 of 1) with meetings of the same or higher priority"


def test_company_full_in_the_session():
    folder = make_folder(kansai={"attends": ["osaka"]})
    folder.mission.partnering[0].max_meetings_per_company = 1
    assert why(folder, meet("biom-x", "kansai")) == \
        "kansai is full in osaka (1 of 1) with meetings of the same or higher priority"


def test_session_full():
    folder = make_folder(kansai={"attends": ["osaka"]})
    folder.mission.partnering[0].max_meetings = 2
    full = (meet("biom-x", "osaka-pharma"), meet("gene-two", "osaka-pharma", at="14:35"))
    assert why(folder, *full) == "osaka is full (2 of 2 meetings)"
    assert not why(folder, full[0]).startswith("osaka is full")


def test_all_tables_taken_in_the_slots_both_are_free():
    folder = make_folder(kansai={"attends": ["osaka"]},
                         genomix={"unavailable": ["2016-10-11 16:00-17:00"]})
    folder.mission.partnering[0].tables = ["Table 1"]
    taken = (meet("biom-x", "osaka-pharma"), meet("gene-two", "osaka-pharma", at="14:35"))
    assert why(folder, *taken) == "the only table is taken in the 2 slots both are free"
    folder.mission.partnering[0].tables = ["Table 1", "Table 2"]
    folder.companies["genomix"].unavailable.append(
        (datetime(2016, 10, 11, 14, 35), datetime(2016, 10, 11, 15, 5)))
    both = (taken[0], meet("gene-two", "biom-x", table="Table 2"))
    assert why(folder, *both) == "both tables are taken in the only slot both are free"


def test_booth_tables_taken():
    folder = make_folder(kansai={"attends": ["osaka"]},
                         genomix={"unavailable": ["2016-10-11 16:00-17:00"]})
    folder.mission.partnering[0].booths = [Booth(id="biocat", name="Biocat stand",
                                                 owners=["cluster:Biocat"])]
    taken = (meet("gene-two", "osaka-pharma", table="Biocat stand", booth="biocat"),
             meet("gene-two", "osaka-pharma", at="14:35", table="Biocat stand",
                  booth="biocat", number=2))
    assert why(folder, *taken) == \
        "the only table at booth biocat is taken in the 2 slots both are free"


def test_one_of_them_always_in_another_meeting():
    folder = make_folder(kansai={"attends": ["osaka"]},
                         genomix={"unavailable": ["2016-10-11 16:00-17:00"]})
    busy = (meet("biom-x", "kansai"), meet("kansai", "osaka-pharma", at="14:35"))
    assert why(folder, *busy) == "in the 2 slots both are free, kansai is already in " \
                                 "another meeting"
    mixed = (meet("genomix", "osaka-pharma"), meet("biom-x", "kansai", at="14:35"))
    assert why(folder, *mixed) == "in the 2 slots both are free, genomix or kansai is " \
                                  "already in another meeting"


def test_tables_or_busy():
    folder = make_folder(kansai={"attends": ["osaka"]},
                         genomix={"unavailable": ["2016-10-11 16:00-17:00"]})
    folder.mission.partnering[0].tables = ["Table 1"]
    found = why(folder, meet("biom-x", "osaka-pharma"),
                online("genomix", "osaka-pharma", at="07:35"))  # 14:35 in Tokyo
    assert found == ("in the 2 slots both are free, all tables are taken or genomix or kansai "
                     "is already in another meeting; placing it would displace "
                     "higher-priority meetings")


def test_parallel_company_with_a_free_delegate_is_not_busy():
    folder = make_folder(biom_x={"parallel": True, "attends": ["osaka"]},
                         kansai={"attends": ["osaka"]})
    one = meet("biom-x", "osaka-pharma", delegates=["biom-x/anna", "osaka-pharma/yui"])
    assert "still open at 2016-10-11 14:00 JST in osaka" in why(folder, one,
                                                                pair=("biom-x", "kansai"))


def test_fallback_names_the_open_slot():
    folder = make_folder(kansai={"attends": ["osaka"]})
    assert why(folder) == ("placing it would displace higher-priority meetings (a slot is "
                           "still open at 2016-10-11 14:00 JST in osaka; a longer --time-limit "
                           "may place it)")


def test_partly_placed_repeat_meetings():
    folder = make_folder(genomix={"wants_to_meet": [{"company": "kansai", "meetings": 2}]},
                         kansai={"attends": ["osaka"], "max_meetings": 1})
    assert why(folder, meet("genomix", "kansai")) == (
        "only 1 of 2 meetings placed: kansai is full (1 of 1) with meetings of the same or "
        "higher priority")


def test_company_gone():
    folder = make_folder()
    request = build_requests(folder)[0]
    del folder.companies["kansai"]
    assert explain_unplaced(folder, [], request) == "kansai no longer take(s) part in the mission"


def test_blocking_all_day_item_is_named_with_its_day():
    fair = {"title": "Fair day", "date": "2016-10-11", "attendees": ["hosts"],
            "blocks_meetings": True}
    folder = make_folder({"programme": [fair]}, kansai={"attends": ["osaka"]})
    assert why(folder) == ("no slot in osaka where both are free: kansai attends 'Fair day' "
                           "(2016-10-11)")


def test_the_same_list_changed_in_place_is_explained_afresh():
    folder = make_folder(kansai={"attends": ["osaka"], "max_meetings": 1})
    request = next(r for r in build_requests(folder) if r.id == "genomix--kansai")
    meetings = []
    assert "still open" in explain_unplaced(folder, meetings, request)
    meetings.append(meet("biom-x", "kansai"))
    assert explain_unplaced(folder, meetings, request).startswith("kansai is full (1 of 1)")
    meetings[0] = meet("genomix", "kansai")
    assert explain_unplaced(folder, meetings, request) == \
        "all 1 requested meeting(s) are placed"


def test_all_n_tables_taken():
    folder = make_folder(kansai={"attends": ["osaka"]},
                         genomix={"unavailable": ["2016-10-11 14:30-17:00"]})
    folder.mission.partnering[0].tables = ["Table 1", "Table 2", "Table 3"]
    taken = [meet(a, b, table=f"Table {i}") for i, (a, b) in enumerate(
        [("biom-x", "osaka-pharma"), ("gene-two", "osaka-pharma"), ("biom-x", "gene-two")], 1)]
    assert why(folder, *taken) == "all 3 tables are taken in the only slot both are free"



def test_unavailability_in_a_company_zone_names_that_zone():
    seed = Path(__file__).resolve().parent.parent / "seeds" / "bcecc-chinabio-2022"
    folder, _ = load_mission(seed)
    schedule = read_schedule(seed)
    unplaced = {u.request for u in schedule.unplaced}
    clash = [q for q in build_requests(folder) if "aalst" in q.id and q.id in unplaced]
    assert clash, "the seed has the Brussels/Beijing availability clash"
    assert "aalst-enzymix is unavailable 2022-05-10 10:30-11:30 CEST (Brussels time)" in \
        explain_unplaced(folder, schedule.meetings, clash[0])


def test_a_company_that_accepts_no_meetings_says_so():
    """max_meetings: 0 is not 'full with higher-priority meetings': it accepts none."""
    from helpers.solver_kit import company, folder, mission, solve

    f = folder(mission(), [company("a", wants=["x"], max_meetings=0), company("x", "host")])
    result = solve(f)
    assert [u.reason for u in result.unplaced] == ["a accepts no meetings (max_meetings: 0)"]
