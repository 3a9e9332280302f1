"""Reads and writes for matching mentees to mentors: who waits for a mentor, the mentors' free
places, the pairs that must never be matched, the draft proposal, approval, conflicts of
interest and the "is this a good fit?" answers.

Scoping: every function that returns or changes a cohort's matching takes the asking person and
returns ``None`` (or refuses) unless they lead or steer that cohort (``lead_queries.STEERING_ROLES``).
A mentor's own ``conflicts`` list is used here and never returned. A conflict a mentee or mentor
declares is stored with who declared it; what they are told does not depend on whether the
person they named is in the scheme.

The pairs that are never matched come from ``storage.conflict_queries.forbidden_pairs`` (the
same rules decide which mentors a mentee is offered).

Who waits for a mentor (:func:`waiting_mentees`): a *selected* application in the cohort, no
active pairing there, and either never paired in it or their last pairing there ended with a
wish for a new mentor (audit action ``rematch_wish``, written by a no-fault exit or by "not a
good fit").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage import contract_queries
from storage.application_queries import active_mentee_count
from storage.conflict_queries import forbidden_pairs
from storage.lead_queries import STEERING_ROLES, _steers_cohort
from storage.models import (
    Application,
    ApplicationStatus,
    AuditLog,
    Cohort,
    ConflictKind,
    ConflictOfInterest,
    FitCheck,
    MatchProposal,
    Membership,
    MentorProfile,
    Minutes,
    Outbox,
    OutboxStatus,
    Pairing,
    PairingStatus,
    Person,
    ProposalStatus,
    Role,
    Scheme,
)

REMATCH_WISH = "rematch_wish"


@dataclass(frozen=True)
class WaitingMentee:
    person_id: int
    name: str
    reference: str
    preferences: tuple[int, ...]
    # Their last pairing in the cohort, when this is a re-match.
    previous_pairing_id: int | None


@dataclass(frozen=True)
class MentorPlaces:
    person_id: int
    name: str
    free: int


@dataclass(frozen=True)
class MatchingInputs:
    cohort: Cohort
    mentees: list[WaitingMentee]
    mentors: list[MentorPlaces]
    # (mentee id, mentor id) -> why they are never matched.
    forbidden: dict[tuple[int, int], str]


def may_match(session: Session, person_id: int, cohort_id: int) -> bool:
    """Whether the person leads or steers the cohort (and so may propose and approve)."""
    return _steers_cohort(session, person_id, cohort_id)


def steered_cohort(session: Session, person_id: int) -> Cohort | None:
    """The cohort the person leads or steers that matching is about: the newest with someone
    waiting for a mentor, else the newest. (A lead of a cohort in selection and of the next one,
    still recruiting, means the one whose selected mentees wait, not the newer one.)"""
    cohorts = session.exec(
        select(Cohort)
        .join(Membership, col(Membership.cohort_id) == col(Cohort.id))
        .where(Membership.person_id == person_id, col(Membership.role).in_(STEERING_ROLES))
        .order_by(col(Cohort.starts_on).desc(), col(Cohort.id).desc())
    ).all()
    unique = list({cohort.id: cohort for cohort in cohorts}.values())
    if len(unique) > 1:
        waiting = (c for c in unique if c.id is not None and waiting_mentees(session, c.id))
        return next(waiting, unique[0])
    return unique[0] if unique else None


def _wants_new_mentor(session: Session, pairing_id: int) -> bool:
    wish = session.exec(
        select(AuditLog)
        .where(AuditLog.action == REMATCH_WISH, AuditLog.subject == f"pairing:{pairing_id}")
        .order_by(col(AuditLog.id).desc())
    ).first()
    return wish is not None and bool(wish.detail.get("wants_new_mentor"))


def _pairings_in(session: Session, cohort_id: int) -> list[Pairing]:
    return list(
        session.exec(
            select(Pairing).where(Pairing.cohort_id == cohort_id).order_by(col(Pairing.id))
        ).all()
    )


def waiting_mentees(session: Session, cohort_id: int) -> list[WaitingMentee]:
    """Mentees of the cohort who need a mentor (see the module docstring): selected and never
    paired in the cohort, or whose last pairing there ended with a wish for a new mentor (also
    a mentee loaded from a scheme file, who has no application: they come with no choices)."""
    by_mentee: dict[int, list[Pairing]] = {}
    for pairing in _pairings_in(session, cohort_id):
        by_mentee.setdefault(pairing.mentee_id, []).append(pairing)
    applications = {
        a.person_id: a
        for a in session.exec(
            select(Application).where(
                Application.cohort_id == cohort_id,
                Application.status == ApplicationStatus.SELECTED.value,
            )
        ).all()
    }
    ids = sorted(set(applications) | set(by_mentee))
    people = session.exec(
        select(Person).where(col(Person.id).in_(ids), col(Person.erased_at).is_(None))
    ).all()
    result: list[WaitingMentee] = []
    for person in people:
        assert person.id is not None
        history = by_mentee.get(person.id, [])
        if any(p.status == PairingStatus.ACTIVE.value for p in history):
            continue
        previous = history[-1] if history else None
        if previous is not None:
            assert previous.id is not None
            if not _wants_new_mentor(session, previous.id):
                continue
        application = applications.get(person.id)
        result.append(
            WaitingMentee(
                person_id=person.id,
                name=person.display_name,
                reference=(application.reference or "") if application else "",
                preferences=tuple(application.preferences[:3]) if application else (),
                previous_pairing_id=previous.id if previous is not None else None,
            )
        )
    # References in order ("A-01", "A-02", ...); anyone without one after, by name.
    result.sort(key=lambda m: (m.reference == "", m.reference, m.name, m.person_id))
    return result


def has_selected_application(session: Session, mentee_id: int, cohort_id: int) -> bool:
    return (
        session.exec(
            select(Application.id).where(
                Application.cohort_id == cohort_id,
                Application.person_id == mentee_id,
                Application.status == ApplicationStatus.SELECTED.value,
            )
        ).first()
        is not None
    )


def mentor_places(session: Session, cohort_id: int) -> list[MentorPlaces]:
    """The cohort's mentors with a profile, and how many more mentees each can take."""
    rows = session.exec(
        select(Person, MentorProfile)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(MentorProfile, col(MentorProfile.person_id) == col(Person.id))
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.MENTOR.value,
            col(Person.erased_at).is_(None),
        )
        .order_by(col(Person.display_name), col(Person.id))
    ).all()
    result: list[MentorPlaces] = []
    for person, profile in rows:
        assert person.id is not None
        free = 0
        if not profile.at_full_capacity:
            free = max(profile.capacity - active_mentee_count(session, person.id), 0)
        result.append(MentorPlaces(person.id, person.display_name, free))
    return result


