"""The Slack gate (bot/channels/slack/gate.py) through the real aiohttp server: bad timestamps
and malformed bodies get 4xx (never a 500), and nothing from another workspace or from a bot
reaches a dialog or gets a reply."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import ChannelIdentity, ProcessedEvent
from tests.test_slack_harness import (
    MENTEE,
    SECRET,
    SlackHarness,
    configure,
    fixture,
    mention,
    message,
    press,
    sign,
)

OTHER_TEAM = "T0ELSEWHERE"


@pytest.fixture
async def slack(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    configure(monkeypatch)
    async with SlackHarness(demo, clock) as harness:
        yield harness


def _slack_rows(db: Engine) -> tuple[int, int]:
    """Slack identities linked, and platform events recorded."""
    with transaction(db) as session:
        identities = session.exec(
            select(func.count())
            .select_from(ChannelIdentity)
            .where(ChannelIdentity.platform == "slack")
        ).one()
        events = session.exec(select(func.count()).select_from(ProcessedEvent)).one()
        return int(identities), int(events)


async def _post_bytes(slack: SlackHarness, raw: bytes, content_type: str) -> int:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    headers = {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }
    assert slack.http is not None
    async with slack.http.post(slack.url, data=raw, headers=headers) as response:
        return response.status


async def test_a_non_numeric_timestamp_is_401_and_a_malformed_signed_body_400(
    slack: SlackHarness,
) -> None:
    raw = json.dumps(message("hello"))
    good = sign(raw)
    for timestamp in ("not-a-number", "1.7e9", " 1790000000", "-1", "１２３", ""):
        headers = {**good, "X-Slack-Request-Timestamp": timestamp}
        status, _ = await slack.raw(raw, headers, "application/json")
        assert status == 401, timestamp
    for body, content_type in (
        ('{"type": "event_callback", "event": {', "application/json"),
        ("[1, 2, 3]", "application/json"),
        (urlencode({"payload": "{not json"}), "application/x-www-form-urlencoded"),
        (urlencode({"payload": '"a string"'}), "application/x-www-form-urlencoded"),
    ):
        status, _ = await slack.raw(body, sign(body), content_type)
        assert status == 400, body
    assert await _post_bytes(slack, b'{"type": "\xff\xfe"}', "application/json") == 400
    # The same malformed body unsigned is a 401: nothing is told to a stranger.
    status, _ = await slack.raw("[1, 2, 3]", {}, "application/json")
    assert status == 401
    await slack.idle()
    assert slack.api.posts() == []
    # And a good request still works.
    status, _ = await slack.event(message("hello"))
    assert status == 200
    assert slack.posts_to(f"D{MENTEE}")


async def test_nothing_from_another_workspace_is_answered_or_stored(slack: SlackHarness) -> None:
    foreign = message("hello")
    foreign["team_id"] = OTHER_TEAM
    foreign["event"]["team"] = OTHER_TEAM
    # A Slack Connect user of another workspace writing in a channel shared with ours.
    connect = mention("what's next")
    connect["event"]["user_team"] = OTHER_TEAM
    for body in (foreign, connect):
        status, _ = await slack.event(body)
        assert status == 200  # acknowledged, so Slack does not retry it
    command = fixture("slash_command")
    command.update({"team_id": OTHER_TEAM, "trigger_id": "1790000006.1.x"})
    raw = urlencode(command)
    status, _ = await slack.raw(raw, sign(raw), "application/x-www-form-urlencoded")
    assert status == 200
    await slack.idle()
    assert slack.api.posts() == []
    assert slack.api.of("users.info") == []
    assert _slack_rows(slack.db) == (0, 0)


async def test_a_button_pressed_from_another_workspace_does_nothing(slack: SlackHarness) -> None:
    await slack.event(message("book a meeting on Tuesday 3pm for an hour by video"))
    proposal = slack.last_post(f"D{MENTEE}")
    before = len(slack.api.calls)
    click = press(proposal, "Send to Tom")
    click["team"]["id"] = OTHER_TEAM
    click["user"]["team_id"] = OTHER_TEAM
    status, _ = await slack.interactive(click)
    assert status == 200
    assert slack.api.calls[before:] == []


async def test_messages_written_by_bots_get_no_reply(slack: SlackHarness) -> None:
    await slack.event(message("hello"))  # Priya is known
    before = len(slack.api.posts())
    # A workflow or another app posting on Priya's behalf, mentioning us in a channel.
    workflow = mention("help")
    workflow["event"].update({"bot_id": "B0WORKFLOW", "bot_profile": {"id": "B0WORKFLOW"}})
    # Another bot's message in our DM, and one from our own bot user.
    other_bot = message("hello from a bot")
    other_bot["event"].update({"subtype": "bot_message", "bot_id": "B0OTHER"})
    ourselves = mention("help")
    ourselves["event"]["user"] = "UBOT"
    for body in (workflow, other_bot, ourselves):
        status, _ = await slack.event(body)
        assert status == 200
    assert slack.api.posts()[before:] == []


async def test_slack_team_id_names_the_workspace_served(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, SLACK_TEAM_ID=OTHER_TEAM)
    async with SlackHarness(demo, clock) as slack:
        # The fake's token belongs to T0TEST; the setting says we serve another workspace.
        await slack.event(message("hello"))
        assert slack.api.posts() == []
        served = message("hello")
        served["team_id"] = OTHER_TEAM
        served["event"]["team"] = OTHER_TEAM
        await slack.event(served)
        assert slack.posts_to(f"D{MENTEE}")
