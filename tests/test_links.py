"""Subscription links: `--base-url` and `--private-links` of `mission export` and `plan`.

A calendar published at a base URL names its own address (RFC 7986), the index lists how
to subscribe to each one, and every agenda carries a QR code of its reader's calendar.
Private links put each calendar and its agenda under a folder named by an HMAC of a secret.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner
from helpers.ics_support import (
    MISSION,
    SCHEDULE_V2,
    consume_ical,
    consume_icalendar,
    consume_vobject,
    ics_files,
    raw,
)

from cli import cli
from scheduler.export.ics.check import check_calendar
from scheduler.export.links import qr_svg

BASE = "https://calendars.example.org/osaka-2026"
SECRET = "correct horse battery staple"


def run(*args: str, secret: str | None = None):
    """Run the CLI in-process, with the link secret in the environment (or unset)."""
    env = {"MISSION_LINK_SECRET": secret}
    return CliRunner().invoke(cli, list(args), env=env)


def export(out: Path, *extra: str, secret: str | None = SECRET, folder: Path = MISSION):
    """Export the fixture mission into OUT with these options; the result must succeed."""
    result = run("export", str(folder), "-o", str(out), *extra, secret=secret)
    assert result.exit_code == 0, result.output
    return result


def relative(out: Path) -> list[str]:
    """Every calendar file of OUT, relative to it."""
    return [p.relative_to(out).as_posix() for p in ics_files(out)]


class Links(HTMLParser):
    """The targets of every link of an HTML page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if tag == "a" and k == "href" and v]


def hrefs(path: Path) -> list[str]:
    """The link targets of an HTML file."""
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.hrefs


def test_published_calendars_name_their_address_and_strict_parsers_accept_them(tmp_path):
    out = tmp_path / "out"
    export(out, "--base-url", BASE + "/")
    names = relative(out)
    assert len(names) == 15
    for name in names:
        text = raw(out / name)
        head = text.replace("\r\n ", "").split("BEGIN:VTIMEZONE", 1)[0]
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in head
        assert "X-PUBLISHED-TTL:PT4H\r\n" in head
        assert f"SOURCE;VALUE=URI:{BASE}/{name}\r\n" in head
        assert f"URL;VALUE=URI:{BASE}/{name}\r\n" in head
        assert check_calendar(text) == []
        assert consume_icalendar(text) == consume_ical(text) == consume_vobject(text)


def test_without_a_base_url_calendars_and_index_stay_as_they_were(tmp_path):
    export(tmp_path / "plain")
    export(tmp_path / "linked", "--base-url", BASE)
    for name in relative(tmp_path / "plain"):
        plain, linked = raw(tmp_path / "plain" / name), raw(tmp_path / "linked" / name)
        assert "REFRESH-INTERVAL" not in plain and "SOURCE" not in plain
        head, body = re.split(r"(?=BEGIN:V(?:TIMEZONE|EVENT))", linked, maxsplit=1)
        head = re.sub(r"(REFRESH-INTERVAL|X-PUBLISHED-TTL|SOURCE|URL)[;:][^\r]*\r\n", "",
                      head.replace("\r\n ", ""))
        assert plain.replace("\r\n ", "") == head + body.replace("\r\n ", "")
    assert not (tmp_path / "plain" / "index.html").exists()
    assert "Subscribe" not in (tmp_path / "plain" / "README.md").read_text(encoding="utf-8")


def test_index_page_lists_webcal_google_and_outlook_links_to_each_calendar(tmp_path):
    out = tmp_path / "out"
    export(out, "--base-url", BASE)
    links = hrefs(out / "index.html")
    for name in relative(out):
        url = f"{BASE}/{name}"
        webcal = "webcal://" + url.removeprefix("https://")
        assert webcal in links, name
        google = [h for h in links if h.startswith("https://calendar.google.com/")
                  and parse_qs(urlsplit(h).query)["cid"] == [webcal]]
        outlook = [h for h in links if urlsplit(h).netloc in ("outlook.live.com",
                                                                "outlook.office.com")
                   and parse_qs(urlsplit(h).query)["url"] == [url]]
        assert len(google) == 1 and len(outlook) == 2, name
        assert (out / unquote(name)).is_file()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "[webcal](<webcal://calendars.example.org/osaka-2026/people/genomix-bcn/" \
           "laura-puig.ics>)" in readme
    assert readme.count("[Google](<https://calendar.google.com/calendar/r?cid=webcal") == 15


def test_each_agenda_carries_a_qr_code_and_the_link_of_its_own_calendar(tmp_path):
    out = tmp_path / "out"
    export(out, "--format", "ics,html", "--base-url", BASE)
    pages = {
        "agendas/genomix-bcn/laura-puig.html": "people/genomix-bcn/laura-puig.ics",
        "agendas/genomix-bcn/jordi-ferrer.html": "people/genomix-bcn/jordi-ferrer.ics",
        "agendas/genomix-bcn.html": "companies/genomix-bcn.ics",
        "agendas/torino-dx.html": "companies/torino-dx.ics",
    }
    for page, calendar in pages.items():
        html = (out / page).read_text(encoding="utf-8")
        webcal = f"webcal://calendars.example.org/osaka-2026/{calendar}"
        assert qr_svg(webcal) in html, page
        assert html.count("<svg") == 1
        assert webcal in hrefs(out / page)
        assert f"{BASE}/{calendar}" in html
    again = tmp_path / "again"
    export(again, "--format", "ics,html", "--base-url", BASE)
    for page in pages:
        assert (again / page).read_bytes() == (out / page).read_bytes()
    assert (again / "index.html").read_bytes() == (out / "index.html").read_bytes()


