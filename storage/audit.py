"""The audit log: who read someone else's sensitive data, and who changed a route, a role or a
person's data, on which surface and when.

The log is append-only. A trigger on both databases refuses to change or delete a row
(migration ``0013_audit``); the one way to remove rows is :func:`purge` (retention) or an
anonymisation in :func:`permitted`, each in one transaction that leaves a row of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, or_
from sqlmodel import Session, col, select

from storage.models import AuditLog, AuditPermit

# Where an audit row names a person: its subject (``person:7``) or these keys of its detail.
PERSON_KEYS = ("person_id", "mentee_id", "mentor_id")
# A scheme channel read on the console (`mentorbot inbox --channel`, or the lead's own chat).
CHANNEL_READ = "channel_read"


def record(
    session: Session,
    action: str,
    subject: str,
    at: datetime,
    *,
    actor_id: int | None = None,
    surface: str | None = None,
    **detail: Any,
) -> AuditLog:
    """Add one row. ``surface``: where it happened (slack, teams, console, cli, server)."""
    if surface is not None:
        detail["surface"] = surface
    row = AuditLog(at=at, actor_id=actor_id, action=action, subject=subject, detail=detail)
    session.add(row)
    return row


def names_person(row: AuditLog, person_id: int) -> bool:
    """Whether the row is about the person (not only done by them)."""
    return row.subject == f"person:{person_id}" or any(
        row.detail.get(key) == person_id for key in PERSON_KEYS
    )


def by_or_about(session: Session, person_id: int) -> Any:
    """A filter for the rows a person did or that may be about them (check with
    :func:`names_person`: the detail is matched as text first)."""
    return or_(
        col(AuditLog.actor_id) == person_id,
        col(AuditLog.subject) == f"person:{person_id}",
        cast(col(AuditLog.detail), String).like(f"%{person_id}%"),
    )


def listing(
    session: Session, *, person_id: int | None = None, since: datetime | None = None
) -> list[AuditLog]:
    """The log, oldest first: everything, or what a person did or what was done about them."""
    query = select(AuditLog).order_by(col(AuditLog.at), col(AuditLog.id))
    if since is not None:
        query = query.where(col(AuditLog.at) >= since)
    if person_id is not None:
        query = query.where(by_or_about(session, person_id))
    rows = list(session.exec(query).all())
    if person_id is None:
        return rows
    return [r for r in rows if r.actor_id == person_id or names_person(r, person_id)]


@contextmanager
def permitted(session: Session, reason: str) -> Iterator[None]:
    """Let rows of the log be deleted or changed inside this block (and this transaction)."""
    permit = AuditPermit(reason=reason)
    session.add(permit)
    session.flush()
    try:
        yield
        session.flush()
    finally:
        session.delete(permit)
        session.flush()


def purge(session: Session, before: datetime) -> int:
    """Delete the rows older than ``before``: only retention calls this (``storage.retention``,
    whose run then leaves one row with its counts)."""
    with permitted(session, "retention"):
        result = session.execute(delete(AuditLog).where(col(AuditLog.at) < before))
    return int(getattr(result, "rowcount", 0) or 0)
