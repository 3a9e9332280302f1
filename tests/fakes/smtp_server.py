"""A real SMTP server on 127.0.0.1 (aiosmtpd, in the test's own event loop) that keeps what it
is given: the stand-in for a mail relay.

- ``SmtpServer(user=..., password=...)``: AUTH LOGIN/PLAIN required with those credentials;
  ``tls=context``: TLS from the first byte (``smtps://``); otherwise plain SMTP.
- ``.messages``: each accepted email, parsed (``email.message.EmailMessage``), with its envelope
  recipients in ``.recipients``; ``.logins``: the user names that logged in.
- ``.refuse_next(code, count)``: answer ``RCPT TO`` with ``code`` (450: try later; 550: no such
  mailbox) for the next ``count`` recipients; ``.stop()``/``.start()``: the relay goes down and
  comes back on the same port.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Self

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


class SmtpServer:
    def __init__(
        self,
        *,
        user: str | None = None,
        password: str | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.user = user
        self.password = password
        self.tls = tls
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.logins: list[str] = []
        self._refusals: list[int] = []
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        scheme = "smtps" if self.tls is not None else "smtp"
        return f"{scheme}://127.0.0.1:{self.port}"

    def refuse_next(self, code: int, count: int = 1) -> None:
        self._refusals.extend([code] * count)

    # -- aiosmtpd's handler hooks --------------------------------------------------------------

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self._refusals:
            code = self._refusals.pop(0)
            return f"{code} {'Try again later' if code < 500 else 'No such mailbox'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and (
            data.login.decode() == self.user and data.password.decode() == self.password
        ):
            self.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    # -- running -------------------------------------------------------------------------------

    def _protocol(self) -> SMTP:
        if self.user is None:
            return SMTP(self, hostname="mail.test")
        with warnings.catch_warnings():  # AUTH without TLS: fine on 127.0.0.1 in a test
            warnings.simplefilter("ignore", UserWarning)
            return SMTP(
                self,
                hostname="mail.test",
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=False,
            )

    async def start(self) -> Self:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol, "127.0.0.1", self.port, ssl=self.tls, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
