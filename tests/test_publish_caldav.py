"""`mission publish --caldav`: the calendars on a real Radicale server with passwords.

The server runs on 127.0.0.1 with htpasswd authentication; its own log counts the PUTs it
received, and a CalDAV client (the caldav library) reads back what it holds, which must be
exactly the exported calendars: the same UIDs, SEQUENCE numbers, starts and statuses.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.ics_support import MISSION, SCHEDULE_V2, free_port, instant, raw
from icalendar import Calendar

from cli import cli
from scheduler.deliver.caldav import Target, publish_calendars
from scheduler.deliver.publishing import prepare
from scheduler.deliver.status import Status
from scheduler.errors import ExportError
from scheduler.export import ExportOptions

pytestmark = pytest.mark.external  # a Radicale server process

USER, PASSWORD = "organiser", "s3cret-for-tests"
CONFIG = """[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {users}
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = {storage}
[logging]
level = info
"""


@dataclass
class Server:
    """A Radicale server: its URL, where it stores and logs, how to start it again."""

    root: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        """Start it (on the same port and storage as before) and wait until it listens."""
        (self.root / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
        config = self.root / "config"
        config.write_text(CONFIG.format(port=self.port, users=self.root / "users",
                                        storage=self.root / "storage"), encoding="utf-8")
        log = (self.root / "log").open("a", encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, "-m", "radicale", "--config",
                                         str(config)], stdout=log, stderr=log)
        for _ in range(300):  # wait for it to listen (not a timing assertion)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert self.process.poll() is None, (self.root / "log").read_text()
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def puts(self) -> int:
        """How many PUT requests it has received so far (from its own log)."""
        return len(re.findall(r"PUT request for", (self.root / "log").read_text()))


@contextmanager
def radicale(root: Path) -> Iterator[Server]:
    """A Radicale server with one user and a password, stopped at the end."""
    root.mkdir(parents=True, exist_ok=True)
    server = Server(root, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mission(tmp_path) -> Path:
    """A copy of the fixture mission, to re-plan in place."""
    folder = tmp_path / "mission"
    shutil.copytree(MISSION, folder)
    return folder


def publish(folder: Path, server: Server, *extra: str, password: str = PASSWORD):
    """Run `mission publish` in-process against the server."""
    env = {"MISSION_CALDAV_PASSWORD": password}
    return CliRunner().invoke(cli, ["publish", str(folder), "-o", str(folder.parent / "out"),
                                    "--caldav", server.url, "--user", USER, *extra], env=env)


def facts(text: str) -> dict[str, tuple[int, str, str]]:
    """UID -> (SEQUENCE, start instant, STATUS) of every event of iCalendar text."""
    return {str(e["UID"]): (int(e.get("SEQUENCE", 0)), instant(e.decoded("DTSTART")),
                            str(e.get("STATUS", "")))
            for e in Calendar.from_ical(text).walk("VEVENT")}


def on_server(server: Server) -> dict[str, dict[str, tuple[int, str, str]]]:
    """Collection id -> its events' facts, as a CalDAV client reads them."""
    import caldav

    client = caldav.DAVClient(server.url, username=USER, password=PASSWORD)
    found = {}
    for calendar in client.principal().calendars():
        events: dict[str, tuple[int, str, str]] = {}
        for item in calendar.search(comp_class=caldav.Event):
            events.update(facts(item.data))
        found[str(calendar.url).rstrip("/").rsplit("/", 1)[-1]] = events
    return found


def exported(out: Path, people: bool = True) -> dict[str, dict[str, tuple[int, str, str]]]:
    """Collection id -> facts of the exported calendar it publishes."""
    files = [out / "organiser.ics", *sorted((out / "companies").glob("*.ics"))]
    files += sorted((out / "people").rglob("*.ics")) if people else []
    return {"fixture-japan-" + re.sub(r"[^a-z0-9-]+", "-", str(f.relative_to(out))[:-4]):
            facts(raw(f)) for f in files}


def changed_events(before: dict, after: dict) -> int:
    """How many events of the published calendars differ between two exports."""
    return sum(after[c][uid] != before[c].get(uid) for c in after for uid in after[c])


@pytest.mark.slow
def test_publish_puts_every_calendar_then_only_the_events_a_replan_changed(mission, tmp_path):
    out = tmp_path / "out"
    with radicale(tmp_path / "server") as server:
        first = publish(mission, server, "--people")
        assert first.exit_code == 0, first.output
        calendars = exported(out)
        assert len(calendars) == 12  # organiser, 5 companies, 6 people
        assert on_server(server) == calendars
        events = sum(len(c) for c in calendars.values())
        assert server.puts() == events
        assert f"sent {events} event(s) to 12 calendar(s)" in first.output
        assert "created" in first.output

        again = publish(mission, server, "--people")
        assert again.exit_code == 0, again.output
        assert server.puts() == events  # idempotent: nothing sent
        assert "sent 0 event(s)" in again.output
        assert "12 calendar(s) already up to date" in again.output
        assert "nothing changed (" not in again.output  # no line per untouched calendar

        shutil.copy(SCHEDULE_V2, mission / "schedule.json")  # a re-plan
        update = publish(mission, server, "--people", "--allow-stale")
        assert update.exit_code == 0, update.output
        after = exported(out)
        sent = changed_events(calendars, after)
        assert 0 < sent < events
        assert server.puts() == events + sent  # only what changed
        assert f"sent {sent} event(s)" in update.output
        assert "cancelled" in update.output
        assert on_server(server) == after
        assert any(status == "CANCELLED" for c in after.values() for _, _, status in c.values())


def test_a_wrong_password_is_a_clear_error(mission, tmp_path):
    with radicale(tmp_path / "server") as server:
        result = publish(mission, server, password="wrong")
        assert result.exit_code == 5, result.output
        assert f"refused user '{USER}': wrong user name or password (the password came " \
            "from the environment variable MISSION_CALDAV_PASSWORD)" in result.output
        assert "Traceback" not in result.output
        assert server.puts() == 0


@pytest.mark.slow
def test_a_server_stopped_half_way_is_an_error_and_the_next_run_completes(mission, tmp_path):
    with radicale(tmp_path / "server") as server:
        ready = prepare(mission, tmp_path / "out", ExportOptions(), people=True,
                        allow_stale=True)
        status = Status.load(ready.out)
        done = []
        with pytest.raises(ExportError) as stopped:
            for sent in publish_calendars(Target(server.url, USER, PASSWORD),
                                          ready.collections, status):
                done.append(sent)
                if len(done) == 5:
                    server.stop()
        assert "5 of 12 calendars done" in str(stopped.value)
        assert "run the command again" in str(stopped.value)
        first = server.puts()
        assert first == sum(d.puts for d in done)
        server.start()
        result = publish(mission, server, "--people")
        assert result.exit_code == 0, result.output
        rest = sum(len(c.resources) for c in ready.collections[5:])
        assert server.puts() == first + rest  # nothing sent twice
        assert on_server(server) == exported(tmp_path / "out")


def test_a_stale_schedule_is_not_published(mission, tmp_path):
    result = CliRunner().invoke(cli, ["schedule", str(mission), "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    text = (mission / "mission.yaml").read_text(encoding="utf-8")
    (mission / "mission.yaml").write_text(text + "\n# edited\n", encoding="utf-8")
    with radicale(tmp_path / "server") as server:
        refused = publish(mission, server)
        assert refused.exit_code == 4, refused.output
        assert "mission.yaml changed" in refused.output
        assert server.puts() == 0
        assert not (tmp_path / "out").exists()
