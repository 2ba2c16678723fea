"""The outbox of one mailing (OUTBOX/<kind>/): the .eml files, an index of who gets
what (index.md) and a manifest of what they were built from (manifest.json).

The manifest records the sha256 of schedule.json, the input fingerprint schedule.json
was made from, and the sha256 of the export state the calendars came with, so a send
refuses an outbox built from another schedule or another export than the current one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.atomic import write_atomic
from scheduler.deliver.mail.letters import Letter
from scheduler.errors import ExportError, ScheduleError
from scheduler.export.ics.state import STATE_FILE
from scheduler.plan.publish import fingerprint
from scheduler.schedule import Schedule

MANIFEST = "manifest.json"
INDEX = "index.md"
MESSAGES = "messages"


@dataclass(frozen=True)
class Entry:
    """One message of the outbox as its manifest lists it."""

    file: str  # relative to the mailing's folder
    message_id: str
    to: str
    person: str
    digest: str  # sha256 of the .eml
    events: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Origin:
    """What an outbox was built from."""

    schedule: str  # sha256 of schedule.json
    inputs: dict[str, str]  # mission.yaml and company files, as schedule.json records them
    export: str  # sha256 of OUT/.export-state.json
    calendars: str  # OUT


def sha256(path: Path) -> str:
    """The sha256 of a file ('' when it cannot be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def origin(mission: Path, schedule: Schedule, out: Path) -> Origin:
    """What a mailing built now is built from."""
    return Origin(sha256(mission / "schedule.json"), dict(schedule.inputs or {}),
                  sha256(out / STATE_FILE), str(out.resolve()))


def message_file(letter: Letter) -> str:
    """A message's file in its mailing's folder: messages/<company>/<person>.eml, as the
    person's calendar is named under people/."""
    calendar = Path(letter.person.calendar)
    return f"{MESSAGES}/{calendar.relative_to(calendar.parts[0]).with_suffix('.eml')}"


def write_outbox(folder: Path, kind: str, letters: list[Letter], made_from: Origin) -> Path:
    """Write the mailing's .eml files, index and manifest into OUTBOX/<kind>; remove the
    .eml files of an earlier build that this one no longer has."""
    mailing = folder / kind
    old = {e.file for e in read_manifest(mailing)[1]} if (mailing / MANIFEST).is_file() else set()
    entries = []
    for letter in letters:
        name = message_file(letter)
        data = bytes(letter.message)
        target = mailing / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create {target.parent}: {exc.strerror}") from None
        write_atomic(target, data)
        entries.append(Entry(name, letter.message_id, letter.person.email, letter.person.key,
                             hashlib.sha256(data).hexdigest(), letter.person.events))
    for gone in sorted(old - {e.file for e in entries}):
        (mailing / gone).unlink(missing_ok=True)
    write_atomic(mailing / INDEX, index_text(kind, letters))
    write_atomic(mailing / MANIFEST, manifest_text(kind, entries, made_from))
    return mailing


def manifest_text(kind: str, entries: list[Entry], made_from: Origin) -> str:
    """The manifest as JSON text (sorted keys: the same build gives the same bytes)."""
    data = {"kind": kind, "schedule": made_from.schedule, "inputs": made_from.inputs,
            "export": made_from.export, "calendars": made_from.calendars,
            "messages": [{"file": e.file, "message_id": e.message_id, "to": e.to,
                          "person": e.person, "digest": e.digest,
                          "events": {k: list(v) for k, v in e.events.items()}}
                         for e in entries]}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_manifest(mailing: Path) -> tuple[Origin, list[Entry]]:
    """What an outbox was built from and its messages; ExportError when it has none."""
    path = mailing / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        made_from = Origin(data["schedule"], data["inputs"], data["export"], data["calendars"])
        entries = [Entry(m["file"], m["message_id"], m["to"], m["person"], m["digest"],
                         {k: tuple(v) for k, v in m["events"].items()})
                   for m in data["messages"]]
    except FileNotFoundError:
        raise ExportError(f"{mailing} holds no mailing; build it first (without --send) "
                          "and review it") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{path} cannot be read ({str(exc)[:200]}); build the mailing "
                          "again") from None
    return made_from, entries


def check_origin(mailing: Path, built: Origin, current: Origin, mission: Path) -> None:
    """ScheduleError when the outbox was built from another schedule or export than now."""
    why = []
    if built.schedule != current.schedule:
        why.append("schedule.json changed since")
    if built.inputs != fingerprint(mission) and built.inputs:
        why.append("mission.yaml or a company file changed since")
    if built.export != current.export or built.calendars != current.calendars:
        why.append(f"the calendars in {current.calendars} were exported again since")
    if why:
        raise ScheduleError(f"{mailing} was built from another schedule than the current one "
                            f"({'; '.join(why)}): nothing was sent; build it again with "
                            f"`mission mail {mission} --kind {mailing.name}` and review it")


def check_files(mailing: Path, entries: list[Entry]) -> None:
    """ScheduleError when a message file is missing or was edited after it was built."""
    wrong = [e.file for e in entries if sha256(mailing / e.file) != e.digest]
    if wrong:
        raise ScheduleError(f"{len(wrong)} message(s) in {mailing} are missing or were changed "
                            f"after the build ({', '.join(wrong[:5])}): nothing was sent; "
                            "change the templates (--templates) and build it again")


def index_text(kind: str, letters: list[Letter]) -> str:
    """Who gets what: one row per message."""
    lines = [f"# Mailing: {kind}", "", f"{len(letters)} message(s).", "",
             "| To | Message | Attachments | Changes |", "|---|---|---|---|"]
    for letter in letters:
        files = ", ".join(p.get_filename() or "" for p in letter.message.iter_attachments())
        changed = "; ".join(map(str, letter.changes)) or "-"
        name = message_file(letter)
        lines.append(f"| {_cell(str(letter.message['To']))} | [{_cell(name)}]({name}) | "
                     f"{_cell(files)} | {_cell(changed)} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text in a Markdown table cell: no line breaks, no column bars."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
