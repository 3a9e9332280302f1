"""Aggregate reads for the scheme's reports, for the project lead and the steering group only.

Every function takes the id of the person asking and raises :class:`NotAllowed` unless that
person leads or steers the cohort (role lead, steering chair, steering member or moderator).

- ``cohorts_steered`` / ``find_cohort``: the cohorts a person may report on.
- ``health``: the cohort as of a moment: each pair's status (active, at risk, ended early,
  completed), contract signatures, meetings and days since the last, open and overdue actions;
  response rates per survey deadline; open concerns by category and age (counts only).
- ``period``: what happened between two moments (meetings held, pairs started and ended,
  concerns raised, actions agreed and done, surveys that closed, changes made).
- ``feedback``: evaluation answers summarised (scale questions averaged, choice questions
  counted, written answers counted, and listed only where the scheme allows it) and feedback
  about each mentor, shown only as an aggregate of enough answers that no single one can be
  traced (and never to the mentor it is about).
- ``record_change`` / ``changes``: the changes made in response to feedback.

What a report never reads: diary entries (this module does not import ``DiaryEntry``), the
text of concerns, minutes, or actions. Only counts of those leave this module, and a concern
is counted only for those allowed to report on it (never for someone in the pairing it is about).

"At risk" (documented in docs/reports.md): an active pair with any of
- no meeting held or confirmed for more than the scheme's ``nudge_both_after_weeks`` (default
  6 weeks; counted from the pairing's start when they have never met) and none booked ahead;
- an open concern about the pair;
- a contract not signed by both after its deadline.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.access import STEERING_ROLES, ConcernAction, concern_access
from storage.models import (
    ActionItem,
    AuditLog,
    Cohort,
    Concern,
    Contract,
    Meeting,
    MeetingStatus,
    Membership,
    Pairing,
    PairingStatus,
    Person,
    Scheme,
    SchemeChange,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from storage.scheme_settings import SchemeSettings

AT_RISK = "at_risk"
CONCERN_RISK = "open concern"
# Age bands of open concerns, in days: (label, up to and including).
AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("under 1 week", 6),
    ("1 to 4 weeks", 27),
    ("4 weeks or more", None),
)
_MET = (MeetingStatus.HELD.value, MeetingStatus.CONFIRMED.value)
# Questions that ask whether the project team should follow up are requests, not feedback.
FOLLOW_UP_KEY = "follow_up"


class NotAllowed(Exception):
    """The person asking neither leads nor steers this cohort (or it does not exist)."""


# ----------------------------------------------------------------------------- who may ask


def cohorts_steered(session: Session, asker_id: int) -> list[Cohort]:
    """The cohorts the person leads or steers, newest first."""
    return list(
        session.exec(
            select(Cohort)
            .join(Membership, col(Membership.cohort_id) == col(Cohort.id))
            .where(Membership.person_id == asker_id, col(Membership.role).in_(STEERING_ROLES))
            .order_by(col(Cohort.starts_on).desc(), col(Cohort.id).desc())
        ).unique()
    )


def _check(session: Session, asker_id: int, cohort_id: int) -> tuple[Cohort, Scheme]:
    if cohort_id not in {c.id for c in cohorts_steered(session, asker_id)}:
        raise NotAllowed("reports are for the project lead and the steering group")
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None
    scheme = session.get(Scheme, cohort.scheme_id)
    assert scheme is not None
    return cohort, scheme


def _reportable(session: Session, asker_id: int, concerns: Sequence[Concern]) -> list[Concern]:
    """The concerns the asker may count in a report (``storage.access``): never those about a
    pairing the asker is in, so a mentor on the steering group learns nothing of one about her."""
    return [c for c in concerns if concern_access(session, asker_id, c, ConcernAction.REPORT)]


def reported_by_default(session: Session, steered: Sequence[Cohort]) -> Cohort | None:
    """The cohort a report is about when none is named: the newest of ``steered`` with pairings
    (a running cohort: a cohort still recruiting or in selection has nothing to report yet),
    else the newest."""
    ids = [c.id for c in steered if c.id is not None]
    paired = (
        set(session.exec(select(Pairing.cohort_id).where(col(Pairing.cohort_id).in_(ids))).all())
        if len(ids) > 1
        else set()
    )
    return next((c for c in steered if c.id in paired), steered[0] if steered else None)


def find_cohort(session: Session, asker_id: int, slug: str | None = None) -> Cohort:
    """The cohort the person asks about: by ``slug`` (or ``scheme/slug``), else the one
    :func:`reported_by_default`."""
    steered = cohorts_steered(session, asker_id)
    default = reported_by_default(session, steered)
    if default is None:
        raise NotAllowed("reports are for the project lead and the steering group")
    if slug is None:
        return default
    scheme_slug, _, cohort_slug = slug.rpartition("/")
    found = [c for c in steered if c.slug == cohort_slug]
    if scheme_slug:
        schemes = {c.scheme_id: session.get(Scheme, c.scheme_id) for c in found}
        found = [c for c in found if (s := schemes[c.scheme_id]) and s.slug == scheme_slug]
    if len(found) != 1:
        raise NotAllowed(f"no cohort {slug!r} that you lead or steer")
    return found[0]


def cohorts_named(session: Session, slug: str | None) -> list[tuple[str, Cohort]]:
    """Cohorts (no personal data) as ``("scheme/cohort", cohort)``, newest first: all of them,
    or those matching ``slug`` (``SLUG`` or ``SCHEME/SLUG``). For the operator's CLI."""
    rows = session.exec(
        select(Cohort, Scheme)
        .join(Scheme, col(Scheme.id) == col(Cohort.scheme_id))
        .order_by(col(Cohort.starts_on).desc(), col(Cohort.id).desc())
    ).all()
    scheme_slug, _, cohort_slug = (slug or "").rpartition("/")
    return [
        (f"{scheme.slug}/{cohort.slug}", cohort)
        for cohort, scheme in rows
        if slug is None
        or (cohort.slug == cohort_slug and (not scheme_slug or scheme.slug == scheme_slug))
    ]


