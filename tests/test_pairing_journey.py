"""Pairing end to end through chat: preferences -> the steering group's proposal (optimal where a
greedy loop is not, conflicts never matched, the unmatched with a reason) -> swaps -> approval ->
the matching messages to both sides -> "is this a good fit?" after the first minutes -> a no-fault
exit and "not a good fit" -> re-matching with the history kept. And who is refused.

The cohort is tests/pairing_fixture.py's: the demo plus five selected mentees (A-01..A-05) and
two more mentors.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from storage import matching_queries as mq
from storage import queries
from storage.db import transaction
from storage.models import (
    Application,
    AuditLog,
    Cohort,
    ConflictOfInterest,
    FitCheck,
    MatchProposal,
    Membership,
    Pairing,
    Person,
    Scheme,
)
from tests.pairing_fixture import add_pairing_stage
from tests.transcript import Chat, channel_inbox

PROPOSAL = (
    "Proposed matching for *Demo cohort*:\n"
    "• A-01 Ana Lopez -> Sam Patel (1st choice)\n"
    "• A-02 Ben Cole -> Leah Dunn (2nd choice)\n"
    "• A-03 Cara Diaz -> Jo Reid (1st choice)\n"
    "• A-05 Eve Fox -> Leah Dunn (not among their choices)\n"
    "Score: 4 of 5 matched; 2 first choices, 1 second, 1 not among their choices."
)
MINUTES = (
    "minutes: met Jo today for an hour; discussed my objectives; actions: Cara: update my CV "
    "by 5 Dec; next meeting 8 Jan 3pm"
)
DAN = (
    "• A-04 Dan Eze: both their choices are full, and no other mentor with a free place is free "
    "of a conflict of interest."
)


@pytest.fixture
def stage(demo: Engine, clock: Clock) -> Engine:
    add_pairing_stage(demo, clock.now())
    return demo


def _chat(db: Engine, clock: Clock, who: str) -> Chat:
    return Chat(db, clock, f"{who}@example.org")


def _id(db: Engine, email: str) -> int:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
        assert person is not None
        assert person.id is not None
        return person.id


def _active(db: Engine) -> dict[str, str]:
    """Active pairings of the fixture's mentees: mentee name -> mentor name."""
    with transaction(db) as s:
        rows = s.exec(select(Pairing).where(Pairing.status == "active")).all()
        names = {p.id: p.display_name for p in s.exec(select(Person)).all()}
        return {
            names[p.mentee_id]: names[p.mentor_id]
            for p in rows
            if names[p.mentee_id] not in ("Priya Shah", "Nadia Kaur")
        }


def _proposals(db: Engine) -> list[MatchProposal]:
    with transaction(db) as s:
        return list(s.exec(select(MatchProposal).order_by(col(MatchProposal.id))).all())


def _approve(
    chair: Chat, reason: str = "first choices honoured; Eve kept from her appraiser"
) -> str:
    asked = chair.said("approve")
    assert "why does the steering group approve this matching?" in asked
    confirm = chair.said(reason)
    assert "pairings are final once announced" in confirm
    return chair.said("1")  # Approve and announce


def test_the_proposal_is_optimal_never_matches_a_conflict_and_says_why_someone_is_unmatched(
    stage: Engine, clock: Clock
) -> None:
    chair = _chat(stage, clock, "chair")
    shown = chair.said("propose matches")
    # A greedy first-come loop matches 3 (Eve's only choice is her appraiser; Dan's are full);
    # the assignment matches 4, with the same two first choices.
    assert PROPOSAL in shown
    assert "No mentor yet:\n" + DAN in shown
    # Eve chose only Sam, her appraiser; Dan's line manager (Leah), same department (Sam) and a
    # mentor's own conflicts list (Jo) keep him unmatched. No conflicts list is ever shown.
    assert "Eve Fox -> Sam Patel" not in shown
    assert "dan@example.org" not in shown
    [proposal] = _proposals(stage)
    assert proposal.status == "draft"
    assert proposal.score == {
        "first": 2,
        "second": 1,
        "third": 0,
        "unranked": 1,
        "unmatched": 1,
        "matched": 4,
        "total": 5,
    }
    assert _active(stage) == {}  # nothing is made or sent before approval
    # A new proposal discards the old draft: one draft at a time.
    chair.said("propose matches")
    assert [p.status for p in _proposals(stage)] == ["discarded", "draft"]


