"""What changed in a person's calendar since the last message they were sent."""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.deliver.mail.people import Event


@dataclass(frozen=True)
class Change:
    """One item of a person's calendar that changed: moved, new, changed or cancelled."""

    change: str  # moved | new | changed | cancelled
    summary: str
    before: str = ""  # local start as last sent ('' for a new item)
    after: str = ""  # local start now ('' for a cancelled item)

    def __str__(self) -> str:
        if self.change == "moved":
            return f"moved: {self.summary} ({self.before} → {self.after})"
        return f"{self.change}: {self.summary}"


def changes(sent: dict[str, Event], now: dict[str, Event]) -> list[Change]:
    """The changes from what was sent to what the calendar holds now, in calendar order."""
    out = []
    for uid, (digest, start, summary, cancelled) in now.items():
        before = sent.get(uid)
        if before is None or before[3]:
            if not cancelled:
                out.append(Change("new", summary, after=start))
        elif cancelled:
            out.append(Change("cancelled", summary, before=before[1]))
        elif before[0] != digest:
            kind = "moved" if before[1] != start else "changed"
            out.append(Change(kind, summary, before[1], start))
    out += [Change("cancelled", summary, before=start)
            for uid, (_, start, summary, cancelled) in sent.items()
            if uid not in now and not cancelled]
    return out
