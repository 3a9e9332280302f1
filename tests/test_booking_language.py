"""Booking, moving and cancelling meetings in the words people type (issue 12, sections 1, 4).

Clock: Mon 2 Mar 2026 09:00 in London (GMT). Priya (mentee) books with Tom (mentor); every reply
is typed text, as on Slack and Teams.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Meeting
from tests.transcript import Chat


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _slot(meeting: Meeting) -> tuple[datetime, int, str]:
    return meeting.starts_at, meeting.duration_minutes, meeting.mode


# -- the length: the scheme's minimum unless said ----------------------------------------------


def test_no_length_said_is_the_schemes_hour_shown_and_changeable(mentee: Chat) -> None:
    reply = mentee.said("book a meeting thurs half 2 on teams")
    assert "• *When:* Thu 5 Mar, 14:30\n• *How long:* 1 hour\n• *How:* by video" in reply
    assert "I've made it 1 hour, the scheme's usual length" in reply
    assert "*How long:* 1 hour 30 minutes" in mentee.said("make it 90 mins")
    assert "Sent to Tom Okafor" in mentee.said("send it")
    [meeting] = _meetings(mentee.db)
    assert _slot(meeting) == (datetime(2026, 3, 5, 14, 30, tzinfo=UTC), 90, "video")


def test_no_length_and_no_mode_asks_only_how_you_will_meet(mentee: Chat) -> None:
    reply = mentee.said("book a meeting fri at 11")
    assert reply.startswith("How will you meet?")
    assert "*How long:* 1 hour" in mentee.said("phone")
    mentee.said("yes")
    [meeting] = _meetings(mentee.db)
    assert _slot(meeting) == (datetime(2026, 3, 6, 11, tzinfo=UTC), 60, "phone")


# -- a booking asked for in passing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "slot"),
    [
        # a day or time with a way of meeting
        ("20/3 1030 teams", (datetime(2026, 3, 20, 10, 30, tzinfo=UTC), 60, "video")),
        # padding, someone to grab, shorthand
        (
            "hi hope ur well, could i grab tom tmrw 2ish? video",
            (datetime(2026, 3, 3, 14, tzinfo=UTC), 60, "video"),
        ),
        # someone to meet, the mode said in passing
        (
            "can we do first thing weds w tom, phone is easiest",
            (datetime(2026, 3, 4, 9, tzinfo=UTC), 60, "phone"),
        ),
        (
            "coffee somewhere fri 6th at 10?",
            (datetime(2026, 3, 6, 10, tzinfo=UTC), 60, "in_person"),
        ),
        # "how about" is not an agenda
        ("how about 20/3, 2pm video", (datetime(2026, 3, 20, 14, tzinfo=UTC), 60, "video")),
    ],
)
def test_a_day_and_a_way_or_someone_to_meet_is_a_booking(
    mentee: Chat, said: str, slot: tuple[datetime, int, str]
) -> None:
    reply = mentee.said(said)
    assert "Here's the meeting I'll propose to Tom Okafor" in reply, reply
    assert "Sent to Tom Okafor" in mentee.said("yes")
    [meeting] = _meetings(mentee.db)
    assert _slot(meeting) == slot
    assert not meeting.agenda


def test_a_day_without_a_way_of_meeting_asks_how(mentee: Chat) -> None:
    assert mentee.said("can we get something in w tom a week on fri, 11ish").startswith(
        "How will you meet?"
    )


def test_a_day_said_alone_or_in_a_diary_line_is_no_booking(mentee: Chat) -> None:
    assert "propose" not in mentee.said("thursday was a long day")
    assert _meetings(mentee.db) == []


# -- moving and cancelling in passing ----------------------------------------------------------


def _confirmed(mentee: Chat, mentor: Chat, said: str) -> Meeting:
    assert "Sent to Tom Okafor" in (mentee.said(said), mentee.said("yes"))[1]
    mentor.said("accept")
    return _meetings(mentee.db)[-1]


def test_shift_a_day_to_another_same_time_asks_tom_to_move_it(mentee: Chat, mentor: Chat) -> None:
    _confirmed(mentee, mentor, "book a meeting tmrw at 2pm by video")
    reply = mentee.said("hi, can we shift tmrw to thurs, same time? sorry")
    assert "move your meeting from Tue 3 Mar, 14:00 to:\n• *When:* Thu 5 Mar, 14:00" in reply
    assert "Sent to Tom Okafor: Thu 5 Mar, 14:00" in mentee.said("yes")
    assert "would like to move your meeting on Tue 3 Mar, 14:00" in mentor.inbox()


def test_push_our_meeting_back_an_hour(mentee: Chat, mentor: Chat) -> None:
    _confirmed(mentee, mentor, "book a meeting tmrw at 2pm by video")
    reply = mentee.said("need to push our mtg back an hr, clinic overrunning")
    assert "• *When:* Tue 3 Mar, 15:00" in reply


def test_cancel_a_day_in_passing_cancels_that_meeting(mentee: Chat, mentor: Chat) -> None:
    meeting = _confirmed(mentee, mentor, "book a meeting fri at 11 by phone")
    mentee.said("cancel fri pls, something came up")
    mentee.said("yes")
    [after] = _meetings(mentee.db)
    assert (after.id, after.status) == (meeting.id, "cancelled")


# -- a place said with meeting in person -------------------------------------------------------


def test_in_person_at_a_place_keeps_the_place(mentee: Chat, mentor: Chat) -> None:
    reply = mentee.said("0930 thurs 12th f2f at riverside?")
    assert "• *How:* in person\n• *Where:* Riverside" in reply
    mentee.said("yes")
    [meeting] = _meetings(mentee.db)
    assert (meeting.mode, meeting.location) == ("in_person", "Riverside")
    assert "• *Where:* Riverside" in mentor.inbox()


def test_coffee_in_a_place_is_in_person_there(mentee: Chat) -> None:
    assert "• *How:* in person\n• *Where:* the canteen" in mentee.said(
        "coffee w tom in the canteen weds 4th at 10?"
    )


def test_want_to_go_thru_is_the_agenda(mentee: Chat) -> None:
    reply = mentee.said("1.5 hours on 24/3 at 10 in person pls, want to go thru my leadership plan")
    assert "*How long:* 1 hour 30 minutes" in reply
    assert "*Agenda:* my leadership plan" in reply


@pytest.mark.parametrize(
    ("said", "agenda"),
    [
        ("could we do teams thurs 26/3 at 11? mainly to review my QI project poster",
         "my QI project poster"),
        ("can i book tom on 31/3 at 2pm, on teams, to prep for my panel interview",
         "my panel interview"),
    ],
)  # fmt: skip
def test_to_review_or_prep_for_is_the_agenda(mentee: Chat, said: str, agenda: str) -> None:
    assert f"*Agenda:* {agenda}" in mentee.said(said)


# -- a day and time offered on their own -------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("tues 10th march, 2pm perhaps?", "How will you meet?"),
        ("next friday, 11am maybe?", "Which Friday"),
        ("fri 13 march at 10?", "How will you meet?"),
    ],
)
def test_a_time_offered_on_its_own_starts_a_booking(mentee: Chat, said: str, asked: str) -> None:
    reply = mentee.said(said)
    assert asked in reply, reply
    assert "Sorry" not in reply
    assert _meetings(mentee.db) == []


@pytest.mark.parametrize("said", ["31st april at 2pm?", "29 feb at 9am maybe?"])
def test_an_impossible_date_offered_on_its_own_is_said_so(mentee: Chat, said: str) -> None:
    reply = mentee.said(said)
    assert "There is no" in reply, reply
    assert "Which date did you mean?" in reply
    assert _meetings(mentee.db) == []


def test_a_question_about_a_time_is_not_a_booking(mentee: Chat) -> None:
    reply = mentee.said("is it tomorrow at 3pm?")
    assert "When would you like" not in reply
    assert "Here's the meeting" not in reply


# -- phone shorthand for the way, time and length ---------------------------------------------------


@pytest.mark.parametrize(
    ("said", "shown", "slot"),
    [
        (
            "fri @ 2 pm w tom, face 2 face, hour and a half",
            "• *When:* Fri 6 Mar, 14:00\n• *How long:* 1 hour 30 minutes\n• *How:* in person",
            (datetime(2026, 3, 6, 14, tzinfo=UTC), 90, "in_person"),
        ),
        (
            "tmoz 10 o clock for 2hrs, teams",
            "• *When:* Tue 3 Mar, 10:00\n• *How long:* 2 hours\n• *How:* by video",
            (datetime(2026, 3, 3, 10, tzinfo=UTC), 120, "video"),
        ),
        (
            "cd we do weds 11 oclock face2face? 1.5hrs",
            "• *When:* Wed 4 Mar, 11:00\n• *How long:* 1 hour 30 minutes\n• *How:* in person",
            (datetime(2026, 3, 4, 11, tzinfo=UTC), 90, "in_person"),
        ),
    ],
)
def test_phone_shorthand_books_the_time_length_and_way_said(
    mentee: Chat, said: str, shown: str, slot: tuple[datetime, int, str]
) -> None:
    reply = mentee.said(said)
    assert shown in reply, reply
    assert "Sent to Tom Okafor" in mentee.said("yh")
    [meeting] = _meetings(mentee.db)
    assert _slot(meeting) == slot


def test_seven_o_clock_with_a_space_is_asked_morning_or_evening(mentee: Chat) -> None:
    reply = mentee.said("thurs 7 o clock face2face")
    assert "07:00" in reply, reply
    assert "19:00" in reply, reply
    assert not _meetings(mentee.db)
