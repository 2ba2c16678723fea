"""The `mission` command: plan business missions and 1-on-1 partnering meetings.

Each command parses its options, calls one function of the scheduler package and
prints. Errors become exit codes in one place (MissionGroup.invoke).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from scheduler.cli_options import (
    FOLDER,
    export_options,
    link_options,
    solve_options,
    subscription_links,
)
from scheduler.commands import AROUND_THE_PLAN, TOOLING
from scheduler.commands.common import print_problems
from scheduler.errors import InputError, MissionError


class MissionGroup(click.Group):
    """A click group that turns the package's errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; map errors to exit codes, never a traceback."""
        try:
            return super().invoke(ctx)
        except InputError as exc:
            print_problems(exc.problems)
            ctx.exit(1)
        except MissionError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise  # click handles these itself (a closed pipe, as in `| head`, exits quietly)
        except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, ever
            if os.environ.get("MISSION_DEBUG"):
                raise
            click.secho(f"internal error: {type(exc).__name__}: {exc}", err=True, fg="red")
            click.echo("This is a bug; run again with MISSION_DEBUG=1 for details.", err=True)
            ctx.exit(70)


@click.group(cls=MissionGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mission-scheduler")
def cli() -> None:
    """Plan a business mission and its 1-on-1 partnering meetings.

    \b
    The workflow of a cluster manager, one command per step:
      1. mission init DIR        create a mission folder and a company template
      2. companies fill in companies/<id>.yaml, or `mission import DIR SHEET`
         reads registration sheets; `mission catalogue`, `mission suggest` and
         `mission wishes` help them choose whom to meet
      3. mission validate DIR    every problem in every file, with file:line:col
      4. mission schedule DIR    place the requested meetings (writes schedule.json)
      5. mission check DIR       re-check a schedule.json, e.g. after editing it
      6. mission export DIR      one calendar (.ics) per delegate, company, cluster
    `mission plan DIR` runs validate, schedule and export in one go.
    To people: `mission mail` (agendas by e-mail), `mission publish` (CalDAV).
    After the day: `mission attendance`, then `mission impact`.

    A mission folder holds mission.yaml (programme, venues, partnering
    sessions) and companies/*.yaml (one profile per company).

    \b
    Exit status:
      0    success
      1    input errors (listed file:line:col), or no schedule.json yet
      2    usage error: an unknown command or option, or a bad option value
      3    a must-have meeting cannot be placed (schedule.json is written with
           everything else; the reason and remedies are printed), or a locked
           meeting cannot stay (nothing is written)
      4    schedule.json is malformed or breaks a rule (mission check)
      5    an output could not be written, or a mail or CalDAV server
           refused or stopped answering (a re-run finishes the job)
      70   internal error (a bug)
      130  interrupted (Ctrl-C)
    """


@cli.command()
@click.argument("folder", type=FOLDER)
def validate(folder: Path) -> None:
    """Check a mission folder and report every problem at once.

    \b
    Each problem is printed as `file:line:col: error|warning|note: message`,
    then a summary line. Exit status 0 when there are no errors (warnings
    and notes are fine), 1 when there are. Nothing is written.
    """
    from scheduler.load.loader import company_files, load

    loaded = load(folder)
    files = len(company_files(folder)) + 1 if folder.is_dir() else 0
    print_problems(loaded.problems, files)
    if loaded.errors:
        sys.exit(1)
    if loaded.folder:
        from scheduler.plan.summary import describe_folder, withdrawn_lines

        click.echo(describe_folder(loaded.folder))
        for line in withdrawn_lines(loaded.folder):
            click.echo(line)


@cli.command()
@click.argument("folder", type=FOLDER)
@click.option("--id", "mission_id", help="Mission id (default: the folder's name).")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(folder: Path, mission_id: str | None, force: bool) -> None:
    """Create a ready-to-edit mission folder.

    Writes mission.yaml (with an example programme and partnering session),
    companies/_template.yaml for companies to copy and fill in, and the JSON
    Schemas that let editors (VS Code with the YAML extension, for example)
    check the files while they are typed.
    """
    from scheduler.input.templates import init_folder

    for path in init_folder(folder, mission_id, force):
        click.echo(f"wrote {path}")
    click.echo(f"Next: edit {shlex.quote(str(folder / 'mission.yaml'))}, copy "
               "companies/_template.yaml to companies/<id>.yaml for each company (and set its "
               f"`id:`) or read a registration sheet with `mission import "
               f"{shlex.quote(str(folder))} SHEET`, then `mission validate "
               f"{shlex.quote(str(folder))}`.")


@cli.command()
@click.option("-o", "--out", type=FOLDER, default=Path("schemas"), show_default=True,
              help="Folder to write the schemas to.")
def schema(out: Path) -> None:
    """Write JSON Schemas for mission.yaml and company files.

    Point an editor at them with a first line like
    `# yaml-language-server: $schema=../schemas/company.schema.json`.
    """
    from scheduler.input.templates import write_schemas

    for path in write_schemas(out):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("folder", type=FOLDER)
@solve_options
def schedule(folder: Path, time_limit: float, seed: int, workers: int, fresh: bool) -> None:
    """Place the requested meetings; write FOLDER/schedule.json.

    \b
    When FOLDER already holds a schedule.json, re-plans it: every meeting
    still possible stays where it is (locked ones always), new requests are
    placed around them, and each move, drop and addition is listed. The same
    input and options give the same file, byte for byte. Ctrl-C stops the
    search and saves the best schedule so far (status "interrupted").
    A must-have meeting that cannot be placed is listed with what would make
    it possible; schedule.json is still written, and the exit status is 3.

    \b
    Example:
      mission schedule seeds/bioxclusters-japan-2016 --time-limit 10
    """
    import time

    from scheduler.plan.musts import stop_if_musts_missing
    from scheduler.plan.planning import SolveOptions, schedule_folder, summary_lines

    options = SolveOptions(time_limit, seed, workers, fresh)
    result = schedule_folder(folder, options, lambda line: click.echo(line, err=True),
                             time.monotonic)
    click.echo(f"wrote {folder / 'schedule.json'}")
    for line in summary_lines(result):
        click.echo(line)
    stop_if_musts_missing(result, folder, f"mission export {shlex.quote(str(folder))}")


@cli.command()
@click.argument("folder", type=FOLDER)
@click.option("--previous", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="An earlier schedule.json: its locked meetings must still be in place.")
def check(folder: Path, previous: Path | None) -> None:
    """Check FOLDER/schedule.json against every rule, independently of the solver.

    \b
    Prints each broken rule (rule: meeting: what is wrong), the quality
    figures recomputed from the meetings, and any figure that differs from
    the one in schedule.json. Exit status 0 when every rule holds, 4 when
    one is broken. Also says when mission.yaml or a company file changed
    since the schedule was made (export refuses it then; this exit status
    only counts broken rules). Nothing is written.
    """
    from scheduler.check.report import check_report
    from scheduler.errors import ScheduleError
    from scheduler.gcpause import freeze_if_large
    from scheduler.load.loader import load_mission
    from scheduler.plan.publish import staleness
    from scheduler.schedule import read_schedule

    mission, _ = load_mission(folder)
    freeze_if_large(len(mission.companies))
    before = read_schedule(previous) if previous else None
    plan = read_schedule(folder)
    lines, broken = check_report(mission, plan, before)
    for line in lines:
        click.echo(line)
    stale, warnings = staleness(folder, plan)
    for line in warnings + [f"stale: {line}" for line in stale]:
        click.echo(line)
    if broken:
        raise ScheduleError(f"{folder / 'schedule.json'} breaks {broken} rule(s)")


@cli.command()
@click.argument("folder", type=FOLDER)
@export_options
@link_options
@click.option("--allow-stale", is_flag=True, help="Export a schedule made before mission.yaml "
              "or a company file changed (a schedule breaking a rule is still refused).")
def export(folder: Path, out: Path | None, formats: tuple[str, ...], alarm: int | None,
           csv_separator: str, verbose: bool, base_url: str, private_links: bool,
           link_secret_env: str, allow_stale: bool) -> None:
    """Write calendars (and agendas) from FOLDER/schedule.json.

    \b
    First checks the schedule against every rule and against the inputs it
    was made from: a broken rule, or a mission.yaml or company file changed
    since `mission schedule` (unless --allow-stale), stops it with exit
    status 4 and every reason listed, before anything is written.
    One .ics per delegate, per company, per cluster and one for the organiser,
    plus OUT/README.md saying whom to send each file to (OUT/mission-index.md
    when a README.md of your own is there: it is left alone). Exporting again into
    the same folder updates the calendars in place: unchanged items stay
    byte-identical, changed ones get a higher SEQUENCE, dropped meetings stay
    as cancelled. It prints what changed for whom since the last export.

    \b
    --base-url: subscription links in each calendar, the index and a QR code
    on each agenda; --private-links: files under secret paths, e.g.
      MISSION_LINK_SECRET=... mission export my-mission --format all \\
        --base-url https://example.org/m --private-links
    """
    from scheduler.export import ExportOptions, report_lines
    from scheduler.export import export as run_export
    from scheduler.gcpause import freeze_if_large
    from scheduler.load.loader import load_mission
    from scheduler.plan.publish import ready_to_publish
    from scheduler.schedule import read_schedule

    links = subscription_links(base_url, private_links, link_secret_env)
    options = ExportOptions(formats, alarm, csv_separator, links)
    mission, _ = load_mission(folder)
    freeze_if_large(len(mission.companies))
    plan = read_schedule(folder)
    for warning in ready_to_publish(folder, mission, plan, allow_stale):
        click.echo(warning, err=True)
    out = out or Path("calendars") / mission.mission.id
    result = run_export(mission, plan, out, options, lambda line: click.echo(line, err=True))
    for line in report_lines(result, out, verbose):
        click.echo(line)


@cli.command()
@click.argument("folder", type=FOLDER)
@export_options
@link_options
@solve_options
@click.option("--allow-missing-musts", is_flag=True, help="Export even when a must-have "
              "meeting cannot be placed (the exit status is still 3).")
def plan(folder: Path, out: Path | None, formats: tuple[str, ...], alarm: int | None,
         csv_separator: str, verbose: bool, base_url: str, private_links: bool,
         link_secret_env: str, time_limit: float, seed: int, workers: int,
         fresh: bool, allow_missing_musts: bool) -> None:
    """Validate, schedule and export in one go: the main job.

    \b
    Stops at the first step that fails: input errors are listed (exit 1).
    A must-have meeting that cannot be placed is listed with what would
    make it possible, schedule.json is written with everything else, and
    nothing is exported (exit 3) unless --allow-missing-musts.
    Otherwise writes FOLDER/schedule.json and the calendars (and the other
    formats asked for) to OUT, and prints the schedule's summary and what
    changed for whom since the last export.

    \b
    Example:
      mission plan my-mission --format all -o out/
    """
    import time

    from scheduler.export import ExportOptions, report_lines, written_count
    from scheduler.plan.musts import stop_if_musts_missing
    from scheduler.plan.pipeline import plan_folder
    from scheduler.plan.planning import SolveOptions, summary_lines

    options = ExportOptions(formats, alarm, csv_separator,
                            subscription_links(base_url, private_links, link_secret_env))
    result = plan_folder(folder, SolveOptions(time_limit, seed, workers, fresh), options, out,
                         lambda line: click.echo(line, err=True), time.monotonic,
                         allow_missing_musts)
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"wrote {folder / 'schedule.json'}")
    for line in summary_lines(result.schedule):
        click.echo(line)
    if result.exported is not None:
        click.echo(f"{written_count(result.exported)} to {result.out}; "
                   f"see {result.exported.index} for whom to send each to")
        for line in report_lines(result.exported, result.out, verbose, files=verbose):
            click.echo(line)
    stop_if_musts_missing(result.schedule, folder, None if result.exported else
                          f"mission plan {shlex.quote(str(folder))} --allow-missing-musts")


for command in (*AROUND_THE_PLAN, *TOOLING):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mission")


if __name__ == "__main__":
    main()
