"""The understanding benchmark's runner judges what happened, not what it was told.

``bench/understanding.py`` plays corpus cases through ``tests/corpus/world.play``. These tests
hold the runner to the corpus's conventions: a case understood is counted, a case whose outcome
differs is a miss with its reason, a question the person was meant to answer must be asked,
and the runner's automatic "yes" never answers the same question asked again (that would count
a reply the bot did not understand as understood)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import world
from tests.corpus.world import Case, Spoken, World, expect, new_meetings


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return world.template(tmp_path_factory.mktemp("corpus"))


def _spoken(say: str, then: tuple[str, ...] = ()) -> Spoken:
    return Spoken(
        id="t-1", group="0. test", role="mentee", clock="2026-03-02T09:00", say=say, then=then
    )


def _proposed(w: World) -> None:
    made = new_meetings(w, status="proposed")
    expect(len(made) == 1, f"{len(made)} new proposals, wanted 1")
    world.expect_meeting(made[0], "Thu 5 Mar 10:00", minutes=60, mode="video")
    expect(world.notified(w, "tom"), "Tom was not notified")


def test_a_booking_in_full_is_judged_by_what_was_stored(demo: Path, tmp_path: Path) -> None:
    outcome = world.play(
        _spoken("book a meeting with tom on thu 5 mar at 10:00 for 1 hour by video"),
        Case("t-1", _proposed),
        demo,
        tmp_path,
    )
    assert outcome.ok, outcome.reason
    # The runner answered the confirmation "yes", as the corpus allows.
    assert [turn.text for turn in outcome.transcript][-1] == "yes"


def test_an_outcome_that_differs_is_a_miss_with_its_reason(demo: Path, tmp_path: Path) -> None:
    outcome = world.play(
        _spoken("book a meeting with tom on fri 6 mar at 10:00 for 1 hour by video"),
        Case("t-1", _proposed),
        demo,
        tmp_path,
    )
    assert not outcome.ok
    assert outcome.reason == "meeting at Fri 6 Mar 10:00, wanted Thu 5 Mar 10:00"


def test_an_answer_the_bot_never_asked_for_is_a_miss(demo: Path, tmp_path: Path) -> None:
    outcome = world.play(
        _spoken("help", then=("half 1",)), Case("t-1", lambda w: None), demo, tmp_path
    )
    assert (outcome.ok, outcome.reason) == (False, "the bot did not ask for 'half 1'")


def _send_asked(w: World) -> None:
    w.say("priya", "book a meeting with tom on thu 5 mar at 10:00 for 1 hour by video")
    expect("send" in w.last().rendered.lower(), "set-up: no confirmation")


def test_the_same_question_again_is_never_answered_for_the_person(
    demo: Path, tmp_path: Path
) -> None:
    # Gibberish at "Shall I send it to Tom?" gets the question again: the runner must not then
    # answer it "yes" and count the booking as understood.
    outcome = world.play(_spoken("zxqv"), Case("t-1", _proposed, given=_send_asked), demo, tmp_path)
    assert not outcome.ok
    assert outcome.reason == "0 new proposals, wanted 1"
    assert [turn.text for turn in outcome.transcript] == ["zxqv"]


def test_nothing_changed_sees_a_message_to_someone_else(demo: Path, tmp_path: Path) -> None:
    outcome = world.play(
        _spoken("book a meeting with tom on thu 5 mar at 10:00 for 1 hour by video"),
        Case("t-1", world.nothing_changed),
        demo,
        tmp_path,
    )
    assert not outcome.ok
    assert "records changed in meeting" in outcome.reason or "sent to" in outcome.reason
