"""The rules of mailings that need no server and no PDF: what an update says, which
addresses can receive mail, what the journal makes of an interrupted send, bad options."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import cli
from scheduler.deliver.mail.changes import changes
from scheduler.deliver.mail.journal import Step, last_sent, last_states, read_steps, record

SENT = {"a": ("d1", "2016-10-11 14:00 JST", "Meeting with Kansai", False),
        "b": ("d2", "2016-10-11 15:00 JST", "Meeting with Shanghai", False),
        "c": ("d3", "2016-10-12 10:00 JST", "Workshop", False)}


def test_an_update_says_moved_new_changed_and_cancelled():
    now = {"a": ("d9", "2016-10-11 16:00 JST", "Meeting with Kansai", False),
           "b": ("d8", "2016-10-11 15:00 JST", "Meeting with Shanghai", True),
           "c": ("d7", "2016-10-12 10:00 JST", "Workshop", False),
           "e": ("d5", "2016-10-13 09:00 JST", "Meeting with Osaka", False)}
    assert [str(c) for c in changes(SENT, now)] == [
        "moved: Meeting with Kansai (2016-10-11 14:00 JST → 2016-10-11 16:00 JST)",
        "cancelled: Meeting with Shanghai", "changed: Workshop", "new: Meeting with Osaka"]
    gone = {k: v for k, v in SENT.items() if k != "c"}
    assert [str(c) for c in changes(SENT, gone)] == ["cancelled: Workshop"]
    assert changes(SENT, dict(SENT)) == []


def test_the_journal_keeps_the_last_step_of_each_message_and_skips_a_cut_line(tmp_path):
    journal = tmp_path / "journal.jsonl"
    record(journal, Step("<1@x>", "a@example.com", "co/a", "sending", "2026-01-01T10:00:00Z"))
    record(journal, Step("<1@x>", "a@example.com", "co/a", "sent", "2026-01-01T10:00:01Z",
                         events=SENT))
    record(journal, Step("<2@x>", "b@example.com", "co/b", "sending", "2026-01-01T10:00:02Z"))
    with journal.open("a", encoding="utf-8") as handle:
        handle.write('{"message_id": "<2@x>", "state": "se')  # killed while writing
    assert {k: s.state for k, s in last_states(journal).items()} == \
        {"<1@x>": "sent", "<2@x>": "sending"}
    assert len(read_steps(journal)) == 3
    (tmp_path / "final").mkdir()
    journal.rename(tmp_path / "final" / "journal.jsonl")
    assert last_sent(tmp_path) == {"co/a": SENT}


def test_bad_sending_options_are_usage_errors_naming_the_option(tmp_path: Path):
    runner = CliRunner()
    bad_port = runner.invoke(cli, ["mail", str(tmp_path), "--kind", "final", "--send",
                                   "--smtp", "localhost"])
    assert bad_port.exit_code == 2 and "--smtp" in bad_port.output
    no_kind = runner.invoke(cli, ["mail", str(tmp_path), "--kind", "later"])
    assert no_kind.exit_code == 2 and "--kind" in no_kind.output
    no_server = runner.invoke(cli, ["mail", str(tmp_path), "--kind", "final", "--send"])
    assert no_server.exit_code == 2 and "--smtp" in no_server.output
