"""PDF agendas and table signs: text in order, CJK fonts embedded, escaped names, repeatable."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scheduler.export import ExportOptions
from scheduler.export.agenda import build_agenda
from scheduler.export.html import agenda_html
from scheduler.export.pdf import _offline_fetcher, html_to_pdf, write_pdf
from scheduler.load.loader import load_mission
from scheduler.schedule import read_schedule

FIXTURE = Path(__file__).parent / "fixtures_html"
EVIL = '<script>alert(1)</script> & "Partners"'

pytestmark = [pytest.mark.external, pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext missing: apt-get install poppler-utils")]


def pdf_text(path: Path, *flags: str) -> str:
    """The text of a PDF as pdftotext reads it, whitespace collapsed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *flags, str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def pdf_info(path: Path) -> dict[str, str]:
    """pdfinfo's fields (ISO dates)."""
    out = subprocess.run(["pdfinfo", "-isodates", str(path)], check=True,
                         capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in
                                                  out.splitlines())}


@pytest.fixture(scope="module")
def mission():
    """The fixture mission and its hand-written schedule."""
    folder, _ = load_mission(FIXTURE)
    return folder, read_schedule(FIXTURE)


@pytest.fixture(scope="module")
def out(mission, tmp_path_factory):
    """The PDF export of the fixture."""
    folder, schedule = mission
    target = tmp_path_factory.mktemp("pdf")
    write_pdf(folder, schedule, target, ExportOptions(formats=("pdf",)))
    return target


def test_writes_an_agenda_per_company_and_delegate_and_the_signs(out):
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert names == sorted([
        "signage.pdf", "agendas/biom-immuno.pdf", "agendas/evil-partners.pdf",
        "agendas/genomix-bcn.pdf", "agendas/genomix-bcn/laura-puig.pdf",
        "agendas/genomix-bcn/jordi-serra.pdf", "agendas/kansai-bioworks.pdf",
        "agendas/shanghai-bio.pdf"])


def test_agenda_text_holds_the_meetings_in_order(out):
    text = pdf_text(out / "agendas/biom-immuno.pdf")
    order = ["BioM Immuno GmbH", "Arrival in Osaka", "09:30–12:30",
             "14:30–14:55", "関西バイオワークス株式会社", "Kansai Bioworks booth",
             "15:00–15:25", "<script>alert(1)</script> &", "Table 1",
             "16:30–16:55", "上海生物科技有限公司", "18:30–21:00", "Transfer to Yokohama"]
    positions = [text.find(s) for s in order]
    assert -1 not in positions, [s for s, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_hostile_name_is_printed_as_text(out):
    text = pdf_text(out / "agendas/genomix-bcn.pdf")
    assert '<script>alert(1)</script> & "Partners"' in text
    raw = "".join(pdf_text(out / "agendas/genomix-bcn.pdf", "-raw").split())  # wrapped link
    assert "https://meet.example.com/fixture/evil-partners--genomix-bcn" in raw


def test_japanese_and_chinese_names_use_embedded_cjk_fonts(out):
    path = out / "agendas/shanghai-bio.pdf"
    assert "上海生物科技有限公司" in pdf_text(path) and "王 芳" in pdf_text(path)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "CJK" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # all embedded


def test_a4_pages_and_dates_from_the_schedule_not_the_clock(out, mission):
    _, schedule = mission
    info = pdf_info(out / "agendas/biom-immuno.pdf")
    assert info["Page size"].startswith("595.276 x 841.89")
    assert schedule.generated.isoformat() == "2016-10-01T09:00:00+09:00"
    assert info["CreationDate"].startswith("2016-10-01T09:00:00+09")
    assert info["ModDate"] == info["CreationDate"]
    assert info["Title"].startswith("Agenda: BioM Immuno GmbH")


def test_one_sign_page_per_table(out):
    info = pdf_info(out / "signage.pdf")
    assert info["Pages"] == "3"
    text = pdf_text(out / "signage.pdf")
    assert text.index("Table 1") < text.index("Table 2") < text.index("Kansai Bioworks booth")


def test_same_agenda_gives_identical_bytes(mission, out, tmp_path):
    folder, schedule = mission
    agenda = build_agenda(folder, schedule, folder.companies["biom-immuno"])
    again = html_to_pdf(agenda_html(folder, schedule, agenda), tmp_path / "again.pdf")
    assert again.read_bytes() == (out / "agendas/biom-immuno.pdf").read_bytes()


def test_nothing_is_fetched_while_rendering(tmp_path):
    with pytest.raises(ValueError, match="offline"):
        _offline_fetcher().fetch("https://fonts.example.com/font.woff2")
    page = '<p>before</p><img src="https://example.com/x.png" alt="remote"><p>after</p>'
    text = pdf_text(html_to_pdf(page, tmp_path / "remote.pdf"))
    assert "before" in text and "after" in text


def test_parallel_workers_give_the_same_files(mission, out, tmp_path, monkeypatch):
    import scheduler.export.pdf as pdf

    monkeypatch.setattr(pdf, "PER_WORKER", 1)
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 2)
    monkeypatch.delattr(pdf.os, "sched_getaffinity", raising=False)
    assert pdf.workers(8) == 2
    folder, schedule = mission
    written = write_pdf(folder, schedule, tmp_path, ExportOptions(formats=("pdf",)))
    assert len(written) == 8
    for path in written:
        assert path.read_bytes() == (out / path.relative_to(tmp_path)).read_bytes(), path


def test_chinese_names_use_chinese_glyphs_and_japanese_names_japanese(out):
    fonts = subprocess.run(["pdffonts", str(out / "agendas/biom-immuno.pdf")], check=True,
                           capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts and "Noto-Sans-CJK-JP" in fonts


def test_one_process_reuses_its_fonts_and_stylesheet_and_renders_the_same_bytes(mission):
    import weasyprint

    import scheduler.export.pdf as pdf

    folder, schedule = mission
    page = agenda_html(folder, schedule, build_agenda(folder, schedule,
                                                      folder.companies["biom-immuno"]))
    alone = weasyprint.HTML(string=page, url_fetcher=_offline_fetcher()).write_pdf()
    assert pdf.pdf_bytes(page) == alone
    first = pdf._renderer()
    assert pdf.pdf_bytes(page) == alone
    assert pdf._renderer() is first
