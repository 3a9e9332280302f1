"""Booking in the many ways people say a time (issue 12): roughly, as a range, for "this week",
as a bare hour before its day or offered in a question, with someone named before the time.

Clock: Mon 2 Mar 2026 09:00 in London (GMT). Priya (mentee) books with Tom (mentor); every reply
is typed text, as on Slack and Teams.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.dialogs.meetings.booking import BookMeeting
from storage.db import transaction
from storage.models import Meeting
from tests.transcript import Chat


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _slots(db: Engine) -> list[tuple[datetime, int, str]]:
    with transaction(db) as session:
        meetings = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
        return [(m.starts_at, m.duration_minutes, m.mode) for m in meetings]


@pytest.mark.parametrize(
    ("said", "shown", "slot"),
    [
        # a hedge before the time
        (
            "could i see tom tues at roughly 10? on teams",
            "Tue 3 Mar, 10:00",
            (datetime(2026, 3, 3, 10, tzinfo=UTC), 60, "video"),
        ),
        # a weekday of this week is one day, not two dates
        (
            "wednesday of this week at 2pm with tom, phone",
            "Wed 4 Mar, 14:00",
            (datetime(2026, 3, 4, 14, tzinfo=UTC), 60, "phone"),
        ),
        # a range with am/pm on both ends is a start and a length
        (
            "thurs 2pm-3.30pm by phone pls",
            "Thu 5 Mar, 14:00",
            (datetime(2026, 3, 5, 14, tzinfo=UTC), 90, "phone"),
        ),
        # an hour offered in a question, its day after it
        (
            "is 11 ok on friday? by phone",
            "Fri 6 Mar, 11:00",
            (datetime(2026, 3, 6, 11, tzinfo=UTC), 60, "phone"),
        ),
        (
            "can we do fri from 10 till 11 on zoom",
            "Fri 6 Mar, 10:00",
            (datetime(2026, 3, 6, 10, tzinfo=UTC), 60, "video"),
        ),
    ],
)
def test_a_time_said_another_way_is_proposed(
    mentee: Chat, said: str, shown: str, slot: tuple[datetime, int, str]
) -> None:
    reply = mentee.said(said)
    assert "Here's the meeting I'll propose to Tom Okafor" in reply, reply
    assert f"*When:* {shown}" in reply
    assert "more than one date" not in reply
    assert "Sent to Tom Okafor" in mentee.said("yes")
    assert _slots(mentee.db) == [slot]


def test_a_bare_hour_before_its_day_asks_am_or_pm(mentee: Chat) -> None:
    reply = mentee.said("6 on wednesday? by phone")
    assert "06:00 or 18:00 on Wed 4 Mar" in reply, reply
    assert _slots(mentee.db) == []
    assert "*When:* Wed 4 Mar, 18:00" in mentee.said("6pm")
    assert "Sent to Tom Okafor" in mentee.said("yes")
    assert _slots(mentee.db) == [(datetime(2026, 3, 4, 18, tzinfo=UTC), 60, "phone")]


def test_an_hour_offered_in_a_question_asks_which_day(mentee: Chat) -> None:
    reply = mentee.said("would 2 work? by phone")
    assert "Which day would you like, at 14:00?" in reply, reply
    assert _slots(mentee.db) == []
    assert "*When:* Thu 5 Mar, 14:00" in mentee.said("thursday")
    assert "Sent to Tom Okafor" in mentee.said("yes")
    assert _slots(mentee.db) == [(datetime(2026, 3, 5, 14, tzinfo=UTC), 60, "phone")]


def test_someone_named_between_the_day_and_the_time_keeps_the_time(mentee: Chat) -> None:
    reply = mentee.said("next thurs with tom? 11am or so, video")
    assert "Which Thursday: Thu 5 Mar or Thu 12 Mar?" in reply, reply
    assert _slots(mentee.db) == []
    assert "*When:* Thu 12 Mar, 11:00" in mentee.said("the later one")
    assert "Sent to Tom Okafor" in mentee.said("yes")
    assert _slots(mentee.db) == [(datetime(2026, 3, 12, 11, tzinfo=UTC), 60, "video")]


@pytest.mark.parametrize(
    "asked",
    [
        "whens our next catch up?",
        "hi, when am i next seeing tom",
        "what meetings have i got",
        "have i got anything booked with tom?",
        "anything on next week?",
        "what have i got coming up",
    ],
)
def test_asking_what_is_booked_in_own_words_shows_the_meeting(
    demo: Engine, mentee: Chat, mentor: Chat, asked: str
) -> None:
    mentee.said("book tom thurs 2pm on teams")
    mentee.said("yes")
    mentor.said("yes that works")
    mentee.restart()

    shown = mentee.said(asked)

    assert "Thu 5 Mar, 14:00" in shown
    assert "Sorry" not in shown
    assert len(_slots(demo)) == 1  # asking books nothing


@pytest.mark.parametrize("said", ["yes", "yep", "ok"])
def test_a_bare_yes_to_which_of_two_days_asks_which_one(mentee: Chat, said: str) -> None:
    mentee.said("next thurs at 11 by video")
    reply = mentee.said(said)
    assert "Please choose one of these." in reply, reply
    assert "Which Thursday: Thu 5 Mar or Thu 12 Mar?" in reply
    assert "couldn't read" not in reply
    assert "*When:* Thu 5 Mar, 11:00" in mentee.said("the first one")
    assert _slots(mentee.db) == []


def test_a_saved_booking_of_another_shape_is_refused_on_load() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        BookMeeting().load({"step": "when", "pairing_id": 1, "mentor": "Tom", "at": None})


def test_an_unreadable_answer_at_the_confirmation_names_the_buttons_it_shows(
    mentee: Chat,
) -> None:
    asked = mentee.said("book tom thurs 2pm for an hour on teams")
    assert "Send to Tom" in asked
    reply = mentee.said("hmm purple")
    assert "Save" not in reply, reply
    assert "Change something" not in reply, reply
    assert "Please choose one of these, or type *cancel*" in reply, reply
    assert "Send to Tom" in reply  # the question is asked again with its own buttons
    assert _slots(mentee.db) == []
