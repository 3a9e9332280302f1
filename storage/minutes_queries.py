"""Reads of a pair's minutes, actions and meetings-to-minute, scoped to the person who asks.

Minutes and actions belong to the pair (DESIGN.md "Privacy by construction"): every function here
takes the id of the asking person and returns only rows of pairings that person is part of, as
mentee or mentor. Anyone else (another mentee, the project lead, the steering group) gets nothing.

Map:
- ``pairings_of``: the person's pairings (active only, or every one they were ever part of).
- ``open_actions``: open actions of the person's active pairings, in the stable order that
  "my actions" numbers them and "done 2" reads them (due date, undated last, then id).
- ``action_of``: one action by id, only when it belongs to one of the person's active pairings.
- ``minutes_page``: the person's minutes, newest first, a page at a time, with the total.
- ``minutes_of`` / ``latest_minutes``: one minutes record (by id, or the newest one when it is
  recent) with its pairing, only when that is one of the person's active pairings.
- ``actions_of_minutes``: the actions recorded with each of those minutes.
- ``meetings_to_minute``: a pairing's meetings that have started and have no minutes yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from storage.models import (
    ActionItem,
    Meeting,
    MeetingStatus,
    Minutes,
    Pairing,
    PairingStatus,
    Person,
)


def pairings_of(session: Session, person_id: int, *, active_only: bool = True) -> list[Pairing]:
    """The pairings the person is part of, oldest first."""
    query = select(Pairing).where(
        or_(col(Pairing.mentee_id) == person_id, col(Pairing.mentor_id) == person_id)
    )
    if active_only:
        query = query.where(Pairing.status == PairingStatus.ACTIVE.value)
    return list(session.exec(query.order_by(col(Pairing.started_at), col(Pairing.id))).all())


def _ids(pairings: Sequence[Pairing]) -> list[int]:
    return [p.id for p in pairings if p.id is not None]


def open_actions(session: Session, person_id: int) -> list[ActionItem]:
    """Open actions of the person's active pairings: soonest due first, undated last, then by id.

    The order is the numbering "my actions" shows and "done 2" reads, on SQLite and PostgreSQL
    alike (they sort NULLs differently, so undated actions are put last explicitly).
    """
    pairing_ids = _ids(pairings_of(session, person_id))
    if not pairing_ids:
        return []
    return list(
        session.exec(
            select(ActionItem)
            .where(col(ActionItem.pairing_id).in_(pairing_ids), col(ActionItem.done_at).is_(None))
            .order_by(col(ActionItem.due).is_(None), col(ActionItem.due), col(ActionItem.id))
        ).all()
    )


def actions_touched(session: Session, person_id: int) -> list[ActionItem]:
    """Every action of the person's active pairings, open or done, newest first."""
    pairing_ids = _ids(pairings_of(session, person_id))
    if not pairing_ids:
        return []
    rows = session.exec(
        select(ActionItem)
        .where(col(ActionItem.pairing_id).in_(pairing_ids))
        .order_by(col(ActionItem.id).desc())
    ).all()
    return sorted(rows, key=lambda a: max(a.created_at, a.done_at or a.created_at), reverse=True)


def minutes_written_since(session: Session, person_id: int, since: datetime) -> list[Minutes]:
    """Minutes the person saved at or after ``since``, newest first."""
    return list(
        session.exec(
            select(Minutes)
            .where(Minutes.author_id == person_id, col(Minutes.created_at) >= since)
            .order_by(col(Minutes.created_at).desc(), col(Minutes.id).desc())
        ).all()
    )


def action_of(session: Session, person_id: int, action_id: int) -> ActionItem | None:
    """One action, only if it belongs to one of the person's active pairings."""
    pairing_ids = _ids(pairings_of(session, person_id))
    if not pairing_ids:
        return None
    return session.exec(
        select(ActionItem).where(
            ActionItem.id == action_id, col(ActionItem.pairing_id).in_(pairing_ids)
        )
    ).first()


