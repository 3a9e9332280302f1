"""Questions the bot asked unprompted (a proposal, a move, a check-in) answered by typing, in a
new process, hours later; and dialogs put aside by a new request, then carried on.

The clock starts on Mon 23 Nov 2026, 10:00 in London (GMT). Priya Shah (mentee) is paired with
Tom Okafor (mentor). Typed text only: on Slack and Teams every reply arrives as plain text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.nudges import sweep
from storage.db import transaction
from storage.models import Concern, DialogState, FitCheck, Meeting
from tests.transcript import Chat, channel_inbox

BOOKING = "book a meeting tomorrow at 3pm for an hour by video"


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _later(hours: float, *chats: Chat) -> None:
    """``hours`` later: each person talks to a new process."""
    for chat in chats:
        chat.clock = Clock.fixed(chat.clock.now() + timedelta(hours=hours))
        chat.restart()


def _book(mentee: Chat, text: str = BOOKING) -> Meeting:
    assert "Shall I send it to Tom?" in mentee.said(text)
    assert "Sent to Tom Okafor" in mentee.said("yes")
    return _meetings(mentee.db)[-1]


def _proposal_seen(mentee: Chat, mentor: Chat, text: str = BOOKING) -> Meeting:
    meeting = _book(mentee, text)
    assert "would like to meet" in mentor.inbox()
    return meeting


# -- a proposal answered by typing --------------------------------------------------------------


def test_a_typed_acceptance_hours_later_in_a_new_process_confirms_the_meeting(
    mentee: Chat, mentor: Chat
) -> None:
    _proposal_seen(mentee, mentor)
    _later(5, mentee, mentor)
    reply = mentor.said("yes that works 👍")
    assert reply.startswith(
        "Confirmed: your meeting with Priya Shah on Tue 24 Nov, 15:00 (1 hour, by video)."
    )
    assert [m.status for m in _meetings(mentor.db)] == ["confirmed"]
    _later(5, mentee, mentor)
    assert mentee.inbox().startswith("Tom Okafor accepted: your meeting on Tue 24 Nov, 15:00")
    # answered, the question is closed: another "ok" has nothing to answer
    assert mentor.said("ok") == (
        "There's nothing waiting for your answer just now. Type *menu* to see what I can do."
    )


def test_accept_ok_and_naming_the_time_all_accept(mentee: Chat, mentor: Chat) -> None:
    for said in ("accept", "ok", "tues 3pm is good for me, see you then"):
        meeting = _proposal_seen(mentee, mentor)
        assert mentor.said(said).startswith("Confirmed: your meeting with Priya Shah"), said
        assert _meetings(mentor.db)[-1].status == "confirmed"
        mentee.inbox()
        with transaction(mentor.db) as session:
            stored = session.get(Meeting, meeting.id)
            assert stored is not None
            stored.status = "cancelled"  # free the slot for the next phrasing
            session.add(stored)


def test_a_typed_counter_proposal_in_a_new_process_goes_back_to_the_mentee(
    mentee: Chat, mentor: Chat
) -> None:
    meeting = _proposal_seen(mentee, mentor)
    _later(3, mentee, mentor)
    reply = mentor.said("sorry can't do Tuesday, how about Wednesday at 2?")
    assert "I'll suggest this to Priya Shah instead of Tue 24 Nov, 15:00:" in reply
    assert "*When:* Wed 25 Nov, 14:00" in reply
    assert _meetings(mentor.db)[0].status == "proposed"  # nothing sent before the yes
    assert "Sent to Priya Shah: Wed 25 Nov, 14:00." in mentor.said("yes")
    [stored] = _meetings(mentor.db)
    assert (stored.id, stored.status, stored.proposed_by_id) == (
        meeting.id,
        "proposed",
        mentor.person_id,
    )
    received = mentee.inbox()
    assert received.startswith("Tom Okafor suggests another time for your meeting:")
    assert "*When:* Wed 25 Nov, 14:00" in received
    # and Priya answers the counter by typing, in her own new process
    _later(2, mentee, mentor)
    assert mentee.said("great, see you then").startswith(
        "Confirmed: your meeting with Tom Okafor on Wed 25 Nov, 14:00"
    )
    assert [m.status for m in _meetings(mentee.db)] == ["confirmed"]


def test_a_shorter_length_is_a_counter_not_an_acceptance(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor)
    reply = mentor.said("yes but i've only got 45 mins")
    assert "*How long:* 45 minutes" in reply
    assert "*When:* Tue 24 Nov, 15:00" in reply
    assert _meetings(mentor.db)[0].status == "proposed"


def test_a_typed_no_with_a_reason_declines_and_tells_the_mentee(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor)
    _later(1, mentee, mentor)
    assert mentor.said("no, I'm away that week") == (
        "Declined: the meeting on Tue 24 Nov, 15:00. Priya has been told."
    )
    [meeting] = _meetings(mentor.db)
    assert (meeting.status, meeting.decline_reason) == ("declined", "no, I'm away that week")
    received = mentee.inbox()
    assert received.startswith("Tom Okafor declined the meeting on Tue 24 Nov, 15:00.")
    assert "*Reason:* no, I'm away that week" in received


@pytest.mark.parametrize(
    "away",
    [
        "apologies, I'm on holiday till the 30th",
        "ah, I will be away til friday",
        "out of office all that week unfortunately",
    ],
)
def test_being_away_answers_a_waiting_proposal_as_a_decline(
    mentee: Chat, mentor: Chat, away: str
) -> None:
    _proposal_seen(mentee, mentor)
    assert mentor.said(away).startswith("Declined: the meeting on Tue 24 Nov, 15:00.")
    [meeting] = _meetings(mentor.db)
    assert (meeting.status, meeting.decline_reason) == ("declined", away)


@pytest.mark.parametrize(
    "take_back", ["could u retract the request i sent tom", "pls pull my request, sorry"]
)
def test_taking_back_a_waiting_proposal_in_other_words(
    mentee: Chat, mentor: Chat, take_back: str
) -> None:
    _proposal_seen(mentee, mentor)
    assert "Shall I cancel your meeting with Tom Okafor on Tue 24 Nov, 15:00?" in mentee.said(
        take_back
    )
    mentee.said("1")
    assert [m.status for m in _meetings(mentee.db)] == ["cancelled"]
    assert "Tue 24 Nov, 15:00" in mentor.inbox()


def test_can_we_keep_the_original_time_declines_the_move(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor)
    assert mentor.said("ok").startswith("Confirmed")
    mentee.inbox()
    moving = mentee.said("move the meeting to Thursday at 11am")
    assert "Shall I send it to Tom?" in moving
    assert "Sent to Tom Okafor" in mentee.said("yes")
    assert "would like to move your meeting" in mentor.inbox()
    _later(4, mentee, mentor)
    reply = mentor.said("can we keep the original time?")
    assert reply.startswith("Declined: the move to Thu 26 Nov, 11:00.")
    assert "on Tue 24 Nov, 15:00 stays as it is" in reply
    original, move = _meetings(mentor.db)
    assert (original.status, move.status) == ("confirmed", "declined")
    assert "Tom Okafor declined moving your meeting" in mentee.inbox()


def test_a_typed_acceptance_of_a_move(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor)
    mentor.said("ok")
    mentee.inbox()
    mentee.said("move the meeting to Thursday at 11am")
    mentee.said("yes")
    mentor.inbox()
    _later(2, mentee, mentor)
    assert "moved from Tue 24 Nov, 15:00" in mentor.said("Thursday 11am is fine")
    original, move = _meetings(mentor.db)
    assert (original.status, move.status) == ("moved", "confirmed")


def test_two_open_proposals_a_reply_naming_one_and_an_ok_that_asks_which(
    mentee: Chat, mentor: Chat
) -> None:
    _proposal_seen(mentee, mentor)
    _proposal_seen(mentee, mentor, "book a meeting on Friday 27 Nov at 11am for an hour in person")
    # naming a day picks its proposal
    reply = mentor.said("yes to friday")
    assert reply.startswith("Confirmed: your meeting with Priya Shah on Fri 27 Nov, 11:00")
    assert [m.status for m in _meetings(mentor.db)] == ["proposed", "confirmed"]
    _proposal_seen(mentee, mentor, "book a meeting on Wednesday at 9am for an hour by phone")
    # "ok" with two open: the bot asks which; nothing is accepted yet
    which = mentor.said("ok")
    assert "Which do you mean?" in which
    assert "Tue 24 Nov, 15:00" in which
    assert "Wed 25 Nov, 09:00" in which
    assert "Both" in which
    assert [m.status for m in _meetings(mentor.db)] == ["proposed", "confirmed", "proposed"]
    assert mentor.said("the wednesday one").startswith(
        "Confirmed: your meeting with Priya Shah on Wed 25 Nov, 09:00"
    )
    assert [m.status for m in _meetings(mentor.db)] == ["proposed", "confirmed", "confirmed"]


def test_yes_to_one_no_to_the_other_answers_both(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor)
    _proposal_seen(mentee, mentor, "book a meeting on Friday 27 Nov at 11am for an hour in person")
    reply = mentor.said("yes to tuesday, no to friday sorry")
    assert "Confirmed: your meeting with Priya Shah on Tue 24 Nov, 15:00" in reply
    assert "Declined: the meeting on Fri 27 Nov, 11:00" in reply
    assert [m.status for m in _meetings(mentor.db)] == ["confirmed", "declined"]


@pytest.mark.parametrize(
    "reply",
    [
        "tuesday's good but i can't make friday, sorry",
        "friday is no good for me though tuesday works",
        "happy with tues however fri doesn't work",
    ],
)
def test_one_accepted_and_one_declined_joined_by_but_answers_both(
    mentee: Chat, mentor: Chat, reply: str
) -> None:
    _proposal_seen(mentee, mentor)
    _proposal_seen(mentee, mentor, "book a meeting on Friday 27 Nov at 11am for an hour in person")
    said = mentor.said(reply)
    assert "Confirmed: your meeting with Priya Shah on Tue 24 Nov, 15:00" in said
    assert "Declined: the meeting on Fri 27 Nov, 11:00" in said
    assert [m.status for m in _meetings(mentor.db)] == ["confirmed", "declined"]
    told = mentee.inbox()
    assert "Tue 24 Nov, 15:00" in told
    assert "declined the meeting on Fri 27 Nov, 11:00" in told


def test_a_but_that_names_one_day_answers_no_other_proposal(mentee: Chat, mentor: Chat) -> None:
    # Only one proposal is named: "but" splits nothing, and the other one is left waiting.
    _proposal_seen(mentee, mentor)
    _proposal_seen(mentee, mentor, "book a meeting on Friday 27 Nov at 11am for an hour in person")
    mentor.said("friday's fine but could we keep it short")
    statuses = [m.status for m in _meetings(mentor.db)]
    assert statuses[0] == "proposed"
    assert "declined" not in statuses


def test_yes_with_nothing_waiting_says_so(mentor: Chat) -> None:
    assert mentor.said("yes fine") == (
        "There's nothing waiting for your answer just now. Type *menu* to see what I can do."
    )
    assert _meetings(mentor.db) == []


# -- interruptions ----------------------------------------------------------------------------


def _states(db: Engine) -> list[tuple[str, str | None]]:
    with transaction(db) as session:
        rows = session.exec(select(DialogState).order_by(col(DialogState.id))).all()
        return [(r.conversation, r.dialog) for r in rows if r.dialog]


def test_a_new_request_during_booking_is_served_and_the_booking_carried_on(mentee: Chat) -> None:
    assert "What time on" in mentee.said("book a meeting on Thursday")
    reply = mentee.said("what are my actions?")
    assert reply.startswith("I've kept your booking draft: say *carry on booking* to finish it.")
    assert "action" in reply.lower()
    assert _meetings(mentee.db) == []
    _later(1, mentee)
    back = mentee.said("carry on booking")
    assert back.startswith("Back to your meeting booking:")
    assert "What time on Thu 26 Nov?" in back
    reply = mentee.said("3pm for an hour by video")
    assert "*When:* Thu 26 Nov, 15:00" in reply
    assert "Sent to Tom Okafor" in mentee.said("yes")


def test_a_dialog_left_over_a_day_does_not_swallow_a_new_request(mentee: Chat) -> None:
    assert "What time on" in mentee.said("book a meeting on Friday")
    _later(26, mentee)
    reply = mentee.said("cancel the meeting on Friday")
    assert reply.startswith("I've kept your booking draft: say *carry on booking* to finish it.")
    assert "You have no upcoming meetings to cancel" in reply
    assert ("direct", "book_meeting") not in _states(mentee.db)
    assert _meetings(mentee.db) == []


def test_a_diary_body_keeps_its_text(mentee: Chat) -> None:
    first = mentee.said("diary")
    assert first
    body = "I want to book a meeting with my manager about rotas, it went badly"
    reply = mentee.said(body)
    assert "I've kept" not in reply


# -- nudges: a check-in that opened, a contract to sign ---------------------------------------


def test_a_check_in_that_opened_unprompted_is_started_by_a_typed_yes_hours_later(
    demo: Engine,
) -> None:
    opening = "2026-12-07T10:00:00+00:00"  # the keep-in-touch check-in opens on Mon 7 Dec
    sweep(demo, Clock.fixed(opening))
    priya = Chat(demo, Clock.fixed("2026-12-07T12:00:00+00:00"), "mentee@example.org")
    assert "The Keep-in-touch check-in is open until Mon 14 Dec." in priya.inbox()
    _later(5, priya)
    # the contract is waiting too (its reminder came earlier), so the bot asks which
    which = priya.said("sure, go on")
    assert "Which do you mean?" in which
    assert "1. The Keep-in-touch check-in" in which
    assert "2. Your contract with Tom Okafor" in which
    started = priya.said("the check-in")
    assert "*Keep-in-touch check-in*: 4 questions" in started
    assert "Question 1 of 4: How is the mentoring going so far?" in started
    assert "Question 2 of 4" in priya.said("4")


def test_a_check_in_put_off_stays_open(demo: Engine) -> None:
    opening = "2026-12-07T10:00:00+00:00"
    sweep(demo, Clock.fixed(opening))
    priya = Chat(demo, Clock.fixed("2026-12-07T12:00:00+00:00"), "mentee@example.org")
    priya.inbox()
    assert "Which do you mean?" in priya.said("not now, ward round")
    assert priya.said("both") == (
        "No problem. The Keep-in-touch check-in is open until Mon 14 Dec: type *check in* "
        "when you're ready.\n\n"
        "No problem. Type *contract* when you're ready to look at it."
    )
    _later(20, priya)
    assert "Which do you mean?" in priya.said("ok")
    assert "Question 1 of 4" in priya.said("1")


def test_the_fit_check_answered_by_typing_later(mentee: Chat, mentor: Chat) -> None:
    mentee.said(
        "minutes: met Tom today for an hour; discussed my objectives; actions: Priya: update "
        "my CV by 5 Dec; next meeting 8 Jan 3pm"
    )
    assert "Saved the minutes" in mentee.said("save")
    assert "how does the pairing with Priya feel?" in mentor.inbox()
    _later(3, mentee, mentor)
    assert "good to hear" in mentor.said("yeah really good thanks")
    assert "how does the pairing with Tom feel?" in mentee.inbox()
    assert "it can take a meeting or two" in mentee.said("not sure yet tbh")
    with transaction(mentor.db) as session:
        answers = {(f.person_id, f.answer) for f in session.exec(select(FitCheck)).all()}
    assert answers == {(mentor.person_id, "good_fit"), (mentee.person_id, "still_deciding")}


def test_a_lead_alert_acknowledged_by_typing_later(mentee: Chat, mentor: Chat) -> None:
    mentee.said("I want to raise a safeguarding concern: a colleague shared a scan in a group chat")
    mentee.said("Send it")
    assert "Alert C1: what would you like to do?" in channel_inbox(mentee.db, mentee.clock)
    _later(2, mentee, mentor)
    # Tom is in the pairing: the alert is not his to answer, and he learns nothing of it
    assert mentor.said("ok") == (
        "There's nothing waiting for your answer just now. Type *menu* to see what I can do."
    )
    lead = Chat(mentee.db, mentee.clock, "lead@example.org")
    assert lead.said("ok, on it").startswith("Acknowledged C1.")
    with transaction(lead.db) as session:
        concern = session.exec(select(Concern)).one()
    assert concern.acknowledged_by_id == lead.person_id
    assert "There's nothing waiting" in lead.said("ok")


def test_cancelling_a_meeting_in_the_middle_of_a_booking(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor, "book a meeting on Friday 27 Nov at 11am for an hour in person")
    assert mentor.said("ok").startswith("Confirmed")
    assert "What time on" in mentee.said("book a meeting on Thursday")
    reply = mentee.said("cancel Friday's meeting")
    assert reply.startswith("I've kept your booking draft: say *carry on booking* to finish it.")
    assert "Shall I cancel your meeting with Tom Okafor on Fri 27 Nov, 11:00?" in reply
    assert "Cancelled: your meeting with Tom Okafor on Fri 27 Nov, 11:00" in mentee.said(
        "Cancel it, no reason"
    )
    assert "What time on Thu 26 Nov?" in mentee.said("carry on booking")


def test_minutes_logged_at_the_booking_confirmation(mentee: Chat) -> None:
    assert "Shall I send it to Tom?" in mentee.said(BOOKING)
    reply = mentee.said("log minutes: met Tom today for an hour; discussed my objectives")
    assert reply.startswith("I've kept your booking draft: say *carry on booking* to finish it.")
    assert "minutes" in reply.lower()
    assert _meetings(mentee.db) == []


def test_an_answer_at_the_confirmation_is_not_taken_for_a_new_request(mentee: Chat) -> None:
    # "sure" reads as a yes here, whatever journey a typo-tolerant reading finds in it
    assert "Shall I send it to Tom?" in mentee.said(BOOKING)
    reply = mentee.said("sure, go on")
    # not set aside as an interruption (what the booking makes of "sure" is its own reading)
    assert "I've kept" not in reply


def test_a_counter_said_in_passing_answers_the_proposal_not_a_new_move(
    mentee: Chat, mentor: Chat
) -> None:
    # "not tues but weds same time?" reads like moving a meeting; with a proposal waiting for
    # Tom it is his counter-proposal to it, not a request to move something else.
    _proposal_seen(mentee, mentor)
    _later(3, mentee, mentor)
    reply = mentor.said("not tues but weds same time?")
    assert "I'll suggest this to Priya Shah instead of Tue 24 Nov, 15:00:" in reply
    assert "*When:* Wed 25 Nov, 15:00" in reply


def test_can_do_accepts(mentee: Chat, mentor: Chat) -> None:
    _proposal_seen(mentee, mentor)
    _later(1, mentee, mentor)
    assert mentor.said("can do").startswith("Confirmed: your meeting with Priya Shah")


def test_a_request_said_as_a_command_is_still_a_request(mentee: Chat, mentor: Chat) -> None:
    # Priya has a proposal of her own waiting for Tom, and nothing waiting for her: her new
    # booking is a booking.
    _proposal_seen(mentee, mentor)
    assert "Shall I send it to Tom?" in mentee.said("book a meeting fri 27 nov at 11am by phone")
