"""The project lead and steering group asking after alerts in their own words (corpus
section 10): typed text only, as on Slack and Teams."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Concern
from tests.transcript import Chat

PRIYA = "mentee@example.org"
TOM = "mentor@example.org"
MORGAN = "lead@example.org"
LEAH = "mentor3@example.org"


def _raise(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, PRIYA)
    priya.said("raise a concern")
    priya.said("3")  # my partner isn't responding
    priya.said("Tom hasn't answered anything for five weeks now.")
    assert "Sent to" in priya.said("send it")


def test_the_lead_asks_for_alerts_in_passing(demo: Engine, clock: Clock) -> None:
    _raise(demo, clock)
    said = Chat(demo, clock, MORGAN).said("hiya, got any new alerts for me?")
    assert "C1" in said
    assert "not yet acknowledged" in said
    assert "Priya Shah & Tom Okafor" in said
    assert "ack C1" in said
    assert "snooze C1" in said
    with transaction(demo) as s:
        row = s.get(Concern, 1)
        assert row is not None
        assert row.acknowledged_at is None


def test_someone_outside_the_steering_group_is_refused(demo: Engine, clock: Clock) -> None:
    _raise(demo, clock)
    said = Chat(demo, clock, TOM).said("list the open concerns please")
    assert "Only the project lead and the steering group" in said
    assert "C1" not in said


@pytest.mark.parametrize(
    "typed",
    [
        "snooze c1 till tomorrow 10am",
        # The alert, then when it is wanted again.
        "can you bring C1 back tomorrow at 10am",
        "pls nudge me about c1 tomorrow 10am",
    ],
)
def test_a_snooze_until_a_moment_said_in_words(demo: Engine, clock: Clock, typed: str) -> None:
    _raise(demo, clock)
    said = Chat(demo, clock, MORGAN).said(typed)
    assert "Snoozed C1 until" in said
    assert "10:00" in said
    with transaction(demo) as s:
        row = s.get(Concern, 1)
        assert row is not None
        assert row.snoozed_until is not None
        assert timedelta(hours=1) < row.snoozed_until - clock.now() <= timedelta(days=2)
        assert row.acknowledged_at is None


def test_the_chair_asking_whats_waiting_sees_decisions_by_reference(engine: Engine) -> None:
    """After the review window (the demo as the corpus loads it, on Mon 2 Mar 2026)."""
    from conversations.scheme_config import load_demo
    from tests.corpus.g10_lead import APPLICANT, with_the_chair
    from tests.corpus.world import DEMO_LOADED_AT, World, instant

    load_demo(engine, Clock.fixed(instant(DEMO_LOADED_AT)))
    w = World(engine, instant("2026-03-02T09:00"))
    with_the_chair(w)
    said = w.say("grace", "is there anything waiting for me").rendered
    assert "APP-0003 waits for your decision" in said
    assert "Strong leadership examples." in said
    assert "Not enough autonomy yet." in said
    assert "Would you like to decide now?" in said
    for secret in APPLICANT:
        assert secret not in said


def test_scheme_health_says_when_the_first_check_in_opens(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, MORGAN).said("how is the cohort getting on")
    assert "No check-in or evaluation has opened yet." in said
    assert "Next: the " in said
