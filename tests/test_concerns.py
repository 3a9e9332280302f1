"""Raising a concern: who sees it, what the lead channel gets, and that the partner never hears
what it says (fixed clock: Mon 23 Nov 2026)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.dialogs.concerns import Category, detect_category
from storage import concern_queries, queries
from storage.db import transaction
from storage.models import AuditLog, Concern, Membership, Pairing, Person, Scheme
from tests.test_cli import loaded, mentorbot  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat, channel_inbox

SAFEGUARDING = (
    "I want to raise a safeguarding concern: a colleague shared a patient's scan in a public "
    "group chat"
)


def _concerns(db: Engine) -> list[Concern]:
    with transaction(db) as s:
        return list(s.exec(select(Concern)).all())


def _id(db: Engine, email: str) -> int:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
        assert person is not None
        assert person.id is not None
        return person.id


def _pairing(db: Engine, mentee_email: str) -> Pairing:
    with transaction(db) as s:
        return s.exec(select(Pairing).where(Pairing.mentee_id == _id(db, mentee_email))).one()


def test_a_safeguarding_concern_in_one_message_is_urgent_and_lists_the_referral_routes(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    shown = mentee.said(SAFEGUARDING)
    assert "*About:* Safety: patient safety, safeguarding or fitness to practise (urgent)" in shown
    assert "*What you wrote:* a colleague shared a patient's scan in a public group chat" in shown
    assert (
        "Only the project lead, the steering group and the scheme's moderator will see this. "
        "Tom won't be told what you wrote."
    ) in shown
    sent = mentee.said("Send it")
    assert sent.startswith("Sent to the project lead, marked urgent.")
    assert "Morgan Ellis will be in touch." in sent
    assert "• *Freedom to Speak Up Guardian*: Your organisation's Freedom to Speak Up" in sent
    assert "• *Wellbeing and counselling*" in sent
    lead = channel_inbox(demo, clock)
    assert lead == (
        "URGENT: safety concern C1 in Demo cohort (patient safety, safeguarding, fitness to "
        "practise). Press *Open* (or type *open C1*) to read it in your own chat.\n\n"
        "Alert C1: what would you like to do? (You can also type *ack C1*.)\n"
        "  1. Open\n  2. Acknowledge\n  3. Contact them\n  4. Snooze 1 week"
    )
    opened = Chat(demo, clock, "lead@example.org").said("open C1")
    assert opened.startswith(
        "*C1*: safety (patient safety, safeguarding, fitness to practise) (urgent)\n"
        "*Raised by:* Priya Shah, Mon 23 Nov, 10:00\n"
        "*Pairing:* Priya Shah (mentee) and Tom Okafor (mentor), active\n"
        "*What they wrote:* a colleague shared a patient's scan in a public group chat\n"
        "*History:* nobody has acknowledged it yet."
    )
    assert mentor.inbox() == ""
    [row] = _concerns(demo)
    assert (row.category, row.urgent, row.status) == ("safety", True, "open")
    assert row.pairing_id == _pairing(demo, "mentee@example.org").id
    assert row.created_at == clock.now()
    with transaction(demo) as s:
        mine = queries.export_person(s, mentee.person_id)
        theirs = queries.export_person(s, mentor.person_id)
    assert mine["concerns"][0]["category"] == "safety"
    assert "public group chat" in mine["concerns"][0]["text"]
    assert theirs["concerns"] == []
    assert "public group chat" not in str(theirs)


def test_the_stored_lead_message_keeps_the_concern_out_of_previews(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said(SAFEGUARDING)
    mentee.said("send it")
    with transaction(demo) as s:
        [row] = queries.pending_outbox(s, channel="lead")
    assert row.kind == "concern"
    assert "scan" not in str(row.parts)  # the channel never gets the text: readers open it
    assert row.parts[-1]["type"] == "question"  # the lead's actions come last
    assert "scan" not in row.preview


def test_partner_not_responding_asks_for_the_details(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    asked = mentee.said("my mentor is not responding")
    assert "*My partner isn't responding.*" in asked
    assert "when did you last hear from Tom" in asked
    assert "I didn't get anything there." in mentee.said("")
    mentee.said("I've emailed three times since 20 October")
    mentee.said("send")
    assert channel_inbox(demo, clock).startswith(
        "New concern C1 in Demo cohort: partner not responding."
    )
    assert mentor.inbox() == ""
    assert [c.category for c in _concerns(demo)] == ["not_responding"]


def test_the_category_is_chosen_when_it_is_not_clear(demo: Engine, mentee: Chat) -> None:
    asked = mentee.said("raise a concern")
    assert "What is it about?\n  1. A difficulty in our mentoring relationship" in asked
    assert "  6. Something else" in asked
    assert "*Change of circumstances or a long absence.*" in mentee.said("4")
    assert "Here's your concern" in mentee.said("I'm off sick for two months from January")
    assert "What is it about?" in mentee.said("Change what it's about")
    shown = mentee.said("Something else")
    assert "*About:* Something else" in shown
    assert "Sent to the project lead." in mentee.said("send it")
    assert [c.category for c in _concerns(demo)] == ["other"]


def test_categories_read_from_what_people_write() -> None:
    assert detect_category("my mentor hasn't replied for 5 weeks") is Category.NOT_RESPONDING
    assert detect_category("I'm worried about a safeguarding issue") is Category.SAFETY
    assert detect_category("a fitness to practise question") is Category.SAFETY
    assert detect_category("I want to leave the scheme") is Category.BREAKDOWN
    assert detect_category("we just don't get on") is Category.DIFFICULTY
    assert detect_category("I'm going on maternity leave") is Category.CIRCUMSTANCES
    assert detect_category("raise a concern") is None


def test_worried_with_details_after_a_colon(demo: Engine, mentee: Chat) -> None:
    shown = mentee.said("I'm worried: my mentor hasn't replied for 5 weeks")
    assert "*About:* My partner isn't responding" in shown
    assert "*What you wrote:* my mentor hasn't replied for 5 weeks" in shown


def test_a_no_fault_exit_ends_the_pairing_and_offers_a_new_mentor(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    assert "*Relationship breakdown / no-fault exit.*" in mentee.said("I want to leave the scheme")
    mentee.said("We've tried twice to make it work and it isn't working for either of us")
    ask = mentee.said("send it")
    assert "do you also want to end your mentoring pairing with Tom Okafor now?" in ask
    assert "Please answer *yes*" in mentee.said("perhaps")
    assert "The steering group will offer you a new mentor" in mentee.said("Yes, end our pairing")
    done = mentee.said("yes please")
    assert "Your pairing with Tom Okafor has ended" in done
    assert "The steering group will be in touch about a new mentor." in done

    pairing = _pairing(demo, "mentee@example.org")
    assert (pairing.status, pairing.end_reason) == ("ended_early", "no-fault exit")
    assert pairing.ended_at == clock.now()
    assert mentor.inbox() == (
        "Your mentoring pairing with Priya Shah has ended. Morgan Ellis, the project lead, "
        "will be in touch with you about what happens next."
    )
    lead = channel_inbox(demo, clock)
    assert (
        "New concern C1 in Demo cohort: relationship breakdown / no-fault exit. The pairing has "
        "ended (a no-fault exit). They would like a new mentor." in lead
    )
    assert "Priya" not in lead
    assert "Tom" not in lead
    with transaction(demo) as s:
        wish = s.exec(select(AuditLog).where(AuditLog.action == "rematch_wish")).one()
        assert wish.detail == {"wants_new_mentor": True}
        export = queries.export_person(s, mentee.person_id)
    assert export["pairings"][0]["status"] == "ended_early"


def test_keeping_the_pairing_sends_the_concern_only(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    mentee.said("I need to report a breakdown: we argued about the agenda again")
    mentee.said("send it")
    reply = mentee.said("No, keep it for now")
    assert reply.startswith("Sent to the project lead.")
    assert _pairing(demo, "mentee@example.org").status == "active"
    assert mentor.inbox() == ""
    assert "has ended the pairing" not in channel_inbox(demo, clock)


def test_a_mentor_can_raise_a_concern_about_their_mentee(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    shown = mentor.said("raise a concern: Priya keeps cancelling and it's getting difficult")
    assert "Priya won't be told what you wrote." in shown
    mentor.said("send it")
    lead = channel_inbox(demo, clock)
    assert lead.startswith("New concern C1 in Demo cohort: relationship difficulty.")
    assert "Priya" not in lead
    assert "Tom" not in lead
    opened = Chat(demo, clock, "lead@example.org").said("show C1")
    assert "*Raised by:* Tom Okafor, Mon 23 Nov, 10:00" in opened
    assert "*Pairing:* Priya Shah (mentee) and Tom Okafor (mentor), active" in opened
    assert mentee.inbox() == ""


def test_a_mentor_ending_the_pairing_is_not_asked_about_rematching(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    mentor.said("no-fault exit: I can no longer give the time this needs")
    mentor.said("send it")
    # A plain "yes" takes the first choice, which keeps the pairing: ending it is said.
    done = mentor.said("yes, end it")
    assert "Your pairing with Priya Shah has ended" in done
    assert mentee.inbox().startswith("Your mentoring pairing with Tom Okafor has ended.")
    assert _pairing(demo, "mentee@example.org").status == "ended_early"


def test_only_the_raiser_the_lead_and_the_steering_group_can_read_a_concern(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said(SAFEGUARDING)
    mentee.said("send it")
    readers = {
        email: _id(demo, email)
        for email in (
            "mentee@example.org", "mentor@example.org", "mentee2@example.org",
            "mentor2@example.org", "lead@example.org", "chair@example.org",
            "steering@example.org", "moderator@example.org", "mentor3@example.org",
        )
    }  # fmt: skip
    with transaction(demo) as s:
        seen = {
            email: len(concern_queries.concerns_visible_to(s, pid))
            for email, pid in readers.items()
        }
        [concern] = s.exec(select(Concern)).all()
        assert concern.id is not None
        assert (
            concern_queries.concern_visible_to(s, readers["mentor@example.org"], concern.id) is None
        )
        assert (
            concern_queries.concern_visible_to(s, readers["lead@example.org"], concern.id)
            is not None
        )
    assert seen == {
        "mentee@example.org": 1, "mentor@example.org": 0, "mentee2@example.org": 0,
        "mentor2@example.org": 0, "lead@example.org": 1, "chair@example.org": 1,
        "steering@example.org": 1, "moderator@example.org": 1,
        "mentor3@example.org": 1,  # Leah sits on the steering group
    }  # fmt: skip
    # A steering member who is the concern's subject does not see it.
    with transaction(demo) as s:
        cohort_id = s.exec(select(Membership.cohort_id)).first()
        assert cohort_id is not None
        s.add(Membership(person_id=readers["mentor@example.org"], cohort_id=cohort_id,
                         role="steering_member"))  # fmt: skip
    with transaction(demo) as s:
        assert concern_queries.concerns_visible_to(s, readers["mentor@example.org"]) == []


@pytest.mark.parametrize("email", ["steering@example.org", "chair@example.org"])
def test_a_steering_member_typing_a_safeguarding_concern_is_not_brushed_off(
    demo: Engine, clock: Clock, email: str
) -> None:
    """Anyone in a scheme may raise a concern: the steering group and the chair were told only
    "Concerns are raised here by mentees and mentors", with the text dropped and no word of 999."""
    chat = Chat(demo, clock, email)
    reply = chat.said(
        "I want to raise a safeguarding concern: a mentee told me her ward manager hit a patient"
    )
    assert "999" in reply
    assert "*What you wrote:* a mentee told me her ward manager hit a patient" in reply
    assert chat.said("Send it").startswith("Sent to the project lead, marked urgent.")
    [concern] = _concerns(demo)
    assert (concern.category, concern.urgent) == ("safety", True)
    assert channel_inbox(demo, clock).startswith("URGENT: ")


def test_patient_data_is_caught_before_sending(demo: Engine, clock: Clock, mentee: Chat) -> None:
    mentee.said("raise a safeguarding concern")
    guard = mentee.said("The patient born on 3/4/1950 was left unattended")
    assert "This looks like it includes a date of birth" in guard
    assert "I haven't saved anything yet" in guard
    assert channel_inbox(demo, clock) == ""
    assert "*What you wrote:* The patient born on [removed] was left" in mentee.said("1")
    mentee.said("send it")
    [row] = _concerns(demo)
    assert row.text == "The patient born on [removed] was left unattended"


def test_cancel_back_and_a_restart_send_nothing(demo: Engine, clock: Clock, mentee: Chat) -> None:
    mentee.said("raise a concern")
    mentee.said("3")
    assert "What is it about?" in mentee.said("back")
    mentee.said("5")
    mentee.restart()
    assert "Here's your concern" in mentee.said("Worried about a colleague's practice")
    assert mentee.said("cancel").startswith("Cancelled your concern: nothing was saved.")
    assert _concerns(demo) == []
    assert channel_inbox(demo, clock) == ""


def test_odd_details_get_a_kind_reply_and_are_kept_as_typed(demo: Engine, mentee: Chat) -> None:
    mentee.said("raise a concern")
    mentee.said("6")
    assert "That's 20,000 characters" in mentee.said("y" * 20_000)
    assert "*What you wrote:* 🙂 <script>x</script> '; DROP TABLE concern; --" in mentee.said(
        "🙂 <script>x</script> '; DROP TABLE concern; --"
    )
    assert "Please choose *Send it*" in mentee.said("hmm")
    mentee.said("send it")
    [row] = _concerns(demo)
    assert row.text == "🙂 <script>x</script> '; DROP TABLE concern; --"


def test_nobody_else_is_messaged(demo: Engine, clock: Clock, mentee: Chat) -> None:
    with transaction(demo) as s:
        before = len(s.exec(select(Person)).all())
    mentee.said(SAFEGUARDING)
    mentee.said("send it")
    for email in ("mentor@example.org", "mentee2@example.org", "lead@example.org"):
        assert Chat(demo, clock, email).inbox() == ""
    with transaction(demo) as s:
        assert len(s.exec(select(Person)).all()) == before  # nobody new was brought in


def test_a_concern_through_mentorbot_chat(loaded: str) -> None:  # noqa: F811
    from tests.conftest import NOW

    result = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", NOW,
        stdin=SAFEGUARDING + "\nsend it\n", db=loaded,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Sent to the project lead, marked urgent." in result.stdout
    lead = mentorbot("inbox", "--channel", "lead", "--now", NOW, db=loaded)
    assert "URGENT: safety concern C1 in Demo cohort" in lead.stdout
    assert "public group chat" not in lead.stdout
    assert "Priya" not in lead.stdout
    assert mentorbot("inbox", "--user", "mentor@example.org", "--now", NOW, db=loaded).stdout == (
        "Nothing waiting.\n"
    )


def test_an_urgent_concern_says_what_to_do_if_someone_is_in_danger_now(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    """The scheme's own wording first (demo.toml), then its referral routes."""
    mentee.said(SAFEGUARDING)
    sent = mentee.said("send it")
    assert "If someone is in immediate danger, call 999 now." in sent
    assert "call NHS 111 or go to 111.nhs.uk" in sent
    assert "switchboard's emergency number (2222)" in sent
    assert "• *Freedom to Speak Up Guardian*" in sent
    assert sent.index("call 999") < sent.index("Freedom to Speak Up Guardian")


