"""Selection: the steering group reviews applications anonymised, the chair decides a split, the
moderator decides when the chair can't, and applicants are told kindly.

The scheme (``SELECTION_TOML``): the *Spring 2027 cohort*, applications open until Mon 30 Nov
2026. Ada and Ben apply through the real apply dialog on Mon 23 Nov (the fixed clock); Cara and
Dan's applications are written directly. Review opens on Tue 1 Dec (``LATER``). The steering
group: Grace Fraser (chair), Dev Anand (member), Leah Dunn (mentor and member); Alex Carter is
the independent moderator; Sam Reid is the project lead. The *Autumn 2027 cohort* has its own
steering member (Zoe) and its own application A-01.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.dialogs import apply
from conversations.dialogs.apply.selection import read_verdict
from conversations.intents import IntentName, recognise
from conversations.messages import Incoming
from conversations.scheme_config import load_scheme, parse_scheme
from storage import queries
from storage import selection_queries as sel
from storage.db import transaction
from storage.models import (
    Application,
    ApplicationStatus,
    AuditLog,
    Cohort,
    Outbox,
    Review,
)
from tests.test_apply import CONFIRM, answer_all
from tests.transcript import Chat, channel_inbox

LATER = "2026-12-01T10:00:00+00:00"  # Tue 1 Dec, the day after applications close
LATER_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

SELECTION_TOML = """
[scheme]
slug = "sel"
name = "Selection Test Scheme"
time_zone = "Europe/London"
lead_channel = "sel-lead"

[[cohorts]]
slug = "spring-2027"
name = "Spring 2027 cohort"
starts_on = "today+8w"
ends_on = "today+8w+12m"
applications_open = "today-14d"
applications_close = "today+7d"

[[cohorts.events]]
key = "launch"
name = "Launch event"
starts_at = "today+8w 11:00"
mode = "in_person"
location = "Conference Centre"

[[cohorts.people]]
email = "lead@example.org"
name = "Sam Reid"
roles = ["lead"]

[[cohorts.people]]
email = "chair@example.org"
name = "Grace Fraser"
roles = ["steering_chair"]

[[cohorts.people]]
email = "steering@example.org"
name = "Dev Anand"
roles = ["steering_member"]

[[cohorts.people]]
email = "mentor3@example.org"
name = "Leah Dunn"
roles = ["mentor", "steering_member"]
bio = "Radiotherapy services lead."

[[cohorts.people]]
email = "moderator@example.org"
name = "Alex Carter"
roles = ["moderator"]

[[cohorts.people]]
email = "mentor@example.org"
name = "Tom Okafor"
roles = ["mentor"]
bio = "Head of imaging."

[[cohorts.people]]
email = "ada@example.org"
name = "Ada Brooks"
roles = ["mentee"]
organisation = "Riverside University Hospitals NHS Trust"
department = "Diagnostic Imaging"

[[cohorts.people]]
email = "ben@example.org"
name = "Ben Cole"
roles = ["mentee"]

[[cohorts.people]]
email = "cara@example.org"
name = "Cara Diaz"
roles = ["mentee"]

[[cohorts.people]]
email = "dan@example.org"
name = "Dan Evans"
roles = ["mentee"]

[[cohorts]]
slug = "autumn-2027"
name = "Autumn 2027 cohort"
starts_on = "today+40w"
ends_on = "today+40w+12m"
applications_open = "today-14d"
applications_close = "today+7d"

[[cohorts.people]]
email = "zoe@example.org"
name = "Zoe Hale"
roles = ["steering_member"]

