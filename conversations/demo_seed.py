"""The demo's selection in progress: applications already sent to the cohort in selection, and
the reviews already given, so a newcomer can review, decide and match by chatting.

The scheme file format describes people, not applications, so ``load_demo`` runs
:func:`seed_selection` after loading ``schemes/demo.toml``. Each application is made the way the
apply journey makes one (a draft ``Application`` sent with ``application_queries.submit``, which
gives the reference) and each review is recorded by ``selection_queries.record``, with its audit
row, exactly as the review dialog records it. So the answers are sealed and the steering group
sees them anonymised like any other.

Seeding is once per applicant: someone who already has an application to the cohort is left
alone, whatever it became. ``make run`` reloads the demo at every start, and a reload must
neither duplicate the seeded applications nor undo what a newcomer did with them (a review, a
decision, a matching).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from conversations.clock import Clock
from storage import application_queries as apps
from storage import queries, report_queries
from storage import selection_queries as sel
from storage.models import Application, Cohort, ReviewStage, Verdict

SCHEME = "demo"
COHORT = "demo-selection"
# How long before the load each application was sent, and the reviews given.
SENT_DAYS_AGO = (12, 9, 7)
REVIEWED_DAYS_AGO = 3


@dataclass(frozen=True)
class SeededApplication:
    """One applicant's sent application and the reviews already given (reviewer email,
    verdict, reason)."""

    email: str
    answers: dict[str, Any]
    reviews: tuple[tuple[str, Verdict, str], ...]
    mentors: tuple[str, ...] = ()  # their top choices of mentor, by email, best first


def _answers(**given: Any) -> dict[str, Any]:
    """A complete application: the yes-answers the scheme requires, then ``given``."""
    return {
        "professional_body": "yes",
        "commitment": "yes",
        "head_of_service_support": "yes",
        "line_manager_told": "yes",
        "travel": "30 miles",
        "travel_number": 30,
        "travel_unit": "miles",
        **given,
    }


APPLICATIONS: tuple[SeededApplication, ...] = (
    SeededApplication(
        "applicant2@example.org",
        _answers(
            job_role="CT superintendent radiographer, Band 7",
            workplace="Harbourside Hospitals NHS Trust",
            leadership="team",
            leadership_detail="I lead a team of 14 radiographers and assistants in CT at "
            "Harbourside, across two sites and a seven-day rota.",
            autonomy="I set the rota and the team's training plan, and I decided on my own to "
            "move two sessions to evenings to cut the waiting list.",
            responsibilities="Staffing, the CT training budget (about £18,000 a year), incident "
            "reviews and the department's audit programme.",
            supporting_statement="Chloe is ready for a service-level role; I fully support her "
            "application. (Head of Imaging)",
            why="I want to move from running a team to running a service, and to get better at "
            "making the case for it to the board.",
            professional_interests="Cardiac CT, workforce planning, quality improvement",
            personal_interests="Open-water swimming and a community choir",
        ),
        (("chair@example.org", Verdict.ACCEPT, "Clear evidence of a team and a budget held."),),
        ("mentor4@example.org", "mentor5@example.org"),
    ),
    SeededApplication(
        "applicant3@example.org",
        _answers(
            job_role="Lead sonographer, Band 7",
            workplace="Millbrook Community Diagnostics",
            leadership="service",
            leadership_detail="I run the ultrasound service in a community diagnostic centre: "
            "six sonographers, about 900 scans a month.",
            autonomy="I agree our clinic templates with the referrers and changed the booking "
            "rules last spring without needing sign-off.",
            responsibilities="The service's performance figures, recruitment and the "
            "equipment replacement plan; no budget of my own yet.",
            supporting_statement="Imran has my full support. (Centre manager)",
            why="To learn how to hold a budget and to plan a bigger service for the new centre.",
            professional_interests="Community diagnostics, obstetric ultrasound, preceptorship",
            personal_interests="Cricket and cooking for too many people",
        ),
        (("chair@example.org", Verdict.ACCEPT, "Runs a service; good reasons for applying."),),
        ("mentor5@example.org", "mentor4@example.org"),
    ),
    SeededApplication(
        "applicant4@example.org",
        _answers(
            job_role="Radiotherapy pre-treatment lead, Band 7",
            workplace="Kingsmead University Hospital",
            leadership="project",
            leadership_detail="I am leading the project to bring surface-guided radiotherapy "
            "into the department, with physics and the clinical teams.",
            autonomy="I choose the project's plan and who does what, within the funding the "
            "board agreed.",
            responsibilities="The project's plan and risks, reporting to the steering board, "
            "and a small training budget.",
            supporting_statement="Fiona has our support for the scheme. (Head of Radiotherapy)",
            why="I am new to leadership and want to learn how to lead people I do not manage.",
            professional_interests="Radiotherapy technology, project management",
            personal_interests="Fell walking and photography",
        ),
        (
            ("steering@example.org", Verdict.ACCEPT, "A real project with clear accountability."),
            (
                "chair@example.org",
                Verdict.UNSURE,
                "Strong project, but little evidence yet of a leadership post.",
            ),
        ),
        ("mentor5@example.org", "mentor4@example.org"),
    ),
)


def seed_selection(session: Session, clock: Clock) -> int:
    """Send the demo's applications to its cohort in selection and record the reviews already
    given, for each applicant who has no application there yet. Returns how many were added
    (0 on a reload, or when the scheme file no longer has the cohort or the people)."""
    found = report_queries.cohorts_named(session, f"{SCHEME}/{COHORT}")
    cohort = found[0][1] if found else None
    if cohort is None or cohort.id is None:
        return 0
    now = clock.now()
    added = 0
    for seeded, days_ago in zip(APPLICATIONS, SENT_DAYS_AGO, strict=True):
        person = queries.person_by_email(session, seeded.email)
        if person is None or person.id is None:
            continue
        if apps.application_for(session, person.id, cohort.id) is not None:
            continue  # seeded before (or applied in chat): whatever it became, it stays
        sent = now - timedelta(days=days_ago)
        chosen = [queries.person_by_email(session, email) for email in seeded.mentors]
        application = Application(
            cohort_id=cohort.id,
            person_id=person.id,
            answers=seeded.answers,
            preferences=[m.id for m in chosen if m is not None and m.id is not None],
            created_at=sent,
        )
        session.add(application)
        session.flush()
        reference = apps.submit(session, application, cohort.id, sent)
        _review(session, application, reference, cohort, seeded.reviews, now)
        added += 1
    session.flush()
    return added


def _review(
    session: Session,
    application: Application,
    reference: str,
    cohort: Cohort,
    reviews: tuple[tuple[str, Verdict, str], ...],
    now: datetime,
) -> None:
    assert application.id is not None
    assert cohort.id is not None
    task = sel.Task(application.id, reference, cohort.id, cohort.name, ReviewStage.MEMBER)
    at = now - timedelta(days=REVIEWED_DAYS_AGO)
    for position, (email, verdict, reason) in enumerate(reviews):
        reviewer = queries.person_by_email(session, email)
        if reviewer is None or reviewer.id is None:
            continue
        sel.record(session, reviewer.id, task, verdict, reason, at + timedelta(hours=position))
