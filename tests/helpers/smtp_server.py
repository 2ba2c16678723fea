"""A real SMTP server on 127.0.0.1 for the mailing tests (aiosmtpd), able to refuse a
recipient, drop the connection after a message, or drop it in the middle of one."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Mailbox:
    """What the server received, and how it misbehaves."""

    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    refuse_sender: bool = False  # answer MAIL FROM with 553
    drop_after: int | None = None  # close the connection after accepting this many messages
    drop_inside: int | None = None  # take this message's text, then close without replying
    hold_inside: int | None = None  # take this message's text, then wait for `release`
    holding: threading.Event = field(default_factory=threading.Event)  # set while it waits
    release: threading.Event = field(default_factory=threading.Event)
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        """Refuse every sender when told to."""
        if self.refuse_sender:
            return "553 5.7.1 sender not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        """Refuse the listed recipients for good."""
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keep the message; misbehave when told to."""
        assert isinstance(envelope.content, bytes)
        self.received.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        count = len(self.received)
        if count == self.hold_inside:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        if count == self.drop_inside:
            assert server.transport is not None
            server.transport.close()  # the text arrived; the client never hears so
            return "250 OK"
        if count == self.drop_after:
            assert server.transport is not None
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 OK"

    def message_ids(self) -> list[str]:
        """The Message-ID of each message received, in order."""
        return [str(m["Message-ID"]) for m in self.received]


def _login(user: str, password: str):
    """An authenticator accepting one user name and password."""
    def check(server, session, envelope, mechanism, data) -> AuthResult:  # noqa: ANN001
        ok = isinstance(data, LoginPassword) and data.login == user.encode() and \
            data.password == password.encode()
        return AuthResult(success=ok, handled=False)
    return check


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@contextmanager
def smtp_server(mailbox: Mailbox, login: tuple[str, str] | None = None,
                tls: tuple[str, Path, Path] | None = None) -> Iterator[tuple[str, int]]:
    """Serve `mailbox` on 127.0.0.1 (a free port); yields (host, port). `tls` is
    ("starttls" or "ssl", certificate, key); a login over STARTTLS must come after it."""
    extra: dict[str, object] = {}
    if login:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; over --ssl all of it is TLS anyway
        extra |= {"authenticator": _login(*login),
                  "auth_require_tls": tls is not None and tls[0] == "starttls"}
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls[1], tls[2])
        extra |= {"tls_context": context, "require_starttls": True} \
            if tls[0] == "starttls" else {"ssl_context": context}
    with socket.socket() as probe:  # a free port (aiosmtpd cannot be given port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **extra)
    controller.start()
    try:
        yield "127.0.0.1", port
    finally:
        controller.stop()
