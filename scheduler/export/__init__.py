"""Exporters: the only places that know output formats. (Stub: the ics helper owns this.)"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("ics", "html", "pdf", "csv")


@dataclass(frozen=True)
class ExportOptions:
    """How to export: which formats, reminders, CSV separator."""

    formats: tuple[str, ...] = ("ics",)
    alarm_minutes: int | None = None
    csv_separator: str = ","
