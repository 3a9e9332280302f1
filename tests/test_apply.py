"""Applying to a cohort and choosing the top three mentors, as people have these conversations
(fixed clock: Mon 23 Nov 2026, 10:00 in London).

The demo cohort's applications closed eight weeks ago, so most tests load a small scheme of
their own (``OPEN_TOML``): the *Spring 2027 cohort*, applications open from 16 Nov to 14 Dec,
two unpaired applicants and seven mentors, of whom only three may be offered to Ada (Maya's only
place is taken, Joe is at full capacity, Ruth lists Ada as a conflict of interest, Nia has not
written her profile yet).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.messages import Incoming
from conversations.scheme_config import load_scheme, parse_scheme
from storage import application_queries, queries
from storage.db import transaction
from storage.models import (
    Application,
    ApplicationStatus,
    Cohort,
    Outbox,
    Pairing,
    Person,
)
from tests.conftest import NOW
from tests.test_cli import mentorbot
from tests.transcript import Chat, channel_inbox

OPEN_TOML = """
[scheme]
slug = "open"
name = "Open Leadership Scheme"
time_zone = "Europe/London"
lead_channel = "open-lead"
hospital_number_pattern = '\\b[A-Z]{2}\\d{6}\\b'

[scheme.mentor_capacity]
default = 1
maximum = 3

[[cohorts]]
slug = "spring-2027"
name = "Spring 2027 cohort"
starts_on = "today+8w"
ends_on = "today+8w+12m"
applications_open = "today-7d"
applications_close = "today+21d"

[[cohorts.people]]
email = "openlead@example.org"
name = "Sam Reid"
roles = ["lead"]

[[cohorts.people]]
email = "ada@example.org"
name = "Ada Brooks"
roles = ["mentee"]

[[cohorts.people]]
email = "ben@example.org"
name = "Ben Cole"
roles = ["mentee"]

[[cohorts.people]]
email = "cara@example.org"
name = "Cara Diaz"
roles = ["mentee"]

[[cohorts.people]]
email = "maya@example.org"
name = "Maya Patel"
roles = ["mentor"]
bio = "CT superintendent; I mentor to pass on what I was given."
capacity = 1

[[cohorts.people]]
email = "joe@example.org"
name = "Joe Lin"
roles = ["mentor"]
bio = "Imaging services manager."
capacity = 2
at_full_capacity = true

[[cohorts.people]]
email = "ruth@example.org"
name = "Ruth Osei"
roles = ["mentor"]
bio = "Head of radiotherapy."
capacity = 2
conflicts = ["ada@example.org"]

[[cohorts.people]]
email = "kit@example.org"
name = "Kit Morgan"
roles = ["mentor"]
organisation = "Westfield Imaging"
bio = "Ultrasound lead who loves budgets."
style = "Practical"
ways_of_working = ["video"]
capacity = 2

[[cohorts.people]]
email = "ian@example.org"
name = "Ian Shaw"
roles = ["mentor"]
bio = "Nuclear medicine service manager."
capacity = 1

[[cohorts.people]]
email = "eve@example.org"
name = "Eve Hart"
roles = ["mentor", "steering_member"]
bio = "Former clinical tutor, now a director."
ways_of_working = ["in_person", "phone"]
capacity = 3

[[cohorts.people]]
email = "nia@example.org"
name = "Nia Evans"
roles = ["mentor"]
organisation = "Harbour Health"

