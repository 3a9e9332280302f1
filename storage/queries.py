"""Reads and writes of personal data. Every function that returns personal data takes the id of
the person who asks and returns only what that person may see (DESIGN.md "Privacy by construction").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import inbox_queries
from storage.db import insert_new

# The subject access export lives in its own module; callers know it by this name too.
from storage.export_queries import export_person as export_person
from storage.models import (
    DEFAULT_TIME_ZONE,
    ChannelIdentity,
    Cohort,
    Contract,
    DiaryEntry,
    Event,
    Meeting,
    MeetingStatus,
    Membership,
    Outbox,
    OutboxStatus,
    Pairing,
    PairingStatus,
    Person,
    ProcessedEvent,
    Scheme,
    Survey,
    SurveyResponse,
)


def person_by_email(session: Session, email: str) -> Person | None:
    return session.exec(select(Person).where(Person.email == email.strip().lower())).first()


def scheme_zones(session: Session) -> dict[int, str]:
    """Each scheme's time zone, by id."""
    return {i: zone for i, zone in session.exec(select(Scheme.id, Scheme.time_zone)).all() if i}


def person_by_identity(session: Session, platform: str, tenant: str, user_id: str) -> Person | None:
    return session.exec(
        select(Person)
        .join(ChannelIdentity, col(ChannelIdentity.person_id) == col(Person.id))
        .where(
            ChannelIdentity.platform == platform,
            ChannelIdentity.tenant == tenant,
            ChannelIdentity.user_id == user_id,
        )
    ).first()


@dataclass(frozen=True)
class Enrolment:
    """One of a person's roles in a cohort, with the cohort and its scheme."""

    role: str
    cohort: Cohort
    scheme: Scheme


def enrolments(session: Session, person_id: int) -> list[Enrolment]:
    """The person's roles, newest cohort first."""
    rows = session.exec(
        select(Membership, Cohort, Scheme)
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .join(Scheme, col(Scheme.id) == col(Cohort.scheme_id))
        .where(Membership.person_id == person_id)
        .order_by(col(Cohort.starts_on).desc(), col(Membership.id))
    ).all()
    return [Enrolment(role=m.role, cohort=c, scheme=s) for m, c, s in rows]


def active_pairings(session: Session, person_id: int) -> list[Pairing]:
    """Active pairings the person is part of (as mentee or mentor)."""
    return list(
        session.exec(
            select(Pairing)
            .where(
                Pairing.status == PairingStatus.ACTIVE.value,
                or_(col(Pairing.mentee_id) == person_id, col(Pairing.mentor_id) == person_id),
            )
            .order_by(col(Pairing.started_at))
        ).all()
    )


def partner_of(pairing: Pairing, person_id: int) -> int:
    return pairing.mentor_id if pairing.mentee_id == person_id else pairing.mentee_id


def upcoming_meetings(session: Session, person_id: int, now: datetime) -> list[Meeting]:
    """Proposed or confirmed meetings of the person's pairings that have not started yet."""
    pairing_ids = [p.id for p in active_pairings(session, person_id)]
    if not pairing_ids:
        return []
    return list(
        session.exec(
            select(Meeting)
            .where(
                col(Meeting.pairing_id).in_(pairing_ids),
                col(Meeting.status).in_(
                    [MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value]
                ),
                Meeting.starts_at >= now,
            )
            .order_by(col(Meeting.starts_at))
        ).all()
    )


def unsigned_contracts(session: Session, person_id: int) -> list[tuple[Pairing, Contract | None]]:
    """The person's active pairings whose contract the person has not signed yet."""
    result: list[tuple[Pairing, Contract | None]] = []
    for pairing in active_pairings(session, person_id):
        contract = session.exec(select(Contract).where(Contract.pairing_id == pairing.id)).first()
        if contract is None:
            result.append((pairing, None))
            continue
        signed = (
            contract.mentee_signed_at
            if pairing.mentee_id == person_id
            else contract.mentor_signed_at
        )
        if signed is None:
            result.append((pairing, contract))
    return result


def open_surveys(session: Session, person_id: int, today: date) -> list[Survey]:
    """Surveys open today for the person's roles that the person has not answered."""
    result: list[Survey] = []
    for enrolment in enrolments(session, person_id):
        if enrolment.role not in ("mentee", "mentor"):
            continue
        surveys = session.exec(
            select(Survey).where(
                Survey.cohort_id == enrolment.cohort.id,
                Survey.opens_on <= today,
                Survey.closes_on >= today,
                col(Survey.audience).in_([enrolment.role, "both"]),
            )
        ).all()
        for survey in surveys:
            answered = session.exec(
                select(SurveyResponse).where(
                    SurveyResponse.survey_id == survey.id, SurveyResponse.person_id == person_id
                )
            ).first()
            if answered is None and survey not in result:
                result.append(survey)
    return result


def upcoming_events(session: Session, person_id: int, now: datetime) -> list[Event]:
    cohort_ids = {e.cohort.id for e in enrolments(session, person_id)}
    if not cohort_ids:
        return []
    return list(
        session.exec(
            select(Event)
            .where(col(Event.cohort_id).in_(cohort_ids), Event.starts_at >= now)
            .order_by(col(Event.starts_at))
        ).all()
    )


