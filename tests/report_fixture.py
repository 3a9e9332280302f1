"""A known cohort for the report tests: every figure of its reports is worked out by hand.

Scheme "rep" (Europe/London), cohort "2025-26" from Sun 23 Nov 2025 to Sun 22 Nov 2026, contract
deadline 31 Dec 2025. The 6, 9 and 12-month points are 23 May, 23 Aug and 23 Nov 2026; the clock
of the tests is Mon 23 Nov 2026 10:00 UTC (tests/conftest.py), so every report is due.

People: lead Lee Lead; chair Cat Chair; mentors Tess Grant (capacity 3), Umar Khan (also a
steering member), Vic Lowe; mentees Asha Patel, Ben Hughes, Cara Doyle, Dan Ellis, Eva Moss.

Pairs (meetings at 12:00 UTC, held unless said):
- P1 Asha & Tess, from 23 Nov 2025: met 28 Apr, 30 Jul, 15 Sep, 13 Oct, 10 Nov 2026 (and a
  declined 3 Nov); both signed; action "ACTIONTEXT-open" due 1 Dec (open), one done 20 Oct.
- P2 Ben & Tess: met 20 Aug 2026 only; only Ben signed (deadline passed); action due 1 Oct still
  open (overdue); an open concern about the pair (not responding, 2 Nov, unacknowledged).
- P3 Cara & Tess: met 15 Jan 2026; both signed; no-fault exit 10 Mar 2026 after a breakdown
  concern raised 9 Mar (acknowledged 10 Mar, still open).
- P4 Dan & Umar: met 10 Jan, 10 Mar, 5 May, 10 Jun, 4 Aug 2026; both signed; completed 20 Nov.
- P5 Eva & Vic, from 1 Oct 2026: never met, a confirmed meeting on 30 Nov; contract due 30 Nov,
  unsigned. Eva raised an urgent safety concern on 20 Nov (no pairing named).

Surveys (due: 5 mentees and 3 mentors for "both"; 5 mentees for "mentee"):
- kit-1 check-in, closes 15 Dec 2025: Asha, Ben, Cara, Dan, Tess, Umar answered (6 of 8).
- evaluation-1, closes 12 Jan 2026: mentees Asha 4 / "Every 4 weeks or more often", Ben 3 /
  "Less often", Cara 2 / "Less often", Dan 5 / "Every 5-6 weeks"; mentor Tess 4 / "Every 4 weeks
  or more often" (5 of 8); written reflections from Asha, Ben and Tess; Asha asks for a follow-up.
- mentor-feedback-1 (about the mentor), closes 28 Feb 2026: about Tess from Asha 5/Yes, Ben
  4/Yes, Cara 2/No (3 answers: shown, average 3.7); about Umar from Dan 4/Yes (1: hidden).
- mentor-feedback-2 (about the mentor), closes 30 Oct 2026: about Tess from Asha 5/Yes, Ben
  4/Yes (2 answers: hidden).
- kit-2 check-in, open 20 to 27 Nov 2026: Asha answered (1 of 8).

Also: a change made in response to feedback (15 Feb 2026), and a diary entry of Asha's with a
distinctive text (DIARY_TEXT) that no report may ever show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.scheme_config import load_scheme, parse_scheme
from storage.db import transaction
from storage.models import (
    ActionItem,
    Cohort,
    Concern,
    Contract,
    DiaryEntry,
    Meeting,
    Pairing,
    Person,
    SchemeChange,
    Survey,
    SurveyResponse,
)

DIARY_TEXT = "DIARYSECRET-7f3a my private reflection about Tess"
SECRETS = (
    "DIARYSECRET",
    "CONCERNTEXT",
    "ACTIONTEXT",
    "MENTORTEXT",
)

SCHEME = """
[scheme]
slug = "rep"
name = "Report Test Scheme"
time_zone = "Europe/London"
lead_channel = "lead"

[scheme.mentor_capacity]
default = 1
maximum = 3

