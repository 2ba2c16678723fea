"""Put exported calendars into CalDAV collections, sending only what changed.

Each run reads what the server holds (one REPORT per collection, with ETags) and
compares it event by event with the exported files: a new event is PUT with
If-None-Match: *, a changed one with If-Match: <its ETag>, an unchanged one not at all.
The server is the only record, so a run stopped half-way (a dropped connection, the
server going down) is finished by the next one, and a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from scheduler.deliver.calendars import Collection, Resource, events
from scheduler.deliver.status import Status, digest
from scheduler.errors import ExportError
from scheduler.export.ics.events import UID_DOMAIN

T = TypeVar("T")
TIMEOUT = 60  # seconds for one request: a server that does not answer is an error


@dataclass(frozen=True)
class Target:
    """Where to publish: the server's URL and who logs in."""

    url: str
    user: str = ""
    password: str = field(default="", repr=False)
    password_from: str = "the prompt"  # where the password came from, for a refusal


@dataclass
class Sent:
    """What one collection got."""

    collection: Collection
    created: bool = False
    added: int = 0
    changed: int = 0
    cancelled: int = 0
    unchanged: int = 0

    @property
    def puts(self) -> int:
        """How many events were sent."""
        return self.added + self.changed + self.cancelled

    def __str__(self) -> str:
        parts = [f"{n} {what}" for n, what in ((self.added, "added"), (self.changed, "changed"),
                                               (self.cancelled, "cancelled")) if n]
        done = ", ".join(parts) + f" ({self.unchanged} unchanged)" if parts else \
            f"nothing changed ({self.unchanged} events)"
        made = "created; " if self.created else ""
        return f"{self.collection.title} [{self.collection.cal_id}]: {made}{done}"


@dataclass
class _Stored:
    """An event as the server holds it."""

    url: Any
    etag: str | None
    content: tuple[str, ...]
    sequence: int
    cancelled: bool
    data: str


def publish_calendars(target: Target, collections: list[Collection], status: Status
                      ) -> Iterator[Sent]:
    """Publish each collection in turn, yielding what it got; ExportError (exit 5) naming
    the calendar when the server refuses, or stops answering. STATUS records what was
    sent (saved after each collection, and when a failure stops it)."""
    principal = _guarded(target, None, lambda: _principal(target))
    homes = _guarded(target, None, lambda: {_last(c.url): c for c in principal.calendars()})
    server = f"{target.url} {target.user}"
    for number, wanted in enumerate(collections):
        where = (number, len(collections), wanted)
        record = status.collection(server, wanted.cal_id)
        try:
            yield _guarded(target, where, partial(_publish, principal, homes, wanted, record))
        finally:
            status.save()


def _principal(target: Target) -> Any:
    """The logged-in user's principal on the server."""
    from caldav.davclient import DAVClient

    client = DAVClient(target.url, username=target.user or None,
                              password=target.password or None, timeout=TIMEOUT)
    return client.principal()


def _last(url: Any) -> str:
    """The last segment of a collection's URL (its id)."""
    return str(url).rstrip("/").rsplit("/", 1)[-1]


def _guarded(target: Target, where: tuple[int, int, Collection] | None,
             work: Callable[[], T]) -> T:
    """Run one step against the server; its failures as ExportError saying what to do."""
    from caldav.lib import error

    at = f"the CalDAV server {target.url}"
    done = "" if where is None else (f" while publishing {where[2].title} ({where[0]} of "
                                     f"{where[1]} calendars done); run the command again "
                                     "to finish: what is already there is not sent twice")
    try:
        return work()
    except error.AuthorizationError:
        who = f"user '{target.user}'" if target.user else "anonymous access"
        raise ExportError(f"{at} refused {who}: wrong user name or password "
                          f"(the password came from {target.password_from})") from None
    except error.ETagMismatchError:
        raise ExportError(f"an event on {at} changed while it was being published{done}") \
            from None
    except (error.DAVError, OSError) as exc:
        raise ExportError(f"{at} failed: {_reason(exc)}{done}") from None


def _reason(exc: BaseException) -> str:
    """A one-line reason for a failed request."""
    text = " ".join(str(exc).split())
    if "refused" in text.lower() or "connect" in text.lower():
        return "it does not answer (connection refused)"
    return text[:200] or type(exc).__name__


def _publish(principal: Any, homes: dict[str, Any], wanted: Collection,
             record: dict[str, list]) -> Sent:
    """Bring one collection in line with its exported calendar file; RECORD keeps each
    event's ETag and the digest of what was sent."""
    sent = Sent(wanted)
    calendar = homes.get(wanted.cal_id)
    if calendar is None:
        calendar = principal.make_calendar(name=wanted.title, cal_id=wanted.cal_id)
        homes[wanted.cal_id] = calendar
        sent.created = True
    stored = {} if sent.created else _stored(calendar)
    if sent.created:
        record.clear()
    for resource in wanted.resources:
        found, sent_as = stored.pop(resource.uid, None), digest(resource.text)
        if found is not None and _same(found, resource, record.get(resource.uid), sent_as):
            record[resource.uid] = [found.etag, sent_as]
            sent.unchanged += 1
            continue
        record.pop(resource.uid, None)  # if the PUT fails, the server decides next time
        record[resource.uid] = [_put(calendar, resource, found), sent_as]
        if found is None:
            sent.added += 1
        elif resource.cancelled and not found.cancelled:
            sent.cancelled += 1
        else:
            sent.changed += 1
    for uid, found in sorted(stored.items()):  # ours, on the server, no longer exported
        if uid.endswith(f"@{UID_DOMAIN}") and not found.cancelled:
            record.pop(uid, None)
            _cancel(calendar, found)
            sent.cancelled += 1
    return sent


def _same(found: _Stored, resource: Resource, recorded: list | None, sent_as: str) -> bool:
    """Whether the server holds this event as exported: what was sent last (by the
    record, with the server's ETag unchanged since), or else the same content."""
    if recorded and recorded[1] == sent_as and recorded[0] in (None, found.etag):
        return True
    return found.content == resource.content


def _stored(calendar: Any) -> dict[str, _Stored]:
    """Every event the server holds in a collection, by UID."""
    from caldav.calendarobjectresource import Event

    out = {}
    for item in calendar.search(comp_class=Event):
        for uid, (content, sequence, cancelled) in events(item.data or "").items():
            out[uid] = _Stored(item.url, item.etag, content, sequence, cancelled, item.data)
    return out


def _put(calendar: Any, resource: Resource, found: _Stored | None) -> str | None:
    """PUT one event: If-None-Match: * when new, else If-Match: its ETag on the server.
    Returns the new ETag (None when the server gave none)."""
    from caldav.calendarobjectresource import Event
    from caldav.elements import dav

    url = found.url if found else calendar.url.join(resource.href)
    event = Event(client=calendar.client, url=url, parent=calendar)
    if found and found.etag:
        event.props[dav.GetEtag.tag] = found.etag
    event.save(no_overwrite=found is None, raw_data=resource.text.encode("utf-8"),
               increase_seqno=False)
    return event.etag


def _cancel(calendar: Any, found: _Stored) -> None:
    """Cancel an event that the exported calendar no longer has (its file was lost)."""
    from icalendar import Calendar

    stored = Calendar.from_ical(found.data)
    for event in stored.walk("VEVENT"):
        for name in ("STATUS", "SEQUENCE"):
            event.pop(name, None)
        event.add("status", "CANCELLED")
        event.add("sequence", found.sequence + 1)
    text = stored.to_ical().decode("utf-8")
    _put(calendar, Resource("", text, (), found.sequence + 1, True), found)