def test_private_links_put_each_calendar_and_its_agenda_under_a_secret_folder(tmp_path):
    out = tmp_path / "out"
    export(out, "--format", "ics,html", "--base-url", BASE, "--private-links")
    names = relative(out)
    folders = [name.split("/", 1)[0] for name in names]
    assert len(set(folders)) == 15  # one folder per calendar: one link tells nothing else
    assert all(re.fullmatch(r"[a-z2-7]{26}", f) for f in folders)
    laura = next(n for n in names if n.endswith("people/genomix-bcn/laura-puig.ics"))
    secret_folder = laura.split("/", 1)[0]
    assert sorted(p.relative_to(out / secret_folder).as_posix()
                  for p in (out / secret_folder).rglob("*") if p.is_file()) == \
        ["agendas/genomix-bcn/laura-puig.html", "people/genomix-bcn/laura-puig.ics"]
    assert not (out / "people").exists() and not (out / "agendas").exists()
    agenda = out / secret_folder / "agendas/genomix-bcn/laura-puig.html"
    assert f"webcal://calendars.example.org/osaka-2026/{laura}" in hrefs(agenda)
    export(tmp_path / "again", "--format", "ics,html", "--base-url", BASE, "--private-links")
    assert relative(tmp_path / "again") == names  # stable across exports
    for index in ("README.md", "index.html"):  # they list every link: not to be published
        assert "Keep this index to yourself: it lists every private link. Publish only the " \
            "folders named by their codes" in (out / index).read_text("utf-8")
    other = run("export", str(MISSION), "-o", str(tmp_path / "other"), "--private-links",
                secret="another secret of some length")
    assert other.exit_code == 0
    assert "README.md lists every private link: publish only the folders named by their " \
        "codes" in other.output
    assert not set(relative(tmp_path / "other")) & set(names)


def test_turning_private_links_on_and_off_moves_files_and_keeps_every_item(tmp_path):
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    out = tmp_path / "out"
    export(out, "--format", "ics,html", folder=folder)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = {name: raw(out / name) for name in relative(out)}
    moved = export(out, "--format", "ics,html", "--private-links", folder=folder)
    assert "15 calendar(s) moved to new paths" in moved.output
    assert "nothing changed since the last export" in moved.output
    after = relative(out)
    assert {name.split("/", 1)[1] for name in after} == set(before)
    for name in after:  # the same items, byte for byte, at the same SEQUENCE
        assert raw(out / name) == before[name.split("/", 1)[1]]
    assert not (out / "people").exists() and not (out / "companies").exists()
    assert not (out / "agendas").exists()
    shutil.copy(SCHEDULE_V2, folder / "schedule.json")  # a re-plan, then links off again
    back = run("export", str(folder), "-o", str(out), "--format", "ics,html",
               "--allow-stale")
    assert back.exit_code == 0, back.output
    assert sorted(relative(out)) == sorted(before)
    assert "cancelled" in back.output or "moved" in back.output
    assert re.search(r"SEQUENCE:[1-9]", raw(out / "organiser.ics"))
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == \
        ["README.md", "agendas", "clusters", "companies", "notes.txt", "organiser.ics",
         "people", "report.html", "signage.html"]


def test_private_links_without_the_secret_stop_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    for secret in (None, "short"):
        result = run("export", str(MISSION), "-o", str(out), "--private-links",
                     "--link-secret-env", "MISSION_LINK_SECRET", secret=secret)
        assert result.exit_code == 2, result.output
        assert "MISSION_LINK_SECRET" in result.output
        assert "Traceback" not in result.output
        assert not out.exists()
    result = run("plan", str(MISSION), "-o", str(out), "--private-links", secret=None)
    assert result.exit_code == 2 and "--private-links needs a secret" in result.output


@pytest.mark.parametrize("url", ["ftp://example.org/x", "example.org", "https://", "https://a/b?c=d"])
def test_a_base_url_that_is_not_a_web_address_is_a_usage_error(tmp_path, url):
    result = run("export", str(MISSION), "-o", str(tmp_path / "out"), "--base-url", url)
    assert result.exit_code == 2, result.output
    assert "--base-url" in result.output and f"'{url}' is not a web address" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.external
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext missing: poppler-utils")
def test_pdf_agenda_prints_the_subscription_link(tmp_path):
    out = tmp_path / "out"
    export(out, "--format", "ics,pdf", "--base-url", BASE)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "agendas/torino-dx.pdf"),
                           "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "webcal://calendars.example.org/osaka-2026/companies/torino-dx.ics" in flat


def test_an_index_html_of_ones_own_is_left_alone_and_ours_goes_when_links_do(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("<p>our event site</p>", encoding="utf-8")
    first = export(out, "--base-url", BASE)
    assert "index.html is not a file mission wrote" in first.output
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>our event site</p>"
    assert "webcal://calendars.example.org/osaka-2026/organiser.ics" in \
        hrefs(out / "mission-index.html")
    plain = export(out)  # no base URL any more: the page of links is no longer produced
    assert f"removed {out / 'mission-index.html'}" in plain.output
    assert not (out / "mission-index.html").exists()
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>our event site</p>"


def test_plan_takes_the_link_options_too(tmp_path):
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    out = tmp_path / "out"
    result = run("plan", str(folder), "-o", str(out), "--time-limit", "1", "--base-url", BASE,
                 "--private-links", secret=SECRET)
    assert result.exit_code == 0, result.output
    names = relative(out)
    assert len(names) == 15 and all(re.fullmatch(r"[a-z2-7]{26}/.*", n) for n in names)
    assert f"webcal://calendars.example.org/osaka-2026/{names[0]}" in hrefs(out / "index.html")
