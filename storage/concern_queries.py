"""Reads of concerns, scoped: a concern is seen by the person who raised it and by the project
lead and the steering group (chair, members, independent moderator) of its cohort: nobody else.

Someone on the steering group who is part of the pairing a concern is about (a mentor who also
sits on the steering group) does not see it: they are its subject, not its reader.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Concern, Membership, Pairing, Role

READER_ROLES = (
    Role.LEAD.value,
    Role.STEERING_CHAIR.value,
    Role.STEERING_MEMBER.value,
    Role.MODERATOR.value,
)


def concerns_visible_to(session: Session, viewer_id: int) -> list[Concern]:
    """The concerns ``viewer_id`` may read, oldest first."""
    reading_cohorts = set(
        session.exec(
            select(Membership.cohort_id).where(
                Membership.person_id == viewer_id, col(Membership.role).in_(READER_ROLES)
            )
        ).all()
    )
    own_pairings = set(
        session.exec(
            select(Pairing.id).where(
                or_(col(Pairing.mentee_id) == viewer_id, col(Pairing.mentor_id) == viewer_id)
            )
        ).all()
    )
    query = select(Concern).order_by(col(Concern.id))
    if reading_cohorts:
        query = query.where(
            or_(
                col(Concern.raised_by_id) == viewer_id,
                col(Concern.cohort_id).in_(reading_cohorts),
            )
        )
    else:
        query = query.where(Concern.raised_by_id == viewer_id)
    return [
        c
        for c in session.exec(query).all()
        if c.raised_by_id == viewer_id or c.pairing_id not in own_pairings
    ]


def concern_visible_to(session: Session, viewer_id: int, concern_id: int) -> Concern | None:
    """One concern, when ``viewer_id`` may read it."""
    return next((c for c in concerns_visible_to(session, viewer_id) if c.id == concern_id), None)
