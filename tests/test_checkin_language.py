"""Check-ins answered the way people type (corpus section 7): a score inside a sentence, "no
that's all" to an optional question, "I'll finish this later", and asking before it opens or
after it was done. The demo's check-in is open Mon 7 - Mon 14 Dec 2026; we chat on Tue 8 Dec."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import DialogState, SurveyResponse
from tests.test_cli import loaded, mentorbot  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat

GOING = "How is the mentoring going so far?"
MET = "How many times have you met so far?"
USEFUL = "What has been most useful so far?"
FOLLOW_UP = "Anything the project team should follow up?"


@pytest.fixture
def priya(demo: Engine) -> Chat:
    return Chat(demo, Clock.fixed("2026-12-08T10:00:00+00:00"), "mentee@example.org")


def _responses(db: Engine) -> list[SurveyResponse]:
    with transaction(db) as s:
        return list(s.exec(select(SurveyResponse)).all())


def _kept(db: Engine) -> dict[str, object]:
    with transaction(db) as s:
        kept: dict[str, object] = {}
        for row in s.exec(select(DialogState)).all():
            if isinstance(row.state, dict) and "survey_id" in row.state:
                kept.update(row.state.get("values", {}))
        return kept


@pytest.mark.parametrize("typed", ["pretty well, 4", "4 tbh, hard to find time w him", "4/5"])
def test_a_score_said_inside_a_sentence_is_taken(priya: Chat, typed: str) -> None:
    assert GOING in priya.said("lets get this check in done")
    assert MET in priya.said(typed)
    assert _kept(priya.db)["going"] == 4


@pytest.mark.parametrize("typed", ["good", "6 lol", "somewhere between 3 and 4"])
def test_no_single_score_on_the_scale_is_asked_again(priya: Chat, typed: str) -> None:
    priya.said("check-in")
    reply = priya.said(typed)
    assert "Please answer with a number from 1 to 5." in reply
    assert "going" not in _kept(priya.db)


@pytest.mark.parametrize(
    ("typed", "met"),
    [("we have met once so far", "Once"), ("i've met him two times", "Twice or more"),
     ("we haven't met yet", "Not yet")],
)  # fmt: skip
def test_an_option_said_inside_a_sentence_is_taken(priya: Chat, typed: str, met: str) -> None:
    priya.said("check-in")
    assert MET in priya.said("4")
    assert USEFUL in priya.said(typed)
    assert _kept(priya.db)["met"] == met


def test_no_thats_all_leaves_the_optional_question_empty(priya: Chat) -> None:
    priya.said("check-in")
    priya.said("4")
    priya.said("once")
    assert FOLLOW_UP in priya.said("someone to think out loud with")
    assert "→ (skipped)" in priya.said("no thats all")
    priya.said("yes")
    [row] = _responses(priya.db)
    assert row.answers["follow_up"] is None
    assert row.follow_up_requested is False


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [("nothing to follow up", False), ("no follow up needed thanks", False),
     ("nothing to report at the moment", False),
     ("no, the project team should follow up on my rota", True),
     ("nothing major, but could someone call me", True)],
)  # fmt: skip
def test_a_nothing_that_repeats_the_question_is_no_follow_up(
    priya: Chat, typed: str, wanted: bool
) -> None:
    """Saying "nothing" in the question's own words asks for nothing; words that ask for
    something more still reach the project team."""
    priya.said("check-in")
    priya.said("4")
    priya.said("once")
    assert FOLLOW_UP in priya.said("someone to think out loud with")
    summary = priya.said(typed)
    assert f"Follow-up from the project team: {'yes' if wanted else 'no'}" in summary
    priya.said("yes")
    [row] = _responses(priya.db)
    assert row.follow_up_requested is wanted


def test_putting_it_off_keeps_the_answers_and_resumes_at_the_same_question(
    priya: Chat,
) -> None:
    priya.said("check-in")
    priya.said("4")
    assert USEFUL in priya.said("once")
    reply = priya.said("can i do the rest later? clinic")
    assert "kept your 2 answers so far" in reply
    assert "nothing has been sent" in reply
    assert _kept(priya.db) == {"going": 4, "met": "Once"}
    priya.restart()
    assert USEFUL in priya.said("check in")
    assert FOLLOW_UP in priya.said("time to think")
    assert _kept(priya.db)["highlight"] == "time to think"
    assert _responses(priya.db) == []


def test_answers_put_off_survive_another_request_in_between(priya: Chat) -> None:
    priya.said("check-in")
    priya.said("3")
    priya.said("gotta go, ward round")
    priya.said("my meetings")
    assert MET in priya.said("check-in")
    assert priya.said("twice").startswith("Question 3 of 4")
    assert _kept(priya.db) == {"going": 3, "met": "Twice or more"}


def test_already_done_is_said_and_nothing_restarts(priya: Chat) -> None:
    priya.said("check-in: 4; once; thinking time; skip")
    priya.said("send")
    reply = priya.said("check in")
    assert "You already completed the Keep-in-touch check-in on Tue 8 Dec" in reply
    assert GOING not in reply
    assert GOING in priya.said("change my check-in answers")


def test_before_it_opens_the_dates_it_opens_and_closes_are_given(demo: Engine) -> None:
    early = Chat(demo, Clock.fixed("2026-11-24T09:00:00+00:00"), "mentee@example.org")
    reply = early.said("can i do the check in now?")
    assert "opens on Mon 7 Dec and closes on Mon 14 Dec" in reply
    assert _kept(demo) == {}


def test_an_answer_is_changed_by_naming_its_question(priya: Chat) -> None:
    """At the confirmation, the questions are listed to change by number or by their words."""
    priya.said("check-in: 3; once; coaching; skip")
    listed = priya.said("Change an answer")
    assert "Which question would you like to change?" in listed
    assert f"2. {MET}" in listed
    assert "→ Twice or more" in priya.said("2") + priya.said("twice")
    assert "Question 4 of 4" in priya.said("change the follow-up")
    assert "Follow-up from the project team: yes" in priya.said("please ring me about travel")


def test_skipping_after_putting_it_off_answers_the_question(priya: Chat) -> None:
    priya.said("check-in: 4; once; time to think")
    assert "kept your 3 answers so far" in priya.said("can i finish this later")
    priya.restart()
    assert "→ (skipped)" in priya.said("no thats all")
