"""Reads of surveys and survey responses, scoped to the person who asks.

- ``surveys_open_to``: the surveys a mentee or mentor may answer today (answered or not).
- ``next_survey_for`` / ``last_closed_survey_for``: the next to open, the last to close.
- ``own_response``: a person's own response to one survey.
- ``responses_visible_to``: the responses to a survey that a viewer may read: their own; all of
  them for the project lead and the steering group of that cohort, EXCEPT that feedback about a
  mentor (``about_mentor`` surveys) is never shown to that mentor, even when the mentor also sits
  on the steering group.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from storage.models import (
    Cohort,
    Membership,
    Pairing,
    Role,
    Scheme,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)

ANSWERING_ROLES = (Role.MENTEE.value, Role.MENTOR.value)
READER_ROLES = (
    Role.LEAD.value,
    Role.STEERING_CHAIR.value,
    Role.STEERING_MEMBER.value,
    Role.MODERATOR.value,
)


def _answering_memberships(session: Session, person_id: int) -> list[Membership]:
    return list(
        session.exec(
            select(Membership).where(
                Membership.person_id == person_id, col(Membership.role).in_(ANSWERING_ROLES)
            )
        ).all()
    )


def surveys_open_to(session: Session, person_id: int, today: date) -> list[Survey]:
    """Surveys open on ``today`` for the person's mentee/mentor roles, soonest closing first."""
    found: dict[int, Survey] = {}
    for membership in _answering_memberships(session, person_id):
        rows = session.exec(
            select(Survey).where(
                Survey.cohort_id == membership.cohort_id,
                Survey.opens_on <= today,
                Survey.closes_on >= today,
                col(Survey.audience).in_([membership.role, "both"]),
            )
        ).all()
        for survey in rows:
            assert survey.id is not None
            found[survey.id] = survey
    return sorted(found.values(), key=lambda s: (s.closes_on, s.id or 0))


def survey_open_to(session: Session, person_id: int, survey_id: int, today: date) -> Survey | None:
    """One survey, when it is open today to this person."""
    return next((s for s in surveys_open_to(session, person_id, today) if s.id == survey_id), None)


def next_survey_for(session: Session, person_id: int, today: date) -> Survey | None:
    """The next survey to open for the person's roles after ``today``."""
    upcoming: list[Survey] = []
    for membership in _answering_memberships(session, person_id):
        upcoming += session.exec(
            select(Survey).where(
                Survey.cohort_id == membership.cohort_id,
                Survey.opens_on > today,
                col(Survey.audience).in_([membership.role, "both"]),
            )
        ).all()
    return min(upcoming, key=lambda s: s.opens_on, default=None)


def last_closed_survey_for(session: Session, person_id: int, today: date) -> Survey | None:
    """The survey for the person's roles that closed most recently before ``today``."""
    closed: list[Survey] = []
    for membership in _answering_memberships(session, person_id):
        closed += session.exec(
            select(Survey).where(
                Survey.cohort_id == membership.cohort_id,
                Survey.closes_on < today,
                col(Survey.audience).in_([membership.role, "both"]),
            )
        ).all()
    return max(closed, key=lambda s: s.closes_on, default=None)


def questions_of(session: Session, survey_id: int) -> list[SurveyQuestion]:
    """A survey's questions in order (questions are not personal data)."""
    return list(
        session.exec(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey_id)
            .order_by(col(SurveyQuestion.position))
        ).all()
    )


def own_response(session: Session, person_id: int, survey_id: int) -> SurveyResponse | None:
    """The person's own response to a survey."""
    return session.exec(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey_id, SurveyResponse.person_id == person_id
        )
    ).first()


def responses_visible_to(session: Session, viewer_id: int, survey_id: int) -> list[SurveyResponse]:
    """The responses to ``survey_id`` that ``viewer_id`` may read, oldest first.

    Everyone sees their own. The project lead and the steering group of the survey's cohort see
    the others, except that a mentor never sees their own mentees' feedback about them.
    """
    survey = session.get(Survey, survey_id)
    if survey is None:
        return []
    rows = list(
        session.exec(
            select(SurveyResponse)
            .where(SurveyResponse.survey_id == survey_id)
            .order_by(col(SurveyResponse.id))
        ).all()
    )
    reader = session.exec(
        select(Membership).where(
            Membership.person_id == viewer_id,
            Membership.cohort_id == survey.cohort_id,
            col(Membership.role).in_(READER_ROLES),
        )
    ).first()
    if reader is None:
        return [r for r in rows if r.person_id == viewer_id]
    if not survey.about_mentor:
        return rows
    # Feedback about a mentor is kept from that mentor, whatever else they are.
    own_mentees = set(
        session.exec(
            select(Pairing.mentee_id).where(
                Pairing.mentor_id == viewer_id, Pairing.cohort_id == survey.cohort_id
            )
        ).all()
    )
    return [r for r in rows if r.person_id not in own_mentees]


def cohort_and_scheme(session: Session, survey: Survey) -> tuple[Cohort, Scheme]:
    """The cohort a survey is for, and its scheme."""
    cohort = session.get(Cohort, survey.cohort_id)
    assert cohort is not None
    scheme = session.get(Scheme, cohort.scheme_id)
    assert scheme is not None
    return cohort, scheme
