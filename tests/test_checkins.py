"""Check-ins and evaluations. The demo's keep-in-touch check-in opens two weeks after the fixed
clock (Mon 7 Dec to Mon 14 Dec 2026), so most tests chat on Tue 8 Dec."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage import queries, survey_queries
from storage.db import transaction
from storage.models import Membership, Person, Survey, SurveyQuestion, SurveyResponse
from tests.test_cli import loaded, mentorbot  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat, channel_inbox

LATER = "2026-12-08T10:00:00+00:00"


@pytest.fixture
def later(demo: Engine) -> Clock:
    return Clock.fixed(LATER)


@pytest.fixture
def priya(demo: Engine, later: Clock) -> Chat:
    return Chat(demo, later, "mentee@example.org")


def _responses(db: Engine) -> list[SurveyResponse]:
    with transaction(db) as s:
        return list(s.exec(select(SurveyResponse)).all())


def _id(db: Engine, email: str) -> int:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
        assert person is not None
        assert person.id is not None
        return person.id


def test_answering_one_question_at_a_time(demo: Engine, later: Clock, priya: Chat) -> None:
    first = priya.said("check-in")
    assert "*Keep-in-touch check-in*: 4 questions, open until Mon 14 Dec." in first
    assert "Question 1 of 4: How is the mentoring going so far?" in first
    assert "  5. 5" in first
    assert "Question 2 of 4" in priya.said("four")
    assert "Question 3 of 4" in priya.said("Twice or more")
    fourth = priya.said("The budget coaching & <b>honest</b> feedback")
    assert "Question 4 of 4: Anything the project team should follow up? (optional" in fourth
    shown = priya.said("skip")
    assert "1. How is the mentoring going so far?" in shown
    assert "   → 4" in shown
    assert "   → Twice or more" in shown
    assert "   → (skipped)" in shown
    assert "Follow-up from the project team: no" in shown
    done = priya.said("send")
    assert done.startswith("Thank you, Priya: your answers to the Keep-in-touch check-in are in.")
    assert "You can change them until Mon 14 Dec" in done
    [row] = _responses(demo)
    assert row.answers == {
        "going": 4,
        "met": "Twice or more",
        "highlight": "The budget coaching & <b>honest</b> feedback",
        "follow_up": None,
    }
    assert row.follow_up_requested is False
    assert row.submitted_at == later.now()
    assert channel_inbox(demo, later) == ""
    with transaction(demo) as s:
        export = queries.export_person(s, _id(demo, "mentee@example.org"))
        theirs = queries.export_person(s, _id(demo, "mentor@example.org"))
    assert export["survey_responses"][0]["survey"] == "Keep-in-touch check-in"
    assert export["survey_responses"][0]["answers"]["going"] == 4
    assert theirs["survey_responses"] == []


def test_one_message_answers_the_whole_survey_and_asks_for_a_follow_up(
    demo: Engine, later: Clock, priya: Chat, mentor: Chat
) -> None:
    shown = priya.said("check-in: 5; once; listening without judging; please call me about travel")
    assert "   → 5" in shown
    assert "   → Once" in shown
    assert "   → please call me about travel" in shown
    assert "Follow-up from the project team: yes" in shown
    assert "The project team will be in touch" in priya.said("1")
    [row] = _responses(demo)
    assert row.follow_up_requested is True
    lead = channel_inbox(demo, later)
    assert lead.startswith(
        "Follow-up requested (F1): someone in Demo cohort asked for a follow-up from the "
        "project team in the Keep-in-touch check-in. Press *Open* (or type *open F1*) to see "
        "who, in your own chat."
    )
    assert "  1. Open\n  2. Acknowledge\n  3. Contact them" in lead
    assert "travel" not in lead
    assert "Priya" not in lead
    assert Chat(demo, later, "mentor@example.org").inbox() == ""
    opened = Chat(demo, later, "lead@example.org").said("open F1")
    assert opened.startswith(
        "*F1*: Priya Shah asked for a follow-up from the project team in the Keep-in-touch "
        "check-in, Tue 8 Dec, 10:00."
    )
    assert "→ please call me about travel" in opened  # what she asked, to those who may read it


def test_a_mentor_answers_by_button_number_with_the_word_evaluation(
    demo: Engine, later: Clock
) -> None:
    tom = Chat(demo, later, "mentor@example.org")
    assert "Question 1 of 4" in tom.said("evaluation")
    assert "Question 2 of 4" in tom.said("3")  # the third button: 3
    assert "Question 3 of 4" in tom.said("1")  # the first button: Not yet
    tom.said("Getting to know each other")
    tom.said("no")
    assert "Thank you, Tom" in tom.said("submit")
    [row] = _responses(demo)
    assert row.answers["going"] == 3
    assert row.answers["met"] == "Not yet"
    assert row.follow_up_requested is False  # "no" is not a request


def test_answering_again_replaces_and_after_the_deadline_is_refused(
    demo: Engine, later: Clock, priya: Chat
) -> None:
    priya.said("check-in: 2; once; little so far; skip")
    priya.said("send")
    done = priya.said("survey")
    assert "You already completed the Keep-in-touch check-in on Tue 8 Dec" in done
    again = priya.said("change my check-in answers")
    assert "You answered this on Tue 8 Dec. If you answer again, your new answers will" in again
    priya.said("5")
    priya.said("twice")
    priya.said("much more now")
    priya.said("skip")
    assert priya.said("send").startswith("Sent: these replace the answers you gave on Tue 8 Dec.")
    [row] = _responses(demo)
    assert row.answers["going"] == 5
    assert row.answers["met"] == "Twice or more"

    closed = Chat(demo, Clock.fixed("2026-12-15T10:00:00+00:00"), "mentee@example.org")
    reply = closed.said("check-in")
    assert "The Keep-in-touch check-in closed on Mon 14 Dec, so it can't be answered" in reply
    assert "The next one, the First evaluation, opens on Mon 18 Jan and closes on" in reply


def test_a_survey_that_closes_mid_way_saves_nothing(demo: Engine, priya: Chat) -> None:
    priya.said("check-in: 4; once; good")
    after = Chat(demo, Clock.fixed("2026-12-15T09:00:00+00:00"), "mentee@example.org")
    reply = after.said("skip")
    assert "closed on Mon 14 Dec, so I can't take answers for it any more" in reply
    assert _responses(demo) == []


def test_required_questions_and_bad_answers_are_asked_again_kindly(
    demo: Engine, priya: Chat
) -> None:
    priya.said("check-in")
    assert "Please answer with a number from 1 to 5." in priya.said("7")
    assert "Please answer with a number from 1 to 5." in priya.said("seven")
    assert "Please answer with a number from 1 to 5." in priya.said("😀")
    assert "I didn't get anything there." in priya.said("")
    assert "Question 2 of 4" in priya.said("4/5")
    assert "Please pick one of the options" in priya.said("maybe")
    assert "Question 3 of 4" in priya.said("tw")
    assert "This one needs an answer, please" in priya.said("skip")
    assert "That's 20,000 characters" in priya.said("x" * 20_000)
    assert "Question 4 of 4" in priya.said("'; DROP TABLE survey_response; --")
    priya.said("skip")
    priya.said("send")
    [row] = _responses(demo)
    assert row.answers["highlight"] == "'; DROP TABLE survey_response; --"


def test_answers_are_corrected_by_number(demo: Engine, priya: Chat) -> None:
    priya.said("check-in: 3; once; coaching; skip")
    assert "   → Twice or more" in priya.said("change 2 to twice or more")
    assert "Question 1 of 4" in priya.said("change 1")
    assert "   → 5" in priya.said("5")
    assert "Which question would you like to change?" in priya.said("Change an answer")
    assert "Question 3 of 4" in priya.said("3")
    assert "   → mentoring" in priya.said("mentoring")
    assert "There are 4 questions" in priya.said("change 9")
    priya.said("send")
    [row] = _responses(demo)
    assert row.answers == {"going": 5, "met": "Twice or more", "highlight": "mentoring",
                           "follow_up": None}  # fmt: skip


def test_patient_data_is_caught_in_a_text_answer(demo: Engine, priya: Chat) -> None:
    priya.said("check-in: 4; once")
    guard = priya.said("Discussing the patient 943 476 5919 helped")
    assert "This looks like it includes an NHS number" in guard
    assert "Question 4 of 4" in priya.said("Remove it and save")
    priya.said("skip")
    priya.said("send")
    [row] = _responses(demo)
    assert row.answers["highlight"] == "Discussing the patient [removed] helped"


def test_back_cancel_and_a_restart(demo: Engine, priya: Chat) -> None:
    priya.said("check-in")
    priya.said("2")
    assert "Question 1 of 4" in priya.said("back")
    priya.said("3")
    priya.restart()
    assert "Question 3 of 4" in priya.said("once")
    assert priya.said("cancel").startswith("Cancelled your check-in: nothing was saved.")
    assert _responses(demo) == []


def test_nothing_open_and_roles_without_surveys(demo: Engine, clock: Clock, later: Clock) -> None:
    early = Chat(demo, clock, "mentee@example.org").said("check-in")
    assert early == (
        "There's no check-in or evaluation open for you right now. The next one, the "
        "Keep-in-touch check-in, opens on Mon 7 Dec and closes on Mon 14 Dec."
    )
    lead = Chat(demo, later, "lead@example.org").said("check-in")
    assert "Check-ins and evaluations are answered by mentees and mentors" in lead


def _feedback_survey(db: Engine) -> int:
    """A mentee-only survey about the mentor, open on Tue 8 Dec, without a follow_up question."""
    with transaction(db) as s:
        cohort_id = s.exec(select(Membership.cohort_id)).first()
        assert cohort_id is not None
        survey = Survey(
            cohort_id=cohort_id, key="mentor-feedback", title="Feedback on your mentor",
            kind="evaluation", audience="mentee", opens_on=date(2026, 12, 1),
            closes_on=date(2026, 12, 20), about_mentor=True,
        )  # fmt: skip
        s.add(survey)
        s.flush()
        assert survey.id is not None
        s.add(SurveyQuestion(survey_id=survey.id, position=0, key="listens",
                             text="Does your mentor listen? (1-5)", kind="scale",
                             choices=["1", "2", "3", "4", "5"]))  # fmt: skip
        s.add(SurveyQuestion(survey_id=survey.id, position=1, key="comment",
                             text="Anything else about your mentor?", kind="text", required=False))  # fmt: skip
        return survey.id


def test_feedback_about_a_mentor_is_kept_from_that_mentor(
    demo: Engine, later: Clock, priya: Chat
) -> None:
    survey_id = _feedback_survey(demo)
    picked = priya.said("check-in")
    assert "Which would you like to answer?" in picked
    intro = priya.said("Feedback on your mentor")
    assert "your mentor won't see what you write" in intro
    priya.said("2")
    follow = priya.said("He often talks over me")
    assert "Would you like a follow-up from the project team?" in follow
    assert "Follow-up from the project team: yes" in priya.said("yes please")
    assert "Your mentor won't see your answers." in priya.said("send")
    assert "Feedback on your mentor" in channel_inbox(demo, later)
    assert Chat(demo, later, "mentor@example.org").inbox() == ""
    # Tom is not shown it (the mentor survey is not even his to answer)...
    assert "Question 1 of 4" in Chat(demo, later, "mentor@example.org").said("check-in")

    tom, priya_id = _id(demo, "mentor@example.org"), _id(demo, "mentee@example.org")
    steering, lead = _id(demo, "steering@example.org"), _id(demo, "lead@example.org")
    with transaction(demo) as s:
        assert survey_queries.responses_visible_to(s, tom, survey_id) == []
        assert [
            r.person_id for r in survey_queries.responses_visible_to(s, priya_id, survey_id)
        ] == [priya_id]
        assert len(survey_queries.responses_visible_to(s, lead, survey_id)) == 1
        assert len(survey_queries.responses_visible_to(s, steering, survey_id)) == 1
        # ...even if Tom joined the steering group.
        cohort_id = s.exec(select(Membership.cohort_id)).first()
        assert cohort_id is not None
        s.add(Membership(person_id=tom, cohort_id=cohort_id, role="steering_member"))
    with transaction(demo) as s:
        assert survey_queries.responses_visible_to(s, tom, survey_id) == []
        nadia = s.exec(select(Person).where(Person.email == "mentee2@example.org")).one()
        assert nadia.id is not None
        assert survey_queries.responses_visible_to(s, nadia.id, survey_id) == []


def test_a_follow_up_on_feedback_about_a_mentor_does_not_name_the_mentee_in_the_lead_channel(
    demo: Engine, later: Clock, priya: Chat
) -> None:
    """Priya asks for a follow-up on feedback about her mentor Tom: the lead channel (which a
    mentor on the steering group may read) gets a reference, not her name. The steering group
    read who asked in their own chat; Tom, even on the steering group, cannot."""
    _feedback_survey(demo)
    priya.said("check-in")
    priya.said("Feedback on your mentor")
    priya.said("2")
    priya.said("He often talks over me")
    priya.said("yes please")
    assert "Your mentor won't see your answers." in priya.said("send")
    posted = channel_inbox(demo, later)
    assert "Feedback on your mentor" in posted
    assert "Priya" not in posted
    assert "Shah" not in posted
    [ref] = re.findall(r"\(F(\d+)\)", posted)
    dev = Chat(demo, later, "steering@example.org")
    assert "Priya Shah asked for a follow-up" in dev.said(f"open F{ref}")
    assert (
        dev.said(f"contact F{ref}")
        == f"Contact details for F{ref}:\n• Priya Shah: mentee@example.org"
    )
    with transaction(demo) as s:
        cohort_id = s.exec(select(Membership.cohort_id)).first()
        assert cohort_id is not None
        s.add(Membership(person_id=_id(demo, "mentor@example.org"), cohort_id=cohort_id,
                         role="steering_member"))  # fmt: skip
    tom = Chat(demo, later, "mentor@example.org")
    for verb in ("open", "contact"):
        assert tom.said(f"{verb} F{ref}").startswith("I can't find that alert"), verb


def test_a_check_in_through_mentorbot_chat(loaded: str) -> None:  # noqa: F811
    result = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", LATER,
        stdin="check-in\n4\nOnce\nThe coaching\nplease ring me\nsend\n", db=loaded,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Question 1 of 4" in result.stdout
    assert "The project team will be in touch" in result.stdout
    lead = mentorbot("inbox", "--channel", "lead", "--now", LATER, db=loaded)
    assert "Follow-up requested (F1): someone in Demo cohort" in lead.stdout
    assert "Priya" not in lead.stdout


def test_a_day_s_pause_resumes_the_check_in(demo: Engine, priya: Chat) -> None:
    priya.said("check-in")
    priya.said("4")
    wednesday = Chat(demo, Clock.fixed("2026-12-09T09:00:00+00:00"), "mentee@example.org")
    assert "Question 3 of 4" in wednesday.said("Once")
    wednesday.said("The coaching")
    wednesday.said("skip")
    assert "Thank you, Priya" in wednesday.said("send")
    [row] = _responses(demo)
    assert row.answers["going"] == 4
