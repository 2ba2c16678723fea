"""`mission mail`: agenda mailings built into an outbox and sent to a real SMTP server on
127.0.0.1 (aiosmtpd), once each, whatever happens to the connection."""

from __future__ import annotations

import email
import email.policy
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from cli import cli
from tests.helpers.smtp_server import Mailbox, certificate, smtp_server

FIXTURE = Path(__file__).parent / "fixtures_html"
DELEGATES = 6  # every delegate of the fixture has an address
pytestmark = [pytest.mark.external, pytest.mark.slow, pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext missing: apt-get install poppler-utils")]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """The mission command, in this process."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture mission exported once (calendars and PDFs) into out/ beside it."""
    base = tmp_path_factory.mktemp("exported")
    shutil.copytree(FIXTURE, base / "mission")
    done = run("export", base / "mission", "-o", base / "out", "--format", "ics,pdf")
    assert done.exit_code == 0, done.output
    return base


@pytest.fixture
def mission(exported: Path, tmp_path: Path) -> Path:
    """A copy of the exported fixture mission of this test's own (tmp/mission, tmp/out)."""
    for name in ("mission", "out"):
        shutil.copytree(exported / name, tmp_path / name)
    return tmp_path / "mission"


def mail(mission: Path, *extra: str, kind: str = "final",
         env: dict[str, str] | None = None) -> Result:
    """`mission mail` of the fixture, with the export and outbox beside it."""
    return run("mail", mission, "--kind", kind, "--calendars", mission.parent / "out",
               "-o", mission.parent / "outbox", *extra, env=env)


def send(mission: Path, address: tuple[str, int], *extra: str, kind: str = "final",
         env: dict[str, str] | None = None) -> Result:
    """Send the mailing to the local server."""
    return mail(mission, "--send", "--smtp", f"{address[0]}:{address[1]}", *extra, kind=kind,
                env=env)


def attachments(message) -> dict[str, bytes]:  # noqa: ANN001
    """A received message's attachments by file name."""
    return {p.get_filename(): p.get_content() for p in message.iter_attachments()}


def test_every_delegate_gets_one_message_with_calendar_and_agenda(mission, tmp_path):
    built = mail(mission)
    assert built.exit_code == 0, built.output
    box = Mailbox()
    with smtp_server(box) as address:
        first = send(mission, address)
        again = send(mission, address)
    assert first.exit_code == 0, first.output
    assert "sent 6, rejected 0, left 0" in first.output
    assert again.exit_code == 0 and "sent 0," in again.output and "sent earlier: 6" in again.output
    assert len(box.received) == DELEGATES == len(set(box.message_ids()))
    laura = next(m for m in box.received if "laura.puig@example.com" in str(m["To"]))
    assert str(m := laura["From"]) == "Marta Vidal <marta.vidal@example.com>" == str(
        laura["Reply-To"]), m
    assert "Agenda (final)" in str(laura["Subject"]) and "Laura Puig" in str(laura["Subject"])
    files = attachments(laura)
    calendar = Calendar.from_ical(files["laura-puig.ics"])
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert "fixture-japan.meeting.genomix-bcn--kansai-bioworks@mission-scheduler" in uids
    assert "fixture-japan.meeting.genomix-bcn--shanghai-bio@mission-scheduler" not in uids
    (tmp_path / "agenda.pdf").write_bytes(files["laura-puig-agenda.pdf"])
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", tmp_path / "agenda.pdf", "-"],
                          check=True, capture_output=True, text=True).stdout
    assert "Laura Puig" in text and "Kansai" in text
    plain = laura.get_body(("plain",)).get_content()
    assert "14:00–14:25 JST  Meeting with 関西バイオワークス株式会社 (山田 太郎)" in plain
    assert "Meeting with" in laura.get_body(("html",)).get_content()
    ics_part = next(p for p in laura.iter_attachments() if p.get_filename().endswith(".ics"))
    assert ics_part.get_content_type() == "text/calendar"
    assert ics_part.get_param("method") == "PUBLISH"


