"""Keeps ``Pairing.last_contact_at`` right: after any flush that adds, changes or deletes a
meeting, the pair's value is recomputed from its meetings (the latest held or confirmed
meeting's start, or the pairing's own start). New pairings start at their ``started_at``.

Installed once on SQLModel's ``Session`` class by importing ``storage.db``, so no code path that
goes through the ORM can forget it; bulk inserts that bypass the ORM set the column themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import col

from storage.models import Meeting, MeetingStatus, Pairing

_COUNTS = (MeetingStatus.HELD.value, MeetingStatus.CONFIRMED.value)


def last_contact_expression() -> Any:
    latest = (
        select(func.max(col(Meeting.starts_at)))
        .where(
            col(Meeting.pairing_id) == col(Pairing.id),
            col(Meeting.status).in_(_COUNTS),
            col(Meeting.starts_at) > col(Pairing.started_at),
        )
        .scalar_subquery()
    )
    return func.coalesce(latest, col(Pairing.started_at))


def _touched_pairings(session: OrmSession) -> set[int]:
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Meeting) and obj.pairing_id is not None:
            touched.add(obj.pairing_id)
    return touched


@event.listens_for(OrmSession, "before_flush")
def _remember(session: OrmSession, _context: Any, _instances: Any) -> None:
    pending = session.info.setdefault("mentorbot_meetings_touched", set())
    pending |= _touched_pairings(session)
    for obj in session.new:
        if isinstance(obj, Pairing) and obj.last_contact_at is None:
            obj.last_contact_at = obj.started_at


@event.listens_for(OrmSession, "after_flush")
def _refresh(session: OrmSession, _context: Any) -> None:
    pairing_ids = session.info.pop("mentorbot_meetings_touched", set())
    if not pairing_ids:
        return
    session.connection().execute(
        update(Pairing)
        .where(col(Pairing.id).in_(sorted(pairing_ids)))
        .values(last_contact_at=last_contact_expression())
        .execution_options(synchronize_session=False)
    )
    # Loaded pairings would otherwise show the value from before this flush.
    for obj in session.identity_map.values():
        if isinstance(obj, Pairing) and obj.id in pairing_ids:
            session.expire(obj, ["last_contact_at"])