def matching_inputs(session: Session, asking_id: int, cohort_id: int) -> MatchingInputs | None:
    """What the matching needs for a cohort, for a person who leads or steers it."""
    if not may_match(session, asking_id, cohort_id):
        return None
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None
    mentees = waiting_mentees(session, cohort_id)
    mentors = mentor_places(session, cohort_id)
    forbidden = forbidden_pairs(
        session, cohort_id, [m.person_id for m in mentees], [m.person_id for m in mentors]
    )
    return MatchingInputs(cohort, mentees, mentors, forbidden)


# -- proposals ---------------------------------------------------------------------------------


def draft(session: Session, asking_id: int, cohort_id: int) -> MatchProposal | None:
    """The cohort's current draft proposal, for a person who leads or steers it."""
    if not may_match(session, asking_id, cohort_id):
        return None
    return session.exec(
        select(MatchProposal)
        .where(
            MatchProposal.cohort_id == cohort_id,
            MatchProposal.status == ProposalStatus.DRAFT.value,
        )
        .order_by(col(MatchProposal.id).desc())
    ).first()


def save_draft(
    session: Session,
    asking_id: int,
    cohort_id: int,
    pairs: list[dict[str, Any]],
    unmatched: list[dict[str, Any]],
    score: dict[str, Any],
    now: datetime,
) -> MatchProposal:
    """A new draft for the cohort; any older draft is discarded (one draft at a time)."""
    if not may_match(session, asking_id, cohort_id):
        raise PermissionError("only the lead and steering group of a cohort propose matches")
    for old in session.exec(
        select(MatchProposal).where(
            MatchProposal.cohort_id == cohort_id,
            MatchProposal.status == ProposalStatus.DRAFT.value,
        )
    ).all():
        old.status = ProposalStatus.DISCARDED.value
        old.decided_by_id = asking_id
        old.decided_at = now
        old.updated_at = now
        session.add(old)
    proposal = MatchProposal(
        cohort_id=cohort_id,
        pairs=pairs,
        unmatched=unmatched,
        score=score,
        created_by_id=asking_id,
        created_at=now,
        updated_at=now,
    )
    session.add(proposal)
    session.flush()
    session.add(
        AuditLog(
            at=now,
            actor_id=asking_id,
            action="match_proposed",
            subject=f"proposal:{proposal.id}",
            detail={"score": score},
        )
    )
    return proposal


