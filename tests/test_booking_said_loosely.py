"""Meeting requests typed the loose way people really type them (issue 12): the purpose said
before the request, a range of hours as the length, the way of meeting first and "friday
coming", "next <day> ... ok for tom? thinking 10", an impossible date after "meeting", a place
named in a counter-proposal, and a change of length alone. Near misses must not be read so.

Clock: Mon 2 Mar 2026 09:00 in London (GMT). Priya (mentee) books with Tom (mentor); every reply
is typed text, as on Slack and Teams. The phrasings are our own, not the corpus's.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.clock import Clock
from tests.transcript import Chat, confirmed_meeting, meetings


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _sent(mentee: Chat, reply: str, send: str = "yes") -> None:
    assert "Here's the meeting I'll propose to Tom Okafor" in reply, reply
    assert "Sent to Tom Okafor" in mentee.said(send)


def test_a_purpose_said_first_then_the_request(mentee: Chat) -> None:
    reply = mentee.said(
        "I want to talk through my promotion case with tom - can we meet in person on 19/03 "
        "at 2pm for 2 hours?"
    )
    assert "*When:* Thu 19 Mar, 14:00" in reply, reply
    assert "*Agenda:* my promotion case" in reply
    _sent(mentee, reply)
    [meeting] = meetings(mentee.db)
    assert (meeting.starts_at, meeting.duration_minutes, meeting.mode, meeting.agenda) == (
        datetime(2026, 3, 19, 14, tzinfo=UTC),
        120,
        "in_person",
        "my promotion case",
    )


def test_a_weekday_ordinal_and_quarter_past_with_the_purpose_last(mentee: Chat) -> None:
    reply = mentee.said(
        "hello tom said to sort it on here so could we do thursday 19th quarter past two for "
        "an hour on teams, its mostly to review my portfolio"
    )
    assert "more than one date" not in reply
    _sent(mentee, reply)
    [meeting] = meetings(mentee.db)
    assert (meeting.starts_at, meeting.duration_minutes, meeting.mode, meeting.agenda) == (
        datetime(2026, 3, 19, 14, 15, tzinfo=UTC),
        60,
        "video",
        "my portfolio",
    )


def test_a_range_of_hours_after_needing_a_longer_meeting_is_its_length(mentee: Chat) -> None:
    reply = mentee.said("I need a longer meeting this time - Wed 11th 2-4pm by phone please")
    assert "*How long:* 2 hours" in reply, reply
    _sent(mentee, reply)
    [meeting] = meetings(mentee.db)
    assert (meeting.starts_at, meeting.duration_minutes, meeting.mode) == (
        datetime(2026, 3, 11, 14, tzinfo=UTC),
        120,
        "phone",
    )


def test_the_way_of_meeting_first_and_friday_coming(mentee: Chat) -> None:
    reply = mentee.said("phone, friday coming at 11:15 for 90 mins")
    assert "*When:* Fri 6 Mar, 11:15" in reply, reply
    _sent(mentee, reply)
    [meeting] = meetings(mentee.db)
    assert (meeting.starts_at, meeting.duration_minutes, meeting.mode) == (
        datetime(2026, 3, 6, 11, 15, tzinfo=UTC),
        90,
        "phone",
    )


def test_next_day_asked_of_the_mentor_with_a_time_thought_of_asks_which(mentee: Chat) -> None:
    reply = mentee.said("next thursday morning ok for tom? thinking 10")
    assert "Which Thursday: Thu 5 Mar or Thu 12 Mar?" in reply, reply
    assert meetings(mentee.db) == []
    assert "How will you meet?" in mentee.said("the second one")
    _sent(mentee, mentee.said("video"))
    [meeting] = meetings(mentee.db)
    assert (meeting.starts_at, meeting.mode) == (datetime(2026, 3, 12, 10, tzinfo=UTC), "video")


def test_a_meeting_on_a_date_that_does_not_exist_asks_for_the_date(mentee: Chat) -> None:
    reply = mentee.said("meeting 31/04 at 3pm please")
    assert "There is no 31 April. Which date did you mean?" in reply, reply
    assert "didn't understand" not in reply
    assert meetings(mentee.db) == []


def test_a_place_where_the_mentor_will_be_makes_the_counter_proposal_in_person(
    mentee: Chat, mentor: Chat
) -> None:
    _sent(mentee, mentee.said("book a meeting tues at 11 by video"))
    mentor.inbox()
    reply = mentor.said(
        "im down at northfield on tues anyway so could we do in person there rather than video"
    )
    assert "• *How:* in person\n• *Where:* Northfield" in reply, reply
    mentor.said("yes")
    [meeting] = meetings(mentee.db)
    assert (meeting.mode, meeting.location, meeting.status) == (
        "in_person",
        "Northfield",
        "proposed",
    )


def test_a_change_of_length_alone_keeps_the_start(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting thurs at 2pm by video")
    reply = mentee.said("can thursday be shortened to 45 mins")
    assert "• *When:* Thu 5 Mar, 14:00\n• *How long:* 45 minutes" in reply, reply
    mentee.said("yes")
    [kept, move] = meetings(mentee.db)
    assert (kept.id, kept.status, kept.duration_minutes) == (original.id, "confirmed", 60)
    assert (move.replaces_id, move.starts_at, move.duration_minutes) == (
        original.id,
        original.starts_at,
        45,
    )


# -- near misses: not a meeting request ------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "my goal is 1-3 actions a week",  # a count, not a time range
        "video was great last time",  # a way of meeting, but nothing asked
        "meeting went well thanks",  # "meeting" with no day or time
        "thinking 3 people should come to the away day",  # a number of people, not 3 o'clock
        "im over the moon with how it went",  # not a place
    ],
)
def test_near_misses_book_nothing(mentee: Chat, said: str) -> None:
    reply = mentee.said(said)
    assert "Here's the meeting I'll propose" not in reply, reply
    assert "When would you like to meet" not in reply
    assert meetings(mentee.db) == []


def test_an_extended_contract_is_no_change_to_a_meeting(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting thurs at 2pm by video")
    reply = mentee.said("my contract was extended to march")
    assert "move your meeting" not in reply, reply
    assert [(m.id, m.status, m.duration_minutes) for m in meetings(mentee.db)] == [
        (original.id, "confirmed", 60)
    ]
