"""Slack cuts us off: the app is uninstalled from the workspace, or its bot token revoked.
Signed ``app_uninstalled`` and ``tokens_revoked`` events (Slack's own payload shapes) through the
real aiohttp server and slack-bolt; the Web API and the lead channel's webhook are local fakes.
Nothing more is sent on Slack, what waited for it is held, and the project lead hears it by
another route. Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.channels.slack import sender_from_env
from bot.channels.webhook import WebhookSender
from bot.outbox import Deliverer, DeliveryStats
from conversations.clock import Clock
from storage import outbox_queries, platform_queries
from storage.db import transaction
from storage.models import AuditLog, Outbox, OutboxStatus, Scheme
from tests.fakes.slack_api import TEAM, SlackUser
from tests.fakes.webhook_server import FakeWebhook
from tests.test_slack_harness import USERS, SlackHarness, configure, fixture, message, shown
from tests.transcript import Chat

LEAD = "U0LEAD"
PEOPLE = {**USERS, LEAD: SlackUser("lead@example.org", name="sam")}
HELP = "Here's what I can do for you:"


async def _deliver(db: Engine, clock: Clock) -> DeliveryStats:
    """Everything due, as ``mentorbot serve``'s deliverer sends it (Slack and webhooks)."""
    total = DeliveryStats()
    async with aiohttp.ClientSession() as http:
        senders = {"slack": sender_from_env(http), "webhook": WebhookSender(http)}
        deliverer = Deliverer(db, clock, senders, worker="t", pacing={})
        for _ in range(10):
            stats = await deliverer.deliver_once()
            total += stats
            if stats.total == 0:
                break
    return total


def _reply_to_priya(db: Engine) -> Outbox:
    with transaction(db) as session:
        return session.exec(
            select(Outbox).where(Outbox.kind == "reply").order_by(col(Outbox.id).desc())
        ).first() or pytest.fail("no reply")


async def test_an_uninstalled_app_stops_slack_and_the_lead_hears_another_way(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch)
    later = Clock.fixed((clock.now() + timedelta(minutes=1)).isoformat())
    async with FakeWebhook() as hook, SlackHarness(demo, clock, PEOPLE) as slack:
        with transaction(demo) as session:
            scheme = session.exec(select(Scheme)).one()
            outbox_queries.set_scheme_channel(
                session, scheme, {"platform": "webhook", "url": hook.url}
            )
        await slack.event(message("hello", user=LEAD))  # Sam, the lead, is on Slack only
        slack.api.fail_next("chat.postMessage", 500)
        await slack.event(message("help"))  # its reply to Priya waits in the outbox
        assert _reply_to_priya(demo).status == OutboxStatus.PENDING.value

        # Only people's own tokens revoked: our bot's is not among them, nothing changes.
        users_only = fixture("tokens_revoked")
        users_only["event_id"] = "Ev0USERSONLY"
        users_only["event"]["tokens"]["bot"] = []
        assert (await slack.event(users_only))[0] == 200
        with transaction(demo) as session:
            assert platform_queries.cut_off(session) == {}

        posted = len(slack.api.calls)
        status, body = await slack.event(fixture("app_uninstalled"))
        assert (status, body) == (200, "")
        # Then the bot token's revocation (Slack sends both): already cut off, told once.
        assert (await slack.event(fixture("tokens_revoked")))[0] == 200
        stats = await _deliver(demo, later)

        assert len(slack.api.calls) == posted  # not one more call to Slack
        [notice] = hook.texts()  # the lead channel, by its webhook
        assert notice.startswith("The mentorbot app was uninstalled from your Slack workspace")
        assert "(Mon 23 Nov, 10:00), so I've stopped sending on Slack." in notice
        assert "1 message for people I can only reach on Slack is waiting, unsent." in notice
        assert "once the app is installed again" in notice
        assert stats.sent == 1
        reply = _reply_to_priya(demo)
        assert (reply.status, reply.sent_at) == (OutboxStatus.PENDING.value, None)  # held
        with transaction(demo) as session:
            [audit] = session.exec(
                select(AuditLog).where(AuditLog.action == platform_queries.REVOKED)
            ).all()
            assert audit.subject == f"slack:{TEAM}"
            assert audit.detail == {"event": "app_uninstalled", "waiting": 1}

    # Sam reads the same news in the console, and with the failed messages.
    lead = Chat(demo, later, "lead@example.org")
    assert "so I've stopped sending on Slack" in lead.inbox()
    failed = lead.said("failed messages")
    assert (
        "The mentorbot app was uninstalled from your Slack workspace (Mon 23 Nov, 10:00)" in failed
    )
    assert "wait unsent until it's back" in failed

    # Installed again: the server starts with a token that works, and what waited goes out.
    async with SlackHarness(demo, later, PEOPLE) as slack:
        await _deliver(demo, later)
        [sent] = slack.posts_to(f"D{slack_user('mentee')}")
        assert HELP in shown(sent)
        assert slack.posts_to(f"D{LEAD}") == []  # the old news is not sent now
    assert _reply_to_priya(demo).status == OutboxStatus.SENT.value
    with transaction(demo) as session:
        assert platform_queries.cut_off(session) == {}
    assert "Every message has been delivered" in lead.said("failed messages")


def slack_user(who: str) -> str:
    return next(user for user, person in PEOPLE.items() if person.email == f"{who}@example.org")


SAFEGUARDING = (
    "I want to raise a safeguarding concern: a colleague shared a patient's scan in a public "
    "group chat"
)


async def test_an_urgent_concern_for_a_cut_off_lead_channel_goes_to_the_lead_directly(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch)
    async with SlackHarness(demo, clock, PEOPLE) as slack:
        with transaction(demo) as session:
            scheme = session.exec(select(Scheme)).one()
            outbox_queries.set_scheme_channel(
                session, scheme, {"platform": "slack", "channel": "C0LEAD"}
            )
        await slack.event(message("hello", user=LEAD))
        await slack.event(fixture("tokens_revoked"))  # the bot token among them
        calls = len(slack.api.calls)
        mentee = Chat(demo, clock, "mentee@example.org")
        mentee.said(SAFEGUARDING)
        assert "Sent to the project lead, marked urgent." in mentee.said("Send it")
        await _deliver(demo, clock)
        assert len(slack.api.calls) == calls  # not tried on Slack, in the channel or directly
    news = Chat(demo, clock, "lead@example.org").inbox()
    assert "URGENT: safety concern C1 in" in news
    assert (
        "I couldn't post its alert in the lead channel (the Slack token mentorbot uses was "
        "revoked), so it comes to you directly." in news
    )
    assert "The Slack token mentorbot uses was revoked (Mon 23 Nov, 10:00)" in news
    assert "so I've stopped sending on Slack" in news