def approve(
    session: Session, asking_id: int, proposal: MatchProposal, rationale: str, now: datetime
) -> list[Pairing]:
    """Approve a draft: its pairs become active pairings (a re-match points at the pairing it
    replaces). Recorded with who, when and why."""
    if not may_match(session, asking_id, proposal.cohort_id):
        raise PermissionError("only the lead and steering group of a cohort approve matches")
    if proposal.status != ProposalStatus.DRAFT.value:
        raise ValueError("only a draft can be approved")
    previous = {
        m.person_id: m.previous_pairing_id for m in waiting_mentees(session, proposal.cohort_id)
    }
    cohort = session.get(Cohort, proposal.cohort_id)
    scheme = session.get(Scheme, cohort.scheme_id) if cohort is not None else None
    assert cohort is not None
    assert scheme is not None
    matched_on = now.astimezone(ZoneInfo(scheme.time_zone)).date()
    days = contract_queries.period_days(scheme.settings)
    pairings: list[Pairing] = []
    for pair in proposal.pairs:
        before = previous.get(int(pair["mentee_id"]))
        pairing = Pairing(
            cohort_id=proposal.cohort_id,
            mentee_id=int(pair["mentee_id"]),
            mentor_id=int(pair["mentor_id"]),
            started_at=now,
            last_contact_at=now,
            proposal_id=proposal.id,
            previous_pairing_id=before,
            contract_deadline=contract_queries.new_pair_deadline(
                cohort, matched_on, days, rematch=before is not None
            ),
        )
        session.add(pairing)
        pairings.append(pairing)
    proposal.status = ProposalStatus.APPROVED.value
    proposal.rationale = rationale
    proposal.decided_by_id = asking_id
    proposal.decided_at = now
    proposal.updated_at = now
    session.add(proposal)
    session.flush()
    session.add(
        AuditLog(
            at=now,
            actor_id=asking_id,
            action="match_approved",
            subject=f"proposal:{proposal.id}",
            detail={
                "rationale": rationale,
                "pairings": [p.id for p in pairings],
                "score": proposal.score,
            },
        )
    )
    return pairings


def record_edit(
    session: Session,
    asking_id: int,
    proposal: MatchProposal,
    edited: tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]],
    a: str,
    b: str,
    now: datetime,
) -> None:
    """A swap or move in a draft: the draft holds the result, the audit log the edit."""
    proposal.pairs, proposal.unmatched, proposal.score = edited
    proposal.updated_at = now
    session.add(proposal)
    session.add(
        AuditLog(
            at=now,
            actor_id=asking_id,
            action="match_swapped",
            subject=f"proposal:{proposal.id}",
            detail={"a": a, "b": b, "score": proposal.score},
        )
    )


def decided_by(session: Session, proposal_id: int) -> int | None:
    """Who approved a proposal (None: it was not approved, or nobody is recorded)."""
    proposal = session.get(MatchProposal, proposal_id)
    if proposal is None or proposal.status != ProposalStatus.APPROVED.value:
        return None
    return proposal.decided_by_id or 0