def test_a_scheme_without_its_own_wording_gets_the_uk_default(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    with transaction(demo) as s:
        scheme = s.exec(select(Scheme)).one()
        scheme.settings = {**scheme.settings, "immediate_danger": None, "referral_routes": []}
        s.add(scheme)
    mentee.said("raise a concern: a patient was left unattended and came to harm")
    sent = mentee.said("send it")
    assert sent.startswith("Sent to the project lead, marked urgent.")
    assert (
        "If someone is in immediate danger, call 999 now. For urgent medical help that isn't an "
        "emergency, call NHS 111 or go to 111.nhs.uk.\n"
        "Please also use your organisation's usual reporting route."
    ) in sent


def test_a_non_urgent_concern_has_no_emergency_advice(mentee: Chat) -> None:
    mentee.said("raise a concern: my mentor hasn't replied for 5 weeks")
    assert "999" not in mentee.said("send it")


def test_asking_for_a_safety_concern_says_to_call_999_first(mentee: Chat) -> None:
    assert "If someone is in immediate danger, call 999 first." in mentee.said(
        "raise a safeguarding concern"
    )


def test_a_draft_is_corrected_in_one_message(demo: Engine, clock: Clock, mentee: Chat) -> None:
    """ "change what I wrote to: ..." at the draft takes the new words at once; harm in them
    still makes the concern urgent, and the category can be changed the same way."""
    mentee.said("raise a concern: my mentor keeps cancelling and it's getting difficult")
    shown = mentee.said("change what I wrote to: he has cancelled our last three meetings")
    assert "*What you wrote:* he has cancelled our last three meetings" in shown
    assert "Shall I send it to the project lead?" in shown
    shown = mentee.said("change what it's about to bullying")
    assert "*About:* Bullying, harassment or discrimination" in shown
    assert "*What you wrote:* he has cancelled our last three meetings" in shown
    urgent = mentee.said("change what I wrote to: he slapped a patient in clinic")
    assert "(urgent)" in urgent
    assert "999" in urgent
    assert mentee.said("send it").startswith("Sent to the project lead, marked urgent.")
    [concern] = _concerns(demo)
    assert concern.text == "he slapped a patient in clinic"
    assert concern.urgent


@pytest.mark.parametrize(
    "words",
    [
        "what are my actions? he shouted at a patient on the ward round",
        "cancel friday's meeting, he came to clinic drunk and saw patients",
        "my meetings with him aren't safe, he pushed a patient",
    ],
)
def test_a_safety_concern_s_words_are_kept_even_when_they_read_like_a_request(
    demo: Engine, mentee: Chat, words: str
) -> None:
    """At "describe the concern", a day later and in a new process, what is typed is the
    concern: never taken for another request, never dropped."""
    mentee.said("raise a safeguarding concern")
    later = Chat(demo, Clock.fixed("2026-11-24T18:00:00+00:00"), "mentee@example.org")
    shown = later.said(words)
    assert f"*What you wrote:* {words}" in shown
    assert "(urgent)" in shown
    assert later.said("send it").startswith("Sent to the project lead, marked urgent.")
    [concern] = _concerns(demo)
    assert concern.text == words