def test_swaps_are_checked_then_approval_announces_to_both_sides(
    stage: Engine, clock: Clock
) -> None:
    with transaction(stage) as s:
        scheme = s.exec(select(Scheme)).one()
        scheme.settings = {
            **scheme.settings,
            "meetings": {**scheme.settings["meetings"], "first_contact_days": 10},
        }
        s.add(scheme)
    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    assert chair.said("swap A-05 and A-01") == (
        "I can't: Eve Fox can't be matched with Sam Patel because a conflict of interest has "
        "been declared. Nothing changed."
    )
    assert chair.said("move A-03 to Sam Patel") == (
        "I can't: Sam Patel has no free place left in this proposal. Swap two mentees instead, "
        "so each keeps one place."
    )
    assert "I can't tell who *Zed* is" in chair.said("swap Zed and Ana")
    swapped = chair.said("swap Ana and Ben")
    assert "Swapped: Ana Lopez now has Leah Dunn; Ben Cole now has Sam Patel." in swapped
    assert "Score: 4 of 5 matched; 2 first choices, 1 third, 1 not among their choices." in swapped
    chair.said("swap A-01 and A-02")  # and back

    # Approval needs a reason, and a confirmation.
    assert "A short reason is needed" in (chair.said("approve"), chair.said("ok"))[1]
    chair.said("cancel")
    done = _approve(chair)
    assert "Approved and announced: 4 pairings." in done
    assert _active(stage) == {
        "Ana Lopez": "Sam Patel",
        "Ben Cole": "Leah Dunn",
        "Cara Diaz": "Jo Reid",
        "Eve Fox": "Leah Dunn",
    }
    [proposal] = _proposals(stage)
    assert (proposal.status, proposal.rationale, proposal.decided_at) == (
        "approved",
        "first choices honoured; Eve kept from her appraiser",
        clock.now(),
    )
    assert proposal.decided_by_id == _id(stage, "chair@example.org")
    with transaction(stage) as s:
        assert all(
            p.proposal_id == proposal.id and p.previous_pairing_id is None
            for p in s.exec(select(Pairing).where(col(Pairing.proposal_id).is_not(None))).all()
        )
        audit = s.exec(select(AuditLog).where(AuditLog.action == "match_approved")).one()
        assert audit.detail["rationale"] == proposal.rationale

    # The matching message: partner, how to reach them, the mentee makes first contact, the
    # date (10 days on, in the reader's zone: Jo is at UTC+14, already Tuesday), what's next.
    ana = _chat(stage, clock, "ana").inbox()
    assert (
        "Good news, Ana: you've been matched with your mentor for *Demo cohort*, Sam Patel" in ana
    )
    assert (
        "How to reach Sam: email sam@example.org (Sam prefers: Phone, weekday afternoons)." in ana
    )
    assert "You make the first contact: please get in touch with Sam" in ana
    assert (
        "If you have not heard back from Sam by Thu 3 Dec, try again or tell the project lead"
        in ana
    )
    assert "both sign the mentoring contract by Mon 7 Dec" in ana
    sam = _chat(stage, clock, "sam").inbox()
    assert "You've been matched with a mentee for *Demo cohort*: Ana Lopez." in sam
    assert "How to reach Ana: email ana@example.org." in sam
    assert "Ana will contact you first" in sam
    assert "If you have not heard from Ana by Thu 3 Dec, please contact them" in sam
    jo = _chat(stage, clock, "jo").inbox()
    assert "If you have not heard from Cara by Fri 4 Dec" in jo
    assert _chat(stage, clock, "dan").inbox() == ""  # unmatched: nothing announced to him
    lead = channel_inbox(stage, clock)
    assert "Matching approved by Grace Fraser for *Demo cohort*: 4 of 5 matched" in lead
    assert "Reason: first choices honoured; Eve kept from her appraiser" in lead
    assert "Still without a mentor: Dan Eze" in lead
    # Pairings are final once announced: nothing waits to be swapped or approved.
    assert "There's no matching proposal waiting" in chair.said("swap A-01 and A-02")


