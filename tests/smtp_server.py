"""A real SMTP server on 127.0.0.1 for the mail tests: aiosmtpd's Controller on a free
port, keeping what it receives. `password=None` accepts any login; a wrong password is
refused with a reply that echoes it, as a careless server might."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """The messages the server accepted, parsed, with their envelope recipients."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@contextlib.contextmanager
def smtp_server(user: str = "reports", password: str | None = None) -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        login = auth_data.login.decode()
        given = auth_data.password.decode()
        if login == user and (password is None or given == password):
            inbox.logins.append(login)
            return AuthResult(success=True)
        return AuthResult(
            success=False, handled=False, message=f"535 5.7.8 no user {login} with password {given}"
        )

    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,  # loopback only; the client's STARTTLS is off for it
    )
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
