"""The dialog kit's shared steps, through a dialog built from it (the guided diary): typed
answers in people's own words at the confirmation and at "which part", one vocabulary for skip,
and the typed state checked on load."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.dialogs.diary import DiaryState, GuidedDiary
from storage.db import transaction
from storage.models import DiaryEntry
from tests.transcript import Chat


def _entries(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as session:
        return list(session.exec(select(DiaryEntry)).all())


def _three_answers(mentee: Chat) -> str:
    mentee.said("diary")
    mentee.said("yes")  # the What? / So what? / Now what? prompts
    mentee.said("The rota meeting went badly")
    mentee.said("I spoke too fast")
    return mentee.said("Slow down and ask questions")


@pytest.mark.parametrize("yes", ["yep", "yeah go on", "sounds good", "👍", "ok save it"])
def test_a_guided_entry_is_saved_on_a_yes_in_own_words(
    demo: Engine, mentee: Chat, yes: str
) -> None:
    asked = _three_answers(mentee)
    assert "Shall I save it?" in asked
    mentee.restart()  # a new turn in a new process, as on Slack or Teams
    saved = mentee.said(yes)
    assert "Saved to your diary" in saved
    [entry] = _entries(demo)
    assert (entry.what_happened, entry.so_what, entry.now_what) == (
        "The rota meeting went badly",
        "I spoke too fast",
        "Slow down and ask questions",
    )


def test_no_at_the_confirmation_asks_which_part_and_a_typo_picks_it(
    demo: Engine, mentee: Chat
) -> None:
    _three_answers(mentee)
    assert "Which part would you like to change?" in mentee.said("nah")
    asked = mentee.said("so wat")  # a typo of the label
    assert "You wrote: I spoke too fast" in asked
    assert "*So what?*" in asked
    again = mentee.said("I rushed and didn't listen")
    assert "I rushed and didn't listen" in again
    assert "Shall I save it?" in again
    mentee.said("save")
    [entry] = _entries(demo)
    assert entry.so_what == "I rushed and didn't listen"
    assert entry.now_what == "Slow down and ask questions"


def test_naming_a_part_at_the_confirmation_goes_straight_to_it(demo: Engine, mentee: Chat) -> None:
    _three_answers(mentee)
    asked = mentee.said("change the now what")
    assert "*Now what?*" in asked


def test_a_yes_but_a_change_at_the_confirmation_changes_it_and_saves_nothing_yet(
    demo: Engine, mentee: Chat
) -> None:
    _three_answers(mentee)
    mentee.restart()
    shown = mentee.said("yes but change the now what to Pause before I answer")
    assert "Pause before I answer" in shown
    assert "Shall I save it?" in shown
    assert _entries(demo) == []
    mentee.said("save")
    [entry] = _entries(demo)
    assert entry.now_what == "Pause before I answer"


@pytest.mark.parametrize("skip", ["skip", "pass", "none", "nothing really"])
def test_skip_in_own_words_leaves_an_answer_out(demo: Engine, mentee: Chat, skip: str) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the What? / So what? / Now what? prompts
    mentee.said("A hard handover")
    mentee.said(skip)
    mentee.said("Write it down next time")
    assert "Saved to your diary" in mentee.said("yes")
    [entry] = _entries(demo)
    assert entry.so_what == ""


def test_something_else_at_the_confirmation_is_asked_again_and_nothing_saved(
    demo: Engine, mentee: Chat
) -> None:
    _three_answers(mentee)
    again = mentee.said("purple elephants")
    assert "Please choose *Save* or *Change something*" in again
    assert _entries(demo) == []


def test_a_saved_state_that_does_not_fit_the_model_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        GuidedDiary().load({"step": "confirm", "answers": {"what_happened": "old shape"}})
    assert GuidedDiary().load({"step": "confirm", "values": {"so_what": "x"}}) == DiaryState(
        step="confirm", values={"so_what": "x"}
    )