def leads_of(session: Session, cohort_id: int) -> list[Person]:
    """The cohort's project leads (not personal data beyond a name: for the CLI's default)."""
    return list(
        session.exec(
            select(Person)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .where(Membership.cohort_id == cohort_id, Membership.role == "lead")
            .order_by(col(Person.id))
        ).all()
    )


# ----------------------------------------------------------------------------- health


@dataclass(frozen=True)
class PairFigures:
    pairing_id: int
    mentee: str
    mentor: str
    # active, at_risk, ended_early or completed (as of the report's moment)
    status: str
    risks: tuple[str, ...]
    started_on: date
    ended_on: date | None
    # both, one or none
    contract: str
    meetings: int
    meeting_days: tuple[date, ...]
    last_met_on: date | None
    days_since_last: int | None
    next_booked_on: date | None
    open_actions: int
    overdue_actions: int
    open_concerns: int


@dataclass(frozen=True)
class SurveyFigures:
    survey_id: int
    key: str
    title: str
    kind: str
    audience: str
    opens_on: date
    closes_on: date
    due: int
    answered: int
    still_open: bool

    @property
    def rate(self) -> float | None:
        return self.answered / self.due if self.due else None


@dataclass(frozen=True)
class ConcernAges:
    category: str
    # counts per AGE_BANDS label, in order
    by_age: tuple[int, ...]
    unacknowledged: int

    @property
    def total(self) -> int:
        return sum(self.by_age)