def test_people_declare_conflicts_in_chat(stage: Engine, clock: Clock) -> None:
    # The fixture declared two; here a mentee, a mentor and the lead declare more.
    ben = _chat(stage, clock, "ben")
    assert ben.said("Dr Patel is my appraiser") == (
        "Thank you: I've recorded a conflict of interest with Sam Patel (appraiser). You won't "
        "be matched with them, and the steering group can see it."
    )
    assert "I can't find one mentor called “Jones”" in ben.said("Dr Jones is my line manager")
    # A mentor gets the same answer whether or not the person has applied.
    sam = _chat(stage, clock, "sam")
    said = sam.said("conflict of interest with Cara Diaz, she is in my team")
    assert said == (
        "Thank you: I've noted a conflict of interest with “Cara Diaz” (a conflict of interest). "
        "You won't be matched with them; only the steering group sees it."
    )
    assert "“Nobody Here”" in sam.said("conflict of interest with Nobody Here")
    lead = _chat(stage, clock, "lead")
    assert lead.said("conflict A-01 jo@example.org line management") == (
        "Recorded: A-01 and Jo Reid must not be matched (line management). The next *propose "
        "matches* keeps them apart."
    )
    assert "already recorded" in lead.said("conflict A-01 Jo Reid line manager")
    with transaction(stage) as s:
        rows = s.exec(select(ConflictOfInterest).order_by(col(ConflictOfInterest.id))).all()
        declared = [(r.mentee_id, r.mentor_id, r.kind, r.declared_by_id) for r in rows][2:]
    assert declared == [
        (
            _id(stage, "ben@example.org"),
            _id(stage, "sam@example.org"),
            "appraiser",
            _id(stage, "ben@example.org"),
        ),
        (
            _id(stage, "cara@example.org"),
            _id(stage, "sam@example.org"),
            "other",
            _id(stage, "sam@example.org"),
        ),
        (
            _id(stage, "ana@example.org"),
            _id(stage, "jo@example.org"),
            "line_management",
            _id(stage, "lead@example.org"),
        ),
    ]
    shown = _chat(stage, clock, "chair").said("propose matches")
    for pair in ("Ben Cole -> Sam Patel", "Cara Diaz -> Sam Patel", "Ana Lopez -> Jo Reid"):
        assert pair not in shown
    # A mentee is not offered a mentor they declared a conflict with.
    with transaction(stage) as s:
        cohort = s.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        assert cohort.id is not None
        from storage import application_queries

        offered = application_queries.mentors_with_free_capacity(
            s, _id(stage, "ben@example.org"), cohort.id
        )
        # Nor one the matching would refuse for another reason: Dan works in Sam's department
        # (Leah and Jo are in conflict with him too), so he is offered nobody he couldn't get.
        offered_dan = application_queries.mentors_with_free_capacity(
            s, _id(stage, "dan@example.org"), cohort.id
        )
    assert "Sam Patel" not in [m.name for m in offered]
    assert [m.name for m in offered_dan] == []


