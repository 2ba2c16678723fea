"""`mission catalogue`: the partnering catalogue people choose partners from, as HTML and an
A4 PDF (the agendas' stylesheet and WeasyPrint pipeline): a cover, one card per company
grouped by side, and indexes by sector and by country."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from scheduler.atomic import write_atomic
from scheduler.errors import MissionError
from scheduler.export.html import environment
from scheduler.export.pdf import pdf_bytes
from scheduler.input.model import Company, MissionFolder

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("html", "pdf")
SIDES = {"delegation": "Delegation", "host": "Hosts", "investor": "Investors",
         "agency": "Agencies", "government": "Government", "academic": "Academia"}


@dataclass(frozen=True)
class Card:
    """One company as the catalogue shows it."""

    company: Company
    anchor: str
    country: str  # the country's name


@dataclass(frozen=True)
class Entry:
    """One line of an index: a heading and the cards under it."""

    heading: str
    cards: list[Card]


def country_name(code: str) -> str:
    """A country's English short name ('KR' -> 'Korea, Republic of'); the code if unknown."""
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


def cards_by_side(folder: MissionFolder) -> list[Entry]:
    """The companies' cards grouped by side (delegation first), by name within a side."""
    names = {code: country_name(code) for code in {c.country for c in folder.companies.values()}}
    groups: dict[str, list[Card]] = defaultdict(list)
    for company in sorted(folder.companies.values(), key=lambda c: (c.name.casefold(), c.id)):
        groups[company.side].append(Card(company, f"c-{company.id}", names[company.country]))
    return [Entry(title, groups[side]) for side, title in SIDES.items() if groups[side]]


def sector_index(groups: list[Entry]) -> list[Entry]:
    """Sectors A to Z (case folded together), each with its companies' cards."""
    sectors: dict[str, list[Card]] = defaultdict(list)
    shown: dict[str, str] = {}
    for card in (card for group in groups for card in group.cards):
        for sector in dict.fromkeys(s.casefold() for s in card.company.profile.sectors):
            sectors[sector].append(card)
        for sector in card.company.profile.sectors:
            shown[sector.casefold()] = min(shown.get(sector.casefold(), sector), sector)
    return [Entry(shown[key], _by_name(cards)) for key, cards in sorted(sectors.items())]


def country_index(groups: list[Entry]) -> list[Entry]:
    """Countries A to Z by name, each with its companies' cards."""
    countries: dict[str, list[Card]] = defaultdict(list)
    for card in (card for group in groups for card in group.cards):
        countries[card.country].append(card)
    return [Entry(name, _by_name(cards)) for name, cards in sorted(countries.items())]


def _by_name(cards: list[Card]) -> list[Card]:
    """Cards in name order."""
    return sorted(cards, key=lambda c: (c.company.name.casefold(), c.company.id))


@cache
def _environment() -> jinja2.Environment:
    """The export's template environment (filters, autoescape, the shared stylesheet), with
    the catalogue's own templates found first."""
    return environment().overlay(loader=jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(TEMPLATES), environment().loader]))  # type: ignore[list-item]


def catalogue_html(folder: MissionFolder) -> str:
    """The catalogue as one self-contained HTML page; the same mission gives the same bytes
    (its date is the mission's `updated`, else its start, never the clock)."""
    mission = folder.mission
    stamp = mission.updated or dt.datetime.combine(mission.start, dt.time())
    groups = cards_by_side(folder)
    return _environment().get_template("catalogue.html.j2").render(
        mission=mission, generated=stamp.isoformat(), generated_text=f"{stamp:%Y-%m-%d}",
        groups=groups, sectors=sector_index(groups), countries=country_index(groups),
        count=len(folder.companies))


def parse_formats(value: str) -> tuple[str, ...]:
    """--format of the catalogue: a comma list of html and pdf."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise MissionError(f"unknown format '{','.join(unknown)}'; use html, pdf or html,pdf")
    return formats


def write_catalogue(folder: MissionFolder, out: Path, formats: tuple[str, ...],
                    say: Callable[[str], object] = lambda _: None) -> list[Path]:
    """Write OUT/catalogue.html and/or OUT/catalogue.pdf; the paths written. `say` hears
    of the slow step (about 3 s of CPU per 100 companies for the PDF)."""
    page = catalogue_html(folder)
    written = []
    if "html" in formats:
        written.append(out / "catalogue.html")
        write_atomic(written[-1], page)
    if "pdf" in formats:
        say(f"rendering the PDF of {len(folder.companies)} companies ...")
        written.append(out / "catalogue.pdf")
        write_atomic(written[-1], pdf_bytes(page))
    return written


def catalogue_folder(folder: Path, out: Path, formats: tuple[str, ...],
                     say: Callable[[str], object] = lambda _: None) -> list[Path]:
    """Load a mission folder (InputError with every problem if it does not validate) and
    write its catalogue."""
    from scheduler.load.loader import load_mission

    return write_catalogue(load_mission(folder)[0], out, formats, say)
