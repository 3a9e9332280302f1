"""Moving, cancelling and running late in the words people type (issue 12, section 4).

Clock: Mon 2 Mar 2026 09:00 in London (GMT). Priya (mentee) and Tom (mentor) have a confirmed
meeting; every reply is typed text in a new process (``restart``), as on Slack and Teams.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Concern, Meeting
from tests.transcript import Chat, confirmed_meeting, meetings


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _the_move(db: Engine, original: Meeting) -> Meeting:
    [kept, move] = meetings(db)
    assert (kept.id, kept.status, kept.starts_at) == (original.id, "confirmed", original.starts_at)
    assert (move.replaces_id, move.status) == (original.id, "proposed")
    return move


def test_running_late_tells_the_partner_and_changes_nothing(mentee: Chat, mentor: Chat) -> None:
    meeting = confirmed_meeting(mentee, mentor, "book a meeting today at 9.30 by video")
    mentee.restart()
    reply = mentee.said("gonna be about 5 mins late sorry")
    assert "I've told Tom Okafor you're running about 5 minutes late" in reply
    assert "Priya Shah is running about 5 minutes late for your meeting on" in mentor.inbox()
    [after] = meetings(mentee.db)
    assert (after.status, after.starts_at) == ("confirmed", meeting.starts_at)


def test_late_without_a_meeting_soon_tells_nobody(mentee: Chat, mentor: Chat) -> None:
    confirmed_meeting(mentee, mentor, "book a meeting fri at 11 by phone")
    assert "haven't told anyone" in mentee.said("running a bit late")
    assert mentor.inbox() == ""


def test_cant_do_that_day_now_can_we_do_another_same_time(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 3pm by phone")
    mentee.restart()
    reply = mentee.said("cant make tues anymore, could we do thurs same time")
    assert "move your meeting from Tue 3 Mar, 15:00 to:\n• *When:* Thu 5 Mar, 15:00" in reply
    mentee.restart()
    mentee.said("yes")
    move = _the_move(mentee.db, original)
    assert move.starts_at == datetime(2026, 3, 5, 15, tzinfo=UTC)


def test_a_longer_meeting_on_a_day_keeps_its_start(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting thurs at 2pm by video")
    reply = mentee.said("could we make thursdays one 2 hours rather than 1")
    assert "• *When:* Thu 5 Mar, 14:00\n• *How long:* 2 hours" in reply
    mentee.said("yes")
    move = _the_move(mentee.db, original)
    assert (move.starts_at, move.duration_minutes) == (original.starts_at, 120)


def test_a_weekday_and_a_date_find_the_month_they_agree(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting 2/4 at 10 by video")
    assert "What new time would suit?" in mentee.said("can we move the 2nd april one")
    mentee.restart()
    # 7 March is a Saturday: the Tuesday the 7th is 7 April.
    assert "• *When:* Tue 7 Apr, 10:00" in mentee.said("tues 7th at 10")
    mentee.said("yes")
    assert _the_move(mentee.db, original).starts_at == datetime(2026, 4, 7, 9, tzinfo=UTC)


def test_cancel_one_and_book_another_instead_is_a_move(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting thurs at 10 by video")
    reply = mentee.said("scrap thurs and rebook for fri 13th at 2pm")
    assert "move your meeting from Thu 5 Mar, 10:00 to:\n• *When:* Fri 13 Mar, 14:00" in reply
    mentee.said("yes")
    _the_move(mentee.db, original)
    told = mentor.inbox()
    assert "move your meeting on Thu 5 Mar, 10:00" in told
    assert "Fri 13 Mar, 14:00" in told


def test_agreed_elsewhere_to_move_one_day_to_another(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting weds at 3pm by phone")
    reply = mentee.said("tom and i agreed to move weds to fri 11am, pls update it")
    assert "move your meeting from Wed 4 Mar, 15:00 to:\n• *When:* Fri 6 Mar, 11:00" in reply
    mentee.said("yes")
    _the_move(mentee.db, original)
    assert "would like to move your meeting on Wed 4 Mar, 15:00" in mentor.inbox()


def test_moving_the_next_one_not_sure_when_asks_for_the_time(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting fri at 2pm by video")
    reply = mentee.said("need to move our next one, not sure when yet tho")
    assert "What new time would suit?" in reply
    assert "check-in" not in reply
    [after] = meetings(mentee.db)
    assert (after.status, after.starts_at) == ("confirmed", original.starts_at)


def test_cancelling_a_day_for_sickness_is_a_cancel_not_a_concern(
    mentee: Chat, mentor: Chat
) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tmrw at 10 by video")
    reply = mentor.said("have to cancel tmrw sorry, off sick")
    assert "Shall I cancel your meeting with Priya Shah on Tue 3 Mar, 10:00?" in reply
    mentor.restart()
    mentor.said("yes")
    [after] = meetings(mentee.db)
    assert (after.id, after.status) == (original.id, "cancelled")
    with transaction(mentee.db) as session:
        assert session.exec(select(Concern)).first() is None


# -- at the booking's questions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "minutes"),
    [("keep 45 mins pls", 45), ("leave it at 45 mins", 45), ("make it an hour", 60)],
)
def test_a_short_meeting_asks_to_keep_it_or_make_it_longer(
    mentee: Chat, answer: str, minutes: int
) -> None:
    reply = mentee.said("just need 45 mins w tom fri at 2, video")
    assert "Shall I keep it at 45 minutes and send it to Tom, or make it 1 hour?" in reply
    mentee.restart()
    reply = mentee.said(answer)
    if minutes == 60:
        assert "*How long:* 1 hour" in reply
        reply = mentee.said("send")
    assert "Sent to Tom Okafor" in reply
    [meeting] = meetings(mentee.db)
    assert meeting.duration_minutes == minutes


def test_a_booking_during_a_scheme_event_says_so_before_sending(mentee: Chat) -> None:
    reply = mentee.said("book a meeting thurs 12th at 1pm by phone")
    assert (
        "clashes with the scheme's *Virtual networking session* (Thu 12 Mar, 12:30 to 13:30)"
        in (reply)
    )
    assert "Shall I send it to Tom anyway, or change the time?" in reply
    assert meetings(mentee.db) == []
    mentee.restart()
    assert "Sent to Tom Okafor" in mentee.said("yes send it")


def test_at_a_clash_with_an_event_another_time_can_be_picked(mentee: Chat) -> None:
    mentee.said("book a meeting thurs 12th at 1pm by phone")
    assert "When would you like to meet Tom?" in mentee.said("pick another time")
    assert "• *When:* Fri 13 Mar, 13:00" in mentee.said("fri 13th at 1pm")


@pytest.mark.parametrize(
    "said",
    [
        "could we do weds 11th at 2 on teams? want to talk through my job application",
        "weds 11th 2pm on teams pls, re my job application",
    ],
)
def test_a_booking_about_an_application_is_a_booking(mentee: Chat, said: str) -> None:
    reply = mentee.said(said)
    assert "Here's the meeting I'll propose to Tom Okafor" in reply
    assert "*Agenda:* my job application" in reply
    mentee.said("yes")
    [meeting] = meetings(mentee.db)
    assert (meeting.starts_at, meeting.agenda) == (
        datetime(2026, 3, 11, 14, tzinfo=UTC),
        "my job application",
    )


@pytest.mark.parametrize("said", ["yep but can we make it 2pm", "sure, but at 2pm please"])
def test_yes_with_a_change_at_the_confirmation_applies_the_change(mentee: Chat, said: str) -> None:
    mentee.said("book a meeting thurs at 10 by video")
    reply = mentee.said(said)
    assert "• *When:* Thu 5 Mar, 14:00" in reply
    assert "Shall I send it to Tom with that change?" in reply
    assert meetings(mentee.db) == []
    mentee.restart()
    mentee.said("yes")
    [meeting] = meetings(mentee.db)
    assert meeting.starts_at == datetime(2026, 3, 5, 14, tzinfo=UTC)


def test_yes_with_a_change_at_a_move_applies_the_change(mentee: Chat, mentor: Chat) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting thurs at 10 by video")
    mentee.said("move thursdays meeting to fri at 10")
    reply = mentee.said("yes but for 90 mins")
    assert "• *When:* Fri 6 Mar, 10:00\n• *How long:* 1 hour 30 minutes" in reply
    assert "Shall I send it to Tom with that change?" in reply
    mentee.said("yes")
    move = _the_move(mentee.db, original)
    assert (move.starts_at, move.duration_minutes) == (datetime(2026, 3, 6, 10, tzinfo=UTC), 90)


def test_this_week_picks_among_the_days_offered(mentee: Chat) -> None:
    assert "Which Tuesday" in mentee.said("book a meeting next tuesday at 11 by video")
    mentee.restart()
    assert "• *When:* Tue 3 Mar, 11:00" in mentee.said("this wk pls")


@pytest.mark.parametrize("answer", ["the friday one", "the second one", "fri pls"])
def test_a_weekday_picks_among_the_meetings_listed(mentee: Chat, mentor: Chat, answer: str) -> None:
    mentee.said("book a meeting thurs at 10 by video")
    mentee.said("yes")
    mentee.said("book a meeting fri 13th at 11 by video")
    mentee.said("yes")
    mentor.said("my meetings")
    reply = mentee.said("cancel my meeting")
    assert "Which meeting would you like to cancel?" in reply
    mentee.restart()
    assert "Shall I cancel your meeting with Tom Okafor on Fri 13 Mar, 11:00?" in mentee.said(
        answer
    )


# -- answering proposals ---------------------------------------------------------------------------


def test_a_counter_proposal_in_person_keeps_where(mentee: Chat, mentor: Chat) -> None:
    mentee.said("book a meeting thurs at 10 by video")
    mentee.said("yes")
    mentor.inbox()
    reply = mentor.said("can we do it face to face instead? I'll be at northfield that day")
    assert "• *How:* in person\n• *Where:* Northfield" in reply
    mentor.said("yes")
    [meeting] = meetings(mentee.db)
    assert (meeting.mode, meeting.location, meeting.status) == (
        "in_person",
        "Northfield",
        "proposed",
    )
    assert "• *Where:* Northfield" in mentee.inbox()


def test_yes_to_one_proposal_and_no_to_another(mentee: Chat, mentor: Chat) -> None:
    mentee.said("book a meeting thurs at 10 by video")
    mentee.said("yes")
    mentee.said("book a meeting fri 13th at 11 by video")
    mentee.said("yes")
    mentor.inbox()
    mentor.said("thurs is fine, not the 13th sorry")
    thu, fri = meetings(mentee.db)
    assert (thu.status, fri.status) == ("confirmed", "declined")
    told = mentee.inbox()
    assert "Thu 5 Mar" in told
    assert "Fri 13 Mar" in told


@pytest.mark.parametrize(
    ("said", "starts"),
    [
        ("can we push tuesday's one back an hour", "Tue 3 Mar, 11:00"),
        ("could we start tues half an hour earlier", "Tue 3 Mar, 09:30"),
        ("start 20 mins early on tuesday if poss", "Tue 3 Mar, 09:40"),
        ("tues: 15 minutes later would be better for me", "Tue 3 Mar, 10:15"),
    ],
)
def test_a_shift_of_the_start_moves_it_by_that_much(
    mentee: Chat, mentor: Chat, said: str, starts: str
) -> None:
    original = confirmed_meeting(mentee, mentor, "book a meeting tues at 10am by video")
    mentee.restart()
    reply = mentee.said(said)
    assert f"move your meeting from Tue 3 Mar, 10:00 to:\n• *When:* {starts}\n" in reply
    assert "• *How long:* 1 hour" in reply  # the length is kept
    mentee.restart()
    mentee.said("yes")
    move = _the_move(mentee.db, original)
    assert move.duration_minutes == original.duration_minutes
    assert f"• *When:* {starts}" in mentor.inbox()