def test_the_fit_question_after_first_minutes_and_not_a_good_fit_rematches(
    stage: Engine, clock: Clock
) -> None:
    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    _approve(chair)
    cara, jo = _chat(stage, clock, "cara"), _chat(stage, clock, "jo")
    cara.inbox(), jo.inbox()
    cara.said(MINUTES)
    assert "Saved the minutes" in cara.said("save")
    asked = "how does the pairing with Jo feel? The project lead sees your answer."
    assert asked in cara.inbox()
    assert "how does the pairing with Cara feel?" in jo.inbox()
    # Jo thinks it's going well; Cara presses "Not a good fit".
    assert "good to hear" in jo.said("1")
    cara.said(MINUTES)
    cara.said("save")
    assert cara.inbox() == ""  # asked once: only after the first minutes
    assert "how does the pairing" not in jo.inbox()
    reply = cara.said("not a good fit")
    assert "Would you like a new mentor? This ends your pairing with Jo" in reply
    assert "The project lead has been told." in reply
    lead = channel_inbox(stage, clock)
    assert "Cara Diaz (mentee) says the pairing with Jo Reid is not a good fit" in lead
    ended = cara.said("yes")
    assert "Your pairing with Jo Reid has ended; it stays in the scheme's records." in ended
    assert "first, choose your new top three" in ended
    assert jo.inbox() == (
        "Your mentoring pairing with Cara Diaz has ended. Thank you for the time you've given. "
        "Morgan Ellis, the project lead, will be in touch about what happens next."
    )
    with transaction(stage) as s:
        checks = {(c.person_id, c.answer) for c in s.exec(select(FitCheck)).all()}
        old = s.exec(
            select(Pairing).where(Pairing.mentee_id == _id(stage, "cara@example.org"))
        ).one()
    assert checks == {
        (_id(stage, "jo@example.org"), "good_fit"),
        (_id(stage, "cara@example.org"), "not_a_good_fit"),
    }
    assert (old.status, old.end_reason) == ("ended_early", "not a good fit")
    # A new top 3: Jo is left out of the list. Sam has no free place; Leah is full.
    assert "No mentors have a free place just now" in cara.said("1")  # Choose my mentors
    _free_a_place(stage, "sam@example.org")
    listing = cara.said("choose my mentor")
    assert "1. *Sam Patel*" in listing
    assert "*Jo Reid*" not in listing  # her old mentor is never offered again
    assert "1. Sam Patel" in cara.said("Sam Patel")
    cara.said("save")
    with transaction(stage) as s:
        application = s.exec(
            select(Application).where(Application.person_id == _id(stage, "cara@example.org"))
        ).one()
    assert application.preferences == [_id(stage, "sam@example.org")]
    shown = chair.said("propose matches")
    assert "A-03 Cara Diaz -> Sam Patel (1st choice)" in shown
    _approve(chair, "Cara re-matched after a not-a-good-fit answer")
    with transaction(stage) as s:
        new = s.exec(
            select(Pairing).where(
                Pairing.mentee_id == _id(stage, "cara@example.org"), Pairing.status == "active"
            )
        ).one()
    assert new.previous_pairing_id == old.id
    assert new.mentor_id == _id(stage, "sam@example.org")
    assert "Good news, Cara" in cara.inbox()


def _free_a_place(db: Engine, email: str) -> None:
    with transaction(db) as s:
        from storage.models import MentorProfile

        profile = s.exec(
            select(MentorProfile).where(MentorProfile.person_id == _id(db, email))
        ).one()
        profile.capacity = 2
        s.add(profile)


def test_a_mentor_saying_not_a_good_fit_offers_the_mentee_a_new_mentor(
    stage: Engine, clock: Clock
) -> None:
    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    _approve(chair)
    cara, jo = _chat(stage, clock, "cara"), _chat(stage, clock, "jo")
    cara.inbox(), jo.inbox()
    said = jo.said("not a good fit")
    assert (
        "I've let Cara know you feel it may not be the best fit, and offered Cara a new mentor"
        in said
    )
    offer = cara.inbox()
    assert "Jo feels your pairing may not be the best fit" in offer
    assert "Would you like a new mentor?" in offer
    assert "carries on" in cara.said("2")  # No, carry on
    assert _active(stage)["Cara Diaz"] == "Jo Reid"


def test_a_no_fault_exit_then_a_new_mentor_keeps_the_history(stage: Engine, clock: Clock) -> None:
    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    _approve(chair)
    ana = _chat(stage, clock, "ana")
    ana.inbox()
    ana.said("I want to leave the scheme")
    ana.said("We've tried to make it work but our diaries never line up at all")
    ana.said("send it")
    ana.said("yes, end our pairing")
    done = ana.said("yes please")
    assert "Your pairing with Sam Patel has ended" in done
    assert "choose your new top three" in done
    # Sam's place is free again, but he was Ana's mentor: never offered or matched again.
    assert "No mentors have a free place just now" in ana.said("1")  # Choose my mentors
    shown = chair.said("propose matches")
    assert (
        "• A-01 Ana Lopez: 2nd and 3rd choice are full; 1st choice is ruled out (a conflict of "
        "interest, or paired before); and no other mentor with a free place is free of a "
        "conflict of interest."
    ) in shown
    assert (
        "Nobody waiting in *Demo cohort* can be matched just now.\nScore: 0 of 2 matched." in shown
    )
    _free_a_place(stage, "jo@example.org")
    listing = ana.said("choose my mentor")
    assert "1. *Jo Reid*" in listing
    assert "*Sam Patel*" not in listing
    ana.said("Jo Reid")
    ana.said("save")
    assert "A-01 Ana Lopez -> Jo Reid (1st choice)" in chair.said("propose matches")
    _approve(chair, "Ana re-matched after a no-fault exit")
    with transaction(stage) as s:
        history = s.exec(
            select(Pairing)
            .where(Pairing.mentee_id == _id(stage, "ana@example.org"))
            .order_by(col(Pairing.id))
        ).all()
    assert [(p.status, p.end_reason, p.mentor_id) for p in history] == [
        ("ended_early", "no-fault exit", _id(stage, "sam@example.org")),
        ("active", None, _id(stage, "jo@example.org")),
    ]
    assert history[1].previous_pairing_id == history[0].id
    assert "Good news, Ana: you've been matched with your mentor for *Demo cohort*, Jo Reid" in (
        ana.inbox()
    )