[[cohorts.people]]
email = "eli@example.org"
name = "Eli Ward"
roles = ["mentee"]
"""

# Ada's answers name her and her workplace in the free text: reviewers must not see either.
ADA = {
    "Where do you work": "Riverside University Hospitals NHS Trust",
    "Tell me a little about it": "I run CT at Riverside for 40 staff; colleagues call me Ada.",
    "paste your head of service's supporting statement": "Ada Brooks has my full support. J. Smith",
}
BEN = {
    "current job role and grade": "Sonography lead, Band 7",
    "Where do you work": "Harbour Health Clinic",
    "Tell me a little about it": "I lead a team of six sonographers.",
    "responsibilities and accountabilities": "Rotas and quality; no budget yet.",
}
ANSWERS = {
    "job_role": "Nuclear medicine manager, Band 8a",
    "workplace": "Hillside General Hospital",
    "professional_body": "yes",
    "leadership": "team",
    "leadership_detail": "I manage a team of nine.",
    "autonomy": "I approve leave and overtime.",
    "responsibilities": "A £400k budget.",
    "commitment": "yes",
    "head_of_service_support": "yes",
    "supporting_statement": "Full support. K. Jones",
    "travel": "20 miles",
    "travel_number": 20,
    "travel_unit": "miles",
    "why": "To lead with more confidence.",
    "professional_interests": "Workforce planning",
    "personal_interests": "Climbing",
    "line_manager_told": "yes",
}
# What must never reach a reviewer or the lead channel after submission.
IDENTIFYING = [
    "Ada Brooks",
    "Ada",
    "ada@example.org",
    "Riverside",
    "Ben Cole",
    "ben@example.org",
    "Harbour Health",
    "Cara Diaz",
    "cara@example.org",
    "Dan Evans",
    "Hillside",
    "J. Smith",
    "K. Jones",
]


@pytest.fixture
def scheme(engine: Engine, clock: Clock) -> Engine:
    load_scheme(engine, parse_scheme(SELECTION_TOML, clock), clock)
    return engine


def applies(db: Engine, clock: Clock, email: str, overrides: dict[str, str]) -> str:
    """The applicant applies through the real dialog; returns the receipt."""
    chat = Chat(db, clock, email)
    review = answer_all(chat, chat.said("apply"), **overrides)
    assert CONFIRM in review
    return chat.said("submit")


def written(db: Engine, email: str, reference: str, cohort: str = "spring-2027") -> None:
    """An application sent earlier, written directly."""
    with transaction(db) as tx:
        person = queries.person_by_email(tx, email)
        row = tx.exec(select(Cohort).where(Cohort.slug == cohort)).one()
        assert person is not None
        assert person.id is not None
        assert row.id is not None
        tx.add(
            Application(
                cohort_id=row.id,
                person_id=person.id,
                reference=reference,
                status=ApplicationStatus.SUBMITTED.value,
                answers=dict(ANSWERS),
                created_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                submitted_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
            )
        )


@pytest.fixture
def applied(scheme: Engine, clock: Clock) -> Engine:
    """A-01 Ada and A-02 Ben through the apply dialog, A-03 Cara and A-04 Dan written; Eli's
    A-01 in the other cohort. The lead channel's "new application" notes are read already."""
    assert "Your reference is *A-01*" in applies(scheme, clock, "ada@example.org", ADA)
    assert "Your reference is *A-02*" in applies(scheme, clock, "ben@example.org", BEN)
    written(scheme, "cara@example.org", "A-03")
    written(scheme, "dan@example.org", "A-04")
    written(scheme, "eli@example.org", "A-01", cohort="autumn-2027")
    channel_inbox(scheme, clock, "sel-lead")
    return scheme


def at_later(db: Engine, email: str) -> Chat:
    return Chat(db, Clock.fixed(LATER), email)


def lead_channel(db: Engine) -> str:
    return channel_inbox(db, Clock.fixed(LATER), "sel-lead")


def status_of(db: Engine, email: str) -> Application:
    with transaction(db) as tx:
        person = queries.person_by_email(tx, email)
        assert person is not None
        row = tx.exec(select(Application).where(Application.person_id == person.id)).one()
        tx.expunge(row)
        return row


def assert_anonymous(text: str) -> None:
    for mark in IDENTIFYING:
        assert mark not in text, mark


def review_all(chat: Chat, verdicts: dict[str, str]) -> None:
    """Give each reference its review in one message each ("review A-01 accept: ...")."""
    for reference, said in verdicts.items():
        reply = chat.said(f"review {reference} {said}")
        assert "Shall I save it?" in reply, reply
        chat.said("save")


# -- understanding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("review applications", IntentName.REVIEW_APPLICATIONS),
        ("Can I assess the applications?", IntentName.REVIEW_APPLICATIONS),
        (
            "review A-07 accept: clear evidence of budget responsibility",
            IntentName.REVIEW_APPLICATIONS,
        ),
        # Words of the reason never pick another journey.
        (
            "review A-07 reject: no open actions or budget; book a meeting",
            IntentName.REVIEW_APPLICATIONS,
        ),
        ("decide a7 reject: not yet", IntentName.REVIEW_APPLICATIONS),
        ("selection status", IntentName.SELECTION_STATUS),
        ("review progress", IntentName.SELECTION_STATUS),
        ("my application", IntentName.APPLY),
        ("review my application", IntentName.APPLY),
        ("I'd like to apply", IntentName.APPLY),
    ],
)
def test_what_reviewers_and_applicants_say_is_understood(text: str, expected: IntentName) -> None:
    assert recognise(text).name == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("accept", ("accept", "")),
        ("Accept: clear evidence of budget", ("accept", "clear evidence of budget")),
        ("reject - no budget yet", ("reject", "no budget yet")),
        ("not sure whether a team of nine counts", ("unsure", "whether a team of nine counts")),
        ("can't decide", ("unsure", "")),
        ("conflicted", ("unsure", "Conflict of interest.")),
        ("skip for now", ("skip", "")),
        ("nothing like a verdict", None),
    ],
)
def test_verdicts_are_read_from_typed_words(text: str, expected: tuple[str, str] | None) -> None:
    assert read_verdict(text) == expected


