"""Reads of meetings, scoped to the person who asks: a meeting belongs to its pair, and nobody
outside the pair gets it back from any function here (not even whether it exists).

Map:
- ``meeting_for(session, meeting_id, person_id)``: one meeting of the person's active pairings.
- ``upcoming_for(session, person_id, now)``: the person's proposed/confirmed meetings not started.
- ``busy_people(...)``: which of some people already have a meeting at a time (yes/no only).
- ``invite_actions(session, meeting_id)``: the calendar invites sent for a meeting, in order.
- ``pending_moves(session, meeting_id)``: the proposed moves of a confirmed meeting (new meetings
  with ``replaces_id``); the original stays confirmed until one is accepted.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from storage.models import (
    AuditLog,
    Event,
    Meeting,
    MeetingStatus,
    MentorProfile,
    Pairing,
    PairingStatus,
)
from storage.partner_queries import event_ends_at
from storage.queries import upcoming_events

OPEN_STATUSES = (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)
# The longest meeting the schema allows (``meeting_duration_sensible``): bounds the clash search.
LONGEST = timedelta(minutes=720)

INVITE = "meeting.invite"
INVITE_CANCEL = "meeting.invite_cancel"


def _in_pairing(person_id: int) -> ColumnElement[bool]:
    return or_(col(Pairing.mentee_id) == person_id, col(Pairing.mentor_id) == person_id)


def meeting_for(
    session: Session, meeting_id: int, person_id: int
) -> tuple[Meeting, Pairing] | None:
    """The meeting and its pairing when ``person_id`` is one of the active pair, else None."""
    row = session.exec(
        select(Meeting, Pairing)
        .join(Pairing, col(Pairing.id) == col(Meeting.pairing_id))
        .where(
            Meeting.id == meeting_id,
            Pairing.status == PairingStatus.ACTIVE.value,
            _in_pairing(person_id),
        )
    ).first()
    return None if row is None else (row[0], row[1])


def upcoming_for(session: Session, person_id: int, now: datetime) -> list[tuple[Meeting, Pairing]]:
    """The person's proposed or confirmed meetings that have not started, soonest first."""
    rows = session.exec(
        select(Meeting, Pairing)
        .join(Pairing, col(Pairing.id) == col(Meeting.pairing_id))
        .where(
            Pairing.status == PairingStatus.ACTIVE.value,
            _in_pairing(person_id),
            col(Meeting.status).in_(OPEN_STATUSES),
            Meeting.starts_at >= now,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    ).all()
    return [(m, p) for m, p in rows]


def next_confirmed(
    session: Session, person_id: int, pairing_id: int, now: datetime
) -> datetime | None:
    """When the pairing's next confirmed meeting starts (the person's own pairing only)."""
    for meeting, pairing in upcoming_for(session, person_id, now):
        if pairing.id == pairing_id and meeting.status == MeetingStatus.CONFIRMED.value:
            return meeting.starts_at
    return None


def busy_people(
    session: Session,
    person_ids: list[int],
    starts_at: datetime,
    minutes: int,
    exclude_meeting_ids: Collection[int] = (),
) -> set[int]:
    """Which of ``person_ids`` have a proposed or confirmed meeting overlapping the given slot.

    Only the ids come back: the caller may say "Tom has another meeting then", never with whom.
    """
    ends_at = starts_at + timedelta(minutes=minutes)
    query = (
        select(Meeting, Pairing)
        .join(Pairing, col(Pairing.id) == col(Meeting.pairing_id))
        .where(
            col(Meeting.status).in_(OPEN_STATUSES),
            Meeting.starts_at < ends_at,
            Meeting.starts_at > starts_at - LONGEST,
            or_(col(Pairing.mentee_id).in_(person_ids), col(Pairing.mentor_id).in_(person_ids)),
        )
    )
    if exclude_meeting_ids:
        query = query.where(col(Meeting.id).not_in(list(exclude_meeting_ids)))
    busy: set[int] = set()
    for meeting, pairing in session.exec(query).all():
        if meeting.starts_at + timedelta(minutes=meeting.duration_minutes) <= starts_at:
            continue
        busy |= {pairing.mentee_id, pairing.mentor_id} & set(person_ids)
    return busy


def invite_actions(session: Session, meeting_id: int) -> list[str]:
    """The calendar files sent for a meeting, oldest first (``INVITE`` or ``INVITE_CANCEL``)."""
    return list(
        session.exec(
            select(AuditLog.action)
            .where(
                AuditLog.subject == f"meeting:{meeting_id}",
                col(AuditLog.action).in_([INVITE, INVITE_CANCEL]),
            )
            .order_by(col(AuditLog.id))
        ).all()
    )


def pending_moves(session: Session, meeting_id: int) -> list[Meeting]:
    """The proposed moves of meeting ``meeting_id`` (normally at most one), oldest first."""
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.replaces_id == meeting_id,
                Meeting.status == MeetingStatus.PROPOSED.value,
            )
            .order_by(col(Meeting.id))
        ).all()
    )


def replaced(session: Session, meeting: Meeting, now: datetime) -> Meeting | None:
    """The confirmed meeting a proposed move ``meeting`` replaces, in the same pairing, while
    it is still ahead (None: not a move, or nothing left to replace)."""
    if meeting.replaces_id is None:
        return None
    original = session.get(Meeting, meeting.replaces_id)
    if (
        original is None
        or original.pairing_id != meeting.pairing_id
        or original.status != MeetingStatus.CONFIRMED.value
        or _utc(original.starts_at) <= _utc(now)
    ):
        return None
    return original


def mentor_ways_of_working(session: Session, mentor_id: int) -> list[str]:
    """How a mentor prefers to meet ("video", "in_person", "phone"), from their profile."""
    profile = session.exec(
        select(MentorProfile).where(MentorProfile.person_id == mentor_id)
    ).first()
    return list(profile.ways_of_working) if profile is not None else []


def events_during(
    session: Session, person_id: int, starts_at: datetime, minutes: int
) -> list[tuple[Event, datetime, datetime]]:
    """The scheme's events in the person's cohorts (a networking session, a workshop) that
    overlap the slot, with when each starts and ends (an hour long when the scheme doesn't say)."""
    ends_at = starts_at + timedelta(minutes=minutes)
    during = []
    for event in upcoming_events(session, person_id, starts_at - timedelta(days=1)):
        start = _utc(event.starts_at)
        end = _utc(event_ends_at(session, event) or start + timedelta(hours=1))
        if start < ends_at and starts_at < end:
            during.append((event, start, end))
    return during


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