@pytest.mark.parametrize("who", ["mentor", "mentee", "sam", "ana"])
def test_mentors_and_mentees_are_refused(stage: Engine, clock: Clock, who: str) -> None:
    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    person = _chat(stage, clock, who)
    refused = (
        "Proposing, swapping and approving matches is for the project lead and the steering "
        "group of the cohort."
    )
    assert person.said("propose matches") == refused
    assert person.said("swap A-01 and A-02") == refused
    assert person.said("approve the matching: looks fine") == refused
    assert "is for the project lead and the steering group" in person.said(
        "conflict A-01 jo@example.org line management"
    )
    with transaction(stage) as s:
        assert len(s.exec(select(ConflictOfInterest)).all()) == 2  # the fixture's two only
    [proposal] = _proposals(stage)
    assert proposal.status == "draft"
    assert _active(stage) == {}


def test_a_steering_member_of_another_cohort_is_refused(stage: Engine, clock: Clock) -> None:
    _chat(stage, clock, "chair").said("propose matches")
    with transaction(stage) as s:
        cohort = s.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        other = Cohort(
            scheme_id=cohort.scheme_id,
            slug="other",
            name="Other cohort",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 8, 31),
        )
        s.add(other)
        person = Person(email="other@example.org", display_name="Olu Other", created_at=clock.now())
        s.add(person)
        s.flush()
        assert person.id is not None
        assert other.id is not None
        s.add(Membership(person_id=person.id, cohort_id=other.id, role="steering_chair"))
    outsider = _chat(stage, clock, "other")
    assert "There's no matching proposal waiting for *Other cohort*" in outsider.said(
        "approve the matching: fine"
    )
    assert "Nobody is waiting for a mentor" in outsider.said("propose matches")
    assert "I can't find application A-01" in outsider.said("conflict A-01 jo@example.org other")
    with transaction(stage) as s:
        cohort_id = s.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one().id
        assert cohort_id is not None
        assert mq.draft(s, person.id, cohort_id) is None
        assert mq.matching_inputs(s, person.id, cohort_id) is None
        assert mq.mentee_by_reference(s, person.id, cohort_id, "A-01") is None
    [proposal] = _proposals(stage)
    assert proposal.status == "draft"


def test_a_conflict_with_ones_current_mentor_reaches_the_lead(
    stage: Engine, clock: Clock, mentee: Chat
) -> None:
    said = mentee.said("Tom Okafor is my line manager")
    assert "I've recorded a conflict of interest with Tom Okafor (line management)." in said
    assert "As Tom is your current partner in the scheme, I've told the project lead" in said
    assert (
        "Priya Shah has declared a conflict of interest (line management) with their current "
        "partner, Tom Okafor." in channel_inbox(stage, clock)
    )


def test_a_mentee_without_an_application_is_rematched_with_no_choices(
    stage: Engine, clock: Clock, mentee: Chat
) -> None:
    # The demo's Priya was paired from the scheme file: no application, so no top 3 in chat.
    mentee.said("I want to leave the scheme")
    mentee.said("We've tried to make it work but our diaries never line up at all")
    mentee.said("send it")
    mentee.said("yes, end our pairing")
    assert "The steering group will be in touch about a new mentor." in mentee.said("yes")
    shown = _chat(stage, clock, "lead").said("propose matches")
    assert "• Priya Shah -> " in shown
    assert "(gave no choices)" in shown
    assert "• Priya Shah -> Tom Okafor" not in shown