def test_a_preliminary_message_says_times_may_change_in_one_sentence(mission):
    # The line naming the mission and the company is long; the note after it starts a
    # line of its own instead of being broken after "Times may".
    assert mail(mission, kind="preliminary").exit_code == 0
    eml = next((mission.parent / "outbox" / "preliminary" / "messages").rglob("*.eml"))
    with eml.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    lines = message.get_body(("plain",)).get_content().splitlines()
    assert "Times may still change; we will write again with the final agenda." in lines


def test_the_outbox_is_the_same_bytes_when_built_again(mission):
    assert mail(mission).exit_code == 0
    box = mission.parent / "outbox" / "final"
    before = {p: p.read_bytes() for p in sorted(box.rglob("*")) if p.is_file()}
    rendered = {p: p.stat().st_mtime_ns for p in (box / ".agendas").iterdir()}
    assert len(rendered) == DELEGATES  # genomix-bcn has two people, each their own agenda
    assert mail(mission).exit_code == 0
    assert {p: p.read_bytes() for p in sorted(box.rglob("*")) if p.is_file()} == before
    assert {p: p.stat().st_mtime_ns for p in (box / ".agendas").iterdir()} == rendered
    assert len([p for p in before if p.suffix == ".eml"]) == DELEGATES
    index = (box / "index.md").read_text(encoding="utf-8")
    assert "laura.puig@example.com" in index and "laura-puig-agenda.pdf" in index


def test_a_rejected_recipient_is_reported_and_never_retried(mission):
    box = Mailbox(refuse={"laura.puig@example.com"})
    with smtp_server(box) as address:
        started = time.monotonic()
        first = send(mission, address, "--per-minute", "600")
        took = time.monotonic() - started
        again = send(mission, address)
    assert took >= 0.5  # six messages, one every 0.1 s
    assert first.exit_code == 0, first.output
    assert "sent 5, rejected 1, left 0" in first.output
    assert "rejected: laura.puig@example.com: 550" in first.output
    assert "sent 0, rejected 0, left 0" in again.output
    assert len(box.received) == 5 == len(set(box.message_ids()))


def test_a_refused_sender_stops_the_run_and_every_message_is_sent_later(mission):
    box = Mailbox(refuse_sender=True)
    with smtp_server(box) as address:
        refused = send(mission, address)
        box.refuse_sender = False
        fixed = send(mission, address)
    assert refused.exit_code == 5
    assert "stopped: the server refused the sender <marta.vidal@example.com>: 553" in \
        refused.output
    assert fixed.exit_code == 0 and "sent 6, rejected 0, left 0" in fixed.output
    assert len(box.received) == DELEGATES == len(set(box.message_ids()))


def test_a_dropped_connection_is_finished_by_the_next_run_without_duplicates(mission):
    box = Mailbox(drop_after=2)
    with smtp_server(box) as address:
        first = send(mission, address)
        box.drop_after = None
        again = send(mission, address)
        third = send(mission, address)
    assert first.exit_code == 5, first.output
    assert "sent 2, rejected 0, left 4" in first.output
    assert again.exit_code == 0 and "sent 4, rejected 0, left 0" in again.output
    assert "sent 0," in third.output
    assert len(box.received) == DELEGATES == len(set(box.message_ids()))


def test_a_message_interrupted_inside_data_is_not_sent_again_unless_asked(mission):
    box = Mailbox(drop_inside=3)
    with smtp_server(box) as address:
        first = send(mission, address)
        box.drop_inside = None
        again = send(mission, address)
        forced = send(mission, address, "--resend-uncertain")
    assert "uncertain 1" in first.output and "--resend-uncertain" in first.output
    assert "sent 3, rejected 0, left 0, uncertain 1" in again.output, again.output
    ids = box.message_ids()
    assert len(ids) - 1 == len(set(ids)) == DELEGATES  # the server took it once before
    assert "sent 1," in forced.output  # only when asked: it arrives a second time


