"""A concern written inside another dialog (the diary, minutes, a check-in answer, a contract
field) is noticed before anything is saved: the person may send it to the project lead, which
raises an urgent concern through the concern dialog's own path, or keep it where they wrote it
(fixed clock: Mon 23 Nov 2026)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.safety import Noticed, notice_concern
from storage.db import transaction
from storage.models import (
    Concern,
    Contract,
    DiaryEntry,
    Minutes,
    Outbox,
    Pairing,
    SurveyResponse,
)
from tests.transcript import Chat, channel_inbox

HARM = "A patient was left unattended on a trolley for six hours and came to harm"


def _concerns(db: Engine) -> list[Concern]:
    with transaction(db) as s:
        return list(s.exec(select(Concern)).all())


def _lead_alerts(db: Engine) -> list[Outbox]:
    with transaction(db) as s:
        return list(s.exec(select(Outbox).where(Outbox.channel == "lead")).all())


def _diary(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as s:
        return list(s.exec(select(DiaryEntry)).all())


def _pairing_id(db: Engine) -> int:
    with transaction(db) as s:
        pairing = s.exec(select(Pairing)).first()
        assert pairing is not None
        assert pairing.id is not None
        return pairing.id


def _one_urgent_concern(db: Engine, clock: Clock, text: str) -> Concern:
    [concern] = _concerns(db)
    assert (concern.category, concern.urgent, concern.status) == ("safety", True, "open")
    assert text in concern.text
    assert len(_lead_alerts(db)) == 1
    assert channel_inbox(db, clock).startswith("URGENT: ")
    return concern


def _nothing_sent(db: Engine) -> None:
    assert _concerns(db) == []
    assert _lead_alerts(db) == []


# -- the reading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "noticed"),
    [
        ("we discussed patient safety culture in the QI project", None),
        ("we covered safeguarding training and the bullying policy", None),
        ("our anti-bullying policy needs updating", None),
        ("no safeguarding concerns this month", None),
        ("I've neglected my objectives lately", None),
        ("presenting to the board was intimidating", None),
        ("the project is at risk of slipping", None),
        ("harm reduction strategy for the ward", None),
        ("we met in the pharmacy", None),
        ("I'll ask the safeguarding lead to join the steering group", None),
        (HARM, Noticed.SAFETY),
        ("I think a child on the ward is being abused", Noticed.SAFETY),
        ("I've been thinking about hurting myself", Noticed.SAFETY),
        ("sometimes I feel like ending my life", Noticed.SAFETY),
        ("a colleague came to work drunk and did a scan", Noticed.SAFETY),
        ("the staffing on nights was unsafe", Noticed.SAFETY),
        ("a colleague gave the wrong dose and covered it up", Noticed.SAFETY),
        ("I'm worried patients are being put at risk by the new rota", Noticed.SAFETY),
        ("there's a safeguarding issue with one of our patients", Noticed.SAFETY),
        ("she told me her partner hits her", Noticed.SAFETY),
        ("a consultant has been bullying the junior staff", Noticed.BULLYING),
        ("my manager keeps shouting at me in front of patients", Noticed.BULLYING),
    ],
)
def test_concerns_are_noticed_and_leadership_talk_is_not(
    text: str, noticed: Noticed | None
) -> None:
    assert notice_concern(text) is noticed


# -- the diary ----------------------------------------------------------------------------------


def test_a_concern_in_a_diary_note_is_not_saved_before_the_mentee_answers(
    demo: Engine, mentee: Chat
) -> None:
    asked = mentee.said(f"diary: {HARM}")
    assert "This sounds like it may be a safeguarding or patient safety concern." in asked
    assert "I haven't saved anything yet." in asked
    assert "Shall I send it to the project lead now?" in asked
    assert "1. Send it to the lead\n  2. Keep it in my diary only" in asked
    assert _diary(demo) == []
    _nothing_sent(demo)


def test_sending_a_diary_concern_raises_one_urgent_concern_and_then_asks_about_the_diary(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    mentee.said(f"diary: {HARM}")
    sent = mentee.said("Send it to the lead")
    assert "Sent to the project lead, marked urgent." in sent
    assert "Tom won't be told what you wrote." in sent
    assert "If someone is in immediate danger, call 999 now." in sent
    assert "Would you also like to keep it in your diary? Only you can read it." in sent
    concern = _one_urgent_concern(demo, clock, HARM)
    assert concern.pairing_id == _pairing_id(demo)
    assert concern.raised_by_id == mentee.person_id
    assert mentor.inbox() == ""
    assert _diary(demo) == []
    assert "I haven't put it in your diary: it's with the project lead." in mentee.said(
        "No, leave it out"
    )
    assert _diary(demo) == []
    assert len(_concerns(demo)) == 1


def test_a_diary_concern_sent_to_the_lead_may_also_be_kept_in_the_diary(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    mentee.said(f"diary: {HARM}")
    mentee.said("1")
    assert "Saved to your diary" in mentee.said("1")
    [entry] = _diary(demo)
    assert entry.text == HARM
    _one_urgent_concern(demo, clock, HARM)


def test_keeping_a_diary_concern_saves_it_and_sends_nothing(demo: Engine, mentee: Chat) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    mentee.said(HARM)
    mentee.said("I should have spoken up")
    mentee.said("skip")
    assert "Shall I send it to the project lead now?" in mentee.said("save")
    assert _diary(demo) == []
    kept = mentee.said("Keep it in my diary only")
    assert kept.startswith("OK, I haven't sent it to anyone. If you change your mind, type *raise")
    assert "Saved to your diary" in kept
    [entry] = _diary(demo)
    assert (entry.what_happened, entry.so_what) == (HARM, "I should have spoken up")
    _nothing_sent(demo)


def test_leaving_a_concern_out_of_a_guided_entry_saves_the_rest(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    mentee.said(HARM)
    mentee.said("I should have spoken up")
    mentee.said("Ask the ward manager about handovers")
    mentee.said("save")
    mentee.said("send it")
    left = mentee.said("no")
    assert "I've left that part out of your diary." in left
    [entry] = _diary(demo)
    assert (entry.what_happened, entry.now_what) == ("", "Ask the ward manager about handovers")
    _one_urgent_concern(demo, clock, HARM)


def test_ordinary_leadership_talk_in_the_diary_is_saved_without_a_question(
    demo: Engine, mentee: Chat
) -> None:
    saved = mentee.said("diary: we discussed patient safety culture in the QI project")
    assert "Saved to your diary" in saved
    assert len(_diary(demo)) == 1
    _nothing_sent(demo)


# -- minutes --------------------------------------------------------------------------------------

MINUTES = (
    "minutes: met Tom today for an hour; discussed the business case. "
    + HARM
    + "; actions: Priya: draft the business case by 5 Dec; next meeting not yet"
)


def _minutes(db: Engine) -> list[Minutes]:
    with transaction(db) as s:
        return list(s.exec(select(Minutes)).all())


def test_a_concern_in_the_minutes_is_not_saved_before_the_mentee_answers(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said(MINUTES)
    asked = mentee.said("save")
    assert "This sounds like it may be a safeguarding or patient safety concern." in asked
    assert "Tom can read the minutes." in asked
    assert "1. Send it to the lead\n  2. Keep it in the minutes only" in asked
    assert _minutes(demo) == []
    _nothing_sent(demo)


def test_a_concern_sent_from_the_minutes_stays_out_of_them_unless_the_mentee_chooses(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    mentee.said(MINUTES)
    mentee.said("save")
    sent = mentee.said("Send it to the lead")
    assert "Sent to the project lead, marked urgent." in sent
    assert "Tom can read the minutes. Shall I keep what you wrote there too?" in sent
    concern = _one_urgent_concern(demo, clock, HARM)
    assert concern.pairing_id == _pairing_id(demo)
    assert _minutes(demo) == []
    asked = mentee.said("No, leave it out")
    assert "I've left that out of the minutes: it's with the project lead." in asked
    assert "What did you discuss" in asked
    mentee.said("We went through the business case")
    assert "Saved the minutes" in mentee.said("save")
    [minutes] = _minutes(demo)
    assert minutes.discussion == "We went through the business case"
    assert "trolley" not in mentor.inbox()
    assert len(_concerns(demo)) == 1


def test_a_concern_sent_from_the_minutes_may_be_kept_in_them_too(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    mentee.said(MINUTES)
    mentee.said("save")
    mentee.said("1")
    assert "Saved the minutes" in mentee.said("Yes, keep it in the minutes")
    [minutes] = _minutes(demo)
    assert HARM in minutes.discussion
    _one_urgent_concern(demo, clock, HARM)


def test_keeping_a_concern_in_the_minutes_saves_them_as_before_and_sends_nothing(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said(MINUTES)
    mentee.said("save")
    assert "Saved the minutes of your meeting on Mon 23 Nov, with 1 action." in mentee.said(
        "Keep it in the minutes only"
    )
    [minutes] = _minutes(demo)
    assert HARM in minutes.discussion
    _nothing_sent(demo)


# -- a check-in answer (the demo's check-in opens on Mon 7 Dec) -----------------------------------


@pytest.fixture
def priya(demo: Engine) -> Chat:
    return Chat(demo, Clock.fixed("2026-12-08T10:00:00+00:00"), "mentee@example.org")


def _responses(db: Engine) -> list[SurveyResponse]:
    with transaction(db) as s:
        return list(s.exec(select(SurveyResponse)).all())


def _to_the_written_question(priya: Chat) -> str:
    priya.said("check-in")
    priya.said("four")
    priya.said("Twice or more")
    return priya.said(HARM)


def test_a_concern_in_a_check_in_answer_is_asked_about_before_it_is_kept(
    demo: Engine, priya: Chat
) -> None:
    asked = _to_the_written_question(priya)
    assert "This sounds like it may be a safeguarding or patient safety concern." in asked
    assert "1. Send it to the lead\n  2. Keep it in my check-in answers only" in asked
    assert "Question 4 of 4" not in asked
    assert _responses(demo) == []
    _nothing_sent(demo)


def test_a_check_in_concern_sent_to_the_lead_is_left_out_of_the_answers_if_wished(
    demo: Engine, priya: Chat
) -> None:
    _to_the_written_question(priya)
    sent = priya.said("send it")
    assert "Sent to the project lead, marked urgent." in sent
    assert "Would you also like to keep it as your check-in answer?" in sent
    _one_urgent_concern(demo, priya.clock, HARM)
    again = priya.said("No, leave it out")
    assert "This question needs an answer for the check-in" in again
    assert "Question 3 of 4: What has been most useful so far?" in again
    assert "Question 4 of 4" in priya.said("Talking through the rota change")
    priya.said("skip")
    priya.said("send")
    [response] = _responses(demo)
    assert response.answers["highlight"] == "Talking through the rota change"
    assert len(_concerns(demo)) == 1


def test_keeping_a_concern_as_a_check_in_answer_sends_nothing(demo: Engine, priya: Chat) -> None:
    _to_the_written_question(priya)
    assert "Question 4 of 4" in priya.said("Keep it in my check-in answers only")
    priya.said("skip")
    assert priya.said("send").startswith("Thank you, Priya")
    [response] = _responses(demo)
    assert response.answers["highlight"] == HARM
    _nothing_sent(demo)


# -- a contract field -------------------------------------------------------------------------------

OBJECTIVE = "decide how to escalate that night staffing on my ward is unsafe"
CONTRACT = (
    "contract: plan: monthly video calls; confidentiality: what we discuss stays between us "
    f"unless someone is at risk; objectives: {OBJECTIVE}; reach me: email, weekday mornings"
)


def _contracts(db: Engine) -> list[Contract]:
    with transaction(db) as s:
        return list(s.exec(select(Contract)).all())


def test_a_concern_in_a_contract_field_is_asked_about_before_the_contract_is_saved(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said(CONTRACT)
    asked = mentee.said("I agree")
    assert "This sounds like it may be a safeguarding or patient safety concern." in asked
    assert "Tom can read the contract." in asked
    assert "1. Send it to the lead\n  2. Keep it in the contract only" in asked
    assert _contracts(demo) == []
    _nothing_sent(demo)


def test_a_contract_concern_sent_to_the_lead_stays_out_of_the_contract_unless_chosen(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    mentee.said(CONTRACT)
    mentee.said("I agree")
    sent = mentee.said("send it")
    assert "Sent to the project lead, marked urgent." in sent
    assert "Tom can read the contract. Shall I keep what you wrote there too?" in sent
    concern = _one_urgent_concern(demo, clock, OBJECTIVE)
    assert concern.text == OBJECTIVE  # not the confidentiality rule beside it
    assert concern.pairing_id == _pairing_id(demo)
    assert _contracts(demo) == []
    asked = mentee.said("No, leave it out")
    assert "I've left that out of the contract: it's with the project lead." in asked
    assert "*Purpose and objectives*" in asked
    mentee.said("Prepare for a service manager post")
    assert "Signed" in mentee.said("I agree")
    [contract] = _contracts(demo)
    assert contract.terms["objectives"] == "Prepare for a service manager post"
    assert "unsafe" not in mentor.inbox()
    assert len(_concerns(demo)) == 1


def test_keeping_a_concern_in_the_contract_saves_it_as_before_and_sends_nothing(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said(CONTRACT)
    mentee.said("I agree")
    assert "Signed" in mentee.said("Keep it in the contract only")
    [contract] = _contracts(demo)
    assert contract.terms["objectives"] == OBJECTIVE
    assert contract.mentee_signed_at is not None
    _nothing_sent(demo)


# -- a meeting agenda (it goes to the partner) ------------------------------------------------------

BULLIED = "my manager keeps shouting at me in front of patients"


def test_a_concern_in_a_meeting_agenda_is_asked_about_before_it_goes_to_the_partner(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    mentee.said("book a meeting on 1 Dec at 9am for an hour by video")
    mentee.said("Add an agenda")
    asked = mentee.said(BULLIED)  # asked as soon as the agenda is given
    assert "This sounds like it may be about bullying or harassment." in asked
    assert "I haven't sent anything to Tom yet. Tom will see the agenda." in asked
    # Sending to Tom is not an answer to that question: nothing goes to him before it.
    assert "Shall I send it to the project lead now?" in mentee.said("Send to Tom")
    assert mentor.inbox() == ""
    sent = mentee.said("Send it to the lead")
    assert sent.startswith("Sent to the project lead. ")
    [concern] = _concerns(demo)
    assert (concern.category, concern.urgent, concern.text) == ("bullying", False, BULLIED)
    assert len(_lead_alerts(demo)) == 1
    left = mentee.said("No, leave it out")
    assert "I've left it out of a meeting agenda: it's with the project lead." in left
    assert "Shall I send it to Tom?" in left  # back to the booking, with no agenda
    assert mentee.said("Send to Tom").startswith("Sent to Tom Okafor")
    proposal = mentor.inbox()
    assert "would like to meet" in proposal
    assert "shouting" not in proposal


def test_a_concern_in_a_decline_reason_is_asked_about_before_it_goes_to_the_partner(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    mentee.said("book a meeting on Tuesday 3pm for an hour by video")
    mentee.said("Send to Tom")
    mentor.inbox()
    mentor.said("Decline")
    asked = mentor.said("I'm suspended while they look into a patient who came to harm on my list")
    assert "This sounds like it may be a safeguarding or patient safety concern." in asked
    assert "I haven't sent anything to Priya yet. Priya will see your reason." in asked
    assert mentee.inbox() == ""
    assert "Sent to the project lead, marked urgent." in mentor.said("1")
    [concern] = _concerns(demo)
    assert (concern.raised_by_id, concern.urgent) == (mentor.person_id, True)
    left = mentor.said("No, leave it out")
    assert left.startswith("I've left your reason out: it's with the project lead.")
    assert "Declined: the meeting on Tue 24 Nov, 15:00. Priya has been told." in left
    told = mentee.inbox()
    assert "declined the meeting" in told
    assert "*Reason:*" not in told
    assert len(_lead_alerts(demo)) == 1


# -- a mentor profile (mentees choosing a mentor read it) -------------------------------------------


def test_a_concern_in_a_mentor_profile_is_asked_about_and_kept_only_if_chosen(
    demo: Engine, mentor: Chat
) -> None:
    mentor.said("update my mentor profile")
    mentor.said("bio")
    asked = mentor.said("A colleague has been bullying the juniors in my department")
    assert "This sounds like it may be about bullying or harassment." in asked
    assert "1. Send it to the lead\n  2. Keep it in my profile only" in asked
    _nothing_sent(demo)
    mentor.said("Send it to the lead")
    [concern] = _concerns(demo)
    assert (concern.raised_by_id, concern.urgent) == (mentor.person_id, False)
    again = mentor.said("No, leave it out")
    assert "OK, I've left it out of your profile: it's with the project lead." in again
    assert "First, your bio" in again
    assert "*Bio:* Radiographer and service lead" in mentor.said("Radiographer and service lead")
    assert len(_lead_alerts(demo)) == 1
