"""Selection: the steering group's anonymised review of applications, and its decisions.

Who may do what (always checked here, from the asking person's memberships of the cohort the
application was sent to; to anyone else an application does not exist):
- *reviewers* (``steering_chair``, ``steering_member``) review each submitted application once
  its cohort's window has closed: accept / reject / unsure with a reason (stage ``member``);
- when all of them have reviewed and agree, the outcome is final (consensus); otherwise the
  *chair* decides (stage ``chair``); if the chair cannot (unsure, conflicted) or there is no
  chair, the independent *moderator* decides (stage ``moderator``);
- the *lead* and all of the above see progress (references and counts only); the lead does not
  vote. Nobody reviews their own application.

Map:
- :data:`SHOWN_TO_REVIEWERS` / :data:`WITHHELD`: which answers a reviewer sees, and why the
  others are withheld; :func:`anonymised` returns them with the applicant's name, email and
  workplace removed from the free text too;
- :func:`tasks`: what waits for the asker (their reviews to give, decisions with them);
- :func:`find_task`: one application by reference ("A-07") among those the asker may review;
- :func:`record`: write (or change) a review and move the application on: referral to the chair
  or moderator, or the final outcome (``Application.status``, ``decided_at``,
  ``decision_reason``), each kept in the audit log with who, when and why;
- :func:`verdicts`: the reviews so far, for the chair and the moderator only;
- :func:`progress`: counts per state for the lead and the steering group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from storage.models import (
    Application,
    ApplicationStatus,
    AuditLog,
    Cohort,
    Event,
    Membership,
    Person,
    Review,
    ReviewStage,
    Role,
    Verdict,
)

REVIEWER_ROLES = (Role.STEERING_CHAIR.value, Role.STEERING_MEMBER.value)
DECIDER_ROLES = (*REVIEWER_ROLES, Role.MODERATOR.value)
PROGRESS_ROLES = (Role.LEAD.value, *DECIDER_ROLES)

# The answers a reviewer sees: the ones that bear on the eligibility criteria (SCHEME.md,
# "Application"), in the order of the form.
SHOWN_TO_REVIEWERS: tuple[str, ...] = (
    "job_role",
    "professional_body",
    "leadership",
    "leadership_detail",
    "autonomy",
    "responsibilities",
    "commitment",
    "head_of_service_support",
    "why",
    "professional_interests",
    "personal_interests",
    "line_manager_told",
)
# The answers a reviewer never sees, and why. A test checks that every question of the form is
# in exactly one of the two, so a new question cannot reach reviewers without a decision.
WITHHELD: dict[str, str] = {
    "workplace": "identifies the applicant",
    # The statement is the head of service's own words: it usually names the applicant, the
    # head of service and their organisation, and names cannot be removed reliably from free
    # text we did not write. Reviewers see that support is given and that a statement was
    # provided; the project lead holds it.
    "supporting_statement": "names people (the applicant, the head of service, the workplace)",
    # Used for matching, not for selection.
    "travel": "not a selection criterion (used for matching)",
    "travel_number": "not a selection criterion (used for matching)",
    "travel_unit": "not a selection criterion (used for matching)",
}
STATEMENT = "supporting_statement"
REMOVED = "[removed]"
MAX_REASON = 500

# Words of an organisation's name that say nothing about which one it is.
_GENERIC = frozenset(
    {
        *("hospital", "hospitals", "trust", "nhs", "foundation", "university", "universities"),
        *("centre", "center", "health", "healthcare", "care", "community", "clinic", "clinics"),
        *("service", "services", "general", "district", "teaching", "group", "partnership"),
        *("board", "the", "and", "of", "for"),
    }
)


class Stage(StrEnum):
    """Where an application stands in selection."""

    MEMBERS = "members"  # waiting for reviews
    CHAIR = "chair"  # no consensus: with the chair
    MODERATOR = "moderator"  # the chair could not decide (or there is no chair)
    SELECTED = "selected"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Standing:
    """An application's place in selection, derived from its reviews and the cohort's people."""

    stage: Stage
    reviewers: tuple[int, ...]  # who must review (chair and members, not the applicant)
    member_reviews: dict[int, Review]
    chair_review: Review | None
    moderator_review: Review | None
    # "accept" or "reject" when every reviewer has reviewed and all agree.
    consensus: str | None = None

    @property
    def missing(self) -> list[int]:
        return [p for p in self.reviewers if p not in self.member_reviews]


@dataclass(frozen=True)
class _People:
    reviewers: tuple[int, ...]
    chairs: tuple[int, ...]
    moderators: tuple[int, ...]


def review_open(cohort: Cohort, today: date) -> bool:
    """Whether the cohort's applications may be reviewed on ``today`` (the asker's own date):
    after the closing day; a cohort without a closing day (a rolling intake) at any time."""
    return cohort.applications_close is None or cohort.applications_close < today


def _roles_in(session: Session, person_id: int, roles: Sequence[str]) -> dict[int, set[str]]:
    """cohort id -> the person's roles there, among ``roles``."""
    rows = session.exec(
        select(Membership.cohort_id, Membership.role).where(
            Membership.person_id == person_id, col(Membership.role).in_(roles)
        )
    ).all()
    result: dict[int, set[str]] = {}
    for cohort_id, role in rows:
        result.setdefault(cohort_id, set()).add(role)
    return result


