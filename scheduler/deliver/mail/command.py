"""`mission mail`: build a mailing into the outbox, or send what is left of it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypedDict, cast

import click

from scheduler.deliver.mail.build import build_mailing, load_current
from scheduler.deliver.mail.outbox import Entry, origin, read_manifest
from scheduler.deliver.mail.smtp import Outcome, Server, plan_send, send_all
from scheduler.export.pdf import render_all

Echo = Callable[[str], None]


def _rendering(pages: list[str]) -> Iterator[bytes]:
    """PDF agendas rendered under a progress bar on stderr."""
    with click.progressbar(render_all(pages), length=len(pages), label="PDF agendas",
                           file=sys.stderr) as bar:
        yield from bar


def _sending(todo: list[Entry]) -> Iterable[Entry]:
    """Messages under a progress bar on stderr."""
    with click.progressbar(todo, label="sending", file=sys.stderr,
                           item_show_func=lambda e: e.to if e else None) as bar:
        yield from bar


def build(mission: Path, kind: str, calendars: Path | None, outbox: Path | None,
          templates: Path | None, echo: Echo) -> Path:
    """Build the mailing and say what it holds; its folder."""
    built = build_mailing(mission, kind, calendars, outbox, templates, _rendering)
    for warning in built.warnings:
        click.echo(warning, err=True)
    echo(f"wrote {len(built.letters)} message(s) to {built.folder} "
         f"(who gets what: {built.folder / 'index.md'})")
    if kind == "update":
        echo(f"{built.skipped} person(s) left out: their calendar did not change since the "
             "last message they were sent")
    return built.folder


def send(mission: Path, kind: str, calendars: Path | None, outbox: Path | None,
         templates: Path | None, server: Server, per_minute: float | None,
         resend_uncertain: bool, echo: Echo) -> Outcome:
    """Send what is left of the mailing (building it first when there is none)."""
    folder, schedule, warnings = load_current(mission)
    for warning in warnings:
        click.echo(warning, err=True)
    box = (outbox or Path("outbox") / folder.mission.id) / kind
    if not (box / "manifest.json").is_file():
        echo(f"{box} holds no mailing yet: building it first")
        build(mission, kind, calendars, outbox, templates, echo)
    out = calendars or Path("calendars") / folder.mission.id
    todo, outcome = plan_send(box, mission, origin(mission, schedule, out), resend_uncertain)
    send_all(box, todo, outcome, server, per_minute, _sending)
    for line in summary(outcome, len(read_manifest(box)[1])):
        echo(line)
    return outcome


def summary(outcome: Outcome, total: int) -> list[str]:
    """sent / rejected / left, and each message needing the organiser's attention."""
    lines = [f"sent {len(outcome.sent)}, rejected {len(outcome.rejected)}, "
             f"left {len(outcome.left)}, uncertain {len(outcome.uncertain)} "
             f"(sent earlier: {outcome.already}; {total} in the mailing)"]
    lines += [f"rejected: {e.to}: {why}" for e, why in outcome.rejected]
    if outcome.stopped:
        lines.append(f"stopped: {outcome.stopped}")
    if outcome.left:
        lines.append(f"{len(outcome.left)} left: run the same command again to send them")
    lines += [f"uncertain: {e.to} ({e.file}): interrupted while the server was reading it; "
              "it may have arrived. Check, then send it with --resend-uncertain"
              for e in outcome.uncertain]
    return lines


def server(smtp: tuple[str, int] | None, security: str, user: str | None,
           password_env: str | None) -> Server:
    """The server to send to, from the options; the password from the environment variable
    named by --password-env, else asked at the prompt (never taken from the command line)."""
    import os

    if smtp is None:
        raise click.UsageError("--send needs --smtp HOST:PORT")
    if password_env and password_env not in os.environ:
        raise click.BadParameter(f"the environment variable {password_env} is not set",
                                 param_hint="--password-env")

    def password() -> str:
        if password_env:
            return os.environ[password_env]
        return str(click.prompt(f"password for {user} at {smtp[0]}", hide_input=True,
                                err=True))

    return Server(smtp[0], smtp[1], security, user, password)


class _SendOptions(TypedDict):
    """The sending options of `mission mail`, as click parses them."""

    smtp: tuple[str, int] | None
    security: str | None
    user: str | None
    password_env: str | None
    per_minute: float | None
    resend_uncertain: bool


def run_mail(mission: Path, kind: str, places: tuple[Path | None, Path | None, Path | None],
             send_it: bool, sending: dict[str, object], echo: Echo) -> int:
    """`mission mail`: build the mailing, or send it; the exit status (5 when the connection
    was lost with messages left)."""
    calendars, outbox, templates = places
    if not send_it:
        build(mission, kind, calendars, outbox, templates, echo)
        return 0
    options = cast(_SendOptions, sending)
    to = server(options["smtp"], options["security"] or "none", options["user"],
                options["password_env"])
    outcome = send(mission, kind, calendars, outbox, templates, to, options["per_minute"],
                   options["resend_uncertain"], echo)
    return 5 if outcome.left or outcome.stopped else 0
