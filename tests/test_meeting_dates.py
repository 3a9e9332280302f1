"""Booking and moving meetings with the dates people really type (UK), end to end, typed.

Clock: Mon 2 Mar 2026 09:00 in London (GMT); BST starts Sun 29 Mar. Priya (mentee) books with
Tom (mentor); every reply is typed text, as on Slack and Teams. Each booking starts "book a
meeting" so that what is tested is the reading of dates, not the recognising of the request.
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


def _sent(mentee: Chat) -> Meeting:
    assert "Sent to Tom Okafor" in mentee.said("send it")
    return _meetings(mentee.db)[-1]


def _book(mentee: Chat, said: str) -> str:
    return mentee.said(f"book a meeting {said}")


def _length(mentee: Chat, reply: str) -> str:
    """No length said: the bot asks it (one tap, "an hour"), then shows the confirmation."""
    if "How long will it be?" in reply:
        reply = reply.split("How long will it be?")[0] + mentee.said("an hour")
    return reply


def _slot(meeting: Meeting) -> tuple[datetime, int, str]:
    return meeting.starts_at, meeting.duration_minutes, meeting.mode


@pytest.mark.parametrize(
    ("said", "shown", "at", "minutes", "mode"),
    [
        ("pls can u set up a 1:1 w tom thurs half 2, teams is fine", "Thu 5 Mar, 14:30",
         datetime(2026, 3, 5, 14, 30, tzinfo=UTC), 60, "video"),
        ("could i grab tom tmrw 2ish? video", "Tue 3 Mar, 14:00",
         datetime(2026, 3, 3, 14, tzinfo=UTC), 60, "video"),
        ("book tom fri quarter past 10 for an hr f2f pls", "Fri 6 Mar, 10:15",
         datetime(2026, 3, 6, 10, 15, tzinfo=UTC), 60, "in_person"),
        ("can we do first thing weds w tom, phone is easiest", "Wed 4 Mar, 09:00",
         datetime(2026, 3, 4, 9, tzinfo=UTC), 60, "phone"),
        ("can we get something in w tom a week on fri, 11ish, zoom", "Fri 13 Mar, 11:00",
         datetime(2026, 3, 13, 11, tzinfo=UTC), 60, "video"),
        ("friday week at 3 pls, in person", "Fri 13 Mar, 15:00",
         datetime(2026, 3, 13, 15, tzinfo=UTC), 60, "in_person"),
        ("can we do a fortnight today at 10, video call", "Mon 16 Mar, 10:00",
         datetime(2026, 3, 16, 10, tzinfo=UTC), 60, "video"),
        ("2 wks tmrw at 4pm pls, teams", "Tue 17 Mar, 16:00",
         datetime(2026, 3, 17, 16, tzinfo=UTC), 60, "video"),
        ("noon weds 11th, teams, an hr", "Wed 11 Mar, 12:00",
         datetime(2026, 3, 11, 12, tzinfo=UTC), 60, "video"),
        ("0930 thurs 12th f2f", "Thu 12 Mar, 09:30",
         datetime(2026, 3, 12, 9, 30, tzinfo=UTC), 60, "in_person"),
        ("20/3 1030 teams", "Fri 20 Mar, 10:30",
         datetime(2026, 3, 20, 10, 30, tzinfo=UTC), 60, "video"),
        ("fri 6th 11-12 on video?", "Fri 6 Mar, 11:00",
         datetime(2026, 3, 6, 11, tzinfo=UTC), 60, "video"),
        # BST from Sun 29 Mar: 09:30 in London is 08:30 UTC; date, time, length and mode all kept
        ("book 31/3 at 9.30 for 90 mins in person", "Tue 31 Mar, 09:30",
         datetime(2026, 3, 31, 8, 30, tzinfo=UTC), 90, "in_person"),
    ],
)  # fmt: skip
def test_uk_idioms_book_what_was_meant(
    mentee: Chat, said: str, shown: str, at: datetime, minutes: int, mode: str
) -> None:
    reply = _length(mentee, _book(mentee, said))
    assert f"*When:* {shown}" in reply, reply
    assert "Shall I send it to Tom?" in reply
    assert _slot(_sent(mentee)) == (at, minutes, mode)


def test_20_3_is_a_date_and_the_way_of_meeting_is_asked_not_invented(mentee: Chat) -> None:
    reply = _book(mentee, "book 20.3 at noon for an hr")
    assert reply.startswith("How will you meet?"), reply
    assert "*When:* Fri 20 Mar, 12:00" in mentee.said("phone")
    assert _slot(_sent(mentee)) == (datetime(2026, 3, 20, 12, tzinfo=UTC), 60, "phone")


def test_a_bare_small_hour_is_the_afternoon_and_the_bot_says_so(mentee: Chat) -> None:
    reply = _length(mentee, _book(mentee, "could we do the 20th at 2, in person if poss"))
    assert "I took '2' as 14:00." in reply
    assert "*When:* Fri 20 Mar, 14:00" in reply


def test_next_tuesday_on_a_monday_is_asked_with_both_dates(mentee: Chat) -> None:
    reply = _book(mentee, "next tues at 11 w tom pls, video")
    assert reply == (
        "Which Tuesday: Tue 3 Mar or Tue 10 Mar?\n  1. Tue 3 Mar, 11:00\n  2. Tue 10 Mar, 11:00"
    )
    assert _meetings(mentee.db) == []  # nothing sent while it asks
    reply = _length(mentee, mentee.said("the 10th"))
    assert "*When:* Tue 10 Mar, 11:00" in reply
    assert "*How:* by video" in reply  # what was said with it is kept
    assert _slot(_sent(mentee)) == (datetime(2026, 3, 10, 11, tzinfo=UTC), 60, "video")


@pytest.mark.parametrize(("answer", "day"), [("2", 11), ("next week's", 11), ("the later one", 11),
                                             ("the first one", 4)])  # fmt: skip
def test_which_wednesday_answered_in_own_words_keeps_the_time(
    mentee: Chat, answer: str, day: int
) -> None:
    reply = _book(mentee, "can we do next weds afternoon, say 3")
    assert "Which Wednesday: Wed 4 Mar or Wed 11 Mar?" in reply
    mentee.restart()  # a typed answer, in a new process
    reply = mentee.said(answer)
    assert reply.startswith("How will you meet?"), reply
    assert f"*When:* Wed {day} Mar, 15:00" in mentee.said("video")


def test_after_lunch_asks_for_a_time_on_that_day_and_takes_half_1(mentee: Chat) -> None:
    reply = _book(mentee, "tom tmrw after lunch? in person")
    assert reply == (
        "What time on Tue 3 Mar?\n  1. Tue 3 Mar, 13:00\n  2. Tue 3 Mar, 13:30\n  3. Tue 3 Mar, 14:00"
    )
    assert _meetings(mentee.db) == []
    reply = _length(mentee, mentee.said("half 1"))
    assert "*When:* Tue 3 Mar, 13:30" in reply, reply
    assert _slot(_sent(mentee)) == (datetime(2026, 3, 3, 13, 30, tzinfo=UTC), 60, "in_person")


def test_after_lunch_takes_a_time_not_offered(mentee: Chat) -> None:
    _book(mentee, "tom tmrw after lunch? in person")
    assert "*When:* Tue 3 Mar, 14:15" in _length(mentee, mentee.said("quarter past 2"))


@pytest.mark.parametrize(
    ("said", "named"),
    [
        ("can we do 30/2 at 10", "There is no 30 February."),
        ("31/4, 2pm video", "There is no 31 April."),
        ("can u put in a meeting w tom yesterday at 2", "1 Mar 2026 is in the past."),
        ("oops meant to book tom for 8 this morning", "08:00 today has already passed."),
    ],
)
def test_a_date_that_does_not_exist_or_has_passed_is_named(
    mentee: Chat, said: str, named: str
) -> None:
    assert named in _book(mentee, said)
    assert _meetings(mentee.db) == []


def test_a_time_without_a_day_asks_which_day_and_keeps_the_time(mentee: Chat) -> None:
    reply = _book(mentee, "can we do 3pm? teams")
    assert reply == "Which day would you like, at 15:00?"
    reply = mentee.said("thurs")
    assert "*When:* Thu 5 Mar, 15:00\n• *How long:* 1 hour\n" in reply
    assert _meetings(mentee.db) == []


def test_seven_is_asked_am_or_pm(mentee: Chat) -> None:
    reply = _book(mentee, "thurs at 7 on video?")
    assert reply.startswith("Did you mean 07:00 or 19:00 on Thu 5 Mar?"), reply
    assert "*When:* Thu 5 Mar, 19:00" in mentee.said("7pm")


@pytest.mark.parametrize(
    ("correction", "shown"),
    [
        ("no, the Friday after", "*When:* Fri 13 Mar, 15:00"),
        ("actually make it 4pm", "*When:* Fri 6 Mar, 16:00"),
        ("make it 90 mins", "*How long:* 1 hour 30 minutes"),
        ("can we do thurs instead", "*When:* Thu 5 Mar, 15:00"),
        ("same time next week", "*When:* Fri 13 Mar, 15:00"),
        ("an hour later", "*When:* Fri 6 Mar, 16:00"),
    ],
)
def test_a_correction_at_the_confirmation_changes_the_draft(
    mentee: Chat, correction: str, shown: str
) -> None:
    assert "*When:* Fri 6 Mar, 15:00" in _book(mentee, "book tom fri at 3pm for an hour, video")
    reply = mentee.said(correction)
    assert shown in reply, reply
    assert "Shall I send it to Tom?" in reply


def test_a_correction_the_bot_cannot_take_is_said_not_ignored(mentee: Chat) -> None:
    _book(mentee, "book tom fri at 3pm for an hour, video")
    reply = mentee.said("no, the 30/2")
    assert "There is no 30 February." in reply
    assert _meetings(mentee.db) == []


def _confirmed(mentee: Chat, mentor: Chat, said: str) -> Meeting:
    _book(mentee, said)
    _sent(mentee)
    mentor.inbox()
    assert "Confirmed" in mentor.said("1")
    mentee.inbox()
    return _meetings(mentee.db)[-1]


@pytest.mark.parametrize(
    ("booked", "said", "moved_to"),
    [
        ("tmrw at 10am for an hour, video", "hi, can we shift tmrw to thurs, same time? sorry",
         datetime(2026, 3, 5, 10, tzinfo=UTC)),
        ("thurs at 10am for an hour, video", "can we do same time next week instead",
         datetime(2026, 3, 12, 10, tzinfo=UTC)),
        ("20/3 at 10am for an hour, video", "move the 20th to the 27th pls, same time",
         datetime(2026, 3, 27, 10, tzinfo=UTC)),
        ("tmrw at 10am for an hour, video", "move tmrws 1:1 to 4.30",
         datetime(2026, 3, 3, 16, 30, tzinfo=UTC)),
        ("thurs at 11am for an hour, video", "can we move the meeting to 9?",
         datetime(2026, 3, 5, 9, tzinfo=UTC)),
        ("tmrw at 10am for an hour, video", "can we start tmrw 30 mins earlier",
         datetime(2026, 3, 3, 9, 30, tzinfo=UTC)),
        ("tmrw at 10am for an hour, video", "could we begin 20 minutes early tomorrow",
         datetime(2026, 3, 3, 9, 40, tzinfo=UTC)),
        ("tmrw at 10am for an hour, video", "can we push it back an hr",
         datetime(2026, 3, 3, 11, tzinfo=UTC)),
        ("thurs at 10am for an hour, video", "can we do the friday after instead",
         datetime(2026, 3, 6, 10, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_moving_a_meeting_reads_same_time_and_the_new_day(
    mentee: Chat, mentor: Chat, booked: str, said: str, moved_to: datetime
) -> None:
    original = _confirmed(mentee, mentor, booked)
    reply = mentee.said(f"reschedule: {said}")
    assert "Shall I send it to Tom?" in reply, reply
    mentee.said("yes")
    move = _meetings(mentee.db)[-1]
    assert (move.starts_at, move.replaces_id, move.status) == (moved_to, original.id, "proposed")


def test_starting_early_said_plainly_proposes_the_earlier_time(mentee: Chat, mentor: Chat) -> None:
    original = _confirmed(mentee, mentor, "tmrw at 10am for an hour, video")
    reply = mentee.said("any chance we could kick off 15 mins early tmrw?")
    assert "Shall I send it to Tom?" in reply, reply
    mentee.said("yes")
    move = _meetings(mentee.db)[-1]
    assert (move.starts_at, move.replaces_id, move.status) == (
        datetime(2026, 3, 3, 9, 45, tzinfo=UTC),
        original.id,
        "proposed",
    )
    assert move.duration_minutes == original.duration_minutes == 60  # length kept


def test_moving_to_next_tuesday_on_a_monday_asks_which_and_takes_a_typed_number(
    mentee: Chat, mentor: Chat
) -> None:
    original = _confirmed(mentee, mentor, "thurs at 10am for an hour, video")
    reply = mentee.said("reschedule: can we do next tues at 2 instead")
    assert reply.endswith(
        "Which Tuesday: Tue 3 Mar or Tue 10 Mar?\n  1. Tue 3 Mar, 14:00\n  2. Tue 10 Mar, 14:00"
    ), reply
    mentee.restart()
    assert "Tue 10 Mar, 14:00" in mentee.said("2")
    mentee.said("yes")
    move = _meetings(mentee.db)[-1]
    assert (move.starts_at, move.replaces_id) == (
        datetime(2026, 3, 10, 14, tzinfo=UTC),
        original.id,
    )


def test_a_bare_number_answering_what_time_is_a_time(mentee: Chat) -> None:
    assert _book(mentee, "on thurs, video") == "What time on Thu 5 Mar?"
    assert "*When:* Thu 5 Mar, 14:00" in mentee.said("2")
