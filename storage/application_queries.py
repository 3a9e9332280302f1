"""Reads and writes for applications, mentor profiles and mentor preferences.

Every function that returns personal data takes the id of the person who asks:
- ``application_for`` / ``applications_of`` / ``choosing_application``: the asking person's own
  applications only;
- ``mentors_with_free_capacity``: what a selected mentee may see of the mentors they can choose
  (name, organisation, bio, style, ways of working); a mentor who lists the mentee as a conflict
  of interest, has a declared conflict with them, or was their mentor before is left out, and
  their conflicts list itself is never returned;
- ``mentor_profile``: the asking mentor's own profile;
- ``export_applications`` / ``export_mentor_profile``: the person's own rows, for the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.conflict_queries import forbidden_pairs
from storage.models import (
    Application,
    ApplicationStatus,
    Cohort,
    Membership,
    MentorProfile,
    Pairing,
    PairingStatus,
    Person,
    Review,
    Role,
)

_REFERENCE = re.compile(r"^A-(\d+)$")


def application_for(session: Session, person_id: int, cohort_id: int) -> Application | None:
    """The person's own application to a cohort (draft or sent), if any."""
    return session.exec(
        select(Application).where(
            Application.person_id == person_id, Application.cohort_id == cohort_id
        )
    ).first()


def applications_of(session: Session, person_id: int) -> list[tuple[Application, Cohort]]:
    """The person's own applications with their cohorts, newest cohort first."""
    rows = session.exec(
        select(Application, Cohort)
        .join(Cohort, col(Cohort.id) == col(Application.cohort_id))
        .where(Application.person_id == person_id)
        .order_by(col(Cohort.starts_on).desc(), col(Application.id).desc())
    ).all()
    return [(a, c) for a, c in rows]


def choosing_application(
    session: Session, person_id: int, cohort_ids: set[int | None]
) -> tuple[Application, Cohort] | None:
    """The person's own application, among ``cohort_ids``, that matters for choosing mentors: a
    selected one first, else the newest."""
    rows = [(a, c) for a, c in applications_of(session, person_id) if c.id in cohort_ids]
    selected = (r for r in rows if r[0].status == ApplicationStatus.SELECTED.value)
    return next(selected, rows[0] if rows else None)


def next_reference(session: Session, cohort_id: int) -> str:
    """The next application reference in a cohort: "A-01", "A-02", ... (unique per cohort)."""
    references = session.exec(
        select(Application.reference).where(
            Application.cohort_id == cohort_id, col(Application.reference).is_not(None)
        )
    ).all()
    numbers = [int(m.group(1)) for r in references if r and (m := _REFERENCE.match(r))]
    return f"A-{max(numbers, default=0) + 1:02d}"


def submit(session: Session, application: Application, cohort_id: int, now: datetime) -> str:
    """Mark the application sent under the next free reference (unique per cohort): two sent
    at once may reach for the same one, so a clash tries the next."""
    for _attempt in range(5):
        reference = next_reference(session, cohort_id)
        try:
            with session.begin_nested():
                application.reference = reference
                application.status = ApplicationStatus.SUBMITTED.value
                application.submitted_at = now
                session.add(application)
                session.flush()
        except IntegrityError:
            continue
        return reference
    raise RuntimeError("could not give the application a unique reference")


def mentor_profile(session: Session, person_id: int) -> MentorProfile | None:
    """The asking mentor's own profile."""
    return session.exec(select(MentorProfile).where(MentorProfile.person_id == person_id)).first()


def active_mentee_count(session: Session, mentor_id: int) -> int:
    """How many active pairings the mentor is in, as mentor (in any cohort)."""
    count = session.exec(
        select(func.count())
        .select_from(Pairing)
        .where(Pairing.mentor_id == mentor_id, Pairing.status == PairingStatus.ACTIVE.value)
    ).one()
    return int(count)


def active_mentor_of(session: Session, mentee_id: int, cohort_id: int) -> int | None:
    """The mentee's own active mentor in a cohort (their pairing has been made), if any."""
    pairing = session.exec(
        select(Pairing).where(
            Pairing.mentee_id == mentee_id,
            Pairing.cohort_id == cohort_id,
            Pairing.status == PairingStatus.ACTIVE.value,
        )
    ).first()
    return pairing.mentor_id if pairing is not None else None


@dataclass(frozen=True)
class MentorBio:
    """What a selected mentee sees of a mentor when choosing their top three."""

    person_id: int
    name: str
    organisation: str
    bio: str
    style: str
    ways_of_working: tuple[str, ...]


