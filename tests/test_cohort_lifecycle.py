"""One cohort from applications to re-matching, as its people live it in chat: four people apply,
the steering group reviews them anonymised (a consensus, a split the chair decides, a split the
chair can't decide so the moderator does, a rejection), the selected mentees choose their top
three, the chair proposes a matching that never pairs a declared conflict, approves it, both
sides get their matching message, and after a no-fault exit the mentee is matched again with
the history kept.

The scheme is tests/test_selection.py's, with one more mentor (Sam Patel, two places) so that
every selected mentee can be matched.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.scheme_config import load_scheme, parse_scheme
from storage import queries
from storage.db import transaction
from storage.models import Application, Cohort, MatchProposal, Pairing, Person, Review
from tests.test_selection import (
    ADA,
    BEN,
    LATER,
    SELECTION_TOML,
    applies,
    assert_anonymous,
    review_all,
    written,
)
from tests.transcript import Chat, channel_inbox

WITH_SAM = SELECTION_TOML.replace(
    """[[cohorts.people]]
email = "ada@example.org\"""",
    """[[cohorts.people]]
email = "sam@example.org"
name = "Sam Patel"
roles = ["mentor"]
bio = "Head of a busy breast screening unit."
capacity = 2

[[cohorts.people]]
email = "ada@example.org\"""",
    1,
)


def _id(db: Engine, email: str) -> int:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
        assert person is not None
        assert person.id is not None
        return person.id


def _outcomes(db: Engine) -> dict[str, tuple[str, int, int, int]]:
    """reference -> (status, member reviews, chair decisions, moderator decisions)."""
    with transaction(db) as s:
        spring = s.exec(select(Cohort).where(Cohort.slug == "spring-2027")).one()
        rows = s.exec(
            select(Application)
            .where(Application.cohort_id == spring.id)
            .order_by(col(Application.reference))
        ).all()
        result: dict[str, tuple[str, int, int, int]] = {}
        for row in rows:
            if row.reference is None:
                continue
            stages = [
                r.stage for r in s.exec(select(Review).where(Review.application_id == row.id))
            ]
            result[row.reference] = (
                row.status,
                stages.count("member"),
                stages.count("chair"),
                stages.count("moderator"),
            )
        return result