def test_an_outbox_or_an_export_of_another_schedule_is_refused(mission):
    assert mail(mission).exit_code == 0
    plan = json.loads((mission / "schedule.json").read_text(encoding="utf-8"))
    plan["meetings"] = [m for m in plan["meetings"] if m["priority"] != "low"]
    (mission / "schedule.json").write_text(json.dumps(plan), encoding="utf-8")
    box = Mailbox()
    with smtp_server(box) as address:
        stale_outbox = send(mission, address)
        stale_export = mail(mission)
        assert box.received == []
        assert run("export", mission, "-o", mission.parent / "out",
                   "--format", "ics,pdf").exit_code == 0
        assert mail(mission).exit_code == 0
        current = send(mission, address)
    assert stale_outbox.exit_code == 4, stale_outbox.output
    assert "was built from another schedule than the current one (schedule.json changed " \
        "since)" in stale_outbox.output
    assert stale_export.exit_code == 4
    assert "do not show the current schedule" in stale_export.output
    assert current.exit_code == 0 and len(box.received) == DELEGATES


def test_an_update_goes_only_to_people_whose_calendar_changed_and_says_what(mission):
    box = Mailbox()
    with smtp_server(box) as address:
        assert send(mission, address).exit_code == 0
        plan = json.loads((mission / "schedule.json").read_text(encoding="utf-8"))
        plan["meetings"] = [m for m in plan["meetings"]
                            if m["id"] != "biom-immuno--evil-partners"]
        (mission / "schedule.json").write_text(json.dumps(plan), encoding="utf-8")
        assert run("export", mission, "-o", mission.parent / "out",
                   "--format", "ics,pdf").exit_code == 0
        built = mail(mission, kind="update")
        update = send(mission, address, kind="update")
        again = mail(mission, kind="update")
    assert built.exit_code == 0, built.output
    assert "wrote 2 message(s)" in built.output
    assert "sent 2," in update.output
    told = {str(m["To"]): m.get_body(("plain",)).get_content() for m in box.received[6:]}
    assert sorted(told) == ['"<b>Ola</b> Nordmann" <ola@example.no>',
                            "Jürgen Müller <juergen.mueller@example.com>"]
    assert all("cancelled:" in text for text in told.values())
    assert "wrote 0 message(s)" in again.output  # they were told: nothing left to update


def test_templates_of_the_organiser_replace_the_shipped_ones(mission, tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "subject.txt.j2").write_text("Your days in Osaka, {{ person.name }}\n")
    assert mail(mission, "--templates", mine).exit_code == 0
    eml = (mission.parent / "outbox/final/messages/genomix-bcn/laura-puig.eml").read_text()
    assert "Subject: Your days in Osaka, Laura Puig" in eml
    (mine / "body.txt.j2").write_text("Hello\n{% for day in days %}\n{{ day.day }\n")
    broken = mail(mission, "--templates", mine)
    assert broken.exit_code == 1
    assert f"{mine / 'body.txt.j2'}:3:1: error: template:" in broken.output


def test_unusable_addresses_are_listed_before_anything_is_written(mission):
    path = mission / "companies" / "genomix-bcn.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("jordi.serra@example.com", "jordi@example.test")
                    .replace("laura.puig@example.com", "laura..puig@example.com"),
                    encoding="utf-8")
    exported = run("export", mission, "-o", mission.parent / "out", "--format", "ics,pdf",
                   "--allow-stale")
    assert exported.exit_code == 0, exported.output
    result = mail(mission)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "cannot receive mail" in line]
    assert len(lines) == 2, result.output
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "laura.puig@" in t)
    assert any(x.startswith(f"companies/genomix-bcn.yaml:{line}:") and "two periods" in x
               for x in lines), lines
    assert not (mission.parent / "outbox").exists()


