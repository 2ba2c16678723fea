"""The journal of a mailing (OUTBOX/<kind>/journal.jsonl): one JSON line per step of each
send, appended and flushed to disk before the next step.

A message's last line says where it is: `sending` is written just before the message's
text goes to the server, `sent` once the server accepted it, `rejected` when the server
refused it for good, `left` when a send stopped before the text went out (safe to retry).
A message whose last line is `sending` was interrupted while the server was reading it
(a crash, Ctrl-C, a dropped connection): the server may have accepted it, so it is not
sent again unless asked (--resend-uncertain). Sending a message twice is worse than
asking the organiser to check one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scheduler.deliver.mail.people import Event
from scheduler.errors import ExportError

JOURNAL = "journal.jsonl"
DONE = ("sent", "rejected")


@dataclass(frozen=True)
class Step:
    """One line of the journal."""

    message_id: str
    to: str
    person: str
    state: str  # sending | sent | rejected | left
    time: str
    detail: str = ""
    events: dict[str, Event] | None = None  # on `sent`: what the person now has


def now() -> str:
    """The time a step is recorded, in UTC to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_steps(path: Path) -> list[Step]:
    """Every step recorded in a journal (a last line cut short by a crash is skipped)."""
    if not path.is_file():
        return []
    steps = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            events = data.get("events")
            steps.append(Step(data["message_id"], data["to"], data["person"], data["state"],
                              data["time"], data.get("detail", ""),
                              {k: tuple(v) for k, v in events.items()} if events else None))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # half a line: the step after it was never taken
    return steps


def last_states(path: Path) -> dict[str, Step]:
    """Each message's last step."""
    return {step.message_id: step for step in read_steps(path)}


def record(path: Path, step: Step) -> None:
    """Append one step and make sure it is on disk before anything else happens."""
    data: dict[str, object] = {"message_id": step.message_id, "to": step.to, "person": step.person,
            "state": step.state, "time": step.time}
    if step.detail:
        data["detail"] = step.detail
    if step.events is not None:
        data["events"] = {k: list(v) for k, v in step.events.items()}
    line = json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}; stopped before "
                          "sending anything it could not record") from None


def last_sent(outbox: Path) -> dict[str, dict[str, Event]]:
    """What each person was last sent, from every mailing's journal in OUTBOX."""
    latest: dict[str, tuple[str, dict[str, Event]]] = {}
    for path in sorted(outbox.glob(f"*/{JOURNAL}")):
        for step in read_steps(path):
            if step.state == "sent" and step.events is not None and \
                    step.time >= latest.get(step.person, ("", {}))[0]:
                latest[step.person] = (step.time, step.events)
    return {person: events for person, (_, events) in latest.items()}