@dataclass(frozen=True)
class Health:
    scheme: str
    cohort: str
    cohort_slug: str
    cohort_starts_on: date
    cohort_ends_on: date
    contract_deadline: date | None
    as_of: date
    risk_weeks: int
    pairs: tuple[PairFigures, ...]
    surveys: tuple[SurveyFigures, ...]
    concerns: tuple[ConcernAges, ...]
    # The next check-in or evaluation to open (title, opening day), when none has opened yet.
    next_survey: tuple[str, date] | None = None

    def count(self, status: str) -> int:
        return sum(1 for p in self.pairs if p.status == status)

    @property
    def current(self) -> tuple[PairFigures, ...]:
        """Pairs still running (active or at risk)."""
        return tuple(p for p in self.pairs if p.status in (PairingStatus.ACTIVE.value, AT_RISK))


def _day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(ids))).all()
    return {p.id: p.display_name for p in rows if p.id is not None}


def _status_at(pairing: Pairing, moment: datetime) -> str:
    if pairing.ended_at is not None and pairing.ended_at <= moment:
        return pairing.status
    return PairingStatus.ACTIVE.value


def _signed(contract: Contract | None, moment: datetime) -> str:
    if contract is None:
        return "none"
    signed = sum(
        1
        for at in (contract.mentee_signed_at, contract.mentor_signed_at)
        if at is not None and at <= moment
    )
    return ("none", "one", "both")[signed]


