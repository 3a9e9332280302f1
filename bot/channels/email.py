"""Email as a channel: the outbox's :class:`EmailSender` over SMTP (aiosmtplib).

Who gets email is decided in one place, ``storage.outbox_queries.by_email``: people with neither
a Slack nor a Teams identity, when SMTP is set up here; and the lead and chair as a second route
for an urgent concern (``conversations.urgent``). The route's address is
``{"platform": "email", "to", "name", "chat"}``, ``chat`` naming the platform where the person
answers (``None``: email is all they have).

Privacy. An email carries what a push notification would, never more: the row's ``preview``
(never diary, minutes, concern or answer text: ``conversations.messages.preview``), where to
read and answer, and a meeting invite as a real ``.ics`` attachment (``text/calendar;
method=REQUEST`` or ``CANCEL``, RFC 6047). The message's parts are not shown, so nothing marked
private can reach a mailbox. Replies to the bot's address are not read: the email says so, and
tells someone who is on email only to ask their scheme lead to set them up in Slack or Teams.

Settings. ``MENTORBOT_SMTP_URL``: ``smtp://host:port`` (STARTTLS when the server offers it) or
``smtps://host:port`` (TLS from the start); a user and password may be in the URL
(percent-encoded), or the password in ``MENTORBOT_SMTP_PASSWORD``. ``MENTORBOT_MAIL_FROM``: the
sender (``mentorbot <mentorbot@example.org>``). ``MENTORBOT_SMTP_CA_FILE``: a CA bundle for a
relay with a private certificate. The password never reaches a log (``bot.redaction``).

Failures. The server's 5xx answers are permanent; 4xx answers, a refused connection and a
timeout are retried by the outbox. Each email's ``Message-ID`` is made from its outbox row, so
a retry after a connection dropped mid-send is recognisably the same message to mail systems
that drop duplicates; for that reason a dropped connection is retried rather than
dead-lettered as "may have been delivered" (a second copy of a notice is a small harm).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib

from bot.channels.base import DeliveryError
from conversations import markup
from conversations.calendar_invite import is_invite
from conversations.messages import Attachment, Part

PLATFORM = "email"
URL_ENV = "MENTORBOT_SMTP_URL"
PASSWORD_ENV = "MENTORBOT_SMTP_PASSWORD"
FROM_ENV = "MENTORBOT_MAIL_FROM"
CA_FILE_ENV = "MENTORBOT_SMTP_CA_FILE"
SUBJECT_CHARS = 70
DEFAULT_PREVIEW = "You have a new message from mentorbot."
CHAT_NAMES = {"slack": "Slack", "teams": "Microsoft Teams"}


class SmtpSettingsError(ValueError):
    """The SMTP settings are wrong: said in one line."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send email (see the module's "Settings")."""

    host: str
    port: int
    implicit_tls: bool
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> SmtpSettings | None:
        """The settings, or ``None`` when ``MENTORBOT_SMTP_URL`` is not set (no email)."""
        url = environ.get(URL_ENV, "").strip()
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise SmtpSettingsError(f"{URL_ENV} must start with smtp:// or smtps://")
        if not parts.hostname:
            raise SmtpSettingsError(f"{URL_ENV} has no host name")
        try:
            port = parts.port
        except ValueError:
            raise SmtpSettingsError(f"{URL_ENV} has a port that is not a number") from None
        sender = environ.get(FROM_ENV, "").strip()
        if "@" not in parseaddr(sender)[1]:
            raise SmtpSettingsError(
                f"{FROM_ENV} must be the address mentorbot's email comes from "
                "(for example: mentorbot <mentorbot@example.org>)"
            )
        implicit = parts.scheme == "smtps"
        password = unquote(parts.password) if parts.password else None
        return cls(
            host=parts.hostname,
            port=port or (465 if implicit else 587),
            implicit_tls=implicit,
            sender=sender,
            username=unquote(parts.username) if parts.username else None,
            password=environ.get(PASSWORD_ENV) or password,
            ca_file=environ.get(CA_FILE_ENV) or None,
        )


def configured(environ: Mapping[str, str] = os.environ) -> bool:
    """SMTP is set up (``MENTORBOT_SMTP_URL``): email is one of this process's channels."""
    return bool(environ.get(URL_ENV, "").strip())


# -- what an email says ----------------------------------------------------------------------


def plain(text: str) -> str:
    """Chat markup (``*bold*``, ``_italic_``, ``~strike~``, backticks) as plain text."""
    return markup.plain(text).strip()


