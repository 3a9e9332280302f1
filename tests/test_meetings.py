"""Booking, answering, rescheduling and cancelling meetings, played through the console with the
fixed clock (Mon 23 Nov 2026, 10:00 in London). Priya Shah (mentee) is paired with Tom Okafor
(mentor); Nadia Kaur (mentee2) with Owen Whitfield (mentor2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.messages import Incoming
from storage import queries
from storage.db import transaction
from storage.models import AuditLog, Meeting, Pairing, Person
from tests.conftest import NOW
from tests.test_cli import loaded, mentorbot  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat, saved_files

ONE_SHOT = "book a meeting on Tuesday 3pm for an hour by video"
TUE_3PM = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _person_id(db: Engine, email: str) -> int:
    with transaction(db) as session:
        person = queries.person_by_email(session, email)
        assert person is not None
        assert person.id is not None
        return person.id


def _set_zone(db: Engine, email: str, zone: str) -> None:
    with transaction(db) as session:
        person = queries.person_by_email(session, email)
        assert person is not None
        person.time_zone = zone
        session.add(person)


def _press(chat: Chat, action: str, label: str = "") -> str:
    return chat.send(Incoming(person_id=chat.person_id, text=label, action=action))


def _press_value(chat: Chat, action: str, value: str) -> str:
    return chat.send(
        Incoming(person_id=chat.person_id, text="", action=action, values={"value": value})
    )


def _book(mentee: Chat, text: str = ONE_SHOT) -> Meeting:
    reply = mentee.said(text)
    assert "Shall I send it to Tom?" in reply, reply
    assert "Sent to Tom Okafor" in mentee.said("1")
    return _meetings(mentee.db)[-1]


def _confirmed(mentee: Chat, mentor: Chat, text: str = ONE_SHOT) -> Meeting:
    _book(mentee, text)
    mentor.inbox()
    assert "Confirmed: your meeting with Priya Shah" in mentor.said("1")
    mentee.inbox()
    return _meetings(mentee.db)[-1]


def _event(ics: str) -> dict[str, object]:
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return {
        "method": str(calendar["METHOD"]),
        "uid": str(event["UID"]),
        "sequence": int(str(event["SEQUENCE"])),
        "start": event.decoded("DTSTART"),
        "duration": event.decoded("DURATION"),
        "summary": str(event["SUMMARY"]),
        "status": str(event["STATUS"]),
    }


def _ics_in(shown: str) -> str:
    """The calendar file the console saved and named in its ``[calendar ...]`` line (the
    console never shows a file's contents)."""
    assert "BEGIN:VCALENDAR" not in shown
    [ics] = [p.read_text(encoding="utf-8") for p in saved_files(shown) if p.suffix == ".ics"]
    assert ics.startswith("BEGIN:VCALENDAR")
    return ics


# -- booking: phrasings ----------------------------------------------------------------------


def test_one_message_with_every_fact_goes_straight_to_the_confirmation(
    mentee: Chat, mentor: Chat
) -> None:
    reply = mentee.said(ONE_SHOT)
    assert reply == (
        "Here's the meeting I'll propose to Tom Okafor:\n"
        "• *When:* Tue 24 Nov, 15:00\n"
        "• *How long:* 1 hour\n"
        "• *How:* by video\n\n"
        "Shall I send it to Tom?\n"
        "  1. Send to Tom\n"
        "  2. Change the time\n"
        "  3. Change the length\n"
        "  4. Change how we meet\n"
        "  5. Add an agenda"
    )
    assert _meetings(mentee.db) == []  # nothing saved before the confirmation
    assert mentee.said("1") == (
        "Sent to Tom Okafor: Tue 24 Nov, 15:00. I'll let you know when Tom replies. "
        "Type *my meetings* to see your meetings."
    )
    [meeting] = _meetings(mentee.db)
    assert (meeting.starts_at, meeting.duration_minutes, meeting.mode, meeting.status) == (
        TUE_3PM,
        60,
        "video",
        "proposed",
    )
    assert meeting.proposed_by_id == mentee.person_id
    assert mentor.inbox() == (
        "Priya Shah would like to meet:\n"
        "• *When:* Tue 24 Nov, 15:00\n"
        "• *How long:* 1 hour\n"
        "• *How:* by video\n\n"
        "Does that suit you?\n"
        "  1. Accept\n"
        "  2. Suggest another time\n"
        "  3. Decline"
    )


def test_a_bare_request_asks_only_for_what_is_missing(mentee: Chat) -> None:
    assert mentee.said("I'd like to arrange a meeting with Tom") == (
        "When would you like to meet Tom? For example *Thursday at 10am*."
    )
    reply = mentee.said("Thursday at 10am")  # no length said: the scheme's hour
    assert reply.startswith("How will you meet? (Tom prefers to meet by video or in person.)")
    assert "  1. In person\n  2. Video\n  3. Phone" in reply
    reply = mentee.said("In person")
    assert "• *When:* Thu 26 Nov, 10:00\n• *How long:* 1 hour\n• *How:* in person" in reply
    assert "I've made it 1 hour, the scheme's usual length" in reply
    mentee.said("yes")
    [meeting] = _meetings(mentee.db)
    assert (meeting.starts_at, meeting.duration_minutes, meeting.mode) == (
        datetime(2026, 11, 26, 10, tzinfo=UTC),
        60,
        "in_person",
    )


def test_a_sentence_with_an_agenda_takes_an_hour_then_shows_the_agenda(
    mentee: Chat, mentor: Chat
) -> None:
    reply = mentee.said(
        "can we schedule a call on 1 Dec at 9am in person to discuss my business case"
    )
    assert "• *How long:* 1 hour\n" in reply
    reply = mentee.said("make it 90 mins")
    assert "• *When:* Tue 1 Dec, 09:00\n• *How long:* 1 hour 30 minutes\n• *How:* in person" in (
        reply
    )
    assert "*Agenda:* my business case" in reply
    assert "5. Change the agenda" in reply
    mentee.said("Send to Tom")
    [meeting] = _meetings(mentee.db)
    assert meeting.agenda == "my business case"
    assert "*Agenda:* my business case" in mentor.inbox()


def test_a_day_first_then_a_time(mentee: Chat) -> None:
    assert mentee.said("book a meeting on Wednesday") == "What time on Wed 25 Nov?"
    assert "How will you meet?" in mentee.said("2pm")
    assert "*When:* Wed 25 Nov, 14:00" in mentee.said("video")


def test_a_book_button_can_carry_the_facts(mentee: Chat) -> None:
    """How another journey (the minutes' "next meeting") hands over a date it already has."""
    reply = _press_value(mentee, "intent:book_meeting", "Thursday at 2pm for an hour")
    assert reply.startswith("How will you meet?")
    assert "*When:* Thu 26 Nov, 14:00" in mentee.said("video")


# -- booking: corrections --------------------------------------------------------------------


def test_fields_can_be_corrected_at_the_confirmation(mentee: Chat) -> None:
    mentee.said(ONE_SHOT)
    reply = mentee.said("change the time to 4pm")
    assert "*When:* Tue 24 Nov, 16:00" in reply  # the day is kept
    assert "*How long:* 1 hour 30 minutes" in mentee.said("make it 90 minutes")
    assert "*How:* by phone" in mentee.said("by phone instead")
    assert "*When:* Wed 25 Nov, 16:00" in mentee.said("move it to Wednesday")
    assert "How long will it be?" in mentee.said("Change the length")
    assert "*How long:* 2 hours" in mentee.said("2 hours")
    assert "How will you meet?" in mentee.said("change how we meet")
    assert "*How:* by video" in mentee.said("2")
    reply = mentee.said("Add an agenda")
    assert "What would you like to talk about?" in reply
    reply = mentee.said("My <b>promotion</b> & the board paper")
    assert "*Agenda:* My <b>promotion</b> & the board paper" in reply
    mentee.said("send")
    [meeting] = _meetings(mentee.db)
    assert (meeting.starts_at, meeting.duration_minutes, meeting.mode, meeting.agenda) == (
        datetime(2026, 11, 25, 16, tzinfo=UTC),
        120,
        "video",
        "My <b>promotion</b> & the board paper",
    )


def test_a_short_meeting_gets_a_gentle_note_not_a_refusal(mentee: Chat) -> None:
    reply = mentee.said("book a meeting tomorrow at 3pm for 30 minutes by phone")
    assert "the scheme expects meetings of at least 1 hour. A shorter one is fine" in reply
    mentee.said("send")
    assert [m.duration_minutes for m in _meetings(mentee.db)] == [30]


# -- booking: refusals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("book a meeting on 20 Nov at 3pm", "20 Nov 2026 is in the past. Which date did you mean?"),
        ("book a meeting on 31 Feb at 3pm", "There is no 31 February. Which date did you mean?"),
        ("book a meeting next week", "Which day next week?"),
        (
            "book a meeting tomorrow at 3pm for 0 minutes",
            "A meeting can't last 0 minutes. How long will it be?",
        ),
        (
            "book a meeting tomorrow at 3pm for 30 hours",
            "A meeting can't last 30 hours (12 hours at most). How long will it be?",
        ),
    ],
)
def test_impossible_past_and_absurd_requests_are_asked_back(
    mentee: Chat, text: str, expected: str
) -> None:
    assert expected in mentee.said(text)
    assert _meetings(mentee.db) == []


