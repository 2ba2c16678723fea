"""`mission suggest`: ranked, explained suggestions, the side rules, --write and --evaluate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.load.loader import load_mission
from scheduler.suggest.evaluate import evaluate
from scheduler.suggest.suggestions import suggest
from scheduler.suggest.text import expanded, groups, sector_key
from scheduler.tooling.generate import generate

ROOT = Path(__file__).resolve().parent.parent
JAPAN = ROOT / "seeds" / "bioxclusters-japan-2016"
HOSTING = {"host", "investor", "agency", "government"}
SEEDS = sorted(p for p in (ROOT / "seeds").iterdir() if (p / "mission.yaml").exists())


def run(*args: str):
    """Run the CLI; return the result."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_suggestions_are_ranked_and_explained_in_words() -> None:
    result = run("suggest", str(JAPAN), "--company", "alpenlabor-dx", "--top", "5")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Alpenlabor Diagnostik GmbH (alpenlabor-dx, delegation)")
    assert [line.split(".")[0].strip() for line in lines[1:]] == ["1", "2", "3", "4", "5"]
    assert "its need 'distributor in Japan' matches" in result.output
    assert "shared sectors: infectious diseases" in result.output
    assert "naniwa-diagnostics" not in result.output  # it already wishes to meet them


def test_a_partner_need_met_by_the_company_names_whose_offer_it_is() -> None:
    # "Soierie's need X matches its offer Y" read as Soierie's own offer; the company's
    # offer now comes first, where 'its' can only be the company of the heading.
    result = run("suggest", str(JAPAN), "--company", "aoba-medical", "--top", "3")
    assert result.exit_code == 0, result.output
    assert ("its offer 'device development and Japanese sales force' meets Soierie "
            "Biomatériaux SAS's need 'orthopaedic device partner'") in result.output
    assert "matches its offer" not in result.output


def test_vocabulary_matches_abbreviations_synonyms_and_sector_names() -> None:
    assert set(groups("in-licensing of monoclonal antibodies")) & set(groups("mAb platform"))
    assert set(groups("a CDMO for clinical batches")) == set(groups("contract manufacturing"))
    assert set(groups("IVD")) == set(groups("in vitro diagnostics"))
    assert sector_key("Cancer") == sector_key("oncology")
    assert expanded("ADC") != "adc"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_side_rules_hold_on_every_seed(seed: Path) -> None:
    folder, _ = load_mission(seed)
    wished = {frozenset((c.id, w.company)) for c in folder.companies.values()
              for w in c.wants_to_meet} | {frozenset(m.companies) for m in folder.mission.matches}
    found = suggest(folder, top=50)
    assert found, "no suggestion at all"
    for s in found:
        sides = [folder.companies[s.company].side, folder.companies[s.partner].side]
        assert s.company != s.partner
        assert sides != ["delegation", "delegation"], (s.company, s.partner)
        assert not set(sides) <= HOSTING, (s.company, s.partner)
        assert frozenset((s.company, s.partner)) not in wished
    ranks = [s.rank for s in found if s.company == found[0].company]
    assert ranks == list(range(1, len(ranks) + 1))


def test_blocked_pairs_are_never_suggested() -> None:
    folder, _ = load_mission(JAPAN)
    first = suggest(folder, ["alpenlabor-dx"], top=1)[0]
    blocked = {frozenset(("alpenlabor-dx", first.partner))}
    again = suggest(folder, ["alpenlabor-dx"], top=50, blocked=blocked)
    assert first.partner not in {s.partner for s in again}


def test_a_declined_or_excluded_partner_is_not_suggested(tmp_path: Path) -> None:
    result = run("suggest", str(JAPAN), "--company", "alpenlabor-dx", "--top", "2", "--json")
    first, second = (s["partner"] for s in json.loads(result.output)[:2])
    shutil.copytree(JAPAN, tmp_path / "m")
    mission = tmp_path / "m" / "mission.yaml"
    mission.write_text(mission.read_text(encoding="utf-8") + "exclude:\n  - {companies: "
                       f"[alpenlabor-dx, {second}], reason: competing bids}}\n", encoding="utf-8")
    partner = next((tmp_path / "m" / "companies").rglob(f"{first}.yaml"))
    partner.write_text(partner.read_text(encoding="utf-8") + "declines: [alpenlabor-dx]\n",
                       encoding="utf-8")
    again = run("suggest", str(tmp_path / "m"), "--company", "alpenlabor-dx", "--top", "50",
                "--json")
    assert again.exit_code == 0, again.output
    partners = {s["partner"] for s in json.loads(again.output)}
    assert partners and not partners & {first, second}


