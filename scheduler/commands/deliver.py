"""`mission mail` and `mission publish`: agendas by e-mail, calendars onto a CalDAV server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scheduler.cli_options import (
    FOLDER,
    caldav_target,
    export_options,
    link_options,
    mail_options,
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


@click.command()
@click.argument("folder", type=FOLDER)
@mail_options
def mail(folder: Path, kind: str, calendars: Path | None, outbox: Path | None,
         templates: Path | None, send: bool, **sending: object) -> None:
    """Mail each delegate their agenda: calendar (.ics) and PDF attached.

    \b
    Without --send, writes one .eml per delegate into OUTBOX/<kind> with
    index.md (who gets what) for review. With --send, sends what is left of
    it; a journal there records each message, so a re-run after a crash, a
    lost connection or Ctrl-C sends only what is left, never a message twice.
    Refuses an outbox built from another schedule than the current one.

    \b
    Example:
      mission export mission/ --format ics,pdf
      mission mail mission/ --kind final
      MAIL_PW=... mission mail mission/ --kind final --send \\
          --smtp smtp.example.org:587 --starttls --user desk --password-env MAIL_PW
    """
    from scheduler.deliver.mail.command import run_mail

    status = run_mail(folder, kind, (calendars, outbox, templates), send, sending, click.echo)
    click.get_current_context().exit(status)