def test_every_question_of_the_form_is_shown_to_reviewers_or_withheld_on_purpose() -> None:
    keys = set(apply.BY_KEY) | {"travel_number", "travel_unit"}
    shown, withheld = set(sel.SHOWN_TO_REVIEWERS), set(sel.WITHHELD)
    assert shown | withheld == keys
    assert not shown & withheld
    assert {"workplace", "supporting_statement"} <= withheld


# -- before the window closes ------------------------------------------------------------------


def test_before_applications_close_review_is_not_open_yet(applied: Engine, clock: Clock) -> None:
    chair = Chat(applied, clock, "chair@example.org")
    expected = (
        "Applications for *Spring 2027 cohort* close on Mon 30 Nov (4 sent so far). Review opens "
        "the next day, Tue 1 Dec: I'll show them to you then, anonymised."
    )
    assert chair.said("review applications") == expected
    assert chair.said("review A-01 accept: strong budget evidence") == (
        "Applications for *Spring 2027 cohort* close on Mon 30 Nov. Review opens the next day, "
        "Tue 1 Dec: I'll show them to you then, anonymised."
    )
    assert chair.said("selection status").startswith(
        "*Spring 2027 cohort*: applications close on Mon 30 Nov (4 sent so far); review opens "
        "Tue 1 Dec."
    )
    with transaction(applied) as tx:
        assert tx.exec(select(Review)).all() == []


def test_the_window_closes_in_the_reviewers_own_time_zone(applied: Engine) -> None:
    with transaction(applied) as tx:
        person = queries.person_by_email(tx, "chair@example.org")
        assert person is not None
        person.time_zone = "America/New_York"
        tx.add(person)
    # 23:30 on Mon 30 Nov in London is still the closing day in New York: not open.
    late = Chat(applied, Clock.fixed("2026-12-01T00:30:00+00:00"), "chair@example.org")
    assert late.said("review applications").startswith("Applications for *Spring 2027 cohort*")
    # At 05:30 UTC on Tue 1 Dec it is Tue 1 Dec in New York too.
    next_day = Chat(applied, Clock.fixed("2026-12-01T05:30:00+00:00"), "chair@example.org")
    assert next_day.said("review applications").startswith("Applications to review")


# -- reviewing ---------------------------------------------------------------------------------


def test_a_reviewer_sees_each_application_anonymised_with_their_progress(applied: Engine) -> None:
    chair = at_later(applied, "chair@example.org")
    first = chair.said("review applications")
    assert first.startswith(
        "Applications to review, anonymised (references only, no names). 0 of 4 reviewed by you.\n"
        "Still to review: A-01, A-02, A-03, A-04.\n"
        "Let's start with A-01.\n\n"
        "*A-01*, Spring 2027 cohort (anonymised):\n"
        "*Job role and grade:* Radiography service manager, Band 8a\n"
        "*Member of their professional body:* Yes\n"
        "*Leadership position:* Delivering a service\n"
        "*About their leadership role:* I run CT at [removed] for 40 staff; colleagues call me "
        "[removed].\n"
        "*Autonomy:* I set the rota and approve overtime myself.\n"
        "*Responsibilities and accountabilities (including budget):* Staffing, quality and a "
        "£1.2m budget.\n"
        "*Commits to the full scheme, training and launch:* Yes\n"
        "*Head of service supports it:* Yes\n"
        "*Their statement:* given (withheld here: it names people)\n"
        "*Why they want to take part:* To grow as a service leader.\n"
    )
    assert first.endswith(
        "Your review of A-01 against the criteria?\n"
        "  1. Accept\n  2. Reject\n  3. Unsure\n  4. Skip for now"
    )
    assert "20 miles" not in first  # travel is for matching, not selection
    assert_anonymous(first)
    assert chair.said("1") == "Why accept A-01? A line or two against the criteria, please."
    assert "A short reason is needed" in chair.said("fine")
    saved = chair.said("Leads a service with a budget: meets every criterion.")
    assert saved.startswith(
        "Saved your review of A-01: *Accept*.\n\n1 of 4 reviewed by you. Next: A-02.\n\n"
        "*A-02*, Spring 2027 cohort (anonymised):\n*Job role and grade:* Sonography lead, Band 7\n"
    )
    assert_anonymous(saved)
    reject = chair.said("Reject")
    assert reject == (
        "Why reject A-02? A line or two against the criteria, please. If the steering group "
        "rejects it, your reason may be shared with the applicant, so please write it kindly, "
        "as you would say it to them."
    )
    assert "Next: A-03." in chair.said("A strong team leader; budget experience would help.")
    assert "Next: A-04." in chair.said("skip")
    done = chair.said("skip")
    assert done == (
        "That's all for now. Still waiting for you: A-03, A-04. Type *review applications* when "
        "you're ready to come back to them."
    )
    with transaction(applied) as tx:
        rows = tx.exec(select(Review).order_by(col(Review.id))).all()
    assert [(r.stage, r.verdict, r.reason) for r in rows] == [
        ("member", "accept", "Leads a service with a budget: meets every criterion."),
        ("member", "reject", "A strong team leader; budget experience would help."),
    ]
    assert {r.created_at for r in rows} == {LATER_AT}


