"""Urgent concerns have their own lane: when the lead channel cannot take an urgent alert (the
bot is not in the Slack channel, the webhook was revoked, there is no route at all), the lead
and the chair hear of it directly within five minutes, the alert is never dead-lettered, and
the lead channel gets it exactly once as soon as it works again.

The demo scheme, a mentee raising a safeguarding concern in chat, and the real deliverer with
the Slack sender against tests/fakes/slack_api.py and the webhook sender against
tests/fakes/webhook_server.py; the clock is injected and moved by hand. The lead (Morgan) is on
Slack, the chair (on the console) reads `mentorbot inbox`.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.channels.slack.sender import SlackSender, make_client
from bot.channels.webhook import WebhookSender
from bot.outbox import Deliverer
from conversations import urgent
from conversations.clock import Clock, parse_instant
from conversations.nudges import sweep
from conversations.scheme_config import load_demo
from storage import outbox_queries, queries
from storage.db import transaction
from storage.models import (
    ChannelIdentity,
    Concern,
    Membership,
    Outbox,
    OutboxStatus,
    Scheme,
    SecondRoute,
)
from tests.conftest import NOW
from tests.fakes.slack_api import TEAM, FakeSlackApi
from tests.fakes.webhook_server import FakeWebhook
from tests.test_cli import mentorbot
from tests.transcript import Chat

SAFEGUARDING = (
    "I want to raise a safeguarding concern: a colleague shared a patient's scan in a public "
    "group chat"
)
SLACK_LEAD = {"platform": "slack", "channel": "C0LEAD"}
LEAD_DM = "DULEAD"  # the fake's DM channel with the lead (conversations.open)
HEADLINE = "URGENT: safety concern C1 in Demo cohort"


class MovingClock:
    def __init__(self) -> None:
        self.now = parse_instant(NOW)
        self.clock = Clock(source=lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Scene:
    db: Engine
    time: MovingClock
    slack: FakeSlackApi
    hook: FakeWebhook
    deliverer: Deliverer

    def person(self, email: str) -> int:
        with transaction(self.db) as s:
            person = queries.person_by_email(s, email)
            assert person is not None
            assert person.id is not None
            return person.id

    def raise_urgent_concern(self) -> Concern:
        mentee = Chat(self.db, self.time.clock, "mentee@example.org")
        mentee.said(SAFEGUARDING)
        assert "marked urgent" in mentee.said("Send it")
        with transaction(self.db) as s:
            return s.exec(select(Concern)).one()

    def lead_channel(self, address: dict[str, Any] | None) -> None:
        with transaction(self.db) as s:
            scheme = s.exec(select(Scheme)).one()
            if address is None:
                scheme.settings = {**(scheme.settings or {}), "channels": {}}
                s.add(scheme)
            else:
                outbox_queries.set_scheme_channel(s, scheme, address, self.time.now)

    async def deliver(self) -> None:
        """Delivery passes until nothing more is due now."""
        for _ in range(20):
            if (await self.deliverer.deliver_once()).total == 0:
                return

    async def keep_failing(self, hours: int) -> None:
        """The deliverer running for ``hours``, a pass every 10 minutes."""
        for _ in range(hours * 6):
            self.time.advance(minutes=10)
            await self.deliver()

    def alert(self) -> Outbox:
        with transaction(self.db) as s:
            return s.exec(select(Outbox).where(Outbox.kind == "concern")).one()

    def second_route_rows(self) -> list[Outbox]:
        with transaction(self.db) as s:
            return list(s.exec(select(Outbox).where(Outbox.kind == "concern_second_route")).all())

    def dead_letters(self) -> list[outbox_queries.DeadLetter]:
        with transaction(self.db) as s:
            scheme_id = s.exec(select(Scheme.id)).one()
            assert scheme_id is not None
            return outbox_queries.dead_letters(s, scheme_id)

    def lead_dms(self) -> list[str]:
        return [str(p["blocks"]) for p in self.slack.posts() if p.get("channel") == LEAD_DM]

    def delivered_to_lead_channel(self) -> list[dict[str, Any]]:
        """Posts the lead channel accepted (Slack gives an accepted post its ``ts``)."""
        return [p for p in self.slack.posts() if p.get("channel") == "C0LEAD" and "ts" in p]

    def chair_inbox(self) -> str:
        return Chat(self.db, self.time.clock, "chair@example.org").inbox()


@pytest.fixture
async def scene(engine: Engine) -> AsyncIterator[Scene]:
    time = MovingClock()
    load_demo(engine, time.clock)
    async with FakeSlackApi() as slack, FakeWebhook() as hook, aiohttp.ClientSession() as http:
        senders = {
            "slack": SlackSender(make_client(http, "xoxb-test", slack.url, timeout=2)),
            "webhook": WebhookSender(http, read_timeout=2),
        }
        deliverer = Deliverer(
            engine, time.clock, senders, worker="w", pacing={}, max_attempts=3,
            rng=random.Random(1), environ={},
        )  # fmt: skip
        found = Scene(engine, time, slack, hook, deliverer)
        with transaction(engine) as s:
            s.add(
                ChannelIdentity(
                    person_id=found.person("lead@example.org"),
                    platform="slack",
                    tenant=TEAM,
                    user_id="ULEAD",
                    address={"team": TEAM, "user": "ULEAD"},
                    created_at=time.now,
                )
            )
        yield found


def _assert_told_directly(scene: Scene, concern: Concern, why: str) -> None:
    """The lead (on Slack) and the chair (on the console) were each told once, within five
    minutes, by reference, category, urgency and cohort: never what it says or who raised it."""
    [dm] = scene.lead_dms()
    chair = scene.chair_inbox()
    for text in (dm, chair):
        assert HEADLINE in text
        assert why in text
        assert "Type *open C1* to read it" in text
        assert "public group chat" not in text
        assert "Priya" not in text
    rows = scene.second_route_rows()
    assert sorted(r.recipient_id for r in rows) == sorted(
        [scene.person("lead@example.org"), scene.person("chair@example.org")]
    )
    for row in rows:
        assert row.created_at - concern.created_at <= timedelta(minutes=5)
        assert row.preview == f"{HEADLINE}."  # what a phone's notification shows
    [lead_row] = [r for r in rows if r.recipient_id == scene.person("lead@example.org")]
    assert lead_row.status == OutboxStatus.SENT.value
    assert lead_row.sent_at is not None
    assert lead_row.sent_at - concern.created_at <= timedelta(minutes=5)


async def test_a_lead_channel_the_bot_is_not_in_sends_an_urgent_concern_to_lead_and_chair(
    scene: Scene,
) -> None:
    scene.lead_channel(SLACK_LEAD)
    scene.slack.outside.add("C0LEAD")  # Slack answers not_in_channel
    concern = scene.raise_urgent_concern()

    await scene.deliver()
    _assert_told_directly(scene, concern, "I'm not a member of it: please invite me")

    await scene.keep_failing(hours=3)  # far past max_attempts (3)
    alert = scene.alert()
    assert alert.status == OutboxStatus.PENDING.value
    assert alert.attempts > 3
    assert "not_in_channel" in (alert.last_error or "")
    assert scene.dead_letters() == []
    assert len(scene.lead_dms()) == 1  # told once, not at every failure
    assert scene.chair_inbox() == ""
    assert scene.delivered_to_lead_channel() == []

    scene.slack.outside.clear()  # someone invites the bot
    scene.time.advance(minutes=2)
    await scene.deliver()
    scene.time.advance(hours=1)
    await scene.deliver()
    assert len(scene.delivered_to_lead_channel()) == 1
    assert scene.alert().status == OutboxStatus.SENT.value


async def test_a_revoked_lead_webhook_sends_an_urgent_concern_to_lead_and_chair(
    scene: Scene,
) -> None:
    scene.lead_channel({"platform": "webhook", "url": scene.hook.url})
    scene.hook.fail_next(410, count=1000)  # revoked: Gone, every time
    concern = scene.raise_urgent_concern()

    await scene.deliver()
    _assert_told_directly(scene, concern, "its webhook no longer works")

    await scene.keep_failing(hours=3)
    tried = len(scene.hook.received)
    assert tried > 3
    assert scene.alert().status == OutboxStatus.PENDING.value
    assert scene.dead_letters() == []
    assert len(scene.lead_dms()) == 1
    assert scene.chair_inbox() == ""

    scene.hook.recover()  # the webhook works again
    scene.time.advance(minutes=2)
    await scene.deliver()
    scene.time.advance(hours=1)
    await scene.deliver()
    assert len(scene.hook.received) == tried + 1
    assert "C1" in scene.hook.received[-1].text
    assert scene.alert().status == OutboxStatus.SENT.value


async def test_an_urgent_concern_with_no_lead_channel_at_all_goes_to_lead_and_chair(
    scene: Scene,
) -> None:
    scene.lead_channel(None)
    concern = scene.raise_urgent_concern()

    await scene.deliver()
    _assert_told_directly(scene, concern, "(it has no address set up)")
    with transaction(scene.db) as s:
        [route] = s.exec(select(SecondRoute)).all()
    assert route.concern_id == concern.id
    assert route.reason.startswith("no route")

    await scene.keep_failing(hours=3)
    assert scene.alert().status == OutboxStatus.PENDING.value
    assert scene.dead_letters() == []
    assert len(scene.lead_dms()) == 1
    assert scene.chair_inbox() == ""

    scene.lead_channel(SLACK_LEAD)  # the lead sets the channel up: it goes at once
    await scene.deliver()
    scene.time.advance(hours=1)
    await scene.deliver()
    assert len(scene.delivered_to_lead_channel()) == 1
    assert scene.alert().status == OutboxStatus.SENT.value


async def test_a_platform_not_configured_here_is_no_route_either(scene: Scene) -> None:
    scene.lead_channel({"platform": "teams", "reference": {"serviceUrl": "https://x"}})
    concern = scene.raise_urgent_concern()
    await scene.deliver()
    _assert_told_directly(scene, concern, "Teams is not set up on this server")


async def test_a_slow_platform_sends_the_second_route_after_a_few_minutes(scene: Scene) -> None:
    scene.lead_channel(SLACK_LEAD)
    scene.slack.fail_next("chat.postMessage", 500, count=1000)  # Slack down, not refusing
    scene.raise_urgent_concern()
    await scene.deliver()
    assert scene.second_route_rows() == []  # a blip is not worth an alarm
    scene.slack.fail_next("chat.postMessage", 500, count=1000)
    scene.time.advance(minutes=4)
    await scene.deliver()
    assert {r.recipient_id for r in scene.second_route_rows()} == {
        scene.person("lead@example.org"),
        scene.person("chair@example.org"),
    }
    assert HEADLINE in scene.chair_inbox()


async def test_the_second_route_message_to_the_lead_is_retried_until_it_is_delivered(
    scene: Scene,
) -> None:
    """The lead channel refuses the alert, so the lead gets the second-route direct message;
    but Slack fails for hours (far past the deliverer's max_attempts). The direct message is in
    the urgent lane like the alert: never dead-lettered, and delivered once Slack recovers."""
    scene.lead_channel(SLACK_LEAD)
    scene.slack.outside.add("C0LEAD")
    scene.slack.fail_next("chat.postMessage", error="internal_error", count=40)
    scene.raise_urgent_concern()
    await scene.deliver()
    await scene.keep_failing(hours=3)
    scene.slack.outside.clear()
    await scene.keep_failing(hours=1)
    [to_lead] = [
        r for r in scene.second_route_rows() if r.recipient_id == scene.person("lead@example.org")
    ]
    assert to_lead.status == OutboxStatus.SENT.value, f"{to_lead.status}, {to_lead.attempts} tries"
    assert [p for p in scene.slack.posts() if p.get("channel") == LEAD_DM and "ts" in p]
    assert scene.dead_letters() == []


async def test_the_chair_still_gets_the_escalation_and_the_lead_can_act_from_their_chat(
    scene: Scene,
) -> None:
    scene.lead_channel(None)
    scene.raise_urgent_concern()
    await scene.deliver()
    assert HEADLINE in scene.chair_inbox()

    scene.time.now = parse_instant("2026-11-25T10:30:00+00:00")  # two working days on
    sweep(scene.db, scene.time.clock)
    escalation = scene.chair_inbox()
    assert "hasn't been acknowledged in the lead channel after two working days" in escalation
    assert "public group chat" not in escalation

    lead = Chat(scene.db, scene.time.clock, "lead@example.org")
    assert "Acknowledged C1." in lead.said("ack C1")


def test_a_concern_goes_by_the_second_route_once_however_often_it_is_asked(
    engine: Engine,
) -> None:
    """Once per concern, and never to someone in the pairing it is about (here the mentor,
    who also chairs the steering group)."""
    time = MovingClock()
    load_demo(engine, time.clock)
    Chat(engine, time.clock, "mentee@example.org").said(SAFEGUARDING)
    Chat(engine, time.clock, "mentee@example.org").said("Send it")
    with transaction(engine) as s:
        concern = s.exec(select(Concern)).one()
        mentor = queries.person_by_email(s, "mentor@example.org")
        assert mentor is not None
        assert mentor.id is not None
        s.add(Membership(person_id=mentor.id, cohort_id=concern.cohort_id, role="steering_chair"))
    concern_id = concern.id
    assert concern_id is not None
    with transaction(engine) as s:
        first = urgent.use_second_route(s, concern_id, None, "not_in_channel", time.now)
    with transaction(engine) as s:
        again = urgent.use_second_route(s, concern_id, None, "not_in_channel", time.now)
    assert (first, again) == (2, 0)
    with transaction(engine) as s:
        twice = SecondRoute(concern_id=concern_id, reason="twice", created_at=time.now)
        s.add(twice)
        with pytest.raises(IntegrityError), s.begin_nested():
            s.flush()
    with transaction(engine) as s:
        assert len(s.exec(select(SecondRoute)).all()) == 1
        told = s.exec(
            select(Outbox.recipient_id).where(col(Outbox.kind) == "concern_second_route")
        ).all()
        assert mentor.id not in told
        assert len(told) == 2  # the lead and the chair


# -- the loud warnings ------------------------------------------------------------------------


def _scheme_file(tmp_path: Path, channel: str) -> Path:
    from importlib.resources import files

    demo = files("conversations").joinpath("schemes/demo.toml").read_text(encoding="utf-8")
    path = tmp_path / "scheme.toml"
    path.write_text(demo + f"\n[scheme.channels.lead]\n{channel}\n", encoding="utf-8")
    return path


def test_loading_a_scheme_warns_when_its_lead_channel_cannot_deliver(
    db_url: str, tmp_path: Path
) -> None:
    # The demo file as any scheme file (`scheme load --demo` lists the demo's people instead:
    # in the console demo, lead alerts are read in the lead's own chat).
    from importlib.resources import files

    plain = tmp_path / "demo.toml"
    plain.write_text(
        files("conversations").joinpath("schemes/demo.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    demo = mentorbot("scheme", "load", str(plain), "--now", NOW, db=db_url)
    assert demo.returncode == 0
    assert demo.stderr.startswith(
        'mentorbot: WARNING: scheme demo: the lead channel "lead" cannot receive alerts: it has '
        "no address set up."
    )
    assert "urgent concerns go to the lead's and chair's own chats" in demo.stderr

    slack = _scheme_file(tmp_path, 'platform = "slack"\nchannel = "C0LEAD"')
    loaded = mentorbot("scheme", "load", str(slack), "--now", NOW, db=db_url)
    assert loaded.returncode == 0
    assert "Slack is not set up on this server (SLACK_BOT_TOKEN)" in loaded.stderr

    hook = _scheme_file(tmp_path, 'platform = "webhook"\nurl = "https://hooks.example.org/x"')
    fine = mentorbot("scheme", "load", str(hook), "--now", NOW, db=db_url)
    assert fine.returncode == 0
    assert fine.stderr == ""


def test_lead_channel_problems_name_what_is_missing() -> None:
    problem = urgent.lead_channel_problem
    hook = {"platform": "webhook", "url_env": "LEAD_HOOK"}
    assert problem(hook, ["webhook"], {}) == (
        "its webhook URL's environment variable LEAD_HOOK is not set"
    )
    assert problem(hook, ["webhook"], {"LEAD_HOOK": "https://x"}) is None
    assert problem({"platform": "slack"}, ["slack", "webhook"], {}) == (
        "it has no Slack channel id"
    )
    assert problem(None, ["webhook"], {}) == "it has no address set up"


async def test_serve_warns_in_its_log_when_a_lead_channel_cannot_deliver(db_url: str) -> None:
    assert mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url).returncode == 0
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "MENTORBOT_NOW", "SLACK_BOT_TOKEN", "TEAMS_APP_ID")
    }
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--port", str(port), "--db", db_url, "--now", NOW,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert server.stderr is not None
    try:
        first = await asyncio.wait_for(server.stderr.readline(), timeout=60)
    finally:
        server.send_signal(signal.SIGTERM)
        _out, rest = await asyncio.wait_for(server.communicate(), timeout=60)
    assert first.decode().startswith(
        'mentorbot: WARNING: scheme demo: the lead channel "lead" cannot receive alerts'
    )
    assert "Traceback" not in rest.decode()
