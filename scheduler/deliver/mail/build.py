"""Building a mailing: check the schedule and the export, choose the recipients, render
their PDF agendas and write every message into the outbox."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scheduler.atomic import write_atomic
from scheduler.deliver.mail.addresses import check_addresses
from scheduler.deliver.mail.changes import Change, changes
from scheduler.deliver.mail.journal import last_sent
from scheduler.deliver.mail.letters import Letter, check_templates, compose, environment
from scheduler.deliver.mail.outbox import origin, write_outbox
from scheduler.deliver.mail.people import Person, people, read_export, stale_calendars
from scheduler.errors import ExportError, ScheduleError
from scheduler.export.html import agenda_html
from scheduler.export.pdf import render_all
from scheduler.input.model import MissionFolder
from scheduler.load.loader import load_mission
from scheduler.plan.publish import ready_to_publish
from scheduler.schedule import Schedule, read_schedule

# Rendering the PDFs takes seconds: the caller wraps the pages in a progress bar.
Progress = Callable[[list[str]], Iterator[bytes]]
AGENDA_CACHE = ".agendas"  # in OUTBOX/<kind>: PDF agendas by the digest of their HTML page


@dataclass(frozen=True)
class Built:
    """A mailing written to the outbox."""

    folder: Path  # OUTBOX/<kind>
    letters: list[Letter]
    skipped: int  # people left out of an update: nothing changed for them
    warnings: list[str]


def load_current(mission: Path) -> tuple[MissionFolder, Schedule, list[str]]:
    """The mission, its schedule (refused when stale or breaking a rule) and warnings."""
    folder, _ = load_mission(mission)
    schedule = read_schedule(mission)
    return folder, schedule, ready_to_publish(mission, folder, schedule)


def recipients(folder: MissionFolder, everyone: list[Person], kind: str, outbox: Path
               ) -> list[tuple[Person, list[Change]]]:
    """Who gets this kind of mailing, with what changed for them (for an update: since
    the last message they were sent; only people with a change)."""
    if kind != "update":
        return [(p, []) for p in everyone if not p.withdrawn]
    sent = last_sent(outbox)
    found = [(p, changes(sent.get(p.key, {}), p.events)) for p in everyone]
    return [(p, c) for p, c in found if c]


def build_mailing(mission: Path, kind: str, calendars: Path | None, outbox: Path | None,
                  templates: Path | None, progress: Progress | None = None) -> Built:
    """Write one message per recipient into OUTBOX/<kind>, with an index and a manifest."""
    folder, schedule, warnings = load_current(mission)
    out = calendars or Path("calendars") / folder.mission.id
    box = outbox or Path("outbox") / folder.mission.id
    state = read_export(folder, out)
    wrong = stale_calendars(folder, schedule, state, out)
    if wrong:
        raise ScheduleError(f"the calendars in {out} do not show the current schedule "
                            f"({len(wrong)} differ, e.g. {wrong[0]}): nothing was written; "
                            f"run `mission export {mission} -o {out}` first")
    everyone = people(folder, schedule, state)
    check_addresses(mission, folder, everyone)
    env = environment(templates)
    check_templates(env)
    chosen = recipients(folder, everyone, kind, box)
    pdfs = _agendas(folder, schedule, [p for p, _ in chosen], progress, box / kind / AGENDA_CACHE)
    letters = [compose(env, folder, schedule, person, kind, found,
                       _calendar(out / person.calendar), pdfs.get(person.agenda.slug))
               for person, found in chosen]
    written = write_outbox(box, kind, letters, origin(mission, schedule, out))
    skipped = len(everyone) - len(letters) if kind == "update" else 0
    return Built(written, letters, skipped, warnings)


def _agendas(folder: MissionFolder, schedule: Schedule, chosen: list[Person],
             progress: Progress | None, cache: Path) -> dict[str, bytes]:
    """The PDF agenda of each recipient (by agenda slug), as the export prints it; none for
    the people of a withdrawn company (the export prints none: their calendar cancels all).
    A PDF is a function of its HTML page, so pages rendered by an earlier build (kept in
    OUTBOX/<kind>/.agendas by the page's digest) are not rendered again: rebuilding after a change
    of wording costs seconds, not a minute."""
    agendas = {p.agenda.slug: p.agenda for p in chosen if not p.withdrawn}
    pages = {slug: agenda_html(folder, schedule, a) for slug, a in agendas.items()}
    keys = {slug: hashlib.sha256(page.encode()).hexdigest() for slug, page in pages.items()}
    found = {slug: (cache / f"{key}.pdf").read_bytes() for slug, key in keys.items()
             if (cache / f"{key}.pdf").is_file()}
    missing = [slug for slug in pages if slug not in found]
    rendered = (progress or render_all)([pages[slug] for slug in missing])
    for slug, data in zip(missing, rendered, strict=True):
        found[slug] = data
    _keep(cache, {keys[slug]: found[slug] for slug in missing}, set(keys.values()))
    return found


def _keep(cache: Path, new: dict[str, bytes], used: set[str]) -> None:
    """Store newly rendered PDFs in the cache and drop those no page uses any more."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {cache}: {exc.strerror}") from None
    for key, data in new.items():
        write_atomic(cache / f"{key}.pdf", data)
    for old in cache.glob("*.pdf"):
        if old.stem not in used:
            old.unlink(missing_ok=True)


def _calendar(path: Path) -> bytes:
    """A person's calendar file as the export wrote it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror}; run `mission export` "
                          "again") from None