def steers(session: Session, person_id: int) -> dict[int, set[str]]:
    """cohort id -> the person's steering roles there (lead, chair, member, moderator)."""
    return _roles_in(session, person_id, PROGRESS_ROLES)


def _people(session: Session, cohort_id: int) -> _People:
    rows = session.exec(
        select(Membership.person_id, Membership.role)
        .where(Membership.cohort_id == cohort_id, col(Membership.role).in_(DECIDER_ROLES))
        .order_by(col(Membership.person_id))
    ).all()
    reviewers = tuple(dict.fromkeys(p for p, r in rows if r in REVIEWER_ROLES))
    chairs = tuple(dict.fromkeys(p for p, r in rows if r == Role.STEERING_CHAIR.value))
    moderators = tuple(dict.fromkeys(p for p, r in rows if r == Role.MODERATOR.value))
    return _People(reviewers, chairs, moderators)


def _standing(application: Application, people: _People, reviews: Iterable[Review]) -> Standing:
    applicant = application.person_id
    reviewers = tuple(p for p in people.reviewers if p != applicant)
    member: dict[int, Review] = {}
    chair: Review | None = None
    moderator: Review | None = None
    for review in sorted(reviews, key=lambda r: (r.updated_at, r.id or 0)):
        if review.stage == ReviewStage.MEMBER.value and review.reviewer_id in reviewers:
            member[review.reviewer_id] = review
        elif review.stage == ReviewStage.CHAIR.value:
            chair = review
        elif review.stage == ReviewStage.MODERATOR.value:
            moderator = review

    def made(stage: Stage, consensus: str | None = None) -> Standing:
        return Standing(stage, reviewers, member, chair, moderator, consensus)

    if application.status == ApplicationStatus.SELECTED.value:
        return made(Stage.SELECTED)
    if application.status == ApplicationStatus.REJECTED.value:
        return made(Stage.REJECTED)
    if not reviewers or any(p not in member for p in reviewers):
        return made(Stage.MEMBERS)
    verdicts = {r.verdict for r in member.values()}
    if len(verdicts) == 1 and verdicts <= {Verdict.ACCEPT.value, Verdict.REJECT.value}:
        return made(Stage.MEMBERS, consensus=verdicts.pop())
    chairs = [p for p in people.chairs if p != applicant]
    if chairs and (chair is None or chair.verdict != Verdict.UNSURE.value):
        return made(Stage.CHAIR)
    return made(Stage.MODERATOR)


