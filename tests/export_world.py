"""A world in which one person, Sam Reid, has a row in every table that refers to a person, for
the export tests and ``bench/export.py``.

``build(session, cohorts=N, now=...)`` makes five people and N cohorts; in each, Sam is a mentee
(paired with Tom, the mentor) and a steering member (reviewing Una's application). Everything a
third party wrote that must never reach Sam's export carries a marker from :data:`NEVER`: Tom's
concern about their pairing, Una's concern naming Sam, Rita's review reason, Lee's note on Sam's
own concern, Tom's fit check, Tom's diary entry shared with Sam, Una's ranking of Sam.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from storage import lead_queries
from storage.access import record_named_subjects
from storage.models import (
    ActionItem,
    Application,
    AuditLog,
    ChannelIdentity,
    Cohort,
    Concern,
    ConflictOfInterest,
    Contract,
    DialogState,
    DiaryEntry,
    FitCheck,
    MatchProposal,
    Meeting,
    Membership,
    MentorProfile,
    Minutes,
    Nudge,
    Outbox,
    Pairing,
    Person,
    Review,
    Scheme,
    SchemeChange,
    Survey,
    SurveyResponse,
)

# Third parties' words that Sam's export must never hold.
NEVER = (
    "TOM-CONCERN-ABOUT-SAM",
    "UNA-CONCERN-NAMING-SAM",
    "RITA-REVIEW-REASON",
    "LEE-NOTE-ON-SAMS-CONCERN",
    "TOM-DIARY-SHARED",
)


@dataclass(frozen=True)
class People:
    sam: int
    tom: int
    lee: int
    rita: int
    una: int


def _text(text: str) -> list[dict[str, object]]:
    return [{"type": "text", "text": text, "private": False}]


def _person(session: Session, email: str, name: str, now: datetime) -> int:
    person = Person(email=email, display_name=name, created_at=now)
    session.add(person)
    session.flush()
    assert person.id is not None
    return person.id


def people(session: Session, now: datetime) -> People:
    found = People(
        sam=_person(session, "sam@example.org", "Sam Reid", now),
        tom=_person(session, "tom@example.org", "Tom Okoro", now),
        lee=_person(session, "lee@example.org", "Lee Lead", now),
        rita=_person(session, "rita@example.org", "Rita Shah", now),
        una=_person(session, "una@example.org", "Una Park", now),
    )
    sam = session.get(Person, found.sam)
    assert sam is not None
    sam.paused_until = now + timedelta(days=10)
    sam.last_active_at = now
    for person_id, bio in ((found.sam, "Sam's own bio"), (found.tom, "Tom's bio")):
        session.add(MentorProfile(person_id=person_id, bio=bio, updated_at=now))
    return found


def add_cohort(session: Session, who: People, i: int, now: datetime) -> None:
    """One cohort with a row about Sam in every table (see the module docstring)."""
    scheme = Scheme(slug=f"s{i}", name=f"Scheme {i}", lead_channel="lead", updated_at=now)
    session.add(scheme)
    session.flush()
    assert scheme.id is not None
    cohort = Cohort(
        scheme_id=scheme.id,
        slug=f"c{i}",
        name=f"Cohort {i}",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    session.add(cohort)
    session.flush()
    assert cohort.id is not None
    c = cohort.id
    for person_id, role in (
        (who.sam, "mentee"),
        (who.sam, "steering_member"),
        (who.tom, "mentor"),
        (who.lee, "lead"),
        (who.rita, "steering_member"),
        (who.una, "mentee"),
    ):
        session.add(Membership(person_id=person_id, cohort_id=c, role=role))
    session.add(
        ChannelIdentity(
            person_id=who.sam, platform="slack", tenant="T1", user_id=f"U{i}", created_at=now
        )
    )
    pairing = Pairing(cohort_id=c, mentee_id=who.sam, mentor_id=who.tom, started_at=now)
    mine = Application(
        cohort_id=c, person_id=who.sam, reference="A-01", preferences=[who.tom], created_at=now
    )
    unas = Application(
        cohort_id=c, person_id=who.una, reference="A-02", preferences=[who.sam], created_at=now
    )
    session.add_all([pairing, mine, unas])
    session.flush()
    assert pairing.id is not None
    assert mine.id is not None
    assert unas.id is not None
    p = pairing.id
    session.add_all(
        [
            Review(
                application_id=mine.id,
                reviewer_id=who.rita,
                verdict="accept",
                reason="RITA-REVIEW-REASON",
                created_at=now,
                updated_at=now,
            ),
            Review(
                application_id=unas.id,
                reviewer_id=who.sam,
                verdict="unsure",
                reason="Sam's own review reason",
                created_at=now,
                updated_at=now,
            ),
            FitCheck(pairing_id=p, person_id=who.sam, answer="good_fit", answered_at=now),
            FitCheck(pairing_id=p, person_id=who.tom, answer="not_a_good_fit", answered_at=now),
            ConflictOfInterest(
                cohort_id=c,
                mentee_id=who.sam,
                mentor_id=who.rita,
                kind="appraiser",
                declared_by_id=who.sam,
                created_at=now,
            ),
            MatchProposal(
                cohort_id=c,
                pairs=[{"mentee_id": who.sam, "mentor_id": who.tom, "rank": 1}],
                created_by_id=who.lee,
                decided_by_id=who.lee,
                created_at=now,
                updated_at=now,
            ),
            Contract(pairing_id=p, terms={"goals": "Grow as a leader"}, updated_at=now),
            DiaryEntry(
                author_id=who.sam, written_on=now.date(), text="Sam's diary", created_at=now
            ),
            DiaryEntry(
                author_id=who.tom,
                written_on=now.date(),
                text="TOM-DIARY-SHARED",
                created_at=now,
                shared_with_id=who.sam,
                shared_at=now,
            ),
            DialogState(
                person_id=who.sam,
                conversation=f"slack:D{i}",
                dialog="diary",
                state={"text": "half a thought"},
                updated_at=now,
            ),
            SchemeChange(
                cohort_id=c, text="Shorter check-ins", recorded_by_id=who.sam, created_at=now
            ),
        ]
    )
    meeting = Meeting(
        pairing_id=p,
        starts_at=now + timedelta(days=1),
        duration_minutes=60,
        location="Room 4",
        status="declined",
        decline_reason="Clinic overran",
        proposed_by_id=who.tom,
        created_at=now,
        updated_at=now,
    )
    survey = Survey(
        cohort_id=c, key="q1", title="First check-in", opens_on=now.date(), closes_on=now.date()
    )
    session.add_all([meeting, survey])
    session.flush()
    assert survey.id is not None
    assert meeting.id is not None
    minutes = Minutes(
        pairing_id=p, author_id=who.tom, held_on=now.date(), discussion="Budget", created_at=now
    )
    session.add_all(
        [
            minutes,
            SurveyResponse(
                survey_id=survey.id, person_id=who.sam, answers={"q": "fine"}, submitted_at=now
            ),
        ]
    )
    session.flush()
    session.add(
        ActionItem(
            pairing_id=p,
            minutes_id=minutes.id,
            owner_id=who.sam,
            owner_name="Sam Reid",
            text="Draft the case",
            created_at=now,
        )
    )
    # Sam's own concern, acknowledged by the lead with a note; Tom's about their pairing,
    # opened by the lead; Una's, naming Sam (a reader of the cohort's concerns).
    own = Concern(
        cohort_id=c, raised_by_id=who.sam, category="other", text="Sam's own worry", created_at=now
    )
    toms = Concern(
        cohort_id=c,
        raised_by_id=who.tom,
        pairing_id=p,
        category="safeguarding",
        text="TOM-CONCERN-ABOUT-SAM",
        urgent=True,
        created_at=now,
    )
    unas_concern = Concern(
        cohort_id=c,
        raised_by_id=who.una,
        category="other",
        text="UNA-CONCERN-NAMING-SAM: Sam Reid shouted at me",
        created_at=now,
    )
    session.add_all([own, toms, unas_concern])
    session.flush()
    assert own.id is not None
    assert toms.id is not None
    record_named_subjects(session, unas_concern, now)
    lead_queries.record(
        session, who.lee, "acknowledged", f"C{own.id}", now, note="LEE-NOTE-ON-SAMS-CONCERN"
    )
    lead_queries.record(session, who.lee, "concern_opened", f"C{toms.id}", now, surface="slack")
    alert = Outbox(
        scheme_id=scheme.id,
        channel="lead",
        kind="concern",
        parts=_text(f"URGENT: safeguarding concern C{toms.id} in Cohort {i}"),
        next_attempt_at=now,
        created_at=now,
        concern_id=toms.id,
    )
    to_sam = Outbox(
        scheme_id=scheme.id,
        recipient_id=who.sam,
        parts=_text("Time to book your next meeting"),
        next_attempt_at=now,
        created_at=now,
    )
    quiet = Outbox(
        scheme_id=scheme.id,
        channel="lead",
        kind="nudge",
        parts=_text("Sam Reid has not been in touch for four weeks."),
        next_attempt_at=now,
        created_at=now,
    )
    session.add_all([alert, to_sam, quiet])
    session.flush()
    session.add_all(
        [
            Nudge(
                rule="meeting_due_first",
                subject=f"pairing:{p}>{who.sam}",
                period="w1",
                outbox_id=to_sam.id,
                created_at=now,
            ),
            Nudge(
                rule="silence_lead",
                subject=f"person:{who.sam}",
                period=f"c{i}",
                outbox_id=quiet.id,
                created_at=now,
            ),
            AuditLog(
                at=now,
                actor_id=who.lee,
                action="conflict_declared",
                subject=f"cohort:{c}",
                detail={"mentee_id": who.sam, "mentor_id": who.rita, "kind": "appraiser"},
            ),
        ]
    )


def build(session: Session, *, cohorts: int, now: datetime) -> People:
    who = people(session, now)
    for i in range(cohorts):
        add_cohort(session, who, i, now)
    return who