def health(session: Session, asker_id: int, cohort_id: int, moment: datetime) -> Health:
    """The cohort's health as of ``moment`` (pairs that had started by then)."""
    cohort, scheme = _check(session, asker_id, cohort_id)
    tz = ZoneInfo(scheme.time_zone)
    as_of = _day(moment, tz)
    risk_weeks = SchemeSettings.read(scheme.settings).meetings.nudge_both_after_weeks

    pairings = list(
        session.exec(
            select(Pairing)
            .where(Pairing.cohort_id == cohort_id, Pairing.started_at <= moment)
            .order_by(col(Pairing.started_at), col(Pairing.id))
        ).all()
    )
    ids = [p.id for p in pairings if p.id is not None]
    names = _names(session, {p.mentee_id for p in pairings} | {p.mentor_id for p in pairings})
    contracts = {
        c.pairing_id: c
        for c in session.exec(select(Contract).where(col(Contract.pairing_id).in_(ids))).all()
    }
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in session.exec(
        select(Meeting)
        .where(col(Meeting.pairing_id).in_(ids), col(Meeting.status).in_(_MET))
        .order_by(col(Meeting.starts_at))
    ).all():
        meetings[meeting.pairing_id].append(meeting)
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    for action in session.exec(
        select(ActionItem).where(
            col(ActionItem.pairing_id).in_(ids),
            ActionItem.created_at <= moment,
            (col(ActionItem.done_at).is_(None)) | (col(ActionItem.done_at) > moment),
        )
    ).all():
        actions[action.pairing_id].append(action)
    open_concerns = list(
        session.exec(
            select(Concern).where(
                Concern.cohort_id == cohort_id,
                Concern.created_at <= moment,
                # Open at that moment: not resolved yet, or resolved only later.
                (col(Concern.resolved_at).is_(None)) | (col(Concern.resolved_at) > moment),
            )
        ).all()
    )
    open_concerns = _reportable(session, asker_id, open_concerns)
    concerns_about = Counter(c.pairing_id for c in open_concerns if c.pairing_id is not None)

    pairs: list[PairFigures] = []
    for pairing in pairings:
        assert pairing.id is not None
        status = _status_at(pairing, moment)
        contract = contracts.get(pairing.id)
        signed = _signed(contract, moment)
        past = [m for m in meetings[pairing.id] if m.starts_at <= moment]
        ahead = [
            m
            for m in meetings[pairing.id]
            if m.starts_at > moment and m.status == MeetingStatus.CONFIRMED.value
        ]
        last = _day(past[-1].starts_at, tz) if past else None
        running = status == PairingStatus.ACTIVE.value
        since = (as_of - last).days if last is not None and running else None
        risks: list[str] = []
        if status == PairingStatus.ACTIVE.value:
            quiet_since = last or _day(pairing.started_at, tz)
            if (as_of - quiet_since).days > risk_weeks * 7 and not ahead:
                risks.append(
                    f"no meeting for over {risk_weeks} weeks"
                    if past
                    else f"not met in over {risk_weeks} weeks"
                )
            if concerns_about[pairing.id]:
                risks.append(CONCERN_RISK)
            deadline = (
                pairing.contract_deadline
                or (contract.deadline if contract else None)
                or cohort.contract_deadline
            )
            if deadline is not None and as_of > deadline and signed != "both":
                risks.append("contract unsigned after the deadline")
            if risks:
                status = AT_RISK
        pair_actions = actions[pairing.id]
        pairs.append(
            PairFigures(
                pairing_id=pairing.id,
                mentee=names.get(pairing.mentee_id, "someone who has left"),
                mentor=names.get(pairing.mentor_id, "someone who has left"),
                status=status,
                risks=tuple(risks),
                started_on=_day(pairing.started_at, tz),
                ended_on=(
                    _day(pairing.ended_at, tz)
                    if pairing.ended_at is not None and pairing.ended_at <= moment
                    else None
                ),
                contract=signed,
                meetings=len(past),
                meeting_days=tuple(_day(m.starts_at, tz) for m in past),
                last_met_on=last,
                days_since_last=since,
                next_booked_on=_day(ahead[0].starts_at, tz) if ahead else None,
                open_actions=len(pair_actions),
                overdue_actions=sum(1 for a in pair_actions if a.due is not None and a.due < as_of),
                open_concerns=concerns_about[pairing.id],
            )
        )

    by_category: dict[str, list[int]] = defaultdict(lambda: [0] * len(AGE_BANDS))
    unacknowledged: Counter[str] = Counter()
    for concern in open_concerns:
        age = (as_of - _day(concern.created_at, tz)).days
        band = next(i for i, (_, most) in enumerate(AGE_BANDS) if most is None or age <= most)
        by_category[concern.category][band] += 1
        if concern.acknowledged_at is None or concern.acknowledged_at > moment:
            unacknowledged[concern.category] += 1
    return Health(
        scheme=scheme.name,
        cohort=cohort.name,
        cohort_slug=cohort.slug,
        cohort_starts_on=cohort.starts_on,
        cohort_ends_on=cohort.ends_on,
        contract_deadline=cohort.contract_deadline,
        as_of=as_of,
        risk_weeks=risk_weeks,
        pairs=tuple(pairs),
        surveys=_surveys(session, cohort_id, moment, as_of),
        concerns=tuple(
            ConcernAges(category, tuple(counts), unacknowledged[category])
            for category, counts in sorted(by_category.items())
        ),
        next_survey=_next_survey(session, cohort_id, as_of),
    )


def _next_survey(session: Session, cohort_id: int, as_of: date) -> tuple[str, date] | None:
    survey = session.exec(
        select(Survey)
        .where(Survey.cohort_id == cohort_id, Survey.opens_on > as_of)
        .order_by(col(Survey.opens_on), col(Survey.id))
    ).first()
    return (survey.title, survey.opens_on) if survey is not None else None


def _due_people(session: Session, cohort_id: int) -> dict[str, set[int]]:
    """Who each survey audience is: everyone in the cohort with that role."""
    rows = session.exec(
        select(Membership.person_id, Membership.role).where(
            Membership.cohort_id == cohort_id, col(Membership.role).in_(("mentee", "mentor"))
        )
    ).all()
    people: dict[str, set[int]] = {"mentee": set(), "mentor": set()}
    for person_id, role in rows:
        people[role].add(person_id)
    people["both"] = people["mentee"] | people["mentor"]
    return people


