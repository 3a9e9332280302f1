"""Reads of concerns, scoped by the one rule in ``storage.access``: a concern is seen by the
person who raised it and by the project lead and the steering group (chair, members,
independent moderator) of its cohort: nobody else.

Someone on the steering group who is part of the pairing a concern is about (a mentor who also
sits on the steering group) does not see it: they are its subject, not its reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from storage.access import ConcernAction, concern_for, concerns_for
from storage.models import Cohort, Concern, Membership, Role, Scheme


def concerns_visible_to(session: Session, viewer_id: int) -> list[Concern]:
    """The concerns ``viewer_id`` may read, oldest first."""
    return concerns_for(session, viewer_id, ConcernAction.READ)


def concern_visible_to(session: Session, viewer_id: int, concern_id: int) -> Concern | None:
    """One concern, when ``viewer_id`` may read it."""
    return concern_for(session, viewer_id, concern_id, ConcernAction.READ)


def concerns_raised_by(session: Session, person_id: int) -> list[Concern]:
    """The concerns ``person_id`` raised (and may still read), oldest first."""
    return [c for c in concerns_visible_to(session, person_id) if c.raised_by_id == person_id]


def open_concerns_for(session: Session, person_id: int) -> list[Concern]:
    """The unresolved concerns ``person_id`` may act on, oldest first."""
    return [c for c in concerns_for(session, person_id, ConcernAction.ACK) if c.resolved_at is None]


@dataclass(frozen=True)
class AlertFacts:
    """What an urgent concern's second route may say (reference, category, cohort, never text
    or raiser) and to whom: the cohort's lead and steering chair, unless they are its subject
    (then its moderator, else its steering members)."""

    concern_id: int
    category: str
    urgent: bool
    cohort: str
    scheme_id: int
    lead_channel: str
    channels: dict[str, Any]
    readers: tuple[int, ...]


def alert_facts(session: Session, concern_id: int) -> AlertFacts | None:
    """The facts of one concern for its second route; ``None`` when it no longer exists."""
    found = session.exec(
        select(Concern, Cohort, Scheme)
        .join(Cohort, col(Cohort.id) == col(Concern.cohort_id))
        .join(Scheme, col(Scheme.id) == col(Cohort.scheme_id))
        .where(col(Concern.id) == concern_id)
    ).first()
    if found is None:
        return None
    concern, cohort, scheme = found
    assert scheme.id is not None
    readers: tuple[int, ...] = ()
    # The lead and the chair; when the concern is about (or names) both, the moderator, then
    # the steering members: an urgent concern always reaches someone who may act on it.
    for roles in (
        (Role.LEAD.value, Role.STEERING_CHAIR.value),
        (Role.MODERATOR.value,),
        (Role.STEERING_MEMBER.value,),
    ):
        people = session.exec(
            select(Membership.person_id)
            .where(Membership.cohort_id == concern.cohort_id, col(Membership.role).in_(roles))
            .order_by(col(Membership.person_id))
            .distinct()
        ).all()
        readers = tuple(p for p in people if concern_for(session, p, concern_id, ConcernAction.ACK))
        if readers:
            break
    channels = (scheme.settings or {}).get("channels")
    return AlertFacts(
        concern_id=concern_id,
        category=concern.category,
        urgent=concern.urgent,
        cohort=cohort.name,
        scheme_id=scheme.id,
        lead_channel=scheme.lead_channel,
        channels=dict(channels) if isinstance(channels, dict) else {},
        readers=readers,
    )
