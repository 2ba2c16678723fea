"""Sending a built mailing over SMTP, each step in the journal first.

MAIL FROM and RCPT TO are sent before `sending` is recorded: a failure there leaves the
message `left` (nothing went out) and it is tried again on the next run. From the DATA
command on, the message is `sending` until the server's reply is recorded, so only an
interruption inside that window leaves a message whose fate is unknown.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from scheduler.deliver.mail.addresses import why_invalid
from scheduler.deliver.mail.journal import DONE, JOURNAL, Step, last_states, now, record
from scheduler.deliver.mail.outbox import Entry, Origin, check_files, check_origin, read_manifest
from scheduler.errors import ExportError, InputError, Problem

TIMEOUT = 60.0  # seconds a server may take to answer one command


class SendError(ExportError):
    """The server could not be reached or would not take our messages (exit 5)."""


@dataclass(frozen=True)
class Server:
    """Where and how to send."""

    host: str
    port: int
    security: str = "none"  # none | starttls | ssl
    user: str | None = None
    password: Callable[[], str] | None = None  # asked only when a user is given


@dataclass
class Outcome:
    """What a send did, and what is left."""

    sent: list[Entry] = field(default_factory=list)
    rejected: list[tuple[Entry, str]] = field(default_factory=list)
    left: list[Entry] = field(default_factory=list)
    uncertain: list[Entry] = field(default_factory=list)  # interrupted inside DATA earlier
    already: int = 0  # sent by an earlier run
    stopped: str = ""  # why sending stopped before the end


def plan_send(mailing: Path, mission: Path, current: Origin, resend_uncertain: bool
              ) -> tuple[list[Entry], Outcome]:
    """The messages still to send, and the outcome so far; refuses a stale outbox."""
    built, entries = read_manifest(mailing)
    check_origin(mailing, built, current, mission)
    check_files(mailing, entries)
    bad = [Problem(f"{mailing / e.file}", 0, 0, "error", f"To '{e.to}' cannot receive mail: "
                   f"{why}") for e in entries if (why := why_invalid(e.to)) is not None]
    if bad:
        raise InputError(bad)
    states = last_states(mailing / JOURNAL)
    outcome = Outcome()
    todo = []
    for entry in entries:
        state = states.get(entry.message_id)
        if state is not None and state.state in DONE:
            outcome.already += 1
        elif state is not None and state.state == "sending" and not resend_uncertain:
            outcome.uncertain.append(entry)
        else:
            todo.append(entry)
    return todo, outcome


def connect(server: Server) -> smtplib.SMTP:
    """An open, authenticated SMTP session; SendError saying why not."""
    context = ssl.create_default_context()
    try:
        if server.security == "ssl":
            session: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port,
                                                     timeout=TIMEOUT, context=context)
        else:
            session = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        session.ehlo()
        if server.security == "starttls":
            session.starttls(context=context)
            session.ehlo()
        if server.user:
            session.login(server.user, server.password() if server.password else "")
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"{server.host}:{server.port} refused the user name or password "
                        f"({exc.smtp_code}); nothing was sent") from None
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        raise SendError(f"cannot talk to {server.host}:{server.port}: {exc}; nothing "
                        "was sent") from None
    return session


def send_all(mailing: Path, todo: list[Entry], outcome: Outcome, server: Server,
             per_minute: float | None, bar: Callable[[list[Entry]], Iterable[Entry]]
             ) -> Outcome:
    """Send each message of `todo` once, recording every step; stop at the first lost
    connection (what is left is sent by the next run)."""
    if not todo:
        return outcome
    session = connect(server)
    journal = mailing / JOURNAL
    start = time.monotonic()
    try:
        for number, entry in enumerate(bar(todo)):
            if per_minute:
                time.sleep(max(0.0, start + number * 60.0 / per_minute - time.monotonic()))
            if not _send_one(session, mailing, journal, entry, outcome):
                outcome.left += todo[number + 1:]
                break
    finally:
        _quit(session)
    return outcome


def _send_one(session: smtplib.SMTP, mailing: Path, journal: Path, entry: Entry,
              outcome: Outcome) -> bool:
    """Send one message; False when the connection is lost (the caller stops)."""
    message = email.message_from_bytes((mailing / entry.file).read_bytes(),
                                       policy=email.policy.SMTP)
    del message["Date"]
    message["Date"] = format_datetime(datetime.now(UTC), usegmt=True)  # the real time now
    sender = email.utils.parseaddr(str(message["From"]))[1]
    step = Step(entry.message_id, entry.to, entry.person, "left", now())
    try:
        code, reply = session.mail(sender)
        if code != 250:  # about the sender, not this recipient: stop, retry all later
            record(journal, _with(step, detail=f"sender refused: {code}"))
            outcome.left.append(entry)
            outcome.stopped = f"the server refused the sender <{sender}>: {code} {_text(reply)}"
            return False
        code, reply = session.rcpt(entry.to)
        if code not in (250, 251):
            return _refused(session, journal, entry, step, outcome, code, reply)
        record(journal, Step(entry.message_id, entry.to, entry.person, "sending", now()))
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        record(journal, _with(step, detail=f"connection lost before sending: {exc}"))
        outcome.left.append(entry)
        outcome.stopped = f"the connection was lost: {exc}"
        return False
    except BaseException:
        record(journal, _with(step, detail="interrupted before sending"))
        raise
    return _data(session, journal, entry, message.as_bytes(policy=email.policy.SMTP), outcome)


def _data(session: smtplib.SMTP, journal: Path, entry: Entry, data: bytes,
          outcome: Outcome) -> bool:
    """The DATA step: accepted -> sent; refused -> rejected or left; lost -> uncertain."""
    reply: bytes | str
    try:
        code, reply = session.data(data)
    except smtplib.SMTPDataError as exc:  # refused DATA itself: nothing was taken
        code, reply = exc.smtp_code, exc.smtp_error
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        outcome.uncertain.append(entry)  # the journal keeps `sending`: see journal.py
        outcome.stopped = f"the connection was lost while the server read a message: {exc}"
        return False
    if code == 250:
        record(journal, Step(entry.message_id, entry.to, entry.person, "sent", now(),
                             events=entry.events))
        outcome.sent.append(entry)
        return True
    step = Step(entry.message_id, entry.to, entry.person, "left", now())
    return _refused(session, journal, entry, step, outcome, code, reply)


def _refused(session: smtplib.SMTP, journal: Path, entry: Entry, step: Step,
             outcome: Outcome, code: int, reply: bytes | str) -> bool:
    """A refusal: for good (5xx) -> rejected; for now (4xx) -> left for the next run."""
    why = f"{code} {_text(reply)}".strip()
    if 500 <= code < 600:
        record(journal, _with(step, state="rejected", detail=why))
        outcome.rejected.append((entry, why))
    else:
        record(journal, _with(step, detail=why))
        outcome.left.append(entry)
    try:
        session.rset()
    except (OSError, smtplib.SMTPException):
        return False
    return True


def _text(reply: bytes | str) -> str:
    """A server's reply as text."""
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _with(step: Step, state: str | None = None, detail: str = "") -> Step:
    """A step with another state or detail."""
    return replace(step, state=state or step.state, detail=detail or step.detail)


def _quit(session: smtplib.SMTP) -> None:
    """Close the session politely, if it is still open."""
    try:
        session.quit()
    except (OSError, smtplib.SMTPException):
        session.close()