def _surveys(
    session: Session, cohort_id: int, moment: datetime, as_of: date
) -> tuple[SurveyFigures, ...]:
    """Response rates of every survey that had opened by ``as_of``, by closing date."""
    people = _due_people(session, cohort_id)
    surveys = session.exec(
        select(Survey)
        .where(Survey.cohort_id == cohort_id, Survey.opens_on <= as_of)
        .order_by(col(Survey.closes_on), col(Survey.id))
    ).all()
    result: list[SurveyFigures] = []
    for survey in surveys:
        assert survey.id is not None
        due = people.get(survey.audience, set())
        answered = set(
            session.exec(
                select(SurveyResponse.person_id).where(
                    SurveyResponse.survey_id == survey.id, SurveyResponse.submitted_at <= moment
                )
            ).all()
        )
        result.append(
            SurveyFigures(
                survey_id=survey.id,
                key=survey.key,
                title=survey.title,
                kind=survey.kind,
                audience=survey.audience,
                opens_on=survey.opens_on,
                closes_on=survey.closes_on,
                due=len(due),
                answered=len(answered & due),
                still_open=survey.closes_on >= as_of,
            )
        )
    return tuple(result)


# ----------------------------------------------------------------------------- a period


@dataclass(frozen=True)
class Change:
    recorded_on: date
    text: str
    recorded_by: str


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date
    meetings_held: int
    pairs_that_met: int
    pairs_started: int
    ended_early: int
    end_reasons: tuple[tuple[str, int], ...]
    completed: int
    concerns_raised: tuple[tuple[str, int], ...]
    urgent_concerns: int
    actions_agreed: int
    actions_done: int
    surveys_closed: tuple[SurveyFigures, ...]
    changes: tuple[Change, ...]


def period(
    session: Session, asker_id: int, cohort_id: int, start: datetime, end: datetime
) -> Period:
    """What happened in the cohort from ``start`` to ``end`` (a moment: a period report ends at the
    midnight that starts its point's day, so its last day is the day before)."""
    _cohort, scheme = _check(session, asker_id, cohort_id)
    tz = ZoneInfo(scheme.time_zone)
    pairings = list(session.exec(select(Pairing).where(Pairing.cohort_id == cohort_id)).all())
    ids = [p.id for p in pairings if p.id is not None]
    held = session.exec(
        select(Meeting).where(
            col(Meeting.pairing_id).in_(ids),
            col(Meeting.status).in_(_MET),
            Meeting.starts_at >= start,
            Meeting.starts_at <= end,
        )
    ).all()
    ended = [p for p in pairings if p.ended_at is not None and start <= p.ended_at <= end]
    early = [p for p in ended if p.status == PairingStatus.ENDED_EARLY.value]
    concerns = _reportable(
        session,
        asker_id,
        session.exec(
            select(Concern).where(
                Concern.cohort_id == cohort_id,
                Concern.created_at >= start,
                Concern.created_at <= end,
            )
        ).all(),
    )
    agreed = session.exec(
        select(ActionItem).where(
            col(ActionItem.pairing_id).in_(ids),
            ActionItem.created_at >= start,
            ActionItem.created_at <= end,
        )
    ).all()
    done = session.exec(
        select(ActionItem).where(
            col(ActionItem.pairing_id).in_(ids),
            col(ActionItem.done_at).is_not(None),
            col(ActionItem.done_at) >= start,
            col(ActionItem.done_at) <= end,
        )
    ).all()
    last_moment = end - timedelta(microseconds=1)
    start_day, end_day = _day(start, tz), _day(last_moment, tz)
    closed = tuple(
        s for s in _surveys(session, cohort_id, end, end_day) if start_day <= s.closes_on <= end_day
    )
    return Period(
        starts_on=start_day,
        ends_on=end_day,
        meetings_held=len(held),
        pairs_that_met=len({m.pairing_id for m in held}),
        pairs_started=sum(1 for p in pairings if start <= p.started_at <= end),
        ended_early=len(early),
        end_reasons=tuple(sorted(Counter(p.end_reason or "not recorded" for p in early).items())),
        completed=sum(1 for p in ended if p.status == PairingStatus.COMPLETED.value),
        concerns_raised=tuple(sorted(Counter(c.category for c in concerns).items())),
        urgent_concerns=sum(1 for c in concerns if c.urgent),
        actions_agreed=len(agreed),
        actions_done=len(done),
        surveys_closed=closed,
        changes=tuple(_changes(session, cohort_id, start, end, tz)),
    )


