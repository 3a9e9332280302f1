"""The candidates of each nudge rule: small, indexed queries bounded by a time window, so a sweep
over 100k pairs selects only the 1-2% that are due (never every pair into Python).

Each function returns plain frozen rows; ``conversations.nudges`` turns them into messages.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, exists, func, insert, or_, tuple_, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from storage.access import ConcernAction, concern_access
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
    OutboxStatus,
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
class CohortRow:
    cohort_id: int
    scheme_id: int
    name: str
    starts_on: date


@dataclass(frozen=True)
class ConcernRow:
    concern_id: int
    cohort_id: int
    scheme_id: int
    category: str
    raised_by_id: int
    created_at: datetime
    chair_ids: tuple[int, ...]


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


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
    """Active pairs whose last held or confirmed meeting (or start) is before ``cutoff`` and that
    have nothing proposed ahead. An index range scan on (status, last_contact_at): the pairs
    that met recently are never read."""
    proposed = exists().where(
        col(Meeting.pairing_id) == col(Pairing.id),
        col(Meeting.status) == MeetingStatus.PROPOSED.value,
        col(Meeting.starts_at) >= now,
    )
    met = exists().where(
        col(Meeting.pairing_id) == col(Pairing.id),
        col(Meeting.status).in_([MeetingStatus.HELD.value, MeetingStatus.CONFIRMED.value]),
        col(Meeting.starts_at) > col(Pairing.started_at),
    )
    query = (
        core_select(
            col(Pairing.id),
            col(Pairing.cohort_id),
            col(Cohort.scheme_id),
            col(Pairing.mentee_id),
            col(Pairing.mentor_id),
            col(Pairing.last_contact_at),
            met.label("has_met"),
        )
        .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
        .where(_ACTIVE, col(Pairing.last_contact_at) <= cutoff, ~proposed)
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
        .where(_ACTIVE)
    )
    # The time window drives: only that window's meetings are read (index on starts_at).
    in_window = core_select(col(Meeting.id)).where(
        col(Meeting.status).in_(list(statuses)),
        col(Meeting.starts_at) >= start,
        col(Meeting.starts_at) < end,
    )
    return [
        MeetingRow(*row)
        for ids in _chunks([r[0] for r in _rows(session, in_window)])
        for row in _rows(session, query.where(col(Meeting.id).in_(ids)))
    ]


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
        .where(_ACTIVE)
    )
    in_window = core_select(col(ActionItem.id)).where(
        col(ActionItem.due) >= first,
        col(ActionItem.due) <= last,
        col(ActionItem.done_at).is_(None),
    )
    return [
        ActionRow(*row)
        for ids in _chunks([r[0] for r in _rows(session, in_window)])
        for row in _rows(session, query.where(col(ActionItem.id).in_(ids)))
    ]


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


def unsigned_contracts(session: Session, first: date, last: date | None) -> list[ContractRow]:
    """Active pairs whose contract deadline is in [first, last] (``last`` None: that one day,
    ``first``), not signed by both. A pair's deadline is its own (a re-match) or its cohort's;
    both are read through an index on the deadline, never every pair."""
    last = first if last is None else last
    columns = (
        col(Pairing.id),
        col(Pairing.cohort_id),
        col(Cohort.scheme_id),
        func.coalesce(col(Pairing.contract_deadline), col(Cohort.contract_deadline)),
        col(Pairing.mentee_id),
        col(Pairing.mentor_id),
        col(Contract.mentee_signed_at),
        col(Contract.mentor_signed_at),
    )
    query = (
        core_select(*columns)
        .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
        .outerjoin(Contract, col(Contract.pairing_id) == col(Pairing.id))
        .where(_ACTIVE)
    )
    cohorts = [
        r[0]
        for r in _rows(
            session,
            core_select(col(Cohort.id)).where(
                col(Cohort.contract_deadline) >= first, col(Cohort.contract_deadline) <= last
            ),
        )
    ]
    found = list(
        _rows(
            session,
            query.where(
                col(Pairing.contract_deadline) >= first, col(Pairing.contract_deadline) <= last
            ),
        )
    )
    if cohorts:
        found += _rows(
            session,
            query.where(
                col(Pairing.cohort_id).in_(cohorts), col(Pairing.contract_deadline).is_(None)
            ),
        )
    rows: list[ContractRow] = []
    for pid, cid, sid, deadline, mentee, mentor, mentee_signed, mentor_signed in found:
        unsigned = tuple(
            who
            for who, signed in ((mentee, mentee_signed), (mentor, mentor_signed))
            if signed is None
        )
        if unsigned:
            rows.append(ContractRow(pid, cid, sid, deadline, unsigned, mentee, mentor))
    return sorted(rows, key=lambda r: r.pairing_id)


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


def silent_people(session: Session, cutoff: datetime, window: timedelta) -> list[SilentRow]:
    """People in active pairs whose first message left unanswered (from the bot, or from their
    partner through it) was sent in [cutoff - window, cutoff]: silent since then. Only messages
    of that window are read (an index on outbox.created_at), never every person."""
    candidates = {
        row[0]
        for row in _rows(
            session,
            core_select(col(Outbox.recipient_id))
            .where(
                col(Outbox.created_at) >= cutoff - window,
                col(Outbox.created_at) <= cutoff,
                col(Outbox.recipient_id).is_not(None),
                col(Outbox.kind) != "reply",
            )
            .distinct(),
        )
    }
    rows: list[SilentRow] = []
    ids = sorted(candidates)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
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
                    col(Person.id),
                    col(Cohort.scheme_id),
                    partner_col,
                    first_unanswered.label("since"),
                )
                .join(Pairing, role_col == col(Person.id))
                .join(Cohort, col(Cohort.id) == col(Pairing.cohort_id))
                .where(_ACTIVE, col(Person.id).in_(chunk), first_unanswered <= cutoff)
            )
            rows += [SilentRow(*row) for row in _rows(session, query)]
    return rows


def cohorts_started_between(session: Session, first: date, last: date) -> list[CohortRow]:
    """Cohorts that started between ``first`` and ``last`` (no personal data): the ones whose
    6, 9 or 12-month report may fall due around now."""
    rows = session.exec(
        select(Cohort).where(Cohort.starts_on >= first, Cohort.starts_on <= last)
    ).all()
    return [CohortRow(c.id or 0, c.scheme_id, c.name, c.starts_on) for c in rows]


def unacknowledged_concerns(
    session: Session, raised_before: datetime, now: datetime
) -> list[ConcernRow]:
    """Open concerns raised before ``raised_before`` that nobody allowed to act on them has
    acknowledged, and that were not escalated yet. An acknowledgement by someone the rule in
    ``storage.access`` does not allow (the partner the concern is about, on the steering group)
    does not count. Each goes to the cohort's steering chairs who may act on it; when none may
    (the chair is its subject), to its moderators, else its project leads, else its steering
    members."""
    query = (
        select(Concern, col(Cohort.scheme_id))
        .join(Cohort, col(Cohort.id) == col(Concern.cohort_id))
        .where(
            col(Concern.status) == "open",
            col(Concern.escalated_at).is_(None),
            col(Concern.created_at) <= raised_before,
            # A snooze is not an acknowledgement: it holds back an ordinary concern's
            # escalation, never an urgent one's.
            or_(
                col(Concern.urgent),
                col(Concern.snoozed_until).is_(None),
                col(Concern.snoozed_until) <= now,
            ),
        )
    )
    rows: list[ConcernRow] = []
    for concern, scheme_id in session.exec(query).all():
        by = concern.acknowledged_by_id
        if concern.acknowledged_at is not None and (
            by is None or concern_access(session, by, concern, ConcernAction.ACK)
        ):
            continue
        recipients: list[int] = []
        for role in ("steering_chair", "moderator", "lead", "steering_member"):
            members = session.exec(
                select(col(Membership.person_id))
                .where(Membership.cohort_id == concern.cohort_id, Membership.role == role)
                .order_by(col(Membership.person_id))
            ).all()
            recipients = [
                m for m in members if concern_access(session, m, concern, ConcernAction.ACK)
            ]
            if recipients:
                break
        assert concern.id is not None
        rows.append(
            ConcernRow(
                concern.id,
                concern.cohort_id,
                scheme_id,
                concern.category,
                concern.raised_by_id,
                concern.created_at,
                tuple(recipients),
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


@dataclass(frozen=True)
class NewNudge:
    rule: str
    subject: str
    period: str
    scheme_id: int
    recipient_id: int | None
    channel: str | None
    parts: list[dict[str, Any]]
    preview: str
    priority: int
    send_at: datetime


def insert_nudges(
    session: Session,
    nudges: Sequence[NewNudge],
    now: datetime,
    decorate: Callable[[int, NewNudge], list[dict[str, Any]]] | None = None,
) -> list[NewNudge]:
    """Insert the nudges that do not exist yet, each with its outbox message; return those
    created. ``INSERT ... ON CONFLICT DO NOTHING`` on the natural key: a concurrent sweep's
    nudge is skipped, never duplicated. ``decorate(nudge_id, nudge)`` may change the parts
    (the lead's alerts carry their reference)."""
    if not nudges:
        return []
    dialect = session.connection().dialect.name
    insert_into = postgresql_insert if dialect == "postgresql" else sqlite_insert
    created: dict[tuple[str, str, str], int] = {}
    for start in range(0, len(nudges), 1000):
        chunk = nudges[start : start + 1000]
        statement = (
            insert_into(Nudge.__table__)  # type: ignore[attr-defined]
            .values(
                [
                    {"rule": n.rule, "subject": n.subject, "period": n.period, "created_at": now}
                    for n in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=["rule", "subject", "period"])
            .returning(col(Nudge.id), col(Nudge.rule), col(Nudge.subject), col(Nudge.period))
        )
        for nudge_id, rule, subject, period in _rows(session, statement):
            created[(rule, subject, period)] = nudge_id
    made = [n for n in nudges if (n.rule, n.subject, n.period) in created]
    if not made:
        return []
    outbox_rows = [
        {
            "scheme_id": n.scheme_id,
            "recipient_id": n.recipient_id,
            "channel": n.channel,
            "kind": "nudge",
            "parts": decorate(created[(n.rule, n.subject, n.period)], n) if decorate else n.parts,
            "preview": n.preview,
            "status": "pending",
            "priority": n.priority,
            "attempts": 0,
            "next_attempt_at": n.send_at,
            "created_at": now,
        }
        for n in made
    ]
    outbox_ids = [
        row[0]
        for row in session.connection()
        .execute(
            insert(Outbox.__table__).returning(  # type: ignore[attr-defined]
                col(Outbox.id), sort_by_parameter_order=True
            ),
            outbox_rows,
        )
        .all()
    ]
    session.connection().execute(
        update(Nudge.__table__)  # type: ignore[attr-defined]
        .where(Nudge.__table__.c.id == bindparam("nudge_id"))  # type: ignore[attr-defined]
        .values(outbox_id=bindparam("new_outbox_id")),
        [
            {"nudge_id": created[(n.rule, n.subject, n.period)], "new_outbox_id": outbox_id}
            for n, outbox_id in zip(made, outbox_ids, strict=True)
        ],
    )
    return made


# ------------------------------------------------------------------------------ staleness


def _subject(subject: str) -> tuple[str, int, int | None]:
    """``"meeting:12>34"`` is ``("meeting", 12, 34)``; ``"action:5"`` is ``("action", 5, None)``."""
    head, _, person = subject.partition(">")
    kind, _, number = head.partition(":")
    return kind, int(number), (int(person) if person else None)


def _local_today(session: Session, person_id: int | None, now: datetime) -> date:
    person = session.get(Person, person_id) if person_id is not None else None
    return now.astimezone(ZoneInfo(person.time_zone if person else "UTC")).date()


def _pair_deadline(pairing: Pairing, cohort: Cohort | None) -> date | None:
    return pairing.contract_deadline or (cohort.contract_deadline if cohort else None)


def _minutes_logged(session: Session, meeting: Meeting) -> bool:
    return (
        session.exec(
            select(Minutes.id).where(
                or_(
                    col(Minutes.meeting_id) == meeting.id,
                    and_(
                        col(Minutes.pairing_id) == meeting.pairing_id,
                        col(Minutes.created_at) >= meeting.starts_at,
                    ),
                )
            )
        ).first()
        is not None
    )


def _why_obsolete(session: Session, nudge: Nudge, now: datetime) -> str | None:
    """Why this nudge no longer applies (the thing it asks for is done, or its subject has
    changed or gone), or None while it still does. Lead alerts about people (silence, reports)
    and concern escalations are never dropped: a concern must never be silenced."""
    rule = nudge.rule
    try:
        kind, number, person_id = _subject(nudge.subject)
    except ValueError:
        return None
    if rule.startswith("contract_") and rule != "contract_unsigned_lead" and kind == "pairing":
        pairing = session.get(Pairing, number)
        if pairing is None or pairing.status != PairingStatus.ACTIVE.value:
            return "the pairing has ended"
        contract = session.exec(select(Contract).where(Contract.pairing_id == number)).first()
        role = "mentee" if person_id == pairing.mentee_id else "mentor"
        if contract is not None and getattr(contract, f"{role}_signed_at") is not None:
            return "the contract is signed"
        deadline = _pair_deadline(pairing, session.get(Cohort, pairing.cohort_id))
        if deadline is not None and deadline.isoformat() != nudge.period:
            return "the contract deadline has changed"
        return None
    if rule == "contract_unsigned_lead" and kind == "cohort":
        still = [
            row
            for row in unsigned_contracts(session, date.fromisoformat(nudge.period), None)
            if row.cohort_id == number and row.deadline.isoformat() == nudge.period
        ]
        return None if still else "every contract due then is signed"
    if rule.startswith("survey_") and rule != "survey_unanswered_lead" and kind == "survey":
        survey = session.get(Survey, number)
        if survey is None:
            return "the check-in was removed"
        answered = session.exec(
            select(SurveyResponse.id).where(
                SurveyResponse.survey_id == number, SurveyResponse.person_id == person_id
            )
        ).first()
        if answered is not None:
            return "the check-in is answered"
        if _local_today(session, person_id, now) > survey.closes_on:
            return "the check-in has closed"
        return None
    if rule == "meeting_reminder" and kind == "meeting":
        meeting = session.get(Meeting, number)
        if meeting is None or meeting.status != MeetingStatus.CONFIRMED.value:
            return "the meeting is no longer confirmed"
        if meeting.starts_at.isoformat() != nudge.period:
            return "the meeting has moved"
        if meeting.starts_at <= now:
            return "the meeting has started"
        return None
    if rule.startswith("minutes_") and kind == "meeting":
        meeting = session.get(Meeting, number)
        if meeting is None or meeting.status not in (
            MeetingStatus.CONFIRMED.value,
            MeetingStatus.HELD.value,
        ):
            return "the meeting did not take place"
        if _minutes_logged(session, meeting):
            return "the minutes are logged"
        return None
    if rule.startswith("action_") and kind == "action":
        action = session.get(ActionItem, number)
        if action is None or action.done_at is not None:
            return "the action is done"
        return None
    if rule.startswith("event_") and kind == "event":
        event = session.get(Event, number)
        if event is None or event.starts_at <= now:
            return "the event has passed"
        return None
    if rule.startswith("meeting_due_") and kind == "pairing":
        pairing = session.get(Pairing, number)
        if pairing is None or pairing.status != PairingStatus.ACTIVE.value:
            return "the pairing has ended"
        if pairing.last_contact_at is not None and (
            pairing.last_contact_at.date().isoformat() != nudge.period
        ):
            return "a meeting has been booked since"
        booked = session.exec(
            select(Meeting.id).where(
                Meeting.pairing_id == number,
                Meeting.status == MeetingStatus.PROPOSED.value,
                col(Meeting.starts_at) >= now,
            )
        ).first()
        return "a meeting has been proposed since" if booked is not None else None
    return None


def obsolete(session: Session, outbox_ids: Collection[int], now: datetime) -> dict[int, str]:
    """Which of these outbox rows are nudges that no longer apply, with why: a contract
    reminder after signing, a check-in reminder after answering or closing, a meeting reminder
    for a meeting cancelled or moved, a minutes prompt once minutes are logged, and so on. The
    deliverer and the console inbox drop these instead of sending them."""
    if not outbox_ids:
        return {}
    found: dict[int, str] = {}
    for ids in _chunks(sorted(outbox_ids)):
        for nudge in session.exec(select(Nudge).where(col(Nudge.outbox_id).in_(ids))).all():
            why = _why_obsolete(session, nudge, now)
            if why is not None and nudge.outbox_id is not None:
                found[nudge.outbox_id] = why
    return found


def nudges_sent_to(session: Session, person_id: int, since: datetime) -> list[Outbox]:
    """The nudges that reached the person since ``since``, newest first (what they were asked
    unprompted: a check-in opening, a contract to sign). Read through the recipient's index."""
    return list(
        session.exec(
            select(Outbox)
            .where(
                Outbox.recipient_id == person_id,
                Outbox.kind == "nudge",
                Outbox.status == OutboxStatus.SENT.value,
                col(Outbox.sent_at) >= since,
            )
            .order_by(col(Outbox.sent_at).desc())
        ).all()
    )