def _reviews_of(session: Session, application_ids: Sequence[int]) -> dict[int, list[Review]]:
    result: dict[int, list[Review]] = {i: [] for i in application_ids}
    if not application_ids:
        return result
    for review in session.exec(
        select(Review).where(col(Review.application_id).in_(application_ids))
    ).all():
        result[review.application_id].append(review)
    return result


def _sent(session: Session, cohort_id: int) -> list[Application]:
    """The cohort's applications that have been sent (not drafts, not withdrawn), by reference."""
    rows = session.exec(
        select(Application).where(
            Application.cohort_id == cohort_id,
            col(Application.status).not_in(
                [ApplicationStatus.DRAFT.value, ApplicationStatus.WITHDRAWN.value]
            ),
        )
    ).all()
    return sorted(rows, key=lambda a: (len(a.reference or ""), a.reference or "", a.id or 0))


def _cohort_view(session: Session, cohort_id: int) -> list[tuple[Application, Standing]]:
    people = _people(session, cohort_id)
    applications = _sent(session, cohort_id)
    reviews = _reviews_of(session, [a.id for a in applications if a.id is not None])
    return [(a, _standing(a, people, reviews[a.id or 0])) for a in applications]


def standing(session: Session, application: Application) -> Standing:
    """Where one application stands (for the dialog that has just recorded a review)."""
    assert application.id is not None
    people = _people(session, application.cohort_id)
    return _standing(application, people, _reviews_of(session, [application.id])[application.id])


# -- what waits for the asker ------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One application the asker may act on, at one stage."""

    application_id: int
    reference: str
    cohort_id: int
    cohort_name: str
    stage: ReviewStage
    # The asker's own review at this stage, when they are changing it.
    mine: Review | None = None


@dataclass(frozen=True)
class Closed:
    """A cohort the asker reviews whose window has not closed yet (review opens after)."""

    cohort_name: str
    closes_on: date
    sent: int


@dataclass(frozen=True)
class Queue:
    """What waits for the asker: decisions first, then reviews; with their progress."""

    tasks: list[Task] = field(default_factory=list)
    # cohort name -> (reviewed by the asker, sent applications they review)
    progress: dict[str, tuple[int, int]] = field(default_factory=dict)
    not_yet_open: list[Closed] = field(default_factory=list)
    cohorts: int = 0  # cohorts where the asker reviews or decides


def tasks(session: Session, asker_id: int, today: date) -> Queue:
    """The asker's reviews still to give and the decisions waiting for them (as chair or
    moderator), in the cohorts they steer whose window has closed by ``today``."""
    roles = _roles_in(session, asker_id, DECIDER_ROLES)
    decisions: list[Task] = []
    reviews: list[Task] = []
    progress: dict[str, tuple[int, int]] = {}
    not_yet: list[Closed] = []
    cohorts = sorted(
        (c for c in (session.get(Cohort, cid) for cid in roles) if c is not None),
        key=lambda c: (c.starts_on, c.id or 0),
        reverse=True,
    )
    for cohort in cohorts:
        assert cohort.id is not None
        mine = roles[cohort.id]
        view = _cohort_view(session, cohort.id)
        if not review_open(cohort, today):
            assert cohort.applications_close is not None
            not_yet.append(Closed(cohort.name, cohort.applications_close, len(view)))
            continue
        reviewing = bool(mine & set(REVIEWER_ROLES))
        own = [(a, s) for a, s in view if a.person_id != asker_id]
        if reviewing and own:
            done = sum(1 for _a, s in own if asker_id in s.member_reviews)
            progress[cohort.name] = (done, len(own))
        for application, standing_ in own:
            assert application.id is not None
            task = (application.id, application.reference or "?", cohort.id, cohort.name)
            if standing_.stage is Stage.CHAIR and Role.STEERING_CHAIR.value in mine:
                decisions.append(Task(*task, ReviewStage.CHAIR))
            elif standing_.stage is Stage.MODERATOR and Role.MODERATOR.value in mine:
                decisions.append(Task(*task, ReviewStage.MODERATOR))
            if (
                reviewing
                and standing_.stage not in (Stage.SELECTED, Stage.REJECTED)
                and asker_id not in standing_.member_reviews
            ):
                reviews.append(Task(*task, ReviewStage.MEMBER))
    return Queue(decisions + reviews, progress, not_yet, len(cohorts))