def _changes(
    session: Session, cohort_id: int, start: datetime, end: datetime, tz: ZoneInfo
) -> list[Change]:
    rows = session.exec(
        select(SchemeChange)
        .where(
            SchemeChange.cohort_id == cohort_id,
            SchemeChange.created_at >= start,
            SchemeChange.created_at <= end,
        )
        .order_by(col(SchemeChange.created_at), col(SchemeChange.id))
    ).all()
    names = _names(session, {r.recorded_by_id for r in rows if r.recorded_by_id is not None})
    return [
        Change(
            recorded_on=_day(r.created_at, tz),
            text=r.text,
            recorded_by=names.get(r.recorded_by_id, "someone") if r.recorded_by_id else "someone",
        )
        for r in rows
    ]


def record_change(
    session: Session, asker_id: int, cohort_id: int, text: str, now: datetime
) -> SchemeChange:
    """Keep a change made in response to feedback (for the annual report)."""
    _check(session, asker_id, cohort_id)
    change = SchemeChange(cohort_id=cohort_id, text=text, recorded_by_id=asker_id, created_at=now)
    session.add(change)
    session.flush()
    return change


def changes(
    session: Session, asker_id: int, cohort_id: int, start: datetime, end: datetime
) -> list[Change]:
    _cohort, scheme = _check(session, asker_id, cohort_id)
    return _changes(session, cohort_id, start, end, ZoneInfo(scheme.time_zone))


# ----------------------------------------------------------------------------- shown and posted

# A report shown to someone in their own chat, and one posted to the lead channel (audit log).
SHOWN = "report_shown"
POSTED = "report_posted"


@dataclass(frozen=True)
class Given:
    """A report someone was given: which, as of when, with which files, and when."""

    cohort_id: int
    kind: str
    as_of: str
    formats: tuple[str, ...]
    at: datetime
    actor_id: int | None


def record_report(
    session: Session,
    actor_id: int,
    action: str,
    cohort_id: int,
    now: datetime,
    *,
    kind: str,
    as_of: date,
    formats: Sequence[str] = (),
) -> None:
    """Keep in the audit log that a report was shown (``SHOWN``) or posted (``POSTED``)."""
    detail: dict[str, Any] = {"kind": kind, "as_of": as_of.isoformat()}
    if formats:
        detail["formats"] = list(formats)
    session.add(
        AuditLog(
            at=now, actor_id=actor_id, action=action, subject=f"cohort:{cohort_id}", detail=detail
        )
    )


def _given(row: AuditLog) -> Given:
    return Given(
        cohort_id=int(row.subject.removeprefix("cohort:")),
        kind=str(row.detail.get("kind", "")),
        as_of=str(row.detail.get("as_of", "")),
        formats=tuple(row.detail.get("formats", ())),
        at=row.at,
        actor_id=row.actor_id,
    )


def posted_before(session: Session, cohort_id: int, kind: str, as_of: date) -> Given | None:
    """The first posting of this report (kind, as of the same day) to the lead channel."""
    rows = session.exec(
        select(AuditLog)
        .where(AuditLog.action == POSTED, AuditLog.subject == f"cohort:{cohort_id}")
        .order_by(col(AuditLog.id))
    ).all()
    return next(
        (
            _given(r)
            for r in rows
            if r.detail.get("kind") == kind and r.detail.get("as_of") == as_of.isoformat()
        ),
        None,
    )