def test_the_password_comes_from_the_environment_and_a_wrong_one_is_refused(mission):
    box = Mailbox()
    with smtp_server(box, login=("desk", "s3cret")) as address:
        wrong = send(mission, address, "--user", "desk", "--password-env", "PW",
                     env={"PW": "nope"})
        unset = send(mission, address, "--user", "desk", "--password-env", "NO_SUCH_VAR")
        right = send(mission, address, "--user", "desk", "--password-env", "PW",
                     env={"PW": "s3cret"})
    assert wrong.exit_code == 5 and "refused the user name or password" in wrong.output
    assert unset.exit_code == 2 and "NO_SUCH_VAR" in unset.output
    assert right.exit_code == 0 and "sent 6," in right.output
    assert len(box.received) == DELEGATES


def test_a_sender_killed_while_the_server_reads_a_message_never_sends_it_twice(mission):
    box = Mailbox(hold_inside=4)
    with smtp_server(box) as (host, port):
        command = [sys.executable, "-c", "from cli import main; main()", "mail", str(mission),
                   "--kind", "final", "--calendars", str(mission.parent / "out"),
                   "-o", str(mission.parent / "outbox"), "--send", "--smtp", f"{host}:{port}"]
        sender = subprocess.Popen(command, cwd=Path(__file__).parent.parent,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert box.holding.wait(120), sender.communicate()[0]
        sender.kill()  # SIGKILL: no handler runs, the journal is all that is left
        sender.wait()
        box.release.set()
        again = send(mission, (host, port))
        third = send(mission, (host, port))
    assert "sent 0, rejected 0, left 0, uncertain 1 (sent earlier: 5;" in third.output
    assert "sent 2, rejected 0, left 0, uncertain 1 (sent earlier: 3;" in again.output
    ids = box.message_ids()
    assert len(ids) == len(set(ids)) == DELEGATES


def test_the_people_of_a_withdrawn_company_are_told_what_is_cancelled(mission):
    box = Mailbox()
    with smtp_server(box) as address:
        assert send(mission, address).exit_code == 0
        company = mission / "companies" / "evil-partners.yaml"
        company.write_text(company.read_text(encoding="utf-8") + "withdrawn: true\n",
                           encoding="utf-8")
        plan = json.loads((mission / "schedule.json").read_text(encoding="utf-8"))
        plan["meetings"] = [m for m in plan["meetings"] if "evil-partners" not in m["companies"]]
        (mission / "schedule.json").write_text(json.dumps(plan), encoding="utf-8")
        assert run("export", mission, "-o", mission.parent / "out",
                   "--format", "ics,pdf").exit_code == 0
        update = send(mission, address, kind="update")
    assert update.exit_code == 0 and "sent 3," in update.output, update.output
    ola = next(m for m in box.received[6:] if "ola@example.no" in str(m["To"]))
    text = ola.get_body(("plain",)).get_content()
    assert "cancelled: Meeting with BioM Immuno GmbH" in text and "Nothing is planned" in text
    assert [p.get_content_type() for p in ola.iter_attachments()] == ["text/calendar"]


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_sending_over_tls_checks_the_certificate_and_logs_in_inside_it(mission, security):
    cert, key = certificate(mission.parent)
    box = Mailbox()
    trusted = {"SSL_CERT_FILE": str(cert), "PW": "s3cret"}
    with smtp_server(box, login=("desk", "s3cret"), tls=(security, cert, key)) as address:
        untrusted = send(mission, address, f"--{security}", "--user", "desk",
                         "--password-env", "PW", env={"PW": "s3cret"})
        done = send(mission, address, f"--{security}", "--user", "desk",
                    "--password-env", "PW", env=trusted)
    assert untrusted.exit_code == 5 and "CERTIFICATE_VERIFY_FAILED" in untrusted.output
    assert done.exit_code == 0 and "sent 6," in done.output, done.output
    assert len(box.received) == DELEGATES