class Problem(StrEnum):
    """Why a reference the asker may see cannot be acted on."""

    NOT_OPEN = "not_open"  # the cohort's window has not closed yet
    FINAL = "final"  # the outcome is final
    MOVED = "moved"  # a button for a stage the application has left
    NOT_YOURS = "not_yours"  # a moderator asked about one the chair has not passed on


@dataclass(frozen=True)
class Found:
    """What a reference names for the asker: a task, a problem to explain, or nothing (to
    anyone who may not see it, an application does not exist)."""

    task: Task | None = None
    problem: Problem | None = None
    reference: str = ""
    cohort_name: str = ""
    closes_on: date | None = None
    stage: Stage | None = None


def find_task(session: Session, asker_id: int, reference: str, today: date) -> Found:
    """The application ``reference`` among those the asker may review or decide: their pending
    decision on it first, else their own review (new, or to change while not final). References
    are per cohort: one in a cohort open for review comes before one still taking applications."""
    wanted = _normal_reference(reference)
    roles = _roles_in(session, asker_id, DECIDER_ROLES)
    if not wanted or not roles:
        return Found()
    rows = session.exec(
        select(Application, Cohort)
        .join(Cohort, col(Cohort.id) == col(Application.cohort_id))
        .where(
            col(Application.cohort_id).in_(list(roles)),
            Application.reference == wanted,
            col(Application.status).not_in(
                [ApplicationStatus.DRAFT.value, ApplicationStatus.WITHDRAWN.value]
            ),
            Application.person_id != asker_id,
        )
        .order_by(col(Cohort.starts_on).desc())
    ).all()
    # The same reference in a cohort still taking applications is only the answer when no
    # cohort in review has it: "review A-01" means the one that can be reviewed.
    rows = sorted(rows, key=lambda row: not review_open(row[1], today))
    for application, cohort in rows:
        assert application.id is not None
        assert cohort.id is not None
        mine = roles[cohort.id]
        if not review_open(cohort, today):
            return Found(
                problem=Problem.NOT_OPEN,
                reference=wanted,
                cohort_name=cohort.name,
                closes_on=cohort.applications_close,
            )
        current = standing(session, application)
        base = (application.id, wanted, cohort.id, cohort.name)
        if current.stage in (Stage.SELECTED, Stage.REJECTED):
            return Found(
                problem=Problem.FINAL,
                reference=wanted,
                cohort_name=cohort.name,
                stage=current.stage,
            )
        if current.stage is Stage.CHAIR and Role.STEERING_CHAIR.value in mine:
            return Found(Task(*base, ReviewStage.CHAIR, current.chair_review))
        if current.stage is Stage.MODERATOR and Role.MODERATOR.value in mine:
            return Found(Task(*base, ReviewStage.MODERATOR, current.moderator_review))
        if (
            current.stage is Stage.MODERATOR
            and current.chair_review is not None
            and current.chair_review.reviewer_id == asker_id
        ):
            # The chair who couldn't decide may still decide, until the moderator has.
            return Found(Task(*base, ReviewStage.CHAIR, current.chair_review))
        if mine & set(REVIEWER_ROLES):
            return Found(Task(*base, ReviewStage.MEMBER, current.member_reviews.get(asker_id)))
        return Found(
            problem=Problem.NOT_YOURS,
            reference=wanted,
            cohort_name=cohort.name,
            stage=current.stage,
        )
    return Found()


