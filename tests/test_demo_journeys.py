"""The demo holds every journey: on a freshly loaded demo a newcomer applies as Jamie Lee (the
recruiting "Next cohort"), reviews as Dev Anand, decides as Grace Fraser (the chair) and
matches as Morgan Ellis (the lead) in the "Second cohort", all by chatting, with no file edits.
And ``make run``'s reload at every start keeps what they did."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.scheme_config import load_demo
from storage.db import transaction
from storage.models import Application, AuditLog, Cohort, Review
from tests.transcript import Chat, channel_inbox

APPLICANTS = ("Chloe", "Barnes", "Imran", "Hussain", "Fiona", "Walsh", "@example.org")
WORKPLACES = ("Harbourside", "Millbrook", "Kingsmead")


def _chat(db: Engine, clock: Clock, who: str) -> Chat:
    return Chat(db, clock, f"{who}@example.org")


def _applications(db: Engine) -> dict[tuple[str, str], str]:
    """(cohort slug, reference) -> status, for every sent application."""
    with transaction(db) as s:
        rows = s.exec(
            select(Application, Cohort).join(Cohort, col(Cohort.id) == col(Application.cohort_id))
        ).all()
        return {(c.slug, a.reference or "draft"): a.status for a, c in rows}


def test_the_applicant_applies_in_chat_and_is_acknowledged(demo: Engine, clock: Clock) -> None:
    jamie = _chat(demo, clock, "applicant")
    assert "Apply to *Next cohort* by " in jamie.said("what's next")
    hello = jamie.said("I'd like to apply")
    assert "Let's apply to *Next cohort*" in hello
    assert "Applications close on" in hello
    for answer in (
        "Breast imaging lead radiographer, Band 7",
        "Brookfield Hospitals NHS Trust",
        "yes",
        "I lead a team of nine mammographers and assistants",
        "I plan the screening sessions and added Saturday clinics on my own",
        "The team's rota, its training and a small equipment budget",
        "yes",
        "yes",
        "later",
        "25 miles",
        "To grow into running the whole breast imaging service",
        "Breast screening and quality improvement",
        "Running and baking",
        "yes",
    ):
        jamie.said(answer)
    review = jamie.said("My head of service supports this application fully.")
    assert "Here's your application" in review
    receipt = jamie.said("submit")
    assert "Next cohort" not in jamie.said("what's next")
    assert "your application to *Next cohort* has been sent" in receipt
    assert "Your reference is *A-01*" in receipt
    assert _applications(demo)[("demo-next", "A-01")] == "submitted"
    told = channel_inbox(demo, clock)
    assert "New application A-01 received for Next cohort (1 so far)." in told
    assert "Jamie" not in told
    # Jamie's A-01 waits for the window to close; "review A-01" means the one in review.
    dev = _chat(demo, clock, "steering")
    status = dev.said("selection status")
    assert "*Next cohort*: applications close on " in status
    assert "(1 sent so far)" in status
    assert "*A-01*, Second cohort (anonymised):" in dev.said("review A-01")


def test_review_decide_and_match_the_cohort_in_selection(demo: Engine, clock: Clock) -> None:
    dev = _chat(demo, clock, "steering")
    first = dev.said("any applications to review?")
    assert "anonymised (references only, no names)" in first
    assert "Still to review: A-01, A-02." in first
    assert "*A-01*, Second cohort (anonymised):" in first
    assert "[removed]" in first  # the workplace named in an answer
    for name in (*APPLICANTS, *WORKPLACES):
        assert name not in first
    accepted = dev.said("accept: clear team leadership and a budget held")
    assert "Every reviewer agreed, so A-01 is selected. I've told the applicant." in accepted
    assert "Next: A-02." in accepted
    assert not any(name in accepted for name in (*APPLICANTS, *WORKPLACES))
    dev.said("reject")
    passed = dev.said("No budget held yet, so not ready this round")
    assert "The reviews of A-02 differ, so I've passed it to the chair to decide." in passed
    assert "Congratulations, Chloe" in _chat(demo, clock, "applicant2").inbox()

    grace = _chat(demo, clock, "chair")
    assert "A-02 (Second cohort) needs your decision as chair" in grace.inbox()
    asked = grace.said("review applications")
    assert "Waiting for your decision: A-02, A-03." in asked
    assert "Dev Anand: *Reject*" in asked
    grace.said("accept")
    decided = grace.said("Runs a service well and has clear reasons to apply")
    assert "A-02 is selected: I've told the applicant and the lead channel." in decided
    assert "Next: A-03." in decided
    grace.said("reject")
    grace.said("not in a leadership post yet; please apply again next round")
    fiona = _chat(demo, clock, "applicant4").inbox()
    assert "Thank you for applying, Fiona." in fiona
    assert "Not in a leadership post yet; please apply again next round." in fiona
    assert "This isn't a judgement of you as a leader" in fiona
    assert "Congratulations, Imran" in _chat(demo, clock, "applicant3").inbox()

    morgan = _chat(demo, clock, "lead")
    proposal = morgan.said("match the cohort")
    assert "Proposed matching for *Second cohort*:" in proposal
    # the seeded applicants named their top choices, and both get their first
    assert "A-01 Chloe Barnes -> Helen Marsh (1st choice)" in proposal
    assert "A-02 Imran Hussain -> Kwame Boateng (1st choice)" in proposal
    assert "Score: 2 of 2 matched; 2 first choices." in proposal
    assert "Fiona" not in proposal
    assert "Before I announce it" in morgan.said("approve")
    morgan.said("Both selected mentees matched with mentors free of any conflict")
    announced = morgan.said("yes")
    assert "Approved and announced: 2 pairings." in announced
    chloe = _chat(demo, clock, "applicant2").inbox()
    assert "Good news, Chloe: you've been matched with your mentor for *Second cohort*" in chloe
    mentors = _chat(demo, clock, "mentor4").inbox() + _chat(demo, clock, "mentor5").inbox()
    assert "You've been matched with a mentee for *Second cohort*: Chloe Barnes." in mentors
    assert "You've been matched with a mentee for *Second cohort*: Imran Hussain." in mentors


def test_reloading_the_demo_keeps_the_newcomers_progress(demo: Engine, clock: Clock) -> None:
    seeded = _applications(demo)
    assert seeded == {
        ("demo-selection", "A-01"): "submitted",
        ("demo-selection", "A-02"): "submitted",
        ("demo-selection", "A-03"): "submitted",
    }
    dev = _chat(demo, clock, "steering")
    dev.said("review applications")
    dev.said("accept: clear team leadership and a budget held")
    jamie = _chat(demo, clock, "applicant")
    jamie.said("apply")
    jamie.said("Breast imaging lead radiographer, Band 7")
    with transaction(demo) as s:
        reviews = len(s.exec(select(Review)).all())
        audit = len(s.exec(select(AuditLog)).all())

    summary = load_demo(demo, clock)

    assert summary.changes == 0
    assert _applications(demo) == {**seeded, ("demo-selection", "A-01"): "selected"} | {
        ("demo-next", "draft"): "draft"
    }
    with transaction(demo) as s:
        assert len(s.exec(select(Review)).all()) == reviews
        assert len(s.exec(select(AuditLog)).all()) == audit
    back = _chat(demo, clock, "applicant").said("apply")
    assert "We're in the middle of your application" in back
    assert "Where do you work?" in back
