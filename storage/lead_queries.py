"""What the project lead and steering group may act on: alerts in the lead channel.

An alert is a concern (reference ``C<id>``) or a nudge posted to the lead channel (``N<id>``).
Who may do what with a concern is decided in one place, ``storage.access``; a reminder is for
those who steer a cohort it is about (a steering member their own cohort, the lead and chair
their whole scheme). To anyone else an alert does not exist.

On the console (``mentorbot chat``), a scheme's lead channel with no route of its own (no Slack,
Teams or webhook address: :func:`console_lead_channels`) is shown to its project lead and
steering chair, those whose reach is the whole scheme (``storage.access.SCHEME_WIDE_ROLES``, the
same two who may choose the channel), and to nobody else; an alert about a concern is shown only
to those the rule in ``storage.access`` lets read it (:func:`may_see_in_console`), so the others
leave it for whoever may.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import audit, survey_queries
from storage.access import (
    SCHEME_WIDE_ROLES,
    ConcernAction,
    concern_access,
    concern_for,
    reach,
    reaches,
    subjects,
)
from storage.access import STEERING_ROLES as STEERING_ROLES
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
    Scheme,
    SecondRoute,
    Survey,
    SurveyResponse,
)
from storage.outbox_queries import DeadLetter, dead_letters

# The largest id a database row can have (PostgreSQL's integer): a bigger reference is no alert.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Alert:
    ref: str
    scheme_id: int
    channel: str | None
    concern: Concern | None = None
    nudge: Nudge | None = None
    # A follow-up request from a check-in (reference ``F<response id>``).
    response: SurveyResponse | None = None


def _steers_cohort(session: Session, person_id: int, cohort_id: int) -> bool:
    """Whether the person holds a steering role in the cohort itself (for matching)."""
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


# What each verb does with a concern, for the rule in ``storage.access``.
VERB_ACTIONS = {
    "open": ConcernAction.READ,
    "ack": ConcernAction.ACK,
    "snooze": ConcernAction.SNOOZE,
    "contact": ConcernAction.CONTACT,
    "resolve": ConcernAction.RESOLVE,
}


def nudge_cohorts(session: Session, nudge: Nudge, scheme_id: int) -> set[int]:
    """The cohorts a lead-channel reminder is about, read from its subject: a cohort, a
    survey's cohort, or the cohorts of the scheme a person takes part in."""
    kind, _, rest = nudge.subject.partition(":")
    number = rest.split(">")[0]
    if not number.isdigit():
        return set()
    if kind == "cohort":
        return {int(number)}
    if kind == "survey":
        survey = session.get(Survey, int(number))
        return {survey.cohort_id} if survey is not None else set()
    if kind == "person":
        return set(
            session.exec(
                select(Membership.cohort_id)
                .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
                .where(Membership.person_id == int(number), Cohort.scheme_id == scheme_id)
            ).all()
        )
    return set()


def alert_for(session: Session, person_id: int, ref: str, verb: str = "open") -> Alert | None:
    """The alert ``ref`` if it exists and the person may do ``verb`` with it (a concern: the
    rule in ``storage.access``; a reminder: they steer a cohort it is about)."""
    kind, number = ref[:1].upper(), ref[1:]
    if not (number.isascii() and number.isdigit()) or int(number) > MAX_ID:
        return None  # no such alert (nor one past what the database can hold)
    if kind == "C":
        action = VERB_ACTIONS.get(verb, ConcernAction.READ)
        concern = concern_for(session, person_id, int(number), action)
        if (
            concern is None
            or concern.raised_by_id == person_id
            or not reaches(session, person_id, concern.cohort_id)
        ):
            return None  # the raiser reads their own concern in their export, not as an alert
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
        if not nudge_cohorts(session, nudge, outbox.scheme_id) & reach(session, person_id):
            return None
        return Alert(
            ref=f"N{number}", scheme_id=outbox.scheme_id, channel=outbox.channel, nudge=nudge
        )
    if kind == "F":
        return _follow_up(session, person_id, int(number))
    return None


def _follow_up(session: Session, person_id: int, response_id: int) -> Alert | None:
    """A follow-up request, for those who may read its answers (never the mentor feedback is
    about: ``storage.survey_queries.responses_visible_to``) other than who asked."""
    response = session.get(SurveyResponse, response_id)
    if response is None or not response.follow_up_requested or response.person_id == person_id:
        return None
    readable = survey_queries.responses_visible_to(session, person_id, response.survey_id)
    survey = session.get(Survey, response.survey_id)
    if survey is None or response not in readable:
        return None
    cohort = session.get(Cohort, survey.cohort_id)
    assert cohort is not None
    return Alert(ref=f"F{response_id}", scheme_id=cohort.scheme_id, channel=None, response=response)


def acknowledgement(session: Session, ref: str, concern: Concern | None = None) -> AuditLog | None:
    """The first acknowledgement of ``ref``; of a concern, the first by someone allowed to
    acknowledge it (one by its subject, recorded before the rule, does not count)."""
    rows = session.exec(
        select(AuditLog)
        .where(AuditLog.action == "acknowledged", AuditLog.subject == ref)
        .order_by(col(AuditLog.id))
    ).all()
    return next(
        (
            row
            for row in rows
            if concern is None
            or (
                row.actor_id is not None
                and concern_access(session, row.actor_id, concern, ConcernAction.ACK)
            )
        ),
        None,
    )


@dataclass(frozen=True)
class ConsoleChannel:
    """A scheme's lead channel as the console shows it to one reader."""

    scheme_id: int
    channel: str
    time_zone: str


