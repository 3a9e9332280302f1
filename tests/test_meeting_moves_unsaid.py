"""Moving a meeting without a verb of moving, lateness said in passing, and a cancel that names
more than one day (issue 12, section 4: language the development corpus never used).

Clock: Mon 2 Mar 2026 09:00 in London (GMT). Priya (mentee) and Tom (mentor) have a confirmed
meeting; every reply is typed text, as on Slack and Teams. Each kind has a near miss beside it
that must leave the meeting alone.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.clock import Clock
from storage.models import Meeting
from tests.transcript import Chat, confirmed_meeting, meetings


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _moved_to(mentee: Chat, mentor: Chat, original: Meeting, said: str, when: str) -> Meeting:
    """``said`` asks for the move to ``when``: confirmed, sent, and the original kept meanwhile."""
    mentee.restart()
    reply = mentee.said(said)
    if "How will you meet?" in reply:  # never invented: asked when not said
        reply = mentee.said("by phone")
    assert f"• *When:* {when}\n" in reply
    assert "Shall I send it to Tom?" in reply
    mentee.restart()
    assert "Sent to Tom Okafor" in mentee.said("yes")
    [kept, move] = meetings(mentee.db)
    assert (kept.id, kept.status, kept.starts_at) == (original.id, "confirmed", original.starts_at)
    assert (move.replaces_id, move.status) == (original.id, "proposed")
    assert f"• *When:* {when}" in mentor.inbox()
    return move


def _untouched(mentee: Chat, mentor: Chat, original: Meeting, reply: str) -> None:
    assert "Shall I send it to Tom?" not in reply
    assert "Shall I cancel" not in reply
    [after] = meetings(mentee.db)
    assert (after.id, after.status, after.starts_at) == (
        original.id,
        "confirmed",
        original.starts_at,
    )
    assert mentor.inbox() == ""


# -- "could <day> be <time>" -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "when", "starts"),
    [
        ("can tuesday be half 11?", "Tue 3 Mar, 11:30", datetime(2026, 3, 3, 11, 30, tzinfo=UTC)),
        ("could tues be 11 rather?", "Tue 3 Mar, 11:00", datetime(2026, 3, 3, 11, tzinfo=UTC)),
        ("can it be on the phone", "Tue 3 Mar, 15:00", datetime(2026, 3, 3, 15, tzinfo=UTC)),
    ],
)
def test_a_day_asked_to_be_another_time_is_a_move(
    mentee: Chat, mentor: Chat, said: str, when: str, starts: datetime
) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 3pm by video")
    move = _moved_to(mentee, mentor, original, said, when)
    assert move.starts_at == starts


def test_a_day_asked_to_be_about_something_moves_nothing(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 3pm by video")
    mentee.restart()
    reply = mentee.said("could tuesday be when we go over my portfolio")
    _untouched(mentee, mentor, original, reply)


# -- "<the meeting> to <new time>" ------------------------------------------------------------------


def test_a_meeting_then_to_its_new_time_is_a_move(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 10am by video")
    move = _moved_to(
        mentee, mentor, original, "tuesdays catch up to quarter past 4 please", "Tue 3 Mar, 16:15"
    )
    assert move.starts_at == datetime(2026, 3, 3, 16, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "said",
    [
        "tuesdays catch up to go through my portfolio is still on",
        "the call to HR on tuesday was fine",
    ],
)
def test_to_without_a_new_time_after_it_moves_nothing(
    mentee: Chat, mentor: Chat, said: str
) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 10am by video")
    mentee.restart()
    _untouched(mentee, mentor, original, mentee.said(said))


# -- the same slot, another day ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "when"),
    [
        ("same slot the week after pls", "Tue 10 Mar, 15:00"),
        ("could we keep the same time, just the following thursday", "Thu 5 Mar, 15:00"),
        ("same time but the 17th rather than the 3rd", "Tue 17 Mar, 15:00"),
    ],
)
def test_the_same_slot_on_another_day_keeps_the_time(
    mentee: Chat, mentor: Chat, said: str, when: str
) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 3pm by phone")
    move = _moved_to(mentee, mentor, original, said, when)
    assert move.duration_minutes == original.duration_minutes


def test_the_same_time_slot_in_passing_moves_nothing(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 3pm by phone")
    mentee.restart()
    reply = mentee.said("funny, tom and i had the same time slot at the conference")
    _untouched(mentee, mentor, original, reply)


# -- lateness said in passing -----------------------------------------------------------------------


def test_an_apology_for_being_late_tells_the_partner(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting today at 9.30 by video")
    mentee.restart()
    reply = mentee.said("apologies tom, 15 mins late!")
    assert "I've told Tom Okafor you're running about 15 minutes late" in reply
    assert "Priya Shah is running about 15 minutes late" in mentor.inbox()
    [after] = meetings(mentee.db)
    assert (after.status, after.starts_at) == ("confirmed", original.starts_at)


@pytest.mark.parametrize("said", ["tom 15 mins late again today", "sorry, tom was 15 mins late"])
def test_someone_else_being_late_is_not_passed_on(mentee: Chat, mentor: Chat, said: str) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting today at 9.30 by video")
    mentee.restart()
    reply = mentee.said(said)
    assert "I've told Tom" not in reply
    _untouched(mentee, mentor, original, reply)


# -- a cancel that names more than one day ----------------------------------------------------------


def test_a_cancel_picks_the_day_a_meeting_is_on(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting weds at 10 by video")
    mentor.restart()
    reply = mentor.said("feeling rough today priya, so wednesday is off, have to cancel sorry")
    assert "You have no meeting on" not in reply
    assert "Shall I cancel your meeting with Priya Shah on Wed 4 Mar, 10:00?" in reply
    [still] = meetings(mentee.db)
    assert still.status == "confirmed"  # nothing is cancelled before the yes
    mentor.restart()
    mentor.said("yes")
    [after] = meetings(mentee.db)
    assert (after.id, after.status) == (original.id, "cancelled")
    assert "has cancelled your meeting on Wed 4 Mar, 10:00" in mentee.inbox()


# -- a booking offered as what would suit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "when"),
    [
        ("tues afternoon, about 2 wd be ideal", "Tue 3 Mar, 14:00"),
        ("thurs at 11 suits me", "Thu 5 Mar, 11:00"),
        ("fri 13th, 10 or thereabouts, by phone", "Fri 13 Mar, 10:00"),
        ("wed 11th 10am, an hour please", "Wed 11 Mar, 10:00"),
    ],
)
def test_a_time_offered_as_what_suits_is_a_booking(mentee: Chat, said: str, when: str) -> None:
    reply = mentee.said(said)
    if "How will you meet?" in reply:  # never invented: asked when not said
        reply = mentee.said("by phone")
    assert f"• *When:* {when}\n" in reply
    assert "Shall I send it to Tom?" in reply
    mentee.restart()
    assert "Sent to Tom Okafor" in mentee.said("yes")
    [meeting] = meetings(mentee.db)
    assert meeting.status == "proposed"


def test_an_impossible_date_offered_is_refused_kindly(mentee: Chat) -> None:
    reply = mentee.said("hello, is 31/4 at 11 alright")
    assert "There is no 31 April" in reply
    assert meetings(mentee.db) == []


@pytest.mark.parametrize(
    "said",
    [
        "is the meeting on friday still ok",
        "there were 12 or thereabouts at the networking thing on friday",
        "the training on wed 11th at 10am lasts an hour, apparently",
    ],
)
def test_a_question_or_a_count_is_no_booking(mentee: Chat, said: str) -> None:
    reply = mentee.said(said)
    assert "Here's the meeting I'll propose" not in reply
    assert "How will you meet?" not in reply
    assert meetings(mentee.db) == []


def test_a_worry_said_with_lateness_is_not_lost(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting today at 9.30 by video")
    mentee.restart()
    reply = mentee.said("sorry, 10 mins late - tom shouted at me in front of the team yesterday")
    assert "I've told Tom" not in reply
    assert "project lead" in reply
    _untouched(mentee, mentor, original, reply)