def test_a_review_in_one_message_is_confirmed_before_it_is_saved(applied: Engine) -> None:
    dev = at_later(applied, "steering@example.org")
    assert dev.said("review a1 accept: clear evidence of budget responsibility") == (
        "Your review of *A-01* (Spring 2027 cohort): *Accept*, “clear evidence of budget "
        "responsibility”.\n\nShall I save it?\n  1. Save\n  2. Change"
    )
    with transaction(applied) as tx:
        assert tx.exec(select(Review)).all() == []
    assert dev.said("Save") == (
        "Saved your review of A-01: *Accept*.\n\n"
        "1 of 4 reviewed by you. Type *review applications* for the next one."
    )
    reject = dev.said("review A-02 reject: no budget yet, but please apply again")
    assert "(This reason may be shared with the applicant.)" in reject
    # Without a reason it asks for one; an unknown reference is said plainly.
    assert dev.said("review A-03 accept") == (
        "Why accept A-03? A line or two against the criteria, please."
    )
    assert dev.said("review A-09 accept: fine by me") == (
        "I can't find an application A-09 among those you review. Type *review applications* "
        "to see what's waiting for you."
    )


def test_a_reviewer_can_change_their_review_until_the_outcome_is_final(applied: Engine) -> None:
    dev = at_later(applied, "steering@example.org")
    review_all(dev, {"A-03": "accept: a team of nine and a budget"})
    later = Chat(applied, Clock.fixed("2026-12-02T09:00:00+00:00"), "steering@example.org")
    shown = later.said("review A-03")
    assert "You said *Accept* (Tue 1 Dec, 10:00): “a team of nine and a budget”." in shown
    assert shown.endswith("  1. Accept\n  2. Reject\n  3. Unsure\n  4. Keep it")
    later.said("Unsure")
    changed = later.said("Is a team of nine enough for this scheme?")
    assert changed.startswith("Changed your review of A-03 from Accept to *Unsure*.")
    with transaction(applied) as tx:
        row = tx.exec(select(Review)).one()
        audit = tx.exec(select(AuditLog).where(AuditLog.action == "review_changed")).one()
    assert (row.verdict, row.created_at, row.updated_at) == (
        "unsure",
        LATER_AT,
        datetime(2026, 12, 2, 9, tzinfo=UTC),
    )
    assert audit.actor_id == dev.person_id
    assert audit.detail["previous_verdict"] == "accept"
    assert audit.detail["previous_reason"] == "a team of nine and a budget"
    assert audit.detail["reason"] == "Is a team of nine enough for this scheme?"
    # Once the outcome is final, reviews can't be changed.
    review_all(later, {"A-01": "accept: strong service leadership"})
    review_all(at_later(applied, "chair@example.org"), {"A-01": "accept: meets every criterion"})
    review_all(at_later(applied, "mentor3@example.org"), {"A-01": "accept: budget and autonomy"})
    assert later.said("review A-01 reject: changed my mind") == (
        "A-01's outcome is already final (selected): there's nothing more to decide, and its "
        "reviews can't be changed now."
    )


# -- outcomes ----------------------------------------------------------------------------------