def console_lead_channels(session: Session, person_id: int) -> list[ConsoleChannel]:
    """The lead channels the person reads in ``mentorbot chat``: of each scheme where they are
    the project lead or the steering chair, when the channel has no route on a chat platform or
    a webhook (its alerts would be delivered there, and the console must not take them)."""
    scheme_ids = session.exec(
        select(Cohort.scheme_id)
        .join(Membership, col(Membership.cohort_id) == col(Cohort.id))
        .where(Membership.person_id == person_id, col(Membership.role).in_(SCHEME_WIDE_ROLES))
        .distinct()
    ).all()
    if not scheme_ids:
        return []
    schemes = session.exec(
        select(Scheme).where(col(Scheme.id).in_(scheme_ids)).order_by(col(Scheme.id))
    ).all()
    found: list[ConsoleChannel] = []
    for scheme in schemes:
        channels = (scheme.settings or {}).get("channels")
        route = channels.get(scheme.lead_channel) if isinstance(channels, dict) else None
        routed = isinstance(route, dict) and route.get("platform") not in (None, "console")
        if scheme.id is not None and not routed:
            found.append(ConsoleChannel(scheme.id, scheme.lead_channel, scheme.time_zone))
    return found


def channel_read_by(session: Session, person_id: int, since: datetime) -> set[int]:
    """The outbox ids of the lead-channel messages the person was shown in their console since
    ``since`` (each showing is a ``channel_read`` audit row listing them)."""
    rows = session.exec(
        select(AuditLog.detail).where(
            AuditLog.action == audit.CHANNEL_READ,
            col(AuditLog.actor_id) == person_id,
            col(AuditLog.at) >= since,
        )
    ).all()
    return {int(i) for detail in rows for i in (detail or {}).get("outbox_ids", [])}


def may_see_in_console(session: Session, person_id: int, row: Outbox) -> bool:
    """Whether a lead-channel row of one of the person's :func:`console_lead_channels` may be
    shown to them: not an alert about a concern they may not read (one about their own pairing,
    or one they raised), and not a notice meant for a route of its own."""
    if row.address is not None:
        return False
    if row.concern_id is None:
        return True
    concern = concern_for(session, person_id, row.concern_id, ConcernAction.READ)
    return concern is not None and concern.raised_by_id != person_id


def people_to_contact(session: Session, alert: Alert) -> list[Person]:
    """Who the alert is about: the concern's author, or the person a nudge alert names."""
    ids: list[int] = []
    if alert.concern is not None:
        ids.append(alert.concern.raised_by_id)
    elif alert.response is not None:
        ids.append(alert.response.person_id)
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


def letter_concern(session: Session, letter: DeadLetter) -> Concern | None:
    """The concern an undelivered message is about, if any: a lead-channel alert, a second
    route or an escalation of it, or a message written in the turn that raised it (the
    raiser's reply, a message to the partner) to its raiser or one of its subjects."""
    concern_id = letter.concern_id
    if concern_id is None:
        concern_id = session.exec(
            select(SecondRoute.concern_id).where(SecondRoute.outbox_id == letter.id)
        ).first()
    if concern_id is None:
        subject = session.exec(select(Nudge.subject).where(Nudge.outbox_id == letter.id)).first()
        kind, _, rest = (subject or "").partition(":")
        number = rest.split(">")[0]
        if kind == "concern" and number.isdigit():
            concern_id = int(number)
    if concern_id is not None:
        return session.get(Concern, concern_id)
    if letter.recipient_id is None:
        return None
    for concern in session.exec(select(Concern).where(Concern.created_at == letter.created_at)):
        if letter.recipient_id == concern.raised_by_id or letter.recipient_id in subjects(
            session, concern
        ):
            return concern
    return None


def record(
    session: Session, actor_id: int, action: str, ref: str, at: datetime, **detail: Any
) -> None:
    audit.record(session, action, ref, at, actor_id=actor_id, **detail)


def failed_for(session: Session, person_id: int, scheme_ids: set[int]) -> list[DeadLetter]:
    """The messages of these schemes that could not be delivered, as ``person_id`` may see
    them: their own cohorts' (a steering member) or their scheme's (the lead and chair), and
    none about a concern they may not read (nobody learns of one, not even from this)."""
    cohorts = reach(session, person_id)
    letters = []
    for scheme_id in sorted(scheme_ids):
        for letter in dead_letters(session, scheme_id, limit=20, cohort_ids=cohorts):
            about = letter_concern(session, letter)
            if about is None or concern_access(session, person_id, about, ConcernAction.READ):
                letters.append(letter)
    return letters


# What was done to an alert, as its history tells it.
HISTORY = ("acknowledged", "snoozed", "resolved")


def history(session: Session, ref: str) -> list[AuditLog]:
    """Who acknowledged, snoozed and resolved an alert, and when (oldest first)."""
    return list(
        session.exec(
            select(AuditLog)
            .where(AuditLog.subject == ref, col(AuditLog.action).in_(HISTORY))
            .order_by(col(AuditLog.at), col(AuditLog.id))
        ).all()
    )


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


def alerted_unacknowledged(session: Session) -> list[tuple[Concern, datetime]]:
    """Concerns whose alert reached a lead channel and that nobody has acknowledged or resolved
    yet, with when the alert went out (callers check who may act on each: ``alert_for``)."""
    rows = session.exec(
        select(Concern, Outbox.sent_at)
        .join(Outbox, col(Outbox.concern_id) == col(Concern.id))
        .where(
            col(Concern.acknowledged_at).is_(None),
            col(Concern.resolved_at).is_(None),
            col(Outbox.channel).is_not(None),
            col(Outbox.sent_at).is_not(None),
        )
        .order_by(col(Outbox.sent_at))
    ).all()
    first: dict[int, tuple[Concern, datetime]] = {}
    for concern, sent_at in rows:
        if concern.id is not None and sent_at is not None:
            first.setdefault(concern.id, (concern, sent_at))
    return list(first.values())
