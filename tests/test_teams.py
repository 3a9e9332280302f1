"""The Teams channel through a real aiohttp server: activities posted as Teams posts them, the
Bot Connector faked by a local server at the activities' serviceUrl (tests/fakes/bot_connector.py),
tokens signed with a local key and checked against a fake OpenID/JWKS endpoint."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import Engine
from sqlmodel import select

from bot import outbox
from bot.channels import teams
from bot.channels.teams.adapter import TeamsSettings
from conversations.clock import Clock
from storage.db import transaction
from storage.models import ChannelIdentity, Meeting, Person
from tests.fakes.bot_connector import TENANT, FakeBotConnector
from tests.fakes.bot_connector import Person as TeamsUser

APP_ID = "0b6a1f5e-3c1d-4e4f-9a7b-1d2e3f4a5b6c"
BOT_TOKEN = "token-the-bot-uses-outbound"


def _settings(connector: FakeBotConnector, app_id: str = APP_ID) -> TeamsSettings:
    return TeamsSettings(
        app_id=app_id,
        app_password="secret",
        tenant_id=TENANT,
        openid_metadata_url=connector.metadata_url,
        token_provider=lambda: BOT_TOKEN,
    )


@asynccontextmanager
async def _server(
    db: Engine, clock: Clock, settings: TeamsSettings
) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    app = web.Application()
    teams.mount(app, db, clock, settings=settings)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages"
    try:
        async with aiohttp.ClientSession() as http:
            yield url, http
    finally:
        await runner.cleanup()


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


class Teams:
    """Posts activities to the bot as Teams would, signed for the bot's app id."""

    def __init__(self, url: str, http: aiohttp.ClientSession, connector: FakeBotConnector):
        self.url = url
        self.http = http
        self.connector = connector

    async def post(self, activity: dict[str, Any], token: str | None = "good") -> int:
        headers = {}
        if token == "good":
            headers["Authorization"] = f"Bearer {self.connector.token(APP_ID)}"
        elif token is not None:
            headers["Authorization"] = token
        async with self.http.post(self.url, json=activity, headers=headers) as response:
            return response.status

    async def say(self, user: TeamsUser, text: str) -> dict[str, Any]:
        activity = self.connector.activity("message", user, text=text)
        assert await self.post(activity) == 200
        return activity

    async def press(self, user: TeamsUser, button: dict[str, Any], card_id: str) -> None:
        activity = self.connector.activity(
            "card_submit", user, value=button["data"], replyToId=card_id
        )
        assert await self.post(activity) == 200


@asynccontextmanager
async def _teams(demo: Engine, clock: Clock, connector: FakeBotConnector) -> AsyncIterator[Teams]:
    async with _server(demo, clock, _settings(connector)) as (url, http):
        yield Teams(url, http, connector)


def _identities(db: Engine) -> list[ChannelIdentity]:
    with transaction(db) as session:
        return list(
            session.exec(select(ChannelIdentity).where(ChannelIdentity.platform == "teams")).all()
        )


# -- authentication -------------------------------------------------------------------------