def minutes_page(
    session: Session, person_id: int, offset: int = 0, limit: int = 5
) -> tuple[list[Minutes], int]:
    """Minutes of every pairing the person was part of, newest meeting first, and the total."""
    pairing_ids = _ids(pairings_of(session, person_id, active_only=False))
    if not pairing_ids:
        return [], 0
    where = col(Minutes.pairing_id).in_(pairing_ids)
    total = session.exec(select(func.count()).select_from(Minutes).where(where)).one()
    rows = session.exec(
        select(Minutes)
        .where(where)
        .order_by(col(Minutes.held_on).desc(), col(Minutes.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def minutes_of(session: Session, person_id: int, minutes_id: int) -> tuple[Minutes, Pairing] | None:
    """One minutes record and its pairing, only if that is one of the person's active pairings."""
    minutes = session.get(Minutes, minutes_id)
    pairings = pairings_of(session, person_id) if minutes is not None else []
    pairing = next((p for p in pairings if minutes and p.id == minutes.pairing_id), None)
    return (minutes, pairing) if minutes is not None and pairing is not None else None


def latest_minutes(
    session: Session, person_id: int, held_since: date
) -> tuple[Minutes, Pairing] | None:
    """The person's newest minutes (as ``minutes_page`` orders them) and their pairing, when
    held on or after ``held_since`` and of one of the person's active pairings."""
    rows, _ = minutes_page(session, person_id, 0, 1)
    if not rows or rows[0].id is None or rows[0].held_on < held_since:
        return None
    return minutes_of(session, person_id, rows[0].id)


def actions_of_minutes(
    session: Session, person_id: int, minutes_ids: Sequence[int]
) -> dict[int, list[ActionItem]]:
    """The actions recorded with each of ``minutes_ids``, of the person's pairings only."""
    pairing_ids = _ids(pairings_of(session, person_id, active_only=False))
    if not pairing_ids or not minutes_ids:
        return {}
    rows = session.exec(
        select(ActionItem)
        .where(
            col(ActionItem.minutes_id).in_(list(minutes_ids)),
            col(ActionItem.pairing_id).in_(pairing_ids),
        )
        .order_by(col(ActionItem.id))
    ).all()
    result: dict[int, list[ActionItem]] = {}
    for action in rows:
        assert action.minutes_id is not None
        result.setdefault(action.minutes_id, []).append(action)
    return result


def meetings_to_minute(
    session: Session,
    person_id: int,
    pairing_id: int,
    now: datetime,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Meeting]:
    """Proposed, confirmed or held meetings of the pairing that started by ``now`` (and within
    [``since``, ``until``) when given) and have no minutes yet, most recent first.

    Empty unless ``person_id`` is part of the pairing."""
    if pairing_id not in _ids(pairings_of(session, person_id)):
        return []
    minuted = select(Minutes.meeting_id).where(col(Minutes.meeting_id).is_not(None))
    query = select(Meeting).where(
        Meeting.pairing_id == pairing_id,
        col(Meeting.status).in_(
            [MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value, MeetingStatus.HELD.value]
        ),
        col(Meeting.starts_at) <= now,
        col(Meeting.id).not_in(minuted),
    )
    if since is not None:
        query = query.where(col(Meeting.starts_at) >= since)
    if until is not None:
        query = query.where(col(Meeting.starts_at) < until)
    return list(session.exec(query.order_by(col(Meeting.starts_at).desc())).all())


def people_named(session: Session, text: str) -> set[int]:
    """Who in the scheme ``text`` names by full name ("the minutes for priya shah")."""
    said = f" {' '.join(text.lower().split())} "
    return {
        person.id
        for person in session.exec(select(Person))
        if person.id is not None
        and " " in person.display_name.strip()
        and f" {' '.join(person.display_name.lower().split())} " in said
    }
