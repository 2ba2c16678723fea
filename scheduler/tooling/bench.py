"""`mission bench`: load, schedule and export synthetic missions end to end, with baselines.

Per preset: generate a folder (or reuse one from a cache folder), then time
loading (scheduler.load.loader), solving (scheduler.plan.planning.make_schedule) and
exporting (scheduler.export), and compare with the first-fit baseline and,
for small presets, one monolithic CP-SAT model given the same time limit.
Every schedule is checked by scheduler.check.rules and measured by
scheduler.check.quality, so every figure has one definition. Each preset runs
in a fresh process, so its peak memory is its own; with --repeat N it runs N
times and reports the median seconds (the baselines run once).
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from statistics import median
from typing import NotRequired, TypedDict, TypeVar

from scheduler.errors import MissionError
from scheduler.gcpause import freeze_if_large
from scheduler.input.model import MissionFolder
from scheduler.meaning.requests import Request
from scheduler.schedule import Schedule
from scheduler.tooling.generate import PRESETS, generate

DEFAULT_PRESETS = ("mission", "brokerage", "bio-europe", "bio-international")
MONOLITHIC = ("tiny", "mission", "brokerage")
Clock = Callable[[], float]
T = TypeVar("T")


class Figures(TypedDict):
    """Quality figures of one schedule (None where no schedule was made)."""

    placed: int | None
    bound: int | None
    placed_of_bound: float | None
    weight_placed: int | None
    idle_slots: int | None
    holes: int | None
    fairness: float | None
    status: str
    violations: int | None
    idle_bound: NotRequired[int | None]  # the solver's lower bound (ours only)


class BaselineRecord(Figures):
    """A baseline's figures and the seconds it took."""

    seconds: float


class PresetRecord(Figures):
    """The JSON record of one preset: its size, our figures, seconds, memory, baselines."""

    preset: str
    companies: int
    requests: int
    requested_meetings: int
    weight_requested: int
    seconds: dict[str, float]  # per phase, and "total"
    peak_rss_mb: float
    baselines: dict[str, BaselineRecord]
    cpu_seconds: NotRequired[dict[str, float]]
    errors: NotRequired[dict[str, str]]  # phase -> the error that stopped it
    skipped: NotRequired[list[str]]
    runs: NotRequired[int]
    total_seconds_each: NotRequired[list[float]]
    time_limit: NotRequired[float]


@dataclass(frozen=True)
class BenchOptions:
    """What to run: generator seed, solver limits, where to keep generated folders."""

    seed: int = 1
    time_limit: float = 30.0
    workers: int = 1
    cache: Path | None = None
    skip: frozenset[str] = frozenset()  # any of phases.SKIPPABLE
    repeat: int = 1  # runs per preset; seconds are their medians
    time_limits: tuple[float, ...] = ()  # several: each preset runs once per limit


def say(message: str) -> None:
    """A progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """Peak resident memory so far, in MiB (Linux reports KiB): this process's plus its
    largest ended child's (the loader's worker), an upper bound when both ran at once."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + child) / 1024, 1)


def cpu_seconds() -> float:
    """CPU seconds of this process and of its ended children (the loader's worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + child.ru_utime + child.ru_stime


def mission_folder(preset: str, options: BenchOptions, scratch: Path) -> Path:
    """The generated folder of a preset: reused from the cache, else written."""
    root = options.cache or scratch
    path = root / f"{preset}-seed{options.seed}"
    if not (path / "mission.yaml").is_file():
        generate(preset, options.seed, path)
    return path


def figures(folder: MissionFolder, schedule: Schedule, bound: int | None) -> Figures:
    """Quality figures of any schedule (scheduler.check.quality) and its rule violations."""
    from scheduler.check.quality import quality_figures
    from scheduler.check.rules import check_schedule

    q = quality_figures(folder, schedule)
    placed = int(q["placed"])
    return {
        "placed": placed, "bound": bound,
        "placed_of_bound": None if bound is None else round(placed / bound, 4)
        if bound else 1.0,
        "weight_placed": int(q["weight_placed"]), "idle_slots": int(q["idle_slots"]),
        "holes": int(q["holes"]), "fairness": q["fairness"], "status": schedule.quality.status,
        "violations": len(check_schedule(folder, schedule)),
    }


def lp_bound_of(folder: MissionFolder) -> int:
    """The solver's LP bound, computed without solving (when the solver failed)."""
    from scheduler.meaning.requests import build_requests
    from scheduler.meaning.slots import build_slots
    from scheduler.solver.bound import lp_bound
    from scheduler.solver.build import build_space

    space = build_space(folder, build_requests(folder), build_slots(folder.mission), [])
    return lp_bound(space)


