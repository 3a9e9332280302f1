"""The candidates of each nudge rule: small, indexed queries bounded by a time window, so a sweep
over 100k pairs selects only the 1-2% that are due (never every pair into Python).

Each function returns plain frozen rows; ``conversations.nudges`` turns them into messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, tuple_
from sqlalchemy import select as core_select
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from storage.models import (
    ActionItem,
    Cohort,
    Concern,
    Contract,
    Event,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    Nudge,
    Outbox,
    Pairing,
    PairingStatus,
    Person,
    Scheme,
    Survey,
    SurveyResponse,
)


@dataclass(frozen=True)
class PairRow:
    pairing_id: int
    cohort_id: int
    scheme_id: int
    mentee_id: int
    mentor_id: int
    last_met_at: datetime
    # False when the pair has not met yet (last_met_at is then when they were paired).
    has_met: bool


@dataclass(frozen=True)
class MeetingRow:
    meeting_id: int
    pairing_id: int
    scheme_id: int
    mentee_id: int
    mentor_id: int
    starts_at: datetime
    duration_minutes: int
    mode: str
    agenda: str


@dataclass(frozen=True)
class ActionRow:
    action_id: int
    pairing_id: int
    scheme_id: int
    owner_id: int
    text: str
    due: date


@dataclass(frozen=True)
class ContractRow:
    pairing_id: int
    cohort_id: int
    scheme_id: int
    deadline: date
    # The partners who have not signed yet.
    unsigned_ids: tuple[int, ...]
    mentee_id: int
    mentor_id: int


@dataclass(frozen=True)
class SurveyRow:
    survey_id: int
    cohort_id: int
    scheme_id: int
    title: str
    opens_on: date
    closes_on: date
    # Audience members who have not answered.
    waiting_ids: tuple[int, ...]


@dataclass(frozen=True)
class EventRow:
    event_id: int
    cohort_id: int
    scheme_id: int
    name: str
    starts_at: datetime
    location: str
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class SilentRow:
    person_id: int
    scheme_id: int
    partner_id: int
    silent_since: datetime


@dataclass(frozen=True)
class ConcernRow:
    concern_id: int
    cohort_id: int
    scheme_id: int
    category: str
    raised_by_id: int
    created_at: datetime
    chair_ids: tuple[int, ...]


def _rows(session: Session, query: Executable) -> Sequence[Any]:
    """Run a core query in the session's transaction (typed columns are still converted)."""
    return session.connection().execute(query).all()


def active_scheme_settings(session: Session) -> dict[int, tuple[str, str, dict[str, object]]]:
    """Each scheme's (time zone, lead channel, settings)."""
    return {
        scheme.id: (scheme.time_zone, scheme.lead_channel, dict(scheme.settings or {}))
        for scheme in session.exec(select(Scheme)).all()
        if scheme.id is not None
    }


