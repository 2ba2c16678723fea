"""One CP-SAT search run in a thread: progress lines while it runs, Ctrl-C stops it and
keeps the best solution found so far."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ortools.sat.python import cp_model

PROGRESS_AFTER = 2.0  # seconds before the first progress line, then one a second


class Watch(cp_model.CpSolverSolutionCallback):
    """Records the latest objective and bound for progress lines."""

    def __init__(self) -> None:
        super().__init__()
        self.best: float | None = None
        self.bound: float | None = None

    def on_solution_callback(self) -> None:
        """Remember the objective of the new solution."""
        self.best = self.objective_value
        self.bound = self.best_objective_bound


def progress_line(name: str, elapsed: float, watch: Watch) -> str:
    """A progress line: level, elapsed seconds, best objective and bound so far."""
    if watch.best is None:
        return f"{name}: {elapsed:.0f} s, searching"
    return f"{name}: {elapsed:.0f} s, best {watch.best:.0f}, bound {watch.bound:.0f}"


def run_search(solver: cp_model.CpSolver, model: cp_model.CpModel, name: str,
               progress: Callable[[str], None] | None,
               clock: Callable[[], float] | None) -> tuple[int, bool]:
    """Solve in a thread; report progress; return the status and whether Ctrl-C stopped
    the search (the best solution so far stays in the solver)."""
    result: list[int] = []
    done = threading.Event()
    watch = Watch()
    interrupted = False

    def work() -> None:
        try:
            result.append(int(solver.solve(model, watch)))
        finally:
            done.set()

    # An Event, not Thread.join: an interrupted join can report a live thread as ended.
    threading.Thread(target=work, daemon=True).start()
    started = clock() if clock else 0.0
    shown = started + PROGRESS_AFTER
    while not done.is_set():
        try:
            done.wait(0.2)
            if clock and progress and clock() >= shown:
                shown = clock() + 1.0
                progress(progress_line(name, clock() - started, watch))
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()
            while not done.wait(0.1):
                solver.stop_search()  # the search may not have started at the first call
    return (result[0] if result else int(cp_model.UNKNOWN)), interrupted
