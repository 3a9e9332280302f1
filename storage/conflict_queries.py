"""The pairs of mentee and mentor that are never matched, each with why (one rule set: the
mentors a mentee is offered to rank and the steering group's matching both use it):
- a declared ``ConflictOfInterest`` (appraiser, educational supervisor, line management, ...);
- the mentor's ``conflicts`` list naming the mentee (email or name), or the mentee's
  organisation or department (as docs/scheme-format.md allows);
- the same department / the same organisation, when ``[scheme.conflict_rules]`` says so, from
  the cohort's ``settings["people"]`` (a mentor's profile organisation, a mentee's "place of
  work" answer when the file has none);
- any earlier pairing of the same two people (a re-match never returns to the old mentor);
- the same person on both sides.

Only ids and reasons leave this module: a mentor's own ``conflicts`` list is never returned.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from storage.models import (
    Application,
    Cohort,
    ConflictOfInterest,
    MentorProfile,
    Pairing,
    Person,
    Scheme,
)
from storage.scheme_settings import SchemeSettings

# Why two people are never matched: shown to the steering group when a swap is refused.
WHY_DECLARED = "a conflict of interest has been declared"
WHY_LISTED = "there is a conflict of interest"  # the mentor's own list: never say what it says
WHY_DEPARTMENT = "they work in the same department"
WHY_ORGANISATION = "they work for the same organisation"
WHY_BEFORE = "they were paired before"
WHY_SELF = "it is the same person"


def _fold(value: Any) -> str:
    return str(value or "").strip().casefold()


def forbidden_pairs(
    session: Session, cohort_id: int, mentee_ids: list[int], mentor_ids: list[int]
) -> dict[tuple[int, int], str]:
    """(mentee, mentor) -> why they are never matched, for the given people of a cohort."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        return {}
    scheme = session.get(Scheme, cohort.scheme_id)
    rules = SchemeSettings.read(scheme.settings if scheme else None).conflict_rules
    same_department = rules.same_department_conflict
    same_organisation = rules.same_organisation_conflict
    settings_people: dict[str, Any] = (cohort.settings or {}).get("people", {}) or {}
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_(sorted({*mentee_ids, *mentor_ids})))
        ).all()
    }
    profiles = {
        p.person_id: p
        for p in session.exec(
            select(MentorProfile).where(col(MentorProfile.person_id).in_(mentor_ids))
        ).all()
    }
    workplaces = {
        a.person_id: a.answers.get("workplace", "")
        for a in session.exec(
            select(Application).where(
                Application.cohort_id == cohort_id, col(Application.person_id).in_(mentee_ids)
            )
        ).all()
    }

    def where_works(person_id: int) -> tuple[str, str]:
        person = people.get(person_id)
        known = settings_people.get(person.email, {}) if person else {}
        organisation = _fold(known.get("organisation"))
        if not organisation:
            profile = profiles.get(person_id)
            organisation = _fold(profile.organisation if profile else workplaces.get(person_id))
        return organisation, _fold(known.get("department"))

    forbidden: dict[tuple[int, int], str] = {}
    wanted = {(e, m) for e in mentee_ids for m in mentor_ids}
    for row in session.exec(
        select(ConflictOfInterest).where(ConflictOfInterest.cohort_id == cohort_id)
    ).all():
        if (row.mentee_id, row.mentor_id) in wanted:
            forbidden[(row.mentee_id, row.mentor_id)] = WHY_DECLARED
    for pairing in session.exec(
        select(Pairing).where(
            col(Pairing.mentee_id).in_(mentee_ids), col(Pairing.mentor_id).in_(mentor_ids)
        )
    ).all():
        forbidden.setdefault((pairing.mentee_id, pairing.mentor_id), WHY_BEFORE)
    for mentee_id in mentee_ids:
        mentee = people.get(mentee_id)
        if mentee is None:
            continue
        mentee_org, mentee_dept = where_works(mentee_id)
        names = {_fold(mentee.email), _fold(mentee.display_name)}
        places = {x for x in (mentee_org, mentee_dept) if x}
        for mentor_id in mentor_ids:
            key = (mentee_id, mentor_id)
            if key in forbidden:
                continue
            if mentee_id == mentor_id:
                forbidden[key] = WHY_SELF
                continue
            profile = profiles.get(mentor_id)
            listed = {_fold(c) for c in (profile.conflicts if profile else [])}
            if listed & (names | places):
                forbidden[key] = WHY_LISTED
                continue
            mentor_org, mentor_dept = where_works(mentor_id)
            shared_org = bool(mentee_org) and mentee_org == mentor_org
            if same_organisation and shared_org:
                forbidden[key] = WHY_ORGANISATION
            elif same_department and shared_org and mentee_dept and mentee_dept == mentor_dept:
                forbidden[key] = WHY_DEPARTMENT
    return forbidden
