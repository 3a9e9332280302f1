"""What the project lead and steering group may act on: alerts in the lead channel.

An alert is a concern (reference ``C<id>``) or a nudge posted to the lead channel (``N<id>``).
Every function checks that the asking person leads or steers the cohort or scheme concerned;
to anyone else an alert does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import (
    AuditLog,
    Cohort,
    Concern,
    Contract,
    Membership,
    Nudge,
    Outbox,
    Pairing,
    Person,
    Survey,
    SurveyResponse,
)

STEERING_ROLES = ("lead", "steering_chair", "steering_member", "moderator")


@dataclass(frozen=True)
class Alert:
    ref: str
    scheme_id: int
    channel: str | None
    concern: Concern | None = None
    nudge: Nudge | None = None


def _steers_cohort(session: Session, person_id: int, cohort_id: int) -> bool:
    return (
        session.exec(
            select(Membership).where(
                Membership.person_id == person_id,
                Membership.cohort_id == cohort_id,
                col(Membership.role).in_(STEERING_ROLES),
            )
        ).first()
        is not None
    )


def _steers_scheme(session: Session, person_id: int, scheme_id: int) -> bool:
    return (
        session.exec(
            select(Membership)
            .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
            .where(
                Membership.person_id == person_id,
                Cohort.scheme_id == scheme_id,
                col(Membership.role).in_(STEERING_ROLES),
            )
        ).first()
        is not None
    )


def alert_for(session: Session, person_id: int, ref: str) -> Alert | None:
    """The alert ``ref`` if it exists and the person may act on it."""
    kind, number = ref[:1].upper(), ref[1:]
    if not number.isdigit():
        return None
    if kind == "C":
        concern = session.get(Concern, int(number))
        if concern is None or not _steers_cohort(session, person_id, concern.cohort_id):
            return None
        cohort = session.get(Cohort, concern.cohort_id)
        assert cohort is not None
        return Alert(ref=f"C{number}", scheme_id=cohort.scheme_id, channel=None, concern=concern)
    if kind == "N":
        nudge = session.get(Nudge, int(number))
        if nudge is None or nudge.outbox_id is None:
            return None
        outbox = session.get(Outbox, nudge.outbox_id)
        if outbox is None or outbox.channel is None or outbox.scheme_id is None:
            return None
        if not _steers_scheme(session, person_id, outbox.scheme_id):
            return None
        return Alert(
            ref=f"N{number}", scheme_id=outbox.scheme_id, channel=outbox.channel, nudge=nudge
        )
    return None


def acknowledgement(session: Session, ref: str) -> AuditLog | None:
    return session.exec(
        select(AuditLog)
        .where(AuditLog.action == "acknowledged", AuditLog.subject == ref)
        .order_by(col(AuditLog.id))
    ).first()


def people_to_contact(session: Session, alert: Alert) -> list[Person]:
    """Who the alert is about: the concern's author, or the person a nudge alert names."""
    ids: list[int] = []
    if alert.concern is not None:
        ids.append(alert.concern.raised_by_id)
    elif alert.nudge is not None:
        kind, _, rest = alert.nudge.subject.partition(":")
        number = rest.split(">")[0]
        if kind == "person" and number.isdigit():
            ids.append(int(number))
            pairing = session.exec(
                select(Pairing).where(
                    Pairing.status == "active",
                    (col(Pairing.mentee_id) == int(number))
                    | (col(Pairing.mentor_id) == int(number)),
                )
            ).first()
            if pairing is not None:
                ids.append(
                    pairing.mentor_id if pairing.mentee_id == int(number) else pairing.mentee_id
                )
        elif kind == "survey" and number.isdigit():
            ids += _not_answered(session, int(number))
        elif kind == "cohort" and number.isdigit():
            ids += _unsigned(session, int(number))
    found = [session.get(Person, i) for i in dict.fromkeys(ids)]
    return [p for p in found if p is not None]


def record(
    session: Session, actor_id: int, action: str, ref: str, at: datetime, **detail: str
) -> None:
    session.add(AuditLog(at=at, actor_id=actor_id, action=action, subject=ref, detail=dict(detail)))


def _not_answered(session: Session, survey_id: int) -> list[int]:
    survey = session.get(Survey, survey_id)
    if survey is None:
        return []
    roles = ["mentee", "mentor"] if survey.audience == "both" else [survey.audience]
    members = session.exec(
        select(Membership.person_id).where(
            Membership.cohort_id == survey.cohort_id, col(Membership.role).in_(roles)
        )
    ).all()
    answered = set(
        session.exec(
            select(SurveyResponse.person_id).where(SurveyResponse.survey_id == survey_id)
        ).all()
    )
    return [m for m in sorted(set(members)) if m not in answered]


def _unsigned(session: Session, cohort_id: int) -> list[int]:
    ids: list[int] = []
    pairings = session.exec(
        select(Pairing).where(Pairing.cohort_id == cohort_id, Pairing.status == "active")
    ).all()
    for pairing in pairings:
        contract = session.exec(select(Contract).where(Contract.pairing_id == pairing.id)).first()
        if contract is None or contract.mentee_signed_at is None:
            ids.append(pairing.mentee_id)
        if contract is None or contract.mentor_signed_at is None:
            ids.append(pairing.mentor_id)
    return ids