[[cohorts]]
slug = "2025-26"
name = "Cohort 2025-26"
starts_on = 2025-11-23
ends_on = 2026-11-22
contract_deadline = 2025-12-31

[[cohorts.surveys]]
key = "kit-1"
title = "December check-in"
kind = "checkin"
audience = "both"
opens_on = 2025-12-11
closes_on = 2025-12-15

[[cohorts.surveys.questions]]
key = "going"
text = "How is it going?"
kind = "scale"

[[cohorts.surveys]]
key = "evaluation-1"
title = "First evaluation"
kind = "evaluation"
audience = "both"
opens_on = 2026-01-05
closes_on = 2026-01-12

[[cohorts.surveys.questions]]
key = "progress"
text = "Progress towards your objectives"
kind = "scale"

[[cohorts.surveys.questions]]
key = "frequency"
text = "How often do you meet?"
kind = "choice"
choices = ["Every 4 weeks or more often", "Every 5-6 weeks", "Less often"]

[[cohorts.surveys.questions]]
key = "reflection"
text = "A short reflective account"
kind = "text"

[[cohorts.surveys.questions]]
key = "follow_up"
text = "Anything to follow up?"
kind = "text"
required = false

[[cohorts.surveys]]
key = "mentor-feedback-1"
title = "Feedback on your mentor (spring)"
kind = "evaluation"
audience = "mentee"
about_mentor = true
opens_on = 2026-02-01
closes_on = 2026-02-28

[[cohorts.surveys.questions]]
key = "support"
text = "How well does your mentor support you?"
kind = "scale"

[[cohorts.surveys.questions]]
key = "recommend"
text = "Would you recommend your mentor?"
kind = "choice"
choices = ["Yes", "No"]

[[cohorts.surveys.questions]]
key = "comment"
text = "Anything else about your mentor?"
kind = "text"
required = false

[[cohorts.surveys]]
key = "mentor-feedback-2"
title = "Feedback on your mentor (autumn)"
kind = "evaluation"
audience = "mentee"
about_mentor = true
opens_on = 2026-10-19
closes_on = 2026-10-30

[[cohorts.surveys.questions]]
key = "support"
text = "How well does your mentor support you?"
kind = "scale"

[[cohorts.surveys.questions]]
key = "recommend"
text = "Would you recommend your mentor?"
kind = "choice"
choices = ["Yes", "No"]

[[cohorts.surveys]]
key = "kit-2"
title = "November check-in"
kind = "checkin"
audience = "both"
opens_on = 2026-11-20
closes_on = 2026-11-27

[[cohorts.surveys.questions]]
key = "going"
text = "How is it going?"
kind = "scale"

[[cohorts.people]]
email = "lee@example.org"
name = "Lee Lead"
roles = ["lead"]

[[cohorts.people]]
email = "cat@example.org"
name = "Cat Chair"
roles = ["steering_chair"]

[[cohorts.people]]
email = "tess@example.org"
name = "Tess Grant"
roles = ["mentor"]
capacity = 3

[[cohorts.people]]
email = "umar@example.org"
name = "Umar Khan"
roles = ["mentor", "steering_member"]

[[cohorts.people]]
email = "vic@example.org"
name = "Vic Lowe"
roles = ["mentor"]

[[cohorts.people]]
email = "asha@example.org"
name = "Asha Patel"
roles = ["mentee"]

[[cohorts.people]]
email = "ben@example.org"
name = "Ben Hughes"
roles = ["mentee"]

[[cohorts.people]]
email = "cara@example.org"
name = "Cara Doyle"
roles = ["mentee"]

[[cohorts.people]]
email = "dan@example.org"
name = "Dan Ellis"
roles = ["mentee"]

[[cohorts.people]]
email = "eva@example.org"
name = "Eva Moss"
roles = ["mentee"]

[[cohorts.pairings]]
mentee = "asha@example.org"
mentor = "tess@example.org"

