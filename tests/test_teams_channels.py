"""A Teams team channel: who may make it the lead channel, and what it may show of a person
(nothing: answers about them go to their personal chat). Everything is asserted on what the
fake Bot Connector received, per conversation. Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.shared_places import NO_PRIVATE_CHAT, SENT_PRIVATELY
from storage.db import transaction
from storage.models import AuditLog, Person, Scheme
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.bot_connector import Person as TeamsUser
from tests.test_teams_journeys import Pair, _pair

PROJECT = "19:project-team@thread.tacv2"
LEADS = "19:leads@thread.tacv2"
OTHER = "19:leads-2027@thread.tacv2"
NAMES = {PROJECT: "Project team", LEADS: "Leads", OTHER: "Leads 2027"}


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


@pytest.fixture
async def pair(demo: Engine, clock: Clock, connector: FakeBotConnector) -> AsyncIterator[Pair]:
    async for made in _pair(demo, clock, connector):
        yield made


_posts = iter(range(1, 10**6))


def _in_channel(
    connector: FakeBotConnector, user: TeamsUser, text: str, channel: str = PROJECT
) -> dict[str, Any]:
    """An @mention of the bot in a new thread of a team channel, as Teams posts it."""
    activity = connector.activity("message", user, text=f"<at>mentorbot</at> {text}")
    tenant = activity["channelData"]["tenant"]["id"]
    activity["conversation"] = {
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": tenant,
        "id": f"{channel};messageid=17000000{next(_posts):05d}",
    }
    activity["entities"] = [
        {
            "type": "mention",
            "text": "<at>mentorbot</at>",
            "mentioned": {"id": activity["recipient"]["id"], "name": "mentorbot"},
        }
    ]
    activity["channelData"] = {
        "tenant": {"id": tenant},
        "team": {"id": "19:team", "name": "Mentoring"},
        "channel": {"id": channel, "name": NAMES[channel]},
    }
    return activity


def _shown(connector: FakeBotConnector, channel: str) -> list[str]:
    """Every message the channel shows (its threads included), one string each."""
    return [
        "\n".join(call.texts())
        for call in connector.sent()
        if call.conversation.split(";")[0] == channel
    ]


async def _ask(pair: Pair, user: TeamsUser, text: str, channel: str = PROJECT) -> str:
    before = len(_shown(pair.connector, channel))
    assert await pair.bot.post(_in_channel(pair.connector, user, text, channel)) == 200
    return "\n".join(_shown(pair.connector, channel)[before:])


# -- item 12: a team channel never shows personal data --------------------------------------


async def test_answers_about_a_person_asked_in_a_team_channel_go_to_their_personal_chat(
    pair: Pair,
) -> None:
    await pair.say(pair.priya, "diary: I felt out of my depth at the board meeting")
    await pair.say(
        pair.priya,
        "met Tom today for an hour; discussed the business case; actions: me: draft the "
        "business case by 5 Dec; next meeting 8 Jan 3pm",
    )
    await pair.press(pair.priya, "Save")
    before = len(pair.connector.sent(pair.priya.conversation))
    asked = ["what's next", "my meetings", "my actions", "our minutes", "my diary", "contract"]
    for text in asked:
        assert await _ask(pair, pair.priya, text) == SENT_PRIVATELY, text
    await pair.deliver()
    private = "\n".join(
        "\n".join(c.texts()) for c in pair.connector.sent(pair.priya.conversation)[before:]
    )
    assert "Draft the business case" in private  # my actions, our minutes
    assert "out of my depth" in private  # my diary
    everything_in_the_channel = "\n".join(_shown(pair.connector, PROJECT))
    for personal in ("business case", "out of my depth", "Tom Okafor", "Sat 5 Dec", "Mon 7 Dec"):
        assert personal not in everything_in_the_channel
    # Help says nothing about the person: it is answered where it was asked, unless it would
    # show where they are in a journey (here, the contract "contract" started in their chat).
    assert await _ask(pair, pair.priya, "help") == SENT_PRIVATELY
    await pair.say(pair.priya, "cancel")
    assert "Here's what I can do for you" in await _ask(pair, pair.priya, "help")


async def test_someone_without_a_personal_chat_is_told_kindly_in_the_channel(
    pair: Pair,
) -> None:
    # Sam has never opened a chat with the bot: nothing is stored to reach them privately.
    sam = pair.connector.add_person("mentee2@example.org", "Sam Lee")
    shown = await _ask(pair, sam, "what's next")
    assert shown == NO_PRIVATE_CHAT
    assert "Sam" not in shown


# -- item 3: only the lead or the steering chair chooses the lead channel --------------------


def _scheme(db: Engine) -> Scheme:
    with transaction(db) as session:
        return session.exec(select(Scheme)).one()


def _audit(db: Engine) -> list[tuple[str, str, Any]]:
    with transaction(db) as session:
        rows = session.exec(
            select(AuditLog, Person.display_name)
            .join(Person, col(Person.id) == col(AuditLog.actor_id))
            .where(col(AuditLog.action).startswith("lead_channel"))
            .order_by(col(AuditLog.id))
        ).all()
        return [(a.action, name, a.detail) for a, name in rows]


async def test_only_the_lead_or_the_chair_chooses_the_lead_channel_and_the_old_one_is_told(
    pair: Pair, demo: Engine
) -> None:
    morgan = pair.connector.add_person("lead@example.org", "Morgan Ellis")
    grace = pair.connector.add_person("chair@example.org", "Grace Fraser")
    dev = pair.connector.add_person("steering@example.org", "Dev Anand")
    mentor3 = pair.connector.add_person("mentor3@example.org", "Leah Dunn")

    # A steering member (or a mentor who is also on the steering group) is told who can.
    for someone in (dev, mentor3, pair.tom):
        refused = await _ask(pair, someone, "use this channel for lead alerts", LEADS)
        assert "Only the project lead or the steering chair" in refused
        assert "ask Morgan Ellis (project lead) or Grace Fraser (steering chair)" in refused
        assert "Nothing has changed" in refused
    assert "channels" not in _scheme(demo).settings or not _scheme(demo).settings["channels"]
    # The attempts are kept, with who and where.
    assert [(action, who, d["place_label"]) for action, who, d in _audit(demo)] == [
        ("lead_channel.refused", name, "the Leads channel in Mentoring")
        for name in ("Dev Anand", "Leah Dunn", "Tom Okafor")
    ]

    chosen = await _ask(pair, morgan, "use this channel for lead alerts", LEADS)
    assert "lead alerts for Demo Leadership Mentoring Scheme will come to this channel" in chosen
    assert "Until now they had no chat channel" in chosen

    moved = await _ask(pair, grace, "use this channel for lead alerts", OTHER)
    assert (
        "This replaces the Leads channel in Mentoring, chosen by Morgan Ellis on Mon 23 Nov; "
        "I've told it that alerts have moved." in moved
    )
    await pair.deliver()
    assert _shown(pair.connector, LEADS)[-1] == (
        "Lead alerts for Demo Leadership Mentoring Scheme now go to the Leads 2027 channel in "
        "Mentoring, set by Grace Fraser."
    )
    audit = [row for row in _audit(demo) if row[0] != "lead_channel.refused"]
    assert [(action, who) for action, who, _ in audit] == [
        ("lead_channel.chosen", "Morgan Ellis"),
        ("lead_channel.chosen", "Grace Fraser"),
    ]
    first, second = (detail for _, _, detail in audit)
    assert first["old"] is None
    assert first["new"]["reference"]["conversation"]["id"] == LEADS
    assert second["old"]["reference"]["conversation"]["id"] == LEADS
    assert second["new"]["reference"]["conversation"]["id"] == OTHER

    # Alerts now reach the chosen channel.
    await pair.say(pair.priya, "I want to raise a safeguarding concern: a scan was shared")
    await pair.press(pair.priya, "Send it")
    await pair.deliver()
    assert any("C1" in text for text in _shown(pair.connector, OTHER))
    assert not any("C1" in text for text in _shown(pair.connector, LEADS))
