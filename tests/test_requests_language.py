"""Other requests typed the way people type them (corpus section 9): who my partner is and how
to reach them, when the scheme's dates fall, pausing reminders with dates ("til after easter",
"away 30th nov-4th dec"), turning them back on, a past line manager, and things the bot can't
help with. The demo is loaded on Mon 23 Nov 2026: contracts due Mon 7 Dec, the check-in open
Mon 7 - Mon 14 Dec, the networking session Thu 3 Dec 12:30-13:30."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.nudges import pause_covering
from storage import queries
from storage.db import transaction
from storage.models import ConflictOfInterest, MentorProfile, Outbox, Pairing, Person
from tests.test_cli import loaded, mentorbot  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat

LONDON = ZoneInfo("Europe/London")


def _person(db: Engine, email: str) -> Person:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
        assert person is not None
        return person


def test_who_is_my_mentor_names_them_with_how_to_reach_them(demo: Engine, clock: Clock) -> None:
    reply = Chat(demo, clock, "mentee@example.org").said("whos my mentor again? forgot 🙈")
    assert "Your mentor is *Tom Okafor*, Radiology, Northfield General Hospital NHS Trust." in reply
    assert "Email first, then a call; weekday mornings" in reply
    assert "mentor@example.org" in reply
    nadia = Chat(demo, clock, "mentee2@example.org").said("who is my mentor")
    assert "Owen Whitfield" in nadia
    assert "Teams message" in nadia


@pytest.mark.parametrize(
    "asked",
    [
        "sorry, can you tell me who my mentor is again? totally blanked on his name",
        "who am i paired with? need his details",
        "what's the name of my mentor, it's gone out of my head",
    ],
)
def test_asking_who_the_mentor_is_in_other_words_names_them(
    demo: Engine, clock: Clock, asked: str
) -> None:
    reply = Chat(demo, clock, "mentee2@example.org").said(asked)
    assert "Owen Whitfield" in reply
    assert "Teams message" in reply


def test_asking_who_the_mentor_is_with_a_worry_goes_to_the_concern_path(
    demo: Engine, clock: Clock
) -> None:
    # The name is no answer to "he never replies": the worry is offered to the lead instead.
    reply = Chat(demo, clock, "mentee2@example.org").said(
        "remind me who my mentor is? he never replies to my messages"
    )
    assert "project lead" in reply
    assert "Your mentor is" not in reply


def test_how_to_get_hold_of_the_partner(demo: Engine, clock: Clock) -> None:
    reply = Chat(demo, clock, "mentee@example.org").said("whats the best way to reach tom?")
    assert "Best way to reach them: Email first, then a call; weekday mornings." in reply
    assert "Email: mentor@example.org" in reply
    mentee = Chat(demo, clock, "mentor@example.org").said("who's my mentee")
    assert "Your mentee is *Priya Shah*" in mentee


def test_when_questions_get_the_schemes_dates(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    event = priya.said("when's the networking thing")
    assert "Virtual networking session: Thu 3 Dec, 12:30-13:30" in event
    assert "Video call" in event
    contract = priya.said("when does the contract need signing by")
    assert "needs signing by Mon 7 Dec" in contract
    assert "a copy goes to the project team" in contract
    checkin = priya.said("what date does the check in open?")
    assert "opens Mon 7 Dec and closes Mon 14 Dec" in checkin


def test_a_question_about_a_deadline_is_answered_not_started(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    for question in ("whats the due date for the contract?", "is there a deadline on the contract"):
        reply = priya.said(question)
        assert "needs signing by Mon 7 Dec" in reply
        assert "Let's agree your mentoring contract" not in reply


def test_whats_next_includes_the_check_in_to_come(demo: Engine, clock: Clock) -> None:
    reply = Chat(demo, clock, "mentee@example.org").said("so whats next then?")
    assert "The Keep-in-touch check-in opens Mon 7 Dec and closes Mon 14 Dec" in reply


def test_pause_until_after_a_holiday_resumes_the_working_day_after(
    demo: Engine, clock: Clock
) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    reply = priya.said("can u pause my reminders til after easter pls")
    # Easter Monday 2027 is 29 Mar: back on Tue 30 Mar.
    assert "no reminders from me until Tue 30 Mar 2027" in reply
    assert "your mentoring contract is due Mon 7 Dec" in reply
    assert "the Keep-in-touch check-in is open Mon 7 Dec - Mon 14 Dec" in reply
    person = _person(demo, "mentee@example.org")
    assert person.paused_until == datetime(2027, 3, 30, tzinfo=LONDON)
    assert person.pause_starts_at is None
    christmas = priya.said("actually no reminders til after christmas pls")
    assert "until Mon 28 Dec" in christmas  # Boxing Day 2026 is a Saturday


def test_a_pause_for_dates_ahead_keeps_its_start(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    reply = priya.said("im away 30th nov-4th dec, no reminders that wk pls")
    assert "no reminders from me from Mon 30 Nov until Mon 7 Dec" in reply
    person = _person(demo, "mentee@example.org")
    assert person.pause_starts_at == datetime(2026, 11, 30, tzinfo=LONDON)
    assert person.paused_until == datetime(2026, 12, 7, tzinfo=LONDON)
    # Reminders still come before the pause starts, not during it.
    assert pause_covering(person, datetime(2026, 11, 27, 10, tzinfo=LONDON)) is None
    assert pause_covering(person, datetime(2026, 12, 2, 10, tzinfo=LONDON)) == person.paused_until
    with transaction(demo) as s:
        assert not s.exec(select(Outbox).where(Outbox.kind != "reply")).all()


def test_turn_my_reminders_back_on(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("pause my reminders until 1 Feb")
    assert "Your reminders are on again" in priya.said("actually can u turn my reminders back on")
    assert _person(demo, "mentee@example.org").paused_until is None


def test_something_out_of_scope_is_told_kindly(demo: Engine, clock: Clock) -> None:
    reply = Chat(demo, clock, "mentee@example.org").said("whats the weather doing in leeds")
    assert "I can't help with that one" in reply
    assert "didn't understand" not in reply
    assert "book, move or cancel meetings" in reply


def test_a_past_line_manager_as_partner_is_a_conflict_the_lead_hears_of(
    demo: Engine, clock: Clock
) -> None:
    reply = Chat(demo, clock, "mentee@example.org").said(
        "tom used to be my line manager at my last trust, does that matter?"
    )
    assert "recorded a conflict of interest with Tom Okafor" in reply
    assert "the project lead, who will be in touch" in reply
    with transaction(demo) as s:
        assert len(s.exec(select(ConflictOfInterest)).all()) == 1


def test_a_mentor_offering_another_place_raises_capacity_by_one_after_review(
    demo: Engine, clock: Clock
) -> None:
    tom = Chat(demo, clock, "mentor@example.org")
    reply = tom.said("happy to take on another mentee if theres anyone")
    assert "*Capacity:* 2 mentees" in reply
    with transaction(demo) as s:
        tom_id = _person(demo, "mentor@example.org").id
        [profile] = s.exec(select(MentorProfile).where(MentorProfile.person_id == tom_id)).all()
        assert profile.capacity == 1  # not until confirmed
    assert "Saved the changes to your mentor profile" in tom.said("yes")
    with transaction(demo) as s:
        [profile] = s.exec(select(MentorProfile).where(MentorProfile.person_id == tom_id)).all()
        assert profile.capacity == 2


@pytest.mark.parametrize(
    "offered",
    [
        "glad to mentor somebody else as well if there's demand",
        "i could take on one more if anyone's still waiting",
    ],
)
def test_offering_to_mentor_one_more_in_other_words_raises_capacity_after_a_yes(
    demo: Engine, clock: Clock, offered: str
) -> None:
    tom = Chat(demo, clock, "mentor@example.org")
    reply = tom.said(offered)
    assert "*Capacity:* 2 mentees" in reply
    tom_id = _person(demo, "mentor@example.org").id
    with transaction(demo) as s:
        [profile] = s.exec(select(MentorProfile).where(MentorProfile.person_id == tom_id)).all()
        assert profile.capacity == 1  # not until confirmed
    tom.said("yes")
    with transaction(demo) as s:
        [profile] = s.exec(select(MentorProfile).where(MentorProfile.person_id == tom_id)).all()
        assert profile.capacity == 2
        assert len(s.exec(select(Pairing)).all()) == 2  # no new pairing is made


def test_a_mentor_wanting_someone_else_instead_is_a_worry_not_more_capacity(
    demo: Engine, clock: Clock
) -> None:
    tom = Chat(demo, clock, "mentor@example.org")
    reply = tom.said("to be honest i'd rather mentor someone else instead of priya")
    assert "*Capacity:*" not in reply
    assert "project lead" in reply
    tom_id = _person(demo, "mentor@example.org").id
    with transaction(demo) as s:
        [profile] = s.exec(select(MentorProfile).where(MentorProfile.person_id == tom_id)).all()
        assert profile.capacity == 1
    assert "someone else" not in Chat(demo, clock, "mentee@example.org").inbox()


def test_going_on_leave_offers_to_tell_the_partner_and_lead_without_inventing_a_return(
    demo: Engine, clock: Clock
) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    offer = priya.said("fyi im going on mat leave from 1st feb, back next spring")
    assert "Shall I let Tom Okafor and the project lead know you'll be away from Mon 1 Feb" in offer
    assert "until you tell me you're back" in offer
    with transaction(demo) as s:
        assert not s.exec(select(Outbox).where(Outbox.kind != "reply")).all()
    done = priya.said("yes pls")
    assert "I've let Tom Okafor and the project lead know" in done
    person = _person(demo, "mentee@example.org")
    assert person.paused_until is None  # no return date invented
    assert person.pause_starts_at == datetime(2027, 2, 1, tzinfo=LONDON)
    assert pause_covering(person, datetime(2027, 1, 29, 10, tzinfo=LONDON)) is None
    assert pause_covering(person, datetime(2027, 6, 1, 10, tzinfo=LONDON)) is not None
    tom_id = _person(demo, "mentor@example.org").id
    with transaction(demo) as s:
        told = s.exec(select(Outbox).where(Outbox.kind != "reply")).all()
        to_tom = [row for row in told if row.recipient_id == tom_id]
        to_lead = [row for row in told if row.channel]
        assert to_tom
        assert to_lead
        assert all("mat" not in str(row.parts).lower() for row in told)  # not what kind
    assert "cancelled the pause" in priya.said("resume reminders")


@pytest.mark.parametrize(
    "said",
    [
        "heads up, i'm beginning paternity leave 3rd may",
        "my maternity leave starts may 3rd, not sure when i'll be back",
    ],
)
def test_leave_starting_on_an_ordinal_day_of_may_pauses_from_that_day(
    demo: Engine, clock: Clock, said: str
) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    offer = priya.said(said)
    assert "know you'll be away from Mon 3 May" in offer
    assert "from now" not in offer
    assert "until you tell me you're back" in offer
    priya.said("yes")
    person = _person(demo, "mentee@example.org")
    assert person.pause_starts_at == datetime(2027, 5, 3, tzinfo=LONDON)
    assert person.paused_until is None  # no return date invented
    assert pause_covering(person, datetime(2027, 4, 30, 10, tzinfo=LONDON)) is None


def test_other_ways_of_asking_for_a_pause_and_back(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    reply = priya.said("pls dont send reminders, im off 7th-11th dec")
    assert "no reminders from me from Mon 7 Dec until Mon 14 Dec" in reply
    assert "Your reminders stay on" in priya.said("turn reminders on again")
    assert _person(demo, "mentee@example.org").paused_until is None
