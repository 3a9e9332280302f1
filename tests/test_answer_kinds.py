"""Answers to the bot's own questions, in the kinds of language people use for them (issue 12):
a no that names what not to do, yes-idioms with a "no" in them, a yes said with a typo or an
emoji, an option named by a synonym of its verb, by its date, by a count in words, and taking an
action on oneself. Phrasings here are our own, not the corpus's.

Clock: Mon 2 Mar 2026 09:00 in London (GMT).
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.language import Meaning, is_empty, leading
from conversations.language.choices import answer, pick
from conversations.messages import Choice
from storage.db import transaction
from storage.models import Meeting
from tests.transcript import Chat


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def _labels(*labels: str) -> list[Choice]:
    return [Choice(label, f"a{i}") for i, label in enumerate(labels, 1)]


# -- a no that names what not to do ----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "nope, do not send it, my mistake",
        "please don't save that",
        "nah dont delete, pressed the wrong one",
        "no no, don't book it",
        "don't cancel!! sorry",
    ],
)
def test_a_negated_verb_is_a_plain_no(typed: str) -> None:
    reading = leading(typed)
    assert reading is not None
    assert (reading.meaning, reading.rest) == (Meaning.NO, "")


def test_a_negated_verb_keeps_what_is_said_after_it() -> None:
    reading = leading("no don't cancel, move it to friday instead")
    assert reading is not None
    assert reading.meaning is Meaning.NO
    assert "move it to friday instead" in reading.rest


def test_dont_change_it_is_not_read_as_a_plain_no() -> None:
    # "don't change anything" at "Save / Change something" says to save: it must not discard.
    reading = leading("don't change anything")
    assert reading is not None
    assert reading.rest == "change anything"


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _one_confirmed(mentee: Chat, mentor: Chat) -> Meeting:
    mentee.said("book a meeting wed at 11 by phone")
    mentee.said("yes")
    mentor.said("accept")
    mentor.inbox()
    [meeting] = _meetings(mentee.db)
    assert meeting.status == "confirmed"
    return meeting


def test_dont_cancel_at_the_cancel_question_keeps_the_meeting(mentee: Chat, mentor: Chat) -> None:
    meeting = _one_confirmed(mentee, mentor)
    assert "Shall I cancel your meeting" in mentee.said("cancel my meeting")
    mentee.restart()
    reply = mentee.said("nah dont cancel it, my mistake")
    assert "left the meeting as it is" in reply
    [after] = _meetings(mentee.db)
    assert (after.id, after.status, after.starts_at) == (meeting.id, "confirmed", meeting.starts_at)
    assert mentor.inbox() == ""


def test_yes_cancel_it_still_cancels(mentee: Chat, mentor: Chat) -> None:
    _one_confirmed(mentee, mentor)
    mentee.said("cancel my meeting")
    mentee.restart()
    mentee.said("yes cancel it please")
    [after] = _meetings(mentee.db)
    assert after.status == "cancelled"
    assert "Priya Shah has cancelled your meeting on Wed 4 Mar, 11:00." in mentor.inbox()


# -- yes-idioms, typos and emoji -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "sure, no worries",
        "not a problem",
        "no bother at all",
        "yeh",
        "yeh looks good",
        "sounds about right ta",
        "yes please do",
        "ok do",
        "all fine ✅",
        "all good 👍",
    ],
)
def test_yes_in_its_idioms_is_a_plain_yes(typed: str) -> None:
    reading = leading(typed)
    assert reading is not None
    assert (reading.meaning, reading.rest) == (Meaning.YES, "")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("not really", Meaning.NO),
        ("no problems", Meaning.NO),  # "Any problems?": none
        ("all good", Meaning.NONE),  # "Anything to add?": nothing
        ("all good, nothing to add", Meaning.NONE),
        ("no dont worry about it", Meaning.NO),
    ],
)
def test_nearby_answers_keep_their_meaning(typed: str, meant: Meaning) -> None:
    reading = leading(typed)
    assert reading is not None
    assert reading.meaning is meant


@pytest.mark.parametrize("typed", ["no worries thanks", "no problems", "not a problem"])
def test_a_yes_idiom_at_an_optional_question_gives_nothing(typed: str) -> None:
    assert is_empty(typed)


def test_a_yes_restating_the_offered_action_sends() -> None:
    offered = [Choice("Send it", "send"), Choice("Change what I wrote", "edit")]
    for typed in ("yes please do", "yep, flag it", "pass it on please"):
        assert answer(typed, offered, yes="send", no="edit") == "send", typed


def test_a_mentor_saying_no_worries_accepts(mentee: Chat, mentor: Chat) -> None:
    mentee.said("book a meeting wed at 11 by phone")
    mentee.said("yes")
    mentor.inbox()
    assert "Confirmed" in mentor.said("sure no worries")
    [meeting] = _meetings(mentee.db)
    assert meeting.status == "confirmed"


def test_a_mentor_saying_no_then_a_reason_still_declines(mentee: Chat, mentor: Chat) -> None:
    mentee.said("book a meeting wed at 11 by phone")
    mentee.said("yes")
    mentor.inbox()
    mentor.said("no sorry, I'm in clinic all day")
    [meeting] = _meetings(mentee.db)
    assert meeting.status != "confirmed"


# -- options by synonym, date, count and owner -----------------------------------------------

_GUARD = _labels("Remove it and save", "Let me rewrite it", "Keep it: it's not patient data")
_MET = _labels("Not yet", "Once", "Twice or more")
_OWNER = _labels("Priya Shah (you)", "Tom Okafor", "Both of us")
_WHICH = _labels(
    "Thu 5 Mar, 10:00 with Tom Okafor (confirmed)", "Wed 18 Mar, 11:00 with Tom Okafor (confirmed)"
)


@pytest.mark.parametrize(
    ("typed", "choices", "picked"),
    [
        ("get rid of it", _GUARD, "Remove it and save"),
        ("take that out pls", _GUARD, "Remove it and save"),
        ("delete it", _GUARD, "Remove it and save"),
        ("i'd like to rephrase it", _GUARD, "Let me rewrite it"),
        ("leave it in", _GUARD, "Keep it: it's not patient data"),
        ("the one on the 18th", _WHICH, "Wed 18 Mar, 11:00 with Tom Okafor (confirmed)"),
        ("5th", _WHICH, "Thu 5 Mar, 10:00 with Tom Okafor (confirmed)"),
        ("the wednesday", _WHICH, "Wed 18 Mar, 11:00 with Tom Okafor (confirmed)"),
        ("only the one time", _MET, "Once"),
        ("3 times now", _MET, "Twice or more"),
        ("we've met two times", _MET, "Twice or more"),
        ("weve not met yet", _MET, "Not yet"),
        ("I'll take it", _OWNER, "Priya Shah (you)"),
        ("i will", _OWNER, "Priya Shah (you)"),
        ("mine", _OWNER, "Priya Shah (you)"),
        ("tom can do it", _OWNER, "Tom Okafor"),
        ("both of us", _OWNER, "Both of us"),
    ],
)
def test_an_option_is_picked_by_what_it_means(
    typed: str, choices: list[Choice], picked: str
) -> None:
    found = pick(typed, choices)
    assert found is not None
    assert found.label == picked


@pytest.mark.parametrize(
    ("typed", "choices"),
    [("the 20th", _WHICH), ("I'll think about it", _OWNER), ("once", _GUARD)],
)
def test_an_answer_naming_no_option_picks_none(typed: str, choices: list[Choice]) -> None:
    assert pick(typed, choices) is None