[[cohorts.pairings]]
mentee = "cara@example.org"
mentor = "maya@example.org"
started_on = "today-1d"
"""

# What Ada answers to each question (keyed by words of the question).
REPLIES = {
    "current job role and grade": "Radiography service manager, Band 8a",
    "Where do you work": "North Example Hospital",
    "member of your professional body": "yes",
    "describes your leadership position": "Delivering a service",
    "Tell me a little about it": "I run the CT and MRI service across two sites.",
    "How much autonomy": "I set the rota and approve overtime myself.",
    "responsibilities and accountabilities": "Staffing, quality and a £1.2m budget.",
    "Can you commit to all of it": "yes",
    "Does your head of service support": "yes",
    "paste your head of service's supporting statement": "Ada has my full support. J. Smith",
    "furthest you'd travel": "20 miles",
    "Why do you want to take part": "To grow as a service leader.",
    "What are your professional interests": "Workforce planning and CT",
    "personal interests and hobbies": "Running and choir",
    "told your line manager": "yes",
}
CONFIRM = "Shall I send it?"


def answer_all(chat: Chat, reply: str, **overrides: str) -> str:
    """Answer each question as it comes until the review (or a reply that asks none of them);
    returns that reply."""
    answers = {**REPLIES, **overrides}
    for _ in range(40):
        asked = max(answers, key=lambda words: reply.rfind(words))
        if CONFIRM in reply or reply.rfind(asked) < 0:
            return reply
        reply = chat.said(answers[asked])
    raise AssertionError("the questions never ended")


@pytest.fixture
def scheme(engine: Engine, clock: Clock) -> Engine:
    load_scheme(engine, parse_scheme(OPEN_TOML, clock), clock)
    return engine


@pytest.fixture
def ada(scheme: Engine, clock: Clock) -> Chat:
    return Chat(scheme, clock, "ada@example.org")


def application_of(db: Engine, email: str) -> Application | None:
    with transaction(db) as tx:
        person = queries.person_by_email(tx, email)
        assert person is not None
        row = tx.exec(select(Application).where(Application.person_id == person.id)).first()
        if row is not None:
            tx.expunge(row)
        return row


def set_status(db: Engine, email: str, status: ApplicationStatus) -> None:
    with transaction(db) as tx:
        person = queries.person_by_email(tx, email)
        assert person is not None
        row = tx.exec(select(Application).where(Application.person_id == person.id)).one()
        row.status = status.value
        tx.add(row)


def set_window(db: Engine, opens: date | None, closes: date | None) -> None:
    with transaction(db) as tx:
        cohort = tx.exec(select(Cohort).where(Cohort.slug == "spring-2027")).one()
        cohort.applications_open = opens
        cohort.applications_close = closes
        tx.add(cohort)


def set_time_zone(db: Engine, email: str, zone: str) -> None:
    with transaction(db) as tx:
        person = queries.person_by_email(tx, email)
        assert person is not None
        person.time_zone = zone
        tx.add(person)


def submit(chat: Chat, first: str = "apply", **overrides: str) -> str:
    review = answer_all(chat, chat.said(first), **overrides)
    assert CONFIRM in review
    return chat.said("submit")


# -- the closing date --------------------------------------------------------------------------


def test_the_demo_mentee_is_told_applications_closed_and_who_to_contact(mentee: Chat) -> None:
    assert mentee.said("apply") == (
        "Applications for *Demo cohort* closed on Mon 28 Sep, so I can't take an application "
        "now. If you think that's a mistake, or you'd like to join a later round, please "
        "contact your project lead, Morgan Ellis (lead@example.org)."
    )
    with transaction(mentee.db) as tx:
        mine = select(Application).where(Application.person_id == mentee.person_id)
        assert tx.exec(mine).all() == []


def test_before_the_window_opens_the_mentee_is_told_when(ada: Chat) -> None:
    set_window(ada.db, date(2026, 12, 1), date(2026, 12, 20))
    assert ada.said("I'd like to apply") == (
        "Applications for *Spring 2027 cohort* open on Tue 1 Dec and close on Sun 20 Dec. "
        "Type *apply* then and I'll take you through it."
    )
    assert application_of(ada.db, "ada@example.org") is None


def test_after_the_window_closes_a_draft_cannot_be_sent(scheme: Engine, ada: Chat) -> None:
    ada.said("apply")
    ada.said("Radiography service manager")
    later = Chat(scheme, Clock.fixed("2026-12-15T09:00:00+00:00"), "ada@example.org")
    reply = later.said("apply")
    assert reply.startswith("Applications for *Spring 2027 cohort* closed on Mon 14 Dec")
    assert "contact your project lead, Sam Reid (openlead@example.org)" in reply
    assert reply.endswith("Your draft answers are still kept.")


@pytest.mark.parametrize(
    ("zone", "now", "allowed"),
    [
        # The closing day is 14 Dec wherever the person is.
        ("Europe/London", "2026-12-14T23:30:00+00:00", True),  # 23:30 on 14 Dec in London
        ("Asia/Tokyo", "2026-12-14T23:30:00+00:00", False),  # already 08:30 on 15 Dec there
        ("America/New_York", "2026-12-15T03:00:00+00:00", True),  # still 22:00 on 14 Dec
        ("Europe/London", "2026-12-15T00:00:00+00:00", False),  # midnight: the 15th
    ],
)
def test_the_closing_day_counts_in_the_applicants_own_time_zone(
    scheme: Engine, zone: str, now: str, allowed: bool
) -> None:
    set_time_zone(scheme, "ada@example.org", zone)
    reply = Chat(scheme, Clock.fixed(now), "ada@example.org").said("apply")
    if allowed:
        assert reply.startswith("Let's apply to *Spring 2027 cohort*.")
        assert "Applications close on Mon 14 Dec." in reply
    else:
        assert reply.startswith("Applications for *Spring 2027 cohort* closed on Mon 14 Dec")


def test_the_window_is_checked_again_when_submitting(scheme: Engine, ada: Chat) -> None:
    review = answer_all(ada, ada.said("apply"))
    assert CONFIRM in review
    late = Chat(scheme, Clock.fixed("2026-12-15T09:00:00+00:00"), "ada@example.org")
    reply = late.said("submit")
    assert reply.startswith("Applications for *Spring 2027 cohort* closed on Mon 14 Dec")
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.status == "draft"
    assert row.reference is None


# -- applying ----------------------------------------------------------------------------------


def test_applying_question_by_question_then_submitting(scheme: Engine, ada: Chat) -> None:
    first = ada.said("apply")
    assert first.startswith(
        "Let's apply to *Spring 2027 cohort*. I'll ask 15 short questions, one at a time. I keep "
        "your answers as a draft as we go: you can stop any time and type *apply* later to "
        "carry on. Nothing is sent until you've checked it and said *submit*. Applications "
        "close on Mon 14 Dec."
    )
    assert first.endswith("What's your current job role and grade? (For example: 'Radiography "
                          "service manager, Band 8a'.)")  # fmt: skip
    review = answer_all(ada, first)
    assert (
        "Here's your application:\n"
        "*Job role and grade:* Radiography service manager, Band 8a\n"
        "*Place of work:* North Example Hospital\n"
        "*Member of your professional body:* Yes\n"
        "*Leadership position:* Delivering a service\n"
    ) in review
    assert "*Furthest you'd travel:* 20 miles\n" in review
    assert "*Line manager told:* Yes" in review
    receipt = ada.said("submit")
    assert receipt == (
        "Thank you, Ada: your application to *Spring 2027 cohort* has been sent. Your reference "
        "is *A-01*.\nWhat happens next: once applications close on Mon 14 Dec, the steering "
        "group reviews them anonymised (without names) against the scheme's criteria. "
        "If you're selected, I'll ask you to choose your top three mentors from "
        "their bios. Type *my application* any time to see what you sent."
    )
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.status == "submitted"
    assert row.reference == "A-01"
    assert row.submitted_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert row.answers == {
        "job_role": "Radiography service manager, Band 8a",
        "workplace": "North Example Hospital",
        "professional_body": "yes",
        "leadership": "service",
        "leadership_detail": "I run the CT and MRI service across two sites.",
        "autonomy": "I set the rota and approve overtime myself.",
        "responsibilities": "Staffing, quality and a £1.2m budget.",
        "commitment": "yes",
        "head_of_service_support": "yes",
        "supporting_statement": "Ada has my full support. J. Smith",
        "travel": "20 miles",
        "travel_number": 20,
        "travel_unit": "miles",
        "why": "To grow as a service leader.",
        "professional_interests": "Workforce planning and CT",
        "personal_interests": "Running and choir",
        "line_manager_told": "yes",
    }
    # The lead channel hears of it: reference, cohort and name, and none of the answers.
    lead = channel_inbox(scheme, ada.clock, "open-lead")
    assert lead == "New application A-01 received for Spring 2027 cohort (1 so far)."
    assert "Ada" not in lead  # the steering group reads this channel and reviews anonymously
    for answer in REPLIES.values():
        if len(answer) > 3:
            assert answer not in lead


def test_the_receipt_gives_the_decision_date_when_the_cohort_has_one(
    scheme: Engine, ada: Chat
) -> None:
    with transaction(scheme) as tx:
        cohort = tx.exec(select(Cohort).where(Cohort.slug == "spring-2027")).one()
        cohort.settings = {**cohort.settings, "decisions_by": "2027-01-08"}
        tx.add(cohort)
    assert "criteria. You'll hear the decision by Fri 8 Jan 2027. If you're selected" in submit(ada)


def test_a_one_shot_message_fills_in_role_and_workplace(scheme: Engine, ada: Chat) -> None:
    reply = ada.said("apply: I'm a radiography service manager at North Example Hospital")
    assert (
        "I've noted your job role and grade (radiography service manager) and place of work "
        "(North Example Hospital). You can change anything at the end."
    ) in reply
    assert reply.endswith("Are you a member of your professional body (for example, the Society "
                          "of Radiographers)?\n  1. Yes\n  2. No")  # fmt: skip
    review = answer_all(ada, reply)
    assert "*Job role and grade:* radiography service manager\n" in review
    assert "*Place of work:* North Example Hospital\n" in review


def test_a_longer_one_shot_fills_in_band_travel_and_membership(ada: Chat) -> None:
    reply = ada.said(
        "Can I apply? My role is CT lead radiographer at Eastbrook General, band 7, I'm a "
        "member of the Society of Radiographers and happy to travel up to 30 km."
    )
    assert "job role and grade (CT lead radiographer, Band 7)" in reply
    assert "place of work (Eastbrook General)" in reply
    assert "member of your professional body (Yes)" in reply
    assert "furthest you'd travel (30 km)" in reply
    assert reply.endswith("Which best describes your leadership position?\n"
                          "  1. Leading a team\n  2. Delivering a service\n"
                          "  3. Managing a high-level project")  # fmt: skip
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert row.answers["travel_number"] == 30
    assert row.answers["travel_unit"] == "km"


def test_a_leadership_answer_with_detail_answers_both_questions(ada: Chat) -> None:
    ada.said("apply: I'm a CT manager at North Example Hospital")
    ada.said("yes")
    reply = ada.said("I lead a team of 12 radiographers in CT")
    assert reply.endswith("How much autonomy do you have in your role? An example of a decision "
                          "you make on your own helps.")  # fmt: skip
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert row.answers["leadership"] == "team"
    assert row.answers["leadership_detail"] == "I lead a team of 12 radiographers in CT"


@pytest.mark.parametrize(
    ("said", "stored", "number", "unit"),
    [
        ("20 miles", "20 miles", 20, "miles"),
        ("about 30km", "30 km", 30, "km"),
        ("an hour", "1 hour", 60, "minutes"),
        ("1.5 hours", "1 hour 30 minutes", 90, "minutes"),
        ("45 mins", "45 minutes", 45, "minutes"),
        ("15", "15 miles", 15, "miles"),
        ("online only please", "Online only (no travel)", 0, "miles"),
    ],
)
def test_travel_distance_is_kept_as_text_and_number(
    ada: Chat, said: str, stored: str, number: int, unit: str
) -> None:
    answer_all(ada, ada.said("apply"), **{"furthest you'd travel": said})
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert (row.answers["travel"], row.answers["travel_number"], row.answers["travel_unit"]) == (
        stored,
        number,
        unit,
    )


# -- corrections, back, cancel, drafts -------------------------------------------------------


def test_any_answer_can_be_corrected_at_the_review(scheme: Engine, ada: Chat) -> None:
    answer_all(ada, ada.said("apply"))
    reply = ada.said("change my workplace to St Example Infirmary")
    assert "*Place of work:* St Example Infirmary\n" in reply
    assert CONFIRM in reply
    reply = ada.said("change the travel distance to 25 km")
    assert "*Furthest you'd travel:* 25 km\n" in reply
    reply = ada.said("Change something")
    assert "Which answer would you like to change?" in reply
    assert "  11. Furthest you'd travel" in reply
    reply = ada.said("Why you want to take part")
    assert "At the moment: To grow as a service leader." in reply
    reply = ada.said("To lead a bigger service one day.")
    assert "*Why you want to take part:* To lead a bigger service one day.\n" in reply
    reply = ada.said("change my hobbies")
    assert reply.endswith("And your personal interests and hobbies? (They help us find a mentor "
                          "you'll get on with.)")  # fmt: skip
    assert "*Personal interests:* Baking\n" in ada.said("Baking")
    ada.said("submit")
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.answers["workplace"] == "St Example Infirmary"
    assert row.answers["travel"] == "25 km"
    assert row.answers["why"] == "To lead a bigger service one day."
    assert row.answers["personal_interests"] == "Baking"


def test_a_correction_to_an_unknown_field_asks_which(ada: Chat) -> None:
    answer_all(ada, ada.said("apply"))
    reply = ada.said("change my shoe size to 6")
    assert reply.startswith("I'm not sure which answer you mean.")
    assert "Which answer would you like to change?" in reply


def test_back_returns_to_the_previous_question(ada: Chat) -> None:
    ada.said("apply")
    ada.said("CT manager")
    reply = ada.said("back")
    assert reply.startswith("OK, going back.")
    assert "What's your current job role and grade?" in reply
    ada.said("MRI manager, Band 7")
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert row.answers["job_role"] == "MRI manager, Band 7"


def test_the_draft_survives_cancel_a_restart_and_a_days_pause(scheme: Engine, ada: Chat) -> None:
    ada.said("apply")
    ada.said("CT manager, Band 7")
    ada.said("North Example Hospital")
    ada.restart()  # a new process: the dialog carries on where it was
    assert "Which best describes your leadership position?" in ada.said("yes")
    assert ada.said("cancel").startswith(
        "Cancelled your application: your answers so far are kept as a draft; type *apply* to carry on."
    )
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.status == "draft"
    assert row.answers == {
        "job_role": "CT manager, Band 7",
        "workplace": "North Example Hospital",
        "professional_body": "yes",
    }
    tomorrow = Chat(scheme, Clock.fixed("2026-11-24T09:00:00+00:00"), "ada@example.org")
    reply = tomorrow.said("apply")
    assert reply.startswith(
        "Welcome back, Ada. You've answered 3 of 15 questions for *Spring 2027 cohort*, and "
        "I've kept them. Let's carry on. Applications close on Mon 14 Dec."
    )
    assert reply.endswith("Which best describes your leadership position?\n  1. Leading a team\n"
                          "  2. Delivering a service\n  3. Managing a high-level project")  # fmt: skip
    draft = tomorrow.said("my application")
    assert draft.startswith("Your draft application (not sent yet; only you can see it):\n")
    assert "*Leadership position:* (not answered yet)" in draft
    assert "Let's carry on where we were:\n\nWhich best describes" in draft
    tomorrow.said("cancel")
    draft = tomorrow.said("show my application")
    assert draft.startswith(
        "Your draft application to *Spring 2027 cohort* (not sent yet; only you can see it):"
    )
    assert draft.endswith("Type *apply* to carry on where you left off.")


def test_a_required_no_is_explained_and_the_draft_kept(scheme: Engine, ada: Chat) -> None:
    ada.said("apply: I'm a CT manager at North Example Hospital")
    for answer in ("yes", "Leading a team", "A team of 12", "Lots", "All of it"):
        ada.said(answer)
    reply = ada.said("No, not really")
    assert reply.startswith(
        "Every mentee commits to the full scheme, including the training and the launch event, "
        "so I can't send an application without it. I've kept your draft with your other "
        "answers: if things change, type *apply* and we'll carry on from this question."
    )
    assert "contact your project lead, Sam Reid (openlead@example.org)" in reply
    assert "nothing to cancel" in ada.said("cancel")
    again = ada.said("apply")
    assert "You've answered 7 of 15 questions" in again
    assert again.endswith("Can you commit to all of it, including the training and the launch "
                          "event?\n  1. Yes\n  2. No")  # fmt: skip
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert "commitment" not in row.answers


def test_the_supporting_statement_can_come_later_but_is_needed_to_submit(ada: Chat) -> None:
    reply = answer_all(
        ada, ada.said("apply"), **{"paste your head of service's supporting statement": "later"}
    )
    # "later" is accepted once; at the end it is asked for again, and "later" no longer does.
    assert CONFIRM not in reply
    assert reply.endswith(
        "Everything else is ready, but I can't send the application without your head of "
        "service's supporting statement. Please paste it here. (Or type *cancel*: your draft "
        "is kept, and *apply* brings you back here.)"
    )
    assert ada.said("later").startswith(
        "I can't send the application without the statement, I'm afraid."
    )
    reply = ada.said("Full support from me. J. Smith, Head of Imaging")
    assert "*Head of service's statement:* Full support from me. J. Smith, Head of Imaging" in reply
    assert CONFIRM in reply


def test_patient_data_in_an_answer_is_caught_before_saving(ada: Chat) -> None:
    ada.said("apply: I'm a CT manager at North Example Hospital")
    ada.said("yes")
    ada.said("Leading a team")
    reply = ada.said("I once fixed the booking for patient 943 476 5919 in a day")
    assert reply.startswith(
        "This looks like it includes an NHS number. Patient-identifiable details mustn't be "
        "kept in your application. I haven't saved anything yet."
    )
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert "leadership_detail" not in row.answers
    assert "How much autonomy" in ada.said("1")  # Remove it and save
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert (
        row.answers["leadership_detail"]
        == "I once fixed the booking for patient [removed] in a day"
    )
    # The scheme's own hospital number pattern counts too; "let me rewrite it" asks again.
    assert "a hospital number" in ada.said("I decide alone, e.g. for AB123456")
    assert ada.said("2").startswith("OK, please write it again.")
    assert "responsibilities and accountabilities" in ada.said("I decide the rota alone.")


# -- one application per cohort, references, viewing --------------------------------------


def test_one_application_per_cohort_and_references_in_sequence(scheme: Engine, ada: Chat) -> None:
    submit(ada)
    reply = ada.said("apply")
    assert reply.startswith(
        "You've already applied to *Spring 2027 cohort*: reference *A-01*, sent Mon 23 Nov. "
        "There's one application per person for each cohort."
    )
    assert reply.endswith("Would you like to see it?\n  1. Show my application")
    shown = ada.said("1")
    assert shown.startswith(
        "Your application to *Spring 2027 cohort*, reference *A-01*, sent Mon 23 Nov "
        "(status: submitted):\n*Job role and grade:* Radiography service manager, Band 8a"
    )
    assert shown.endswith("please contact your project lead, Sam Reid (openlead@example.org).")
    ben = Chat(scheme, ada.clock, "ben@example.org")
    assert "Your reference is *A-02*." in submit(ben, "I want to apply for the scheme")
    with transaction(scheme) as tx:
        refs = sorted(a.reference or "" for a in tx.exec(select(Application)).all())
    assert refs == ["A-01", "A-02"]
    lead = channel_inbox(scheme, ada.clock, "open-lead")
    assert lead == (
        "New application A-01 received for Spring 2027 cohort (1 so far).\n\n"
        "New application A-02 received for Spring 2027 cohort (2 so far)."
    )


def test_the_receipt_is_kept_out_of_previews_of_the_answers(scheme: Engine, ada: Chat) -> None:
    submit(ada)
    with transaction(scheme) as tx:
        rows = tx.exec(select(Outbox).where(Outbox.recipient_id == ada.person_id)).all()
        previews = [r.preview for r in rows]
        review = [r for r in rows if any("Here's your application" in p["text"] for p in r.parts
                                         if p["type"] == "text")]  # fmt: skip
        assert review
        assert all(
            p["private"] for r in review for p in r.parts
            if p["type"] == "text" and "Here's your application" in p["text"]
        )  # fmt: skip
    assert not any("Workforce planning" in p for p in previews)


# -- role rules --------------------------------------------------------------------------------


def test_people_who_are_not_mentees_cannot_apply(scheme: Engine, clock: Clock) -> None:
    assert Chat(scheme, clock, "kit@example.org").said("apply") == (
        "Applying is for mentees, and you're not taking part as one. As a mentor, you can set "
        "up or update your profile: type *my mentor profile*."
    )
    assert Chat(scheme, clock, "openlead@example.org").said("apply") == (
        "Applying is for mentees, and you're not taking part as one. The scheme's project lead "
        "decides who takes part: please contact your project lead, Sam Reid "
        "(openlead@example.org)."
    )
    assert Chat(scheme, clock, "cara@example.org").said("apply") == (
        "You're already paired with Maya Patel in *Spring 2027 cohort*, so there's no need to "
        "apply. Type *what's next* to see what's due."
    )
    with transaction(scheme) as tx:
        assert tx.exec(select(Application)).all() == []


# -- bad input ---------------------------------------------------------------------------------


def test_bad_input_gets_a_clear_reply_and_nothing_half_saved(ada: Chat) -> None:
    ada.said("apply")
    assert ada.said("").startswith("I didn't get anything there.")
    reply = ada.said("x" * 20_000)
    assert reply.startswith("That's 20,000 characters, more than I can keep here (200).")
    assert "Nothing was saved. Could you shorten it?" in reply
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert row.answers == {}
    ada.said("🩻 lead 🚀")
    ada.said("<b>North</b> & *Example*")
    assert ada.said("perhaps").startswith("Please answer *yes* or *no*.")
    ada.said("yes")
    assert ada.said("🙂").startswith("Please pick the one that fits best.")
    ada.said("Leading a team")
    ada.said("'); DROP TABLE application; --")
    long_reply = ada.said("y" * 20_000)
    assert long_reply.startswith("That's 20,000 characters, more than I can keep here (3,000).")
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert row.answers == {
        "job_role": "🩻 lead 🚀",
        "workplace": "<b>North</b> & *Example*",
        "professional_body": "yes",
        "leadership": "team",
        "leadership_detail": "'); DROP TABLE application; --",
    }


@pytest.mark.parametrize(
    ("said", "problem"),
    [
        ("far", "Sorry, I couldn't read a distance or a travel time in that."),
        ("31 Feb", "Sorry, I couldn't read a distance or a travel time in that."),
        ("30 hours", "That doesn't look like a distance I can record."),
        ("9000 miles", "That doesn't look like a distance I can record."),
        ("0.0 km", "That doesn't look like a distance I can record."),
    ],
)
def test_a_travel_distance_that_cannot_be_read_is_asked_again(
    ada: Chat, said: str, problem: str
) -> None:
    ada.said("apply: I'm a CT manager at North Example Hospital")
    for answer in ("yes", "Leading a team", "A team", "Lots", "All of it", "yes", "yes", "Yes!"):
        ada.said(answer)
    reply = ada.said(said)
    assert reply.startswith(problem)
    assert "What's the furthest you'd travel to meet your mentor?" in reply
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert "travel" not in row.answers


# -- top-3 preferences -------------------------------------------------------------------------


def test_preferences_come_only_after_selection(scheme: Engine, ada: Chat) -> None:
    assert ada.said("choose my mentor") == (
        "Choosing your mentors comes after selection. You haven't sent an application yet: "
        "type *apply* to start. Once your application is selected, I'll show you the bios of "
        "the mentors with a free place and you'll pick your top three."
    )
    submit(ada)
    assert ada.said("my top 3").startswith(
        "Choosing your mentors comes after selection. The steering group is still reviewing "
        "applications."
    )
    set_status(scheme, "ada@example.org", ApplicationStatus.REJECTED)
    assert ada.said("mentor preferences").startswith(
        "Your application to *Spring 2027 cohort* wasn't taken forward this time"
    )


def test_a_selected_mentee_ranks_three_mentors_with_free_places(scheme: Engine, ada: Chat) -> None:
    submit(ada)
    set_status(scheme, "ada@example.org", ApplicationStatus.SELECTED)
    reply = ada.said("choose my mentor")
    assert reply == (
        "Mentors with a free place (3):\n"
        "1. *Eve Hart*\n   Former clinical tutor, now a director.\n   Meets: face to face, phone\n"
        "2. *Ian Shaw*\n   Nuclear medicine service manager.\n   Meets: not given\n"
        "3. *Kit Morgan* (Westfield Imaging)\n   Ultrasound lead who loves budgets.\n"
        "   Style: Practical\n   Meets: video\n\n"
        "Which three would you like, in order of preference? Reply with their numbers (for "
        "example '2, 1, 3') or names. Fewer is fine if only one or two suit you."
    )
    # Maya's one place is taken, Joe is at full capacity, Ruth lists Ada as a conflict.
    for absent in ("Maya", "Joe", "Ruth"):
        assert absent not in reply
    assert ada.said("2, 2, 1") == "Please choose different mentors: each one once."
    assert ada.said("4, 1, 2") == "There's no mentor number 4: please use the numbers 1 to 3."
    assert ada.said("Bob, Eve, Ian").startswith("I couldn't find a mentor called Bob")
    assert ada.said("1, 2, 3, 1").startswith("Please choose different mentors")
    assert ada.said("1 2 3 3").startswith("Please choose different mentors")
    # Fewer than three is the mentee's choice: they're told what that may mean.
    assert ada.said("2") == (
        "Your choices, in order of preference:\n1. Ian Shaw\n"
        "If none of them can take you, the steering group may suggest another mentor with a free "
        "place.\n\nShall I save them?\n  1. Save\n  2. Choose again"
    )
    ada.said("choose again")
    reply = ada.said("3, 1, 2")
    assert reply == (
        "Your choices, in order of preference:\n1. Kit Morgan\n2. Eve Hart\n3. Ian Shaw\n\n"
        "Shall I save them?\n  1. Save\n  2. Choose again"
    )
    assert ada.said("save").startswith("Saved your choices.")
    with transaction(scheme) as tx:
        ids = {p.email: p.id for p in tx.exec(select(Person)).all()}
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.preferences == [
        ids["kit@example.org"],
        ids["eve@example.org"],
        ids["ian@example.org"],
    ]
    # Changeable until the pairing is made, by names this time.
    reply = ada.said("choose my mentor")
    assert "Your current choices: 1. Kit Morgan, 2. Eve Hart, 3. Ian Shaw." in reply
    assert "1. Ian Shaw\n2. Kit Morgan\n3. Eve Hart" in ada.said("Ian then Kit then Eve Hart")
    ada.said("1")
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.preferences == [
        ids["ian@example.org"],
        ids["kit@example.org"],
        ids["eve@example.org"],
    ]
    with transaction(scheme) as tx:
        tx.add(
            Pairing(
                cohort_id=row.cohort_id,
                mentee_id=ids["ada@example.org"],
                mentor_id=ids["ian@example.org"],
                started_at=ada.clock.now(),
            )
        )
    assert ada.said("choose my mentor") == (
        "You've been matched with Ian Shaw, so your preferences are closed. Type *what's next* "
        "to see what's due."
    )


def test_preferences_in_one_message_and_a_mentor_filling_up_meanwhile(
    scheme: Engine, ada: Chat
) -> None:
    submit(ada)
    set_status(scheme, "ada@example.org", ApplicationStatus.SELECTED)
    reply = ada.said("My top three: Kit, Eve, Ian")
    assert reply.startswith("Your choices, in order of preference:\n1. Kit Morgan\n2. Eve Hart")
    Chat(scheme, ada.clock, "kit@example.org").said("I'm at full capacity")
    assert ada.said("save") == (
        "Sorry: Kit Morgan no longer has a free place. Type *choose my mentor* to see who does."
    )
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.preferences == []
    reply = ada.said("choose my mentor")
    assert "Mentors with a free place (2)" in reply
    assert "Kit Morgan" not in reply
    assert "Which two would you like" in reply


def test_mentors_cannot_choose_mentors(scheme: Engine, clock: Clock) -> None:
    assert (
        Chat(scheme, clock, "eve@example.org")
        .said("choose my mentor")
        .startswith("Choosing mentors is for mentees, and you're not taking part as one.")
    )


# -- what is stored, and the export ----------------------------------------------------------


def test_the_export_holds_the_application_and_the_receipt(scheme: Engine, ada: Chat) -> None:
    submit(ada)
    with transaction(scheme) as tx:
        exported = application_queries.export_applications(tx, ada.person_id)
        everything = queries.export_person(tx, ada.person_id)
    assert len(exported) == 1
    assert exported[0]["cohort"] == "Spring 2027 cohort"
    assert exported[0]["reference"] == "A-01"
    assert exported[0]["status"] == "submitted"
    assert exported[0]["answers"]["workplace"] == "North Example Hospital"
    assert exported[0]["submitted_at"] == "2026-11-23T10:00:00+00:00"
    # export_person has no "applications" key yet (asked of the lead engineer); the messages
    # it lists do hold the receipt.
    texts = [p.get("text", "") for m in everything["messages"] for p in m["parts"]]
    assert any("Your reference is *A-01*." in t for t in texts)


# -- through the real command ------------------------------------------------------------------


def test_applying_through_mentorbot_chat(db_url: str, tmp_path: Path) -> None:
    scheme_file = tmp_path / "open.toml"
    scheme_file.write_text(OPEN_TOML, encoding="utf-8")
    loaded = mentorbot("scheme", "load", str(scheme_file), "--now", NOW, db=db_url)
    assert loaded.returncode == 0, loaded.stderr
    lines = [
        "apply: I'm a radiography service manager at North Example Hospital",
        "1",  # yes, a member
        "2",  # delivering a service
        "I run the CT service.",
        "I set the rota.",
        "Staff and a budget.",
        "yes",
        "yes",
        "Full support. J. Smith",
        "an hour",
        "To grow.",
        "CT",
        "Choir",
        "yes",
        "change my workplace to St Example Infirmary",
        "submit",
        "apply",
    ]
    result = mentorbot(
        "chat", "--user", "ada@example.org", "--now", NOW, stdin="\n".join(lines) + "\n", db=db_url
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Place of work: St Example Infirmary" in result.stdout
    assert "*" not in result.stdout  # the terminal shows the words, not emphasis markers
    assert "Furthest you'd travel: 1 hour" in result.stdout
    assert "Your reference is A-01." in result.stdout
    assert "You've already applied to Spring 2027 cohort: reference A-01" in result.stdout
    lead = mentorbot("inbox", "--channel", "open-lead", "--now", NOW, db=db_url)
    assert "New application A-01 received for Spring 2027 cohort (1 so far)." in lead.stdout
    exported = json.loads(
        mentorbot("export", "--user", "ada@example.org", "--now", NOW, db=db_url).stdout
    )
    assert any(
        "Your reference is *A-01*." in part.get("text", "")
        for message in exported["messages"]
        for part in message["parts"]
    )


# -- typed answers as they arrive on Slack and Teams (plain text, each in a new turn) ----------


def typed(chat: Chat, text: str) -> str:
    """A typed reply in a new process, as plain text (never the console's numbered button)."""
    chat.restart()
    return chat.send(Incoming(chat.person_id, text=text))


def test_a_typed_number_a_typo_and_own_words_answer_the_choices(ada: Chat) -> None:
    ada.said("apply: I'm a CT manager at North Example Hospital")
    typed(ada, "1")  # the first choice, Yes, typed rather than pressed
    assert "Tell me a little about it" in typed(ada, "the servce one")  # a typo of a label
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert (row.answers["professional_body"], row.answers["leadership"]) == ("yes", "service")


def test_a_yes_with_a_correction_at_the_review_changes_it_first(scheme: Engine, ada: Chat) -> None:
    answer_all(ada, ada.said("apply"))
    reply = typed(ada, "yes, but change my workplace to St Example Infirmary")
    assert "*Place of work:* St Example Infirmary\n" in reply
    assert CONFIRM in reply  # not sent until it has been seen
    assert application_of(scheme, "ada@example.org").status == "draft"  # type: ignore[union-attr]
    assert "Your reference is *A-01*." in typed(ada, "yep")
    row = application_of(scheme, "ada@example.org")
    assert row is not None
    assert row.answers["workplace"] == "St Example Infirmary"


def test_a_statement_still_awaited_is_asked_for_before_submitting(ada: Chat) -> None:
    overrides = {"paste your head of service's supporting statement": "still waiting on it"}
    reply = answer_all(ada, ada.said("apply"), **overrides)
    assert "I can't send the application without your head of service's supporting" in reply
    row = application_of(ada.db, "ada@example.org")
    assert row is not None
    assert "supporting_statement" not in row.answers


def test_a_mentor_named_with_a_typo_is_still_chosen(scheme: Engine, ada: Chat) -> None:
    submit(ada)
    set_status(scheme, "ada@example.org", ApplicationStatus.SELECTED)
    ada.said("choose my mentor")
    reply = typed(ada, "Kit Morgen then Eve")
    assert reply.startswith("Your choices, in order of preference:\n1. Kit Morgan\n2. Eve Hart")
    assert typed(ada, "yes please").startswith("Saved your choices.")
