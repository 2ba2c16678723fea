"""Options the `mission` commands share: value types, parsing callbacks, option groups.

Each callback turns a bad value into a click usage error (exit status 2), naming the option.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from scheduler.errors import MissionError

FOLDER = click.Path(path_type=Path, file_okay=False)
POSITIVE_SECONDS = click.FloatRange(min=0, min_open=True)
CSV_SEPARATORS = {",": ",", ";": ";", "tab": "\t", "\t": "\t"}


def seconds_list(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
                 ) -> tuple[float, ...]:
    """A repeatable --time-limit whose values may be comma lists: the seconds, each more
    than 0, in the order given."""
    out: list[float] = []
    wrong: list[str] = []
    for part in (p.strip() for text in value for p in str(text).split(",")):
        try:
            seconds = float(part)
        except ValueError:
            wrong.append(f"'{part}' is not a number of seconds")
            continue
        if seconds > 0:
            out.append(seconds)
        else:
            wrong.append(f"{part} is not more than 0 seconds")
    if wrong:
        raise click.BadParameter("; ".join(wrong) + " (e.g. --time-limit 10,30,90)")
    return tuple(out)


def format_list(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    """--format as a tuple of formats; an unknown one is a usage error."""
    from scheduler.export import parse_formats

    try:
        return parse_formats(value)
    except MissionError as exc:
        raise click.BadParameter(str(exc)) from None


def alarm_minutes(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    """--alarm as minutes before each item (None for none); a bad duration is a usage error."""
    from scheduler.export import parse_alarm

    try:
        return parse_alarm(value)
    except MissionError as exc:
        raise click.BadParameter(str(exc).removeprefix("--alarm ")) from None


def csv_separator(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """--csv-separator as one character (`tab` names a tab); another value is a usage error."""
    if value not in CSV_SEPARATORS:
        raise click.BadParameter(f"'{value}' is not a CSV separator; use ',', ';' or tab")
    return CSV_SEPARATORS[value]


def preset_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """--preset of `generate`: a known preset name, else a usage error."""
    from scheduler.tooling.generate import PRESETS

    if value not in PRESETS:
        raise click.BadParameter(f"unknown preset '{value}'; choose one of: "
                                 f"{', '.join(PRESETS)}")
    return value


def option_group(*options: Callable[[Callable], Callable]) -> Callable[[Callable], Callable]:
    """Apply several click options as one decorator (shared by commands)."""
    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command
    return apply


solve_options = option_group(
    click.option("--time-limit", type=POSITIVE_SECONDS, default=30.0, show_default=True,
                 help="Seconds the solver may spend (more than 0); it keeps closing idle "
                 "slots until then unless it proves the schedule best."),
    click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed."),
    click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Solver threads (1 gives repeatable results)."),
    click.option("--fresh", is_flag=True, help="Ignore the existing schedule.json (no re-plan)."),
)
export_options = option_group(
    click.option("-o", "--out", type=FOLDER,
                 help="Output folder (default calendars/<mission-id>)."),
    click.option("--format", "formats", default="ics", show_default=True, callback=format_list,
                 help="Comma list of ics, html, pdf, csv, or all."),
    click.option("--alarm", callback=alarm_minutes, help="Reminder before each timed item, e.g. "
                 "10m or 1h (default none)."),
    click.option("--csv-separator", default=",", show_default=True, callback=csv_separator,
                 help="CSV field separator: ',', ';' or tab."),
    click.option("-v", "--verbose", is_flag=True,
                 help="List every file written and every calendar that changed (past 50, "
                 "a summary is printed)."),
)
