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