def last_given(session: Session, person_id: int) -> Given | None:
    """The report last shown to ``person_id`` in their own chat."""
    row = session.exec(
        select(AuditLog)
        .where(AuditLog.action == SHOWN, AuditLog.actor_id == person_id)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .limit(1)
    ).first()
    return _given(row) if row is not None else None


# ----------------------------------------------------------------------------- feedback


@dataclass(frozen=True)
class QuestionSummary:
    survey: str
    question: str
    kind: str
    # who answered: mentees, mentors, or everyone (a survey for one audience)
    respondents: str
    answers: int
    average: float | None = None
    counts: tuple[tuple[str, int], ...] = ()
    # written answers, only when the scheme allows them in reports (sorted, never attributed)
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class MentorFeedback:
    mentor: str
    survey: str
    answers: int
    # shown, too_few or about_you (the asker is this mentor)
    visibility: str
    questions: tuple[QuestionSummary, ...] = ()


@dataclass(frozen=True)
class Feedback:
    show_free_text: bool
    min_mentor_answers: int
    evaluation: tuple[QuestionSummary, ...]
    follow_ups_requested: int
    mentors: tuple[MentorFeedback, ...]
    urgent_concerns: int
    completed: int
    ended_early: int
    still_active: int
    end_reasons: tuple[tuple[str, int], ...]
    changes: tuple[Change, ...] = field(default=())


def report_settings(scheme: Scheme) -> tuple[bool, int]:
    """``[scheme.reports]``: whether written answers appear in reports (default no), and how many
    answers a mentor's feedback needs before it is shown as an aggregate (default 3)."""
    reports = SchemeSettings.read(scheme.settings).reports
    return reports.show_free_text, reports.mentor_feedback_min_answers


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _summarise(
    survey: Survey,
    questions: list[SurveyQuestion],
    responses: list[SurveyResponse],
    respondents: str,
    show_text: bool,
) -> list[QuestionSummary]:
    result: list[QuestionSummary] = []
    for question in questions:
        if question.key == FOLLOW_UP_KEY:
            continue
        given = [
            r.answers[question.key]
            for r in responses
            if r.answers.get(question.key) not in (None, "")
        ]
        if question.kind == "scale":
            numbers = [n for n in (_number(v) for v in given) if n is not None]
            result.append(
                QuestionSummary(
                    survey.title,
                    question.text,
                    "scale",
                    respondents,
                    len(numbers),
                    average=round(sum(numbers) / len(numbers), 1) if numbers else None,
                )
            )
        elif question.kind == "choice":
            tally = Counter(str(v) for v in given)
            counts = [(choice, tally.pop(choice, 0)) for choice in question.choices]
            counts += sorted(tally.items())
            result.append(
                QuestionSummary(
                    survey.title,
                    question.text,
                    "choice",
                    respondents,
                    len(given),
                    counts=tuple(counts),
                )
            )
        else:
            result.append(
                QuestionSummary(
                    survey.title,
                    question.text,
                    "text",
                    respondents,
                    len(given),
                    texts=tuple(sorted(str(v) for v in given)) if show_text else (),
                )
            )
    return result


def _mentor_of(pairings: list[Pairing], mentee_id: int, at: datetime) -> int | None:
    """The mentee's mentor when they answered (else their latest)."""
    own = [p for p in pairings if p.mentee_id == mentee_id]
    for pairing in own:
        if pairing.started_at <= at and (pairing.ended_at is None or at < pairing.ended_at):
            return pairing.mentor_id
    return max(own, key=lambda p: p.started_at).mentor_id if own else None


