"""Minutes and next meetings typed the way people really type them: a chatty write-up with no
actions and no date agreed yet, and "eight weeks on" counted from the last meeting rather than
from today. The clock is Mon 2 Mar 2026, 09:00 in London; Priya is the mentee, Tom her mentor.
Typed answers arrive as text, as on Slack and Teams."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.intents import recognise
from storage.db import transaction
from storage.models import ActionItem, Meeting
from tests.minutes_world import add_meeting, saved_minutes, typed
from tests.transcript import Chat

THURSDAY = datetime(2026, 2, 26, 11, tzinfo=UTC)  # Thu 26 Feb 11:00 (GMT): held


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _proposals(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(
            session.exec(
                select(Meeting).where(Meeting.status == "proposed").order_by(col(Meeting.id))
            ).all()
        )


@pytest.mark.parametrize(
    "no_date", ["not fixed a time yet", "not arranged one yet", "not sorted a date yet"]
)
def test_a_chatty_write_up_with_no_date_agreed_saves_and_proposes_nothing(
    mentee: Chat, no_date: str
) -> None:
    held = add_meeting(mentee.db, THURSDAY)
    reply = mentee.said(
        "had a natter with tom about the restructure, my confidence chairing meetings and "
        "what he wished he'd known as a new matron. really useful"
    )
    assert "the actions you agreed?" in reply
    assert "When is your next meeting?" in typed(mentee, "nope nothing")
    reply = typed(mentee, no_date)
    assert "couldn't read a date" not in reply
    assert "*Next meeting:* not yet" in reply or "Shall I save" in reply
    typed(mentee, "save")
    [minutes] = saved_minutes(mentee.db)
    assert minutes.meeting_id == held
    assert "restructure" in minutes.discussion
    with transaction(mentee.db) as session:
        assert session.exec(select(ActionItem)).all() == []
    assert _proposals(mentee.db) == []


def test_a_date_after_no_actions_is_still_read_as_the_next_meeting(mentee: Chat) -> None:
    # Near miss: a real date is not taken for "not yet".
    add_meeting(mentee.db, THURSDAY)
    mentee.said("had a natter with tom about the restructure. really useful")
    typed(mentee, "nope nothing")
    reply = typed(mentee, "tue 24 march 3pm")
    assert "*Next meeting:* Tue 24 Mar, 15:00" in reply


def test_weeks_on_counts_from_the_last_meeting_not_today(mentee: Chat) -> None:
    add_meeting(mentee.db, THURSDAY, minuted=True)
    reply = mentee.said("we're going two-monthly, so next one eight weeks on, same time please")
    # Eight weeks on from Thu 26 Feb is Thu 23 Apr (not Mon 27 Apr, eight weeks from today).
    assert "Thu 23 Apr, 11:00" in reply
    typed(mentee, "yes")
    [proposal] = _proposals(mentee.db)
    assert proposal.starts_at == datetime(2026, 4, 23, 10, tzinfo=UTC)  # 11:00 BST


def test_in_weeks_time_from_today_is_unchanged_without_a_last_meeting(mentee: Chat) -> None:
    # Near miss: with no meeting behind it, "in 3 weeks" still counts from today.
    reply = mentee.said("book a video meeting with tom in 3 weeks at 2pm")
    assert "Mon 23 Mar, 14:00" in reply


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("had a quick chat with owen about the audit, he's going to send the tool", "log_minutes"),
        ("we had a call with tom, mostly about budgets", "log_minutes"),
        # Near misses: a question about minutes, lateness and a call still to come aren't minutes.
        ("can i see the minutes from our last chat?", "my_minutes"),
        ("tom's going to be late for our call", "running_late"),
        ("had a call with tom booked for friday, can we move it", "reschedule_meeting"),
    ],
)
def test_a_chat_reported_with_what_was_said_is_minutes(text: str, intent: str) -> None:
    assert recognise(text).name.value == intent