def task_for(
    session: Session, asker_id: int, application_id: int, stage: ReviewStage, today: date
) -> Found:
    """The asker's task on one application at ``stage`` (from a button), if still theirs."""
    application = session.get(Application, application_id)
    if application is None or application.reference is None:
        return Found()
    found = find_task(session, asker_id, application.reference, today)
    if found.task is not None and found.task.application_id != application_id:
        return Found()  # the same reference in another cohort: not this one
    if found.task is not None and found.task.stage is not stage:
        current = standing(session, application)
        return Found(
            problem=Problem.MOVED,
            reference=found.task.reference,
            cohort_name=found.task.cohort_name,
            stage=current.stage,
        )
    return found


def _normal_reference(reference: str) -> str:
    match = re.fullmatch(r"\s*#?a-?0*(\d{1,4})\s*", reference, re.I)
    return f"A-{int(match.group(1)):02d}" if match else ""


# -- the anonymised application ----------------------------------------------------------------


@dataclass(frozen=True)
class Anonymised:
    """What a reviewer sees of an application: its reference and the answers that bear on the
    criteria, with the applicant's name, email and workplace removed from the text."""

    application_id: int
    reference: str
    cohort_name: str
    answers: tuple[tuple[str, str], ...]  # (key, value) in SHOWN_TO_REVIEWERS order
    statement_given: bool


def anonymised(session: Session, asker_id: int, application_id: int) -> Anonymised | None:
    """The application as the steering group of its cohort may see it; None for anyone else."""
    application = session.get(Application, application_id)
    if (
        application is None
        or application.reference is None
        or application.person_id == asker_id
        or application.status in (ApplicationStatus.DRAFT.value, ApplicationStatus.WITHDRAWN.value)
        or application.cohort_id not in _roles_in(session, asker_id, DECIDER_ROLES)
    ):
        return None
    cohort = session.get(Cohort, application.cohort_id)
    applicant = session.get(Person, application.person_id)
    assert cohort is not None
    marks = _identifiers(applicant, application, cohort)
    answers = tuple(
        (key, redact(str(application.answers[key]), marks))
        for key in SHOWN_TO_REVIEWERS
        if application.answers.get(key) not in (None, "")
    )
    return Anonymised(
        application_id=application_id,
        reference=application.reference,
        cohort_name=cohort.name,
        answers=answers,
        statement_given=bool(str(application.answers.get(STATEMENT, "")).strip()),
    )


@dataclass(frozen=True)
class _Marks:
    exact: tuple[str, ...]  # whole strings, any case
    words: tuple[str, ...]  # proper-noun words, as written


def _identifiers(applicant: Person | None, application: Application, cohort: Cohort) -> _Marks:
    exact: list[str] = []
    words: list[str] = []
    if applicant is not None:
        exact += [applicant.display_name, applicant.email, applicant.email.split("@", 1)[0]]
        words += [w for w in re.split(r"[\s\-']+", applicant.display_name) if len(w) >= 3]
        people = cohort.settings.get("people", {})
        known = people.get(applicant.email) if isinstance(people, dict) else None
        # The organisation identifies; the department ("Nuclear Medicine") is a specialism,
        # which reviewers need and which names nobody, so it stays.
        organisation = known.get("organisation") if isinstance(known, dict) else None
        if isinstance(organisation, str) and organisation.strip():
            exact.append(organisation)
            words += _distinctive(organisation)
    workplace = application.answers.get("workplace")
    if isinstance(workplace, str) and workplace.strip():
        exact.append(workplace)
        words += _distinctive(workplace)
    return _Marks(
        tuple(sorted({e.strip() for e in exact if len(e.strip()) >= 3}, key=len, reverse=True)),
        tuple(sorted(set(words), key=len, reverse=True)),
    )


