"""Printable attendance lists, one PDF per table, for the table hosts.

Rendered like the agendas (WeasyPrint through export/pdf.py), from one HTML page per table
holding that table's meetings of every session-day.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from scheduler.export.agenda import company_name, delegate_names
from scheduler.export.files import Publisher
from scheduler.export.names import unique_slugs
from scheduler.export.pdf import render_all
from scheduler.outcomes.common import Mission, session_days, when

TEMPLATES = Path(__file__).parent / "templates"
Progress = Callable[[int], AbstractContextManager[Any]]  # a bar of N steps (click.progressbar)
VIDEO = "Video meetings"
WALK_IN_ROWS = 3


@dataclass
class Part:
    """One session-day's meetings at one table."""

    heading: str
    rows: list[dict[str, str]] = field(default_factory=list)


def environment() -> jinja2.Environment:
    """The package's templates: autoescaped, undefined names are errors."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)


def by_table(mission: Mission) -> dict[str, list[Part]]:
    """Every table's meetings, per session-day, in time order."""
    folder = mission.folder
    tables: dict[str, list[Part]] = {}
    for part in session_days(mission):
        heading = f"{part.session.title}, {part.day:%a %d %B %Y}"
        for meeting in part.meetings:
            parts = tables.setdefault(meeting.table or VIDEO, [])
            if not parts or parts[-1].heading != heading:
                parts.append(Part(heading))
            first, second = meeting.companies
            parts[-1].rows.append({
                "id": meeting.id, "time": when(mission, meeting),
                "first": company_name(folder, first), "second": company_name(folder, second),
                "first_people": ", ".join(delegate_names(folder, meeting, first)),
                "second_people": ", ".join(delegate_names(folder, meeting, second))})
    return tables


def table_pages(mission: Mission) -> dict[str, str]:
    """One self-contained HTML page per table, by table name."""
    template = environment().get_template("table.html.j2")
    common = {"mission": mission.folder.mission, "fingerprint": mission.fingerprint,
              "generated": mission.schedule.generated.isoformat(),
              "footer": f"attendance at the tables · schedule {mission.fingerprint}",
              "walk_in_rows": WALK_IN_ROWS}
    return {table: template.render(table=table, parts=parts, **common)
            for table, parts in sorted(by_table(mission).items())}


def write_table_pdfs(mission: Mission, out: Path, progress: Progress | None = None
                     ) -> list[Path]:
    """Write OUT/<table>.pdf for every table with meetings; `progress` gets the number of
    files and gives a bar that is told of each one written."""
    pages = table_pages(mission)
    names = unique_slugs(pages, "table")
    publisher = Publisher(out)
    written = []
    with (progress or silent)(len(pages)) as bar:
        for table, data in zip(pages, render_all(list(pages.values())), strict=True):
            written.append(publisher.write(f"{names[table]}.pdf", data))
            bar.update(1)
    return written


class Silent:
    """A progress bar that shows nothing."""

    def __enter__(self) -> Silent:
        """Itself."""
        return self

    def __exit__(self, *_: object) -> None:
        """Nothing to close."""

    def update(self, _steps: int) -> None:
        """Nothing to show."""


def silent(_length: int) -> Silent:
    """No progress bar."""
    return Silent()
