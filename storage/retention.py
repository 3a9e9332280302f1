"""Retention: what the bot holds is kept only as long as each scheme's schedule says
(``[scheme.retention]``; the defaults and their reasons are in ``docs/privacy.md``).

``mentorbot retention`` applies it once; ``mentorbot serve`` applies it once a day. Each run
leaves one audit row with its counts, and nothing else of what it removed.

Tables that no one scheme owns (the outbox, drafts, event keys, the audit log) follow the
strictest schedule among the schemes: the shortest for message bodies, drafts and event keys,
the longest for the audit log (it may be needed to answer for what happened).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from storage import audit
from storage.models import (
    ActionItem,
    AuditLog,
    Cohort,
    Concern,
    DialogState,
    DiaryEntry,
    Inbox,
    InboxStatus,
    Membership,
    Minutes,
    Outbox,
    OutboxStatus,
    Pairing,
    ProcessedEvent,
    Scheme,
)
from storage.scheme_settings import Retention, SchemeSettings

APPLIED = "retention_applied"
EVERY = timedelta(days=1)


@dataclass
class Purged:
    """What one run removed, by kind."""

    message_bodies: int = 0
    drafts: int = 0
    event_keys: int = 0
    diary_entries: int = 0
    minutes: int = 0
    actions: int = 0
    concerns: int = 0
    audit_rows: int = 0

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def summary(self) -> str:
        said = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.counts().items())
        return f"Retention applied: removed {said}."


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _schedules(session: Session) -> dict[int, Retention]:
    return {
        s.id: SchemeSettings.read(s.settings).retention
        for s in session.exec(select(Scheme)).all()
        if s.id is not None
    }


def _ended(session: Session, today: date, years: dict[int, int]) -> set[int]:
    """The cohorts whose end, plus their scheme's years (``years`` by scheme), has passed."""
    return {
        c.id
        for c in session.exec(select(Cohort)).all()
        if c.id is not None and _years_after(c.ends_on, years.get(c.scheme_id, 0)) < today
    }


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _deleted(session: Session, model: Any, column: Any, ids: Iterable[int]) -> int:
    total = 0
    for batch in _chunks(ids):
        result = session.execute(delete(model).where(col(column).in_(batch)))
        total += int(getattr(result, "rowcount", 0) or 0)
    return total


def apply(session: Session, now: datetime) -> Purged:
    """Remove what has outlived its schedule, and record the run's counts in the audit log."""
    schedules = _schedules(session)
    strictest = list(schedules.values()) or [Retention()]
    purged = Purged()
    today = now.date()

    # Message bodies: the row stays (the silence rule counts messages sent), its words go.
    before = now - timedelta(days=min(r.messages_days for r in strictest))
    done = (OutboxStatus.SENT.value, OutboxStatus.DEAD.value, OutboxStatus.OBSOLETE.value)
    spent = [
        o.id
        for o in session.exec(
            select(Outbox).where(
                col(Outbox.status).in_(done),
                or_(col(Outbox.sent_at) < before, col(Outbox.created_at) < before),
            )
        ).all()
        if o.id is not None and (o.parts or o.preview)
    ]
    for batch in _chunks(spent):
        session.execute(
            update(Outbox).where(col(Outbox.id).in_(batch)).values(parts=[], preview="")
        )
    purged.message_bodies = len(spent)

    stale = now - timedelta(days=min(r.drafts_days for r in strictest))
    result = session.execute(delete(DialogState).where(col(DialogState.updated_at) < stale))
    purged.drafts = int(getattr(result, "rowcount", 0) or 0)

    keys = now - timedelta(days=min(r.event_keys_days for r in strictest))
    result = session.execute(delete(ProcessedEvent).where(col(ProcessedEvent.processed_at) < keys))
    handled = session.execute(
        delete(Inbox).where(
            col(Inbox.status) == InboxStatus.DONE.value, col(Inbox.received_at) < keys
        )
    )
    purged.event_keys = int(getattr(result, "rowcount", 0) or 0) + int(
        getattr(handled, "rowcount", 0) or 0
    )

    # Diary entries, minutes and actions: a year (by default) after the cohort ended. A diary
    # is its writer's: kept while any cohort of theirs is running or within its years.
    records = _ended(session, today, {i: r.records_years for i, r in schedules.items()})
    pairings = [
        p.id
        for p in session.exec(select(Pairing).where(col(Pairing.cohort_id).in_(records))).all()
        if p.id is not None
    ]
    purged.actions = _deleted(session, ActionItem, ActionItem.pairing_id, pairings)
    purged.minutes = _deleted(session, Minutes, Minutes.pairing_id, pairings)
    cohorts_of: dict[int, set[int]] = {}
    for m in session.exec(select(Membership)).all():
        cohorts_of.setdefault(m.person_id, set()).add(m.cohort_id)
    writers = [p for p, cohorts in cohorts_of.items() if cohorts and cohorts <= records]
    purged.diary_entries = _deleted(session, DiaryEntry, DiaryEntry.author_id, writers)

    concerns = _ended(session, today, {i: r.concerns_years for i, r in schedules.items()})
    purged.concerns = _deleted(session, Concern, Concern.cohort_id, concerns)

    oldest = now - timedelta(days=365 * max(r.audit_years for r in strictest))
    purged.audit_rows = audit.purge(session, before=oldest)

    audit.record(session, APPLIED, "retention", now, surface="retention", **purged.counts())
    return purged


def due(session: Session, now: datetime) -> bool:
    """Whether a day has passed since the last run (``mentorbot serve`` runs it daily)."""
    last = session.exec(
        select(AuditLog.at).where(AuditLog.action == APPLIED).order_by(col(AuditLog.at).desc())
    ).first()
    return last is None or now - last >= EVERY
