"""Printable HTML: agendas per company and delegate, the organiser's report, table signs.

One Jinja2 template set (scheduler/export/templates/*.html.j2) with autoescape on, and one
print stylesheet inlined into every page: the files open offline, by e-mail, and
fetch nothing. Output depends only on the mission and the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from scheduler.export.agenda import (
    Agenda,
    all_agendas,
    check_references,
    company_name,
)
from scheduler.export.files import Publisher
from scheduler.export.ics.text import by_name
from scheduler.export.links import qr_svg
from scheduler.export.options import ExportOptions
from scheduler.export.report import build_grids, build_signs, company_rows
from scheduler.input.model import MissionFolder
from scheduler.schedule import Schedule, percent

TEMPLATES = Path(__file__).resolve().parent / "templates"
AGENDAS = "agendas"
REPORT = "report.html"
SIGNAGE = "signage.html"
_CJK_LANG = {"JP": "ja", "CN": "zh-Hans", "SG": "zh-Hans", "TW": "zh-Hant", "HK": "zh-Hant",
             "MO": "zh-Hant", "KR": "ko", "KP": "ko"}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class Named:
    """An unplaced request or a change, with company names for display: in its companies,
    and in its reason and remedies (written with ids, as schedule.json keeps them)."""

    names: list[str]
    item: object
    reason: str = ""
    remedies: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> object:
        """Everything else comes from the wrapped record."""
        return getattr(self.item, name)


def longdate(day: date) -> str:
    """'Tuesday 11 October 2016', independent of the machine's locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def pct(value: float) -> str:
    """A share as a whole percentage (100% and 0% only when exact)."""
    return percent(value, 0)


def lang_attr(country: str | None) -> Markup:
    """' lang="ja"' for a CJK country, so its names get that region's glyphs (else '')."""
    lang = _CJK_LANG.get(country or "")
    return Markup(f' lang="{lang}"') if lang else Markup("")


def is_web(url: str) -> bool:
    """Only http(s) links become clickable (never javascript: or data:)."""
    return url.lower().startswith(("https://", "http://"))


@cache
def environment() -> jinja2.Environment:
    """The template environment: autoescape everywhere, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(longdate=longdate, pct=pct, is_web=is_web, lang_attr=lang_attr,
                       qr=lambda text: Markup(qr_svg(text)))  # segno's SVG holds no text
    return env


def _common(folder: MissionFolder, schedule: Schedule) -> dict[str, object]:
    """Context every page needs."""
    return {"mission": folder.mission, "generated": schedule.generated.isoformat(),
            "generated_text": f"{schedule.generated:%Y-%m-%d %H:%M %z}"}


def render(template: str, **context: object) -> str:
    """Render one template to text."""
    return environment().get_template(template).render(**context)


def agenda_html(folder: MissionFolder, schedule: Schedule, agenda: Agenda) -> str:
    """One agenda as a self-contained HTML page."""
    return render("agenda.html.j2", agenda=agenda, **_common(folder, schedule))


def report_html(folder: MissionFolder, schedule: Schedule, options: ExportOptions) -> str:
    """The organiser's report: quality, companies, unplaced, changes, meeting grids."""
    def named(items: list) -> list[Named]:
        return [Named([company_name(folder, c) for c in i.companies], i,
                      by_name(folder, i.reason, i.companies),
                      tuple(by_name(folder, r, i.companies) for r in getattr(i, "remedies", [])))
                for i in items]

    return render(
        "report.html.j2", q=schedule.quality, companies=company_rows(folder, schedule),
        unplaced=named(schedule.unplaced), changes=named(schedule.changes),
        grids=build_grids(folder, schedule), pdf="pdf" in options.formats,
        csv="csv" in options.formats, **_common(folder, schedule))


def signage_html(folder: MissionFolder, schedule: Schedule) -> str:
    """Table signs: one page per table and session."""
    return render("signage.html.j2", signs=build_signs(folder, schedule),
                  **_common(folder, schedule))


def index_html(folder: MissionFolder, rows: list[tuple[str, str, str, object]],
               warning: str = "") -> str:
    """The index of OUT as a web page: each file, whom it is for, whom to send it to, and
    for a published calendar its webcal, Google Calendar and Outlook links; `warning`
    (private links: not to be published) above them."""
    return render("index.html.j2", mission=folder.mission, rows=rows, warning=warning)


def write_html(folder: MissionFolder, schedule: Schedule, out: Path,
               options: ExportOptions) -> list[Path]:
    """Write report.html, signage.html, agendas/<company>.html and
    agendas/<company>/<delegate>.html under `out`, never through a link leading out of it."""
    check_references(folder, schedule)
    publisher = Publisher(out)
    written = [publisher.write(REPORT, report_html(folder, schedule, options).encode()),
               publisher.write(SIGNAGE, signage_html(folder, schedule).encode())]
    for agenda in all_agendas(folder, schedule, options.links):  # one page at a time
        page = agenda_html(folder, schedule, agenda)
        written.append(publisher.write(agenda.file("html"), page.encode()))
    return written