async def test_requests_without_a_valid_token_are_refused(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        message = connector.activity("message", user, text="help")
        assert await bot.post(message, token=None) == 401
        assert await bot.post(message, token="Bearer") == 401
        assert await bot.post(message, token=f"Basic {connector.token(APP_ID)}") == 401
        unknown = connector.token(APP_ID, unknown_key=True)
        assert await bot.post(message, token=f"Bearer {unknown}") == 401
        wrong_audience = connector.token("another-app")
        assert await bot.post(message, token=f"Bearer {wrong_audience}") == 401
        expired = connector.token(APP_ID, expires_in=-3600)
        assert await bot.post(message, token=f"Bearer {expired}") == 401
        other_issuer = connector.token(APP_ID, issuer="https://evil.example.org")
        assert await bot.post(message, token=f"Bearer {other_issuer}") == 401
        other_service = connector.token(APP_ID, service_url="https://elsewhere.example.org/")
        assert await bot.post(message, token=f"Bearer {other_service}") == 401
        assert connector.sent() == []
        assert _identities(demo) == []
        # The same message with a good token is answered.
        assert await bot.post(message) == 200
    [reply] = connector.sent()
    assert reply.authorization == f"Bearer {BOT_TOKEN}"
    assert any("book a meeting" in t.lower() for t in reply.texts())


async def test_without_an_app_id_the_endpoint_is_not_mounted(
    demo: Engine, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    app = web.Application()
    teams.mount(app, demo, clock, settings=TeamsSettings())
    assert [r.resource.canonical for r in app.router.routes() if r.resource] == []
    caplog.set_level(logging.WARNING)
    teams.mount(app, demo, clock, settings=TeamsSettings(allow_unauthenticated=True))
    assert [r.resource.canonical for r in app.router.routes() if r.resource] == ["/api/messages"]
    assert "UNAUTHENTICATED" in caplog.text


async def test_unauthenticated_mode_answers_without_a_token(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    settings = TeamsSettings(allow_unauthenticated=True)
    async with _server(demo, clock, settings) as (url, http):
        bot = Teams(url, http, connector)
        assert await bot.post(connector.activity("message", user, text="help"), token=None) == 200
    [reply] = connector.sent()
    assert reply.authorization == ""


# -- identity, installation, de-duplication -------------------------------------------------


async def test_installation_links_the_person_by_email_and_stores_the_reference(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        install = connector.activity("installation_update", user, localTimezone="Europe/Paris")
        assert await bot.post(install) == 200
        again = connector.activity("conversation_update", user)
        assert await bot.post(again) == 200
    [identity] = _identities(demo)
    assert (identity.platform, identity.tenant, identity.user_id) == ("teams", TENANT, user.aad)
    assert identity.address["tenantId"] == TENANT
    reference = identity.address["reference"]
    assert reference["conversation"] == {
        "conversationType": "personal",
        "id": user.conversation,
        "tenantId": TENANT,
    }
    assert reference["serviceUrl"] == connector.url + "/"
    assert reference["user"]["aadObjectId"] == user.aad
    with transaction(demo) as session:
        person = session.get(Person, identity.person_id)
        assert person is not None
        assert person.email == "mentee@example.org"
        assert person.time_zone == "Europe/Paris"
    lookups = [c.path for c in connector.calls if c.method == "GET"]
    assert lookups == [f"/v3/conversations/{user.conversation}/members/{user.user_id}"]
    [welcome] = connector.sent()  # once: the second event finds the person known
    assert "I'm mentorbot" in welcome.texts()[0]


async def test_a_stranger_is_told_to_ask_the_lead(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("nobody@example.org", "No Body")
    async with _teams(demo, clock, connector) as bot:
        await bot.say(user, "help")
    [reply] = connector.sent()
    assert "can't find you" in reply.texts()[0]
    assert _identities(demo) == []


async def test_the_same_activity_twice_gets_one_reply(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        activity = await bot.say(user, "help")
        assert await bot.post(activity) == 200  # Teams re-sends after 15 s
    assert len(connector.sent()) == 1


# -- a journey end to end --------------------------------------------------------------------

ONE_SHOT = "book a meeting on Tuesday 3pm for an hour by video"


def _button(call: Any, label_start: str) -> dict[str, Any]:
    for button in call.buttons():
        if button["title"].startswith(label_start):
            return dict(button)
    raise AssertionError(f"no button {label_start!r} in {[b['title'] for b in call.buttons()]}")


async def test_a_mentee_books_and_the_mentor_accepts_with_card_buttons(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    priya = connector.add_person("mentee@example.org", "Priya Shah")
    tom = connector.add_person("mentor@example.org", "Tom Okafor")
    async with _teams(demo, clock, connector) as bot, aiohttp.ClientSession() as http:
        deliverer = outbox.Deliverer(
            demo, clock, {"teams": teams.sender_from_env(http, settings=_settings(connector))},
            worker="test", pacing={},
        )  # fmt: skip
        for user in (priya, tom):
            assert await bot.post(connector.activity("installation_update", user)) == 200
        start = len(connector.calls)

        await bot.say(priya, ONE_SHOT)
        [proposal] = connector.sent(priya.conversation)[-1:]
        assert any("Shall I send it to Tom?" in t for t in proposal.texts())
        assert proposal.body is not None
        assert proposal.body["summary"]  # the notification preview
        await bot.press(priya, _button(proposal, "Send to Tom"), proposal.answered_id)
        [update] = connector.updates()
        assert update.path.endswith(f"/activities/{proposal.answered_id}")
        assert update.buttons() == []  # the card cannot be pressed twice
        assert any(
            "Sent to Tom Okafor" in t for t in connector.sent(priya.conversation)[-1].texts()
        )

        stats = await deliverer.deliver_once()
        assert stats.sent >= 1
        [to_tom] = [c for c in connector.sent(tom.conversation) if c.buttons()]
        assert to_tom.authorization == f"Bearer {BOT_TOKEN}"
        assert any("Priya Shah" in t for t in to_tom.texts())
        await bot.press(tom, _button(to_tom, "Accept"), to_tom.answered_id)
        assert any(
            "Confirmed: your meeting with Priya Shah" in t
            for t in connector.sent(tom.conversation)[-1].texts()
        )
        confirmed = str(connector.sent(tom.conversation)[-1].card())
        assert "BEGIN:VCALENDAR" not in confirmed  # the invite is a button, not its text
        assert "https://teams.microsoft.com/l/meeting/new?subject=Mentoring" in confirmed
        assert len(connector.updates()) == 2

        await deliverer.deliver_once()
        told = [t for c in connector.sent(priya.conversation) for t in c.texts()]
        assert any("Tom Okafor" in t and "accepted" in t.lower() for t in told), told
    with transaction(demo) as session:
        [meeting] = session.exec(select(Meeting)).all()
        assert meeting.status == "confirmed"
    assert all(c.authorization == f"Bearer {BOT_TOKEN}" for c in connector.calls[start:])