def test_consensus_selects_or_rejects_and_the_applicants_are_told_kindly(
    applied: Engine,
) -> None:
    chair = at_later(applied, "chair@example.org")
    dev = at_later(applied, "steering@example.org")
    leah = at_later(applied, "mentor3@example.org")  # a mentor who sits on the steering group
    seen = []
    for chat, reasons in (
        (chair, ("leads a service with a £1.2m budget", "a strong team leader; no budget yet")),
        (dev, ("clear autonomy and budget", "no budget responsibility yet; please apply again")),
    ):
        review_all(chat, {"A-01": f"accept: {reasons[0]}", "A-02": f"reject: {reasons[1]}"})
    assert status_of(applied, "ada@example.org").status == "submitted"  # Leah hasn't reviewed
    seen.append(leah.said("review A-01 accept: meets every criterion"))
    last = leah.said("save")
    assert last.startswith(
        "Saved your review of A-01: *Accept*. Every reviewer agreed, so A-01 is selected. "
        "I've told the applicant."
    )
    seen.append(last)
    seen.append(leah.said("review A-02 reject: a strong team leader; no budget yet"))
    last = leah.said("save")
    assert (
        "Every reviewer agreed, so A-02 is not selected. I've told the applicant, kindly, " in last
    )
    seen.append(last)

    ada = status_of(applied, "ada@example.org")
    ben = status_of(applied, "ben@example.org")
    assert (ada.status, ada.decided_at) == ("selected", LATER_AT)
    assert (ben.status, ben.decided_at) == ("rejected", LATER_AT)
    assert ben.decision_reason == (
        "a strong team leader; no budget yet\nno budget responsibility yet; please apply again"
    )
    assert at_later(applied, "ada@example.org").inbox() == (
        "Good news about your application to *Spring 2027 cohort*!\n\n"
        "Congratulations, Ada: the steering group has selected your application (A-01).\n"
        "What happens next: choose your top three mentors from the bios of the mentors with a "
        "free place. Type *choose my mentor* to see them. The steering group then matches "
        "mentees with mentors, and I'll tell you who yours is. The launch event is on "
        "Mon 18 Jan 2027, 11:00."
    )
    told_ben = at_later(applied, "ben@example.org").inbox()
    assert told_ben == (
        "News about your application to *Spring 2027 cohort*.\n\n"
        "Thank you for applying, Ben. I'm sorry to tell you that the steering group hasn't been "
        "able to offer you a place this time (application A-02).\n"
        "The steering group's reasons:\n"
        "• A strong team leader; no budget yet.\n"
        "• No budget responsibility yet; please apply again.\n"
        "This isn't a judgement of you as a leader, and we'd be glad to hear from you again. If "
        "you'd like to talk it over, or hear about the next round, please contact your project "
        "lead, Sam Reid (lead@example.org)."
    )
    for reviewer in ("Grace", "Dev", "Leah", "Fraser", "Anand", "Dunn"):
        assert reviewer not in told_ben
    lead = lead_channel(applied)
    assert lead == (
        "Selection: A-01 (Spring 2027 cohort) selected, by consensus.\n\n"
        "Selection: A-02 (Spring 2027 cohort) not selected, by consensus."
    )
    for text in [*seen, lead]:
        assert_anonymous(text)
    # The lock-screen preview never says "not selected" or the reason.
    with transaction(applied) as tx:
        ben_id = queries.person_by_email(tx, "ben@example.org")
        assert ben_id is not None
        row = tx.exec(
            select(Outbox).where(Outbox.recipient_id == ben_id.id, Outbox.kind == "selection")
        ).one()
    # (plain words: a notification shows no markup; this asserted the literal asterisks)
    assert row.preview == "News about your application to Spring 2027 cohort."
    # Selected, Ada can now choose her mentors.
    assert "Mentors with a free place" in at_later(applied, "ada@example.org").said(
        "choose my mentor"
    )


def test_a_split_goes_to_the_chair_who_decides(applied: Engine) -> None:
    chair = at_later(applied, "chair@example.org")
    review_all(at_later(applied, "steering@example.org"), {"A-03": "accept: a team and a budget"})
    review_all(chair, {"A-03": "unsure: is a team of nine enough?"})
    leah = at_later(applied, "mentor3@example.org")
    reply = leah.said("review A-03 reject: no evidence of autonomy")
    assert "(This reason may be shared with the applicant.)" in reply
    assert leah.said("save").startswith(
        "Saved your review of A-03: *Reject*. The reviews of A-03 differ, so I've passed it to "
        "the chair to decide."
    )
    assert lead_channel(applied) == (
        "Selection: A-03 (Spring 2027 cohort) has no consensus (1 accept, 1 reject, 1 unsure), "
        "so it's with the chair."
    )
    asked = chair.inbox()
    assert asked.startswith(
        "A-03 (Spring 2027 cohort) needs your decision as chair: the steering group's reviews "
        "differ.\n\n*A-03*, Spring 2027 cohort (anonymised):\n"
    )
    assert (
        "The reviews so far:\n"
        "• Dev Anand: *Accept*, “a team and a budget” (Tue 1 Dec, 10:00)\n"
        "• Grace Fraser: *Unsure*, “is a team of nine enough?” (Tue 1 Dec, 10:00)\n"
        "• Leah Dunn: *Reject*, “no evidence of autonomy” (Tue 1 Dec, 10:00)\n"
    ) in asked
    assert asked.endswith(
        "Your decision on A-03? (Or type *review A-03* any time.)\n"
        "  1. Accept\n  2. Reject\n  3. Can't decide"
    )
    assert_anonymous(asked)
    assert status_of(applied, "cara@example.org").status == "submitted"
    assert "with the chair: 1 (A-03)" in at_later(applied, "lead@example.org").said(
        "selection status"
    )
    # The chair answers with the button in that message.
    assert chair.said("2") == (
        "Why reject A-03? A line or two against the criteria, please. It will be shared with the "
        "applicant, so please write it kindly, as you would say it to them."
    )
    decided = chair.said(
        "Thank you for a thoughtful application; we'd like more evidence of autonomy."
    )
    assert decided.startswith(
        "Saved your decision on A-03: *Reject*. A-03 is not selected: I've told the applicant "
        "and the lead channel."
    )
    cara = status_of(applied, "cara@example.org")
    assert (cara.status, cara.decided_at) == ("rejected", LATER_AT)
    assert cara.decision_reason == (
        "Thank you for a thoughtful application; we'd like more evidence of autonomy."
    )
    told = at_later(applied, "cara@example.org").inbox()
    assert (
        "The steering group's reason: Thank you for a thoughtful application; we'd like more "
        "evidence of autonomy.\n"
    ) in told
    assert "Grace" not in told
    assert "chair" not in told
    assert (
        lead_channel(applied) == "Selection: A-03 (Spring 2027 cohort) not selected, by the chair."
    )


