"""`mission suggest` and `mission wishes`: who should meet whom, and the sheets to choose."""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli_options import FOLDER, suggest_options, wishes_options


@click.command()
@click.argument("folder", type=FOLDER)
@suggest_options
def suggest(folder: Path, companies: tuple[str, ...], top: int, write: bool, evaluate: bool,
            as_json: bool) -> None:
    """Suggest who should meet whom, ranked and explained from the profiles.

    \b
    Seeks against the other's offers weigh most, then the other way round,
    shared sectors and descriptions (mAb = monoclonal antibody, CDMO =
    contract manufacturer, ...). The delegation meets the hosts (any pair with
    `suggest: {within_delegation: true}`), never a pair with a wish or match.
    Example:
      mission suggest seeds/bioxclusters-japan-2016 --company genomix-bcn --top 5
    """
    from scheduler.suggest.command import run_suggest

    for line in run_suggest(folder, list(companies), top, write, evaluate, as_json):
        click.echo(line)


@click.command()
@click.argument("folder", type=FOLDER)
@wishes_options
def wishes(folder: Path, out: Path | None, side: str | None, sheets: tuple[Path, ...],
           more: tuple[Path, ...]) -> None:
    """Wish sheets: write one per company to fill in, or import the filled ones.

    \b
    --out SHEETS/ writes SHEETS/<company>.xlsx: its possible partners, ranked
    and explained; it fills in priority, mode and reason. --import merges them
    into wants_to_meet (new wishes added, changed priorities listed); errors
    by cell, all at once, and then nothing is written.
    Examples:
      mission wishes seeds/bioxclusters-japan-2016 --out sheets/ --side delegation
      mission wishes seeds/bioxclusters-japan-2016 --import sheets/*.xlsx
    """
    from scheduler.suggest.command import run_wishes

    for line in run_wishes(folder, out, side, [*sheets, *more]):
        click.echo(line)
