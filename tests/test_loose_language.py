"""Requests said loosely (issue 12, generalisation): a bare noun phrase as a question, what to
do next asked as a duty, the lead marking an alert, ... Each through the engine, in words of
our own, with a near miss that must not be read the same way."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.scheme_config import load_demo
from storage.db import transaction
from storage.models import AuditLog, Concern
from tests.corpus.world import DEMO_LOADED_AT, World, instant
from tests.transcript import Chat

PRIYA = "mentee@example.org"
MORGAN = "lead@example.org"


@pytest.fixture
def world(engine: Engine) -> World:
    """The demo as the corpus loads it, on Mon 2 Mar 2026 at 09:00."""
    load_demo(engine, Clock.fixed(instant(DEMO_LOADED_AT)))
    return World(engine, instant("2026-03-02T09:00"))


# --- A scheme date asked for by its name alone --------------------------------------------------


@pytest.mark.parametrize("typed", ["agreement signing deadline?", "the contract cut-off pls"])
def test_a_deadline_named_alone_is_answered_not_started(world: World, typed: str) -> None:
    said = world.say("priya", typed).rendered
    assert "Mon 16 Mar" in said
    assert "copy goes to the project team" in said
    assert not world.waiting("priya")  # nothing is started: no contract question waits


def test_the_contract_asked_for_with_a_deadline_in_it_is_still_started(world: World) -> None:
    said = world.say("priya", "sign the agreement before the deadline").rendered
    assert "Let's agree your mentoring contract" in said


def test_an_event_date_named_alone_says_when_it_is(world: World) -> None:
    said = world.say("priya", "the networking event date pls?").rendered
    assert "networking" in said.lower()
    assert "Thu 12 Mar" in said


# --- What to do next, asked as a duty ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["what ought i to be working on this week?", "anything outstanding for me?"]
)
def test_what_to_do_next_asked_as_a_duty_gives_the_to_do_list(world: World, typed: str) -> None:
    said = world.say("priya", typed).rendered
    assert "Mon 16 Mar" in said  # the contract is due
    assert "Sorry" not in said


def test_what_to_do_in_a_meeting_is_not_the_to_do_list(world: World) -> None:
    said = world.say("priya", "what should i be doing in the meeting with tom").rendered
    assert "Mon 16 Mar" not in said


def test_a_greeting_that_starts_like_hi_is_taken_off_whole(world: World) -> None:
    """ "hiya" is a greeting, not "hi" before "ya, ..."."""
    from tests.corpus.g10_lead import with_the_chair

    with_the_chair(world)
    said = world.say("grace", "heya, got anything for me to review?").rendered
    assert "APP-0003 waits for your decision" in said


# --- The lead marking an alert -----------------------------------------------------------------


def _raise(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, PRIYA)
    priya.said("raise a concern")
    priya.said("3")  # my partner isn't responding
    priya.said("Tom hasn't answered anything for five weeks now.")
    assert "Sent to" in priya.said("send it")


def test_the_lead_marks_an_alert_acknowledged(demo: Engine, clock: Clock) -> None:
    _raise(demo, clock)
    Chat(demo, clock, MORGAN).said("please mark C1 as acknowledged")
    with transaction(demo) as s:
        row = s.get(Concern, 1)
        assert row is not None
        assert row.acknowledged_at is not None
        assert row.status != "resolved"


def test_the_lead_marks_an_alert_resolved_with_a_note_in_brackets(
    demo: Engine, clock: Clock
) -> None:
    _raise(demo, clock)
    said = Chat(demo, clock, MORGAN).said("marking c1 resolved [phoned both, all fine now]")
    assert said.startswith("Resolved C1.")
    with transaction(demo) as s:
        row = s.get(Concern, 1)
        note = s.exec(select(AuditLog).where(AuditLog.action == "resolved")).one()
        assert row is not None
        assert row.status == "resolved"
    assert note.detail["note"] == "phoned both, all fine now"


def test_marking_something_else_is_not_an_action_on_an_alert(demo: Engine, clock: Clock) -> None:
    _raise(demo, clock)
    Chat(demo, clock, MORGAN).said("mark c1 on the rota as a late")
    with transaction(demo) as s:
        row = s.get(Concern, 1)
        assert row is not None
        assert row.acknowledged_at is None
        assert row.status != "resolved"


# --- The diary: an entry named first, what to do with it after ---------------------------------


def _two_entries(w: World) -> None:
    from tests.corpus.setup import diary

    diary(w, "priya", "2026-02-26", "Budget meeting left me drained.")
    diary(w, "priya", "2026-03-01", "Handover chaos, nobody read the new checklist.")


def test_an_entry_named_then_binned_is_shown_and_deleted_only_after_yes(world: World) -> None:
    _two_entries(world)
    asked = world.say("priya", "my newest journal entry is wrong, could you bin it?")
    assert "Handover chaos" in asked.rendered
    assert asked.questions  # asks first
    assert len(world.rows("diary_entry", author_id=world.ids["priya"])) == 2
    world.say("priya", "yes")
    left = [r["text"] for r in world.rows("diary_entry", author_id=world.ids["priya"])]
    assert left == ["Budget meeting left me drained."]


def test_an_entry_named_with_do_not_delete_deletes_nothing(world: World) -> None:
    _two_entries(world)
    said = world.say("priya", "my newest entry was grim but please don't delete it").rendered
    assert "Handover chaos" not in said
    world.say("priya", "yes")
    assert len(world.rows("diary_entry", author_id=world.ids["priya"])) == 2


def test_an_entry_named_then_shared_reaches_the_partner_alone(world: World) -> None:
    _two_entries(world)
    world.mark()
    asked = world.say(
        "priya", "keen for tom's view on my latest entry - could i share it with him?"
    )
    assert "Handover chaos" in asked.rendered
    assert asked.questions  # asks first: nothing reaches Tom yet
    assert not world.sent("tom")
    world.say("priya", "yes")
    to_tom = " ".join(str(r["parts"]) for r in world.sent("tom"))
    assert "Handover chaos" in to_tom
    assert "Budget meeting" not in to_tom


def test_an_entry_named_with_dont_share_is_never_sent(world: World) -> None:
    _two_entries(world)
    world.mark()
    world.say("priya", "my latest entry is just for me, dont share it with tom")
    world.say("priya", "yes")
    to_tom = " ".join(str(r["parts"]) for r in world.sent("tom"))
    assert "Handover chaos" not in to_tom


def test_a_search_for_a_word_shows_only_the_entries_with_it(world: World) -> None:
    _two_entries(world)
    said = world.say("priya", "look through my journal for the checklist pls").rendered
    assert "Handover chaos" in said
    assert "Budget meeting" not in said


def test_a_note_for_a_day_in_brackets_is_dated_that_day(world: World) -> None:
    world.say("priya", "journal entry (for thursday): nervous before the panel but it went ok")
    rows = world.rows("diary_entry", author_id=world.ids["priya"])
    assert [str(r["written_on"]) for r in rows] == ["2026-02-26"]
    assert "nervous before the panel" in rows[0]["text"]


# --- Concerns: asked about in the abstract, or hinted at ----------------------------------------


def test_a_concern_that_may_never_happen_is_told_the_way_and_nothing_is_stored(
    world: World,
) -> None:
    world.mark()
    said = world.say(
        "priya", "suppose there was an issue with tom one day, how do i flag it?"
    ).rendered
    assert "privately" in said
    assert "Tom is never told what it says" in said
    assert not world.rows("concern")
    assert not world.sent("tom")


def test_a_question_with_if_about_something_else_is_not_the_concern_path(world: World) -> None:
    said = world.say("priya", "if the room is taken how would i book another one").rendered
    assert "concern" not in said.lower()


def test_something_for_the_project_team_to_know_opens_the_concern_path(world: World) -> None:
    world.mark()
    said = world.say("priya", "i'd like the project lead to be aware of something, privately")
    assert "concern" in said.rendered.lower()
    assert said.questions  # asks what it is about: nothing is sent yet
    assert not world.rows("concern")
    assert not world.sent("tom")


def test_something_for_the_partner_to_know_is_not_a_concern(world: World) -> None:
    said = world.say("priya", "i want tom to know im running 10 mins late").rendered
    assert "concern" not in said.lower()
    assert not world.rows("concern")


# --- One action added under an "add" / "new" head ----------------------------------------------


def _actions(w: World) -> list[dict[str, object]]:
    return [r for r in w.rows("action_item")]


def test_a_new_action_named_as_a_noun_phrase_is_the_writers_own(world: World) -> None:
    from tests.corpus.setup import held

    held(world)
    meetings = len(world.rows("meeting"))
    shown = world.say("priya", "new action - budget paper rewrite by fri").rendered
    assert "Budget paper rewrite: you, due Fri 6 Mar" in shown  # shown before it is saved
    assert not _actions(world)
    world.say("priya", "save")
    rows = _actions(world)
    assert len(rows) == 1
    assert "budget paper" in str(rows[0]["text"]).lower()
    assert rows[0]["owner_id"] == world.ids["priya"]
    assert str(rows[0]["due"]) == "2026-03-06"
    assert len(world.rows("meeting")) == meetings  # "by fri" books nothing


def test_an_action_added_for_me_is_mine(world: World) -> None:
    from tests.corpus.setup import held

    held(world)
    shown = world.say("priya", "add action for me: chase estates re the room, by thurs").rendered
    assert "Who will do" not in shown
    world.say("priya", "save")
    rows = _actions(world)
    assert len(rows) == 1
    assert "estates" in str(rows[0]["text"]).lower()
    assert rows[0]["owner_id"] == world.ids["priya"]


def test_a_new_action_for_nobody_in_particular_is_not_given_to_the_writer(world: World) -> None:
    from tests.corpus.setup import held

    held(world)
    said = world.say("priya", "new action: someone to book the room for the away day").rendered
    assert "Who will do" in said
    assert not _actions(world)


# --- Time away until a named break -------------------------------------------------------------


def test_a_pause_until_a_break_is_over_lasts_the_whole_break(world: World) -> None:
    said = world.say("priya", "no reminders for me till christmas is done pls").rendered
    assert "Mon 28 Dec" in said  # Boxing Day is a Saturday in 2026: back the Monday after
    (me,) = world.rows("person", id=world.ids["priya"])
    assert me["paused_until"] is not None
    assert str(me["paused_until"]).startswith("2026-12-28")


def test_a_pause_until_a_break_that_cannot_be_dated_asks_rather_than_guesses(
    world: World,
) -> None:
    said = world.say("priya", "pause reminders until half term is over").rendered
    assert "Until when" in said
    (me,) = world.rows("person", id=world.ids["priya"])
    assert me["paused_until"] is None


# --- A bare noun phrase with a question mark asks for that thing -------------------------------


def test_a_bare_question_for_the_partner_says_who_they_are(world: World) -> None:
    said = world.say("tom", "my mentee?").rendered
    assert "Priya" in said


def test_a_bare_question_for_next_steps_gives_the_to_do_list(world: World) -> None:
    said = world.say("priya", "next steps?").rendered
    assert "Mon 16 Mar" in said  # the contract is due
    assert "Sorry" not in said


def test_a_worry_said_with_a_question_mark_is_not_taken_for_a_name(world: World) -> None:
    world.mark()
    said = world.say("priya", "my mentor ghosting me again?")
    assert "when did you last hear from Tom" in said.rendered  # the concern path asks
    assert not world.sent("tom")


def test_a_sentence_about_next_steps_is_not_the_to_do_list(world: World) -> None:
    said = world.say("priya", "next steps for the rota are a mess, any advice?").rendered
    assert "Mon 16 Mar" not in said


# --- The pair itself not working ---------------------------------------------------------------


def test_the_pair_not_working_out_is_a_relationship_concern_sent_to_nobody_yet(
    world: World,
) -> None:
    world.mark()
    said = world.say("priya", "honestly me and tom just aren't working out").rendered
    assert "no-fault" in said.lower()
    assert not world.rows("concern")  # nothing is stored until she says so
    assert not world.sent("tom")


def test_not_working_on_a_day_is_not_a_relationship_concern(world: World) -> None:
    world.mark()
    said = world.say("priya", "tom and i aren't working tomorrow, it's a training day").rendered
    assert "no-fault" not in said.lower()
    assert not world.rows("concern")