def test_a_cohort_from_applications_to_a_new_mentor(engine: Engine, clock: Clock) -> None:
    load_scheme(engine, parse_scheme(WITH_SAM, clock), clock)
    assert "Your reference is *A-01*" in applies(engine, clock, "ada@example.org", ADA)
    assert "Your reference is *A-02*" in applies(engine, clock, "ben@example.org", BEN)
    written(engine, "cara@example.org", "A-03")
    written(engine, "dan@example.org", "A-04")
    applications_noted = channel_inbox(engine, clock, "sel-lead")
    assert "Ada" not in applications_noted
    assert "Ben" not in applications_noted

    # -- selection, the day after applications close ------------------------------------------
    later = Clock.fixed(LATER)
    chair = Chat(engine, later, "chair@example.org")
    member = Chat(engine, later, "steering@example.org")
    mentor_member = Chat(engine, later, "mentor3@example.org")
    moderator = Chat(engine, later, "moderator@example.org")

    assert_anonymous(chair.said("review applications"))
    chair.said("cancel")
    review_all(
        chair,
        {
            "A-01": "accept: leads a service with a budget",
            "A-02": "accept: a clear team lead",
            "A-03": "unsure: is the autonomy enough?",
            "A-04": "reject: no leadership role yet; please apply again",
        },
    )
    review_all(
        member,
        {
            "A-01": "accept: every criterion met",
            "A-02": "accept: strong reasons to join",
            "A-03": "accept: a team and a budget",
            "A-04": "reject: not yet in a leadership post",
        },
    )
    review_all(
        mentor_member,
        {
            "A-01": "accept: meets the criteria",
            "A-02": "unsure: no budget yet",
            "A-03": "reject: little evidence of autonomy",
            "A-04": "reject: would benefit from a year in post first",
        },
    )
    # are splits: the chair is asked, with the reviews but no names of applicants.
    asked = chair.inbox()
    assert "A-02 (Spring 2027 cohort) needs your decision as chair" in asked
    assert "A-03 (Spring 2027 cohort) needs your decision as chair" in asked
    assert_anonymous(asked)
    chair.said("review A-02 accept: leads a team well; budget will come")
    chair.said("save")
    chair.said("review A-03 unsure: I know this applicant from a previous job")
    chair.said("save")
    asked = moderator.inbox()
    assert "A-03" in asked
    assert_anonymous(asked)
    moderator.said("review A-03 accept: the budget and team show enough leadership")
    moderator.said("save")

    assert _outcomes(engine) == {
        "A-01": ("selected", 3, 0, 0),
        "A-02": ("selected", 3, 1, 0),
        "A-03": ("selected", 3, 1, 1),
        "A-04": ("rejected", 3, 0, 0),
    }
    dan = Chat(engine, later, "dan@example.org").inbox()
    assert "hasn't been able to offer you a place this time (application A-04)" in dan
    assert "• No leadership role yet; please apply again." in dan
    for reviewer in ("Grace", "Dev", "Leah", "Alex"):
        assert reviewer not in dan
    cara = Chat(engine, later, "cara@example.org")
    assert "the steering group has selected your application (A-03)" in cara.inbox()

    # -- preferences and a declared conflict ---------------------------------------------------
    ada = Chat(engine, later, "ada@example.org")
    ben = Chat(engine, later, "ben@example.org")
    ada.inbox()
    ben.inbox()
    assert ben.said("Tom Okafor is my line manager") == (
        "Thank you: I've recorded a conflict of interest with Tom Okafor (line management). "
        "You won't be matched with them, and the steering group can see it."
    )
    for chat, picks in (
        (ada, "Tom Okafor, Sam Patel, Leah Dunn"),
        (cara, "Tom Okafor, Leah Dunn, Sam Patel"),
    ):
        listing = chat.said("choose my mentor")
        assert "*Tom Okafor*" in listing
        chat.said(picks)
        assert "Saved your choices" in chat.said("save")
    listing = ben.said("choose my mentor")
    assert "Tom Okafor" not in listing  # his line manager is never offered
    ben.said("Sam Patel, Leah Dunn")
    assert "Saved your choices" in ben.said("save")

    # -- the proposal: Ben never gets Tom; everyone is matched ----------------------------------
    proposal = chair.said("propose matches")
    assert "Score: 3 of 3 matched" in proposal
    assert "Ben Cole -> Tom Okafor" not in proposal
    approved = chair.said("approve")
    assert "why does the steering group approve this matching?" in approved
    chair.said("first choices where we could; Ben kept apart from his line manager")
    assert "Approved and announced: 3 pairings" in chair.said("1")
    with transaction(engine) as s:
        decided = s.exec(select(MatchProposal)).one()
        pairs = s.exec(select(Pairing).where(Pairing.proposal_id == decided.id)).all()
    assert decided.status == "approved"
    assert decided.rationale == "first choices where we could; Ben kept apart from his line manager"
    assert decided.decided_by_id == _id(engine, "chair@example.org")
    assert (_id(engine, "ben@example.org"), _id(engine, "mentor@example.org")) not in {
        (p.mentee_id, p.mentor_id) for p in pairs
    }
    assert len(pairs) == 3

    # -- matching messages: who, how to reach them, who makes first contact, by when ---------
    ada_told = ada.inbox()
    ada_mentor = next(p for p in pairs if p.mentee_id == _id(engine, "ada@example.org"))
    with transaction(engine) as s:
        mentor_row = s.get(Person, ada_mentor.mentor_id)
        assert mentor_row is not None
        mentor_name, mentor_email = mentor_row.display_name, mentor_row.email
    assert f"you've been matched with your mentor for *Spring 2027 cohort*, {mentor_name}" in (
        ada_told
    )
    assert "You make the first contact" in ada_told
    assert "If you have not heard back from" in ada_told
    mentor_told = Chat(engine, later, mentor_email).inbox()
    assert "You've been matched with a mentee for *Spring 2027 cohort*: Ada Brooks." in mentor_told
    assert "Ada will contact you first" in mentor_told

    # -- a no-fault exit, then a new mentor with the history kept -------------------------------
    ada.said("I want to leave the scheme")
    ada.said("We've tried to make it work but our diaries never line up at all")
    ada.said("send it")
    ada.said("yes, end our pairing")
    assert "choose your new top three" in ada.said("yes please")
    listing = ada.said("choose my mentor")
    assert mentor_name not in listing  # her previous mentor is never offered again
    ada.said("1")
    ada.said("save")
    assert "A-01 Ada Brooks ->" in chair.said("propose matches")
    chair.said("approve")
    chair.said("Ada re-matched after a no-fault exit")
    assert "Approved and announced: 1 pairing" in chair.said("1")
    with transaction(engine) as s:
        history = s.exec(
            select(Pairing)
            .where(Pairing.mentee_id == _id(engine, "ada@example.org"))
            .order_by(col(Pairing.id))
        ).all()
    assert [(p.status, p.end_reason) for p in history] == [
        ("ended_early", "no-fault exit"),
        ("active", None),
    ]
    assert history[1].previous_pairing_id == history[0].id
    assert history[1].mentor_id != history[0].mentor_id
    assert "you've been matched with your mentor" in ada.inbox()
