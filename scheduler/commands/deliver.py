"""`mission publish`: calendars onto a CalDAV server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scheduler.cli_options import (
    FOLDER,
    caldav_target,
    export_options,
    link_options,
    publish_options,
    subscription_links,
)


@click.command()
@click.argument("folder", type=FOLDER)
@publish_options
@export_options
@link_options
def publish(folder: Path, url: str, user: str, password_env: str, people: bool, allow_stale: bool,
            out: Path | None, formats: tuple[str, ...], alarm: int | None, csv_separator: str,
            verbose: bool, base_url: str, private_links: bool, link_secret_env: str) -> None:
    """Export, then put the organiser's and each company's (--people: each person's)
    calendar on a CalDAV server, sending only the events that changed.

    \b
      MISSION_CALDAV_PASSWORD=... mission publish DIR --caldav URL --user org
    """
    from scheduler.deliver.publishing import prepare, send
    from scheduler.export import ExportOptions

    target = caldav_target(url, user, password_env)
    options = ExportOptions(formats, alarm, csv_separator,
                            subscription_links(base_url, private_links, link_secret_env))
    ready = prepare(folder, out, options, people, allow_stale,
                    lambda line: click.echo(line, err=True), verbose)
    for line in ready.lines:
        click.echo(line, err=line.startswith("warning"))
    with click.progressbar(length=len(ready.collections), label="publishing",
                           file=sys.stderr) as bar:
        lines = send(target, ready, lambda: bar.update(1))
    click.echo("\n".join(lines))
