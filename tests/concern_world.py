"""(Support for tests/test_concern_access.py; no tests here.) The demo scheme with everyone a
concern rule must tell apart, and two concerns raised through chat.

On top of the demo (Morgan the lead, Grace the chair, Dev on the steering group, Alex the
moderator, Priya & Tom, Nadia & Owen, and Leah, a mentor who sits on the steering group):
- Sam Reed, a mentee paired with Leah;
- a second cohort of the scheme, steered by Kim Lowe (a steering member there only);
- C1: Priya's concern about Tom; C2: Sam's concern about Leah (an urgent one).

``ROLES`` names each role's email and the concern it is tested against: the partner with C1 (Tom
holds no other role), everyone else with C2 (the partner there, Leah, is on the steering group).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Cohort, Membership, Pairing, Person, Role
from tests.transcript import Chat

C1_TEXT = "Tom has cancelled our last four meetings at the last minute"
C2_TEXT = "my mentor shared a patient's scan in our team chat"


@dataclass(frozen=True)
class Who:
    email: str
    ref: str


ROLES = {
    "raiser": Who("mentee3@example.org", "C2"),
    "partner": Who("mentor@example.org", "C1"),
    "partner_on_steering": Who("mentor3@example.org", "C2"),
    "other_steering_member": Who("steering@example.org", "C2"),
    "steering_of_other_cohort": Who("steering2@example.org", "C2"),
    "lead": Who("lead@example.org", "C2"),
    "chair": Who("chair@example.org", "C2"),
    "moderator": Who("moderator@example.org", "C2"),
    "unrelated_mentee": Who("mentee2@example.org", "C2"),
    "unrelated_mentor": Who("mentor2@example.org", "C2"),
}
# Those who may open, acknowledge, snooze, get contact details, resolve and report on C2.
ACTORS = {"other_steering_member", "lead", "chair", "moderator"}
RAISERS = {"C1": "mentee@example.org", "C2": "mentee3@example.org"}
TEXTS = {"C1": C1_TEXT, "C2": C2_TEXT}


def add_person(db: Engine, clock: Clock, email: str, name: str, cohort: str, *roles: str) -> int:
    with transaction(db) as s:
        person = s.exec(select(Person).where(Person.email == email)).first()
        if person is None:
            person = Person(email=email, display_name=name, created_at=clock.now())
            s.add(person)
            s.flush()
        target = s.exec(select(Cohort).where(Cohort.slug == cohort)).one()
        assert person.id is not None
        assert target.id is not None
        for role in roles:
            s.add(Membership(person_id=person.id, cohort_id=target.id, role=role))
        return person.id


def pair(db: Engine, clock: Clock, mentee: str, mentor: str) -> None:
    with transaction(db) as s:
        cohort = s.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        ids = {
            p.email: p.id
            for p in s.exec(select(Person).where(Person.email.in_([mentee, mentor])))  # type: ignore[attr-defined]
        }
        assert cohort.id is not None
        s.add(
            Pairing(
                cohort_id=cohort.id,
                mentee_id=ids[mentee],
                mentor_id=ids[mentor],
                started_at=clock.now() - timedelta(days=28),
            )
        )


def build(db: Engine, clock: Clock) -> None:
    """The demo plus Sam, a second cohort with Kim, and C1 and C2 (see the module docstring)."""
    with transaction(db) as s:
        demo = s.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        s.add(
            Cohort(
                scheme_id=demo.scheme_id,
                slug="second",
                name="Second cohort",
                starts_on=date(2027, 1, 11),
                ends_on=date(2028, 1, 10),
            )
        )
    add_person(db, clock, "mentee3@example.org", "Sam Reed", "demo-cohort", Role.MENTEE.value)
    add_person(db, clock, "steering2@example.org", "Kim Lowe", "second", Role.STEERING_MEMBER.value)
    pair(db, clock, "mentee3@example.org", "mentor3@example.org")
    raise_concern(Chat(db, clock, "mentee@example.org"), f"raise a concern: {C1_TEXT}", "1")
    raise_concern(
        Chat(db, clock, "mentee3@example.org"), f"I want to raise a safeguarding concern: {C2_TEXT}"
    )


def raise_concern(chat: Chat, opening: str, category: str | None = None) -> None:
    shown = chat.said(opening)
    if category is not None and "What is it about?" in shown:
        shown = chat.said(category)
    assert "Shall I send it to the project lead?" in shown, shown
    assert chat.said("Send it").startswith("Sent to the project lead")