[[cohorts.pairings]]
mentee = "ben@example.org"
mentor = "tess@example.org"

[[cohorts.pairings]]
mentee = "cara@example.org"
mentor = "tess@example.org"

[[cohorts.pairings]]
mentee = "dan@example.org"
mentor = "umar@example.org"

[[cohorts.pairings]]
mentee = "eva@example.org"
mentor = "vic@example.org"
started_on = 2026-10-01
"""


def at(day: str, hh_mm: str = "12:00") -> datetime:
    """Noon UTC (or ``hh_mm``) on an ISO day."""
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Fixture:
    cohort_id: int
    people: dict[str, int]
    pairs: dict[str, int]


def build(db: Engine) -> Fixture:
    clock = Clock.fixed("2025-11-01T09:00:00+00:00")
    load_scheme(db, parse_scheme(SCHEME, clock), clock)
    with transaction(db) as s:
        people = {p.email.split("@")[0]: p.id for p in s.exec(select(Person)).all() if p.id}
        cohort = s.exec(select(Cohort).where(Cohort.slug == "2025-26")).one()
        cohort_id = cohort.id
        assert cohort_id is not None
        by_mentee = {p.mentee_id: p for p in s.exec(select(Pairing)).all()}
        pair = {
            name: by_mentee[people[mentee]]
            for name, mentee in (
                ("P1", "asha"),
                ("P2", "ben"),
                ("P3", "cara"),
                ("P4", "dan"),
                ("P5", "eva"),
            )
        }
        pairs = {name: p.id for name, p in pair.items() if p.id is not None}

        def meeting(name: str, day: str, status: str = "held") -> None:
            s.add(
                Meeting(
                    pairing_id=pairs[name],
                    starts_at=at(day),
                    duration_minutes=60,
                    status=status,
                    proposed_by_id=pair[name].mentee_id,
                    created_at=at(day, "09:00"),
                    updated_at=at(day, "09:00"),
                )
            )

        for day in ("2026-04-28", "2026-07-30", "2026-09-15", "2026-10-13", "2026-11-10"):
            meeting("P1", day)
        meeting("P1", "2026-11-03", "declined")
        meeting("P2", "2026-08-20")
        meeting("P3", "2026-01-15")
        for day in ("2026-01-10", "2026-03-10", "2026-05-05", "2026-06-10", "2026-08-04"):
            meeting("P4", day)
        meeting("P5", "2026-11-30", "confirmed")

        def contract(name: str, mentee: str | None, mentor: str | None, due: date | None) -> None:
            s.add(
                Contract(
                    pairing_id=pairs[name],
                    terms={"purpose": "ACTIONTEXT-contract terms"},
                    deadline=due,
                    mentee_signed_name="x" if mentee else None,
                    mentee_signed_at=at(mentee) if mentee else None,
                    mentor_signed_name="y" if mentor else None,
                    mentor_signed_at=at(mentor) if mentor else None,
                    updated_at=at("2025-12-10"),
                )
            )

        contract("P1", "2025-12-10", "2025-12-10", None)
        contract("P2", "2025-12-10", None, None)
        contract("P3", "2025-12-05", "2025-12-05", None)
        contract("P4", "2025-12-05", "2025-12-05", None)
        contract("P5", None, None, date(2026, 11, 30))

        def action(name: str, created: str, due: str, done: str | None = None) -> None:
            s.add(
                ActionItem(
                    pairing_id=pairs[name],
                    owner_id=pair[name].mentee_id,
                    text=f"ACTIONTEXT-{created}",
                    due=date.fromisoformat(due),
                    done_at=at(done) if done else None,
                    created_at=at(created),
                )
            )

        action("P1", "2026-11-10", "2026-12-01")
        action("P1", "2026-10-13", "2026-10-27", done="2026-10-20")
        action("P2", "2026-08-20", "2026-10-01")

        def concern(who: str, name: str | None, category: str, raised: str, **extra: Any) -> None:
            s.add(
                Concern(
                    cohort_id=cohort_id,
                    raised_by_id=people[who],
                    pairing_id=pairs[name] if name else None,
                    category=category,
                    text=f"CONCERNTEXT {category}",
                    created_at=at(raised),
                    **extra,
                )
            )

        concern("ben", "P2", "not_responding", "2026-11-02")
        concern(
            "cara",
            "P3",
            "relationship_breakdown",
            "2026-03-09",
            acknowledged_at=at("2026-03-10"),
            acknowledged_by_id=people["lee"],
        )
        concern("eva", None, "safety", "2026-11-20", urgent=True)

        ended = pair["P3"]
        ended.status, ended.ended_at, ended.end_reason = (
            "ended_early",
            at("2026-03-10"),
            ("no-fault exit"),
        )
        done = pair["P4"]
        done.status, done.ended_at, done.end_reason = "completed", at("2026-11-20"), "completed"
        s.add(ended)
        s.add(done)

        surveys = {v.key: v.id for v in s.exec(select(Survey)).all() if v.id is not None}

        def answer(key: str, who: str, day: str, answers: dict[str, Any], **extra: Any) -> None:
            s.add(
                SurveyResponse(
                    survey_id=surveys[key],
                    person_id=people[who],
                    answers=answers,
                    submitted_at=at(day),
                    **extra,
                )
            )

        for who in ("asha", "ben", "cara", "dan", "tess", "umar"):
            answer("kit-1", who, "2025-12-12", {"going": 4})
        answer(
            "evaluation-1",
            "asha",
            "2026-01-08",
            {
                "progress": 4,
                "frequency": "Every 4 weeks or more often",
                "reflection": "EVALTEXT-ONE",
                "follow_up": "yes please call me",
            },
            follow_up_requested=True,
        )
        answer(
            "evaluation-1",
            "ben",
            "2026-01-08",
            {"progress": 3, "frequency": "Less often", "reflection": "EVALTEXT-TWO"},
        )
        answer("evaluation-1", "cara", "2026-01-08", {"progress": 2, "frequency": "Less often"})
        answer("evaluation-1", "dan", "2026-01-08", {"progress": 5, "frequency": "Every 5-6 weeks"})
        answer(
            "evaluation-1",
            "tess",
            "2026-01-08",
            {
                "progress": 4,
                "frequency": "Every 4 weeks or more often",
                "reflection": "EVALTEXT-MENTOR",
            },
        )
        answer(
            "mentor-feedback-1",
            "asha",
            "2026-02-10",
            {"support": 5, "recommend": "Yes", "comment": "MENTORTEXT-A"},
        )
        answer("mentor-feedback-1", "ben", "2026-02-10", {"support": 4, "recommend": "Yes"})
        answer(
            "mentor-feedback-1",
            "cara",
            "2026-02-10",
            {"support": 2, "recommend": "No", "comment": "MENTORTEXT-C"},
        )
        answer("mentor-feedback-1", "dan", "2026-02-10", {"support": 4, "recommend": "Yes"})
        answer("mentor-feedback-2", "asha", "2026-10-25", {"support": 5, "recommend": "Yes"})
        answer("mentor-feedback-2", "ben", "2026-10-25", {"support": 4, "recommend": "Yes"})
        answer("kit-2", "asha", "2026-11-21", {"going": 5})

        s.add(
            SchemeChange(
                cohort_id=cohort_id,
                text="Moved the training day online after feedback",
                recorded_by_id=people["lee"],
                created_at=at("2026-02-15"),
            )
        )
        s.add(
            DiaryEntry(
                author_id=people["asha"],
                written_on=date(2026, 11, 10),
                text=DIARY_TEXT,
                what_happened=DIARY_TEXT,
                created_at=at("2026-11-10"),
            )
        )
    return Fixture(cohort_id=cohort_id, people=people, pairs=pairs)
