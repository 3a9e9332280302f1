"""What operations people watch (``GET /readyz``, ``GET /metrics``): small, indexed queries
that return counts and ages, never anyone's name, address or words.

- :func:`oldest_due`: when the oldest outbox row that this process could deliver fell due;
- :func:`urgent_waiting`: urgent concerns whose lead-channel alert is not sent and whose second
  route has not reached anyone either;
- :func:`outbox_counts`: outbox rows by state and priority (due, failed and waiting, dead, sent);
- :func:`people_not_reachable`: people in a cohort that has not ended with no chat identity.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func
from sqlmodel import Session, col, select

from storage.models import ChannelIdentity, Cohort, Membership, Outbox, OutboxStatus, Person
from storage.outbox_queries import URGENT_PRIORITY, deliverable


def oldest_due(session: Session, now: datetime, platforms: Collection[str]) -> datetime | None:
    """When the oldest pending row that ``platforms`` can deliver fell due (``None``: none is
    due). Rows waiting for a console inbox are never claimed, so they are left out."""
    return session.exec(
        select(func.min(Outbox.next_attempt_at)).where(
            col(Outbox.status) == OutboxStatus.PENDING.value,
            col(Outbox.next_attempt_at) <= now,
            deliverable(session, platforms),
        )
    ).one()


def urgent_waiting(session: Session, written_before: datetime) -> int:
    """Urgent concerns written before ``written_before`` whose lead-channel alert is still
    pending and none of whose second-route messages has been sent (the urgent lane:
    ``outbox_queries.in_urgent_lane``)."""
    second = Outbox.__table__.alias("second")  # type: ignore[attr-defined]
    reached = exists().where(
        second.c.concern_id == col(Outbox.concern_id),
        second.c.recipient_id.is_not(None),
        second.c.priority <= URGENT_PRIORITY,
        second.c.status == OutboxStatus.SENT.value,
    )
    query = select(func.count(func.distinct(Outbox.concern_id))).where(
        col(Outbox.status) == OutboxStatus.PENDING.value,
        col(Outbox.priority) <= URGENT_PRIORITY,
        col(Outbox.concern_id).is_not(None),
        col(Outbox.channel).is_not(None),
        col(Outbox.created_at) < written_before,
        ~reached,
    )
    return int(session.exec(query).one())


@dataclass(frozen=True)
class OutboxCounts:
    """Rows by priority: ``due`` (pending, due now), ``failed`` (pending after a failed
    attempt, waiting to be tried again), ``dead`` (given up) and ``sent``."""

    due: dict[int, int]
    failed: dict[int, int]
    dead: dict[int, int]
    sent: dict[int, int]


def outbox_counts(session: Session, now: datetime) -> OutboxCounts:
    """Two grouped counts over the ``(status, priority, next_attempt_at)`` index: the pending
    rows (few), and the dead and sent ones by priority."""
    due: dict[int, int] = {}
    failed: dict[int, int] = {}
    pending = session.exec(
        select(
            Outbox.priority,
            func.sum(case((col(Outbox.next_attempt_at) <= now, 1), else_=0)),
            func.sum(case((col(Outbox.attempts) > 0, 1), else_=0)),
        )
        .where(col(Outbox.status) == OutboxStatus.PENDING.value)
        .group_by(col(Outbox.priority))
    ).all()
    for priority, due_now, retrying in pending:
        due[priority] = int(due_now or 0)
        failed[priority] = int(retrying or 0)
    dead: dict[int, int] = {}
    sent: dict[int, int] = {}
    done = session.exec(
        select(Outbox.status, Outbox.priority, func.count())
        .where(col(Outbox.status).in_([OutboxStatus.DEAD.value, OutboxStatus.SENT.value]))
        .group_by(col(Outbox.status), col(Outbox.priority))
    ).all()
    for status, priority, count in done:
        (dead if status == OutboxStatus.DEAD.value else sent)[priority] = int(count)
    return OutboxCounts(due=due, failed=failed, dead=dead, sent=sent)


def people_not_reachable(session: Session, today: date) -> int:
    """People (not erased) with a membership in a cohort that has not ended, and no chat
    identity on any platform. (A first measure: "how is this person reached" grows email and
    more; this counts only those with no chat identity at all.)"""
    query = (
        select(func.count(func.distinct(Membership.person_id)))
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(
            col(Cohort.ends_on) >= today,
            col(Person.erased_at).is_(None),
            ~exists().where(
                and_(
                    col(ChannelIdentity.person_id) == col(Membership.person_id),
                    col(ChannelIdentity.platform) != "console",
                )
            ),
        )
    )
    return int(session.exec(query).one())
