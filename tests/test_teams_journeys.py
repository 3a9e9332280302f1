"""Every journey through Teams activities (booking is in tests/test_teams.py), and a pair split
across the two platforms: the mentee on Slack, the mentor on Teams, each in their own app.
Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot import outbox
from bot.channels import teams
from conversations.clock import Clock
from storage.db import transaction
from storage.models import (
    ActionItem,
    Concern,
    Contract,
    DiaryEntry,
    Meeting,
    MentorProfile,
    SurveyResponse,
)
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.bot_connector import Person as TeamsUser
from tests.test_slack_harness import MENTEE, SECRET, SlackHarness, message, press, shown
from tests.test_teams import Teams, _button, _settings, _teams


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


class Pair:
    """Priya and Tom on Teams, installed, with a deliverer for what the bot sends unprompted."""

    def __init__(self, bot: Teams, connector: FakeBotConnector, deliverer: outbox.Deliverer):
        self.bot = bot
        self.connector = connector
        self.deliverer = deliverer
        self.priya = connector.add_person("mentee@example.org", "Priya Shah")
        self.tom = connector.add_person("mentor@example.org", "Tom Okafor")

    async def install(self) -> None:
        for user in (self.priya, self.tom):
            assert await self.bot.post(self.connector.activity("installation_update", user)) == 200

    async def say(self, user: TeamsUser, text: str) -> str:
        await self.bot.say(user, text)
        return self.last(user)

    def last(self, user: TeamsUser) -> str:
        return "\n".join(self.connector.sent(user.conversation)[-1].texts())

    async def press(self, user: TeamsUser, label: str) -> str:
        card = [c for c in self.connector.sent(user.conversation) if c.buttons()][-1]
        await self.bot.press(user, _button(card, label), card.answered_id)
        return self.last(user)

    async def deliver(self) -> None:
        while (await self.deliverer.deliver_once()).total:
            pass


async def _pair(db: Engine, clock: Clock, connector: FakeBotConnector) -> AsyncIterator[Pair]:
    async with _teams(db, clock, connector) as bot, aiohttp.ClientSession() as http:
        sender = teams.sender_from_env(http, settings=_settings(connector))
        deliverer = outbox.Deliverer(db, clock, {"teams": sender}, worker="t", pacing={})
        pair = Pair(bot, connector, deliverer)
        await pair.install()
        yield pair


@pytest.fixture
async def pair(demo: Engine, clock: Clock, connector: FakeBotConnector) -> AsyncIterator[Pair]:
    async for made in _pair(demo, clock, connector):
        yield made


def _rows(db: Engine, model: type) -> list:  # type: ignore[type-arg]
    with transaction(db) as session:
        return list(session.exec(select(model)).all())


async def test_the_diary_through_teams(pair: Pair, demo: Engine) -> None:
    assert "Saved to your diary" in await pair.say(pair.priya, "diary: chaired the huddle")
    assert "prompts?" in await pair.say(pair.priya, "diary")
    assert "What happened?" in await pair.say(pair.priya, "yep")
    await pair.say(pair.priya, "A hard conversation")
    await pair.say(pair.priya, "skip")
    await pair.say(pair.priya, "Ask earlier")
    assert "Saved to your diary" in await pair.press(pair.priya, "Save")
    assert len(_rows(demo, DiaryEntry)) == 2


async def test_minutes_and_actions_through_teams(pair: Pair, demo: Engine) -> None:
    shown_minutes = await pair.say(
        pair.priya,
        "met Tom today for an hour; discussed the business case; actions: me: draft the "
        "business case by 5 Dec; next meeting 8 Jan 3pm",
    )
    assert "Here are the minutes" in shown_minutes
    await pair.press(pair.priya, "Save")
    assert "Ticked off" in await pair.say(pair.priya, "done 1")
    [action] = _rows(demo, ActionItem)
    assert action.done_at is not None


async def test_the_contract_through_teams_both_partners(pair: Pair, demo: Engine) -> None:
    await pair.say(pair.priya, "sign the contract")
    for answer in ("monthly video calls", "confidential", "board confidence", "email"):
        await pair.say(pair.priya, answer)
    assert "Signed: Priya Shah" in await pair.press(pair.priya, "I agree")
    await pair.deliver()
    await pair.press(pair.tom, "Review and sign")
    await pair.say(pair.tom, "Teams message after 4pm")
    assert "both signed" in await pair.press(pair.tom, "I agree")
    [contract] = _rows(demo, Contract)
    assert contract.mentor_signed_at is not None


async def test_a_check_in_through_teams(demo: Engine, connector: FakeBotConnector) -> None:
    async for pair in _pair(demo, Clock.fixed("2026-12-08T10:00:00+00:00"), connector):
        assert "How is the mentoring going" in await pair.say(pair.priya, "check-in")
        await pair.press(pair.priya, "4")
        await pair.press(pair.priya, "Once")
        await pair.say(pair.priya, "the board paper practice")
        await pair.say(pair.priya, "skip")
        assert "are in" in await pair.press(pair.priya, "Send")
    [response] = _rows(demo, SurveyResponse)
    assert response.answers["going"] == 4


async def test_a_concern_through_teams_is_never_shown_to_the_partner(
    pair: Pair, demo: Engine
) -> None:
    await pair.say(pair.priya, "I want to raise a safeguarding concern: a scan was shared")
    assert "marked urgent" in await pair.press(pair.priya, "Send it")
    await pair.deliver()
    to_tom = [t for c in pair.connector.sent(pair.tom.conversation) for t in c.texts()]
    assert not any("scan" in t for t in to_tom)
    [concern] = _rows(demo, Concern)
    assert concern.urgent


async def test_the_mentor_profile_applying_and_pausing_through_teams(
    pair: Pair, demo: Engine
) -> None:
    assert "at full capacity" in await pair.say(pair.tom, "I'm at full capacity")
    assert any(p.at_full_capacity for p in _rows(demo, MentorProfile))
    assert "closed on" in await pair.say(pair.priya, "I want to apply")
    assert "no reminders from me until" in await pair.say(pair.priya, "pause reminders until 5 Jan")


async def test_a_pair_split_across_slack_and_teams_books_a_meeting(
    demo: Engine, clock: Clock, connector: FakeBotConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.channels.slack import sender_from_env as slack_sender

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    tom = connector.add_person("mentor@example.org", "Tom Okafor")
    async with SlackHarness(demo, clock) as slack, _teams(demo, clock, connector) as bot:
        assert await bot.post(connector.activity("installation_update", tom)) == 200
        async with aiohttp.ClientSession() as http:
            deliverer = outbox.Deliverer(
                demo, clock,
                {"slack": slack_sender(http), "teams": teams.sender_from_env(http, settings=_settings(connector))},
                worker="t", pacing={},
            )  # fmt: skip
            # Priya books in Slack.
            await slack.event(message("book a meeting on Tuesday 3pm for an hour by video"))
            await slack.interactive(press(slack.last_post(f"D{MENTEE}"), "Send to Tom"))
            await deliverer.deliver_once()
            # Tom sees the proposal in Teams and accepts it there.
            card = [c for c in connector.sent(tom.conversation) if c.buttons()][-1]
            assert any("Priya Shah would like to meet" in t for t in card.texts())
            await bot.press(tom, _button(card, "Accept"), card.answered_id)
            await deliverer.deliver_once()
        # Priya is told in Slack.
        told = "\n".join(shown(p) for p in slack.posts_to(f"D{MENTEE}"))
        assert "Tom Okafor accepted" in told
    [meeting] = _rows(demo, Meeting)
    assert meeting.status == "confirmed"


TEAM_CHANNEL = "19:project-team@thread.tacv2;messageid=1700000000001"
LEAD_CHANNEL = TEAM_CHANNEL.split(";")[0]  # the channel itself, not the thread said in


def _in_channel(connector: FakeBotConnector, user: TeamsUser, text: str) -> dict[str, object]:
    """An @mention of the bot in a team channel, as Teams posts it."""
    activity = connector.activity("message", user, text=f"<at>mentorbot</at> {text}")
    activity["conversation"] = {
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": "tenant-id",
        "id": TEAM_CHANNEL,
    }
    activity["entities"] = [
        {
            "type": "mention",
            "text": "<at>mentorbot</at>",
            "mentioned": {"id": activity["recipient"]["id"], "name": "mentorbot"},
        }
    ]
    activity["channelData"] = {
        "tenant": {"id": activity["channelData"]["tenant"]["id"]},
        "team": {"id": "19:team"},
        "channel": {"id": "19:project-team@thread.tacv2"},
    }
    activity["conversation"]["tenantId"] = activity["channelData"]["tenant"]["id"]
    return activity


async def test_a_mention_in_a_team_channel_keeps_private_answers_out_of_it(
    pair: Pair, demo: Engine
) -> None:
    await pair.say(pair.priya, "diary: something only I should read")
    assert await pair.bot.post(_in_channel(pair.connector, pair.priya, "help")) == 200
    in_channel = "\n".join(t for c in pair.connector.sent(TEAM_CHANNEL) for t in c.texts())
    assert "Here's what I can do for you" in in_channel  # public text: answered there
    assert await pair.bot.post(_in_channel(pair.connector, pair.priya, "my diary")) == 200
    in_channel = "\n".join(t for c in pair.connector.sent(TEAM_CHANNEL) for t in c.texts())
    assert "I've sent that to you privately" in in_channel
    assert "something only I should read" not in in_channel
    await pair.deliver()
    assert "something only I should read" in pair.last(pair.priya)


async def test_the_lead_makes_a_team_channel_the_lead_channel(pair: Pair, demo: Engine) -> None:
    morgan = pair.connector.add_person("lead@example.org", "Morgan Ellis")
    refused = _in_channel(pair.connector, pair.tom, "use this channel for lead alerts")
    assert await pair.bot.post(refused) == 200
    assert "Only the project lead" in "\n".join(pair.connector.sent(TEAM_CHANNEL)[-1].texts())
    chosen = _in_channel(pair.connector, morgan, "use this channel for lead alerts")
    assert await pair.bot.post(chosen) == 200
    assert "will come to this channel" in "\n".join(pair.connector.sent(TEAM_CHANNEL)[-1].texts())
    # A concern now reaches the lead in that channel.
    await pair.say(pair.priya, "I want to raise a safeguarding concern: a scan was shared")
    await pair.press(pair.priya, "Send it")
    await pair.deliver()
    alert = "\n".join(t for c in pair.connector.sent(LEAD_CHANNEL) for t in c.texts())
    assert "URGENT: safety concern C1 in Demo cohort" in alert
    assert "Priya" not in alert
    assert "scan" not in alert


async def test_a_menu_choice_past_the_sixth_is_picked_from_more(pair: Pair) -> None:
    await pair.say(pair.priya, "menu")
    menu = pair.connector.sent(pair.priya.conversation)[-1]
    [actions] = [e["actions"] for e in menu.card()["body"] if e["type"] == "ActionSet"]
    assert len(actions) == 6  # Teams shows no more
    assert actions[-1]["type"] == "Action.ShowCard"
    help_text = await pair.press(pair.priya, "Help")  # an option of the More drop-down
    assert "what's next lists what's due for you" in help_text
    assert "*" not in help_text