def _distinctive(name: str) -> list[str]:
    return [
        w for w in re.findall(r"[A-Za-z][\w&]+", name) if len(w) >= 4 and w.lower() not in _GENERIC
    ]


def redact(text: str, marks: _Marks) -> str:
    """``text`` with every mark replaced by "[removed]"."""
    for mark in marks.exact:
        text = re.sub(rf"(?<!\w){re.escape(mark)}(?!\w)", REMOVED, text, flags=re.I)
    for word in marks.words:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REMOVED, text)
    return text


# -- the reviews so far, for the chair and the moderator ---------------------------------------


@dataclass(frozen=True)
class Said:
    reviewer: str
    stage: str
    verdict: str
    reason: str
    at: datetime


def verdicts(session: Session, asker_id: int, application_id: int) -> list[Said]:
    """The reviews of an application so far, for a chair or moderator of its cohort."""
    application = session.get(Application, application_id)
    if application is None or application.person_id == asker_id:
        return []
    roles = _roles_in(session, asker_id, (Role.STEERING_CHAIR.value, Role.MODERATOR.value))
    if application.cohort_id not in roles:
        return []
    current = standing(session, application)
    rows = [*current.member_reviews.values()]
    rows += [r for r in (current.chair_review, current.moderator_review) if r is not None]
    result: list[Said] = []
    for review in rows:
        person = session.get(Person, review.reviewer_id)
        name = person.display_name if person is not None else "a former member"
        result.append(Said(name, review.stage, review.verdict, review.reason, review.updated_at))
    return result


# -- recording a review and moving the application on ------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What one review did."""

    reference: str
    cohort_id: int
    cohort_name: str
    changed_from: str | None  # the previous verdict when a review was changed
    before: Stage
    after: Stage
    # Set when the outcome became final with this review: "selected" / "rejected", and how.
    outcome: str | None = None
    decided_by: str | None = None  # "consensus", "chair", "moderator"
    reason: str | None = None  # the decision reason (what a rejected applicant is told)
    # Who must now be asked (the chairs or the moderators), when it moved to them or their
    # picture changed.
    ask: tuple[int, ...] = ()
    nobody_to_ask: bool = False
    asker_decides: bool = False  # the asker is the chair (or moderator) now asked
    # The members' verdicts now (no names): how split the group is, for the lead channel.
    member_verdicts: tuple[str, ...] = ()
    applicant_id: int | None = None  # only to address the outcome message