def test_a_time_already_gone_today_is_refused(mentee: Chat) -> None:
    mentee.said("book a meeting")
    assert "09:00 today has already passed." in mentee.said("today at 9am")
    assert "How will you meet?" in mentee.said("today at 2pm")


def test_a_time_the_clocks_skip_is_asked_back(mentee: Chat) -> None:
    reply = mentee.said("book a meeting on 28 March 2027 at 1:30am")
    assert "the clocks go forward that night" in reply
    assert _meetings(mentee.db) == []


def test_a_length_of_zero_or_thirty_hours_is_refused_when_asked(mentee: Chat) -> None:
    mentee.said("book a meeting on Thursday at 10am by video")
    mentee.said("change the length")
    assert "A meeting can't last 0 minutes." in mentee.said("0")
    assert "A meeting can't last 30 hours (12 hours at most)." in mentee.said("30 hours")
    assert "*How long:* 1 hour" in mentee.said("1 hour")


def test_a_booking_across_the_clock_change_keeps_the_wall_time(
    mentee: Chat, mentor: Chat, demo: Engine
) -> None:
    """Booked in November (GMT) for after the clocks go forward (BST): 10:00 in London is
    09:00 UTC; Tom in New York (whose clocks changed two weeks earlier) sees 05:00."""
    _set_zone(demo, "mentor@example.org", "America/New_York")
    reply = mentee.said("book a meeting on 29 March 2027 at 10am for an hour by video")
    assert "*When:* Mon 29 Mar 2027, 10:00" in reply
    mentee.said("send")
    [meeting] = _meetings(mentee.db)
    assert meeting.starts_at == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert "*When:* Mon 29 Mar 2027, 05:00 (your time, America/New_York)" in mentor.inbox()
    reply = mentor.said("1")
    assert "on Mon 29 Mar 2027, 05:00 (your time, America/New_York)" in reply
    event = _event(_ics_in(reply))
    assert event["start"] == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)


