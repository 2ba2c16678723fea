"""Options the `mission` commands share: value types, parsing callbacks, option groups.

Each callback turns a bad value into a click usage error (exit status 2), naming the option.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from scheduler.errors import MissionError

if TYPE_CHECKING:
    from scheduler.deliver.caldav import Target
    from scheduler.export.links import Links

FOLDER = click.Path(path_type=Path, file_okay=False)
SHEET = click.Path(path_type=Path, dir_okay=False)
POSITIVE_SECONDS = click.FloatRange(min=0, min_open=True)
# The sides of input/model.py's Side, spelt out so `mission --help` needs no pydantic import.
SIDES = ("delegation", "host", "investor", "agency", "government", "academic")
T = TypeVar("T")
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


def catalogue_formats(_ctx: click.Context, _param: click.Parameter, value: str
                      ) -> tuple[str, ...]:
    """--format of `mission catalogue` as a tuple; an unknown format is a usage error."""
    from scheduler.intake.catalogue import parse_formats

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


def base_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    """--base-url without trailing slashes; anything but an http(s) address is a usage error."""
    from scheduler.export.links import check_base_url

    if not value:
        return ""
    try:
        return check_base_url(value)
    except MissionError as exc:
        raise click.BadParameter(f"'{value}' " + str(exc).split("' ", 1)[1]) from None


def subscription_links(base: str, private: bool, secret_env: str) -> Links:
    """The links of --base-url and --private-links, the secret read from its variable; a
    usage error (exit 2, before anything is written) when it is unset or short."""
    from scheduler.export.links import MIN_SECRET, Links

    if not private:
        return Links(base)
    secret = os.environ.get(secret_env, "")
    if len(secret) < MIN_SECRET:
        said = "is not set" if not secret else f"holds fewer than {MIN_SECRET} characters"
        raise click.UsageError(f"--private-links needs a secret: the environment variable "
                               f"{secret_env} {said} (name another with --link-secret-env); "
                               "keep the same secret for every export, or every link changes")
    return Links(base, secret)


def caldav_target(url: str, user: str, password_env: str) -> Target:
    """Where `mission publish` sends: the password from its variable, else a prompt on a
    terminal; a usage error for a URL that is not http(s) or no way to ask."""
    from scheduler.deliver.caldav import Target

    if not url.lower().startswith(("https://", "http://")):
        raise click.BadParameter(f"'{url}' is not an http(s) address", param_hint="--caldav")
    password = os.environ.get(password_env, "")
    if user and not password:
        if not sys.stdin.isatty():
            raise click.UsageError(f"--user {user} needs a password: set the environment "
                                   f"variable {password_env} (or run in a terminal to be asked)")
        password = click.prompt(f"password of {user} on {url}", hide_input=True)
        return Target(url, user, password)
    return Target(url, user, password, f"the environment variable {password_env}")


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
link_options = option_group(
    click.option("--base-url", callback=base_url, metavar="URL",
                 help="Where OUT will be published on the web: each calendar gets its "
                 "subscription links (index.html, README.md, a QR code on each agenda)."),
    click.option("--private-links", is_flag=True,
                 help="Put each person's files under a secret path, so one link does not "
                 "reveal the others' calendars (the secret comes from --link-secret-env)."),
    click.option("--link-secret-env", default="MISSION_LINK_SECRET", show_default=True,
                 metavar="VAR", help="Environment variable holding the private-link secret."),
)
publish_options = option_group(
    click.option("--caldav", "url", required=True, metavar="URL",
                 help="The CalDAV server (e.g. https://cloud.example.org/remote.php/dav)."),
    click.option("--user", default="", help="User name on the server."),
    click.option("--password-env", default="MISSION_CALDAV_PASSWORD", show_default=True,
                 metavar="VAR", help="Environment variable holding the password (else a "
                 "prompt)."),
    click.option("--people", is_flag=True, help="Also one calendar per person."),
    click.option("--allow-stale", is_flag=True, help="Publish a schedule made before "
                 "mission.yaml or a company file changed (one breaking a rule is refused)."),
)
catalogue_options = option_group(
    click.option("-o", "--out", type=FOLDER, help="Output folder (default FOLDER/catalogue)."),
    click.option("--format", "formats", default="html,pdf", show_default=True,
                 callback=catalogue_formats, help="Comma list of html and pdf."),
)
def country_option(ctx: click.Context, param: click.Parameter, value: str | None
                   ) -> str | None:
    """--country as its two-letter code ('Japon' -> 'JP'); a usage error if unknown."""
    from scheduler.intake.normalise import country_code

    if value is None:
        return None
    code = country_code(value)
    if code is None:
        raise click.BadParameter(f"unknown country '{value}'; write its name or its "
                                 "two-letter code (ES, DE, JP)")
    return code


import_options = option_group(
    click.argument("folder", type=FOLDER, required=False),
    click.argument("sheet", type=SHEET, required=False),
    click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False, exists=True),
                 help="YAML file: which column feeds which field (default: guessed)."),
    click.option("--sheet", "sheet_name", help="The workbook's sheet to read (default: first)."),
    click.option("--side", type=click.Choice(SIDES), help="Side of companies the sheet gives "
                 "none for."),
    click.option("--country", callback=country_option, help="Country of companies the "
                 "sheet gives none for: a name or a two-letter code (--country JP)."),
    click.option("--skip-bad-rows", is_flag=True,
                 help="Write the rows without errors, list the others, exit status 1."),
    click.option("--guess-mapping", "guess", type=SHEET, metavar="SHEET",
                 help="Print the mapping SHEET's header suggests (for --mapping), and stop."),
)


def progress_bar(label: str) -> Callable[[list[T]], Iterator[T]]:
    """Iterate a list with a progress bar on stderr."""
    def wrap(items: list[T]) -> Iterator[T]:
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar
    return wrap


def smtp_address(_ctx: click.Context, _param: click.Parameter, value: str | None
                 ) -> tuple[str, int] | None:
    """'HOST:PORT' -> (host, port); a usage error naming --smtp otherwise."""
    if value is None:
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"'{value}' is not HOST:PORT (e.g. smtp.example.org:587)")
    return host.strip("[]"), int(port)


mail_options = option_group(
    click.option("--kind", required=True, type=click.Choice(["preliminary", "final", "update"]),
                 help="preliminary or final agenda to everyone; update: only to people whose "
                 "calendar changed since the last message they were sent, saying what changed."),
    click.option("--calendars", type=FOLDER, help="The export to attach from (default: "
                 "calendars/<mission id>, as `mission export` writes it)."),
    click.option("-o", "--outbox", type=FOLDER, help="Where the messages go (default: "
                 "outbox/<mission id>); each kind in a folder of its own."),
    click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True),
                 help="A folder of Jinja templates replacing the shipped ones "
                 "(subject.txt.j2, body.txt.j2, body.html.j2)."),
    click.option("--send", is_flag=True, help="Send what is left of the built mailing."),
    click.option("--smtp", callback=smtp_address, metavar="HOST:PORT",
                 help="The SMTP server to send through."),
    click.option("--starttls", "security", flag_value="starttls", help="Upgrade with STARTTLS."),
    click.option("--ssl", "security", flag_value="ssl", help="Connect over TLS (port 465)."),
    click.option("--user", help="Log in as this user (the password is asked for)."),
    click.option("--password-env", metavar="VAR", help="Take the password from this "
                 "environment variable instead of asking (never from the command line)."),
    click.option("--per-minute", type=click.FloatRange(min=0, min_open=True),
                 help="Send at most this many messages a minute."),
    click.option("--resend-uncertain", is_flag=True, help="Also send messages a run was "
                 "interrupted in the middle of (they may have arrived already)."),
)
suggest_options = option_group(
    click.option("--company", "companies", multiple=True, help="Only this company (repeatable)."),
    click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True,
                 help="Partners per company."),
    click.option("--write", is_flag=True, help="Add the suggestions to mission.yaml as matches "
                 "(by: suggested, priority: normal); existing ones are left alone, and so "
                 "are suggestions with no clear match."),
    click.option("--evaluate", is_flag=True, help="Hide each wish in turn and report how well "
                 "the ranking recovers it (recall@5, recall@10, mean reciprocal rank)."),
    click.option("--json", "as_json", is_flag=True, help="JSON instead of text."),
)
SHEET_FILE = click.Path(path_type=Path, dir_okay=False, exists=True)
wishes_options = option_group(
    click.option("--out", type=FOLDER, help="Write one wish sheet (.xlsx) per company here."),
    click.option("--side", type=click.Choice(["delegation"]), help="Only companies of this side."),
    click.option("--import", "sheets", multiple=True, type=SHEET_FILE, help="A filled sheet to "
                 "read (repeatable; a shell glob such as SHEETS/*.xlsx gives several)."),
    click.argument("more", nargs=-1, type=SHEET_FILE, metavar="[SHEET.xlsx]..."),
)


def attendance_formats(_ctx: click.Context, _param: click.Parameter, value: str
                       ) -> tuple[str, ...]:
    """Parse --format of `mission attendance`: a comma list of xlsx and pdf."""
    chosen = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [part for part in chosen if part not in ("xlsx", "pdf")]
    if unknown or not chosen:
        raise click.BadParameter(f"'{value}': give xlsx, pdf or xlsx,pdf")
    return chosen


attendance_options = option_group(
    click.option("-o", "--out", "sheet", type=click.Path(path_type=Path, dir_okay=False),
                 help="The workbook to write (default DIR/attendance.xlsx); the PDFs go "
                 "into the folder of the same name beside it."),
    click.option("--format", "formats", default="xlsx,pdf", show_default=True,
                 callback=attendance_formats, help="Comma list of xlsx and pdf."),
    click.option("--import", "imports", is_flag=True, is_eager=True,  # before FILES
                 help="Read the filled sheets FILES (.xlsx/.ods, or a tab saved as .csv) into "
                 "DIR/outcomes.yaml instead of writing new ones."),
)


def import_files(ctx: click.Context, _param: click.Parameter, value: tuple[Path, ...]
                 ) -> list[Path]:
    """Check FILES of `mission attendance`: given exactly when --import is."""
    if bool(value) != bool(ctx.params.get("imports")):
        raise click.UsageError("give the filled sheets after --import: "
                               "mission attendance DIR --import FILES...")
    return list(value)
