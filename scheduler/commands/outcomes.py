"""`mission attendance` and `mission impact`: what happened on the day, and the report."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import click

from scheduler.cli_options import FOLDER, attendance_options, import_files


@click.command()
@click.argument("folder", type=FOLDER)
@attendance_options
@click.argument("files", nargs=-1, callback=import_files,
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
def attendance(folder: Path, sheet: Path | None, formats: tuple[str, ...], imports: bool,
               files: list[Path]) -> None:
    """Print attendance sheets (.xlsx, a tab per session-day; a PDF per table), or read the
    filled ones back into DIR/outcomes.yaml, walk-in meetings included.

    \b
      mission attendance DIR                       writes DIR/attendance.xlsx, DIR/attendance/
      mission attendance DIR --import filled.xlsx  merges it into DIR/outcomes.yaml
    """
    from scheduler.outcomes.attendance import run_attendance

    def bar(length: int) -> AbstractContextManager[Any]:
        """A progress bar on stderr while the table sheets render."""
        return click.progressbar(length=length, label="table sheets", file=sys.stderr)

    click.echo("\n".join(run_attendance(folder, sheet, formats, files, bar)))


@click.command()
@click.argument("folder", type=FOLDER)
@click.option("-o", "--out", type=FOLDER, help="Output folder (default DIR/impact).")
def impact(folder: Path, out: Path | None) -> None:
    """Write the impact report (impact.html, A4 impact.pdf, with charts) and its figures
    (impact.json, impact.csv) from schedule.json and DIR/outcomes.yaml, if there is one.

    \b
      mission impact DIR -o report/
    """
    from scheduler.outcomes.report import run_impact

    click.echo("\n".join(run_impact(folder, out)))
