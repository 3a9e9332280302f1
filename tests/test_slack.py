"""The Slack channel through a real aiohttp server: signed requests in Slack's own payload
shapes (tests/fixtures/slack/), the Web API faked by a local server that records every call.
Fixed clock: Mon 23 Nov 2026, 10:00 London; Priya Shah (mentee) is paired with Tom Okafor."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from bot.channels.slack.sender import METADATA_EVENT, SlackSender
from bot.outbox import Deliverer
from conversations.clock import Clock
from storage.db import transaction
from storage.models import ChannelIdentity, Meeting, MeetingStatus, Outbox, Person, ProcessedEvent
from tests.test_slack_harness import (
    MENTEE,
    MENTOR,
    SECRET,
    STRANGER,
    SlackHarness,
    fixture,
    mention,
    message,
    press,
    shown,
    sign,
)

ONE_SHOT = "book a meeting on Tuesday 3pm for an hour by video"


@pytest.fixture
async def slack(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    async with SlackHarness(demo, clock) as harness:
        yield harness


def _count(db: Engine, model: type[Meeting] | type[ProcessedEvent] | type[Outbox]) -> int:
    with transaction(db) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


# -- transport and security -----------------------------------------------------------------


async def test_url_verification_answers_the_challenge(slack: SlackHarness) -> None:
    body = fixture("url_verification")
    status, text = await slack.event(body)
    assert status == 200
    assert body["challenge"] in text


async def test_forged_old_or_unsigned_requests_get_401(slack: SlackHarness) -> None:
    raw = json.dumps(message("hello"))
    forged = sign(raw, secret="not-the-secret")
    old = sign(raw, timestamp=int(time.time()) - 6 * 60)
    for headers in (forged, old, {}):
        status, _ = await slack.raw(raw, headers, "application/json")
        assert status == 401
    await slack.idle()
    assert slack.api.posts() == []


async def test_a_retried_event_makes_one_reply_and_one_db_change(slack: SlackHarness) -> None:
    await slack.event(message("hello"))  # links Priya first
    events_before = _count(slack.db, ProcessedEvent)
    body = message(ONE_SHOT)
    statuses = []
    for attempt in range(5):
        headers = (
            {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"}
            if attempt
            else {}
        )
        status, _ = await slack.event(body, headers=headers, wait=attempt == 4)
        statuses.append(status)
    await slack.idle()
    assert statuses == [200] * 5
    replies = [p for p in slack.posts_to(f"D{MENTEE}") if "Shall I send it" in shown(p)]
    assert len(replies) == 1
    assert _count(slack.db, ProcessedEvent) == events_before + 1


async def test_a_double_clicked_button_changes_state_once(slack: SlackHarness) -> None:
    await slack.event(message(ONE_SHOT))
    proposal = slack.last_post(f"D{MENTEE}")
    click = press(proposal, "Send to Tom")
    await slack.interactive(click, wait=False)
    second = press(proposal, "Send to Tom")  # a new action_ts: a real second click
    await slack.interactive(second)
    with transaction(slack.db) as session:
        meetings = session.exec(select(Meeting)).all()
    assert len(meetings) == 1
    sent = [p for p in slack.posts_to(f"D{MENTEE}") if "Sent to Tom Okafor" in shown(p)]
    assert len(sent) == 1
    [update] = slack.api.of("chat.update")
    assert "✓ Send to Tom" in json.dumps(update["blocks"], ensure_ascii=False)
    assert not any(b["type"] == "actions" for b in update["blocks"])


# -- identity -------------------------------------------------------------------------------


async def test_first_message_links_the_slack_user_by_email_and_time_zone(
    slack: SlackHarness,
) -> None:
    await slack.event(message("hello", user=MENTOR))
    with transaction(slack.db) as session:
        identity = session.exec(
            select(ChannelIdentity).where(ChannelIdentity.user_id == MENTOR)
        ).one()
        person = session.get(Person, identity.person_id)
        assert person is not None
        assert person.email == "mentor@example.org"
        assert person.time_zone == "America/New_York"
        assert identity.tenant == "T0TEST"
        assert identity.address == {"team": "T0TEST", "user": MENTOR, "channel": f"D{MENTOR}"}
    assert "Hello Tom" in shown(slack.last_post(f"D{MENTOR}"))


async def test_a_stranger_is_told_kindly_how_to_join_once(slack: SlackHarness) -> None:
    body = message("hello", user=STRANGER)
    await slack.event(body)
    await slack.event(body, headers={"X-Slack-Retry-Num": "1"})
    [reply] = slack.posts_to(f"D{STRANGER}")
    assert "To join, ask the scheme's project lead" in shown(reply)


# -- conversations --------------------------------------------------------------------------


async def test_booking_end_to_end_mentor_accepts_from_the_outbox(slack: SlackHarness) -> None:
    await slack.event(message("hi", user=MENTOR))  # Tom has talked to the bot before
    await slack.event(message(ONE_SHOT))
    proposal = slack.last_post(f"D{MENTEE}")
    assert "Tue 24 Nov, 15:00" in shown(proposal)
    assert proposal["unfurl_links"] is False
    assert "link_names" not in proposal
    assert "parse" not in proposal
    await slack.interactive(press(proposal, "Send to Tom"))
    assert "Sent to Tom Okafor" in shown(slack.last_post(f"D{MENTEE}"))

    async with aiohttp.ClientSession() as http:
        from bot.channels.slack import sender_from_env

        deliverer = Deliverer(
            slack.db, slack.clock, {"slack": sender_from_env(http)}, worker="t", pacing={}
        )
        stats = await deliverer.deliver_once()
    assert stats.sent >= 1
    invite = slack.last_post(f"D{MENTOR}")
    assert "Priya Shah would like to meet" in shown(invite)
    assert invite["text"].startswith("Priya Shah would like to meet")
    await slack.interactive(press(invite, "Accept", user=MENTOR))
    assert "Confirmed: your meeting with Priya Shah" in shown(slack.last_post(f"D{MENTOR}"))
    with transaction(slack.db) as session:
        [meeting] = session.exec(select(Meeting)).all()
    assert meeting.status == MeetingStatus.CONFIRMED.value


async def test_a_mention_answers_help_in_the_thread(slack: SlackHarness) -> None:
    body = mention("help")
    await slack.event(body)
    reply = slack.last_post("C0GENERAL")
    assert reply["thread_ts"] == body["event"]["ts"]
    assert "what I can do for you" in shown(reply)


async def test_a_private_journey_from_a_mention_moves_to_a_dm(slack: SlackHarness) -> None:
    body = mention(ONE_SHOT)
    await slack.event(body)
    note = slack.last_post("C0GENERAL")
    assert note["thread_ts"] == body["event"]["ts"]
    assert "sent that to you privately" in shown(note)
    assert "Tue 24 Nov" not in shown(note)
    assert "Shall I send it to Tom?" in shown(slack.last_post(f"D{MENTEE}"))


async def test_the_slash_command_and_the_shortcut(slack: SlackHarness) -> None:
    status, _ = await slack.command("")
    assert status == 200
    assert "What would you like to do?" in shown(slack.last_post(f"D{MENTEE}"))
    shortcut = fixture("shortcut")
    await slack.interactive(shortcut)
    menus = [p for p in slack.posts_to(f"D{MENTEE}") if "What would you like" in shown(p)]
    assert len(menus) == 2


async def test_app_home_shows_partner_and_quick_buttons(slack: SlackHarness) -> None:
    await slack.event(fixture("app_home_opened"))
    [published] = slack.api.of("views.publish")
    assert published["user_id"] == MENTEE
    text = json.dumps(published["view"])
    assert "Tom Okafor" in text
    assert "Book a meeting" in text


async def test_a_form_opens_as_a_modal_and_its_submission_reaches_the_dialog(
    slack: SlackHarness,
) -> None:
    from bot.channels.slack import blocks
    from conversations.messages import FieldKind, Form, FormField

    form = Form(
        title="A very long title for a Slack modal",
        fields=(FormField("note", "Your note", FieldKind.LONG_TEXT, max_length=500),),
        submit_action="menu",
    )
    view = blocks.modal(form, f"D{MENTEE}")
    assert len(view["title"]["text"]) <= 24
    body = fixture("view_submission")
    body["view"]["private_metadata"] = view["private_metadata"]
    body["view"]["state"] = {"values": {"note": {"v": {"type": "plain_text_input", "value": "x"}}}}
    status, _ = await slack.interactive(body)
    assert status == 200
    await slack.interactive(body)  # the same submission again: ignored
    assert len(slack.posts_to(f"D{MENTEE}")) == 1

    body["view"]["hash"] = "another"
    body["view"]["state"]["values"]["note"]["v"]["value"] = "   "
    status, text = await slack.interactive(body)
    assert json.loads(text) == {
        "response_action": "errors",
        "errors": {"note": "Please write something here."},
    }


# -- proactive sending ----------------------------------------------------------------------


async def test_sender_maps_failures_and_puts_the_outbox_id_in_metadata(
    slack: SlackHarness,
) -> None:
    from bot.channels.base import DeliveryError
    from conversations.messages import Text

    async with aiohttp.ClientSession() as http:
        from bot.channels.slack.sender import make_client

        sender = SlackSender(make_client(http, "xoxb-test", slack.api.url, timeout=1))
        ts = await sender.send({"user": MENTOR}, [Text("hi")], "hi", outbox_id=42)
        assert ts
        post = slack.last_post(f"D{MENTOR}")
        assert post["metadata"]["event_type"] == METADATA_EVENT
        assert post["metadata"]["event_payload"]["outbox_id"] == 42

        lead = {"platform": "slack", "channel": "C0LEAD"}
        slack.api.fail_next("chat.postMessage", 429, "ratelimited", count=2, retry_after=0)
        with pytest.raises(DeliveryError) as limited:
            await sender.send(lead, [Text("x")], "x")
        assert limited.value.retry_after == 0
        assert not limited.value.permanent

        slack.api.fail_next("chat.postMessage", 500)
        with pytest.raises(DeliveryError) as server:
            await sender.send(lead, [Text("x")], "x")
        assert not server.value.permanent
        assert not server.value.ambiguous

        for code in ("channel_not_found", "invalid_auth"):
            slack.api.fail_next("chat.postMessage", 200, code)
            with pytest.raises(DeliveryError) as gone:
                await sender.send(lead, [Text("x")], "x")
            assert gone.value.permanent

        slack.api.delay = (4.5, 4.5)
        with pytest.raises(DeliveryError) as slow:
            await sender.send(lead, [Text("x")], "x")
        assert slow.value.ambiguous
        slack.api.delay = (0.0, 0.0)


async def test_replies_are_marked_delivered_after_posting(slack: SlackHarness) -> None:
    await slack.event(message("hello"))
    with transaction(slack.db) as session:
        pending = session.exec(
            select(func.count()).select_from(Outbox).where(col(Outbox.status) == "pending")
        ).one()
    assert pending == 0


async def test_app_home_is_republished_for_both_partners_when_it_changes(
    slack: SlackHarness,
) -> None:
    await slack.event(message("hi", user=MENTOR))
    await slack.event(message("hi"))
    before = len(slack.api.of("views.publish"))
    await slack.event(message("help"))  # nothing on the Home tab changes
    assert len(slack.api.of("views.publish")) == before
    await slack.event(message(ONE_SHOT))
    await slack.interactive(press(slack.last_post(f"D{MENTEE}"), "Send to Tom"))
    # A meeting is now proposed: both partners' Home tabs show it.
    published = {call["user_id"] for call in slack.api.of("views.publish")[before:]}
    assert published == {MENTEE, MENTOR}
    latest = [c for c in slack.api.of("views.publish") if c["user_id"] == MENTOR][-1]
    assert "Tue 24 Nov" in json.dumps(latest["view"], ensure_ascii=False)
