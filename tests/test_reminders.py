"""Pausing reminders: the sweep sends nothing to a paused person, and resumes after."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.nudges import sweep
from storage.db import transaction
from storage.models import Nudge, Outbox
from tests.transcript import Chat


def test_pause_until_a_date_and_resume(mentee: Chat) -> None:
    reply = mentee.said("pause reminders until 5 Jan")
    assert "no reminders from me until Tue 5 Jan 2027" in reply
    assert "Your reminders are on again" in mentee.said("resume reminders")
    assert "already on" in mentee.said("resume reminders")


def test_leave_pauses_reminders(mentee: Chat) -> None:
    assert "until Thu 3 Dec" in mentee.said("I'm on leave until 3 Dec")


def test_a_pause_needs_a_future_date(mentee: Chat) -> None:
    assert "Until when" in mentee.said("pause my reminders")
    assert "isn't in the future" in mentee.said("pause reminders until today")
    assert "There is no 31 February" in mentee.said("pause reminders until 31 Feb")


def _nudged(db: Engine, person_id: int) -> list[str]:
    with transaction(db) as s:
        rows = s.exec(
            select(Nudge.rule)
            .join(Outbox, Outbox.id == Nudge.outbox_id)  # type: ignore[arg-type]
            .where(Outbox.recipient_id == person_id)
        ).all()
    return list(rows)


def test_a_paused_person_is_not_nudged_until_the_pause_ends(mentee: Chat, demo: Engine) -> None:
    mentee.said("pause reminders until 30 Nov")
    sweep(demo, Clock.fixed("2026-11-23T10:00:00+00:00"))
    assert _nudged(demo, mentee.person_id) == []
    sweep(demo, Clock.fixed("2026-11-30T10:00:00+00:00"))
    # Once the pause is over, each rule's latest due stage arrives once: the four-week "book a
    # meeting" nudge, the contract's 7-day reminder and the networking event's 7-day reminder.
    assert sorted(_nudged(demo, mentee.person_id)) == [
        "contract_7d",
        "event_7d",
        "meeting_due_mentee",
    ]
    sweep(demo, Clock.fixed("2026-11-30T16:00:00+00:00"))
    assert len(_nudged(demo, mentee.person_id)) == 3


def test_after_downtime_the_sweep_catches_up_without_flooding(mentee: Chat, demo: Engine) -> None:
    # Nothing swept from Mon 23 Nov until Fri 4 Dec. The networking session (Thu 3 Dec) is over,
    # so its two reminders are obsolete; the contract's 7-day reminder is still useful, its
    # 2-day one not yet due; the pair still has not met.
    stats = sweep(demo, Clock.fixed("2026-12-04T10:00:00+00:00"))
    assert sorted(_nudged(demo, mentee.person_id)) == ["contract_7d", "meeting_due_mentee"]
    assert "event_7d" not in stats.by_rule
    assert "event_1d" not in stats.by_rule
    assert sweep(demo, Clock.fixed("2026-12-04T10:05:00+00:00")).created == 0


@pytest.mark.parametrize(
    "typed",
    [
        "i'm off 14-18 december, no reminders then pls",
        "on leave 14 to 18 dec so hold the reminders",
        "away from the 14th - 18th of december, pause reminders",
    ],
)
def test_days_of_one_month_said_as_a_range_pause_that_week(mentee: Chat, typed: str) -> None:
    reply = mentee.said(typed)
    assert "no reminders from me from Mon 14 Dec until Mon 21 Dec" in reply