def profile_of(session: Session, mentor_id: int) -> MentorProfile | None:
    """A mentor's profile, for the matching message (contact preference, organisation)."""
    return session.exec(select(MentorProfile).where(MentorProfile.person_id == mentor_id)).first()


# -- conflicts of interest ---------------------------------------------------------------------


def people_in_role(session: Session, cohort_id: int, role: str) -> list[Person]:
    """Who holds ``role`` in the cohort (for finding a person named in a declaration)."""
    return list(
        session.exec(
            select(Person)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .where(
                Membership.cohort_id == cohort_id,
                Membership.role == role,
                col(Person.erased_at).is_(None),
            )
            .order_by(col(Person.display_name), col(Person.id))
        ).all()
    )


def people_named(session: Session, cohort_id: int, role: str, said: str) -> list[Person]:
    """Who in ``role`` in the cohort ``said`` names: their email or full name, else a word of
    their name ("Patel")."""
    word, people = said.casefold(), people_in_role(session, cohort_id, role)
    exact = [p for p in people if word in (p.email.casefold(), p.display_name.casefold())]
    return exact or [p for p in people if word in p.display_name.casefold().split()]


def person_named_first(session: Session, cohort_id: int, role: str, said: str) -> Person | None:
    """The one person in ``role`` the longest start of ``said`` names ("mentor2@example.org
    line management": the mentor), or None."""
    words = said.split()
    for length in range(len(words), 0, -1):
        found = people_named(session, cohort_id, role, " ".join(words[:length]))
        if len(found) == 1:
            return found[0]
    return None


def scheme_of(session: Session, pairing: Pairing) -> Scheme:
    """The scheme a pairing belongs to (for its lead channel)."""
    cohort = session.get(Cohort, pairing.cohort_id)
    scheme = session.get(Scheme, cohort.scheme_id) if cohort is not None else None
    if scheme is None:
        raise LookupError(f"pairing {pairing.id} belongs to no scheme")
    return scheme


def mentee_by_reference(
    session: Session, asking_id: int, cohort_id: int, reference: str
) -> Person | None:
    """The applicant behind a reference ("A-07"), for the lead and steering group only."""
    if not may_match(session, asking_id, cohort_id):
        return None
    application = session.exec(
        select(Application).where(
            Application.cohort_id == cohort_id, Application.reference == reference.upper()
        )
    ).first()
    return session.get(Person, application.person_id) if application else None


def add_conflict(
    session: Session,
    cohort_id: int,
    mentee_id: int,
    mentor_id: int,
    kind: ConflictKind,
    declared_by_id: int,
    now: datetime,
) -> bool:
    """Record a conflict of interest; False when the same one was already recorded."""
    known = session.exec(
        select(ConflictOfInterest).where(
            ConflictOfInterest.cohort_id == cohort_id,
            ConflictOfInterest.mentee_id == mentee_id,
            ConflictOfInterest.mentor_id == mentor_id,
            ConflictOfInterest.kind == kind.value,
        )
    ).first()
    if known is not None:
        return False
    session.add(
        ConflictOfInterest(
            cohort_id=cohort_id,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            kind=kind.value,
            declared_by_id=declared_by_id,
            created_at=now,
        )
    )
    session.add(
        AuditLog(
            at=now,
            actor_id=declared_by_id,
            action="conflict_declared",
            subject=f"cohort:{cohort_id}",
            detail={"mentee_id": mentee_id, "mentor_id": mentor_id, "kind": kind.value},
        )
    )
    return True


def add_to_own_conflicts(session: Session, mentor_id: int, name: str, now: datetime) -> None:
    """A mentor names someone not (yet) in the scheme: kept on their own conflicts list."""
    profile = session.exec(
        select(MentorProfile).where(MentorProfile.person_id == mentor_id)
    ).first()
    if profile is None:
        return
    if name.casefold() not in {c.casefold() for c in profile.conflicts}:
        profile.conflicts = [*profile.conflicts, name]
        profile.updated_at = now
        session.add(profile)