def diary_entries(
    session: Session, author_id: int, offset: int = 0, limit: int = 5
) -> tuple[list[DiaryEntry], int]:
    """The author's own entries, newest first, and how many there are. Nobody else's."""
    base = select(DiaryEntry).where(DiaryEntry.author_id == author_id)
    total = len(session.exec(base).all())
    rows = session.exec(
        base.order_by(col(DiaryEntry.written_on).desc(), col(DiaryEntry.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


def own_diary_entry(session: Session, author_id: int, entry_id: int) -> DiaryEntry | None:
    """One entry by its id, only when ``author_id`` wrote it."""
    entry = session.get(DiaryEntry, entry_id)
    return entry if entry is not None and entry.author_id == author_id else None


def pending_outbox(
    session: Session, *, recipient_id: int | None = None, channel: str | None = None
) -> list[Outbox]:
    """Messages waiting for one person, or for one scheme channel, oldest first."""
    query = select(Outbox).where(Outbox.status == OutboxStatus.PENDING.value)
    if recipient_id is not None:
        query = query.where(Outbox.recipient_id == recipient_id)
    elif channel is not None:
        query = query.where(Outbox.channel == channel)
    else:
        raise ValueError("pending_outbox needs a recipient or a channel")
    return list(session.exec(query.order_by(col(Outbox.id))).all())


def mark_sent(session: Session, rows: list[Outbox], now: datetime) -> None:
    for row in rows:
        row.status = OutboxStatus.SENT.value
        row.sent_at = now
        row.attempts += 1
        session.add(row)


def people_with_role(session: Session, cohort_id: int, role: str) -> list[Person]:
    """The people holding ``role`` in a cohort (names and emails only are used by callers)."""
    return list(
        session.exec(
            select(Person)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .where(Membership.cohort_id == cohort_id, Membership.role == role)
            .order_by(col(Person.id))
        ).all()
    )


def pair_members_on(session: Session, person_id: int, platform: str) -> dict[int, str]:
    """The person and their active partners who have an identity on ``platform``:
    person id -> their user id there (for refreshing what each of them sees)."""
    ids = {person_id} | {partner_of(p, person_id) for p in active_pairings(session, person_id)}
    rows = session.exec(
        select(ChannelIdentity).where(
            col(ChannelIdentity.person_id).in_(sorted(ids)), ChannelIdentity.platform == platform
        )
    ).all()
    return {row.person_id: row.user_id for row in rows}


def identity_of(
    session: Session, platform: str, tenant: str, user_id: str
) -> ChannelIdentity | None:
    """A platform account's link to our person, if it has one."""
    return session.exec(
        select(ChannelIdentity).where(
            ChannelIdentity.platform == platform,
            ChannelIdentity.tenant == tenant,
            ChannelIdentity.user_id == user_id,
        )
    ).first()


@dataclass(frozen=True)
class Linked:
    """A platform account linked to a person; ``created`` when this call made the link."""

    person_id: int
    created: bool


def link_identity(
    session: Session,
    *,
    platform: str,
    tenant: str,
    user_id: str,
    email: str,
    address: dict[str, Any],
    now: datetime,
) -> int | None:
    """Link a platform account to the person with ``email`` (the first time they write);
    returns the person's id, or None when nobody (not erased) has that email. A link made at
    the same moment by a concurrent turn is found and used, never duplicated."""
    linked = linked_identity(
        session,
        platform=platform,
        tenant=tenant,
        user_id=user_id,
        email=email,
        address=address,
        now=now,
    )
    return linked.person_id if linked is not None else None


def linked_identity(
    session: Session,
    *,
    platform: str,
    tenant: str,
    user_id: str,
    email: str,
    address: dict[str, Any],
    now: datetime,
) -> Linked | None:
    """:func:`link_identity`, also saying whether this call made the link: of two turns that
    link the same account at the same moment, the unique key lets exactly one create it (so
    exactly one of them welcomes the person)."""
    person = person_by_email(session, email)
    if person is None or person.id is None or person.erased_at is not None:
        return None
    try:
        with session.begin_nested():
            session.add(
                ChannelIdentity(
                    person_id=person.id,
                    platform=platform,
                    tenant=tenant,
                    user_id=user_id,
                    address=address,
                    created_at=now,
                )
            )
    except IntegrityError:
        existing = identity_of(session, platform, tenant, user_id)
        return Linked(existing.person_id, created=False) if existing is not None else None
    return Linked(person.id, created=True)


def set_time_zone(
    session: Session, person_id: int, zone: str | None, *, only_if_default: bool = False
) -> None:
    """Keep the person's time zone as their platform reports it (an unknown name is ignored);
    with ``only_if_default``, only while they still have the scheme's default."""
    person = session.get(Person, person_id)
    if person is None or not zone or person.time_zone == zone:
        return
    if only_if_default and person.time_zone != DEFAULT_TIME_ZONE:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return
    person.time_zone = zone
    session.add(person)


def event_recorded(session: Session, platform: str, event_id: str) -> bool:
    """Whether a platform event was already handled (a read: see :func:`record_event`)."""
    found = session.exec(
        select(ProcessedEvent.id).where(
            ProcessedEvent.platform == platform, ProcessedEvent.event_id == event_id
        )
    ).first()
    return found is not None


def forget_event(session: Session, platform: str, event_id: str) -> None:
    """Un-record a platform event, so the same key may be handled again."""
    session.exec(
        delete(ProcessedEvent).where(
            col(ProcessedEvent.platform) == platform, col(ProcessedEvent.event_id) == event_id
        )
    )


def record_event(session: Session, platform: str, event_id: str, now: datetime) -> bool:
    """Record a platform event as handled; False when it already was (the unique key decides,
    so two deliveries at the same moment cannot both pass). The event's inbox row, if it has
    one, is closed in the same transaction: handled and closed commit together."""
    values = {"platform": platform, "event_id": event_id, "processed_at": now}
    if not insert_new(session, ProcessedEvent.__table__, values):  # type: ignore[attr-defined]
        return False
    inbox_queries.close(session, platform, event_id, now)
    return True