class Watch:
    """Wall-clock and CPU seconds of named phases (the machine may be shared)."""

    def __init__(self, clock: Clock, cpu_clock: Clock = cpu_seconds):
        self.clock, self.cpu_clock = clock, cpu_clock
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def run(self, phase: str, work: Callable[[], T]) -> T:
        """Run work() as a phase; return its result."""
        wall, cpu = self.clock(), self.cpu_clock()
        result = work()
        self.wall[phase] = round(self.clock() - wall, 3)
        self.cpu[phase] = round(self.cpu_clock() - cpu, 3)
        return result


def timed(clock: Clock, work: Callable[[], T]) -> tuple[T, float]:
    """Run work(); return its result and the seconds it took."""
    start = clock()
    result = work()
    return result, round(clock() - start, 3)


def solve_phase(folder: MissionFolder, options: BenchOptions, tag: str
                ) -> tuple[Schedule | None, str | None]:
    """Our solver's schedule, or the error that stopped it."""
    from scheduler.plan.planning import SolveOptions, make_schedule

    try:
        solve = SolveOptions(time_limit=options.time_limit, seed=0, workers=options.workers)
        return make_schedule(folder, solve, progress=lambda m: say(f"{tag}   {m}"),
                             clock=time.monotonic), None
    except (MissionError, NotImplementedError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def export_phase(folder: MissionFolder, schedule: Schedule, out: Path) -> str | None:
    """Export calendars to a scratch folder; None, or the error that stopped it."""
    from scheduler.export import ExportOptions, export

    try:
        export(folder, schedule, out, ExportOptions())
        return None
    except (MissionError, NotImplementedError) as exc:
        return f"{type(exc).__name__}: {exc}"


def run_baselines(name: str, folder: MissionFolder, options: BenchOptions, bound: int | None,
                  clock: Clock, tag: str) -> dict[str, BaselineRecord]:
    """First-fit; the monolithic CP-SAT model for small presets (unless skipped)."""
    from scheduler.tooling.baselines import Grid, first_fit

    out: dict[str, BaselineRecord] = {}
    if "first-fit" in options.skip:
        return out
    grid, grid_seconds = timed(clock, lambda: Grid(folder))
    schedule, seconds = timed(clock, lambda: first_fit(folder, grid))
    out["first_fit"] = {**figures(folder, schedule, bound), "seconds": grid_seconds + seconds}
    say(f"{tag} first-fit: {schedule.quality.placed} placed in {grid_seconds + seconds:.2f} s")
    if name in MONOLITHIC and "monolithic" not in options.skip:
        from scheduler.tooling.monolithic import solve_monolithic

        schedule, seconds = timed(clock, lambda: solve_monolithic(
            folder, options.time_limit, 0, options.workers, grid))
        out["cpsat_monolithic"] = {**figures(folder, schedule, bound), "seconds": seconds}
        say(f"{tag} monolithic CP-SAT: {schedule.quality.placed} placed in {seconds:.2f} s")
    return out


def run_preset(name: str, options: BenchOptions, clock: Clock = time.perf_counter
               ) -> PresetRecord:
    """Generate, load, solve, export and measure one preset (in this process)."""
    from scheduler.load.loader import load_mission
    from scheduler.meaning.requests import build_requests, requested_meetings

    tag, watch = f"[{name}]", Watch(clock)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as scratch:
        path = watch.run("generate", lambda: mission_folder(name, options, Path(scratch)))
        say(f"{tag} folder {path} ready in {watch.wall['generate']:.2f} s")
        folder, _ = watch.run("load", lambda: load_mission(path, path))
        freeze_if_large(len(folder.companies))  # as the commands do after loading
        requests = build_requests(folder)
        say(f"{tag} load: {len(folder.companies)} companies, "
            f"{requested_meetings(requests)} requested meetings in {watch.wall['load']:.2f} s")
        skipped: tuple[Schedule | None, str | None] = (None, None)
        schedule, error = watch.run("solve", lambda: skipped if "solve" in options.skip
                                    else solve_phase(folder, options, tag))
        say(f"{tag} solve: " + (error or (f"{schedule.quality.placed} placed" if schedule
                                          else "skipped")) + f" in {watch.wall['solve']:.2f} s")
        export_error = watch.run("export", lambda: export_phase(
            folder, schedule, Path(scratch) / "out")
            if schedule and "export" not in options.skip else None)
        done = "done" if schedule and "export" not in options.skip else "skipped"
        say(f"{tag} export: {export_error or done} in {watch.wall['export']:.2f} s")
        bound = schedule.quality.bound if schedule else (
            None if "solve" in options.skip else lp_bound_of(folder))
        phases = ("load", "solve", "export")
        result = result_record(name, folder, requests, schedule, bound,
                               {p: watch.wall[p] for p in phases})
        result["cpu_seconds"] = {p: watch.cpu[p] for p in phases}
        result["errors"] = {"solve": error} if error else (
            {"export": export_error} if export_error else {})
        result["peak_rss_mb"] = peak_rss_mb()
        result["time_limit"] = options.time_limit
        if schedule:
            result["idle_bound"] = schedule.quality.idle_bound
        result["skipped"] = sorted(options.skip)
        if "solve" in options.skip:
            result["status"] = "skipped"
        result["baselines"] = run_baselines(name, folder, options, bound, clock, tag)
    return result


def result_record(name: str, folder: MissionFolder, requests: list[Request],
                  schedule: Schedule | None, bound: int | None, seconds: dict[str, float]
                  ) -> PresetRecord:
    """The JSON record of one preset, before baselines."""
    from scheduler.meaning.requests import requested_meetings

    ours: Figures = figures(folder, schedule, bound) if schedule else {
        "placed": None, "bound": bound, "placed_of_bound": None, "weight_placed": None,
        "idle_slots": None, "holes": None, "fairness": None, "status": "failed",
        "violations": None}
    total = round(sum(seconds.values()), 3)
    return {"preset": name, "companies": len(folder.companies), "requests": len(requests),
            "requested_meetings": requested_meetings(requests),
            "weight_requested": sum(r.weight * r.meetings for r in requests),
            **ours, "seconds": {**seconds, "total": total}, "peak_rss_mb": 0.0,
            "baselines": {}}


def run_isolated(name: str, options: BenchOptions) -> PresetRecord:
    """run_preset in a fresh process, so peak memory belongs to this preset alone."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(run_preset, name, options).result()


def bench(names: list[str], options: BenchOptions, isolate: bool = True
          ) -> Iterator[PresetRecord]:
    """Run every preset (once per time limit), yielding one result record each as soon as
    it is done."""
    unknown = [n for n in names if n not in PRESETS]
    if unknown:
        raise MissionError(f"unknown preset {', '.join(unknown)}; choose from "
                           f"{', '.join(PRESETS)}")
    if options.cache:
        options.cache.mkdir(parents=True, exist_ok=True)
    for name in names:
        for limit in options.time_limits or (options.time_limit,):
            yield repeated(name, replace(options, time_limit=limit), isolate)


def bench_and_plot(names: list[str], options: BenchOptions, plot: Path | None, as_json: bool,
                   echo: Callable[[str], None]) -> list[PresetRecord]:
    """`mission bench`: every preset (the default ones when none are named), each record
    echoed as JSON or a table as soon as it is done; then the plot of idle slots against
    the time limit, when asked."""
    records = []
    for result in bench(names or list(DEFAULT_PRESETS), options):
        records.append(result)
        echo(to_json(result) if as_json else "\n".join(table_lines(result)))
    if plot is not None:
        from scheduler.tooling.plot import write_idle_plot

        write_idle_plot(records, plot)
    return records


def repeated(name: str, options: BenchOptions, isolate: bool) -> PresetRecord:
    """A preset run options.repeat times (baselines in the first run only): the first
    run's figures, the median seconds of every phase, the highest peak memory."""
    once = run_isolated if isolate else run_preset
    runs = [once(name, options)]
    again = replace(options, skip=options.skip | {"first-fit", "monolithic"})
    for n in range(2, options.repeat + 1):
        say(f"[{name}] run {n} of {options.repeat}")
        runs.append(once(name, again))
    result = runs[0].copy()
    result["seconds"] = median_seconds([r["seconds"] for r in runs])
    result["cpu_seconds"] = median_seconds([r.get("cpu_seconds", {}) for r in runs])
    result["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    result["runs"] = len(runs)
    result["total_seconds_each"] = [r["seconds"]["total"] for r in runs]
    return result


def median_seconds(runs: list[dict[str, float]]) -> dict[str, float]:
    """The median seconds of each phase of the first run, over all runs."""
    return {p: round(median(r[p] for r in runs), 3) for p in runs[0]}


def _fmt(value: object) -> str:
    """A figure for the table: '-' for missing, 3 decimals for shares."""
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def table_lines(result: PresetRecord) -> list[str]:
    """A human-readable block for one preset: ours and the baselines side by side."""
    s = result["seconds"]
    lines = [f"{result['preset']}: {result['companies']} companies, "
             f"{result['requested_meetings']} requested meetings ({result['requests']} pairs), "
             f"bound {result['bound']}; "
             f"load {s['load']:.2f} s, solve {s['solve']:.2f} s, export {s['export']:.2f} s, "
             f"total {s['total']:.2f} s (CPU {sum(result.get('cpu_seconds', {}).values()):.2f} s), "
             f"peak {result['peak_rss_mb']:.0f} MiB, "
             f"--time-limit {result.get('time_limit', 0):g}"
             + (f"; seconds: medians of {result['runs']} runs" if result.get("runs", 1) > 1
                else ""),
             f"  {'':<18}{'placed':>8}{'of bound':>10}{'weight':>9}{'idle':>7}{'holes':>7}"
             f"{'fairness':>10}{'viol.':>7}{'seconds':>9}"]
    rows: list[tuple[str, Figures, float]] = [("ours", result, s["solve"])] + [
        (k, v, v["seconds"]) for k, v in result.get("baselines", {}).items()]
    for label, r, secs in rows:
        lines.append(f"  {label:<18}{_fmt(r['placed']):>8}{_fmt(r['placed_of_bound']):>10}"
                     f"{_fmt(r['weight_placed']):>9}{_fmt(r['idle_slots']):>7}"
                     f"{_fmt(r['holes']):>7}{_fmt(r['fairness']):>10}"
                     f"{_fmt(r['violations']):>7}{_fmt(secs):>9}")
    if result.get("idle_bound") is not None:
        lines.append(f"  ours: at least {result.get('idle_bound')} idle slots in any schedule "
                     "of the same weight (the solver's bound)")
    lines += [f"  {phase} error: {text}" for phase, text in result.get("errors", {}).items()]
    return lines


def to_json(result: PresetRecord) -> str:
    """One preset's record as one line of JSON."""
    return json.dumps(result, ensure_ascii=False)