def mentors_with_free_capacity(session: Session, mentee_id: int, cohort_id: int) -> list[MentorBio]:
    """Mentors of the cohort a mentee may choose: with a profile and a bio, a free place (active
    mentees fewer than their capacity), not flagged at full capacity, and never a pair the
    matching forbids (``conflict_queries.forbidden_pairs``: a conflict of interest, the same
    department when the scheme says so, a former mentor)."""
    mentee = session.get(Person, mentee_id)
    if mentee is None:
        return []
    rows = session.exec(
        select(Person, MentorProfile)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(MentorProfile, col(MentorProfile.person_id) == col(Person.id))
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.MENTOR.value,
            col(Person.id) != mentee_id,
            col(Person.erased_at).is_(None),
            col(MentorProfile.at_full_capacity).is_(False),
            # Mentees choose from bios: a mentor who hasn't written one isn't offered yet.
            col(MentorProfile.bio) != "",
        )
        .order_by(col(Person.display_name), col(Person.id))
    ).all()
    result: list[MentorBio] = []
    # The rules the matching itself uses: never offer a mentor who could not be matched.
    excluded = {
        mentor_id
        for _mentee, mentor_id in forbidden_pairs(
            session, cohort_id, [mentee_id], [p.id for p, _ in rows if p.id is not None]
        )
    }
    for person, profile in rows:
        assert person.id is not None
        if person.id in excluded:
            continue
        if active_mentee_count(session, person.id) >= profile.capacity:
            continue
        result.append(
            MentorBio(
                person_id=person.id,
                name=person.display_name,
                organisation=profile.organisation,
                bio=profile.bio,
                style=profile.style,
                ways_of_working=tuple(profile.ways_of_working),
            )
        )
    return result


def mentors_as_shown(
    session: Session, mentee_id: int, cohort_id: int, shown: list[int]
) -> tuple[list[MentorBio], list[MentorBio]]:
    """The mentors a mentee was shown, in that order (their numbers stay as the mentee saw
    them): those still with a free place, and all of them (one now full by name only)."""
    by_id = {m.person_id: m for m in mentors_with_free_capacity(session, mentee_id, cohort_id)}
    free = [by_id[pid] for pid in shown if pid in by_id]
    people = {pid: session.get(Person, pid) for pid in shown}
    every = [
        by_id.get(pid) or MentorBio(pid, p.display_name if p else "", "", "", "", ())
        for pid, p in people.items()
    ]
    return free, every


def submitted_count(session: Session, cohort_id: int) -> int:
    """How many applications to a cohort have been sent (no personal data)."""
    count = session.exec(
        select(func.count())
        .select_from(Application)
        .where(
            Application.cohort_id == cohort_id,
            Application.status != ApplicationStatus.DRAFT.value,
        )
    ).one()
    return int(count)


def export_applications(session: Session, person_id: int) -> list[dict[str, Any]]:
    """The person's own applications, for the subject access export: with the decision and
    each review's stage and verdict, never who reviewed or in what words
    (docs/export-format.md, "Redaction"). A fixed number of queries, whatever the count."""
    applications = applications_of(session, person_id)
    ids = [a.id for a, _ in applications]
    reviews: dict[int, list[Review]] = {}
    if ids:
        for review in session.exec(
            select(Review).where(col(Review.application_id).in_(ids)).order_by(col(Review.id))
        ).all():
            reviews.setdefault(review.application_id, []).append(review)
    mentor_ids = sorted({m for a, _ in applications for m in a.preferences})
    names = (
        dict(
            session.exec(
                select(Person.id, Person.display_name).where(col(Person.id).in_(mentor_ids))
            ).all()
        )
        if mentor_ids
        else {}
    )
    return [
        {
            "cohort": cohort.name,
            "reference": application.reference,
            "status": application.status,
            "answers": application.answers,
            "preferences": [names.get(m) for m in application.preferences],
            "created_at": application.created_at.isoformat(),
            "submitted_at": (
                application.submitted_at.isoformat() if application.submitted_at else None
            ),
            "decided_at": application.decided_at.isoformat() if application.decided_at else None,
            "decision_reason": application.decision_reason,
            "reviews": [
                {"stage": r.stage, "verdict": r.verdict, "at": r.updated_at.isoformat()}
                for r in reviews.get(application.id or 0, [])
            ],
        }
        for application, cohort in applications
    ]


def export_mentor_profile(session: Session, person_id: int) -> dict[str, Any] | None:
    """The person's own mentor profile, for the subject access export."""
    profile = mentor_profile(session, person_id)
    if profile is None:
        return None
    return {
        "bio": profile.bio,
        "style": profile.style,
        "ways_of_working": list(profile.ways_of_working),
        "contact_preference": profile.contact_preference,
        "organisation": profile.organisation,
        "capacity": profile.capacity,
        "at_full_capacity": profile.at_full_capacity,
        "conflicts": list(profile.conflicts),
        "updated_at": profile.updated_at.isoformat(),
    }
