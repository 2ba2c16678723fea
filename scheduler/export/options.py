"""How to export, apart from the export itself so that each format's module can read it."""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.export.links import Links


@dataclass(frozen=True)
class ExportOptions:
    """How to export: which formats, reminders, CSV separator, where files are published."""

    formats: tuple[str, ...] = ("ics",)
    alarm_minutes: int | None = None
    csv_separator: str = ","
    links: Links = field(default_factory=Links)