def test_a_pair_re_matched_late_gets_its_own_contract_deadline(stage: Engine, clock: Clock) -> None:
    """Ana leaves her first pairing and is re-matched with Jo on Thu 3 Dec, four days before the
    cohort's contract deadline (Mon 7 Dec). The new pair gets three weeks, to Thu 24 Dec: in the
    matching message, in the contract, in the reminders and in the lead's alert."""
    from conversations.nudges import sweep

    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    _approve(chair)
    ana = _chat(stage, clock, "ana")
    ana.inbox()
    ana.said("I want to leave the scheme")
    ana.said("We've tried to make it work but our diaries never line up at all")
    ana.said("send it")
    ana.said("yes, end our pairing")
    ana.said("yes please")
    _free_a_place(stage, "jo@example.org")
    ana.said("choose my mentor")
    ana.said("Jo Reid")
    ana.said("save")

    thursday = Clock.fixed("2026-12-03T10:00:00+00:00")
    chair = _chat(stage, thursday, "chair")
    assert "A-01 Ana Lopez -> Jo Reid (1st choice)" in chair.said("propose matches")
    _approve(chair, "Ana re-matched after a no-fault exit")
    ana, jo = _chat(stage, thursday, "ana"), _chat(stage, thursday, "jo")
    assert "both sign the mentoring contract by Thu 24 Dec" in ana.inbox()
    assert "both sign the mentoring contract by Thu 24 Dec" in jo.inbox()
    assert "Please sign by Thu 24 Dec." in ana.said("sign the contract")
    ana.said("cancel")
    channel_inbox(stage, thursday)  # the lead has read the channel

    # The cohort's deadline passes: the lead hears of the cohort's unsigned pairs, not of Ana's.
    deadline_day = Clock.fixed("2026-12-07T16:00:00+00:00")
    sweep(stage, deadline_day)
    cohort_alert = channel_inbox(stage, deadline_day)
    assert "not signed by today's deadline (Mon 7 Dec)" in cohort_alert
    assert "Ana Lopez" not in cohort_alert
    assert "needs signing" not in _chat(stage, deadline_day, "ana").inbox()

    # A week before her own deadline Ana is reminded; on it, the lead is told.
    week_before = Clock.fixed("2026-12-17T10:00:00+00:00")
    sweep(stage, week_before)
    reminder = _chat(stage, Clock.fixed("2026-12-17T11:00:00+00:00"), "ana").inbox()
    assert "Your mentoring contract with Jo Reid needs signing by Thu 24 Dec" in reminder
    own_day = Clock.fixed("2026-12-24T16:00:00+00:00")
    sweep(stage, own_day)
    assert (
        "1 mentoring contract was not signed by today's deadline (Thu 24 Dec):\n"
        "• Ana Lopez and Jo Reid (not signed: Ana Lopez, Jo Reid)"
    ) in channel_inbox(stage, own_day)


def test_the_reason_is_corrected_at_the_confirmation_and_approved_by_a_yes_in_a_new_turn(
    stage: Engine, clock: Clock
) -> None:
    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    chair.said("approve: first choices")
    shown = chair.said("change the reason to First choices honoured; Eve kept from her appraiser")
    assert "with the reason “First choices honoured; Eve kept from her appraiser”?" in shown
    assert _active(stage) == {}  # nothing announced by a correction
    back = chair.said("not yet")
    assert "OK, nothing was announced." in back
    assert "Proposed matching for *Demo cohort*:" in back
    chair.said("approve: First choices honoured")
    chair.restart()  # the yes comes in a new turn, as on Slack or Teams
    assert "Approved and announced: 4 pairings." in chair.said("yep go ahead")
    [proposal] = _proposals(stage)
    assert proposal.rationale == "First choices honoured"


def test_a_mentee_answers_new_mentor_in_a_new_turn_with_a_typo(stage: Engine, clock: Clock) -> None:
    chair = _chat(stage, clock, "chair")
    chair.said("propose matches")
    _approve(chair)
    cara = _chat(stage, clock, "cara")
    cara.inbox()
    assert "Would you like a new mentor?" in cara.said("not a good fit")
    cara.restart()
    assert "Your pairing with Jo Reid has ended" in cara.said("yes a new mentr please")
    assert "Cara Diaz" not in _active(stage)