def record(
    session: Session,
    asker_id: int,
    task: Task,
    verdict: Verdict,
    reason: str,
    now: datetime,
) -> Recorded | None:
    """Write the asker's review at the task's stage (or change it), then settle the outcome.

    The application row is locked first (``FOR UPDATE`` on PostgreSQL) so that two reviewers
    giving the last two reviews at once cannot both miss the consensus. None when the asker may
    no longer act on it (the outcome became final meanwhile, or their role changed)."""
    application = session.exec(
        select(Application).where(Application.id == task.application_id).with_for_update()
    ).first()
    if application is None or application.id is None or application.reference is None:
        return None
    roles = _roles_in(session, asker_id, DECIDER_ROLES).get(application.cohort_id, set())
    allowed = {
        ReviewStage.MEMBER: bool(roles & set(REVIEWER_ROLES)),
        ReviewStage.CHAIR: Role.STEERING_CHAIR.value in roles,
        ReviewStage.MODERATOR: Role.MODERATOR.value in roles,
    }[task.stage]
    if not allowed or application.person_id == asker_id:
        return None
    before = standing(session, application)
    if before.stage in (Stage.SELECTED, Stage.REJECTED):
        return None
    chair_changing_mind = (
        before.stage is Stage.MODERATOR
        and before.chair_review is not None
        and before.chair_review.reviewer_id == asker_id
    )
    if (
        task.stage is ReviewStage.CHAIR
        and before.stage is not Stage.CHAIR
        and not chair_changing_mind
    ):
        return None
    if task.stage is ReviewStage.MODERATOR and before.stage is not Stage.MODERATOR:
        return None
    if task.stage is ReviewStage.MODERATOR and verdict is Verdict.UNSURE:
        return None
    reason = reason.strip()[:MAX_REASON]
    row = session.exec(
        select(Review).where(
            Review.application_id == application.id,
            Review.reviewer_id == asker_id,
            Review.stage == task.stage.value,
        )
    ).first()
    subject = f"application:{application.id}"
    detail = {
        "reference": application.reference,
        "cohort_id": application.cohort_id,
        "stage": task.stage.value,
        "verdict": verdict.value,
        "reason": reason,
    }
    changed_from: str | None = None
    if row is None:
        row = Review(
            application_id=application.id,
            reviewer_id=asker_id,
            stage=task.stage.value,
            verdict=verdict.value,
            reason=reason,
            created_at=now,
            updated_at=now,
        )
        _audit(session, asker_id, "review_recorded", subject, now, detail)
    else:
        changed_from = row.verdict
        _audit(
            session,
            asker_id,
            "review_changed",
            subject,
            now,
            {**detail, "previous_verdict": row.verdict, "previous_reason": row.reason},
        )
        row.verdict, row.reason, row.updated_at = verdict.value, reason, now
    session.add(row)
    session.flush()
    after = standing(session, application)
    cohort = session.get(Cohort, application.cohort_id)
    assert cohort is not None
    assert cohort.id is not None
    result = Recorded(
        reference=application.reference,
        cohort_id=cohort.id,
        cohort_name=cohort.name,
        changed_from=changed_from,
        before=before.stage,
        after=after.stage,
        member_verdicts=tuple(r.verdict for r in after.member_reviews.values()),
    )
    outcome, by, why = _final(task.stage, verdict, reason, after)
    if outcome is not None:
        application.status = outcome
        application.decided_at = now
        application.decision_reason = why
        session.add(application)
        reviews = [*after.member_reviews.values()]
        reviews += [r for r in (after.chair_review, after.moderator_review) if r is not None]
        _audit(
            session,
            asker_id,
            "selection_decided",
            subject,
            now,
            {
                "reference": application.reference,
                "cohort_id": cohort.id,
                "outcome": outcome,
                "decided_by": by,
                "reason": why,
                "reviews": [
                    {
                        "reviewer_id": r.reviewer_id,
                        "stage": r.stage,
                        "verdict": r.verdict,
                        "reason": r.reason,
                        "at": r.updated_at.isoformat(),
                    }
                    for r in reviews
                ],
            },
        )
        final_stage = (
            Stage.SELECTED if outcome == ApplicationStatus.SELECTED.value else Stage.REJECTED
        )
        return replace(
            result,
            after=final_stage,
            outcome=outcome,
            decided_by=by,
            reason=why,
            applicant_id=application.person_id,
        )
    if after.stage in (Stage.CHAIR, Stage.MODERATOR):
        people = _people(session, cohort.id)
        deciders = people.chairs if after.stage is Stage.CHAIR else people.moderators
        deciders = tuple(p for p in deciders if p != application.person_id)
        # The asker is in the chat already: their own decision comes next there.
        ask = tuple(p for p in deciders if p != asker_id)
        moved = after.stage is not before.stage
        picture_changed = not moved and task.stage is ReviewStage.MEMBER
        if moved:
            _audit(
                session,
                asker_id,
                "selection_referred",
                subject,
                now,
                {
                    "reference": application.reference,
                    "cohort_id": cohort.id,
                    "to": after.stage.value,
                    "verdicts": {str(p): r.verdict for p, r in after.member_reviews.items()},
                },
            )
        if moved or picture_changed:
            return replace(
                result,
                ask=ask,
                nobody_to_ask=moved and not deciders,
                asker_decides=asker_id in deciders,
            )
    return result