def test_when_the_chair_cant_decide_the_moderator_decides(applied: Engine) -> None:
    chair = at_later(applied, "chair@example.org")
    review_all(chair, {"A-04": "accept: nine staff and a budget"})
    review_all(
        at_later(applied, "steering@example.org"), {"A-04": "reject: the budget is a colleague's"}
    )
    review_all(at_later(applied, "mentor3@example.org"), {"A-04": "accept: strong autonomy shown"})
    lead_channel(applied)
    # The chair uses the chat instead of the button: the decision waits for them first.
    listing = chair.said("review applications")
    assert "Waiting for your decision: A-04." in listing
    assert "The steering group didn't agree, so it's your decision as chair." in listing
    assert chair.said("Can't decide") == (
        "Why can't you decide on A-04? (For example, a conflict of interest.) The independent "
        "moderator will see your reason."
    )
    passed = chair.said("I know this applicant: a conflict of interest.")
    assert passed.startswith(
        "Saved your decision on A-04: *Can't decide*. I've passed A-04 to the independent moderator "
        "to decide."
    )
    assert lead_channel(applied) == (
        "Selection: A-04 (Spring 2027 cohort): the chair couldn't decide, so it's with the "
        "independent moderator."
    )
    moderator = at_later(applied, "moderator@example.org")
    asked = moderator.inbox()
    assert asked.startswith(
        "A-04 (Spring 2027 cohort) needs your decision as the independent moderator: the "
        "steering group didn't agree and the chair couldn't decide."
    )
    assert (
        "• Grace Fraser (chair's decision): *Unsure*, “I know this applicant: a conflict of interest.”"
        in asked
    )
    assert asked.endswith("  1. Accept\n  2. Reject")
    assert_anonymous(asked)
    # The moderator's is the final word: "unsure" is not an option.
    unsure = moderator.said("review A-04 unsure: hard to say")
    assert unsure.startswith(
        "As the independent moderator, yours is the final decision: please choose *Accept* or "
        "*Reject*."
    )
    moderator.said("Accept")
    decided = moderator.said("Nine staff, autonomy over leave and a budget: eligible.")
    assert decided.startswith(
        "Saved your decision on A-04: *Accept*. A-04 is selected: I've told the applicant and "
        "the lead channel."
    )
    dan = status_of(applied, "dan@example.org")
    assert (dan.status, dan.decision_reason) == (
        "selected",
        "Nine staff, autonomy over leave and a budget: eligible.",
    )
    assert (
        at_later(applied, "dan@example.org")
        .inbox()
        .startswith("Good news about your application to *Spring 2027 cohort*!")
    )
    assert lead_channel(applied) == (
        "Selection: A-04 (Spring 2027 cohort) selected, by the independent moderator."
    )
    # Every decision is kept with who, when and why.
    with transaction(applied) as tx:
        reviews = tx.exec(select(Review).order_by(col(Review.id))).all()
        audit = tx.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        ids = {
            email: queries.person_by_email(tx, email)
            for email in ("chair@example.org", "steering@example.org", "mentor3@example.org",
                          "moderator@example.org")
        }  # fmt: skip
    who = {p.id: email.split("@")[0] for email, p in ids.items() if p is not None}
    assert [(who[r.reviewer_id], r.stage, r.verdict, r.reason, r.created_at) for r in reviews] == [
        ("chair", "member", "accept", "nine staff and a budget", LATER_AT),
        ("steering", "member", "reject", "the budget is a colleague's", LATER_AT),
        ("mentor3", "member", "accept", "strong autonomy shown", LATER_AT),
        ("chair", "chair", "unsure", "I know this applicant: a conflict of interest.", LATER_AT),
        ("moderator", "moderator", "accept", "Nine staff, autonomy over leave and a budget: eligible.", LATER_AT),
    ]  # fmt: skip
    trail = [(a.action, who.get(a.actor_id or 0), a.detail.get("verdict") or a.detail.get("to")
              or a.detail.get("outcome")) for a in audit if a.subject.startswith("application:")]  # fmt: skip
    assert trail == [
        ("review_recorded", "chair", "accept"),
        ("review_recorded", "steering", "reject"),
        ("review_recorded", "mentor3", "accept"),
        ("selection_referred", "mentor3", "chair"),
        ("review_recorded", "chair", "unsure"),
        ("selection_referred", "chair", "moderator"),
        ("review_recorded", "moderator", "accept"),
        ("selection_decided", "moderator", "selected"),
    ]
    final = audit[-1]
    assert final.at == LATER_AT
    assert final.detail["decided_by"] == "moderator"
    assert final.detail["reason"] == "Nine staff, autonomy over leave and a budget: eligible."
    assert len(final.detail["reviews"]) == 5


