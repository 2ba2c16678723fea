"""The impact report and the table sheets as people get them: the HTML in a real headless
Chromium (no console errors, nothing fetched, charts drawn), the PDFs' text as pdftotext
reads it (every figure of the report is there)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.outcomes.report import MAX_ROWS
from scheduler.schedule import percent
from tests.helpers.attendance_kit import copy_seed, fill
from tests.test_browser import (
    CHROMIUM,
    assert_clean,
    assert_fits_a4,
    assert_not_blank,
    browser,  # noqa: F401 - the module's Chromium fixture
    visit,
)

pytestmark = [pytest.mark.external, pytest.mark.skipif(
    not shutil.which("pdftotext") or CHROMIUM is None,
    reason="needs pdftotext (poppler-utils) and Debian's chromium")]


def cli_ok(*args: str) -> str:
    """Run the CLI and insist on success."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The Japan seed: sheets printed (xlsx and PDFs), filled, imported, and its report."""
    folder = copy_seed(tmp_path_factory.mktemp("impact") / "japan")
    cli_ok("attendance", str(folder))
    fill(folder / "attendance.xlsx", folder / "filled.xlsx")
    cli_ok("attendance", str(folder), "--import", str(folder / "filled.xlsx"))
    cli_ok("impact", str(folder), "-o", str(folder / "out"))
    figures = json.loads((folder / "out" / "impact.json").read_text(encoding="utf-8"))
    return folder, figures


def pdf_text(path: Path, layout: bool = True) -> str:
    """A PDF's text, whitespace collapsed (laid out: a table row stays on one line)."""
    flags = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def share(value: float | None) -> str:
    """A share as the report prints it."""
    return "–" if value is None else percent(value)


def shown_figures(figures: dict) -> list[str]:
    """Every figure of impact.json the report shows, as the text it is shown in (of the
    pairs of sectors, the most frequent, and where to find the others)."""
    m = figures["meetings"]
    rows = [f"requested {m['requested']}", f"planned {m['planned']}",
            f"held (as planned or moved) {m['held']}", f"no-shows {m['no_shows']}",
            f"cancelled on the day {m['cancelled']}", f"walk-ins {m['walk_ins']}",
            f"held, walk-ins included {m['held_with_walk_ins']}",
            f"follow-ups agreed {m['follow_ups']}",
            f"follow-up rate (of meetings held, walk-ins included) {share(m['follow_up_rate'])}",
            f"no-show rate (of recorded meetings not cancelled) {share(m['no_show_rate'])}",
            f"not recorded {m['not_recorded']}"]
    rows += [f"{k} {share(v)}" for part in figures["no_show_rate"].values()
             for k, v in part.items()]
    rows += [" ".join(str(r[k]) for k in ("session", "day", "planned", "held", "no_shows",
                                          "cancelled", "not_recorded", "walk_ins",
                                          "held_with_walk_ins"))
             for r in figures["per_session_day"]]
    people = figures["participants"]
    rows.append(f"{people['companies']} companies from {people['countries']} countries, "
                f"{people['delegates']} delegates")
    rows += [f"{k} {v['companies']} {v['delegates']}"
             for part in ("by_side", "by_country") for k, v in people[part].items()]
    rows += [f"{k} {n}" for k, n in figures["meetings_per_company_distribution"]]
    sectors = sorted(figures["sector_pairs"], key=lambda p: (-p["meetings"], p["a"], p["b"]))
    rows += [f"{p['a']} {p['b']} {p['meetings']}"
             for p in figures["country_pairs"] + sectors[:MAX_ROWS]]
    rows.append(f"all {len(sectors)} are in impact.csv")
    w = figures["wishes"]
    rows.append(f"wished for {w['wished']} meetings; {w['met']} of them were held "
                f"({share(w['share'])})")
    rows += [f"{r['wished']} {r['met']} {share(r['share'])}" for r in w["by_company"]]
    return rows


def test_the_pdf_text_holds_every_figure(report):
    folder, figures = report
    text = pdf_text(folder / "out" / "impact.pdf")
    missing = [row for row in shown_figures(figures) if row not in text]
    assert missing == []


def test_the_report_renders_in_chromium_without_console_errors(report, browser):  # noqa: F811
    folder, figures = report
    page = folder / "out" / "impact.html"
    seen = visit(browser, page)
    assert_clean(seen, page)
    assert_not_blank(seen)
    assert_fits_a4(seen)
    assert seen.page.evaluate("document.querySelectorAll('figure svg').length") == 3
    heights = seen.page.evaluate(
        "[...document.querySelectorAll('figure svg')].map(s => s.getBoundingClientRect().height)")
    assert all(h > 100 for h in heights), heights
    missing = [row for row in shown_figures(figures) if row not in seen.text]
    assert missing == []


def test_each_table_gets_a_printable_sheet(report):
    folder, _ = report
    pdfs = sorted((folder / "attendance").glob("*.pdf"))
    assert "table-1.pdf" in [p.name for p in pdfs] and len(pdfs) == 12
    text = pdf_text(folder / "attendance" / "table-1.pdf", layout=False)
    assert "Attendance at Table 1" in text
    assert "Moved" in text  # a column where a host notes where a meeting went
    assert "13:30–13:55 JST" in text and "Cardiòptica Medical S.L." in text
