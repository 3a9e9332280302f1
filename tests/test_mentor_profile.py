"""Registering as a mentor, changing a mentor profile and the "at full capacity" flag, as
mentors have these conversations (fixed clock: Mon 23 Nov 2026, 10:00 in London).

The demo mentors have profiles from the scheme file; Nia Evans (in ``tests.test_apply``'s scheme)
is a mentor who has not written hers yet, so she answers every question.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage import application_queries, queries
from storage.db import transaction
from storage.models import ApplicationStatus, MentorProfile
from tests.conftest import NOW
from tests.test_apply import scheme, set_status, submit  # noqa: F401  (the scheme fixture)
from tests.test_cli import loaded, mentorbot  # noqa: F401  (the loaded fixture)
from tests.transcript import Chat

NIA_REPLIES = [
    (
        "First, your bio",
        "Radiology manager for ten years; I mentor because I was helped.",
    ),
    ("mentoring style", "Coaching: questions first"),
    ("How do you like to meet?", "video and phone"),
    ("best way for your mentee to contact you", "Email, weekday mornings"),
    ("How many mentees could you take at once?", "2"),
    ("appraise, educationally supervise or line-manage", "Ben Cole, ada@example.org"),
]


def profile_of(db: Engine, email: str) -> MentorProfile | None:
    with transaction(db) as tx:
        person = queries.person_by_email(tx, email)
        assert person is not None
        assert person.id is not None
        row = application_queries.mentor_profile(tx, person.id)
        if row is not None:
            tx.expunge(row)
        return row


@pytest.fixture
def nia(scheme: Engine, clock: Clock) -> Chat:  # noqa: F811
    return Chat(scheme, clock, "nia@example.org")


# -- a new profile -----------------------------------------------------------------------------


def test_a_new_mentor_answers_every_question_then_confirms(nia: Chat) -> None:
    reply = nia.said("register as a mentor")
    assert reply == (
        "Let's set up your mentor profile. I'll ask a few questions, one at a time, and show "
        "you the whole profile before I save it.\n\n"
        "I have your organisation as Harbour Health: you can change it at the end.\n\n"
        "First, your bio, in a few lines: who you are, your background, and why you mentor. "
        "Selected mentees read it when they choose their top three."
    )
    for question, answer in NIA_REPLIES:
        assert question in reply
        reply = nia.said(answer)
    assert reply == (
        "Here's your mentor profile:\n"
        "*Bio:* Radiology manager for ten years; I mentor because I was helped.\n"
        "*Mentoring style:* Coaching: questions first\n"
        "*Ways of working:* Video, Phone\n"
        "*Preferred contact:* Email, weekday mornings\n"
        "*Organisation:* Harbour Health\n"
        "*Capacity:* 2 mentees\n"
        "*Conflicts of interest:* Ben Cole, ada@example.org\n"
        "*At full capacity:* No\n\n"
        "Shall I save it?\n  1. Save\n  2. Change something"
    )
    assert profile_of(nia.db, "nia@example.org").bio == ""  # type: ignore[union-attr]
    assert nia.said("1").startswith("Saved your mentor profile: welcome aboard!")
    row = profile_of(nia.db, "nia@example.org")
    assert row is not None
    assert (row.bio, row.style, row.ways_of_working, row.contact_preference) == (
        "Radiology manager for ten years; I mentor because I was helped.",
        "Coaching: questions first",
        ["video", "phone"],
        "Email, weekday mornings",
    )
    assert (row.organisation, row.capacity, row.at_full_capacity, row.conflicts) == (
        "Harbour Health",
        2,
        False,
        ["Ben Cole", "ada@example.org"],
    )
    assert row.updated_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_a_new_profile_can_be_corrected_before_saving(nia: Chat) -> None:
    reply = nia.said("I'd like to sign up as a mentor")
    for _question, answer in NIA_REPLIES:
        reply = nia.said(answer)
    reply = nia.said("change my capacity to 3")
    assert "*Capacity:* 3 mentees\n" in reply
    reply = nia.said("Change something")
    assert "Which part would you like to change?" in reply
    assert "Nothing" not in reply
    reply = nia.said("Ways of working")
    assert "At the moment: Video, Phone" in reply
    assert "*Ways of working:* Face to face, Video, Phone\n" in nia.said("All three")
    nia.said("change the conflicts to none")
    nia.said("save")
    row = profile_of(nia.db, "nia@example.org")
    assert row is not None
    assert (row.capacity, row.ways_of_working, row.conflicts) == (
        3,
        ["in_person", "video", "phone"],
        [],
    )


def test_cancel_leaves_the_profile_as_it_was(nia: Chat) -> None:
    nia.said("become a mentor")
    nia.said("A bio.")
    assert nia.said("cancel") == (
        "Cancelled your mentor profile: nothing was saved. Type *menu* when you want to do "
        "something else."
    )
    row = profile_of(nia.db, "nia@example.org")
    assert row is not None
    assert row.bio == ""


def test_back_and_a_restart_keep_the_place(nia: Chat) -> None:
    nia.said("register as a mentor")
    nia.said("A first bio.")
    assert "First, your bio" in nia.said("back")
    nia.restart()
    assert "mentoring style" in nia.said("A better bio.")
    nia.said("Reflective")
    nia.said("face to face")
    nia.said("Phone")
    nia.said("1")
    assert "*Bio:* A better bio.\n" in nia.said("none")
    assert "line-manage anyone who might apply" in nia.said("back")
    assert "*Conflicts of interest:* Tom Green\n" in nia.said("Tom Green")
    nia.said("save")
    row = profile_of(nia.db, "nia@example.org")
    assert row is not None
    assert (row.bio, row.ways_of_working, row.contact_preference, row.conflicts) == (
        "A better bio.",
        ["in_person"],
        "Phone",
        ["Tom Green"],
    )


# -- an existing profile -----------------------------------------------------------------------


def test_my_mentor_profile_shows_it_and_changes_one_field(mentor: Chat) -> None:
    reply = mentor.said("my mentor profile")
    assert reply.startswith(
        "Your mentor profile:\n*Bio:* Head of imaging services at a large district general hospital"
    )
    assert "*Ways of working:* Video, Face to face\n" in reply
    assert "*Capacity:* 1 mentee\n" in reply
    assert reply.endswith("  8. At full capacity\n  9. Nothing: it's all fine")
    reply = mentor.said("6")
    assert reply == (
        "At the moment: 1 mentee\n\nHow many mentees could you take at once? (1 to 3: the "
        "scheme's maximum.)"
    )
    assert mentor.said("4").startswith("The scheme allows at most 3 mentees per mentor.")
    assert mentor.said("0").startswith("Your capacity is at least 1.")
    assert mentor.said("lots").startswith("Please give a number, like *2*.")
    reply = mentor.said("two")
    assert "*Capacity:* 2 mentees\n" in reply
    assert reply.endswith("Shall I save it?\n  1. Save\n  2. Change something")
    assert mentor.said("save").startswith("Saved the changes to your mentor profile.")
    row = profile_of(mentor.db, "mentor@example.org")
    assert row is not None
    assert row.capacity == 2
    assert row.bio.startswith("Head of imaging services")
    assert row.updated_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_a_one_shot_change_goes_straight_to_the_review(mentor: Chat) -> None:
    reply = mentor.said("my mentor profile: change my contact to Teams message, afternoons")
    assert "*Preferred contact:* Teams message, afternoons\n" in reply
    assert "Shall I save it?" in reply
    mentor.said("yes")
    row = profile_of(mentor.db, "mentor@example.org")
    assert row is not None
    assert row.contact_preference == "Teams message, afternoons"


def test_change_my_capacity_offers_the_change_then_reviews_it(mentor: Chat) -> None:
    reply = mentor.said("please change my capacity to 2")
    assert reply == (
        "You can take 1 mentee now.\n\nShall I change your capacity to 2?\n  1. Yes, change it to 2"
    )
    reply = mentor.said("1")
    assert "*Capacity:* 2 mentees\n" in reply
    assert "Shall I save it?" in reply
    mentor.said("save")
    row = profile_of(mentor.db, "mentor@example.org")
    assert row is not None
    assert row.capacity == 2
    # Over the scheme's maximum: the review's question says so.
    mentor.said("my mentor profile: set my capacity to 5")
    assert mentor.said("1").startswith("The scheme allows at most 3 mentees per mentor.")


def test_nothing_to_change_leaves_it_alone(mentor: Chat) -> None:
    mentor.said("my mentor profile")
    assert mentor.said("9") == (
        "OK: your profile stays as it is. Type *my mentor profile* whenever you'd like to "
        "change it."
    )


def test_patient_data_in_a_bio_is_caught(mentor: Chat) -> None:
    mentor.said("my mentor profile")
    mentor.said("Bio")
    reply = mentor.said("I once cared for patient 943 476 5919 and it changed me.")
    assert reply.startswith("This looks like it includes an NHS number.")
    assert "mustn't be kept in your profile" in reply
    reply = mentor.said("Remove it and save")
    assert "*Bio:* I once cared for patient [removed] and it changed me.\n" in reply
    mentor.said("save")
    row = profile_of(mentor.db, "mentor@example.org")
    assert row is not None
    assert row.bio == "I once cared for patient [removed] and it changed me."


def test_bad_input_gets_a_clear_reply(mentor: Chat) -> None:
    mentor.said("my mentor profile")
    assert mentor.said("shoe size").startswith("Please pick one of these.")
    mentor.said("Bio")
    assert mentor.said("").startswith("I didn't get anything there.")
    assert mentor.said("x" * 20_000).startswith(
        "That's 20,000 characters, more than I can keep here (1,500). Nothing was saved."
    )
    assert "*Bio:* 🩺 <b>bold</b> '); DROP TABLE person; --\n" in mentor.said(
        "🩺 <b>bold</b> '); DROP TABLE person; --"
    )
    mentor.said("change the ways of working to carrier pigeon")
    assert mentor.said("by owl").startswith("Please choose face to face, video or phone")
    mentor.said("phone")
    reply = mentor.said("change conflicts to 1, 2")
    assert reply.startswith("Those don't look like names")
    mentor.said("cancel")
    row = profile_of(mentor.db, "mentor@example.org")
    assert row is not None
    assert row.bio.startswith("Head of imaging services")


# -- the full-capacity flag ----------------------------------------------------------------


def test_at_full_capacity_and_taking_mentees_again(scheme: Engine, clock: Clock) -> None:  # noqa: F811
    kit = Chat(scheme, clock, "kit@example.org")
    assert kit.said("I'm at full capacity") == (
        "Done: you're marked *at full capacity*. You won't be offered to new mentees until you "
        "say *taking mentees again*. Your current mentees aren't affected."
    )
    row = profile_of(scheme, "kit@example.org")
    assert row is not None
    assert row.at_full_capacity is True
    assert kit.said("I'm not taking new mentees").startswith("You're already marked")
    assert kit.said("my capacity") == (
        "You can take 2 mentees; you have 0 of 2 places taken. You're marked *at full "
        "capacity*: say *taking mentees again* when you're ready."
    )
    # A selected mentee is not offered Kit while the flag is up.
    ada = Chat(scheme, clock, "ada@example.org")
    submit(ada)
    set_status(scheme, "ada@example.org", ApplicationStatus.SELECTED)
    assert "Kit Morgan" not in ada.said("choose my mentor")
    ada.said("cancel")
    assert kit.said("taking mentees again") == (
        "Done: you're taking mentees again (you have 0 of 2 places taken). Selected mentees "
        "can choose you while you have a free place."
    )
    assert kit.said("available for mentees again").startswith("You're already taking mentees")
    assert "Kit Morgan" in ada.said("choose my mentor")


def test_full_capacity_can_also_be_set_in_the_profile(mentor: Chat) -> None:
    mentor.said("my mentor profile")
    mentor.said("At full capacity")
    assert "*At full capacity:* Yes: not taking new mentees" in mentor.said("yes")
    assert "until you say *taking mentees again*" in mentor.said("save")


# -- role rules --------------------------------------------------------------------------------


def test_a_mentee_cannot_register_as_a_mentor(mentee: Chat) -> None:
    assert mentee.said("register as a mentor") == (
        "A mentor profile is for mentors, and you're taking part as a mentee. The scheme's "
        "project lead decides who mentors: if you'd like to mentor in a future round, please "
        "contact your project lead, Morgan Ellis (lead@example.org)."
    )
    assert mentee.said("I'm at full capacity").startswith(
        "Mentor capacity is for mentors, and you're taking part as a mentee."
    )


def test_the_lead_has_no_mentor_profile(demo: Engine, clock: Clock) -> None:
    lead = Chat(demo, clock, "lead@example.org")
    assert lead.said("my mentor profile") == (
        "A mentor profile is for mentors, and you're not registered as one. The scheme's "
        "project lead adds mentors: please contact your project lead, Morgan Ellis "
        "(lead@example.org)."
    )
    with transaction(demo) as tx:
        assert len(tx.exec(select(MentorProfile)).all()) == 5  # the demo's mentors' only


# -- the export and the real command -----------------------------------------------------------


def test_the_profile_export_shows_what_was_stored(mentor: Chat) -> None:
    mentor.said("my mentor profile: change my organisation to Northfield Imaging")
    mentor.said("save")
    with transaction(mentor.db) as tx:
        exported = application_queries.export_mentor_profile(tx, mentor.person_id)
    assert exported is not None
    assert exported["organisation"] == "Northfield Imaging"
    assert exported["capacity"] == 1
    assert exported["updated_at"] == "2026-11-23T10:00:00+00:00"


def test_the_capacity_flag_through_mentorbot_chat(loaded: str) -> None:  # noqa: F811
    result = mentorbot(
        "chat", "--user", "mentor3@example.org", "--now", NOW,
        stdin="I'm at full capacity\nmy mentor profile\n6\n3\nsave\nmy capacity\n", db=loaded,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Done: you're marked at full capacity." in result.stdout
    assert "Capacity: 3 mentees" in result.stdout
    assert "*" not in result.stdout  # the terminal shows the words, not emphasis markers
    assert "Saved the changes to your mentor profile." in result.stdout
    assert "You can take 3 mentees; you have 0 of 3 places taken." in result.stdout
