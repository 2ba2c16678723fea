"""How to export, apart from the export itself so that each format's module can read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportOptions:
    """How to export: which formats, reminders, CSV separator."""

    formats: tuple[str, ...] = ("ics",)
    alarm_minutes: int | None = None
    csv_separator: str = ","