def test_within_delegation_lets_any_pair_meet(tmp_path: Path) -> None:
    shutil.copytree(JAPAN, tmp_path / "m")
    path = tmp_path / "m" / "mission.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "suggest: {within_delegation: true}\n",
                    encoding="utf-8")
    folder, _ = load_mission(tmp_path / "m")
    found = suggest(folder, top=50)
    sides = [(folder.companies[s.company].side, folder.companies[s.partner].side)
             for s in found]
    assert ("delegation", "delegation") in sides and ("host", "host") in sides


def test_json_output_lists_rank_score_and_reason() -> None:
    result = run("suggest", str(JAPAN), "--company", "genomix-bcn", "--top", "2", "--json")
    rows = json.loads(result.output)
    assert [r["rank"] for r in rows] == [1, 2]
    assert {"company", "partner", "score", "reason"} <= set(rows[0])


def test_unknown_company_is_a_clear_error() -> None:
    result = run("suggest", str(JAPAN), "--company", "nobody")
    assert result.exit_code == 1
    assert "no company with id 'nobody'" in result.output


def test_write_adds_matches_keeps_every_other_line_and_is_idempotent(tmp_path: Path) -> None:
    shutil.copytree(JAPAN, tmp_path / "m")
    path = tmp_path / "m" / "mission.yaml"
    before = path.read_text(encoding="utf-8")
    first = run("suggest", str(tmp_path / "m"), "--company", "genomix-bcn", "--top", "3",
                "--write")
    assert "added 3 suggested match(es)" in first.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # comments and layout kept, byte for byte
    folder, problems = load_mission(tmp_path / "m")
    added = [m for m in folder.mission.matches if m.by == "suggested"]
    assert len(added) == 3
    assert all(m.priority == "normal" and "Genomix" in m.reason for m in added)
    second = run("suggest", str(tmp_path / "m"), "--company", "genomix-bcn", "--top", "3",
                 "--write")
    assert "no new suggestion" in second.output
    assert path.read_text(encoding="utf-8") == after


def test_write_leaves_out_suggestions_with_no_clear_match(tmp_path: Path) -> None:
    # A match is a meeting the plan will hold: "only related words in the profiles" is no
    # reason to give two companies' time to it.
    shutil.copytree(JAPAN, tmp_path / "m")
    listed = run("suggest", str(tmp_path / "m"), "--company", "aoba-medical", "--top", "2")
    assert listed.output.count("no clear match") == 1
    result = run("suggest", str(tmp_path / "m"), "--company", "aoba-medical", "--top", "2",
                 "--write")
    assert "added 1 suggested match(es)" in result.output
    assert "1 pair(s) with no clear match left out" in result.output
    folder, _ = load_mission(tmp_path / "m")
    added = [m for m in folder.mission.matches if m.by == "suggested"]
    assert [m.companies for m in added] == [["aoba-medical", "soierie-biomaterials"]]


def test_write_creates_the_matches_list_when_there_is_none(tmp_path: Path) -> None:
    generate("tiny", 2, tmp_path / "m")
    path = tmp_path / "m" / "mission.yaml"
    text = path.read_text(encoding="utf-8").split("matches:")[0]
    path.write_text(text, encoding="utf-8")
    run("suggest", str(tmp_path / "m"), "--top", "1", "--write")
    folder, _ = load_mission(tmp_path / "m")
    assert folder.mission.matches and path.read_text(encoding="utf-8").startswith(text)


def test_evaluate_reports_recall_and_mrr_on_a_seed() -> None:
    result = run("suggest", "--evaluate", str(JAPAN))
    assert result.exit_code == 0, result.output
    assert "found in the top 5: " in result.output and "(recall@5)" in result.output
    assert "found in the top 10: " in result.output and "a random order would find" \
        in result.output
    assert "mean reciprocal rank:" in result.output


def test_generated_profiles_let_the_evaluation_recover_the_wishes(tmp_path: Path) -> None:
    generate("mission", 1, tmp_path / "m")
    folder, _ = load_mission(tmp_path / "m")
    assert evaluate(folder).recall_10 >= 0.6


@pytest.mark.slow
def test_generated_brokerage_reaches_the_recall_target(tmp_path: Path) -> None:
    generate("brokerage", 1, tmp_path / "b")
    folder, _ = load_mission(tmp_path / "b")
    assert evaluate(folder).recall_10 >= 0.6
