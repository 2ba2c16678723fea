"""`mission publish`: check the schedule, export its calendars, and say which to publish.

Publishing goes through the same gate as an export (plan/publish.py: no broken rule, no
stale schedule) and through the export itself, so the server gets exactly the exported
files: the same UIDs and SEQUENCE numbers, and dropped meetings as cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from scheduler.deliver.caldav import Target, publish_calendars
from scheduler.deliver.calendars import Collection, collection
from scheduler.deliver.status import Status
from scheduler.export import ExportOptions, ExportResult, export, report_lines
from scheduler.export.ics.events import audiences
from scheduler.export.links import placed
from scheduler.gcpause import freeze_if_large
from scheduler.load.loader import load_mission
from scheduler.plan.publish import ready_to_publish
from scheduler.schedule import read_schedule

PUBLISHED = ("organiser", "company")  # and "person" when asked for


@dataclass
class Prepared:
    """The export made for publishing, and the calendars to put on the server."""

    lines: list[str]  # to print: warnings, the files written, what changed for whom
    exported: ExportResult
    out: Path
    collections: list[Collection]


def prepare(path: Path, out: Path | None, options: ExportOptions, people: bool = False,
            allow_stale: bool = False, progress: Callable[[str], None] | None = None,
            verbose: bool = False) -> Prepared:
    """Refuse an unchecked or stale schedule (ScheduleError, exit 4), export the calendars
    into OUT, and read the organiser's, each company's (and each person's) calendar."""
    folder, _ = load_mission(path)
    freeze_if_large(len(folder.companies))
    schedule = read_schedule(path)
    warnings = ready_to_publish(path, folder, schedule, allow_stale)
    out = out or Path("calendars") / folder.mission.id
    if "ics" not in options.formats:
        options = replace(options, formats=("ics", *options.formats))
    exported = export(folder, schedule, out, options, progress)
    links = replace(options.links, mission=folder.mission.id)
    kinds = (*PUBLISHED, "person") if people else PUBLISHED
    chosen = [a for a in placed(audiences(folder), links) if a.kind in kinds]
    lines = warnings + report_lines(exported, out, verbose, files=verbose)
    return Prepared(lines, exported, out,
                    [collection(out, a.name, a.title, folder.mission.id) for a in chosen])


def send(target: Target, ready: Prepared, advance: Callable[[], None] | None = None
         ) -> list[str]:
    """Publish the prepared calendars (calling ADVANCE after each); what each got, and how
    many events were sent in all."""
    sent = []
    for done in publish_calendars(target, ready.collections, Status.load(ready.out)):
        sent.append(done)
        if advance:
            advance()
    # Only the calendars that got something are listed: a run that sends nothing (or a
    # re-plan that touches a few of hundreds) stays readable.
    quiet = sum(not (d.puts or d.created) for d in sent)
    return [str(done) for done in sent if done.puts or done.created] + \
        ([f"{quiet} calendar(s) already up to date"] if quiet else []) + [
        f"sent {sum(d.puts for d in sent)} event(s) to {len(sent)} calendar(s) on {target.url}"]
