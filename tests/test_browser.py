"""The organiser's report and agendas in a real headless Chromium (Debian's `chromium`).

Pages load with no console errors and no network requests, show the expected companies
and times, run no script (a company named like an XSS payload stays text), fit the width
of an A4 page in print, and a screenshot is not blank.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scheduler.export import ExportOptions
from scheduler.export.agenda import build_agenda, local
from scheduler.export.html import write_html
from scheduler.export.report import company_rows
from scheduler.load.loader import load_mission
from scheduler.meaning import session_zone
from scheduler.schedule import SCHEDULE_FILE, Schedule, read_schedule

FIXTURE = Path(__file__).parent / "fixtures_html"
SEEDS = Path(__file__).parent.parent / "seeds"
EVIL = '<script>alert(1)</script> & "Partners"'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch

pytestmark = [pytest.mark.external, pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")]


@dataclass
class Visit:
    """A loaded page and everything it did while loading."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The page's visible text, whitespace collapsed."""
        return " ".join(self.page.inner_text("body").split())


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium with a fresh profile for the whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=FLAGS, viewport={"width": 1200, "height": 900})
        yield context
        context.close()


def visit(browser, path: Path) -> Visit:
    """Open a local file and record console errors, script errors, dialogs and requests."""
    page = browser.new_page()
    seen = Visit(page)
    page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: seen.requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return seen


def in_order(text: str, items: list[str]) -> bool:
    """Whether every item occurs in text, each after the previous one."""
    cursor = 0
    for item in items:
        found = text.find(item, cursor)
        if found < 0:
            return False
        cursor = found + 1
    return True


def assert_clean(seen: Visit, path: Path) -> None:
    """No console errors, no script ran, nothing fetched but the page itself."""
    assert seen.console_errors == [] and seen.page_errors == [], path
    assert seen.dialogs == [], f"a script ran in {path}"
    assert seen.requests == [path.resolve().as_uri()], seen.requests
    assert seen.page.evaluate("document.querySelectorAll('script, img, iframe').length") == 0


def assert_not_blank(seen: Visit) -> None:
    """A screenshot has a fair share of ink, in more than one shade."""
    from PIL import Image

    image = Image.open(io.BytesIO(seen.page.screenshot(full_page=True))).convert("L")
    dark = sum(count for shade, count in enumerate(image.histogram()) if shade < 160)
    assert dark / (image.width * image.height) > 0.01
    assert sum(1 for count in image.histogram() if count) > 8


def assert_fits_a4(seen: Visit) -> None:
    """In print, at A4 width, nothing runs off the side of the page."""
    seen.page.emulate_media(media="print")
    seen.page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    overflow = seen.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


@pytest.fixture(scope="module")
def fixture_out(tmp_path_factory):
    """The HTML export of the fixture mission."""
    folder, _ = load_mission(FIXTURE)
    out = tmp_path_factory.mktemp("html")
    write_html(folder, read_schedule(FIXTURE), out, ExportOptions(formats=("html", "csv")))
    return out


def test_report_loads_clean_and_shows_companies_and_grid(browser, fixture_out):
    path = fixture_out / "report.html"
    seen = visit(browser, path)
    assert_clean(seen, path)
    text = seen.text
    for name in ["BioM Immuno GmbH", "Genomix Therapeutics S.L.", "関西バイオワークス株式会社",
                 "上海生物科技有限公司", EVIL, "14:00", "16:30", "Table 2", "What changed"]:
        assert name in text, name
    cell = seen.page.locator("table.grid tr", has_text="Table 2").locator("td.busy")
    assert "上海生物科技有限公司" in cell.first.inner_text()
    assert_not_blank(seen)


def test_agenda_loads_clean_shows_meetings_and_fits_a4(browser, fixture_out):
    path = fixture_out / "agendas" / "biom-immuno.html"
    seen = visit(browser, path)
    assert_clean(seen, path)
    text = seen.text
    order = ["14:30–14:55", "関西バイオワークス株式会社", "15:00–15:25", EVIL,
             "16:30–16:55", "上海生物科技有限公司"]
    positions = [text.find(s) for s in order]
    assert -1 not in positions and positions == sorted(positions)
    assert_not_blank(seen)
    assert_fits_a4(seen)


def test_report_links_open_each_delegates_own_agenda(browser, fixture_out):
    """Clicking a delegate's link in the report opens that person's agenda, in its
    company's folder."""
    seen = visit(browser, fixture_out / "report.html")
    with seen.page.expect_navigation():
        seen.page.locator("span", has_text="Jordi Serra").get_by_role("link", name="HTML").click()
    assert seen.page.url == (fixture_out / "agendas/genomix-bcn/jordi-serra.html").as_uri()
    text = " ".join(seen.page.inner_text("body").split())
    assert "Jordi Serra" in text and "上海生物科技有限公司" in text
    assert "関西バイオワークス株式会社" not in text  # Laura's meeting, not his
    seen.page.close()


def test_hostile_name_is_text_in_every_page(browser, fixture_out):
    for path in sorted(fixture_out.rglob("*.html")):
        seen = visit(browser, path)
        assert_clean(seen, path)
        if "evil-partners" in path.name or path.name in ("report.html", "signage.html"):
            assert EVIL in seen.text, path
        seen.page.close()


def _seed_schedule(seed: Path, tmp_path: Path):
    """A seed mission and a schedule: its schedule.json, or a quick solve in tmp_path."""
    folder, _ = load_mission(seed)
    if (seed / SCHEDULE_FILE).is_file():
        return folder, read_schedule(seed)
    from scheduler.plan.planning import SolveOptions, make_schedule

    try:
        return folder, make_schedule(folder, SolveOptions(time_limit=1.0, workers=1))
    except NotImplementedError:
        pytest.skip("the solver is not built yet")


def _busiest(folder, schedule: Schedule):
    """The company with the most meetings (ties: first id)."""
    counts = {cid: sum(cid in m.companies for m in schedule.meetings) for cid in folder.companies}
    return folder.companies[max(sorted(counts), key=lambda c: counts[c])]


SEED_DIRS = sorted(p.parent for p in SEEDS.glob("*/mission.yaml"))


@pytest.mark.parametrize("seed", SEED_DIRS, ids=[p.name for p in SEED_DIRS])
def test_every_seed_report_and_agenda_in_chromium(browser, seed, tmp_path):
    folder, schedule = _seed_schedule(seed, tmp_path)
    write_html(folder, schedule, tmp_path, ExportOptions(formats=("html",)))
    report = visit(browser, tmp_path / "report.html")
    assert_clean(report, tmp_path / "report.html")
    assert all(c.name in report.text for c in folder.companies.values())
    rows = company_rows(folder, schedule)
    assert sum(r.idle_slots for r in rows) == schedule.quality.idle_slots  # same definition
    assert sum(r.placed for r in rows) == 2 * len(schedule.meetings)
    assert_not_blank(report)
    company = _busiest(folder, schedule)
    path = tmp_path / "agendas" / f"{company.id}.html"
    agenda = visit(browser, path)
    assert_clean(agenda, path)
    assert_not_blank(agenda)
    rows = build_agenda(folder, schedule, company).meetings
    assert rows, f"{company.id} has no meetings in {seed.name}"
    text = agenda.text
    assert in_order(text, [part for r in rows for part in (f"{r.start}–{r.end}", r.partner.name)])
    for meeting in (m for m in schedule.meetings if company.id in m.companies):
        zone = session_zone(folder, folder.session(meeting.session)).key
        assert f"{local(meeting.start, zone):%H:%M}" in text
    assert_fits_a4(agenda)
