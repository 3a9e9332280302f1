"""Teams at its edges, through the real aiohttp server and the fake Bot Connector: activity ids
are per conversation, other tenants and bots are not answered, tokens must expire, two install
events make one welcome, a send Teams may have posted is never posted again, and a card's
fallback text is neutral."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot import outbox
from bot.channels import teams
from bot.channels.teams.cards import FALLBACK_TEXT
from conversations.clock import Clock
from conversations.messages import Text, part_to_json
from storage.db import transaction
from storage.models import Outbox, OutboxStatus
from tests.fakes.bot_connector import FakeBotConnector
from tests.test_teams import APP_ID, _identities, _settings, _teams
from tests.test_teams_sender import PARTS, _address, _send

OTHER_TENANT = "0e0e0e0e-0000-4000-8000-00000000e1se"


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


def _replies(connector: FakeBotConnector, conversation: str) -> list[str]:
    return [t for call in connector.sent(conversation) for t in call.texts()]


# -- item 11: ids per conversation, tenants, bots, unauthenticated mode -----------------------


async def test_the_same_activity_id_in_two_chats_is_answered_in_both(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    priya = connector.add_person("mentee@example.org", "Priya Shah")
    tom = connector.add_person("mentor@example.org", "Tom Okafor")
    async with _teams(demo, clock, connector) as bot:
        for user in (priya, tom):
            activity = connector.activity("message", user, text="help", id="1700000000000")
            assert await bot.post(activity) == 200
    assert _replies(connector, priya.conversation)
    assert _replies(connector, tom.conversation)


def _from_elsewhere(activity: dict[str, Any], channel_data: bool, conversation: bool) -> None:
    if channel_data:
        activity["channelData"]["tenant"]["id"] = OTHER_TENANT
    if conversation:
        activity["conversation"]["tenantId"] = OTHER_TENANT


async def test_activities_from_another_tenant_are_refused(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        for channel_data, conversation in ((True, True), (True, False), (False, True)):
            for kind in ("installation_update", "message"):
                activity = connector.activity(kind, user, text="help")
                _from_elsewhere(activity, channel_data, conversation)
                assert await bot.post(activity) == 403
        assert connector.calls == []  # not even a member lookup
        assert _identities(demo) == []
        # From our own tenant, the same person is answered.
        await bot.say(user, "help")
    assert _replies(connector, user.conversation)


async def test_messages_from_bots_get_no_reply(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        await bot.say(user, "help")  # Priya is linked
        before = len(connector.calls)
        by_role = connector.activity("message", user, text="help")
        by_role["from"]["role"] = "bot"
        by_app = connector.activity("message", user, text="help")
        by_app["from"].update({"id": "28:another-app", "aadObjectId": None})
        ourselves = connector.activity("message", user, text="help")
        ourselves["from"] = dict(ourselves["recipient"])
        for activity in (by_role, by_app, ourselves):
            assert await bot.post(activity) == 200
    assert connector.calls[before:] == []


def test_unauthenticated_teams_serves_only_on_loopback(tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "SLACK_"))}
    env["TEAMS_ALLOW_UNAUTHENTICATED"] = "true"
    for host in ("0.0.0.0", "::", "192.0.2.10", "mentorbot.example.org"):
        try:
            result = subprocess.run(
                [sys.executable, "-m", "bot", "serve", "--host", host, "--port", "0",
                 "--db", f"sqlite:///{tmp_path}/serve.sqlite3"],
                capture_output=True, text=True, env=env, timeout=60, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            pytest.fail(f"mentorbot serve started on {host} without authentication")
        assert result.returncode != 0, host
        [line] = result.stderr.splitlines()
        assert line.startswith("mentorbot: TEAMS_ALLOW_UNAUTHENTICATED=true"), line
        assert "loopback" in line


# -- item 17: a token must expire ------------------------------------------------------------


async def test_a_token_without_an_expiry_is_refused(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        message = connector.activity("message", user, text="help")
        forever = connector.token(APP_ID, expires_in=None)
        assert await bot.post(message, token=f"Bearer {forever}") == 401
        assert await bot.post(message, token="Bearer not.a.jwt") == 401
        assert connector.sent() == []
        assert await bot.post(message) == 200


# -- item 18: welcomes, sends Teams may have posted, fallback text ----------------------------


async def test_two_install_events_arriving_together_send_one_welcome(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    # Both events look Priya up before either links her, as when Teams sends them together.
    connector.hold_lookups(2)
    async with _teams(demo, clock, connector) as bot:
        statuses = await asyncio.gather(
            bot.post(connector.activity("installation_update", user)),
            bot.post(connector.activity("conversation_update", user)),
        )
    assert statuses == [200, 200]
    assert len([c for c in connector.calls if c.method == "GET"]) == 2  # the race happened
    welcomes = [t for t in _replies(connector, user.conversation) if "I'm mentorbot" in t]
    assert len(welcomes) == 1
    assert len(_identities(demo)) == 1


def _outbox_rows(db: Engine) -> list[Outbox]:
    with transaction(db) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())  # type: ignore[arg-type]


async def _deliver(db: Engine, at: Clock, connector: FakeBotConnector) -> outbox.DeliveryStats:
    async with aiohttp.ClientSession() as http:
        sender = teams.sender_from_env(http, settings=_settings(connector))
        deliverer = outbox.Deliverer(db, at, {"teams": sender}, worker="test", pacing={})
        return await deliverer.deliver_once()


def _later(clock: Clock, minutes: int) -> Clock:
    return Clock.fixed(clock.now() + timedelta(minutes=minutes))


async def test_a_reply_teams_may_have_posted_is_not_posted_again(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        await bot.say(user, "hello")
        connector.fail_next(502, posted=True)  # the reply shows in the chat, then a 502
        status = await bot.post(connector.activity("message", user, text="help"))
    assert status == 200
    assert len(connector.posted(user.conversation)) == 2
    [*_, row] = _outbox_rows(demo)
    assert row.status == OutboxStatus.DEAD.value
    assert row.last_error is not None
    assert "may have been delivered" in row.last_error
    for minutes in (1, 60, 24 * 60):  # the deliverer never posts it again
        await _deliver(demo, _later(clock, minutes), connector)
    assert len(connector.posted(user.conversation)) == 2


async def test_a_message_teams_may_have_posted_is_dead_lettered_not_resent(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        assert await bot.post(connector.activity("installation_update", user)) == 200
    [identity] = _identities(demo)
    with transaction(demo) as session:
        session.add(
            Outbox(
                recipient_id=identity.person_id,
                parts=[part_to_json(Text("Your mentor has accepted."))],
                preview="Your mentor has accepted.",
                next_attempt_at=clock.now(),
                created_at=clock.now(),
            )
        )
    before = len(connector.posted(user.conversation))
    connector.fail_next(412, posted=True)
    stats = await _deliver(demo, clock, connector)
    assert (stats.sent, stats.failed, stats.dead) == (0, 0, 1)
    for minutes in (1, 60, 24 * 60):
        await _deliver(demo, _later(clock, minutes), connector)
    assert len(connector.posted(user.conversation)) == before + 1
    [*_, row] = _outbox_rows(demo)
    assert row.status == OutboxStatus.DEAD.value
    assert row.last_error is not None
    assert row.last_error.startswith("ambiguous: may have been delivered")


async def test_the_card_fallback_text_carries_no_private_text(
    connector: FakeBotConnector,
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    await _send(_address(connector.url + "/", user), PARTS)
    [call] = connector.sent()
    assert call.card()["fallbackText"] == FALLBACK_TEXT
    assert "diary" not in FALLBACK_TEXT
    assert "Your diary entry is saved." in call.texts()  # the card itself still shows it
