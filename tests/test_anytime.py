"""The solver uses the time it is given: neighbourhood search on idle slots (CP-SAT models
above WHOLE_MAX_VARS, and the large-event board), never worse with more time; the idle
lower bound in schedule.json and the summary; `mission bench` over several time limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.solver_kit import DAY, company, folder, mission, solve

from cli import cli
from scheduler.check.quality import quality_differences
from scheduler.check.rules import check_schedule
from scheduler.load.loader import load_mission
from scheduler.plan.planning import SolveOptions, make_schedule, summary_lines
from scheduler.plan.summary import idle_gap_lines
from scheduler.schedule import Quality, Schedule
from scheduler.solver import large, levels
from scheduler.tooling.generate import generate
from scheduler.tooling.plot import idle_svg

SEEDS = Path(__file__).parent.parent / "seeds"


@pytest.fixture(scope="module")
def preset(tmp_path_factory: pytest.TempPathFactory):
    """The mission preset (45 companies), generated and loaded once."""
    out = tmp_path_factory.mktemp("anytime") / "mission"
    generate("mission", 2, out)
    f, _ = load_mission(out, out)
    return f


def first_fit_idle(builder: large.Builder) -> int:
    """Idle slots on a board, from its used positions per company-day."""
    return sum(large.idle_of(mask) for mask in builder.board.days.values())


def test_large_neighbourhood_search_improves_a_first_fit_board_and_keeps_every_rule(
        preset, monkeypatch: pytest.MonkeyPatch) -> None:
    boards: list[large.Builder] = []
    original = large.Builder.construct

    def first_fit_only(self: large.Builder, fixed, keep, moved=()):
        """First-fit, then no repair and no polish: what the search starts from."""
        boards.append(self)
        clashes = original(self, fixed, keep, moved)
        self.first_fit = (len(self.board.placed), first_fit_idle(self))
        return clashes

    monkeypatch.setattr(large.Builder, "construct", first_fit_only)
    monkeypatch.setattr(large.Builder, "repair", lambda self, rounds=2: 0)
    monkeypatch.setattr(large.Builder, "polish", lambda self, rounds=2: 0)
    s = make_schedule(preset, SolveOptions(time_limit=2.0, large_from=0))
    placed, idle = boards[0].first_fit
    assert check_schedule(preset, s) == []
    assert s.quality.placed == placed, "meetings move, none is dropped or added"
    assert s.quality.idle_slots < idle * 0.8, (s.quality.idle_slots, idle)


@pytest.mark.slow
def test_more_time_never_gives_more_idle_slots_above_whole_max_vars(
        preset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levels, "WHOLE_MAX_VARS", 0)  # the brokerage path on a small mission
    runs = [make_schedule(preset, SolveOptions(time_limit=t)) for t in (2.0, 4.0, 8.0)]
    figures = [(r.quality.weight_placed, r.quality.fairness) for r in runs]
    assert len(set(figures)) == 1, "earlier levels never traded for idle slots"
    idle = [r.quality.idle_slots for r in runs]
    assert idle == sorted(idle, reverse=True) and idle[-1] < idle[0], idle
    for r in runs:
        assert check_schedule(preset, r) == []
        assert r.quality.idle_bound is not None and r.quality.idle_bound <= r.quality.idle_slots
    again = make_schedule(preset, SolveOptions(time_limit=4.0))
    assert again.model_dump() == runs[1].model_dump(), "deterministic"


@pytest.mark.slow
def test_more_time_never_gives_more_idle_slots_on_the_large_board(preset) -> None:
    runs = [make_schedule(preset, SolveOptions(time_limit=t, large_from=0))
            for t in (0.5, 2.0, 5.0)]
    assert len({r.quality.weight_placed for r in runs}) == 1
    idle = [r.quality.idle_slots for r in runs]
    assert idle == sorted(idle, reverse=True) and idle[-1] < idle[0], idle


def unavoidable_gap():
    """a must meet b and c, and the only slots where each can leaves a gap between."""
    m = mission()
    m["partnering"][0].update(tables=2)
    return folder(m, [company("a", wants=[("b", "must"), ("c", "must")],
                              unavailable=[f"{DAY} 09:20-09:40"]),
                      company("b", "host", unavailable=[f"{DAY} 09:20-10:00"]),
                      company("c", "host", unavailable=[f"{DAY} 09:00-09:40"])])


def test_idle_bound_equals_a_proven_optimum_and_is_in_the_summary() -> None:
    s = solve(unavoidable_gap())
    assert (s.quality.idle_slots, s.quality.status, s.quality.idle_bound) == (1, "optimal", 1)
    text = "\n".join(summary_lines(s))
    assert "1 idle slot(s), the fewest possible for this placed weight" in text


def test_idle_bound_of_the_eu_japan_seed_is_its_proven_floor() -> None:
    path = SEEDS / "eu-japan-bio-europe-2014"
    f, _ = load_mission(path, path)
    s = make_schedule(f, SolveOptions(time_limit=10.0))
    assert (s.quality.idle_slots, s.quality.idle_bound) == (2, 2)


@pytest.mark.slow
def test_idle_bound_is_at_most_the_idle_slots_when_not_proven(
        preset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levels, "WHOLE_MAX_VARS", 0)
    s = make_schedule(preset, SolveOptions(time_limit=0.5))
    assert s.quality.idle_bound is not None
    assert 0 <= s.quality.idle_bound <= s.quality.idle_slots
    assert quality_differences(preset, s) == []


def test_summary_says_how_many_idle_slots_could_still_be_saved() -> None:
    q = Quality(requested=10, placed=10, bound=10, placed_of_bound=1.0, idle_slots=12,
                holes=5, fairness=1.0, idle_bound=4)
    assert idle_gap_lines(q) == [
        "waiting time: 12 idle slot(s); no schedule placing the same weight has fewer "
        "than 4, so at most 8 could still be saved (a longer --time-limit may find some)"]
    assert idle_gap_lines(q.model_copy(update={"idle_bound": None})) == []


def test_checker_refuses_a_bound_above_the_idle_slots_the_schedule_has() -> None:
    f = unavoidable_gap()
    s = solve(f)
    claimed: Schedule = s.model_copy(update={
        "quality": s.quality.model_copy(update={"idle_bound": 3})})
    assert quality_differences(f, claimed) == [
        "idle_bound: schedule.json claims no schedule has fewer than 3 idle slots, but this "
        "one has 1"]


def test_idle_plot_is_deterministic_svg_with_one_line_per_preset() -> None:
    records = [{"preset": "brokerage", "time_limit": t, "idle_slots": i}
               for t, i in ((10.0, 240), (30.0, 200), (90.0, 180))]
    records.append({"preset": "mission", "time_limit": 10.0, "idle_slots": 0})
    svg = idle_svg(records)
    assert svg == idle_svg(records)
    assert svg.startswith("<?xml") and "<svg" in svg
    for word in ("brokerage", "mission", "idle slots", "--time-limit"):
        assert word in svg
    assert "dc:date" not in svg


def test_bench_refuses_every_bad_time_limit_at_once() -> None:
    result = CliRunner().invoke(cli, ["bench", "--preset", "tiny", "--time-limit", "0,x",
                                      "--time-limit", "-1"])
    assert result.exit_code == 2
    assert "'x' is not a number of seconds" in result.output
    assert "0 is not more than 0 seconds" in result.output
    assert "-1 is not more than 0 seconds" in result.output


@pytest.mark.slow
def test_bench_runs_each_time_limit_and_plots_idle_against_time(tmp_path: Path) -> None:
    plot = tmp_path / "idle.svg"
    result = CliRunner().invoke(cli, [
        "bench", "--preset", "tiny", "--time-limit", "1,2", "--skip", "first-fit",
        "--skip", "monolithic", "--skip", "export", "--json", "--cache", str(tmp_path),
        "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [(r["preset"], r["time_limit"]) for r in records] == [("tiny", 1.0), ("tiny", 2.0)]
    assert all(r["idle_bound"] is not None for r in records)
    assert plot.read_text(encoding="utf-8") == idle_svg(records)
