"""Who a concern is about, beyond its pairing: a former partner, a reader it names; and the
raiser, who may read what she wrote but not open it as an alert (issue 11 probe findings 3, 13,
24, 20)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.nudges import sweep
from storage.db import transaction
from storage.models import Concern
from tests.concern_world import build
from tests.transcript import Chat, channel_inbox

REFUSED = "I can't find that alert"


def _concerns(db: Engine) -> list[Concern]:
    with transaction(db) as s:
        return list(s.exec(select(Concern)).all())


def _raise(chat: Chat, category: str, text: str) -> str:
    chat.said("raise a concern")
    chat.said(category)
    chat.said(text)
    return chat.said("Send it")


def test_a_concern_about_a_former_partner_on_the_steering_group_is_kept_from_her(
    demo: Engine, clock: Clock
) -> None:
    """Sam ends his pairing with Leah (a mentor on the steering group) as a no-fault exit, then
    raises a safety concern about her: it is tied to no pairing, but Leah is still its subject."""
    build(demo, clock)
    sam = Chat(demo, clock, "mentee3@example.org")
    for line in ("raise a concern", "2", "We don't get on", "Send it", "Yes, end our pairing"):
        sam.said(line)
    sam.said("No thanks")
    sent = _raise(sam, "5", "Leah posted a patient's scan on Facebook")
    assert sent.startswith("Sent to the project lead, marked urgent.")
    leah = Chat(demo, clock, "mentor3@example.org")
    for verb in ("open", "ack", "snooze", "contact", "resolve"):
        assert leah.said(f"{verb} C4").startswith(REFUSED), verb
    [c4] = [c for c in _concerns(demo) if c.id == 4]
    assert c4.pairing_id is None
    assert (c4.acknowledged_at, c4.snoozed_until, c4.resolved_at) == (None, None, None)
    # The others who steer the cohort still read it.
    assert "Leah posted" in Chat(demo, clock, "steering@example.org").said("open C4")


def test_a_concern_about_a_steering_member_named_in_it_is_kept_from_him(
    demo: Engine, clock: Clock
) -> None:
    """Priya's concern names Dev Anand, a steering member (not her mentor): he is kept out of
    it; the rest of the steering group and the lead read it, and the channel is alerted."""
    mentee = Chat(demo, clock, "mentee@example.org")
    _raise(
        mentee, "5", "Dev Anand made sexual comments to me at the launch event and I feel unsafe"
    )
    assert channel_inbox(demo, clock).startswith("URGENT: safety concern C1")
    dev = Chat(demo, clock, "steering@example.org")
    assert dev.said("open C1").startswith(REFUSED)
    assert dev.said("ack C1").startswith(REFUSED)
    assert "Dev Anand made" in Chat(demo, clock, "chair@example.org").said("open C1")
    assert "Dev Anand made" in Chat(demo, clock, "lead@example.org").said("open C1")


def test_a_reader_named_by_a_first_name_only_they_have_is_kept_out(
    demo: Engine, clock: Clock
) -> None:
    mentee = Chat(demo, clock, "mentee@example.org")
    _raise(mentee, "5", "Grace shouted at a patient in front of me")
    assert Chat(demo, clock, "chair@example.org").said("open C1").startswith(REFUSED)
    assert "Grace shouted" in Chat(demo, clock, "steering@example.org").said("open C1")


def test_a_concern_naming_every_reader_still_reaches_the_chair(demo: Engine, clock: Clock) -> None:
    """A concern naming the whole steering group and the lead cannot be kept from all of them:
    the chair still reads it, and an unacknowledged one is still raised to her."""
    mentee = Chat(demo, clock, "mentee@example.org")
    _raise(
        mentee,
        "5",
        "Morgan Ellis, Grace Fraser, Dev Anand, Alex Carter and Leah all ignored a patient's fall",
    )
    for email in ("lead@example.org", "steering@example.org", "moderator@example.org"):
        assert Chat(demo, clock, email).said("open C1").startswith(REFUSED), email
    assert "ignored a patient's fall" in Chat(demo, clock, "chair@example.org").said("open C1")
    later = Clock.fixed("2026-11-25T11:00:00+00:00")
    sweep(demo, later)
    assert "A concern (C1) raised on Mon 23 Nov" in Chat(demo, later, "chair@example.org").inbox()


def test_a_concern_naming_the_lead_chair_and_moderator_is_raised_to_the_steering_member(
    demo: Engine, clock: Clock
) -> None:
    """Nobody it names hears of it, but an unacknowledged urgent concern still goes to someone
    who may act on it: here Dev, the one steering member it does not name."""
    mentee = Chat(demo, clock, "mentee@example.org")
    _raise(mentee, "5", "Morgan Ellis, Grace Fraser and Alex Carter covered up a patient's fall")
    later = Clock.fixed("2026-11-25T11:00:00+00:00")
    sweep(demo, later)
    assert (
        "A concern (C1) raised on Mon 23 Nov" in Chat(demo, later, "steering@example.org").inbox()
    )
    for email in ("lead@example.org", "chair@example.org", "moderator@example.org"):
        assert Chat(demo, later, email).inbox() == "", email


def test_the_second_route_of_a_concern_naming_the_lead_and_chair_reaches_the_moderator(
    demo: Engine, clock: Clock
) -> None:
    """The lead channel cannot take the alert of an urgent concern naming the lead and the
    chair: its direct messages go to the moderator instead, never to those it names."""
    from conversations import urgent
    from storage.models import Outbox, Person

    mentee = Chat(demo, clock, "mentee@example.org")
    _raise(mentee, "5", "Morgan Ellis and Grace Fraser covered up a patient's fall")
    with transaction(demo) as s:
        assert urgent.use_second_route(s, 1, None, "not_in_channel", clock.now()) == 1
    with transaction(demo) as s:
        told = s.exec(
            select(Person.email)
            .join(Outbox, Outbox.recipient_id == Person.id)  # type: ignore[arg-type]
            .where(Outbox.kind == "concern_second_route")
        ).all()
    assert told == ["moderator@example.org"]


def test_a_raiser_on_the_steering_group_cannot_open_her_own_concern_as_an_alert(
    demo: Engine, clock: Clock
) -> None:
    """Leah (mentor and steering member) raises a concern about her mentee Sam: she may not
    open it as an alert (its handling history, an opening recorded), nor act on it."""
    build(demo, clock)
    leah = Chat(demo, clock, "mentor3@example.org")
    _raise(leah, "5", "Sam told me a patient was given the wrong dose and it was covered up")
    for verb in ("open", "ack", "snooze", "resolve", "contact"):
        assert leah.said(f"{verb} C3").startswith(REFUSED), verb


def test_a_huge_concern_reference_gets_a_kind_reply_not_a_crash(demo: Engine, clock: Clock) -> None:
    """A mistyped reference past what the database holds (SQLite's 64 bits, PostgreSQL's 32)
    is answered like any unknown alert."""
    chair = Chat(demo, clock, "chair@example.org")
    for ref in ("C99999999999999999999999", "C2147483648", "N99999999999999999999999"):
        assert REFUSED in chair.said(f"open {ref}"), ref
        assert REFUSED in chair.said(f"ack {ref}"), ref


async def test_a_huge_reference_on_slack_gets_the_same_kind_reply(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Slack the crash meant no reply at all: now the person is told, as for any alert."""
    from tests.test_slack_harness import MENTEE, SECRET, USERS, SlackHarness, message, shown

    for name, value in (("SLACK_BOT_TOKEN", "xoxb-test"), ("SLACK_SIGNING_SECRET", SECRET)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    async with SlackHarness(demo, clock, USERS) as slack:
        await slack.event(message("open C99999999999999999999999"))
        assert REFUSED in shown(slack.last_post(f"D{MENTEE}"))
