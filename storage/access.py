"""Who may see and act on a concern, and which cohorts a steering role reaches: the one rule
every surface goes through (chat text, buttons, lead-channel buttons, reports, the CLI, the
escalation to the chair).

- :func:`reach`: the cohorts a person steers. A steering member or moderator reaches only the
  cohorts they hold that role in; the project lead and the steering chair reach every cohort of
  a scheme in which they hold that role (the scheme file lists them per cohort).
- :func:`concern_access`: may this person do this :class:`ConcernAction` with this concern?
  1. Nobody a concern may be about may do anything with it, whatever other role they hold (a
     mentor on the steering group, the lead, the chair). They are its subject, not its reader.
     Its subjects (:func:`subjects`) are everyone in its pairing, everyone the raiser has been
     paired with in the cohort (a concern raised after a no-fault exit, or after a re-match,
     is still kept from the former partner), and the readers it names (recorded when it is
     raised: :func:`record_named_subjects`). The raiser is the one exception: they may read
     what they wrote and take it in their own export, and nothing else (acknowledging your
     own concern would stop it being raised to the chair; opening it as an alert is refused
     in ``storage.lead_queries``).
  2. Otherwise the lead and the steering group (chair, members, moderator) of the concern's
     cohort may read, acknowledge, snooze, get contact details, resolve it and count it in
     reports. Nobody else may do anything.
- :func:`concern_for`: the concern with that id when the person may do that with it, else
  None, so nobody learns that a concern they may not touch exists.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, or_, select

from storage.models import AuditLog, Cohort, Concern, Membership, Pairing, Person, Role

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
    """The people the concern's pairing is made of, and everyone its raiser has been paired
    with in its cohort (ended pairings too): a concern raised after a no-fault exit is about
    no pairing, and one raised after a re-match is tied to the new one, but either may be
    about the former partner."""
    members: set[int] = set()
    if concern.pairing_id is not None:
        pairing = session.get(Pairing, concern.pairing_id)
        if pairing is not None:
            members |= {pairing.mentee_id, pairing.mentor_id}
    raiser = concern.raised_by_id
    for mentee_id, mentor_id in session.exec(
        select(Pairing.mentee_id, Pairing.mentor_id).where(
            Pairing.cohort_id == concern.cohort_id,
            or_(col(Pairing.mentee_id) == raiser, col(Pairing.mentor_id) == raiser),
        )
    ).all():
        members |= {mentee_id, mentor_id}
    members.discard(raiser)
    return members


NAMED = "concern_subjects"
# Who an alert must still reach when a concern names every reader: the first of these roles
# held by someone who is not in the pairing (see :func:`record_named_subjects`).
_FALLBACK = (Role.STEERING_CHAIR.value, Role.MODERATOR.value, Role.LEAD.value)


def readers(session: Session, cohort_id: int) -> dict[int, str]:
    """Everyone whose reach takes in the cohort (its lead and steering group), with their
    role there (the first of chair, moderator, lead, member they hold)."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        return {}
    rows = session.exec(
        select(Membership.person_id, Membership.role, Membership.cohort_id)
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .where(Cohort.scheme_id == cohort.scheme_id, col(Membership.role).in_(STEERING_ROLES))
    ).all()
    found: dict[int, str] = {}
    for person_id, role, held_in in sorted(
        rows, key=lambda r: (*_FALLBACK, Role.STEERING_MEMBER.value).index(r[1])
    ):
        if held_in == cohort_id or role in SCHEME_WIDE_ROLES:
            found.setdefault(person_id, role)
    return found


def named_in(text: str, people: dict[int, str]) -> set[int]:
    """Who of ``people`` (id: display name) the text names: by full name (any case), or by a
    first name that only one of them has (as written, capitalised)."""
    firsts: dict[str, list[int]] = {}
    for person_id, name in people.items():
        if name.split():
            firsts.setdefault(name.split()[0], []).append(person_id)
    named = set()
    for person_id, name in people.items():
        words = name.split()
        if not words:
            continue
        full = r"\s+".join(re.escape(w) for w in words)
        if re.search(rf"\b{full}\b", text, re.IGNORECASE) or (
            len(firsts[words[0]]) == 1 and re.search(rf"\b{re.escape(words[0])}\b", text)
        ):
            named.add(person_id)
    return named


def readers_named(session: Session, concern: Concern) -> set[int]:
    """The readers the concern's text names, who are kept from it like its pairing (it may be
    unsaved: a draft). Someone must still read it: when it names every reader, the chair, else
    the moderator, else the lead (the first who is not in the pairing) stays a reader."""
    who = readers(session, concern.cohort_id)
    paired = pairing_members(session, concern)
    people = session.exec(select(Person).where(col(Person.id).in_(list(who)))).all()
    named = named_in(concern.text, {p.id: p.display_name for p in people if p.id is not None})
    named -= {concern.raised_by_id}
    if named and not set(who) - paired - named - {concern.raised_by_id}:
        for role in _FALLBACK:
            kept = sorted(p for p, r in who.items() if r == role and p in named - paired)
            if kept:
                named.discard(kept[0])
                break
    return named


def draft_subjects(session: Session, concern: Concern) -> set[int]:
    """Everyone a concern not yet saved would be kept from (its :func:`subjects` once raised)."""
    return (pairing_members(session, concern) | readers_named(session, concern)) - {
        concern.raised_by_id
    }


def record_named_subjects(session: Session, concern: Concern, at: datetime) -> None:
    """When a concern is raised: record as its subjects the readers its text names
    (:func:`readers_named`)."""
    assert concern.id is not None
    named = readers_named(session, concern)
    if named:
        session.add(
            AuditLog(at=at, action=NAMED, subject=f"C{concern.id}", detail={"ids": sorted(named)})
        )


def named_subjects(session: Session, concern: Concern) -> set[int]:
    """The readers recorded as named in the concern when it was raised."""
    rows = session.exec(
        select(AuditLog.detail).where(
            AuditLog.action == NAMED, AuditLog.subject == f"C{concern.id}"
        )
    ).all()
    return {int(i) for detail in rows for i in (detail or {}).get("ids", [])}


def subjects(session: Session, concern: Concern) -> set[int]:
    """Everyone the concern may be about (see the module docstring): never its readers."""
    return (pairing_members(session, concern) | named_subjects(session, concern)) - {
        concern.raised_by_id
    }


def concern_access(
    session: Session, person_id: int, concern: Concern, action: ConcernAction
) -> bool:
    """Whether ``person_id`` may do ``action`` with ``concern`` (the rule of this module)."""
    if person_id == concern.raised_by_id:
        return action in _RAISER
    if person_id in subjects(session, concern):
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
