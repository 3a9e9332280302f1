"""Moving, cancelling and running late in the words people type (issue 12, section 4).

Clock: Mon 2 Mar 2026 09:00 in London (GMT). Priya (mentee) and Tom (mentor) have a confirmed
meeting; every reply is typed text in a new process (``restart``), as on Slack and Teams.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Concern, Meeting
from tests.transcript import Chat


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _confirmed(mentee: Chat, mentor: Chat, said: str) -> Meeting:
    mentee.said(said)
    assert "Sent to Tom Okafor" in mentee.said("yes")
    mentor.said("accept")
    [meeting] = _meetings(mentee.db)
    assert meeting.status == "confirmed"
    mentor.inbox()
    return meeting


def _the_move(db: Engine, original: Meeting) -> Meeting:
    [kept, move] = _meetings(db)
    assert (kept.id, kept.status, kept.starts_at) == (original.id, "confirmed", original.starts_at)
    assert (move.replaces_id, move.status) == (original.id, "proposed")
    return move


def test_running_late_tells_the_partner_and_changes_nothing(mentee: Chat, mentor: Chat) -> None:
    meeting = _confirmed(mentee, mentor, "book a meeting today at 9.30 by video")
    mentee.restart()
    reply = mentee.said("gonna be about 5 mins late sorry")
    assert "I've told Tom Okafor you're running about 5 minutes late" in reply
    assert "Priya Shah is running about 5 minutes late for your meeting on" in mentor.inbox()
    [after] = _meetings(mentee.db)
    assert (after.status, after.starts_at) == ("confirmed", meeting.starts_at)


def test_late_without_a_meeting_soon_tells_nobody(mentee: Chat, mentor: Chat) -> None:
    _confirmed(mentee, mentor, "book a meeting fri at 11 by phone")
    assert "haven't told anyone" in mentee.said("running a bit late")
    assert mentor.inbox() == ""


def test_cant_do_that_day_now_can_we_do_another_same_time(mentee: Chat, mentor: Chat) -> None:
    original = _confirmed(mentee, mentor, "book a meeting tues at 3pm by phone")
    mentee.restart()
    reply = mentee.said("cant make tues anymore, could we do thurs same time")
    assert "move your meeting from Tue 3 Mar, 15:00 to:\n• *When:* Thu 5 Mar, 15:00" in reply
    mentee.restart()
    mentee.said("yes")
    move = _the_move(mentee.db, original)
    assert move.starts_at == datetime(2026, 3, 5, 15, tzinfo=UTC)


def test_a_longer_meeting_on_a_day_keeps_its_start(mentee: Chat, mentor: Chat) -> None:
    original = _confirmed(mentee, mentor, "book a meeting thurs at 2pm by video")
    reply = mentee.said("could we make thursdays one 2 hours rather than 1")
    assert "• *When:* Thu 5 Mar, 14:00\n• *How long:* 2 hours" in reply
    mentee.said("yes")
    move = _the_move(mentee.db, original)
    assert (move.starts_at, move.duration_minutes) == (original.starts_at, 120)


def test_a_weekday_and_a_date_find_the_month_they_agree(mentee: Chat, mentor: Chat) -> None:
    original = _confirmed(mentee, mentor, "book a meeting 2/4 at 10 by video")
    assert "What new time would suit?" in mentee.said("can we move the 2nd april one")
    mentee.restart()
    # 7 March is a Saturday: the Tuesday the 7th is 7 April.
    assert "• *When:* Tue 7 Apr, 10:00" in mentee.said("tues 7th at 10")
    mentee.said("yes")
    assert _the_move(mentee.db, original).starts_at == datetime(2026, 4, 7, 9, tzinfo=UTC)


def test_cancel_one_and_book_another_instead_is_a_move(mentee: Chat, mentor: Chat) -> None:
    original = _confirmed(mentee, mentor, "book a meeting thurs at 10 by video")
    reply = mentee.said("scrap thurs and rebook for fri 13th at 2pm")
    assert "move your meeting from Thu 5 Mar, 10:00 to:\n• *When:* Fri 13 Mar, 14:00" in reply
    mentee.said("yes")
    _the_move(mentee.db, original)
    told = mentor.inbox()
    assert "move your meeting on Thu 5 Mar, 10:00" in told
    assert "Fri 13 Mar, 14:00" in told


def test_agreed_elsewhere_to_move_one_day_to_another(mentee: Chat, mentor: Chat) -> None:
    original = _confirmed(mentee, mentor, "book a meeting weds at 3pm by phone")
    reply = mentee.said("tom and i agreed to move weds to fri 11am, pls update it")
    assert "move your meeting from Wed 4 Mar, 15:00 to:\n• *When:* Fri 6 Mar, 11:00" in reply
    mentee.said("yes")
    _the_move(mentee.db, original)
    assert "would like to move your meeting on Wed 4 Mar, 15:00" in mentor.inbox()


def test_moving_the_next_one_not_sure_when_asks_for_the_time(mentee: Chat, mentor: Chat) -> None:
    original = _confirmed(mentee, mentor, "book a meeting fri at 2pm by video")
    reply = mentee.said("need to move our next one, not sure when yet tho")
    assert "What new time would suit?" in reply
    assert "check-in" not in reply
    [after] = _meetings(mentee.db)
    assert (after.status, after.starts_at) == ("confirmed", original.starts_at)


def test_cancelling_a_day_for_sickness_is_a_cancel_not_a_concern(
    mentee: Chat, mentor: Chat
) -> None:
    original = _confirmed(mentee, mentor, "book a meeting tmrw at 10 by video")
    reply = mentor.said("have to cancel tmrw sorry, off sick")
    assert "Shall I cancel your meeting with Priya Shah on Tue 3 Mar, 10:00?" in reply
    mentor.restart()
    mentor.said("yes")
    [after] = _meetings(mentee.db)
    assert (after.id, after.status) == (original.id, "cancelled")
    with transaction(mentee.db) as session:
        assert session.exec(select(Concern)).first() is None
