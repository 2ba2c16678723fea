"""`mission generate`: synthetic mission folders that load cleanly and look like real events."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.errors import MissionError
from scheduler.load.loader import load
from scheduler.meaning.requests import build_requests
from scheduler.tooling.generate import PRESETS, generate


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under a folder: relative path -> bytes."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def brokerage(tmp_path_factory: pytest.TempPathFactory):
    """The brokerage preset, generated and loaded once."""
    out = tmp_path_factory.mktemp("gen") / "brokerage"
    generate("brokerage", 7, out)
    loaded = load(out, out)
    return out, loaded


@pytest.mark.parametrize("preset", ["tiny", "mission"])
def test_same_seed_gives_identical_bytes(tmp_path: Path, preset: str) -> None:
    generate(preset, 3, tmp_path / "a")
    generate(preset, 3, tmp_path / "b")
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert first == second
    assert len(first) == PRESETS[preset].companies + 1


def test_another_seed_gives_another_mission(tmp_path: Path) -> None:
    generate("mission", 1, tmp_path / "a")
    generate("mission", 2, tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "b")


@pytest.mark.parametrize("preset", ["tiny", "mission"])
def test_generated_folder_validates_without_problems(tmp_path: Path, preset: str) -> None:
    generate(preset, 5, tmp_path)
    loaded = load(tmp_path, tmp_path)
    assert [str(p) for p in loaded.problems] == []
    assert loaded.folder is not None
    assert len(loaded.folder.companies) == PRESETS[preset].companies
    assert len(build_requests(loaded.folder)) == PRESETS[preset].requests


def test_brokerage_has_the_size_and_shape_of_the_preset(brokerage) -> None:
    _, loaded = brokerage
    assert [str(p) for p in loaded.problems] == []
    folder = loaded.folder
    requests = build_requests(folder)
    assert len(folder.companies) == 370
    assert len(requests) == 1450
    received = Counter(c for r in requests for c in r.companies)
    assert max(received.values()) >= 4 * statistics.median(received.values())
    assert any(r.mutual for r in requests)
    assert any(not r.mutual for r in requests)
    assert any(r.must for r in requests)
    assert any("organiser" in r.asked_by for r in requests)


def test_brokerage_has_partial_attendance_parallel_delegates_and_busy_periods(brokerage):
    _, loaded = brokerage
    companies = list(loaded.folder.companies.values())
    assert any(c.parallel and len(c.delegates) >= 2 for c in companies)
    assert sum(bool(c.unavailable) for c in companies) >= 0.1 * len(companies)
    whole_days = [p for c in companies for p in c.unavailable if (p[1] - p[0]).days == 1]
    assert whole_days, "some companies come for one of the two days only"
    assert any(d.unavailable for c in companies for d in c.delegates)


def test_tables_are_about_ten_percent_above_meetings_per_slot(brokerage) -> None:
    _, loaded = brokerage
    session = loaded.folder.mission.partnering[0]
    slots = 2 * 2 * 7  # two days, two windows of seven 25+5 minute slots
    per_slot = 1450 / slots
    assert 1.05 * per_slot <= len(session.tables) <= 1.2 * per_slot


def test_must_haves_go_to_companies_that_can_always_meet(brokerage) -> None:
    _, loaded = brokerage
    folder = loaded.folder
    musts = [r for r in build_requests(folder) if r.must]
    in_musts = Counter(c for r in musts for c in r.companies)
    assert max(in_musts.values()) == 1
    for cid in in_musts:
        company = folder.companies[cid]
        assert company.attends is None and not company.unavailable


def test_country_codes_and_times_stay_as_written(tmp_path: Path) -> None:
    generate("mission", 1, tmp_path)
    folder = load(tmp_path, tmp_path).folder
    countries = {c.country for c in folder.companies.values()}
    assert countries <= {"ES", "DE", "IT", "FR", "BE", "NO", "JP", "US", "NL", "CH"}
    assert "NO" in countries
    assert folder.mission.partnering[0].windows[0] == (time(14, 0), time(15, 40))


def test_unknown_preset_and_used_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MissionError, match="unknown preset 'huge'"):
        generate("huge", 1, tmp_path / "x")
    generate("tiny", 1, tmp_path / "y")
    with pytest.raises(MissionError, match="already holds a mission"):
        generate("tiny", 1, tmp_path / "y")


def test_cli_generate_writes_a_folder_that_validates(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["generate", "--preset", "tiny", "--seed", "4", "-o",
                                 str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "wrote 11 files" in result.output
    result = runner.invoke(cli, ["validate", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_cli_generate_unknown_preset_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--preset", "nope", "-o", str(tmp_path)])
    assert result.exit_code == 2  # a bad option value is a usage error
    assert "unknown preset 'nope'" in result.output
    assert "Traceback" not in result.output
