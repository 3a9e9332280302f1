"""Every journey end to end through Slack payloads: direct messages and button presses,
signed, through the real aiohttp server, with the Web API faked locally. (Booking a meeting is
in tests/test_slack.py.) Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.outbox import Deliverer
from conversations.clock import Clock
from storage.db import transaction
from storage.models import (
    ActionItem,
    Concern,
    Contract,
    DiaryEntry,
    Meeting,
    MentorProfile,
    Minutes,
    Person,
    SurveyResponse,
)
from tests.test_slack_harness import MENTEE, MENTOR, SECRET, SlackHarness, message, press, shown


@pytest.fixture
def slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)


@pytest.fixture
async def slack(demo: Engine, clock: Clock, slack_env: None) -> AsyncIterator[SlackHarness]:
    async with SlackHarness(demo, clock) as harness:
        yield harness


async def _say(slack: SlackHarness, text: str, user: str = MENTEE) -> str:
    await slack.event(message(text, user=user))
    return shown(slack.last_post(f"D{user}"))


async def _press(slack: SlackHarness, label: str, user: str = MENTEE) -> str:
    await slack.interactive(press(slack.last_post(f"D{user}"), label, user=user))
    return shown(slack.last_post(f"D{user}"))


async def _deliver(slack: SlackHarness) -> None:
    from bot.channels.slack import sender_from_env

    async with aiohttp.ClientSession() as http:
        deliverer = Deliverer(
            slack.db, slack.clock, {"slack": sender_from_env(http)}, worker="t", pacing={}
        )
        while (await deliverer.deliver_once()).total:
            pass


def _rows(db: Engine, model: type) -> list:  # type: ignore[type-arg]
    with transaction(db) as session:
        return list(session.exec(select(model)).all())


async def test_the_diary_through_slack(slack: SlackHarness) -> None:
    assert "Saved to your diary for Mon 23 Nov" in await _say(
        slack, "diary: chaired my first huddle"
    )
    assert "prompts?" in await _say(slack, "diary")
    assert "*What happened?*" in await _say(slack, "yes please")
    await _say(slack, "A hard conversation about leave")
    await _say(slack, "skip")
    assert "Shall I save it?" in await _say(slack, "Ask earlier next time")
    assert "Saved to your diary" in await _press(slack, "Save")
    assert len(_rows(slack.db, DiaryEntry)) == 2
    assert "entries 1–2 of 2" in await _say(slack, "my diary")


async def test_minutes_and_actions_through_slack(slack: SlackHarness) -> None:
    reply = await _say(
        slack,
        "met Tom today for an hour; discussed the business case; actions: me: draft the "
        "business case by 5 Dec; Tom: send the budget template by Friday; next meeting 8 Jan 3pm",
    )
    assert "Here are the minutes" in reply
    await _press(slack, "Save")
    assert len(_rows(slack.db, Minutes)) == 1
    assert "Send the budget template" in await _say(slack, "my actions")
    assert "Ticked off" in await _say(slack, "done 1")
    assert sum(a.done_at is not None for a in _rows(slack.db, ActionItem)) == 1


async def test_the_contract_through_slack_both_partners(slack: SlackHarness) -> None:
    await slack.event(message("hi", user=MENTOR))  # Tom has talked to the bot before
    await _say(slack, "sign the contract")
    await _say(slack, "monthly video calls")
    await _say(slack, "what we discuss stays between us")
    await _say(slack, "grow confidence presenting to the board")
    await _say(slack, "email, weekday mornings")
    assert "Signed: Priya Shah" in await _press(slack, "I agree")
    await _deliver(slack)  # Tom is asked to review it, in his DM
    await _press(slack, "Review and sign", user=MENTOR)
    await _say(slack, "Teams message after 4pm", user=MENTOR)
    assert "both signed" in await _press(slack, "I agree", user=MENTOR)
    [contract] = _rows(slack.db, Contract)
    assert contract.mentee_signed_at is not None
    assert contract.mentor_signed_at is not None


async def test_a_check_in_through_slack(demo: Engine, slack_env: None) -> None:
    async with SlackHarness(demo, Clock.fixed("2026-12-08T10:00:00+00:00")) as slack:
        assert "How is the mentoring going so far?" in await _say(slack, "check-in")
        await _press(slack, "4")
        await _press(slack, "Once")
        await _say(slack, "the board paper practice")
        await _say(slack, "skip")
        assert "Shall I send them?" in shown(slack.last_post(f"D{MENTEE}"))
        assert "your answers to the Keep-in-touch check-in are in" in await _press(slack, "Send")
    [response] = _rows(demo, SurveyResponse)
    assert response.answers["going"] == 4


async def test_a_concern_through_slack_reaches_only_the_lead(slack: SlackHarness) -> None:
    await slack.event(message("hi", user=MENTOR))
    shown_concern = await _say(slack, "I want to raise a safeguarding concern: a scan was shared")
    assert "Tom won't be told what you wrote" in shown_concern
    assert "Sent to the project lead, marked urgent" in await _press(slack, "Send it")
    [concern] = _rows(slack.db, Concern)
    assert concern.urgent
    await _deliver(slack)
    assert not any("scan" in str(p) for p in slack.posts_to(f"D{MENTOR}"))


async def test_the_mentor_profile_and_capacity_through_slack(slack: SlackHarness) -> None:
    assert "Your mentor profile" in await _say(slack, "my mentor profile", user=MENTOR)
    assert "at full capacity" in await _say(slack, "I'm at full capacity", user=MENTOR)
    with transaction(slack.db) as session:
        tom = session.exec(select(Person).where(Person.email == "mentor@example.org")).one()
        profile = session.exec(select(MentorProfile).where(MentorProfile.person_id == tom.id)).one()
    assert profile.at_full_capacity


async def test_applying_through_slack_says_when_applications_closed(slack: SlackHarness) -> None:
    assert "closed on" in await _say(slack, "I want to apply")


async def test_pausing_reminders_through_slack(slack: SlackHarness) -> None:
    assert "no reminders from me until" in await _say(slack, "pause reminders until 5 Jan")


async def test_the_lead_channel_in_slack_gets_the_concern_first(slack: SlackHarness) -> None:
    from storage import outbox_queries
    from storage.models import Scheme

    with transaction(slack.db) as session:
        scheme = session.exec(select(Scheme)).one()
        outbox_queries.set_scheme_channel(
            session, scheme, {"platform": "slack", "channel": "C0LEAD"}
        )
    await _say(slack, "I want to raise a safeguarding concern: a scan was shared")
    await _press(slack, "Send it")
    await _deliver(slack)
    [alert] = slack.posts_to("C0LEAD")
    assert "URGENT: safety concern C1 in Demo cohort" in shown(alert)
    assert "Priya" not in str(alert)
    assert "scan" not in str(alert)  # neither the text nor the raiser: readers open it
    assert "scan" not in alert["text"]  # the push preview never carries the concern
    assert "Acknowledge" in shown(alert)


def _with_file(text: str) -> dict[str, Any]:
    """A direct message sent with a screenshot attached, as Slack sends it (subtype file_share)."""
    body = message(text)
    body["event"]["subtype"] = "file_share"
    body["event"]["files"] = [{"id": "F0SCREEN", "name": "screenshot.png"}]
    return body


async def test_a_concern_sent_with_a_screenshot_is_read_and_the_file_is_said_to_be_unread(
    slack: SlackHarness,
) -> None:
    """A concern typed with a file attached was dropped without a word: it must be read."""
    await slack.event(
        _with_file(
            "I want to raise a safeguarding concern: Tom shared a patient's scan in the team chat"
        )
    )
    posts = [shown(p) for p in slack.posts_to(f"D{MENTEE}")]
    assert any("I can't open files, so I've only read what you typed" in p for p in posts)
    assert "Shall I send it to the project lead?" in posts[-1]


async def test_a_file_sent_alone_gets_a_kind_word_once(slack: SlackHarness) -> None:
    body = _with_file("")
    await slack.event(body)
    await slack.event(body)  # Slack's retry of the same delivery
    posts = [shown(p) for p in slack.posts_to(f"D{MENTEE}")]
    assert posts == [
        "I can't open files, so I don't know what you sent. Please type what you'd like to say "
        "(and leave out anything that identifies a patient)."
    ]


async def test_a_meeting_proposal_accepted_by_typing_in_slack(slack: SlackHarness) -> None:
    """The proposal reaches Tom as a notification; his typed "yes that works" (plain text, a new
    turn, no dialog waiting) accepts it."""
    await slack.event(message("hi", user=MENTOR))  # Tom has talked to the bot before
    assert "Shall I send it to Tom?" in await _say(
        slack, "book a meeting tomorrow at 3pm for an hour by video"
    )
    assert "Sent to Tom Okafor" in await _say(slack, "yes")
    await _deliver(slack)
    assert "Priya Shah would like to meet" in shown(slack.last_post(f"D{MENTOR}"))
    reply = await _say(slack, "yes that works 👍", user=MENTOR)
    assert reply.startswith("Confirmed: your meeting with Priya Shah on Tue 24 Nov")
    assert [m.status for m in _rows(slack.db, Meeting)] == ["confirmed"]
    await _deliver(slack)
    assert "Tom Okafor accepted" in "\n".join(shown(p) for p in slack.posts_to(f"D{MENTEE}"))
