"""Yes, no and choices typed at the bot's questions, as on Slack and Teams (every reply a new
turn of plain text): one vocabulary and one choices reader at every dialog's question."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.messages import Incoming
from storage.db import transaction
from storage.models import DiaryEntry, Meeting, Minutes
from tests.transcript import Chat

BOOKING = "book a meeting on Tuesday 3pm for an hour by video"


def typed(chat: Chat, text: str) -> str:
    return chat.send(Incoming(person_id=chat.person_id, text=text))


def _meetings(db: Engine) -> list[Meeting]:
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def _count(db: Engine, table: type[DiaryEntry] | type[Minutes]) -> int:
    with transaction(db) as session:
        return len(session.exec(select(table)).all())


@pytest.mark.parametrize("yes", ["yep", "yeah", "Yesss!", "aye", "sure", "sounds good", "👍",
                                 "go for it", "ok", "that works", "yes please", "go on then"])  # fmt: skip
def test_yes_in_any_words_sends_a_booking(mentee: Chat, yes: str) -> None:
    assert "Shall I send it to Tom?" in typed(mentee, BOOKING)
    assert "Sent to Tom Okafor" in typed(mentee, yes)
    assert [m.duration_minutes for m in _meetings(mentee.db)] == [60]


@pytest.mark.parametrize("no", ["nah", "nope", "no thanks", "not now", "hmm not sure"])
def test_no_or_unsure_never_sends_a_booking(mentee: Chat, no: str) -> None:
    typed(mentee, BOOKING)
    assert "Sent to" not in typed(mentee, no)
    assert _meetings(mentee.db) == []


def test_a_yes_with_a_change_is_never_sent_as_it_was(mentee: Chat) -> None:
    typed(mentee, BOOKING)
    reply = typed(mentee, "yes but make it 90 mins")
    assert all(m.duration_minutes != 60 for m in _meetings(mentee.db))
    assert "Sent to Tom Okafor" not in reply or "90" in reply


@pytest.mark.parametrize("drop", ["scrap that", "don't bother", "forget about it"])
def test_dropping_a_booking_in_other_words_clears_it(mentee: Chat, drop: str) -> None:
    typed(mentee, "book a meeting with tom on friday")
    reply = typed(mentee, drop)
    assert "Sent to" not in reply
    assert "What time" not in reply
    assert _meetings(mentee.db) == []
    assert "Sorry, I couldn't read" not in typed(mentee, "my actions")


@pytest.mark.parametrize("yes", ["yeah", "okay", "👍", "looks good", "save it"])
def test_yes_in_any_words_saves_a_diary_entry(mentee: Chat, yes: str) -> None:
    for line in ("diary", "yes", "Ran the huddle", "It went well", "Do it again"):
        typed(mentee, line)
    assert "Saved to your diary" in typed(mentee, yes)
    assert _count(mentee.db, DiaryEntry) == 1


def test_no_at_the_diary_question_asks_what_to_change_and_a_number_picks_it(
    mentee: Chat,
) -> None:
    for line in ("diary", "yes", "Ran the huddle", "It went well", "Do it again"):
        typed(mentee, line)
    assert "Which part would you like to change?" in typed(mentee, "nope")
    assert "*So what?*" in typed(mentee, "2")
    assert _count(mentee.db, DiaryEntry) == 0


def test_skip_in_its_own_words_leaves_a_diary_answer_out(mentee: Chat) -> None:
    typed(mentee, "diary")
    typed(mentee, "yes")  # the What? / So what? / Now what? prompts
    typed(mentee, "Ran the huddle")
    typed(mentee, "pass")
    assert "*So what:* (skipped)" in typed(mentee, "Do it again")


@pytest.mark.parametrize("yes", ["aye", "yep", "ok"])
def test_yes_in_any_words_cancels_a_meeting(mentee: Chat, yes: str) -> None:
    typed(mentee, BOOKING)
    typed(mentee, "yes")
    assert "Shall I cancel your meeting" in typed(mentee, "cancel the meeting on Tuesday")
    assert "Cancelled: your meeting with Tom Okafor" in typed(mentee, yes)
    assert [m.status for m in _meetings(mentee.db)] == ["cancelled"]


@pytest.mark.parametrize("no", ["no sorry misread", "nope", "keep it"])
def test_no_in_any_words_keeps_a_meeting(mentee: Chat, no: str) -> None:
    typed(mentee, BOOKING)
    typed(mentee, "yes")
    typed(mentee, "cancel the meeting on Tuesday")
    assert "I've left the meeting as it is" in typed(mentee, no)
    assert [m.status for m in _meetings(mentee.db)] != ["cancelled"]


def test_minutes_are_saved_with_a_thumbs_up(mentee: Chat) -> None:
    asked = typed(
        mentee, "met Tom today for an hour; discussed the rota; actions: I will draft it by 5 Dec"
    )
    assert "Shall I save these minutes?" in asked
    assert "Saved the minutes" in typed(mentee, "👍")
    assert _count(mentee.db, Minutes) == 1


@pytest.mark.parametrize(("said", "mode"), [("vidoe", "video"), ("in peson pls", "in_person"),
                                            ("3", "phone"), ("the video one", "video")])  # fmt: skip
def test_how_we_meet_is_picked_by_number_label_word_or_typo(
    mentee: Chat, said: str, mode: str
) -> None:
    assert "How will you meet?" in typed(mentee, "book a meeting on Tuesday 3pm for an hour")
    typed(mentee, said)
    typed(mentee, "yes")
    assert [m.mode for m in _meetings(mentee.db)] == [mode]


def test_the_patient_data_guard_takes_a_word_of_its_choice(mentee: Chat) -> None:
    for line in ("diary", "yes", "Saw Mr Jones, NHS number 943 476 5919, in clinic", "b", "c"):
        typed(mentee, line)
    assert "patient" in typed(mentee, "save")  # the guard asks before anything is saved
    assert "Which part would you like to change?" in typed(mentee, "rewrite")
    assert _count(mentee.db, DiaryEntry) == 0


def test_a_yes_with_nothing_waiting_is_told_so_kindly(mentee: Chat) -> None:
    reply = typed(mentee, "yup 👍")
    assert "There's nothing waiting for your answer just now" in reply
