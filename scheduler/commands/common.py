"""What the commands share beyond their options: printing problems."""

from __future__ import annotations

import click

from scheduler.errors import Problem


def print_problems(problems: list[Problem], files: int | None = None) -> None:
    """Print problems one per line and a summary line."""
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.is_error for p in problems)
    notes = sum(p.severity == "note" for p in problems)
    warnings = len(problems) - errors - notes
    where = f" in {files} file(s)" if files is not None else ""
    also = f", {notes} note(s)" if notes else ""
    click.echo(f"{errors} error(s), {warnings} warning(s){also}{where}")