def test_a_member_changing_their_review_while_with_the_chair_tells_the_chair(
    applied: Engine,
) -> None:
    chair = at_later(applied, "chair@example.org")
    dev = at_later(applied, "steering@example.org")
    review_all(chair, {"A-03": "accept: a team and a budget"})
    review_all(dev, {"A-03": "unsure: is nine enough?"})
    review_all(at_later(applied, "mentor3@example.org"), {"A-03": "accept: strong autonomy shown"})
    assert "needs your decision as chair" in chair.inbox()
    # Dev changes to accept: now everyone agrees, so the outcome is final by consensus.
    review_all(dev, {"A-03": "accept: yes, nine is plenty"})
    assert status_of(applied, "cara@example.org").status == "selected"
    assert lead_channel(applied).endswith(
        "Selection: A-03 (Spring 2027 cohort) selected, by consensus."
    )
    assert chair.said("1") == (
        "A-03's outcome is already final (selected): there's nothing more to decide, and its "
        "reviews can't be changed now."
    )


# -- who may do it -----------------------------------------------------------------------------

NOT_STEERING = "Reviewing applications is for the scheme's steering group."


def test_mentees_and_mentors_are_refused_without_learning_whether_an_application_exists(
    applied: Engine,
) -> None:
    ada = at_later(applied, "ada@example.org")
    tom = at_later(applied, "mentor@example.org")
    for_mentee = f"{NOT_STEERING} To see your own application, type *my application*."
    assert ada.said("review applications") == for_mentee
    assert ada.said("review A-02 accept: looks great to me") == for_mentee
    assert ada.said("review A-99 accept: looks great to me") == for_mentee
    for line in ("review applications", "review A-02 reject: no", "review A-99 reject: no"):
        assert tom.said(line) == NOT_STEERING
    for chat in (ada, tom):
        assert chat.said("selection status") == (
            "Selection progress is for the project lead and the steering group."
        )
    # Not even with a button copied from the chair's message.
    with transaction(applied) as tx:
        a02 = tx.exec(select(Application).where(Application.reference == "A-02")).first()
        assert a02 is not None
    button = Incoming(tom.person_id, text="Accept", action=f"selection:chair:{a02.id}:accept")
    reply = tom.send(button)
    assert reply == NOT_STEERING
    # "my application" is still the applicant's own.
    assert "Your application to *Spring 2027 cohort*, reference *A-01*" in ada.said(
        "my application"
    )
    with transaction(applied) as tx:
        assert tx.exec(select(Review)).all() == []


def test_the_lead_follows_progress_but_does_not_vote(applied: Engine) -> None:
    review_all(at_later(applied, "chair@example.org"), {"A-01": "accept: meets every criterion"})
    lead = at_later(applied, "lead@example.org")
    no_vote = (
        "As the project lead you can follow the selection (type *selection status*), but "
        "reviewing and deciding are for the steering group: the lead doesn't vote."
    )
    assert lead.said("review applications") == no_vote
    assert lead.said("review A-01 accept: I agree with Grace") == no_vote
    status = lead.said("selection status")
    assert status == (
        "*Spring 2027 cohort* selection (applications closed Mon 30 Nov; 4 sent):\n"
        "• awaiting reviews: 4 (A-01, A-02, A-03, A-04)\n"
        "• with the chair: 0\n"
        "• with the independent moderator: 0\n"
        "• selected: 0\n"
        "• not selected: 0\n"
        "Reviews still to give: Dev Anand 4, Leah Dunn 4, Grace Fraser 3.\n\n"
        "The steering group reviews and decides; the lead follows along."
    )
    assert_anonymous(status)
    with transaction(applied) as tx:
        assert len(tx.exec(select(Review)).all()) == 1


def test_a_steering_member_of_another_cohort_sees_only_their_own(applied: Engine) -> None:
    zoe = at_later(applied, "zoe@example.org")
    unknown = (
        "I can't find an application A-02 among those you review. Type *review applications* to "
        "see what's waiting for you."
    )
    assert zoe.said("review A-02 accept: fine with me") == unknown
    # The same answer as for a reference that exists nowhere.
    assert zoe.said("review A-99 accept: fine with me") == unknown.replace("A-02", "A-99")
    listing = zoe.said("review applications")
    assert "0 of 1 reviewed by you.\nStill to review: A-01." in listing
    assert "*A-01*, Autumn 2027 cohort (anonymised):" in listing
    assert "Spring 2027" not in listing
    zoe.said("cancel")
    status = zoe.said("selection status")
    assert status.startswith("*Autumn 2027 cohort* selection")
    assert "Spring 2027" not in status
    assert "No independent moderator is set up yet." in status
    # Grace, Spring's chair, can't see Autumn's A-01 (her A-01 is Ada's).
    grace = at_later(applied, "chair@example.org")
    assert "*A-01*, Spring 2027 cohort" in grace.said("review A-01")


