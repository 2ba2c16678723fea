"""`mission generate` and `mission bench`: synthetic missions and benchmarks."""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli_options import FOLDER, preset_name, seconds_list
from scheduler.tooling.phases import SKIPPABLE


@click.command()
@click.option("--preset", required=True, callback=preset_name,
              help="tiny, mission, brokerage, bio-europe or bio-international.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("-o", "--out", type=FOLDER, required=True, help="Folder to write (new or empty).")
def generate(preset: str, seed: int, out: Path) -> None:
    """Write a synthetic mission folder of a preset size, for tests and benchmarks.

    \b
    Presets (companies / requests / partnering days):
      tiny 10/14/2, mission 45/250/4, brokerage 370/1,450/2,
      bio-europe 3,500/18,000/3, bio-international 18,300/47,000/4.
    The same preset and seed give the same files, byte for byte.
    """
    from scheduler.tooling.generate import generate as write_mission

    count = write_mission(preset, seed, out)
    click.echo(f"wrote {count} files to {out}; next: `mission validate {out}`")


@click.command()
@click.option("--preset", "presets", multiple=True,
              help="Preset to run (repeatable); default mission, brokerage, bio-europe, "
              "bio-international.")
@click.option("--seed", type=int, default=1, show_default=True, help="Generator seed.")
@click.option("--time-limit", "time_limits", multiple=True, default=("30",),
              show_default=True, callback=seconds_list,
              help="Seconds the solver (and the monolithic baseline) may spend (more than 0); "
              "repeat it or give a comma list to run each preset once per limit.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Solver threads.")
@click.option("--cache", type=FOLDER, help="Keep generated folders here and reuse them.")
@click.option("--skip", multiple=True, type=click.Choice(SKIPPABLE),
              help="Leave out a phase or a baseline (repeatable).")
@click.option("--repeat", type=click.IntRange(1, 99), default=1, show_default=True,
              help="Run each preset this many times and report the median seconds "
              "(this machine may be shared; baselines run once).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per preset and time limit.")
@click.option("--plot", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write idle slots against --time-limit per preset as an SVG plot.")
def bench(presets: tuple[str, ...], seed: int, time_limits: tuple[float, ...], workers: int,
          cache: Path | None, skip: tuple[str, ...], repeat: int, as_json: bool,
          plot: Path | None) -> None:
    """Load, schedule and export synthetic missions end to end; compare with baselines.

    \b
    Reports per preset: companies, requests, placed, bound, placed/bound,
    idle slots, holes, fairness, rule violations, seconds per phase and in
    total, and peak memory; the same figures for first-fit and (tiny,
    mission, brokerage) one monolithic CP-SAT model. Progress goes to stderr.
    With several time limits, idle slots against time show whether more time
    helps:

    \b
      mission bench --preset brokerage --time-limit 10,30,90 --json \\
        --plot idle.svg > bench.json
    """
    from scheduler.tooling.bench import BenchOptions, bench_and_plot

    options = BenchOptions(seed, time_limits[0], workers, cache, frozenset(skip), repeat,
                           time_limits)
    bench_and_plot(list(presets), options, plot, as_json, click.echo)