def people(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    wanted = sorted(set(ids))
    found: dict[int, Person] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        for person in session.exec(select(Person).where(col(Person.id).in_(chunk))).all():
            assert person.id is not None
            found[person.id] = person
    return found


_ACTIVE = col(Pairing.status) == PairingStatus.ACTIVE.value


def pairs_not_met_since(session: Session, now: datetime, cutoff: datetime) -> list[PairRow]:
    """Active pairs with nothing booked ahead whose last meeting (or start) is before ``cutoff``."""
    last = (
        select(func.max(Meeting.starts_at))
        .where(
            col(Meeting.pairing_id) == col(Pairing.id),
            col(Meeting.status).in_([MeetingStatus.HELD.value, MeetingStatus.CONFIRMED.value]),
            col(Meeting.starts_at) < now,
        )
        .scalar_subquery()
    )
    booked = exists().where(
        col(Meeting.pairing_id) == col(Pairing.id),
        col(Meeting.status).in_([MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value]),
        col(Meeting.starts_at) >= now,
    )
    last_met = func.coalesce(last, col(Pairing.started_at))
    query = (
        core_select(
            col(Pairing.id),
            col(Pairing.cohort_id),
            col(Cohort.scheme_id),
            col(Pairing.mentee_id),
            col(Pairing.mentor_id),
            last_met.label("last_met"),
            last.is_not(None).label("has_met"),
        )
        .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
        .where(_ACTIVE, ~booked, last_met <= cutoff)
    )
    return [PairRow(*row) for row in _rows(session, query)]


def meetings_between(
    session: Session, start: datetime, end: datetime, statuses: Iterable[str]
) -> list[MeetingRow]:
    """Meetings of active pairs starting in [start, end) with one of ``statuses``."""
    query = (
        core_select(
            col(Meeting.id),
            col(Meeting.pairing_id),
            col(Cohort.scheme_id),
            col(Pairing.mentee_id),
            col(Pairing.mentor_id),
            col(Meeting.starts_at),
            col(Meeting.duration_minutes),
            col(Meeting.mode),
            col(Meeting.agenda),
        )
        .join(Pairing, col(Pairing.id) == col(Meeting.pairing_id))
        .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
        .where(
            _ACTIVE,
            col(Meeting.status).in_(list(statuses)),
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
    )
    return [MeetingRow(*row) for row in _rows(session, query)]


def meetings_without_minutes(session: Session, start: datetime, end: datetime) -> list[MeetingRow]:
    """Confirmed or held meetings that started in [start, end) with no minutes logged since."""
    logged = exists().where(
        or_(
            col(Minutes.meeting_id) == col(Meeting.id),
            and_(
                col(Minutes.pairing_id) == col(Meeting.pairing_id),
                col(Minutes.created_at) >= col(Meeting.starts_at),
            ),
        )
    )
    statuses = [MeetingStatus.CONFIRMED.value, MeetingStatus.HELD.value]
    return [
        row
        for row in meetings_between(session, start, end, statuses)
        if not session.connection()
        .execute(core_select(logged.where(col(Meeting.id) == row.meeting_id)))
        .scalar()
    ]


def open_actions_due_between(session: Session, first: date, last: date) -> list[ActionRow]:
    """Open actions of active pairs due in [first, last]; an action without owner is the mentee's."""
    owner = func.coalesce(col(ActionItem.owner_id), col(Pairing.mentee_id))
    query = (
        core_select(
            col(ActionItem.id),
            col(ActionItem.pairing_id),
            col(Cohort.scheme_id),
            owner,
            col(ActionItem.text),
            col(ActionItem.due),
        )
        .join(Pairing, col(Pairing.id) == col(ActionItem.pairing_id))
        .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
        .where(
            _ACTIVE,
            col(ActionItem.done_at).is_(None),
            col(ActionItem.due) >= first,
            col(ActionItem.due) <= last,
        )
    )
    return [ActionRow(*row) for row in _rows(session, query)]


def open_actions_of_pairs(session: Session, pairing_ids: Iterable[int]) -> dict[int, list[str]]:
    """Open action texts per pair (for reminders before a meeting)."""
    result: dict[int, list[str]] = {}
    ids = sorted(set(pairing_ids))
    if not ids:
        return result
    query = (
        core_select(col(ActionItem.pairing_id), col(ActionItem.text))
        .where(col(ActionItem.pairing_id).in_(ids), col(ActionItem.done_at).is_(None))
        .order_by(col(ActionItem.due), col(ActionItem.id))
    )
    for pairing_id, text in _rows(session, query):
        result.setdefault(pairing_id, []).append(text)
    return result


def unsigned_contracts(session: Session, first: date, last: date) -> list[ContractRow]:
    """Active pairs of cohorts whose contract deadline is in [first, last], not signed by both."""
    query = (
        core_select(
            col(Pairing.id),
            col(Pairing.cohort_id),
            col(Cohort.scheme_id),
            col(Cohort.contract_deadline),
            col(Pairing.mentee_id),
            col(Pairing.mentor_id),
            col(Contract.mentee_signed_at),
            col(Contract.mentor_signed_at),
        )
        .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
        .outerjoin(Contract, col(Contract.pairing_id) == col(Pairing.id))
        .where(
            _ACTIVE,
            col(Cohort.contract_deadline) >= first,
            col(Cohort.contract_deadline) <= last,
        )
    )
    rows: list[ContractRow] = []
    for pid, cid, sid, deadline, mentee, mentor, mentee_signed, mentor_signed in _rows(
        session, query
    ):
        unsigned = tuple(
            who
            for who, signed in ((mentee, mentee_signed), (mentor, mentor_signed))
            if signed is None
        )
        if unsigned:
            rows.append(ContractRow(pid, cid, sid, deadline, unsigned, mentee, mentor))
    return rows


def surveys_open_between(session: Session, first: date, last: date) -> list[SurveyRow]:
    """Surveys whose open period touches [first, last], with the members yet to answer."""
    query = (
        select(Survey, col(Cohort.scheme_id))
        .join(Cohort, col(Cohort.id) == col(Survey.cohort_id))
        .where(col(Survey.opens_on) <= last, col(Survey.closes_on) >= first)
    )
    rows: list[SurveyRow] = []
    for survey, scheme_id in session.exec(query).all():
        roles = ["mentee", "mentor"] if survey.audience == "both" else [survey.audience]
        answered = exists().where(
            col(SurveyResponse.survey_id) == survey.id,
            col(SurveyResponse.person_id) == col(Membership.person_id),
        )
        waiting = session.exec(
            select(col(Membership.person_id))
            .where(
                col(Membership.cohort_id) == survey.cohort_id,
                col(Membership.role).in_(roles),
                ~answered,
            )
            .distinct()
            .order_by(col(Membership.person_id))
        ).all()
        assert survey.id is not None
        rows.append(
            SurveyRow(
                survey.id,
                survey.cohort_id,
                scheme_id,
                survey.title,
                survey.opens_on,
                survey.closes_on,
                tuple(waiting),
            )
        )
    return rows


def events_between(session: Session, start: datetime, end: datetime) -> list[EventRow]:
    """Events starting in [start, end), with the cohort's mentees and mentors."""
    query = (
        select(Event, col(Cohort.scheme_id))
        .join(Cohort, col(Cohort.id) == col(Event.cohort_id))
        .where(col(Event.starts_at) >= start, col(Event.starts_at) < end)
    )
    rows: list[EventRow] = []
    for event, scheme_id in session.exec(query).all():
        members = session.exec(
            select(col(Membership.person_id))
            .where(
                col(Membership.cohort_id) == event.cohort_id,
                col(Membership.role).in_(["mentee", "mentor"]),
            )
            .distinct()
            .order_by(col(Membership.person_id))
        ).all()
        assert event.id is not None
        rows.append(
            EventRow(
                event.id,
                event.cohort_id,
                scheme_id,
                event.name,
                event.starts_at,
                event.location,
                tuple(members),
            )
        )
    return rows


def silent_people(session: Session, cutoff: datetime) -> list[SilentRow]:
    """People in active pairs with a message (from the bot or their partner through it) left
    unanswered since before ``cutoff``: silent since that first unanswered message."""
    rows: list[SilentRow] = []
    for role_col, partner_col in (
        (col(Pairing.mentee_id), col(Pairing.mentor_id)),
        (col(Pairing.mentor_id), col(Pairing.mentee_id)),
    ):
        since = func.coalesce(col(Person.last_active_at), col(Pairing.started_at))
        first_unanswered = (
            core_select(func.min(col(Outbox.created_at)))
            .where(
                col(Outbox.recipient_id) == col(Person.id),
                col(Outbox.kind) != "reply",
                col(Outbox.created_at) > since,
            )
            .scalar_subquery()
        )
        query = (
            core_select(
                col(Person.id), col(Cohort.scheme_id), partner_col, first_unanswered.label("since")
            )
            .join(Pairing, role_col == col(Person.id))
            .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
            .where(_ACTIVE, first_unanswered <= cutoff)
        )
        rows += [SilentRow(*row) for row in _rows(session, query)]
    return rows


def unacknowledged_concerns(
    session: Session, raised_before: datetime, now: datetime
) -> list[ConcernRow]:
    """Open concerns raised before ``raised_before`` that nobody acknowledged or escalated yet."""
    query = (
        select(Concern, col(Cohort.scheme_id))
        .join(Cohort, col(Cohort.id) == col(Concern.cohort_id))
        .where(
            col(Concern.status) == "open",
            col(Concern.acknowledged_at).is_(None),
            col(Concern.escalated_at).is_(None),
            col(Concern.created_at) <= raised_before,
            or_(col(Concern.snoozed_until).is_(None), col(Concern.snoozed_until) <= now),
        )
    )
    rows: list[ConcernRow] = []
    for concern, scheme_id in session.exec(query).all():
        chairs = session.exec(
            select(col(Membership.person_id))
            .where(Membership.cohort_id == concern.cohort_id, Membership.role == "steering_chair")
            .order_by(col(Membership.person_id))
        ).all()
        assert concern.id is not None
        rows.append(
            ConcernRow(
                concern.id,
                concern.cohort_id,
                scheme_id,
                concern.category,
                concern.raised_by_id,
                concern.created_at,
                tuple(chairs),
            )
        )
    return rows


def mark_escalated(session: Session, concern_ids: Iterable[int], now: datetime) -> None:
    for concern_id in concern_ids:
        concern = session.get(Concern, concern_id)
        if concern is not None and concern.escalated_at is None:
            concern.escalated_at = now
            session.add(concern)


def existing_keys(session: Session, keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Which of these (rule, subject, period) nudges exist already."""
    found: set[tuple[str, str, str]] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = core_select(col(Nudge.rule), col(Nudge.subject), col(Nudge.period)).where(
            tuple_(col(Nudge.rule), col(Nudge.subject), col(Nudge.period)).in_(chunk)
        )
        found |= {(r, s, p) for r, s, p in _rows(session, query)}
    return found