def test_nothing_a_reviewer_or_the_lead_channel_receives_identifies_an_applicant(
    applied: Engine,
) -> None:
    received: list[str] = []
    chair = at_later(applied, "chair@example.org")
    dev = at_later(applied, "steering@example.org")
    leah = at_later(applied, "mentor3@example.org")
    moderator = at_later(applied, "moderator@example.org")
    for chat, verdicts in (
        (chair, ["1", "leads a service well", "3", "budget unclear here", "1", "nine staff and a budget", "2", "no budget as yet"]),
        (dev, ["1", "clear budget evidence", "2", "no budget as yet", "2", "no budget held", "1", "strong team leader"]),
        (leah, ["1", "strong application overall", "2", "no budget held yet", "1", "good autonomy shown", "3", "not sure at all"]),
    ):  # fmt: skip
        received.append(chat.said("review applications"))
        received += [chat.said(line) for line in verdicts]
    received.append(chair.inbox())
    received += [chair.said("review applications"), chair.said("Can't decide"),
                 chair.said("too close to call"), chair.said("Can't decide"), chair.said("I am conflicted here")]  # fmt: skip
    received.append(moderator.inbox())
    received += [moderator.said("review applications"), moderator.said("Accept"),
                 moderator.said("eligible on every criterion")]  # fmt: skip
    received += [c.said("selection status") for c in (chair, dev, leah, moderator)]
    received.append(at_later(applied, "lead@example.org").said("selection status"))
    received.append(lead_channel(applied))
    everything = "\n".join(received)
    assert "A-01" in everything
    assert "[removed]" in everything
    assert "selected, by consensus" in everything
    assert "by the independent moderator" in everything
    assert_anonymous(everything)


# -- typed answers as they arrive on Slack and Teams (plain text, each in a new turn) ----------


def typed(chat: Chat, text: str) -> str:
    """A typed reply in a new process, as plain text (never the console's numbered button)."""
    chat.restart()
    return chat.send(Incoming(chat.person_id, text=text))


def test_a_verdict_in_own_words_a_number_or_with_a_typo_is_understood(applied: Engine) -> None:
    dev = at_later(applied, "steering@example.org")
    dev.said("review applications")
    assert typed(dev, "yep") == "Why accept A-01? A line or two against the criteria, please."
    assert "Next: A-02." in typed(dev, "Clear evidence of budget responsibility.")
    assert typed(dev, "2").startswith("Why reject A-02?")  # the second choice, typed
    assert "Next: A-03." in typed(dev, "No budget responsibility yet.")
    assert "Next: A-04." in typed(dev, "rejcet: no evidence of autonomy")  # a typo'd verdict
    with transaction(applied) as tx:
        rows = tx.exec(select(Review).order_by(col(Review.id))).all()
    assert [(r.verdict, r.reason) for r in rows] == [
        ("accept", "Clear evidence of budget responsibility."),
        ("reject", "No budget responsibility yet."),
        ("reject", "no evidence of autonomy"),
    ]


def test_a_correction_at_the_confirmation_changes_the_review_before_saving(
    applied: Engine,
) -> None:
    dev = at_later(applied, "steering@example.org")
    dev.said("review A-01 accept: clear evidence")
    reply = typed(dev, "change the reason to Leads a service with a budget")
    assert "*Accept*, “Leads a service with a budget”." in reply
    assert "Shall I save it?" in reply
    with transaction(applied) as tx:
        assert tx.exec(select(Review)).all() == []
    assert typed(dev, "yes").startswith("Saved your review of A-01: *Accept*.")
    with transaction(applied) as tx:
        assert tx.exec(select(Review)).one().reason == "Leads a service with a budget"


def test_change_at_the_confirmation_asks_which_part_and_a_new_verdict_asks_its_reason(
    applied: Engine,
) -> None:
    dev = at_later(applied, "steering@example.org")
    dev.said("review A-02 accept: a strong team leader")
    assert "Which part would you like to change?" in typed(dev, "no")
    shown = typed(dev, "the verdict")
    assert "*A-02*, Spring 2027 cohort (anonymised):" in shown
    assert typed(dev, "reject").startswith("Why reject A-02?")
    reply = typed(dev, "No budget responsibility yet.")
    assert "*Reject*, “No budget responsibility yet.”. (This reason may be shared" in reply
    assert typed(dev, "save").startswith("Saved your review of A-02: *Reject*.")
