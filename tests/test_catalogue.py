"""`mission catalogue`: one card per company grouped by side, indexes by sector and country;
HTML checked as text here, in a real Chromium and as PDF text below (marked external)."""

from __future__ import annotations

import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from scheduler.intake.catalogue import catalogue_html, write_catalogue
from scheduler.load.loader import load_mission

FIXTURE = Path(__file__).parent / "fixtures_html"
SEEDS = sorted(p.parent for p in (Path(__file__).parent.parent / "seeds").glob("*/mission.yaml"))
EVIL = '<script>alert(1)</script> & "Partners"'
LONG = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4 + " Therapeutics"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Text(HTMLParser):
    """The text of an HTML page, whitespace collapsed (what a reader sees, entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


def long_named(tmp_path: Path) -> Path:
    """The HTML fixture mission plus a company with a very long name and web address."""
    folder = tmp_path / "long"
    shutil.copytree(FIXTURE, folder)
    (folder / "companies" / "long-name.yaml").write_text(
        f"id: long-name\nname: {LONG}\nside: academic\ncountry: CH\ncity: Zürich\n"
        f"website: https://www.{'very-' * 30}long.example.com/\n"
        "delegates:\n  - {name: Zoë Müller-Lüdenscheidt, email: zoe@example.com}\n"
        "profile:\n  sectors: [Diagnostics, medtech]\n", "utf-8")
    return folder


def test_cards_grouped_by_side_with_indexes_and_hostile_names_as_text():
    folder, _ = load_mission(FIXTURE)
    html = catalogue_html(folder)
    text = Text.of(html)
    assert "<script>alert" not in html  # escaped, never markup
    headings = [html.find(f"<h2>{h}</h2>") for h in
                ["Delegation", "Hosts", "Investors", "Index by sector", "Index by country"]]
    assert -1 not in headings and headings == sorted(headings)
    delegation, hosts, investors = headings[:3]
    assert delegation < html.index("BioM Immuno GmbH") < hosts
    assert hosts < html.index("関西バイオワークス株式会社") < investors
    assert investors < html.index("&lt;script&gt;alert(1)&lt;/script&gt;")
    by_country = text[text.index("Index by country"):]
    assert "Japan 関西バイオワークス株式会社" in by_country and f"Norway {EVIL}" in by_country
    assert 'lang="ja"' in html and 'lang="zh-Hans"' in html  # the region's glyphs


def test_sectors_of_different_case_share_one_index_line(tmp_path: Path):
    folder, _ = load_mission(long_named(tmp_path))
    text = Text.of(catalogue_html(folder))
    index = text[text.index("Index by sector"):text.index("Index by country")]
    assert index.count("Diagnostics") + index.count("diagnostics") == 1


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_every_seed_has_a_catalogue_naming_every_company(seed: Path, tmp_path: Path):
    result = CliRunner().invoke(cli, ["catalogue", str(seed), "-o", str(tmp_path),
                                      "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {tmp_path / 'catalogue.html'}\n"
    html = (tmp_path / "catalogue.html").read_text("utf-8")
    text = Text.of(html)
    folder, _ = load_mission(seed)
    for company in folder.companies.values():
        assert " ".join(company.name.split()) in text, company.id
    for company in folder.withdrawn.values():
        assert f'id="c-{company.id}"' not in html  # out of the mission, out of the catalogue
    assert catalogue_html(folder) == html  # the same input gives the same bytes


def test_a_bad_format_is_a_usage_error_and_a_bad_folder_lists_its_problems(tmp_path: Path):
    result = CliRunner().invoke(cli, ["catalogue", str(FIXTURE), "--format", "docx"])
    assert result.exit_code == 2 and "unknown format 'docx'" in result.output
    result = CliRunner().invoke(cli, ["catalogue", str(tmp_path)])
    assert result.exit_code == 1 and "no mission.yaml here" in result.output


def pdf_text(path: Path) -> str:
    """The text pdftotext reads from a PDF, whitespace collapsed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                   reason="poppler-utils missing: apt-get install poppler-utils")


@pytest.mark.external
@needs_poppler
def test_pdf_holds_every_name_with_fonts_embedded(tmp_path: Path):
    folder, _ = load_mission(long_named(tmp_path))
    (pdf,) = write_catalogue(folder, tmp_path / "out", ("pdf",))
    text = pdf_text(pdf)
    for company in folder.companies.values():
        assert company.name.replace(" ", "") in text.replace(" ", ""), company.id
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert any("CJK" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column


@pytest.mark.external
@pytest.mark.slow
@needs_poppler
def test_a_370_company_catalogue_pdf_within_30_seconds(tmp_path: Path):
    from scheduler.tooling.generate import generate

    generate("brokerage", 1, tmp_path / "m")
    folder, _ = load_mission(tmp_path / "m")
    assert len(folder.companies) == 370
    started = time.process_time()  # CPU time: the machine may be shared
    (pdf,) = write_catalogue(folder, tmp_path / "out", ("pdf",))
    seconds = time.process_time() - started
    text = pdf_text(pdf).replace(" ", "")
    missing = [c.id for c in folder.companies.values() if c.name.replace(" ", "") not in text]
    assert missing == []
    assert seconds <= 30, f"{seconds:.1f} s"


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_chromium_shows_it_clean_and_long_names_fit_a4(tmp_path: Path):
    from playwright.sync_api import sync_playwright
    from test_browser import FLAGS, assert_clean, assert_fits_a4, assert_not_blank, visit

    folder, _ = load_mission(long_named(tmp_path))
    (page,) = write_catalogue(folder, tmp_path / "out", ("html",))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            seen = visit(browser, page)
            assert_clean(seen, page)
            assert LONG in seen.text and EVIL in seen.text
            assert_not_blank(seen)
            assert_fits_a4(seen)
            card = seen.page.locator("#c-long-name")
            widths = card.evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert widths[0] <= widths[1]  # the long name wraps inside its card
            with seen.page.expect_navigation():
                seen.page.locator("#by-country a", has_text="Genomix").click()
            assert seen.page.url.endswith("#c-genomix-bcn")
        finally:
            browser.close()
