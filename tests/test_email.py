"""Email as a channel, against a real SMTP server on 127.0.0.1 (tests/fakes/smtp_server.py):
someone on neither Slack nor Teams gets mentorbot's messages by email, with the meeting invite
as a real .ics attachment and never the private part of a message; an urgent concern reaches
the lead and the chair by email once; a relay that is down loses nothing; smtps and AUTH work.

The demo scheme (everyone on the console only, so everyone is on email here, unless a test puts
them on Slack) and the real deliverer with the email sender; the clock is moved by hand.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import ssl
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import col, select

from bot import redaction
from bot.channels.base import DeliveryError
from bot.channels.email import EmailSender, SmtpSettings, SmtpSettingsError
from bot.channels.slack.sender import SlackSender, make_client
from bot.outbox import Deliverer
from conversations.clock import Clock, parse_instant
from conversations.messages import Part, Text, part_to_json, preview
from conversations.scheme_config import load_demo
from storage import outbox_queries, queries
from storage.db import transaction
from storage.models import ChannelIdentity, Outbox, OutboxStatus, Scheme
from tests.conftest import NOW
from tests.fakes.slack_api import TEAM, FakeSlackApi
from tests.fakes.smtp_server import SmtpServer
from tests.test_cli import mentorbot
from tests.transcript import Chat

FROM = "mentorbot <mentorbot@example.org>"
SAFEGUARDING = (
    "I want to raise a safeguarding concern: a colleague shared a patient's scan in a public "
    "group chat"
)


class MovingClock:
    def __init__(self) -> None:
        self.now = parse_instant(NOW)
        self.clock = Clock(source=lambda: self.now)


def _settings(url: str, **environ: str) -> SmtpSettings:
    found = SmtpSettings.from_env(
        {"MENTORBOT_SMTP_URL": url, "MENTORBOT_MAIL_FROM": FROM, **environ}
    )
    assert found is not None
    return found


def _person(db: Engine, email: str) -> int:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
        assert person is not None
        assert person.id is not None
        return person.id


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def _html(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


async def _deliver(deliverer: Deliverer) -> tuple[int, int, int]:
    sent = failed = dead = 0
    for _ in range(20):
        stats = await deliverer.deliver_once()
        sent, failed, dead = sent + stats.sent, failed + stats.failed, dead + stats.dead
        if stats.total == 0:
            break
    return sent, failed, dead


@pytest.fixture
async def relay() -> AsyncIterator[SmtpServer]:
    async with SmtpServer() as server:
        yield server


@pytest.fixture
def time(engine: Engine) -> MovingClock:
    found = MovingClock()
    load_demo(engine, found.clock)
    return found


def _deliverer(db: Engine, time: MovingClock, relay: SmtpServer, **senders: object) -> Deliverer:
    email = EmailSender(_settings(relay.url))
    return Deliverer(
        db, time.clock, {**senders, "email": email}, worker="w", pacing={},  # type: ignore[dict-item]
        rng=random.Random(1), environ={},
    )  # fmt: skip


def _queue(db: Engine, time: MovingClock, email: str, parts: list[Part]) -> int:
    with transaction(db) as s:
        row = Outbox(
            recipient_id=_person(db, email),
            parts=[part_to_json(p) for p in parts],
            preview=preview(parts),
            next_attempt_at=time.now,
            created_at=time.now,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def _status(db: Engine, row_id: int) -> Outbox:
    with transaction(db) as s:
        row = s.get(Outbox, row_id)
        assert row is not None
        return row


def _on_slack(engine: Engine, person_id: int, user: str, now: datetime) -> None:
    """The person has a Slack account linked (so email is not their route)."""
    with transaction(engine) as s:
        s.add(
            ChannelIdentity(
                person_id=person_id,
                platform="slack",
                tenant=TEAM,
                user_id=user,
                address={"team": TEAM, "user": user},
                created_at=now,
            )
        )


async def test_someone_on_no_chat_platform_gets_an_email_without_the_private_part(
    engine: Engine, time: MovingClock, relay: SmtpServer
) -> None:
    parts: list[Part] = [
        Text("Your diary entry is saved."),
        Text("Today I felt out of my depth in the *ward round*", private=True),
    ]
    row_id = _queue(engine, time, "mentee@example.org", parts)

    assert await _deliver(_deliverer(engine, time, relay)) == (1, 0, 0)

    [mail] = relay.messages
    assert relay.recipients == [["mentee@example.org"]]
    assert mail["To"] == "Priya Shah <mentee@example.org>"
    assert mail["From"] == FROM
    assert mail["Subject"] == "Your diary entry is saved"
    assert mail["Auto-Submitted"] == "auto-generated"
    text = _text(mail)
    assert text.startswith("Hello Priya,\n\nYour diary entry is saved.")
    assert "Replies to this email aren't read" in text
    assert "ask your scheme lead to set you up with mentorbot in Slack or Microsoft Teams" in text
    assert "Your diary entry is saved." in _html(mail)
    raw = mail.as_string()
    assert "out of my depth" not in raw
    assert "ward round" not in raw
    row = _status(engine, row_id)
    assert row.status == OutboxStatus.SENT.value
    assert row.platform_message_id == mail["Message-ID"]


async def test_someone_on_slack_is_not_emailed(
    engine: Engine, time: MovingClock, relay: SmtpServer
) -> None:
    _on_slack(engine, _person(engine, "mentee@example.org"), "UPRIYA", time.now)
    row_id = _queue(engine, time, "mentee@example.org", [Text("Hello from mentorbot.")])
    assert await _deliver(_deliverer(engine, time, relay)) == (0, 0, 0)
    assert relay.messages == []
    assert _status(engine, row_id).status == OutboxStatus.PENDING.value
    with transaction(engine) as s:
        chats = outbox_queries.by_email(
            s, [_person(engine, "mentee@example.org"), _person(engine, "mentor@example.org")]
        )
    assert chats == {
        _person(engine, "mentee@example.org"): "slack",
        _person(engine, "mentor@example.org"): None,
    }


async def test_a_confirmed_meeting_emails_a_real_calendar_invite(
    engine: Engine, time: MovingClock, relay: SmtpServer
) -> None:
    mentee = Chat(engine, time.clock, "mentee@example.org")
    mentor = Chat(engine, time.clock, "mentor@example.org")
    assert "Shall I send it to Tom?" in mentee.said(
        "book a meeting on Tuesday 3pm for an hour by video"
    )
    assert "Sent to Tom Okafor" in mentee.said("1")
    mentor.inbox()
    assert "Confirmed: your meeting with Priya Shah" in mentor.said("1")

    await _deliver(_deliverer(engine, time, relay))

    [mail] = [m for m in relay.messages if m["To"] == "Priya Shah <mentee@example.org>"]
    assert "Tom" in mail["Subject"]
    assert "The meeting invite is attached: open it to add it to your calendar." in _text(mail)
    [invite] = list(mail.iter_attachments())
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert str(invite.get_filename()).endswith("-invite.ics")
    calendar = Calendar.from_ical(invite.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)
    assert str(event["SUMMARY"]) == "Mentoring: Priya Shah and Tom Okafor"


async def test_a_relay_that_is_down_loses_nothing(
    engine: Engine, time: MovingClock, relay: SmtpServer
) -> None:
    deliverer = _deliverer(engine, time, relay)
    row_id = _queue(engine, time, "mentor@example.org", [Text("Your check-in is due.")])
    await relay.stop()

    assert await _deliver(deliverer) == (0, 1, 0)
    row = _status(engine, row_id)
    assert row.status == OutboxStatus.PENDING.value
    assert "could not be reached" in (row.last_error or "")

    relay.refuse_next(451)  # back, but busy: try later
    await relay.start()
    time.now += timedelta(hours=1)
    assert await _deliver(deliverer) == (0, 1, 0)
    assert "451" in (_status(engine, row_id).last_error or "")

    time.now += timedelta(hours=1)
    assert await _deliver(deliverer) == (1, 0, 0)
    assert [m["Subject"] for m in relay.messages] == ["Your check-in is due"]
    assert _status(engine, row_id).status == OutboxStatus.SENT.value


async def test_a_mailbox_that_does_not_exist_is_given_up_on(
    engine: Engine, time: MovingClock, relay: SmtpServer
) -> None:
    row_id = _queue(engine, time, "mentor@example.org", [Text("Your check-in is due.")])
    relay.refuse_next(550)
    assert await _deliver(_deliverer(engine, time, relay)) == (0, 0, 1)
    row = _status(engine, row_id)
    assert row.status == OutboxStatus.DEAD.value
    assert "550" in (row.last_error or "")


# -- urgent concerns: the lead and the chair, by email too -----------------------------------


async def test_an_urgent_concern_emails_the_lead_and_the_chair_once(
    engine: Engine, time: MovingClock, relay: SmtpServer
) -> None:
    lead = _person(engine, "lead@example.org")
    _on_slack(engine, lead, "ULEAD", time.now)
    with transaction(engine) as s:
        scheme = s.exec(select(Scheme)).one()
        outbox_queries.set_scheme_channel(s, scheme, {"platform": "slack", "channel": "C0LEAD"})
    async with FakeSlackApi() as slack, aiohttp.ClientSession() as http:
        slack.outside.add("C0LEAD")  # the bot is not in the lead channel
        deliverer = _deliverer(
            engine, time, relay, slack=SlackSender(make_client(http, "xoxb-t", slack.url, 2))
        )
        mentee = Chat(engine, time.clock, "mentee@example.org")
        mentee.said(SAFEGUARDING)
        assert "marked urgent" in mentee.said("Send it")
        for _ in range(12):  # two hours of passes: the alert keeps failing
            await _deliver(deliverer)
            time.now += timedelta(minutes=10)

        lead_dms = [p for p in slack.posts() if p.get("channel") == "DULEAD"]
    assert len(lead_dms) == 1
    # Once each, not at every failure: the lead (on Slack) as well as a DM, the chair (on no
    # chat platform) instead of one.
    assert sorted(str(m["To"]) for m in relay.messages) == [
        "Grace Fraser <chair@example.org>",
        "Morgan Ellis <lead@example.org>",
    ]
    for mail in relay.messages:
        assert mail["Subject"] == "URGENT: safety concern C1 in Demo cohort"
        raw = mail.as_string()
        assert "scan" not in raw
        assert "public group chat" not in raw
        assert "Priya" not in raw
    [to_lead] = [m for m in relay.messages if "lead@example.org" in str(m["To"])]
    assert "type open C1 in your chat with mentorbot" in _text(to_lead)
    assert "Open your chat with mentorbot in Slack" in _text(to_lead)
    with transaction(engine) as s:
        rows = s.exec(select(Outbox).where(col(Outbox.concern_id).is_not(None))).all()
        assert all(r.status != OutboxStatus.DEAD.value for r in rows)


# -- settings, AUTH and TLS ------------------------------------------------------------------


def test_settings_are_read_from_the_url_and_checked() -> None:
    s = _settings("smtps://bot%40example.org:pa%3Ass@mail.example.org")
    assert (s.host, s.port, s.implicit_tls) == ("mail.example.org", 465, True)
    assert (s.username, s.password) == ("bot@example.org", "pa:ss")
    assert "pa:ss" not in repr(s)
    s = _settings("smtp://bot@mail.example.org:2525", MENTORBOT_SMTP_PASSWORD="from-the-env")
    assert (s.port, s.implicit_tls, s.password) == (2525, False, "from-the-env")
    assert SmtpSettings.from_env({}) is None
    with pytest.raises(SmtpSettingsError, match="smtp:// or smtps://"):
        _settings("http://mail.example.org")
    with pytest.raises(SmtpSettingsError, match="MENTORBOT_MAIL_FROM"):
        SmtpSettings.from_env({"MENTORBOT_SMTP_URL": "smtp://mail.example.org"})


def test_the_smtp_password_is_redacted_as_written_and_as_sent() -> None:
    secrets = redaction.secret_values(
        {
            "MENTORBOT_SMTP_URL": "smtp://bot:s3cret%2Fpassword@mail.example.org",
            "MENTORBOT_SMTP_PASSWORD": "another-long-secret",
            "MENTORBOT_MAIL_FROM": FROM,
        }
    )
    assert {"s3cret%2Fpassword", "s3cret/password", "another-long-secret"} <= set(secrets)
    assert FROM not in secrets


async def test_auth_logs_in_and_a_wrong_password_is_permanent(tmp_path: Path) -> None:
    async with SmtpServer(user="mentorbot", password="right-horse-battery") as server:
        url = server.url.replace("://", "://mentorbot:right-horse-battery@")
        address = {"platform": "email", "to": "chair@example.org", "name": "Sam", "chat": None}
        await EmailSender(_settings(url)).send(address, [Text("Hello.")], "Hello.")
        assert server.logins == ["mentorbot"]
        assert len(server.messages) == 1

        wrong = _settings(server.url.replace("://", "://mentorbot@"), MENTORBOT_SMTP_PASSWORD="no")
        with pytest.raises(DeliveryError) as refused:
            await EmailSender(wrong).send(address, [Text("Hello.")], "Hello.")
        assert refused.value.permanent
        assert "535" in str(refused.value)
        assert len(server.messages) == 1


def _self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "relay.pem", tmp_path / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


async def test_smtps_sends_over_tls_from_the_first_byte(tmp_path: Path) -> None:
    context, cert = _self_signed(tmp_path)
    async with SmtpServer(user="mentorbot", password="right-horse-battery", tls=context) as server:
        assert server.url.startswith("smtps://")
        url = server.url.replace("://", "://mentorbot@")
        settings = _settings(
            url, MENTORBOT_SMTP_PASSWORD="right-horse-battery", MENTORBOT_SMTP_CA_FILE=str(cert)
        )
        address = {"platform": "email", "to": "lead@example.org", "name": "Morgan", "chat": "teams"}
        await EmailSender(settings).send(address, [Text("Hello.")], "Hello.")
        [mail] = server.messages
        assert "Open your chat with mentorbot in Microsoft Teams" in _text(mail)
        assert server.logins == ["mentorbot"]


def test_wrong_smtp_settings_stop_delivery_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORBOT_SMTP_URL", "smtp://mail.example.org")
    monkeypatch.delenv("MENTORBOT_MAIL_FROM", raising=False)
    result = mentorbot("deliver", db=f"sqlite:///{tmp_path / 'bot.db'}")
    assert result.returncode == 2
    assert "MENTORBOT_MAIL_FROM must be the address mentorbot's email comes from" in result.stderr


async def test_an_email_only_row_waits_for_a_process_that_can_send_email(
    engine: Engine, time: MovingClock
) -> None:
    lead = _person(engine, "lead@example.org")
    _on_slack(engine, lead, "ULEAD", time.now)
    with transaction(engine) as s:
        row = Outbox(
            recipient_id=lead,
            address={"platform": "email"},
            parts=[part_to_json(Text("Urgent."))],
            preview="Urgent.",
            next_attempt_at=time.now,
            created_at=time.now,
        )
        s.add(row)
        s.flush()
        row_id = row.id
    assert row_id is not None
    async with FakeSlackApi() as slack, aiohttp.ClientSession() as http:
        sender = SlackSender(make_client(http, "xoxb-t", slack.url, 2))
        deliverer = Deliverer(engine, time.clock, {"slack": sender}, worker="w", environ={})
        assert (await deliverer.deliver_once()).total == 0
        assert slack.posts() == []  # never as a Slack DM: it asked for email
    row = _status(engine, row_id)
    assert row.status == OutboxStatus.PENDING.value
    with transaction(engine) as s:  # not claimed (and given back) at every pass either
        claimed = outbox_queries.claim(
            s, "w", time.now, 10, timedelta(minutes=1), platforms=["slack", "webhook"]
        )
        assert claimed == []
