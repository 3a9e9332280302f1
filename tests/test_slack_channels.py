"""A Slack channel: who may make it the lead channel, and what it may show of a person (nothing:
answers about them go to a direct message). Signed requests through the real aiohttp server,
asserted on what the fake Web API was asked to post where. Fixed clock: Mon 23 Nov 2026."""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.scheme_config import load_scheme, parse_scheme
from conversations.shared_places import SENT_PRIVATELY
from storage.db import transaction
from storage.models import AuditLog
from tests.fakes.slack_api import SlackUser
from tests.test_slack_harness import MENTEE, SECRET, USERS, SlackHarness, message, press, shown
from tests.test_slack_journeys import _deliver

LEAD, STEERING = "U0LEAD", "U0STEER"
PEOPLE = {
    **USERS,
    LEAD: SlackUser("lead@example.org", name="morgan"),
    STEERING: SlackUser("steering@example.org", name="dev"),
}
_n = iter(range(1, 10**6))


def mention(text: str, user: str, channel: str) -> dict[str, Any]:
    """An app_mention event in ``channel``, as Slack sends it."""
    n = next(_n)
    body = message(text, user=user, event_id=f"EvCH{n:07d}")
    body["event"].update(
        {"type": "app_mention", "text": f"<@UBOT> {text}", "channel": channel, "ts": f"1.{n}"}
    )
    body["event"].pop("channel_type", None)
    return body


@pytest.fixture
async def slack(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    for name, value in (("SLACK_BOT_TOKEN", "xoxb-test"), ("SLACK_SIGNING_SECRET", SECRET)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    async with SlackHarness(demo, clock, PEOPLE) as harness:
        harness.api.channels.update({"C0NEW": "lms-lead", "C0LEAD": "old-lead"})
        yield harness


async def _ask(slack: SlackHarness, text: str, user: str, channel: str = "C0GENERAL") -> str:
    before = len(slack.posts_to(channel))
    await slack.event(mention(text, user, channel))
    return "\n".join(shown(p) for p in slack.posts_to(channel)[before:])


# -- item 12 ---------------------------------------------------------------------------------


async def test_answers_about_a_person_asked_in_a_slack_channel_go_to_a_direct_message(
    slack: SlackHarness,
) -> None:
    await slack.event(message("diary: I felt out of my depth at the board meeting"))
    await slack.event(
        message(
            "met Tom today for an hour; discussed the business case; actions: me: draft the "
            "business case by 5 Dec; next meeting 8 Jan 3pm"
        )
    )
    await slack.interactive(press(slack.last_post(f"D{MENTEE}"), "Save"))
    assert "Here's what I can do for you" in await _ask(slack, "help", MENTEE)
    before = len(slack.posts_to(f"D{MENTEE}"))
    for text in ("what's next", "my meetings", "my actions", "our minutes", "my diary"):
        assert await _ask(slack, text, MENTEE) == SENT_PRIVATELY, text
    private = "\n".join(shown(p) for p in slack.posts_to(f"D{MENTEE}")[before:])
    assert "Draft the business case" in private
    assert "out of my depth" in private
    in_channel = "\n".join(shown(p) + p.get("text", "") for p in slack.posts_to("C0GENERAL"))
    for personal in ("business case", "out of my depth", "Tom Okafor", "Sat 5 Dec", "Mon 7 Dec"):
        assert personal not in in_channel
    # Starting a concern, a check-in or an application from a channel carries on in the DM.
    for text in ("I want to raise a concern", "check-in", "apply"):
        assert await _ask(slack, text, MENTEE) == SENT_PRIVATELY, text
        await slack.event(message("cancel"))
    in_dm = "\n".join(shown(p) for p in slack.posts_to(f"D{MENTEE}"))
    assert "I'm sorry something is worrying you" in in_dm


# -- item 3 ----------------------------------------------------------------------------------


async def test_the_lead_chooses_a_slack_channel_over_the_scheme_file_s_and_it_is_told(
    slack: SlackHarness,
) -> None:
    demo = resources.files("conversations").joinpath("schemes/demo.toml").read_text("utf-8")
    in_file = demo + '\n[scheme.channels.lead]\nplatform = "slack"\nchannel = "C0LEAD"\n'
    load_scheme(slack.db, parse_scheme(in_file, slack.clock), slack.clock)

    refused = await _ask(slack, "use this channel for lead alerts", STEERING, "C0NEW")
    assert "Only the project lead or the steering chair" in refused
    assert "Morgan Ellis (project lead) or Grace Fraser (steering chair)" in refused

    chosen = await _ask(slack, "use this channel for lead alerts", LEAD, "C0NEW")
    assert "will come to this channel (#lms-lead)" in chosen
    assert (
        "This replaces the lead channel set in the scheme file (the Slack channel C0LEAD); "
        "I've told it that alerts have moved." in chosen
    )
    await _deliver(slack)
    [notice] = slack.posts_to("C0LEAD")
    assert shown(notice) == (
        "Lead alerts for Demo Leadership Mentoring Scheme now go to #lms-lead, set by Morgan Ellis."
    )
    with transaction(slack.db) as session:
        [audit] = session.exec(select(AuditLog).where(AuditLog.action == "lead_channel.chosen"))
    assert (audit.detail["old"]["channel"], audit.detail["new"]["channel"]) == ("C0LEAD", "C0NEW")

    await slack.event(message("I want to raise a safeguarding concern: a scan was shared"))
    await slack.interactive(press(slack.last_post(f"D{MENTEE}"), "Send it"))
    await _deliver(slack)
    assert any("C1" in shown(post) for post in slack.posts_to("C0NEW"))
    assert len(slack.posts_to("C0LEAD")) == 1
