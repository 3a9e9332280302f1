"""The inbox as a work queue: incoming platform events stored before they are acknowledged.

- :func:`store`: keep one event, leased to the worker that received it; False when its key is
  already there (a redelivery: the unique key decides, not a check in Python);
- :func:`close`: the event's work is done (also called by ``queries.record_event``, so a dialog
  turn closes its event in its own transaction); the stored body is emptied;
- :func:`record_failure`: an attempt failed; the row waits (back-off) or, after the last
  attempt, is ``dead``;
- :func:`claim`: due rows nobody holds, leased to one worker (``FOR UPDATE SKIP LOCKED`` on
  PostgreSQL, as in ``outbox_queries.claim``);
- :func:`release_workers`: give back the rows of workers that no longer run (a restart);
- :func:`prune`: forget rows done long ago.

Times here are the worker's wall clock (leases and back-off are about processes, not the
scheme's calendar), passed in by the caller.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, update
from sqlmodel import Session, col, select

from storage.db import insert_new
from storage.models import Inbox, InboxStatus
from storage.outbox_queries import backoff, lease_free, lease_rows

_ERROR_CHARS = 500


def _pending(platform: str, key: str) -> ColumnElement[bool]:
    return and_(
        col(Inbox.platform) == platform,
        col(Inbox.event_key) == key,
        col(Inbox.status) == InboxStatus.PENDING.value,
    )


def store(
    session: Session | Connection,
    platform: str,
    key: str,
    body: dict[str, Any],
    now: datetime,
    worker: str | None,
    lease: timedelta,
) -> bool:
    """Keep the event ``key`` with its ``body``, leased to ``worker`` (which handles it now),
    or to nobody (``worker`` None: the first worker to claim it); False when the key is already
    in the inbox."""
    values = {
        "platform": platform,
        "event_key": key[:256],
        "body": body,
        "status": InboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "claimed_by": worker,
        "lease_until": now + lease if worker is not None else None,
        "received_at": now,
    }
    return insert_new(session, Inbox.__table__, values)  # type: ignore[attr-defined]


def close(session: Session, platform: str, key: str, now: datetime) -> bool:
    """Mark the pending event done and empty its body; False when it was not pending."""
    result = session.exec(
        update(Inbox)
        .where(_pending(platform, key[:256]))
        .values(
            status=InboxStatus.DONE.value,
            body={},
            done_at=now,
            claimed_by=None,
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def is_pending(session: Session, platform: str, key: str) -> bool:
    return session.exec(select(Inbox.id).where(_pending(platform, key[:256]))).first() is not None


def record_failure(
    session: Session,
    platform: str,
    key: str,
    now: datetime,
    error: str,
    max_attempts: int,
    *,
    base: timedelta,
    cap: timedelta,
    rng: random.Random | None = None,
) -> Inbox | None:
    """Count a failed attempt: the row waits a back-off (``base`` doubling, up to ``cap``), or
    is ``dead`` after ``max_attempts``. None when the row is no longer pending."""
    row = session.exec(
        select(Inbox)
        .where(_pending(platform, key[:256]))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    row.attempts += 1
    row.last_error = error[:_ERROR_CHARS]
    row.claimed_by = None
    row.lease_until = None
    if row.attempts >= max_attempts:
        row.status = InboxStatus.DEAD.value
    else:
        row.next_attempt_at = now + backoff(row.attempts, rng, base=base, cap=cap)
    session.add(row)
    session.flush()
    return row


def claim(
    session: Session, platform: str, worker: str, now: datetime, limit: int, lease: timedelta
) -> list[Inbox]:
    """Lease up to ``limit`` due rows that no live lease holds to ``worker``, oldest first."""
    order = (col(Inbox.next_attempt_at), col(Inbox.id))
    ids = session.exec(
        select(Inbox.id)
        .where(
            col(Inbox.platform) == platform,
            col(Inbox.status) == InboxStatus.PENDING.value,
            col(Inbox.next_attempt_at) <= now,
            lease_free(Inbox, now),
        )
        .order_by(*order)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not ids:
        return []
    return lease_rows(session, Inbox, ids, worker, now, lease, order)


def release_workers(
    session: Session, platform: str, prefix: str, gone: Callable[[str], bool]
) -> int:
    """Give back the pending rows held by workers whose name starts with ``prefix`` (this
    machine) and that ``gone`` says no longer run; returns how many."""
    holders: Sequence[str | None] = session.exec(
        select(Inbox.claimed_by)
        .where(
            col(Inbox.platform) == platform,
            col(Inbox.status) == InboxStatus.PENDING.value,
            col(Inbox.claimed_by).startswith(prefix, autoescape=True),
        )
        .distinct()
    ).all()
    dead = [holder for holder in holders if holder and gone(holder)]
    if not dead:
        return 0
    result = session.exec(
        update(Inbox)
        .where(
            col(Inbox.platform) == platform,
            col(Inbox.status) == InboxStatus.PENDING.value,
            col(Inbox.claimed_by).in_(dead),
        )
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def prune(session: Session, before: datetime) -> int:
    """Forget done rows received before ``before`` (redeliveries come within minutes)."""
    result = session.exec(
        delete(Inbox)
        .where(col(Inbox.status) == InboxStatus.DONE.value, col(Inbox.received_at) < before)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