def subject(preview: str) -> str:
    """A short subject: the preview's first sentence, cut at a word if long."""
    text = plain(preview) or DEFAULT_PREVIEW
    first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0].rstrip(".")
    if len(first) <= SUBJECT_CHARS:
        return first
    cut = first[: SUBJECT_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def where_to_answer(chat: str | None) -> str:
    """Where the person reads the whole message and answers it."""
    if chat in CHAT_NAMES:
        return f"Open your chat with mentorbot in {CHAT_NAMES[chat]} to read it and answer."
    return (
        "Replies to this email aren't read, so please don't answer here. To read the whole "
        "message and answer it, ask your scheme lead to set you up with mentorbot in Slack "
        "or Microsoft Teams."
    )


def _method(invite: Attachment) -> str:
    found = re.search(r"method=([A-Za-z]+)", invite.media_type) or re.search(
        r"^METHOD:([A-Za-z]+)", invite.content, re.MULTILINE
    )
    return found.group(1).upper() if found else "REQUEST"


def body_lines(address: Mapping[str, Any], parts: list[Part], preview: str) -> list[str]:
    """The paragraphs of the email: only the preview, where to answer, and what is attached."""
    name = str(address.get("name") or "").split(" ")[0]
    chat = address.get("chat")
    lines = [f"Hello {name}," if name else "Hello,", plain(preview) or DEFAULT_PREVIEW]
    files = [p for p in parts if isinstance(p, Attachment)]
    others = [p for p in files if not is_invite(p)]
    for invite in (p for p in files if is_invite(p)):
        if _method(invite) == "CANCEL":
            lines.append("The attached file takes the meeting out of your calendar: open it.")
        else:
            lines.append("The meeting invite is attached: open it to add it to your calendar.")
    if others:
        names = ", ".join(p.filename for p in others)
        lines.append(f"It comes with a file ({names}) that I don't send by email.")
    lines.append(where_to_answer(chat if isinstance(chat, str) else None))
    lines.append("mentorbot")
    return lines


def compose(
    settings: SmtpSettings,
    address: Mapping[str, Any],
    parts: list[Part],
    preview: str,
    *,
    outbox_id: int | None = None,
) -> EmailMessage:
    """The email for one outbox row: plain text, a simple HTML alternative, and its invites."""
    to = str(address.get("to") or "")
    if "@" not in to:
        raise DeliveryError("email address has no recipient", permanent=True)
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = formataddr((str(address.get("name") or ""), to))
    message["Subject"] = subject(preview)
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "mentorbot"
    message["Message-ID"] = (
        f"<mentorbot.outbox.{outbox_id}@{domain}>"
        if outbox_id is not None
        else make_msgid("mentorbot", domain)
    )
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    lines = body_lines(address, parts, preview)
    message.set_content("\n\n".join(lines) + "\n")
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    message.add_alternative(f"<!doctype html><html><body>{paragraphs}</body></html>", "html")
    for part in parts:
        if is_invite(part):
            message.add_attachment(
                part.content,
                subtype="calendar",
                filename=part.filename,
                params={"method": _method(part)},
            )
    return message


# -- sending ---------------------------------------------------------------------------------


def delivery_error(exc: BaseException) -> DeliveryError:
    """An SMTP failure as a classified delivery error (see the module's "Failures")."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return DeliveryError(
            f"the mail server refused the recipient ({detail})",
            permanent=bool(codes) and all(code >= 500 for code in codes),
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        what = f"the mail server answered {exc.code} {exc.message}"
        return DeliveryError(what, permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return DeliveryError(f"the mail server can't do what we need: {exc}", permanent=True)
    detail = str(exc) or type(exc).__name__
    return DeliveryError(f"the mail server could not be reached: {detail}")


class EmailSender:
    """Delivers outbox rows by email (one SMTP connection per message)."""

    platform = PLATFORM

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password,
            use_tls=s.implicit_tls,
            start_tls=False if s.implicit_tls else None,  # None: STARTTLS when offered
            cert_bundle=s.ca_file,
            timeout=s.timeout,
        )

    async def send(
        self,
        address: dict[str, Any],
        parts: list[Part],
        preview: str,
        *,
        outbox_id: int | None = None,
    ) -> str:
        message = compose(self.settings, address, parts, preview, outbox_id=outbox_id)
        try:
            async with self._client() as smtp:
                await smtp.send_message(message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise delivery_error(exc) from exc
        return str(message["Message-ID"])


def sender_from_env(environ: Mapping[str, str] = os.environ) -> EmailSender | None:
    """The outbox's email sender, or ``None`` when SMTP is not set up."""
    settings = SmtpSettings.from_env(environ)
    return EmailSender(settings) if settings is not None else None
