"""Who may see and act on a concern, and which cohorts a steering role reaches: the one rule
every surface goes through (chat text, buttons, lead-channel buttons, reports, the CLI, the
escalation to the chair).

- :func:`reach`: the cohorts a person steers. A steering member or moderator reaches only the
  cohorts they hold that role in; the project lead and the steering chair reach every cohort of
  a scheme in which they hold that role (the scheme file lists them per cohort).
- :func:`concern_access`: may this person do this :class:`ConcernAction` with this concern?
  1. Nobody in the pairing a concern is about may do anything with it (their partner, whatever
     other role they hold: a mentor on the steering group, the lead, the chair). They are its
     subject, not its reader. The raiser is the one exception: they may read what they wrote
     and take it in their own export, and nothing else (acknowledging your own concern would
     stop it being raised to the chair).
  2. Otherwise the lead and the steering group (chair, members, moderator) of the concern's
     cohort may read, acknowledge, snooze, get contact details, resolve it and count it in
     reports. Nobody else may do anything.
- :func:`concern_for`: the concern with that id when the person may do that with it, else
  None, so nobody learns that a concern they may not touch exists.
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, col, select

from storage.models import Cohort, Concern, Membership, Pairing, Role

STEERING_ROLES = (
    Role.LEAD.value,
    Role.STEERING_CHAIR.value,
    Role.STEERING_MEMBER.value,
    Role.MODERATOR.value,
)
# Roles whose reach is every cohort of the scheme they hold it in.
SCHEME_WIDE_ROLES = (Role.LEAD.value, Role.STEERING_CHAIR.value)


class ConcernAction(StrEnum):
    READ = "read"
    ACK = "ack"
    SNOOZE = "snooze"
    CONTACT = "contact"
    RESOLVE = "resolve"
    EXPORT = "export"
    REPORT = "report"


# What the raiser may do with their own concern.
_RAISER = frozenset({ConcernAction.READ, ConcernAction.EXPORT})
# What the lead and the steering group may do with a concern of a cohort they reach.
_STEERING = frozenset(set(ConcernAction) - {ConcernAction.EXPORT})


def reach(session: Session, person_id: int) -> set[int]:
    """The ids of the cohorts the person steers (see the module docstring)."""
    rows = session.exec(
        select(Membership.cohort_id, Membership.role, Cohort.scheme_id)
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .where(Membership.person_id == person_id, col(Membership.role).in_(STEERING_ROLES))
    ).all()
    cohorts = {cohort_id for cohort_id, _role, _scheme in rows}
    schemes = {scheme_id for _cohort, role, scheme_id in rows if role in SCHEME_WIDE_ROLES}
    if schemes:
        every = session.exec(select(Cohort.id).where(col(Cohort.scheme_id).in_(schemes))).all()
        cohorts |= {cohort_id for cohort_id in every if cohort_id is not None}
    return cohorts


def reaches(session: Session, person_id: int, cohort_id: int) -> bool:
    return cohort_id in reach(session, person_id)


def pairing_members(session: Session, concern: Concern) -> set[int]:
    """The people the concern's pairing is made of (none when it is about no pairing)."""
    if concern.pairing_id is None:
        return set()
    pairing = session.get(Pairing, concern.pairing_id)
    return set() if pairing is None else {pairing.mentee_id, pairing.mentor_id}


def concern_access(
    session: Session, person_id: int, concern: Concern, action: ConcernAction
) -> bool:
    """Whether ``person_id`` may do ``action`` with ``concern`` (the rule of this module)."""
    if person_id == concern.raised_by_id:
        return action in _RAISER
    if person_id in pairing_members(session, concern):
        return False  # the subject: never, whatever other role they hold
    return action in _STEERING and reaches(session, person_id, concern.cohort_id)


def concern_for(
    session: Session, person_id: int, concern_id: int, action: ConcernAction
) -> Concern | None:
    """The concern ``concern_id`` when ``person_id`` may do ``action`` with it, else None."""
    concern = session.get(Concern, concern_id)
    if concern is None or not concern_access(session, person_id, concern, action):
        return None
    return concern


def concerns_for(session: Session, person_id: int, action: ConcernAction) -> list[Concern]:
    """Every concern ``person_id`` may do ``action`` with, oldest first."""
    cohorts = reach(session, person_id)
    query = select(Concern).order_by(col(Concern.id))
    if cohorts:
        query = query.where(
            (col(Concern.raised_by_id) == person_id) | col(Concern.cohort_id).in_(cohorts)
        )
    else:
        query = query.where(Concern.raised_by_id == person_id)
    return [c for c in session.exec(query).all() if concern_access(session, person_id, c, action)]
