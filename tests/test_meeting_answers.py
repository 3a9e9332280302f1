"""A proposal answered by typing, in a new turn, in the words people use: a refusal without a
"no", a move relative to the time put ("a week later"), free times instead of one time, a
hedge that is never taken for a yes, and a logistics phrase that is never taken for a worry.

The clock starts on Mon 23 Nov 2026, 10:00 in London (GMT). Priya Shah (mentee) proposes Tue 24
Nov, 15:00 to Tom Okafor (mentor). The phrasings are our own, not the corpus's."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.language import concerns as worries
from storage.db import transaction
from storage.models import Concern, Meeting
from tests.transcript import Chat

BOOKING = "book a meeting tomorrow at 3pm for an hour by video"


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _concerns(db: Engine) -> list[Concern]:
    with transaction(db) as session:
        return list(session.exec(select(Concern)).all())


def _proposal_seen(mentee: Chat, mentor: Chat, text: str = BOOKING) -> None:
    assert "Shall I send it to Tom?" in mentee.said(text)
    assert "Sent to Tom Okafor" in mentee.said("yes")
    assert "would like to meet" in mentor.inbox()


@pytest.mark.parametrize(
    "refusal",
    [
        "tuesday's out for me, sorry",
        "afraid that one's a no-go",
        "I'm on nights that week",
        "got clinic all that afternoon unfortunately",
        "that's no good for me",
        "sorry, i'm fully booked up",
    ],
)
def test_a_refusal_without_a_no_declines_and_never_confirms(
    mentee: Chat, mentor: Chat, refusal: str
) -> None:
    _proposal_seen(mentee, mentor)
    assert mentor.said(refusal).startswith("Declined: the meeting on Tue 24 Nov, 15:00.")
    [meeting] = _meetings(mentor.db)
    assert (meeting.status, meeting.decline_reason) == ("declined", refusal)
    told = mentee.inbox()
    assert "Tom Okafor declined the meeting on Tue 24 Nov, 15:00." in told
    assert f"*Reason:* {refusal}" in told
    assert "another time" in told


@pytest.mark.parametrize("yes", ["yes no problem", "no worries, see you then", "sure, why not"])
def test_a_no_that_means_yes_accepts(mentee: Chat, mentor: Chat, yes: str) -> None:
    _proposal_seen(mentee, mentor)
    assert mentor.said(yes).startswith("Confirmed: your meeting with Priya Shah on Tue 24 Nov")
    assert [m.status for m in _meetings(mentor.db)] == ["confirmed"]


@pytest.mark.parametrize("hedge", ["hmm, tuesday at 3...", "sorry - tues 3pm"])
def test_a_hedge_naming_the_time_asks_and_confirms_nothing(
    mentee: Chat, mentor: Chat, hedge: str
) -> None:
    _proposal_seen(mentee, mentor)
    reply = mentor.said(hedge)
    assert "Nothing is booked yet." in reply
    assert "Accept" in reply
    assert "Decline" in reply
    assert [m.status for m in _meetings(mentor.db)] == ["proposed"]
    assert mentee.inbox() == ""
    # the question stays open: a plain yes now accepts it
    assert mentor.said("1").startswith("Confirmed: your meeting with Priya Shah on Tue 24 Nov")


@pytest.mark.parametrize(
    ("counter", "when"),
    [
        ("hectic week, same slot the following week?", "Tue 1 Dec, 15:00"),
        ("could we push it back an hour", "Tue 24 Nov, 16:00"),
        ("an hour earlier would suit me better", "Tue 24 Nov, 14:00"),
        ("can we do it a day later?", "Wed 25 Nov, 15:00"),
    ],
)
def test_a_move_relative_to_the_time_is_a_counter_proposal(
    mentee: Chat, mentor: Chat, counter: str, when: str
) -> None:
    _proposal_seen(mentee, mentor)
    reply = mentor.said(counter)
    assert "I'll suggest this to Priya Shah instead of Tue 24 Nov, 15:00:" in reply
    assert f"*When:* {when}" in reply
    assert [m.status for m in _meetings(mentor.db)] == ["proposed"]  # nothing sent yet
    assert f"Sent to Priya Shah: {when}." in mentor.said("yes")
    [meeting] = _meetings(mentor.db)
    assert (meeting.status, meeting.proposed_by_id) == ("proposed", mentor.person_id)
    assert f"*When:* {when}" in mentee.inbox()


@pytest.mark.parametrize(
    "window",
    [
        "in theatre that afternoon, free any morning this week",
        "can't do then, any time after 4 on thursday would be fine",
        "mornings are easier for me, 8 to 10 most days",
    ],
)
def test_free_times_instead_of_one_decline_and_go_to_the_mentee(
    mentee: Chat, mentor: Chat, window: str
) -> None:
    _proposal_seen(mentee, mentor)
    assert mentor.said(window).startswith("Declined: the meeting on Tue 24 Nov, 15:00.")
    [meeting] = _meetings(mentor.db)  # no time made up from the stretch
    assert meeting.status == "declined"
    assert f"*Reason:* {window}" in mentee.inbox()


def test_taking_on_the_room_booking_accepts_and_raises_nothing(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor, "book a meeting tomorrow at 3pm for an hour in person")
    reply = mentor.said("lovely, leave it with me to find us a room")
    assert reply.startswith("Confirmed: your meeting with Priya Shah on Tue 24 Nov")
    assert "concern" not in reply.lower()
    assert [m.status for m in _meetings(mentor.db)] == ["confirmed"]
    assert _concerns(mentor.db) == []


@pytest.mark.parametrize(
    "worry",
    [
        "leave it with me for now, but honestly i want to end it with priya",
        "i think we should just end it, this isn't working",
        "i'd like to leave the pairing",
    ],
)
def test_a_real_wish_to_end_it_near_the_same_words_is_still_a_worry(worry: str) -> None:
    assert worries.kind(worry) is worries.Kind.BREAKDOWN


def test_a_worry_said_with_a_proposal_waiting_still_reaches_the_lead(
    mentee: Chat, mentor: Chat
) -> None:
    _proposal_seen(mentee, mentor)
    reply = mentor.said("leave it with me, but really i want to end our pairing")
    assert "project lead" in reply
    assert [m.status for m in _meetings(mentor.db)] == ["proposed"]


def test_logistics_are_not_a_worry() -> None:
    assert worries.kind("leave it with me, i'll sort a room and send details") is None
    assert worries.kind("great, leave it to us to book the room") is None
    assert worries.kind("leave it at 45 mins, that's plenty") is None
    assert worries.kind("leave it as it is for now") is None
    assert worries.kind("honestly i want to end it") is not None
