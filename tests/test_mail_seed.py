"""The Japan seed mailed for real: its final agenda to every delegate through a local SMTP
server, once, with a calendar and a PDF each; a second run sends nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from cli import cli
from scheduler.load.loader import load_mission
from tests.helpers.smtp_server import Mailbox, smtp_server

SEED = Path(__file__).resolve().parent.parent / "seeds" / "bioxclusters-japan-2016"


@pytest.mark.slow
@pytest.mark.external
def test_the_japan_seed_final_agenda_reaches_every_delegate_once(tmp_path):
    folder = tmp_path / "japan"
    shutil.copytree(SEED, folder, ignore=shutil.ignore_patterns("calendars"))
    runner = CliRunner()
    paths = ["--calendars", str(tmp_path / "out"), "-o", str(tmp_path / "outbox")]
    assert runner.invoke(cli, ["export", str(folder), "-o", str(tmp_path / "out"),
                               "--format", "ics,pdf"]).exit_code == 0
    built = runner.invoke(cli, ["mail", str(folder), "--kind", "final", *paths])
    assert built.exit_code == 0, built.output
    mission, _ = load_mission(folder)
    addresses = sorted(d.email for c in mission.companies.values() for d in c.delegates)
    box = Mailbox()
    with smtp_server(box) as (host, port):
        sending = ["mail", str(folder), "--kind", "final", *paths, "--send",
                   "--smtp", f"{host}:{port}"]
        first = runner.invoke(cli, sending)
        again = runner.invoke(cli, sending)
    assert first.exit_code == 0, first.output
    assert again.exit_code == 0 and f"sent 0, rejected 0, left 0, uncertain 0 (sent " \
        f"earlier: {len(addresses)}" in again.output
    assert sorted(to for _, tos in box.envelopes for to in tos) == addresses
    assert len(set(box.message_ids())) == len(addresses)
    for message in box.received:
        files = {p.get_content_type(): p.get_content() for p in message.iter_attachments()}
        assert Calendar.from_ical(files["text/calendar"]).walk("VEVENT")
        assert files["application/pdf"].startswith(b"%PDF-")