def test_double_booking_is_refused_for_either_partner(
    mentee: Chat, mentor: Chat, demo: Engine
) -> None:
    _book(mentee)  # Tue 24 Nov 15:00-16:00
    reply = mentee.said("book a meeting on Tuesday at 3:30pm for an hour by phone")
    assert reply == (
        "You and Tom both already have a meeting booked at that time, so I can't double-book "
        "it. What other time would suit?"
    )
    assert "*When:* Tue 24 Nov, 16:00" in mentee.said("4pm")  # back to back is fine
    mentee.said("cancel")
    # Tom has a meeting with someone else on Wednesday: Priya is told only that he is busy.
    with transaction(demo) as session:
        pairing = session.exec(select(Pairing).order_by(col(Pairing.id))).first()
        assert pairing is not None
        other = Pairing(
            cohort_id=pairing.cohort_id,
            mentee_id=_person_id(demo, "mentor3@example.org"),
            mentor_id=pairing.mentor_id,
            started_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        session.add(other)
        session.flush()
        assert other.id is not None
        session.add(
            Meeting(
                pairing_id=other.id,
                starts_at=datetime(2026, 11, 25, 11, tzinfo=UTC),
                duration_minutes=120,
                mode="phone",
                agenda="private to that pair",
                status="confirmed",
                proposed_by_id=other.mentee_id,
                created_at=datetime(2026, 11, 20, tzinfo=UTC),
                updated_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
        )
    reply = mentee.said("book a meeting on Wednesday at noon for an hour by video")
    assert reply == (
        "Tom already has a meeting booked at that time, so I can't double-book it. "
        "What other time would suit?"
    )
    assert "Leah" not in reply
    assert "private" not in reply


# -- who may book ----------------------------------------------------------------------------


def test_a_mentor_is_told_the_mentee_arranges_meetings(mentor: Chat) -> None:
    reply = mentor.said(ONE_SHOT)
    assert reply.startswith("In this scheme the mentee arranges the meetings, so Priya Shah")
    assert "suggest it to Priya" in reply
    assert _meetings(mentor.db) == []


def test_someone_without_a_pairing_is_told_kindly(demo: Engine, clock: Clock) -> None:
    lead = Chat(demo, clock, "lead@example.org")
    assert "You're not paired with a mentor at the moment" in lead.said(ONE_SHOT)
    assert "You don't have a mentoring partner at the moment" in lead.said("cancel the meeting")
    assert lead.said("my meetings") == "You have no meetings coming up."


# -- answering a proposal ----------------------------------------------------------------------


def test_accepting_confirms_and_sends_both_a_calendar_invite(mentee: Chat, mentor: Chat) -> None:
    meeting = _book(mentee)
    mentor.inbox()
    reply = mentor.said("1")  # Accept
    assert reply.startswith(
        "Confirmed: your meeting with Priya Shah on Tue 24 Nov, 15:00 (1 hour, by video). "
        "Priya has been told. The calendar invite is attached"
    )
    assert "[calendar invite: Tue 24 Nov, 15:00 saved to " in reply
    assert f"mentoring-meeting-{meeting.id}-invite.ics]" in reply
    received = mentee.inbox()
    assert received.startswith(
        "Tom Okafor accepted: your meeting on Tue 24 Nov, 15:00 is confirmed (1 hour, by video)."
    )
    for ics in (_ics_in(reply), _ics_in(received)):
        assert _event(ics) == {
            "method": "REQUEST",
            "uid": f"mentorbot-meeting-{meeting.id}@mentorbot",
            "sequence": 0,
            "start": TUE_3PM,
            "duration": datetime(2026, 1, 1, 1, tzinfo=UTC) - datetime(2026, 1, 1, tzinfo=UTC),
            "summary": "Mentoring: Priya Shah and Tom Okafor",
            "status": "CONFIRMED",
        }
    assert "DTSTART:20261124T150000Z" in _ics_in(reply)
    assert [m.status for m in _meetings(mentee.db)] == ["confirmed"]
    assert "That meeting is already confirmed" in _press(mentor, f"meeting:accept:{meeting.id}")


def test_a_mentee_cannot_accept_their_own_proposal(mentee: Chat) -> None:
    meeting = _book(mentee)
    reply = _press(mentee, f"meeting:accept:{meeting.id}", "Accept")
    assert reply == "You proposed this meeting, so Tom needs to accept it."
    assert [m.status for m in _meetings(mentee.db)] == ["proposed"]


def test_someone_outside_the_pair_can_neither_see_nor_answer_the_meeting(
    mentee: Chat, demo: Engine, clock: Clock
) -> None:
    meeting = _book(mentee)
    nadia = Chat(demo, clock, "mentee2@example.org")
    owen = Chat(demo, clock, "mentor2@example.org")
    refused = (
        "I couldn't find that meeting among yours, so there's nothing to do. "
        "Type *my meetings* to see your meetings."
    )
    for stranger in (nadia, owen):
        for verb in ("accept", "suggest", "decline"):
            assert _press(stranger, f"meeting:{verb}:{meeting.id}") == refused
        # the same answer as for a meeting that does not exist
        assert _press(stranger, "meeting:accept:999999") == refused
        assert _press(stranger, "meeting:accept:'; DROP TABLE meeting; --") == refused
        assert "no meetings coming up" in stranger.said("my meetings")
        assert "You have no upcoming meetings to cancel" in stranger.said("cancel the meeting")
    assert [m.status for m in _meetings(demo)] == ["proposed"]
    assert nadia.inbox() == ""


def test_suggesting_another_time_sends_a_counter_proposal_back(mentee: Chat, mentor: Chat) -> None:
    meeting = _book(mentee)
    mentor.inbox()
    assert mentor.said("2") == (
        "Priya proposed Tue 24 Nov, 15:00. What time would suit you instead? "
        "For example *Thursday at 10am*. I'll send it to Priya to accept."
    )
    assert "Sorry, I couldn't read a day and time in that." in mentor.said("whenever")
    reply = mentor.said("Wednesday at 11am")
    assert "I'll suggest this to Priya Shah instead of Tue 24 Nov, 15:00:" in reply
    assert "*When:* Wed 25 Nov, 11:00" in reply
    assert "Sent to Priya Shah: Wed 25 Nov, 11:00." in mentor.said("1")
    received = mentee.inbox()
    assert received.startswith("Tom Okafor suggests another time for your meeting:")
    assert "*When:* Wed 25 Nov, 11:00" in received
    assert "1. Accept" in received
    stored = _meetings(mentee.db)[0]
    assert (stored.status, stored.proposed_by_id) == ("proposed", mentor.person_id)
    # now Tom proposed it: he can't accept it himself, Priya can
    assert _press(mentor, f"meeting:accept:{meeting.id}") == (
        "You proposed this meeting, so Priya needs to accept it."
    )
    assert "Confirmed: your meeting with Tom Okafor on Wed 25 Nov, 11:00" in mentee.said("1")
    assert "Priya Shah accepted" in mentor.inbox()
    assert [m.status for m in _meetings(mentee.db)] == ["confirmed"]


def test_declining_with_a_reason_tells_the_mentee_and_offers_another_booking(
    mentee: Chat, mentor: Chat
) -> None:
    _book(mentee)
    mentor.inbox()
    reply = mentor.said("3")
    assert "You're declining Priya's proposal for Tue 24 Nov, 15:00." in reply
    assert "1. Decline without a reason" in reply
    assert mentor.said("I'm on annual leave that week") == (
        "Declined: the meeting on Tue 24 Nov, 15:00. Priya has been told."
    )
    [meeting] = _meetings(mentee.db)
    assert (meeting.status, meeting.decline_reason) == ("declined", "I'm on annual leave that week")
    received = mentee.inbox()
    assert received == (
        "Tom Okafor declined the meeting on Tue 24 Nov, 15:00.\n\n"
        "*Reason:* I'm on annual leave that week\n\n"
        "Would you like to book another time?\n"
        "  1. Book another time"
    )
    assert "When would you like to meet Tom?" in mentee.said("1")


def test_declining_without_a_reason_and_changing_ones_mind(mentee: Chat, mentor: Chat) -> None:
    _book(mentee)
    mentor.inbox()
    mentor.said("Decline")
    assert mentor.said("Don't decline") == "OK, I've left the meeting as it is."
    assert [m.status for m in _meetings(mentee.db)] == ["proposed"]
    meeting = _meetings(mentee.db)[0]
    _press(mentor, f"meeting:decline:{meeting.id}")
    mentor.said("1")  # Decline without a reason
    assert [(m.status, m.decline_reason) for m in _meetings(mentee.db)] == [("declined", None)]
    assert "*Reason:*" not in mentee.inbox()
    assert "was declined, so there's nothing to accept" in _press(
        mentor, f"meeting:accept:{meeting.id}"
    )


def test_a_decline_reason_with_patient_data_is_guarded(mentee: Chat, mentor: Chat) -> None:
    _book(mentee)
    mentor.inbox()
    mentor.said("Decline")
    reply = mentor.said("clinic with patient 943 476 5919 overran")
    assert "This looks like it includes an NHS number" in reply
    assert "Declined" in mentor.said("Remove it and save")
    assert _meetings(mentee.db)[0].decline_reason == "clinic with patient [removed] overran"


CONCERN = "a patient came to harm on the ward after a drug error that was covered up"


def test_a_decline_reason_that_reads_like_a_concern_is_offered_to_the_lead_first(
    mentee: Chat, mentor: Chat
) -> None:
    _book(mentee)
    mentor.inbox()
    mentor.said("Decline")
    asked = mentor.said(CONCERN)
    assert "safeguarding or patient safety concern" in asked
    assert "Priya will see your reason." in asked
    assert "Keep it in my reason only" in asked
    assert [m.status for m in _meetings(mentee.db)] == ["proposed"]  # nothing done yet
    assert "Declined" in mentor.said("Keep it in my reason only")
    assert _meetings(mentee.db)[0].decline_reason == CONCERN


def test_a_decline_reason_sent_to_the_lead_can_be_left_out(mentee: Chat, mentor: Chat) -> None:
    _book(mentee)
    mentor.inbox()
    mentor.said("Decline")
    mentor.said(CONCERN)
    assert "Yes, keep it in my reason" in mentor.said("Send it to the lead")
    reply = mentor.said("No, leave it out")
    assert "I've left your reason out: it's with the project lead." in reply
    assert [(m.status, m.decline_reason) for m in _meetings(mentee.db)] == [("declined", None)]
    assert CONCERN not in mentee.inbox()


# -- rescheduling and cancelling -------------------------------------------------------------


def _ics_all(shown: str) -> list[dict[str, object]]:
    """Every calendar file the console saved and named, in order."""
    return [_event(p.read_text(encoding="utf-8")) for p in saved_files(shown) if p.suffix == ".ics"]


def test_rescheduling_a_confirmed_meeting_needs_the_other_to_accept_again(
    mentee: Chat, mentor: Chat
) -> None:
    meeting = _confirmed(mentee, mentor)
    reply = mentor.said("move our meeting to 4pm")
    assert "I'll ask Priya Shah to move your meeting from Tue 24 Nov, 15:00 to:" in reply
    assert "*When:* Tue 24 Nov, 16:00" in reply
    assert "Until Priya accepts, your meeting on Tue 24 Nov, 15:00 stays as it is." in (
        mentor.said("send")
    )
    original, move = _meetings(mentee.db)
    assert (original.id, original.status, original.starts_at) == (meeting.id, "confirmed", TUE_3PM)
    assert (move.status, move.proposed_by_id, move.replaces_id) == (
        "proposed",
        mentor.person_id,
        meeting.id,
    )
    received = mentee.inbox()
    assert received.startswith(
        "Tom Okafor would like to move your meeting on Tue 24 Nov, 15:00 to:"
    )
    assert "Tue 24 Nov, 16:00 with Tom Okafor, 1 hour by video: proposed move of your " in (
        mentee.said("my meetings")
    )
    reply = mentee.said("Accept")
    assert reply.startswith(
        "Confirmed: your meeting with Tom Okafor on Tue 24 Nov, 16:00 (moved from Tue 24 Nov, "
        "15:00) (1 hour, by video). Tom has been told. The new calendar invite is attached, with "
        "the cancellation of the old one."
    )
    told = mentor.inbox()
    assert told.startswith("Priya Shah accepted: your meeting on Tue 24 Nov, 16:00 (moved from")
    # The old invite is cancelled once, and the new time is one new invite.
    for shown in (reply, told):
        assert [(e["method"], e["uid"], e["sequence"], e["start"]) for e in _ics_all(shown)] == [
            ("CANCEL", f"mentorbot-meeting-{meeting.id}@mentorbot", 1, TUE_3PM),
            (
                "REQUEST",
                f"mentorbot-meeting-{move.id}@mentorbot",
                0,
                datetime(2026, 11, 24, 16, tzinfo=UTC),
            ),
        ]
    assert [m.status for m in _meetings(mentee.db)] == ["moved", "confirmed"]


def test_a_declined_move_leaves_the_confirmed_meeting_as_it_was(mentee: Chat, mentor: Chat) -> None:
    meeting = _confirmed(mentee, mentor)
    mentor.said("move our meeting to 4pm")
    mentor.said("send")
    assert "would like to move your meeting" in mentee.inbox()
    asked = mentee.said("Decline")
    assert "Would you like to tell Tom why?" in asked
    reply = mentee.said("Decline without a reason")
    assert reply == (
        "Declined: the move to Tue 24 Nov, 16:00. Your meeting with Tom Okafor on Tue 24 Nov, "
        "15:00 stays as it is. Tom has been told."
    )
    told = mentor.inbox()
    assert told == (
        "Priya Shah declined moving your meeting to Tue 24 Nov, 16:00. Your meeting on Tue 24 "
        "Nov, 15:00 stays as it is."
    )
    assert "[calendar" not in reply + told  # no calendar cancellation for the original
    original, move = _meetings(mentee.db)
    assert (original.id, original.status, original.starts_at) == (meeting.id, "confirmed", TUE_3PM)
    assert move.status == "declined"
    for chat in (mentee, mentor):
        assert "Tue 24 Nov, 15:00 with" in chat.said("my meetings")
        assert ": confirmed" in chat.said("my meetings")
    with transaction(mentee.db) as s:
        invites = s.exec(
            select(AuditLog.action).where(AuditLog.subject == f"meeting:{meeting.id}")
        ).all()
    assert "meeting.invite_cancel" not in invites


def test_reminders_follow_the_original_until_the_move_is_accepted(
    mentee: Chat, mentor: Chat
) -> None:
    """Wed 25 Nov 15:00 is confirmed; on Monday Tom asks to move it to Thursday. Tuesday's
    reminder is for Wednesday (the move isn't accepted); once Priya accepts, Tom's unread
    reminder for Wednesday is dropped, and Wednesday's reminders are for Thursday."""
    from conversations.nudges import sweep

    def at(moment: str, chat: Chat) -> Chat:
        return Chat(chat.db, Clock.fixed(moment), chat.email)

    _confirmed(mentee, mentor, "book a meeting on 25 Nov at 3pm for an hour by video")
    mentor.said("move our meeting to 26 Nov at 3pm")
    mentor.said("send")
    sweep(mentee.db, Clock.fixed("2026-11-24T09:45:00+00:00"))
    priya = at("2026-11-24T10:30:00+00:00", mentee)
    shown = priya.inbox()
    assert "would like to move your meeting on Wed 25 Nov, 15:00" in shown
    assert "Reminder: you're meeting Tom Okafor on Wed 25 Nov, 15:00" in shown
    move = _meetings(mentee.db)[-1]
    accepted = _press(priya, f"meeting:accept:{move.id}", "Accept")
    assert "Confirmed: your meeting with Tom Okafor on Thu 26 Nov, 15:00" in accepted
    tom = at("2026-11-24T11:00:00+00:00", mentor)
    shown = tom.inbox()
    assert shown.startswith("Priya Shah accepted: your meeting on Thu 26 Nov, 15:00")
    assert "Reminder" not in shown  # the reminder for Wednesday no longer applies
    sweep(mentee.db, Clock.fixed("2026-11-25T09:45:00+00:00"))
    for chat in (mentee, mentor):
        shown = at("2026-11-25T10:30:00+00:00", chat).inbox()
        assert "Reminder: you're meeting" in shown
        assert "on Thu 26 Nov, 15:00" in shown
        assert "Wed 25 Nov" not in shown


def test_a_yes_that_repeats_the_cancel_or_decline_is_not_its_reason(
    mentee: Chat, mentor: Chat
) -> None:
    _confirmed(mentee, mentor)
    mentee.said("cancel the meeting on Tuesday")
    assert mentee.said("yep, just cancel").startswith("Cancelled: your meeting with Tom Okafor")
    [stored] = _meetings(mentee.db)
    assert (stored.status, stored.decline_reason) == ("cancelled", None)
    assert "*Reason:*" not in mentor.inbox()


def test_cancelling_a_confirmed_meeting_sends_a_calendar_cancellation(
    mentee: Chat, mentor: Chat
) -> None:
    meeting = _confirmed(mentee, mentor)
    reply = mentee.said("cancel the meeting on Tuesday")
    assert "Shall I cancel your meeting with Tom Okafor on Tue 24 Nov, 15:00?" in reply
    reply = mentee.said("Something came up at work")
    assert reply.startswith(
        "Cancelled: your meeting with Tom Okafor on Tue 24 Nov, 15:00. Tom has been told."
    )
    assert "Book another time" in reply
    [stored] = _meetings(mentee.db)
    assert (stored.status, stored.decline_reason) == ("cancelled", "Something came up at work")
    received = mentor.inbox()
    assert received.startswith("Priya Shah has cancelled your meeting on Tue 24 Nov, 15:00.")
    assert "*Reason:* Something came up at work" in received
    assert "Priya arranges your meetings and will be in touch" in received
    assert "[calendar cancellation: Tue 24 Nov, 15:00 saved to " in received
    for ics in (_ics_in(reply), _ics_in(received)):
        event = _event(ics)
        assert (event["method"], event["uid"], event["sequence"], event["status"]) == (
            "CANCEL",
            f"mentorbot-meeting-{meeting.id}@mentorbot",
            1,
            "CANCELLED",
        )


def test_cancelling_a_proposal_sends_no_calendar_file_and_can_be_kept(
    mentee: Chat, mentor: Chat
) -> None:
    _book(mentee)
    mentor.inbox()
    mentor.said("cancel our meeting")
    assert mentor.said("Keep the meeting") == "OK, I've left the meeting as it is."
    mentor.said("cancel our meeting")
    assert mentor.said("1").startswith("Cancelled: your meeting with Priya Shah")
    received = mentee.inbox()
    assert "[calendar" not in received
    assert "Would you like to book another time?" in received
    assert [m.status for m in _meetings(mentee.db)] == ["cancelled"]


def test_with_several_meetings_the_person_picks_one(mentee: Chat) -> None:
    _book(mentee)
    _book(mentee, "book a meeting on 3 Dec at 10am for an hour in person")
    reply = mentee.said("reschedule")
    assert "Which meeting would you like to move?" in reply
    assert "  1. Tue 24 Nov, 15:00 with Tom Okafor (proposed)" in reply
    assert "  2. Thu 3 Dec, 10:00 with Tom Okafor (proposed)" in reply
    assert "Your meeting with Tom Okafor is on Thu 3 Dec, 10:00." in mentee.said("2")
    assert "*When:* Fri 27 Nov, 10:00" in mentee.said("Friday")
    mentee.said("send")
    assert [m.starts_at.day for m in _meetings(mentee.db)] == [24, 27]
    # "move Tuesday's meeting to Wednesday at 9am": the first date picks, the second moves
    reply = mentee.said("move the meeting on Tuesday to Wednesday at 9am")
    assert "move your meeting from Tue 24 Nov, 15:00 to:\n• *When:* Wed 25 Nov, 09:00" in reply


def test_a_reschedule_to_the_same_time_or_a_clash_is_asked_again(mentee: Chat) -> None:
    _book(mentee)
    _book(mentee, "book a meeting on 3 Dec at 10am for an hour in person")
    assert "Your meeting with Tom Okafor is on Tue 24 Nov, 15:00. What new time" in mentee.said(
        "I need to move the meeting on Tuesday"
    )
    assert "That's what it's already booked for." in mentee.said("Tue 24 Nov at 3pm")
    assert "already have a meeting booked at that time" in mentee.said("3 Dec at 10:30am")


# -- my meetings -----------------------------------------------------------------------------


def test_my_meetings_lists_status_partner_and_mode_in_the_readers_zone(
    mentee: Chat, mentor: Chat, demo: Engine
) -> None:
    assert mentee.said("my meetings") == (
        "You have no meetings coming up. Type *book a meeting* to arrange one."
    )
    _confirmed(mentee, mentor)
    _book(mentee, "book a meeting on 3 Dec at 10am for 90 minutes in person")
    assert mentee.said("my meetings") == (
        "Your upcoming meetings:\n"
        "• Tue 24 Nov, 15:00 with Tom Okafor, 1 hour by video: confirmed\n"
        "• Thu 3 Dec, 10:00 with Tom Okafor, 1 hour 30 minutes in person: "
        "proposed, waiting for Tom to reply\n"
        "To change one, type *reschedule* or *cancel the meeting*."
    )
    _set_zone(demo, "mentor@example.org", "America/New_York")
    mentor.restart()
    reply = mentor.said("next meeting")
    assert reply.startswith("Your upcoming meetings (your time, America/New_York):\n")
    assert "• Tue 24 Nov, 10:00 with Priya Shah, 1 hour by video: confirmed" in reply
    assert "• Thu 3 Dec, 05:00 with Priya Shah" in reply
    assert "Priya proposed Thu 3 Dec, 05:00. Does that suit you?\n  1. Accept" in reply
    assert "Confirmed" in mentor.said("1")


# -- robustness ------------------------------------------------------------------------------


def test_cancel_back_and_restart_in_the_middle(mentee: Chat) -> None:
    mentee.said("book a meeting")
    assert "How will you meet?" in mentee.said("Thursday at 10am")
    mentee.restart()  # a new process, the next day
    assert "*How:* by phone" in mentee.said("phone")
    reply = mentee.said("back")
    assert reply.startswith("OK, going back.")
    assert "How will you meet?" in reply
    assert "*How:* by video" in mentee.said("video")
    assert mentee.said("cancel") == (
        "Cancelled your meeting booking: nothing was saved. "
        "Type *menu* when you want to do something else."
    )
    assert _meetings(mentee.db) == []


def test_after_a_days_pause_a_time_that_has_passed_is_asked_again(
    mentee: Chat, demo: Engine
) -> None:
    assert "Shall I send it to Tom?" in mentee.said(
        "book a meeting tomorrow at 9am for 1h by video"
    )
    next_day = Chat(demo, Clock.fixed("2026-11-24T10:00:00+00:00"), "mentee@example.org")
    assert next_day.said("send") == (
        "Tue 24 Nov, 09:00 has passed now. What other time would suit?"
    )
    assert "*When:* Wed 25 Nov, 09:00" in next_day.said("Wednesday 9am")
    next_day.said("send")
    assert [m.starts_at for m in _meetings(demo)] == [datetime(2026, 11, 25, 9, tzinfo=UTC)]


def test_a_forged_button_value_is_refused_kindly(mentee: Chat) -> None:
    mentee.said("book a meeting on Thursday at 10am")
    reply = _press(mentee, "dialog:book_meeting:length", "x")
    assert "Please choose one of these." in reply
    reply = mentee.send(
        Incoming(
            person_id=mentee.person_id,
            action="dialog:book_meeting:length",
            values={"value": "100000"},
        )
    )
    assert "Please choose one of these." in reply
    assert _meetings(mentee.db) == []


def test_cancel_in_the_middle_of_answering_leaves_the_proposal(mentee: Chat, mentor: Chat) -> None:
    _book(mentee)
    mentor.inbox()
    mentor.said("Suggest another time")
    assert mentor.said("cancel").startswith("Cancelled your meeting change: nothing was saved.")
    assert [m.status for m in _meetings(mentee.db)] == ["proposed"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂🙂", "<script>alert(1)</script>", "'; DROP TABLE meeting; --", "x" * 20_000],
)
def test_bad_input_while_asking_for_a_time_gets_a_clear_reply(mentee: Chat, text: str) -> None:
    mentee.said("book a meeting")
    reply = mentee.said(text)
    assert (
        "I didn't get anything there." in reply
        or "Sorry, I couldn't read a day and time in that." in reply
        or "That's 20,000 characters" in reply
    )
    assert "When would you like to meet Tom?" in reply
    assert _meetings(mentee.db) == []


def test_a_huge_booking_message_is_refused_without_a_traceback(mentee: Chat) -> None:
    reply = mentee.said("book a meeting " + "tomorrow " * 3000)
    assert "more than I can take for a booking" in reply
    assert _meetings(mentee.db) == []


def test_an_agenda_with_patient_data_is_guarded(mentee: Chat) -> None:
    mentee.said(ONE_SHOT)
    mentee.said("Add an agenda")
    reply = mentee.said("the audit, patient DOB 12/03/1961")
    assert "This looks like it includes a date of birth" in reply
    assert "What would you like to talk about?" in mentee.said("Let me rewrite it")
    assert "*Agenda:* the audit" in mentee.said("the audit")


# -- what is stored --------------------------------------------------------------------------


def test_the_export_shows_the_meetings_of_both_partners(mentee: Chat, mentor: Chat) -> None:
    _confirmed(mentee, mentor)
    with transaction(mentee.db) as session:
        for person_id in (mentee.person_id, mentor.person_id):
            exported = queries.export_person(session, person_id)["meetings"]
            assert exported == [
                {
                    "starts_at": "2026-11-24T15:00:00+00:00",
                    "duration_minutes": 60,
                    "mode": "video",
                    "agenda": "",
                    "status": "confirmed",
                    "location": "",
                    "proposed_by": "Priya Shah",
                    "decline_reason": None,
                }
            ]
        audit = session.exec(
            select(AuditLog.action)
            .where(col(AuditLog.action).startswith("meeting."))
            .order_by(col(AuditLog.id))
        ).all()  # the demo's seeded reviews are audited too
        assert list(audit) == ["meeting.proposed", "meeting.accepted", "meeting.invite"]
        tom = session.get(Person, mentor.person_id)
        assert tom is not None


def test_a_booking_through_mentorbot_chat_end_to_end(loaded: str) -> None:  # noqa: F811
    booked = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", NOW, db=loaded,
        stdin=f"{ONE_SHOT}\nchange the time to 4pm\n1\n",
    )  # fmt: skip
    assert booked.returncode == 0, booked.stderr
    assert booked.stderr == ""
    assert "Sent to Tom Okafor: Tue 24 Nov, 16:00." in booked.stdout
    answered = mentorbot(
        "chat", "--user", "mentor@example.org", "--now", NOW, db=loaded, stdin="1\n"
    )  # fmt: skip
    assert answered.returncode == 0, answered.stderr
    assert "Priya Shah would like to meet:" in answered.stdout
    assert "Confirmed: your meeting with Priya Shah on Tue 24 Nov, 16:00" in answered.stdout
    assert "UID:mentorbot-meeting-" in _ics_in(answered.stdout)  # saved, never shown
    assert "[calendar invite: Tue 24 Nov, 16:00 saved to " in answered.stdout
    exported = mentorbot("export", "--user", "mentee@example.org", "--now", NOW, db=loaded)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["meetings"] == [
        {
            "starts_at": "2026-11-24T16:00:00+00:00",
            "duration_minutes": 60,
            "mode": "video",
            "agenda": "",
            "status": "confirmed",
            "location": "",
            "proposed_by": "Priya Shah",
            "decline_reason": None,
        }
    ]
