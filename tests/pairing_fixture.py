"""A demo cohort at the pairing stage: five selected mentees with their top 3, three more mentors
with free places, and conflicts of interest of every kind. Used by tests/test_pairing_journey.py
(and handy for trying the matching in ``mentorbot chat`` on a demo copy).

Mentors with a free place: Leah Dunn (2 places, from the demo), Sam Patel (1), Jo Reid (1, in
the Pacific/Kiritimati time zone, UTC+14). Tom Okafor and Owen Whitfield (the demo's) are full.

| ref  | mentee    | top 3                  | conflicts                                              |
| A-01 | Ana Lopez | Sam, Jo, Leah          |                                                        |
| A-02 | Ben Cole  | Sam, Leah              |                                                        |
| A-03 | Cara Diaz | Jo                     |                                                        |
| A-04 | Dan Eze   | Tom, Owen (both full)  | Leah (declared: line management), Sam (same department), Jo (Jo's own list) |
| A-05 | Eve Fox   | Sam                    | Sam is her appraiser (declared)                        |

A greedy first-come loop matches 3 (Ana->Sam, Ben->Leah, Cara->Jo; Dan and Eve left out); the
best matching matches 4 (Eve -> Leah or Jo, unranked), with the same 2 first choices.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import select

from storage.db import transaction
from storage.models import (
    Application,
    ApplicationStatus,
    Cohort,
    ConflictKind,
    ConflictOfInterest,
    Membership,
    MentorProfile,
    Person,
)

MENTEES = [
    ("A-01", "ana@example.org", "Ana Lopez"),
    ("A-02", "ben@example.org", "Ben Cole"),
    ("A-03", "cara@example.org", "Cara Diaz"),
    ("A-04", "dan@example.org", "Dan Eze"),
    ("A-05", "eve@example.org", "Eve Fox"),
]
PREFERENCES = {
    "ana@example.org": ["sam@example.org", "jo@example.org", "mentor3@example.org"],
    "ben@example.org": ["sam@example.org", "mentor3@example.org"],
    "cara@example.org": ["jo@example.org"],
    "dan@example.org": ["mentor@example.org", "mentor2@example.org"],
    "eve@example.org": ["sam@example.org"],
}


def add_pairing_stage(db: Engine, now: datetime, *, declared: bool = True) -> None:
    """Add the people above to the demo cohort. ``declared=False`` leaves out the two declared
    conflicts (a test can then declare them in chat)."""
    with transaction(db) as s:
        cohort = s.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        assert cohort.id is not None
        people = dict(cohort.settings.get("people", {}))  # a copy: JSON columns see assignment
        ids: dict[str, int] = {
            p.email: p.id for p in s.exec(select(Person)).all() if p.id is not None
        }
        for email, name, zone, dept in (
            ("sam@example.org", "Sam Patel", "Europe/London", "Breast Screening"),
            ("jo@example.org", "Jo Reid", "Pacific/Kiritimati", "Oncology"),
        ):
            person = Person(email=email, display_name=name, time_zone=zone, created_at=now)
            s.add(person)
            s.flush()
            assert person.id is not None
            ids[email] = person.id
            s.add(Membership(person_id=person.id, cohort_id=cohort.id, role="mentor"))
            s.add(
                MentorProfile(
                    person_id=person.id,
                    bio=f"{name}: a service manager who enjoys mentoring new leaders.",
                    contact_preference="Phone, weekday afternoons"
                    if email.startswith("sam")
                    else "",
                    organisation="Westbrook Hospitals NHS Trust",
                    capacity=1,
                    conflicts=["dan@example.org"] if email.startswith("jo") else [],
                    updated_at=now,
                )
            )
            people[email] = {"organisation": "Westbrook Hospitals NHS Trust", "department": dept}
        for _ref, email, name in MENTEES:
            person = Person(email=email, display_name=name, created_at=now)
            s.add(person)
            s.flush()
            assert person.id is not None
            ids[email] = person.id
            s.add(Membership(person_id=person.id, cohort_id=cohort.id, role="mentee"))
        # Dan works in Sam's department: the same-department rule keeps them apart.
        people["dan@example.org"] = {
            "organisation": "Westbrook Hospitals NHS Trust",
            "department": "Breast Screening",
        }
        cohort.settings = {**cohort.settings, "people": people}
        s.add(cohort)
        for ref, email, _name in MENTEES:
            s.add(
                Application(
                    cohort_id=cohort.id,
                    person_id=ids[email],
                    reference=ref,
                    status=ApplicationStatus.SELECTED.value,
                    answers={"workplace": "Westbrook Hospitals NHS Trust"},
                    preferences=[ids[m] for m in PREFERENCES[email]],
                    created_at=now,
                    submitted_at=now,
                    decided_at=now,
                )
            )
        if declared:
            chair = ids["chair@example.org"]
            for mentee, mentor, kind in (
                ("dan@example.org", "mentor3@example.org", ConflictKind.LINE_MANAGEMENT),
                ("eve@example.org", "sam@example.org", ConflictKind.APPRAISER),
            ):
                s.add(
                    ConflictOfInterest(
                        cohort_id=cohort.id,
                        mentee_id=ids[mentee],
                        mentor_id=ids[mentor],
                        kind=kind.value,
                        declared_by_id=chair,
                        created_at=now,
                    )
                )