# -- first minutes and fit checks ----------------------------------------------------------------


def minutes_count(session: Session, pairing_id: int) -> int:
    return len(session.exec(select(Minutes.id).where(Minutes.pairing_id == pairing_id)).all())


def fit_pairing(session: Session, person_id: int, pairing_id: int | None) -> Pairing | None:
    """The person's own active pairing that a fit answer is about: the one named, or their
    only active pairing that has minutes logged."""
    if pairing_id is not None:
        pairing = session.get(Pairing, pairing_id)
        if pairing is None or person_id not in (pairing.mentee_id, pairing.mentor_id):
            return None
        return pairing
    pairings = session.exec(
        select(Pairing)
        .where(
            Pairing.status == PairingStatus.ACTIVE.value,
            or_(col(Pairing.mentee_id) == person_id, col(Pairing.mentor_id) == person_id),
        )
        .order_by(col(Pairing.started_at).desc())
    ).all()
    return pairings[0] if len(pairings) == 1 else None


def fit_unanswered(session: Session, person_id: int, kind: str) -> list[tuple[Pairing, datetime]]:
    """The person's active pairings whose fit question (an outbox message of ``kind``) reached
    them and is not answered yet, with when it was sent."""
    sent = session.exec(
        select(Outbox.sent_at)
        .where(
            Outbox.recipient_id == person_id,
            Outbox.kind == kind,
            Outbox.status == OutboxStatus.SENT.value,
        )
        .order_by(col(Outbox.sent_at).desc())
    ).first()
    if sent is None:
        return []
    pairings = session.exec(
        select(Pairing).where(
            Pairing.status == PairingStatus.ACTIVE.value,
            or_(col(Pairing.mentee_id) == person_id, col(Pairing.mentor_id) == person_id),
        )
    ).all()
    open_ones: list[tuple[Pairing, datetime]] = []
    for pairing in pairings:
        answered = session.exec(
            select(FitCheck.id).where(
                FitCheck.pairing_id == pairing.id, FitCheck.person_id == person_id
            )
        ).first()
        if answered is None and pairing.id is not None and minutes_count(session, pairing.id):
            open_ones.append((pairing, sent))
    return open_ones


def record_fit(
    session: Session, person_id: int, pairing: Pairing, answer: str, now: datetime
) -> None:
    """Store (or change) the person's answer about their own pairing."""
    assert person_id in (pairing.mentee_id, pairing.mentor_id)
    row = session.exec(
        select(FitCheck).where(FitCheck.pairing_id == pairing.id, FitCheck.person_id == person_id)
    ).first()
    if row is None:
        row = FitCheck(
            pairing_id=pairing.id or 0, person_id=person_id, answer=answer, answered_at=now
        )
    else:
        row.answer = answer
        row.answered_at = now
    session.add(row)


def end_not_a_good_fit(session: Session, asking_id: int, pairing: Pairing, now: datetime) -> None:
    """The mentee ends their pairing as "not a good fit" and asks for a new mentor; the pairing
    stays as history (``ended_early``)."""
    assert asking_id == pairing.mentee_id
    pairing.status = PairingStatus.ENDED_EARLY.value
    pairing.ended_at = now
    pairing.end_reason = "not a good fit"
    session.add(pairing)
    subject = f"pairing:{pairing.id}"
    session.add(
        AuditLog(
            at=now,
            actor_id=asking_id,
            action="pairing_ended",
            subject=subject,
            detail={"reason": "not a good fit"},
        )
    )
    session.add(
        AuditLog(
            at=now,
            actor_id=asking_id,
            action=REMATCH_WISH,
            subject=subject,
            detail={"wants_new_mentor": True},
        )
    )


def signing_deadline(session: Session, pairing: Pairing) -> date | None:
    """The pair's contract deadline (see ``storage.contract_queries.deadline_of``)."""
    return contract_queries.deadline_of(session, pairing)
