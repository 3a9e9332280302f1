"""The mentoring contract, as the pair and the project team live it (fixed clock: Mon 23 Nov 2026;
the demo's contract deadline is two weeks later, Mon 7 Dec)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.messages import Incoming
from storage import contract_queries, queries
from storage.db import transaction
from storage.models import Contract, Pairing
from tests.test_cli import loaded, mentorbot  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat, channel_inbox

ONE_SHOT = (
    "contract: plan: monthly video calls, in person at the spring conference; "
    "confidentiality: what we discuss stays between us unless someone is at risk; "
    "objectives: prepare for a service manager post and a board presentation; "
    "reach me: email, weekday mornings"
)


def _contracts(db: Engine) -> list[Contract]:
    with transaction(db) as s:
        return list(s.exec(select(Contract)).all())


def _pairing_id(db: Engine, mentee_email: str) -> int:
    with transaction(db) as s:
        mentee = queries.person_by_email(s, mentee_email)
        assert mentee is not None
        pairing = s.exec(select(Pairing).where(Pairing.mentee_id == mentee.id)).one()
        assert pairing.id is not None
        return pairing.id


def test_the_mentee_fills_it_in_step_by_step_and_both_sign(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    first = mentee.said("sign the contract")
    assert "Let's agree your mentoring contract with Tom Okafor" in first
    assert "Please sign by Mon 7 Dec." in first
    assert "*Our plan for meeting*" in first
    assert "*Confidentiality*" in mentee.said("Monthly video calls")
    assert "*Purpose and objectives*" in mentee.said("What we say stays between us")
    assert "*Reaching you*" in mentee.said("Prepare for a service manager role")
    shown = mentee.said("Email, weekday mornings")
    assert "*1. Our plan for meeting:* Monthly video calls" in shown
    assert "*Best way and time to reach Priya Shah:* Email, weekday mornings" in shown
    assert "*Best way and time to reach Tom Okafor:* (Tom adds this)" in shown
    assert "  1. I agree" in shown
    signed = mentee.said("I agree")
    assert signed.startswith("Signed: Priya Shah, Mon 23 Nov. I've asked Tom Okafor to review")
    assert channel_inbox(demo, clock) == ""

    waiting = mentor.inbox()
    assert waiting.startswith("Priya Shah has signed your mentoring contract. Please read it, add")
    assert "Please sign by Mon 7 Dec." in waiting
    assert "*Signed by Priya Shah:* Priya Shah on Mon 23 Nov" in waiting
    assert "  1. Review and sign" in waiting
    review = mentor.said("1")
    assert "*Reaching you*" in review
    assert "*Signed by Tom Okafor:* not yet" in mentor.said("Teams message after 4pm")
    done = mentor.said("I agree")
    assert done.startswith("Signed. You and Priya Shah have both signed your mentoring contract")
    assert "sent a copy to the project team" in done

    told = mentee.inbox()
    assert told.startswith("Tom Okafor has signed your mentoring contract too: it's complete.")
    lead = channel_inbox(demo, clock)
    assert lead.startswith("Contract signed by Priya Shah and Tom Okafor.")
    assert "*3. Purpose and objectives:* Prepare for a service manager role" in lead
    assert "*Best way and time to reach Tom Okafor:* Teams message after 4pm" in lead

    [row] = _contracts(demo)
    assert row.terms == {
        "plan": "Monthly video calls",
        "confidentiality": "What we say stays between us",
        "objectives": "Prepare for a service manager role",
        "contact": {"mentee": "Email, weekday mornings", "mentor": "Teams message after 4pm"},
    }
    assert (row.mentee_signed_name, row.mentor_signed_name) == ("Priya Shah", "Tom Okafor")
    assert row.mentee_signed_at == clock.now()
    assert row.mentor_signed_at == clock.now()
    assert str(row.deadline) == "2026-12-07"
    assert "Sign your mentoring contract" not in mentee.said("what's next")


def test_one_message_carries_every_field(demo: Engine, mentee: Chat) -> None:
    shown = mentee.said(ONE_SHOT)
    assert "Here's your contract:" in shown
    assert "*2. Confidentiality rules:* what we discuss stays between us unless someone" in shown
    assert "*Best way and time to reach Priya Shah:* email, weekday mornings" in shown
    assert "Signed: Priya Shah" in mentee.said("i agree.")
    [row] = _contracts(demo)
    assert row.terms["plan"] == "monthly video calls, in person at the spring conference"
    assert row.mentor_signed_at is None


def test_the_mentor_can_start_it_and_save_without_signing(
    demo: Engine, mentee: Chat, mentor: Chat
) -> None:
    assert "mentoring contract with Priya Shah" in mentor.said("our agreement")
    mentor.said("Fortnightly calls")
    mentor.said("Chatham House rules")
    mentor.said("Confidence at board level")
    mentor.said("Teams message")
    saved = mentor.said("save without signing")
    assert saved == (
        "Saved, not signed yet. I've asked Priya Shah to review it. "
        "When you're ready, type *sign the contract*."
    )
    waiting = mentee.inbox()
    assert waiting.startswith("Tom Okafor has filled in your mentoring contract.")
    # Priya reviews: only her own contact is missing.
    assert "*Reaching you*" in mentee.said("1")
    assert "Here's your contract:" in mentee.said("Phone after 5pm")
    assert "Signed: Priya Shah" in mentee.said("I agree")
    [row] = _contracts(demo)
    assert row.mentor_signed_at is None
    assert row.mentee_signed_name == "Priya Shah"


def test_a_change_after_the_partner_signed_clears_their_signature_and_tells_them(
    demo: Engine, mentee: Chat, mentor: Chat
) -> None:
    mentee.said(ONE_SHOT)
    mentee.said("I agree")
    mentor.inbox()
    mentor.said("1")
    mentor.said("Teams message")
    shown = mentor.said("change the plan to fortnightly calls")
    assert "*1. Our plan for meeting:* fortnightly calls" in shown
    assert "saving clears the signatures given so far" in shown
    reply = mentor.said("I agree")
    assert "so Priya Shah's signature was cleared" in reply
    told = mentee.inbox()
    assert "Tom Okafor changed your mentoring contract and signed it." in told
    assert "your signature has been cleared" in told
    [row] = _contracts(demo)
    assert row.mentee_signed_at is None
    assert row.mentor_signed_name == "Tom Okafor"
    # Priya signs again: now it is complete.
    mentee.said("sign the contract")
    assert "both signed" in mentee.said("I agree")


def test_fields_are_corrected_by_name_or_number(mentee: Chat) -> None:
    mentee.said(ONE_SHOT)
    reply = mentee.said("change the confidentiality to nothing leaves the room")
    assert "*2. Confidentiality rules:* nothing leaves the room" in reply
    assert "*Purpose and objectives*" in mentee.said("change 3")
    assert "*3. Purpose and objectives:* a new post" in mentee.said("a new post")
    assert "Which part would you like to change?" in mentee.said("change something")
    assert "*Reaching you*" in mentee.said("4")
    assert "reach Priya Shah:* text me" in mentee.said("text me")
    assert "To sign, please type *I agree*" in mentee.said("yes")


def test_back_cancel_and_a_restart(demo: Engine, mentee: Chat) -> None:
    mentee.said("sign the contract")
    mentee.said("Monthly")
    assert "*Our plan for meeting*" in mentee.said("back")
    mentee.said("Weekly")
    mentee.restart()
    assert "*Purpose and objectives*" in mentee.said("Chatham House")
    assert mentee.said("cancel").startswith("Cancelled your mentoring contract: nothing was saved")
    assert _contracts(demo) == []


def test_people_without_a_pairing_and_other_roles_are_told_kindly(
    demo: Engine, clock: Clock
) -> None:
    assert "You don't have a mentoring partner yet" in Chat(
        demo, clock, "mentor3@example.org"
    ).said("sign the contract")
    assert "there's none for you to sign" in Chat(demo, clock, "lead@example.org").said(
        "sign the contract"
    )
    # Nadia pressing a button for Priya and Tom's contract gets nowhere.
    nadia = Chat(demo, clock, "mentee2@example.org")
    pairing_id = _pairing_id(demo, "mentee@example.org")
    reply = nadia.send(
        Incoming(
            person_id=nadia.person_id,
            text="Review and sign",
            action=f"contract:review:{pairing_id}",
        )
    )
    assert "isn't yours" in reply
    with transaction(demo) as s:
        assert contract_queries.contract_of(s, nadia.person_id, pairing_id) is None
    assert _contracts(demo) == []


def test_contract_rows_are_read_only_by_the_pair(demo: Engine, mentee: Chat) -> None:
    mentee.said(ONE_SHOT)
    mentee.said("I agree")
    pairing_id = _pairing_id(demo, "mentee@example.org")
    tom = Chat(demo, mentee.clock, "mentor@example.org").person_id
    nadia = Chat(demo, mentee.clock, "mentee2@example.org").person_id
    with transaction(demo) as s:
        assert contract_queries.contract_of(s, tom, pairing_id) is not None
        assert contract_queries.contract_of(s, nadia, pairing_id) is None
        assert contract_queries.pairing_of(s, nadia, pairing_id) is None


def test_a_past_deadline_is_said(demo: Engine) -> None:
    late = Chat(demo, Clock.fixed("2026-12-10T10:00:00+00:00"), "mentee@example.org")
    reply = late.said("sign the contract")
    assert "The signing deadline, Mon 7 Dec, has passed: please sign as soon as you can." in reply


def test_odd_input_gets_a_kind_reply_and_is_kept_as_typed(demo: Engine, mentee: Chat) -> None:
    mentee.said("sign the contract")
    assert "I didn't get anything there." in mentee.said("   ")
    long_reply = mentee.said("x" * 20_000)
    assert "That's 20,000 characters" in long_reply
    assert "*Our plan for meeting*" in long_reply
    mentee.said("🙂 <b>monthly</b>")
    mentee.said("'; DROP TABLE contract; --")
    mentee.said("**everything** & more")
    mentee.said("email")
    mentee.said("save without signing")
    [row] = _contracts(demo)
    assert row.terms["plan"] == "🙂 <b>monthly</b>"
    assert row.terms["confidentiality"] == "'; DROP TABLE contract; --"


def test_signing_through_mentorbot_chat(loaded: str) -> None:  # noqa: F811
    from tests.conftest import NOW

    result = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", NOW,
        stdin=ONE_SHOT + "\nI agree\n", db=loaded,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Here's your contract:" in result.stdout
    assert "Signed: Priya Shah, Mon 23 Nov." in result.stdout
    inbox = mentorbot("inbox", "--user", "mentor@example.org", "--now", NOW, db=loaded)
    assert "Priya Shah has signed your mentoring contract." in inbox.stdout


# -- the kit's steps, now the contract's too ----------------------------------------------------


def test_patient_data_in_a_contract_part_is_caught_before_it_is_saved(
    demo: Engine, mentee: Chat, mentor: Chat
) -> None:
    mentee.said(ONE_SHOT.replace("a board presentation", "the audit of patient 943 476 5919"))
    asked = mentee.said("I agree")
    assert asked.startswith("This looks like it includes an NHS number.")
    assert "mustn't be kept in the contract" in asked
    assert _contracts(demo) == []
    assert mentor.inbox() == ""  # nothing reaches Tom before it is dealt with
    signed = mentee.said("remove it and save")
    assert "Signed: Priya Shah" in signed
    [row] = _contracts(demo)
    assert row.terms["objectives"] == (
        "prepare for a service manager post and the audit of patient [removed]"
    )
    assert "5919" not in mentor.inbox()


def test_a_correction_after_yes_or_no_at_the_confirmation_changes_that_part(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said(ONE_SHOT)
    mentee.restart()  # a new turn in a new process, as on Slack or Teams
    shown = mentee.said("yes but change the plan to fortnightly calls")
    assert "*1. Our plan for meeting:* fortnightly calls" in shown
    assert _contracts(demo) == []  # a yes with a change is not a signature
    shown = mentee.said("no, change the objectives")
    assert "*Purpose and objectives*" in shown  # that part asked again, straight away
    shown = mentee.said("a board-level post")
    assert "*3. Purpose and objectives:* a board-level post" in shown
    assert "*Confidentiality*" in mentee.said("change number 2")
    assert "*2. Confidentiality rules:* Chatham House" in mentee.said("Chatham House")
    assert "Signed: Priya Shah" in mentee.said("i agree to the contract")
    [row] = _contracts(demo)
    assert (row.terms["plan"], row.terms["objectives"]) == (
        "fortnightly calls",
        "a board-level post",
    )


def test_a_mentor_with_two_mentees_picks_whose_contract_by_typing_a_name(
    demo: Engine, clock: Clock
) -> None:
    from tests.pairing_fixture import add_pairing_stage

    add_pairing_stage(demo, clock.now())
    chair = Chat(demo, clock, "chair@example.org")
    chair.said("propose matches")
    chair.said("approve: first choices honoured")
    chair.said("Approve and announce")
    leah = Chat(demo, clock, "mentor3@example.org")  # Leah Dunn: Ben and Eve
    leah.inbox()
    asked = leah.said("sign the contract")
    assert "Which of your contracts would you like to work on?" in asked
    leah.restart()
    opened = leah.said("eve please")  # typed, in a new turn: not the button
    assert "Let's agree your mentoring contract with Eve Fox" in opened
    assert "*Our plan for meeting*" in opened


def test_a_typed_yes_hours_after_the_reminder_opens_the_contract_to_sign(demo: Engine) -> None:
    from conversations.nudges import sweep

    reminded = Clock.fixed("2026-11-30T10:00:00+00:00")  # a week before the deadline
    sweep(demo, reminded)
    priya = Chat(demo, Clock.fixed("2026-11-30T11:00:00+00:00"), "mentee@example.org")
    assert "Your mentoring contract with Tom Okafor needs signing by Mon 7 Dec" in priya.inbox()
    priya.clock = Clock.fixed("2026-11-30T17:00:00+00:00")
    priya.restart()  # hours later, a new process: the reply is typed, not a button
    opened = priya.said("ok lets do it")
    assert "Let's agree your mentoring contract with Tom Okafor" in opened
    assert "*Our plan for meeting*" in opened
    priya.said("Monthly video calls")
    priya.said("What we discuss stays between us")
    priya.said("Prepare for a board presentation")
    priya.said("Email, mornings")
    assert "Signed: Priya Shah" in priya.said("I agree")
    [row] = _contracts(demo)
    assert row.mentee_signed_at is not None
