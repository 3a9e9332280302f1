"""The project lead acts on alerts in the lead channel: acknowledge, contact, snooze. Everyone
else is refused without learning that the alert exists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.nudges import sweep
from storage.db import transaction
from storage.models import AuditLog, Concern, Nudge, Outbox
from tests.conftest import NOW
from tests.transcript import Chat, channel_inbox


def _raise_concern(mentee: Chat) -> str:
    mentee.said("I want to raise a safeguarding concern: a colleague shared a scan in a group chat")
    mentee.said("Send it")
    return channel_inbox(mentee.db, mentee.clock)


def test_a_concern_reaches_the_lead_channel_first_with_its_actions(mentee: Chat) -> None:
    alert = _raise_concern(mentee)
    assert alert.startswith(
        "URGENT: safety concern C1 in Demo cohort (patient safety, safeguarding, fitness to "
        "practise). Press *Open* (or type *open C1*) to read it in your own chat."
    )
    assert "Alert C1: what would you like to do?" in alert
    assert "  1. Open\n  2. Acknowledge\n  3. Contact them\n  4. Snooze 1 week" in alert
    # The channel carries no concern text and no names: not the raiser's, not the partner's.
    for private in ("scan", "group chat", "Priya", "Shah", "Tom", "Okafor", "mentee"):
        assert private not in alert
    with transaction(mentee.db) as s:
        row = s.exec(select(Outbox).where(Outbox.kind == "concern")).one()
    assert row.priority == 0
    assert "scan" not in row.preview


def test_acknowledging_records_who_and_when_and_tells_the_channel(
    demo: Engine, mentee: Chat, clock: Clock
) -> None:
    _raise_concern(mentee)
    lead = Chat(demo, clock, "lead@example.org")
    assert "Acknowledged C1." in lead.said("ack C1")
    assert channel_inbox(demo, clock) == "C1 acknowledged by Morgan Ellis, Mon 23 Nov, 10:00."
    assert "C1 was already acknowledged by Morgan Ellis, Mon 23 Nov, 10:00." in lead.said("ack C1")
    with transaction(demo) as s:
        concern = s.exec(select(Concern)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "acknowledged")).one()
    assert concern.acknowledged_by_id == lead.person_id
    assert (audit.actor_id, audit.subject, audit.at.isoformat()) == (lead.person_id, "C1", NOW)
    # Acknowledged, so it is not raised to the chair after two working days.
    sweep(demo, Clock.fixed("2026-11-26T10:00:00+00:00"))
    with transaction(demo) as s:
        assert s.exec(select(Nudge).where(Nudge.rule == "concern_escalation")).all() == []


def test_an_unacknowledged_concern_goes_to_the_chair_after_two_working_days(
    demo: Engine, mentee: Chat
) -> None:
    _raise_concern(mentee)
    sweep(demo, Clock.fixed("2026-11-24T10:00:00+00:00"))  # one working day: not yet
    chair = Chat(demo, Clock.fixed("2026-11-25T10:00:00+00:00"), "chair@example.org")
    assert chair.inbox() == ""
    sweep(demo, Clock.fixed("2026-11-25T10:00:00+00:00"))
    message = chair.inbox()
    assert "hasn't been acknowledged in the lead channel after two working days" in message
    assert "scan" not in message  # the chair is told that, not what


def test_snoozing_holds_back_the_escalation_and_brings_the_alert_back(
    demo: Engine, mentee: Chat, clock: Clock
) -> None:
    for line in ("raise a concern", "1", "Tom keeps cancelling our meetings", "Send it"):
        mentee.said(line)
    channel_inbox(demo, clock)
    lead = Chat(demo, clock, "lead@example.org")
    snoozed = lead.said("snooze C1")
    assert snoozed == (
        "Snoozed C1 until Mon 30 Nov, 10:00. I'll raise it in the lead channel again then."
    )
    assert channel_inbox(demo, clock) == (
        "C1 snoozed by Morgan Ellis, Mon 23 Nov, 10:00, until Mon 30 Nov, 10:00."
    )
    sweep(demo, Clock.fixed("2026-11-26T10:00:00+00:00"))
    with transaction(demo) as s:
        assert s.exec(select(Nudge).where(Nudge.rule == "concern_escalation")).all() == []
        back = s.exec(
            select(Outbox).where(Outbox.channel == "lead", Outbox.status == "pending")
        ).one()
    assert back.next_attempt_at == clock.now() + timedelta(weeks=1)
    assert "Back from snooze: C1" in back.parts[0]["text"]


def test_snoozing_an_unacknowledged_urgent_concern_neither_hides_it_nor_delays_the_chair(
    demo: Engine, clock: Clock
) -> None:
    """Dev snoozes urgent concern C1 minutes after it is raised, without acknowledging it: the
    lead channel is told at once, and the chair still hears of it after two working days."""
    mentee = Chat(demo, clock, "mentee@example.org")
    mentee.said("raise a concern")
    mentee.said("5")
    mentee.said("A patient was left unattended on a trolley for six hours and came to harm")
    mentee.said("Send it")
    assert channel_inbox(demo, clock).startswith("URGENT: safety concern C1")
    snoozed = Chat(demo, clock, "steering@example.org").said("snooze C1")
    assert snoozed.startswith("Snoozed C1 until Mon 30 Nov, 10:00.")
    assert "it still goes to the steering group chair" in snoozed
    told = channel_inbox(demo, clock)
    assert "C1 snoozed by Dev Anand, Mon 23 Nov, 10:00, until Mon 30 Nov, 10:00." in told
    assert "trolley" not in told
    assert "Priya" not in told
    later = Clock.fixed("2026-11-25T11:00:00+00:00")
    sweep(demo, later)
    chair = Chat(demo, later, "chair@example.org").inbox()
    assert "A concern (C1) raised on Mon 23 Nov" in chair


def test_a_resolved_concern_does_not_come_back_from_snooze(demo: Engine, clock: Clock) -> None:
    """Dev snoozes C1 and then resolves it: a week later the lead channel is not invited to act
    on it again; a concern still open does come back."""
    mentee = Chat(demo, clock, "mentee@example.org")
    for line in ("raise a concern", "1", "Tom keeps cancelling our meetings", "Send it"):
        mentee.said(line)
    for line in ("raise a concern", "1", "Tom never answers my messages", "Send it"):
        mentee.said(line)
    channel_inbox(demo, clock)
    dev = Chat(demo, clock, "steering@example.org")
    dev.said("snooze C1")
    dev.said("snooze C2")
    assert dev.said("resolve C1").startswith("Resolved C1.")
    channel_inbox(demo, clock)
    week_later = Clock.fixed("2026-12-01T10:00:00+00:00")
    back = channel_inbox(demo, week_later)
    assert "Back from snooze: C1" not in back
    assert "Back from snooze: C2" in back
    with transaction(demo) as s:
        dropped = s.exec(select(Outbox).where(Outbox.status == "obsolete")).one()
    assert dropped.last_error == "obsolete: the concern was resolved"


def test_a_concern_dealt_with_is_resolved_and_no_longer_open_in_reports(
    demo: Engine, mentee: Chat, clock: Clock
) -> None:
    _raise_concern(mentee)
    channel_inbox(demo, clock)
    lead = Chat(demo, clock, "lead@example.org")
    assert "*Concerns*\n• 1 open concern" in lead.said("scheme health")
    acked = lead.said("ack C1")
    assert "When it's dealt with, mark C1 resolved (or type *resolve C1*)." in acked
    assert "  1. Mark resolved" in acked
    later = Clock.fixed("2026-11-24T09:30:00+00:00")
    lead = Chat(demo, later, "lead@example.org")
    lead.said("ack C1")  # shows the button again, a day later
    assert lead.said("1") == (
        "Resolved C1. It no longer counts as open in reports, and I've told the lead channel."
    )
    assert channel_inbox(demo, later).endswith("C1 resolved by Morgan Ellis, Tue 24 Nov, 09:30.")
    chair = Chat(demo, later, "chair@example.org")
    assert chair.said("resolve C1") == "C1 was already resolved by Morgan Ellis, Tue 24 Nov, 09:30."
    with transaction(demo) as s:
        concern = s.exec(select(Concern)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "resolved")).one()
    assert (concern.status, concern.resolved_by_id) == ("resolved", lead.person_id)
    assert (audit.actor_id, audit.subject) == (lead.person_id, "C1")
    assert "No open concerns." in lead.said("scheme health")
    # Nobody else can resolve one, nor learn that it exists.
    assert "I can't find that alert" in mentee.said("resolve C1")
    assert "I can't find that alert" in Chat(demo, clock, "mentor@example.org").said("resolve C1")


def test_contact_gives_the_lead_the_details_privately(
    demo: Engine, mentee: Chat, clock: Clock
) -> None:
    _raise_concern(mentee)
    reply = Chat(demo, clock, "lead@example.org").said("contact C1")
    assert reply == "Contact details for C1:\n• Priya Shah: mentee@example.org"


def test_only_the_lead_and_steering_group_can_act(
    demo: Engine, mentee: Chat, mentor: Chat, clock: Clock
) -> None:
    _raise_concern(mentee)
    for outsider in (mentor, mentee, Chat(demo, clock, "mentee2@example.org")):
        assert "I can't find that alert" in outsider.said("ack C1")
        assert "I can't find that alert" in outsider.said("contact C1")
    # A made-up reference gives the same answer, so nobody learns which alerts exist.
    assert "I can't find that alert" in Chat(demo, clock, "lead@example.org").said("ack C99")
    assert "Acknowledged C1." in Chat(demo, clock, "steering@example.org").said("ack C1")


def test_nudge_alerts_in_the_lead_channel_have_the_same_actions(demo: Engine, clock: Clock) -> None:
    deadline_day = Clock.fixed("2026-12-07T16:00:00+00:00")  # contracts unsigned on the deadline
    sweep(demo, deadline_day)
    with transaction(demo) as s:
        nudge = s.exec(select(Nudge).where(Nudge.rule == "contract_unsigned_lead")).one()
    alert = channel_inbox(demo, deadline_day)
    assert f"Alert N{nudge.id}: what would you like to do?" in alert
    lead = Chat(demo, clock, "lead@example.org")
    reply = lead.said(f"contact N{nudge.id}")
    assert "• Priya Shah: mentee@example.org" in reply
    assert "• Tom Okafor: mentor@example.org" in reply
    assert f"Acknowledged N{nudge.id}." in lead.said(f"ack N{nudge.id}")


def test_the_lead_sees_messages_that_could_not_be_delivered(demo: Engine, clock: Clock) -> None:
    from storage.models import OutboxStatus, Scheme

    with transaction(demo) as s:
        scheme = s.exec(select(Scheme)).one()
        s.add(
            Outbox(
                channel="lead",
                scheme_id=scheme.id,
                kind="nudge",
                parts=[{"type": "text", "text": "Reminder", "private": False}],
                preview="Reminder: you're meeting Priya tomorrow",
                status=OutboxStatus.DEAD.value,
                attempts=8,
                last_error="webhook answered HTTP 404: no such channel",
                next_attempt_at=clock.now(),
                created_at=clock.now(),
            )
        )
    lead = Chat(demo, clock, "lead@example.org")
    reply = lead.said("failed messages")
    assert "could not be delivered" in reply
    assert "to #lead (nudge): “Reminder: you're meeting Priya tomorrow”, tried 8x" in reply
    assert "HTTP 404" in reply
    assert "shown to the project lead" in Chat(demo, clock, "mentee@example.org").said(
        "failed messages"
    )


def _cancelling(demo: Engine, clock: Clock) -> None:
    mentee = Chat(demo, clock, "mentee@example.org")
    for line in ("raise a concern", "1", "Tom keeps cancelling at the last minute", "Send it"):
        mentee.said(line)
    channel_inbox(demo, clock)


@pytest.mark.parametrize("line", ["resolve C1 - spoke to both of them", "ack C 1"])
def test_a_lead_command_with_a_note_or_a_space_is_understood(
    demo: Engine, clock: Clock, line: str
) -> None:
    """The chair types "resolve C1 - spoke to both of them" (or "ack C 1") and is understood,
    not told "Sorry, I didn't understand that" with the concern left open."""
    _cancelling(demo, clock)
    reply = Chat(demo, clock, "chair@example.org").said(line)
    assert "didn't understand" not in reply
    assert "C1" in reply
    with transaction(demo) as s:
        concern = s.exec(select(Concern)).one()
    assert concern.acknowledged_at is not None


def test_a_resolving_note_is_kept_in_the_record_and_never_in_the_channel(
    demo: Engine, clock: Clock
) -> None:
    _cancelling(demo, clock)
    reply = Chat(demo, clock, "chair@example.org").said("resolve C1 - spoke to Priya and Tom")
    assert reply.startswith("Resolved C1.")
    told = channel_inbox(demo, clock)
    assert "C1 resolved by" in told
    assert "Priya" not in told
    assert "spoke" not in told
    with transaction(demo) as s:
        row = s.exec(select(AuditLog).where(AuditLog.action == "resolved")).one()
        concern = s.exec(select(Concern)).one()
    assert row.detail["note"] == "spoke to Priya and Tom"
    assert concern.resolved_at is not None


def test_snoozing_for_a_given_time_within_an_hour_to_four_weeks(demo: Engine, clock: Clock) -> None:
    """ "snooze c1 2 days" snoozes for two days; a year, or no time at all, is refused kindly
    and nothing changes."""
    _cancelling(demo, clock)
    lead = Chat(demo, clock, "lead@example.org")
    for bad in ("snooze C1 1 year", "snooze C1 0 hours", "snooze C1 5 weeks"):
        refused = lead.said(bad)
        assert refused.startswith("I can snooze C1 for between an hour and four weeks")
    with transaction(demo) as s:
        assert s.exec(select(Concern)).one().snoozed_until is None
    snoozed = lead.said("snooze c1 2 days")
    assert snoozed.startswith("Snoozed C1 until Wed 25 Nov, 10:00.")
    assert "until Wed 25 Nov, 10:00." in channel_inbox(demo, clock)
    with transaction(demo) as s:
        assert s.exec(select(Concern)).one().snoozed_until == clock.now() + timedelta(days=2)
        back = s.exec(
            select(Outbox).where(Outbox.channel == "lead", Outbox.status == "pending")
        ).one()
    assert back.next_attempt_at == clock.now() + timedelta(days=2)


def test_opening_a_follow_up_request_says_what_was_asked(demo: Engine) -> None:
    """Nadia's check-in answer to "Anything the project team should follow up?" is "my mentor
    never replies, could someone chase him". The lead types *open F<n>* and reads who asked
    and what she answered, so she can act on it without hunting for the answers."""
    later = Clock.fixed("2026-12-08T10:00:00+00:00")
    nadia = Chat(demo, later, "mentee2@example.org")
    nadia.said("check-in")
    for line in ("1", "Not yet", "not much", "my mentor never replies, could someone chase him"):
        nadia.said(line)
    assert "are in" in nadia.said("Send")
    alert = channel_inbox(demo, later)
    ref = alert.split("Follow-up requested (")[1].split(")")[0]
    assert "never replies" not in alert
    opened = Chat(demo, later, "lead@example.org").said(f"open {ref}")
    assert "Nadia Kaur" in opened
    assert "never replies" in opened


def test_open_concerns_tells_the_lead_how_to_open_one_that_exists(
    demo: Engine, clock: Clock
) -> None:
    """ "open concerns" lists only C1: its hint names C1, not a made-up C7 the lead would type
    and be refused."""
    _cancelling(demo, clock)
    listing = Chat(demo, clock, "lead@example.org").said("open concerns")
    assert "C1" in listing
    assert "C7" not in listing
    assert "*open C1* shows one" in listing
