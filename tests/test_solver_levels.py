"""The lexicographic solve as a loop over level objects: what the schedule keeps when a
level finds nothing, and the solver package's size limits."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers.solver_kit import company, folder, mission

from scheduler.meaning.requests import build_requests
from scheduler.meaning.slots import build_slots
from scheduler.solver.build import build_space
from scheduler.solver.cpsat import Lexicographic, Settings
from scheduler.solver.greedy import greedy
from scheduler.solver.levels import Level, LevelResult, State, unsolved
from scheduler.solver.space import Space

SOLVER = Path(__file__).resolve().parent.parent / "scheduler" / "solver"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


class FindsNothing:
    """A level whose search finds no solution of its own; counts its calls."""

    def __init__(self, name: str) -> None:
        self.name, self.calls = name, 0

    def solve(self, state: State, budget: float) -> LevelResult:
        """Find nothing."""
        self.calls += 1
        return unsolved()


class WithLevels(Lexicographic):
    """The solve loop over levels chosen by the test."""

    def __init__(self, space: Space, pick) -> None:
        super().__init__(space, Settings(time_limit=2.0))
        self.pick = pick

    def levels(  # type: ignore[override]  # stand-in levels, not the real three
            self, keep: set[int], frozen: set[int] | None = None) -> list[Level]:
        """The levels the test picks from the real ones."""
        return self.pick(super().levels(keep, frozen))


def two_hosts() -> Space:
    """The space of a delegation company asking two hosts: two meetings in three slots."""
    f = folder(mission(), [company("a", wants=["x", "y"]),
                           company("x", "host"), company("y", "host")])
    return build_space(f, build_requests(f), build_slots(f.mission))


def test_levels_run_priority_then_fairness_then_idle() -> None:
    levels = Lexicographic(two_hosts(), Settings()).levels(set())
    assert [level.name for level in levels] == ["priority", "fairness", "idle"]


def test_a_level_that_finds_nothing_keeps_the_schedule_so_far() -> None:
    space = two_hosts()
    fairness = FindsNothing("fairness")
    lex = WithLevels(space, lambda real: [real.priority, fairness, real.idle])
    outcome = lex.solve(greedy(space), set())
    assert fairness.calls == 1
    assert len(outcome.chosen) == 2  # the priority level's meetings stay
    assert (outcome.status, outcome.gap) == ("feasible", 1.0)  # not proven any more
    assert sorted(outcome.levels) == ["idle", "priority"]  # the idle level still ran


def test_no_solution_from_the_first_level_stops_the_solve_as_unknown() -> None:
    space = two_hosts()
    first, second = FindsNothing("priority"), FindsNothing("fairness")
    outcome = WithLevels(space, lambda real: [first, second]).solve(greedy(space), set())
    assert (first.calls, second.calls) == (1, 0)
    assert (outcome.status, outcome.levels) == ("unknown", {})


def test_solver_modules_and_functions_stay_small() -> None:
    """Every module of scheduler/solver/ fits in 400 lines and every function in 60."""
    too_long = []
    for path in sorted(SOLVER.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.name}:{node.lineno} {node.name}: {lines} lines")
    assert too_long == []


def test_a_company_that_accepts_no_meetings_leaves_fairness_alone():
    """`max_meetings: 0` asks for no meetings: a host's wish to meet it goes unplaced, but
    its share of none does not make fairness 0 (solver, schedule.json, `mission check`)."""
    from helpers.solver_kit import solve

    from scheduler.check.quality import quality_figures
    from scheduler.check.report import check_report

    f = folder(mission(), [company("a", max_meetings=0), company("b", wants=["y"]),
                           company("x", "host", wants=["a"]), company("y", "host")])
    schedule = solve(f, time_limit=2.0)
    assert [m.companies for m in schedule.meetings] == [["b", "y"]]
    assert schedule.quality.fairness == 1.0
    assert quality_figures(f, schedule)["fairness"] == 1.0
    lines, _ = check_report(f, schedule)
    assert "fairness 1.00" in lines[-2] and not any("differs" in line for line in lines)
