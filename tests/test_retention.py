"""Retention (issue 13, item 2): each scheme's schedule is applied by ``mentorbot retention``
and daily by ``serve``; what outlived it is gone, what did not is untouched, and each run
leaves one audit row with its counts. The demo cohort runs from four weeks ago for a year."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.scheduler import retain
from conversations.clock import Clock
from storage import audit
from storage.db import transaction
from storage.models import (
    AuditLog,
    Cohort,
    Concern,
    DialogState,
    DiaryEntry,
    Minutes,
    Outbox,
    ProcessedEvent,
    Scheme,
)
from storage.retention import APPLIED
from tests.conftest import NOW
from tests.test_cli import mentorbot
from tests.transcript import Chat

DAY = timedelta(days=1)


def _later(clock: Clock, days: int) -> Clock:
    return Clock.fixed((clock.now() + days * DAY).isoformat())


def _bodies(db: Engine) -> list[tuple[str, bool]]:
    with transaction(db) as session:
        rows = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
        return [(o.status, bool(o.parts)) for o in rows]


def _count(db: Engine, model: type) -> int:
    with transaction(db) as session:
        return len(session.exec(select(model)).all())


def _a_conversation(demo: Engine, clock: Clock) -> None:
    """Priya writes a diary entry, minutes and a concern; Tom starts a booking and leaves it."""
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("diary: a first reflection on chairing")
    priya.said("met tom today, we talked about budgets. actions: none. next: none")
    priya.said("save")
    priya.said("raise a concern")
    priya.said("1")
    priya.said("Tom keeps cancelling at the last minute")
    priya.said("send it")
    Chat(demo, clock, "mentor@example.org").said("book a meeting")


def test_message_bodies_and_drafts_go_after_30_days_and_not_before(
    demo: Engine, clock: Clock
) -> None:
    _a_conversation(demo, clock)
    assert _count(demo, DialogState) > 0
    sent_before = _bodies(demo)
    assert any(has for _, has in sent_before)

    retain(demo, _later(clock, 29), always=True)
    assert _bodies(demo) == sent_before
    assert _count(demo, DialogState) > 0

    purged = retain(demo, _later(clock, 31), always=True)
    assert purged.message_bodies > 0
    assert all(not has for status, has in _bodies(demo) if status != "pending")
    assert _count(demo, DialogState) == 0
    # The records themselves are kept while the cohort runs.
    assert _count(demo, DiaryEntry) == 1
    assert _count(demo, Minutes) == 1
    assert _count(demo, Concern) == 1


def test_records_go_a_year_after_the_cohort_ends_and_concerns_after_six(
    demo: Engine, clock: Clock
) -> None:
    _a_conversation(demo, clock)
    with transaction(demo) as session:
        cohort = session.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        ends_on = cohort.ends_on
    days_to = (ends_on - clock.now().date()).days

    retain(demo, _later(clock, days_to + 360), always=True)
    assert (_count(demo, DiaryEntry), _count(demo, Minutes)) == (1, 1)

    retain(demo, _later(clock, days_to + 370), always=True)
    assert (_count(demo, DiaryEntry), _count(demo, Minutes)) == (0, 0)
    assert _count(demo, Concern) == 1

    purged = retain(demo, _later(clock, days_to + 6 * 366 + 1), always=True)
    assert purged.concerns == 1
    assert _count(demo, Concern) == 0


def test_a_schemes_own_schedule_is_followed(demo: Engine, clock: Clock) -> None:
    with transaction(demo) as session:
        scheme = session.exec(select(Scheme)).one()
        scheme.settings = {**scheme.settings, "retention": {"messages_days": 7}}
        session.add(scheme)
    _a_conversation(demo, clock)
    purged = retain(demo, _later(clock, 8), always=True)
    assert purged.message_bodies > 0


def test_event_keys_go_after_a_week(demo: Engine, clock: Clock) -> None:
    with transaction(demo) as session:
        for days in (8, 6):
            session.add(
                ProcessedEvent(
                    platform="slack", event_id=f"Ev{days}", processed_at=clock.now() - days * DAY
                )
            )
    retain(demo, clock, always=True)
    with transaction(demo) as session:
        assert [e.event_id for e in session.exec(select(ProcessedEvent)).all()] == ["Ev6"]


def test_each_run_leaves_one_audit_row_and_serve_runs_it_once_a_day(
    demo: Engine, clock: Clock
) -> None:
    with transaction(demo) as session:
        # The demo's seeded reviews are audited: only what this test adds is looked at.
        loaded = set(session.exec(select(AuditLog.id)).all())
        audit.record(session, "report_shown", "cohort:1", clock.now() - 7 * 366 * DAY)
        audit.record(session, "report_shown", "cohort:1", clock.now() - 10 * DAY)
    purged = retain(demo, clock)
    assert purged.audit_rows == 1
    with transaction(demo) as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        rows = [r for r in rows if r.id not in loaded]
        assert [r.action for r in rows] == ["report_shown", APPLIED]
        assert rows[1].detail["audit_rows"] == 1
    # Not due again the same day; due a day later.
    retain(demo, _later(clock, 0))
    retain(demo, Clock.fixed((clock.now() + timedelta(hours=23)).isoformat()))
    assert _count_applied(demo) == 1
    retain(demo, _later(clock, 1))
    assert _count_applied(demo) == 2


def _count_applied(db: Engine) -> int:
    with transaction(db) as session:
        return len(session.exec(select(AuditLog).where(AuditLog.action == APPLIED)).all())


def test_the_retention_command_prints_one_summary_line(db_url: str) -> None:
    assert mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url).returncode == 0
    result = mentorbot("retention", "--now", NOW, db=db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Retention applied: removed 0 message bodies, ")
    assert len(result.stdout.splitlines()) == 1