def feedback(
    session: Session,
    asker_id: int,
    cohort_id: int,
    start: datetime,
    end: datetime,
    changes_until: datetime | None = None,
) -> Feedback:
    """Evaluation feedback and outcomes for the annual report (answers given by ``end``), with
    the changes made in response to feedback recorded up to ``changes_until`` (default ``end``:
    a lead often records them while writing the report, after the year is over)."""
    _cohort, scheme = _check(session, asker_id, cohort_id)
    show_text, min_answers = report_settings(scheme)
    roles = _due_people(session, cohort_id)
    surveys = session.exec(
        select(Survey)
        .where(Survey.cohort_id == cohort_id)
        .order_by(col(Survey.closes_on), col(Survey.id))
    ).all()
    pairings = list(session.exec(select(Pairing).where(Pairing.cohort_id == cohort_id)).all())
    names = _names(session, {p.mentor_id for p in pairings})
    evaluation: list[QuestionSummary] = []
    mentors: list[MentorFeedback] = []
    follow_ups = 0
    for survey in surveys:
        if survey.kind != "evaluation" and not survey.about_mentor:
            continue
        assert survey.id is not None
        responses = list(
            session.exec(
                select(SurveyResponse)
                .where(SurveyResponse.survey_id == survey.id, SurveyResponse.submitted_at <= end)
                .order_by(col(SurveyResponse.id))
            ).all()
        )
        questions = list(
            session.exec(
                select(SurveyQuestion)
                .where(SurveyQuestion.survey_id == survey.id)
                .order_by(col(SurveyQuestion.position))
            ).all()
        )
        follow_ups += sum(1 for r in responses if r.follow_up_requested)
        if survey.about_mentor:
            by_mentor: dict[int, list[SurveyResponse]] = defaultdict(list)
            for response in responses:
                mentor_id = _mentor_of(pairings, response.person_id, response.submitted_at)
                if mentor_id is not None:
                    by_mentor[mentor_id].append(response)
            for mentor_id, given in sorted(
                by_mentor.items(), key=lambda item: names.get(item[0], "")
            ):
                name = names.get(mentor_id, "a mentor who has left")
                if mentor_id == asker_id:
                    mentors.append(MentorFeedback(name, survey.title, len(given), "about_you"))
                elif len(given) < min_answers:
                    mentors.append(MentorFeedback(name, survey.title, len(given), "too_few"))
                else:
                    # Written answers about a mentor are counted, never shown.
                    summary = _summarise(survey, questions, given, "mentees", show_text=False)
                    mentors.append(
                        MentorFeedback(name, survey.title, len(given), "shown", tuple(summary))
                    )
            continue
        groups = (
            [("mentees", "mentee"), ("mentors", "mentor")]
            if survey.audience == "both"
            else [(f"{survey.audience}s", survey.audience)]
        )
        for label, role in groups:
            given = [r for r in responses if r.person_id in roles[role]]
            evaluation += _summarise(survey, questions, given, label, show_text)

    ended = [p for p in pairings if p.ended_at is not None and p.ended_at <= end]
    ended_ids = {p.id for p in ended}
    early = [p for p in ended if p.status == PairingStatus.ENDED_EARLY.value]
    urgent = _reportable(
        session,
        asker_id,
        session.exec(
            select(Concern).where(
                Concern.cohort_id == cohort_id,
                col(Concern.urgent).is_(True),
                Concern.created_at >= start,
                Concern.created_at <= end,
            )
        ).all(),
    )
    return Feedback(
        show_free_text=show_text,
        min_mentor_answers=min_answers,
        evaluation=tuple(evaluation),
        follow_ups_requested=follow_ups,
        mentors=tuple(mentors),
        urgent_concerns=len(urgent),
        completed=sum(1 for p in ended if p.status == PairingStatus.COMPLETED.value),
        ended_early=len(early),
        still_active=sum(1 for p in pairings if p.started_at <= end and p.id not in ended_ids),
        end_reasons=tuple(sorted(Counter(p.end_reason or "not recorded" for p in early).items())),
        changes=tuple(
            _changes(session, cohort_id, start, changes_until or end, ZoneInfo(scheme.time_zone))
        ),
    )