def _final(
    stage: ReviewStage, verdict: Verdict, reason: str, after: Standing
) -> tuple[str | None, str | None, str | None]:
    """(outcome, decided by, reason) when the outcome is now final."""
    outcomes = {
        Verdict.ACCEPT.value: ApplicationStatus.SELECTED.value,
        Verdict.REJECT.value: ApplicationStatus.REJECTED.value,
    }
    if stage in (ReviewStage.CHAIR, ReviewStage.MODERATOR) and verdict is not Verdict.UNSURE:
        return outcomes[verdict.value], stage.value, reason
    if after.consensus is not None:
        reasons = list(dict.fromkeys(r.reason for r in after.member_reviews.values() if r.reason))
        return outcomes[after.consensus], "consensus", "\n".join(reasons)
    return None, None, None


def _audit(
    session: Session,
    actor_id: int,
    action: str,
    subject: str,
    at: datetime,
    detail: dict[str, object],
) -> None:
    session.add(AuditLog(at=at, actor_id=actor_id, action=action, subject=subject, detail=detail))


def applicant(session: Session, application_id: int) -> Person | None:
    """The applicant, only to address the outcome message to them (never shown to reviewers)."""
    application = session.get(Application, application_id)
    return session.get(Person, application.person_id) if application is not None else None


def launch(session: Session, cohort_id: int) -> Event | None:
    """The cohort's launch event (key "launch"), if it has one."""
    return session.exec(
        select(Event).where(Event.cohort_id == cohort_id, Event.key == "launch")
    ).first()


# -- progress, for the lead and the steering group ---------------------------------------------


@dataclass(frozen=True)
class Progress:
    cohort_name: str
    closes_on: date | None
    open_for_review: bool
    by_stage: dict[Stage, list[str]]  # stage -> references
    # Reviewers with reviews still to give: (name, how many), most first.
    waiting_on: list[tuple[str, int]]
    # The asker's own reviews: (given, to give in all), when they review.
    mine: tuple[int, int] | None
    chair_appointed: bool
    moderator_appointed: bool


def progress(session: Session, asker_id: int, today: date) -> list[Progress]:
    """Selection progress in each cohort the asker leads or steers: references only."""
    result: list[Progress] = []
    roles = steers(session, asker_id)
    cohorts = [c for c in (session.get(Cohort, cid) for cid in roles) if c is not None]
    for cohort in sorted(cohorts, key=lambda c: (c.starts_on, c.id or 0), reverse=True):
        assert cohort.id is not None
        view = _cohort_view(session, cohort.id)
        by_stage: dict[Stage, list[str]] = {s: [] for s in Stage}
        waiting: dict[int, int] = {}
        for application, standing_ in view:
            by_stage[standing_.stage].append(application.reference or "?")
            if standing_.stage is Stage.MEMBERS:
                for person_id in standing_.missing:
                    waiting[person_id] = waiting.get(person_id, 0) + 1
        names: list[tuple[str, int]] = []
        for person_id, count in sorted(waiting.items(), key=lambda kv: (-kv[1], kv[0])):
            person = session.get(Person, person_id)
            names.append((person.display_name if person else "a former member", count))
        mine: tuple[int, int] | None = None
        if roles[cohort.id] & set(REVIEWER_ROLES):
            own = [(a, s) for a, s in view if a.person_id != asker_id]
            mine = (sum(1 for _a, s in own if asker_id in s.member_reviews), len(own))
        people = _people(session, cohort.id)
        result.append(
            Progress(
                cohort_name=cohort.name,
                closes_on=cohort.applications_close,
                open_for_review=review_open(cohort, today),
                by_stage=by_stage,
                waiting_on=names,
                mine=mine,
                chair_appointed=bool(people.chairs),
                moderator_appointed=bool(people.moderators),
            )
        )
    return result
