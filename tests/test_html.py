"""Printable HTML: agendas, the organiser's report with meeting grids, table signs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from scheduler.export import ExportOptions
from scheduler.export.agenda import build_agenda, meeting_row
from scheduler.export.html import is_web, longdate, write_html
from scheduler.export.report import build_grids, company_rows, session_slots
from scheduler.load.loader import load_mission
from scheduler.schedule import Quality, Schedule, read_schedule

FIXTURE = Path(__file__).parent / "fixtures_html"
EVIL = '<script>alert(1)</script> & "Partners"'


class _Text(HTMLParser):
    """Visible text of a page, one string per text node, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def text_of(path: Path) -> str:
    """The visible text of an HTML file, whitespace collapsed."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def mission():
    """The fixture mission and its hand-written schedule."""
    folder, _ = load_mission(FIXTURE)
    return folder, read_schedule(FIXTURE)


@pytest.fixture(scope="module")
def out(mission, tmp_path_factory):
    """The HTML export of the fixture."""
    folder, schedule = mission
    target = tmp_path_factory.mktemp("html")
    write_html(folder, schedule, target, ExportOptions(formats=("html", "pdf", "csv")))
    return target


def test_writes_report_signs_and_one_agenda_per_company_and_delegate(mission, tmp_path):
    folder, schedule = mission
    paths = write_html(folder, schedule, tmp_path, ExportOptions(formats=("html",)))
    names = sorted(p.relative_to(tmp_path).as_posix() for p in paths)
    assert names == sorted([
        "report.html", "signage.html",
        "agendas/biom-immuno.html", "agendas/evil-partners.html", "agendas/genomix-bcn.html",
        "agendas/genomix-bcn/laura-puig.html", "agendas/genomix-bcn/jordi-serra.html",
        "agendas/kansai-bioworks.html", "agendas/shanghai-bio.html",
    ])


def test_agenda_lists_days_items_and_meetings_in_time_order(out):
    text = text_of(out / "agendas/biom-immuno.html")
    order = ["Sunday 9 October 2016", "Arrival in Osaka", "Monday 10 October 2016",
             "09:30–12:30", "Workshop on the Japanese life-science market",
             "Tuesday 11 October 2016", "14:30–14:55", "関西バイオワークス株式会社",
             "15:00–15:25", EVIL, "16:30–16:55", "上海生物科技有限公司",
             "18:30–21:00", "Transfer to Yokohama"]
    positions = [text.find(s) for s in order]
    assert -1 not in positions, [s for s, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "Hosts' dinner" not in text  # the hosts' programme is not the delegation's


def test_meeting_row_says_who_what_and_where(out):
    text = text_of(out / "agendas/biom-immuno.html")
    for expected in ["Meeting: 山田 太郎", "Offers: antibody manufacturing",
                     "Seeks: European pipeline assets", "Why: distribution in Kansai",
                     "Kansai Bioworks booth", "Senri Life Science Center, Osaka",
                     "1-4-2 Shinsenri-Higashimachi, Toyonaka, Osaka", "For us: Jürgen Müller"]:
        assert expected in text


def test_delegate_agenda_holds_only_that_delegates_meetings(out):
    jordi = text_of(out / "agendas/genomix-bcn/jordi-serra.html")
    laura = text_of(out / "agendas/genomix-bcn/laura-puig.html")
    company = text_of(out / "agendas/genomix-bcn.html")
    assert "上海生物科技有限公司" in jordi and "関西バイオワークス株式会社" not in jordi
    assert "関西バイオワークス株式会社" in laura and "上海生物科技有限公司" not in laura
    assert "上海生物科技有限公司" in company and "関西バイオワークス株式会社" in company
    assert jordi.startswith("BIOXCLUSTERS") or "Jordi Serra (Genomix Therapeutics S.L.)" in jordi


def test_virtual_meeting_shows_the_video_link(out):
    html = (out / "agendas/genomix-bcn.html").read_text(encoding="utf-8")
    link = "https://meet.example.com/fixture/evil-partners--genomix-bcn"
    assert f'<a href="{link}">{link}</a>' in html
    assert "Online" in text_of(out / "agendas/genomix-bcn.html")


def test_virtual_meeting_is_shown_in_the_companys_zone_then_the_sessions(mission):
    folder, schedule = mission
    company = folder.companies["genomix-bcn"].model_copy(update={"timezone": "Europe/Madrid"})
    meeting = next(m for m in schedule.meetings if m.session == "video-partnering")
    row = meeting_row(folder, meeting, company)
    assert (row.day.isoformat(), row.when) == ("2016-10-12", "03:00–03:30 CEST")
    assert row.also == ("10:00–10:30 JST in Tokyo",)


def test_only_web_links_are_clickable():
    assert is_web("https://meet.example.com/x")
    assert not is_web("javascript:alert(1)")
    assert not is_web("data:text/html,<script>")


def test_hostile_names_are_escaped_in_every_page(out):
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 9
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower(), page
        assert "<img" not in html.lower() and "<b>Ola" not in html, page
    for name in ["report.html", "signage.html", "agendas/biom-immuno.html",
                 "agendas/evil-partners.html"]:
        assert str(escape(EVIL)) in (out / name).read_text(encoding="utf-8"), name
        assert EVIL in text_of(out / name), name


def test_pages_fetch_nothing_from_anywhere(out):
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<link|<script|<iframe|<img|@import|url\(|\ssrc="', html, re.I), page
        external = set(re.findall(r'href="(https?://[^"]*)"', html))
        assert external <= {"https://meet.example.com/fixture/evil-partners--genomix-bcn"}
        assert "default-src 'none'" in html


def test_report_has_quality_companies_unplaced_and_changes(out):
    text = text_of(out / "report.html")
    for expected in ["6 / 7 meetings placed of requested", "(86%)", "17 / 19",
                     "4 idle slots (2 holes)", "optimal",
                     "関西バイオワークス株式会社 and 上海生物科技有限公司 normal 1 "
                     "no common free slot",
                     "moved BioM Immuno GmbH and " + EVIL + " 2016-10-11 14:00 Table 1 "
                     "2016-10-11 15:00 Table 1 BioM Immuno GmbH arrives later",
                     "dropped 関西バイオワークス株式会社 and 上海生物科技有限公司"]:
        assert expected in text, expected


def test_report_company_rows_count_requested_placed_and_idle(mission):
    folder, schedule = mission
    rows = {r.id: r for r in company_rows(folder, schedule)}
    assert [r.id for r in company_rows(folder, schedule)][:2] == ["biom-immuno", "genomix-bcn"]
    assert (rows["biom-immuno"].requested, rows["biom-immuno"].placed) == (3, 3)
    assert rows["biom-immuno"].idle_slots == 1  # 15:00 and 16:30 around the empty 16:00
    assert (rows["shanghai-bio"].requested, rows["shanghai-bio"].placed,
            rows["shanghai-bio"].unplaced, rows["shanghai-bio"].idle_slots) == (3, 2, 1, 3)
    assert sum(r.idle_slots for r in rows.values()) == schedule.quality.idle_slots


def test_grid_puts_company_names_at_table_and_slot(mission):
    folder, schedule = mission
    osaka, online = build_grids(folder, schedule)
    assert osaka.slots == ["14:00", "14:30", "15:00", "16:00", "16:30"]
    assert osaka.tables == ["Table 1", "Table 2", "Table 3", "Kansai Bioworks booth"]
    [cell] = osaka.at("Table 2", "14:00")
    assert cell.names == ("Genomix Therapeutics S.L.", "上海生物科技有限公司")
    assert osaka.at("Table 3", "14:00") == []
    assert [c.names[0] for c in osaka.at("Kansai Bioworks booth", "14:30")] == ["BioM Immuno GmbH"]
    assert online.tables == ["Video 1"] and online.slots == ["10:00", "10:30"]


def test_report_grid_is_rendered_as_a_table(out):
    html = (out / "report.html").read_text(encoding="utf-8")
    grid = html[html.index("Osaka partnering · Tuesday 11 October 2016"):]
    row = grid[grid.index('<th class="table-col">Table 2</th>'):]
    row = row[:row.index("</tr>")]
    assert "Genomix Therapeutics S.L." in row and "上海生物科技有限公司" in row


def test_signs_one_page_per_table_with_its_meetings(out):
    html = (out / "signage.html").read_text(encoding="utf-8")
    sections = html.split('<section class="sign">')[1:]
    titles = [re.search(r"<h1>(.*?)</h1>", s).group(1) for s in sections]
    assert titles == ["Table 1", "Table 2", "Kansai Bioworks booth"]
    table1 = sections[0]
    assert table1.index("15:00–15:25") < table1.index("16:30–16:55")
    assert "Jürgen Müller" in table1 and "王 芳" in table1


def test_same_input_gives_identical_files(mission, tmp_path):
    folder, schedule = mission
    a = write_html(folder, schedule, tmp_path / "a", ExportOptions())
    b = write_html(folder, schedule, tmp_path / "b", ExportOptions())
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_empty_schedule_still_gives_pages(mission, tmp_path):
    folder, schedule = mission
    empty = Schedule(mission=schedule.mission, generated=schedule.generated,
                     quality=Quality(requested=0, placed=0, bound=0, placed_of_bound=0,
                                     idle_slots=0, holes=0, fairness=0, status="empty"))
    write_html(folder, empty, tmp_path, ExportOptions())
    assert "Every request is placed." in text_of(tmp_path / "report.html")
    assert "No meetings at tables yet." in text_of(tmp_path / "signage.html")
    assert "Arrival in Osaka" in text_of(tmp_path / "agendas/biom-immuno.html")
    agenda = build_agenda(folder, empty, folder.companies["kansai-bioworks"])
    assert [r.title for d in agenda.days for r in d.rows] == [
        "Hosts' dinner"]


def test_slots_and_dates_are_what_a_reader_expects(mission):
    folder, _ = mission
    day = folder.session("osaka-partnering").days[0]
    assert session_slots(folder.session("osaka-partnering"), day) == [
        "14:00", "14:30", "15:00", "16:00", "16:30"]
    assert longdate(day) == "Tuesday 11 October 2016"


def test_fixture_schedule_is_one_the_checker_accepts(mission):
    from scheduler.check.quality import quality_differences
    from scheduler.check.rules import check_schedule

    folder, schedule = mission
    assert check_schedule(folder, schedule) == []
    assert quality_differences(folder, schedule) == []


def test_report_links_every_agenda_that_exists(out):
    html = (out / "report.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="(agendas/[^"]+)"', html))
    files = {p.relative_to(out).as_posix() for p in (out / "agendas").rglob("*.html")}
    assert {x for x in links if x.endswith(".html")} == files
    assert "agendas/genomix-bcn/jordi-serra.pdf" in links  # pdf was among the formats


def test_cjk_names_carry_their_language_for_the_right_glyphs(out):
    html = (out / "agendas/biom-immuno.html").read_text(encoding="utf-8")
    assert '<span class="partner" lang="ja">関西バイオワークス株式会社</span>' in html
    assert '<span class="partner" lang="zh-Hans">上海生物科技有限公司</span>' in html
    assert '<span class="partner">&lt;script&gt;' in html


def test_pages_are_readable_by_others_like_any_document(out):
    for page in out.rglob("*.html"):
        assert page.stat().st_mode & 0o777 == 0o644, page


def test_stale_schedule_is_a_clear_export_error(mission, tmp_path):
    from scheduler.errors import ExportError
    from scheduler.export.csv import write_csv
    from scheduler.export.pdf import write_pdf

    folder, schedule = mission
    moved = schedule.meetings[0].model_copy(update={"session": "kyoto-partnering"})
    stale = schedule.model_copy(update={"meetings": [moved, *schedule.meetings[1:]]})
    for writer in (write_html, write_csv, write_pdf):
        with pytest.raises(ExportError, match="'kyoto-partnering'.*mission schedule"):
            writer(folder, stale, tmp_path, ExportOptions())
    assert not any(tmp_path.iterdir())


def test_export_command_writes_the_printable_files(tmp_path):
    from click.testing import CliRunner

    from cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(FIXTURE), "-o", str(out),
                                      "--format", "html,csv", "--csv-separator", ";"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file() and (out / "agendas/biom-immuno.html").is_file()
    assert (out / "meetings.csv").read_bytes().decode("utf-8-sig").startswith("date;start;")
    assert not list(out.rglob("*.ics"))


def test_report_grid_names_the_video_rooms_of_a_virtual_session(tmp_path):
    from helpers.solver_kit import DAY, company, folder, mission, solve

    from scheduler.export.ics.text import meeting_location

    session = {"id": "v1", "title": "Video calls", "virtual": True, "timezone": "Asia/Tokyo",
               "video_link": "https://meet.example/{meeting}", "date": DAY,
               "windows": ["09:00-10:00"], "meeting_minutes": 20, "changeover_minutes": 0,
               "tables": ["Zoom A", "Zoom B", "Zoom C"]}
    f = folder(mission(partnering=[session]),
               [company("d1", wants=["h1", "h2"]), *(company(h, "host") for h in ("h1", "h2"))])
    schedule = solve(f)
    [grid] = build_grids(f, schedule)
    assert grid.tables == ["Zoom A", "Zoom B", "Zoom C"]  # every room, used or not
    assert sum(len(grid.at(room, slot)) for room in grid.tables for slot in grid.slots) == 2
    write_html(f, schedule, tmp_path, ExportOptions(formats=("html",)))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<th class="table-col">Video room</th>' in html
    assert '<th class="table-col">Zoom C</th>' in html
    assert "<h1>" not in (tmp_path / "signage.html").read_text(encoding="utf-8")  # no signs
    first = schedule.meetings[0]
    assert meeting_location(f, first) == f"{first.table} · https://meet.example/{first.id}"
    agenda = text_of(tmp_path / "agendas/d1.html")
    assert f"{first.table} Online https://meet.example/{first.id}" in agenda
