"""The concern path reads what people write (issue 11, probe findings): a concern said straight
out, typed at the wrong prompt, filed under another category or interrupted is never dropped;
the raiser is told truly who reads it, who handles it, and what has happened to it.

Fixed clock (Mon 23 Nov 2026) and the demo scheme (tests/conftest.py); the concern world of
tests/concern_world.py where people with several roles are needed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Concern, DiaryEntry, Minutes, Role
from tests.concern_world import build
from tests.transcript import Chat, channel_inbox

HARM = "A patient was left unattended on a trolley for six hours and came to harm"


def _concerns(db: Engine) -> list[Concern]:
    with transaction(db) as s:
        return list(s.exec(select(Concern)).all())


def _diary(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as s:
        return list(s.exec(select(DiaryEntry)).all())


# -- 1: said straight out --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "Tom hit a patient",
        "I feel unsafe around my mentor",
        "my mentor is bullying me",
        "a patient was given the wrong dose and nobody reported it",
        "my mentor made a pass at me",
    ],
)
def test_a_concern_said_straight_out_is_not_met_with_i_didnt_understand(
    mentee: Chat, text: str
) -> None:
    """Outside any dialog the commonest ways to say it got "Sorry, I didn't understand that"."""
    reply = mentee.said(text)
    assert "I didn't understand" not in reply
    assert "project lead" in reply
    assert reply.startswith(("I'm sorry you're dealing with this.", "I'm really sorry"))
    assert "nothing is sent until you say so" in reply


def test_harm_said_straight_out_is_kept_and_sent_urgently(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    said = "a patient was given the wrong dose and nobody reported it"
    reply = mentee.said(said)
    assert "999" in reply
    assert f"*What you wrote:* {said}" in reply
    assert mentee.said("Send it").startswith("Sent to the project lead, marked urgent.")
    [concern] = _concerns(demo)
    assert (concern.text, concern.urgent) == (said, True)


# -- 2: the dialog reads its own text -----------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "text"),
    [
        ("1", "Tom touched me inappropriately after our last meeting and I feel unsafe"),
        ("6", HARM),
        ("3", "I want to kill myself"),
    ],
)
def test_a_safety_concern_filed_under_another_category_is_still_urgent(
    demo: Engine, clock: Clock, mentee: Chat, category: str, text: str
) -> None:
    mentee.said("raise a concern")
    mentee.said(category)
    mentee.said(text)
    sent = mentee.said("Send it")
    assert "999" in sent
    [concern] = _concerns(demo)
    assert concern.urgent
    assert channel_inbox(demo, clock).startswith("URGENT: ")


def test_harm_described_at_what_is_it_about_is_treated_as_urgent(mentee: Chat) -> None:
    mentee.said("raise a concern")
    reply = mentee.said("I want to kill myself")
    assert "Please choose the closest one" not in reply
    assert "999" in reply
    assert "Samaritans" in reply


def test_a_concern_typed_at_what_is_it_about_is_not_thrown_away(mentee: Chat) -> None:
    mentee.said("raise a concern")
    text = "my colleague turned up drunk and was looking after patients"
    mentee.said(text)
    shown = mentee.said("5")
    assert text in shown


def test_bullying_sent_from_the_diary_is_labelled_bullying(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    """It reached the lead channel as "other"."""
    mentee.said("diary: my mentor keeps belittling me in front of the team")
    mentee.said("Send it to the lead")
    [concern] = _concerns(demo)
    assert concern.category == "bullying"
    assert "bullying, harassment or discrimination" in channel_inbox(demo, clock)


# -- 7: someone who wants to die -----------------------------------------------------------------


@pytest.mark.parametrize("choice", ["Keep it in my diary only", "Send it to the lead"])
def test_someone_writing_that_they_want_to_die_is_pointed_to_help(
    demo: Engine, mentee: Chat, choice: str
) -> None:
    asked = mentee.said("diary: I want to kill myself")
    answered = mentee.said(choice)
    for told in (asked, answered):
        assert "999" in told
        assert "Samaritans" in told
        assert "116 123" in told
        assert "NHS 111" in told
        assert "GP" in told


@pytest.mark.parametrize(
    ("opening", "waiting_at"),
    [
        ("my mentor keeps making comments about my body", "Shall I send it"),
        ("minutes: met Tom today for an hour; discussed the business case", None),
        ("book a meeting", None),
    ],
)
def test_thoughts_of_self_harm_typed_at_any_question_are_met_with_help_first(
    demo: Engine, mentee: Chat, opening: str, waiting_at: str | None
) -> None:
    """A question left waiting ("Please choose *Send it*") must never be all a person hears
    when they write that they can't go on: the help comes first, whatever the step."""
    first = mentee.said(opening)
    if waiting_at is not None:
        assert waiting_at in first
    told = mentee.said("i dont see the point in going on anymore")
    assert "If you're thinking about ending your life" in told
    assert "Please choose" not in told.split("ending your life")[0]
    assert "Samaritans" in told
    assert told.count("116 123") == 1


# -- 11, 15: a concern interrupts, and is never lost ---------------------------------------------


@pytest.mark.parametrize(
    "opening",
    ["minutes: met Tom today for an hour; discussed the business case", "contract"],
)
def test_raise_a_concern_typed_inside_minutes_or_a_contract_starts_a_concern(
    demo: Engine, mentee: Chat, opening: str
) -> None:
    mentee.said(opening)
    reply = mentee.said("raise a concern")
    assert "What is it about?" in reply
    assert "Who will do" not in reply


def test_the_minutes_put_aside_by_a_concern_come_back_afterwards(
    demo: Engine, mentee: Chat
) -> None:
    mentee.said("minutes: met Tom today for an hour; discussed the business case")
    mentee.said("raise a concern")
    mentee.said("5")
    mentee.said(HARM)
    back = mentee.said("Send it")
    assert "Back to your meeting minutes:" in back
    assert len(_concerns(demo)) == 1


def test_a_drafted_concern_put_aside_can_be_picked_up_again(demo: Engine, mentee: Chat) -> None:
    mentee.said("raise a concern")
    mentee.said("5")
    assert "Shall I send it to the project lead?" in mentee.said(HARM)
    aside = mentee.said("diary: I felt out of my depth at the board meeting")
    assert "I've put your concern aside." in aside
    assert "carry on with my concern" in aside
    assert _concerns(demo) == []
    assert HARM in mentee.said("carry on with my concern")
    assert mentee.said("Send it").startswith("Sent to the project lead, marked urgent.")
    [concern] = _concerns(demo)
    assert concern.text == HARM


def test_raise_a_concern_picks_up_the_draft_put_aside(demo: Engine, mentee: Chat) -> None:
    mentee.said("raise a concern")
    mentee.said("5")
    mentee.said(HARM)
    mentee.said("diary: I felt out of my depth at the board meeting")
    assert HARM in mentee.said("raise a concern")


# -- 12: whoever handles it is named -------------------------------------------------------------


def _lead_mentors_ruth(db: Engine, clock: Clock) -> None:
    """The concern world plus Ruth Bell, a mentee whose mentor is Morgan Ellis, the lead."""
    from tests.concern_world import add_person, pair

    build(db, clock)
    add_person(db, clock, "mentee4@example.org", "Ruth Bell", "demo-cohort", Role.MENTEE.value)
    add_person(db, clock, "lead@example.org", "Morgan Ellis", "demo-cohort", Role.MENTOR.value)
    pair(db, clock, "mentee4@example.org", "lead@example.org")


def test_a_concern_about_the_lead_is_not_answered_with_the_lead_will_be_in_touch(
    demo: Engine, clock: Clock
) -> None:
    _lead_mentors_ruth(demo, clock)
    ruth = Chat(demo, clock, "mentee4@example.org")
    ruth.said("raise a concern")
    ruth.said("5")
    asked = ruth.said("Morgan shouted at a patient and then changed the notes")
    assert "the project lead" not in asked.split("Shall I send it")[0].lower()
    sent = ruth.said("Send it")
    assert "Morgan won't be told what you wrote" in sent
    assert "Morgan Ellis will be in touch" not in sent
    assert "Grace Fraser" in sent


def test_the_lead_raising_a_concern_is_not_told_they_will_be_in_touch_themselves(
    demo: Engine, clock: Clock
) -> None:
    _lead_mentors_ruth(demo, clock)
    morgan = Chat(demo, clock, "lead@example.org")
    morgan.said("raise a concern")
    morgan.said("5")
    morgan.said("Ruth told me a patient was given the wrong dose and it was covered up")
    sent = morgan.said("Send it")
    assert sent.startswith("Sent")
    assert "Morgan Ellis will be in touch" not in sent
    assert "Grace Fraser will be in touch" in sent


def test_the_lead_whose_mentee_ends_the_pairing_is_not_told_the_lead_will_be_in_touch(
    demo: Engine, clock: Clock
) -> None:
    _lead_mentors_ruth(demo, clock)
    ruth = Chat(demo, clock, "mentee4@example.org")
    ruth.said("raise a concern")
    ruth.said("2")
    ruth.said("We just don't get on and I want to stop")
    ruth.said("Send it")
    ruth.said("Yes, end our pairing")
    ruth.said("No thanks")
    told = Chat(demo, clock, "lead@example.org").inbox()
    assert "Your mentoring pairing with Ruth Bell has ended." in told
    assert "Morgan Ellis, the project lead, will be in touch" not in told
    assert "Grace Fraser, the steering group chair, will be in touch" in told


# -- 16: open concerns for those who act on them ---------------------------------------------------


def test_the_lead_lists_open_concerns_without_their_text(demo: Engine, clock: Clock) -> None:
    build(demo, clock)
    listed = Chat(demo, clock, "lead@example.org").said("open concerns")
    assert "C1" in listed
    assert "C2" in listed
    assert "Tom has cancelled" not in listed
    assert "scan" not in listed
    # The pairing is named (corpus lead-001/002/008: the lead needs to know whose it is), in
    # the reader's own chat only; who wrote what stays behind *open C1*.
    assert "(Priya Shah & Tom Okafor)" in listed
    # Leah sits on the steering group but C2 is about her: she sees only C1.
    leah = Chat(demo, clock, "mentor3@example.org").said("list concerns")
    assert "C1" in leah
    assert "C2" not in leah


# -- 18: the raiser hears what happened ------------------------------------------------------------


def test_the_raiser_can_find_out_what_has_happened_to_her_concern(
    demo: Engine, clock: Clock
) -> None:
    mentee = Chat(demo, clock, "mentee@example.org")
    for line in (
        "raise a concern",
        "5",
        "A patient came to harm on the ward and it was covered up",
    ):
        mentee.said(line)
    mentee.said("Send it")
    mentee.inbox()
    Chat(demo, clock, "lead@example.org").said("ack C1")
    assert "The project lead has picked up your concern C1" in mentee.inbox()
    status = mentee.said("what happened to my concern?")
    assert "What is it about?" not in status
    assert "C1" in status
    assert "picked up" in status
    Chat(demo, clock, "steering@example.org").said("resolve C1")
    resolved = mentee.inbox()
    assert "C1" in resolved
    assert "resolved" in resolved
    assert "Dev" not in resolved


# -- 22: the privacy promise is exact --------------------------------------------------------------


def test_the_raiser_is_told_truly_who_will_read_her_concern(demo: Engine, clock: Clock) -> None:
    mentee = Chat(demo, clock, "mentee@example.org")
    mentee.said("raise a concern")
    mentee.said("5")
    mentee.said(HARM)
    sent = mentee.said("Send it")
    assert "left unattended" in Chat(demo, clock, "moderator@example.org").said("open C1")
    assert "moderator" in sent


def test_the_safety_check_names_the_moderator_among_the_readers(demo: Engine, mentee: Chat) -> None:
    asked = mentee.said(f"diary: {HARM}")
    assert (
        "Only the project lead, the steering group and the scheme's moderator would see it."
        in asked
    )


REFUSED = "I can't find that alert"


def _raise(chat: Chat, category: str, text: str) -> str:
    chat.said("raise a concern")
    chat.said(category)
    chat.said(text)
    return chat.said("Send it")


@pytest.mark.parametrize(
    ("category", "text"),
    [
        ("5", "Morgan told me in the corridor that Tom had been drinking before a shift"),
        ("1", "Morgan Ellis keeps belittling me in steering meetings"),
    ],
)
def test_the_raiser_is_not_told_a_lead_who_cannot_read_it_will_be_in_touch(
    demo: Engine, clock: Clock, category: str, text: str
) -> None:
    """Priya's concern names Morgan, the lead (as a witness, or by full name as its subject):
    Morgan is kept out of it, so Priya is told the chair (Grace Fraser) will be in touch, not
    someone who can never open it."""
    priya = Chat(demo, clock, "mentee@example.org")
    sent = _raise(priya, category, text)
    assert Chat(demo, clock, "lead@example.org").said("open C1").startswith(REFUSED)
    assert "Morgan Ellis will be in touch" not in sent
    assert "Grace Fraser" in sent


def test_a_self_harm_note_is_not_called_a_patient_safety_concern(
    demo: Engine, clock: Clock
) -> None:
    """Priya writes in her diary that she has been hurting herself: after the help lines she is
    spoken to about her own wellbeing, not told it is "a safeguarding or patient safety
    concern"."""
    priya = Chat(demo, clock, "mentee@example.org")
    reply = priya.said("diary: i have been hurting myself again and i dont see the point")
    assert "116 123" in reply
    assert "patient safety concern" not in reply


def test_the_urgent_path_does_not_repeat_the_same_999_paragraphs_at_every_step(
    demo: Engine, clock: Clock
) -> None:
    """Raising a safety concern from the menu, Priya is told to call 999 when she picks the
    category; the draft above which she confirms does not repeat the paragraph."""
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("raise a concern")
    assert "call 999" in priya.said("5")
    draft = priya.said("Tom shared a patient list on his personal email")
    assert "call 999" not in draft


def test_the_concern_menu_offers_bullying_harassment_or_discrimination(
    demo: Engine, clock: Clock
) -> None:
    """Someone who uses the *raise a concern* menu can say it is bullying (offered last, so the
    other numbers stay), and the lead channel reads it as such."""
    priya = Chat(demo, clock, "mentee@example.org")
    menu = priya.said("raise a concern")
    assert "Bullying, harassment or discrimination" in menu
    assert "what's happened" in priya.said("7").lower()
    priya.said("He mocks my accent in front of the team")
    assert priya.said("Send it").startswith("Sent to the project lead")
    assert "bullying" in channel_inbox(demo, clock)


@pytest.mark.parametrize("answer", ["yes please send it", "send it now", "send my concern"])
def test_a_plain_yes_send_it_sends_the_concern(demo: Engine, clock: Clock, answer: str) -> None:
    """At "Shall I send it to the project lead?", "yes please send it" or "send it now" sends
    it: a worried person who typed what was asked is not refused."""
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("raise a concern")
    priya.said("1")
    priya.said("Tom keeps cancelling at the last minute")
    assert priya.said(answer).startswith("Sent to the project lead")


@pytest.mark.parametrize(
    "question", ["has anyone read my concern", "did the lead get my concern", "status of c1"]
)
def test_asking_after_a_sent_concern_shows_its_state_not_a_new_concern(
    demo: Engine, clock: Clock, question: str
) -> None:
    """After sending C1, Priya asks "did the lead get my concern" (or "status of c1"): she is
    shown C1's state, and her question does not become the text of a new concern draft."""
    priya = Chat(demo, clock, "mentee@example.org")
    _raise(priya, "1", "Tom keeps cancelling at the last minute")
    reply = priya.said(question)
    assert "C1" in reply
    assert "Which of these is it closest to" not in reply


@pytest.mark.parametrize(
    "text", ["i need to report something about tom", "I need to report something"]
)
def test_wanting_to_report_something_is_offered_the_concern_route(
    demo: Engine, clock: Clock, text: str
) -> None:
    """A mentee who says she needs to report something is offered the concern route, not told
    that reports are for the project lead and the steering group."""
    reply = Chat(demo, clock, "mentee@example.org").said(text)
    assert "concern" in reply


@pytest.mark.parametrize(
    "text",
    [
        "who do i talk to about a problem with my mentor",
        "i want to speak to someone confidentially",
        "can i speak to the lead",
    ],
)
def test_asking_who_to_talk_to_about_a_problem_points_to_the_concern_route(
    demo: Engine, clock: Clock, text: str
) -> None:
    """Asking who to talk to about a problem with her mentor, or to speak to someone
    confidentially, is the hesitant first step of a concern: it is met with the concern route,
    not "Sorry, I didn't understand that"."""
    reply = Chat(demo, clock, "mentee@example.org").said(text)
    assert "didn't understand" not in reply
    assert "concern" in reply


@pytest.mark.parametrize("answer", ["no just keep it in my diary", "keep it private"])
def test_saying_keep_it_in_my_diary_in_own_words_keeps_it(
    demo: Engine, clock: Clock, answer: str
) -> None:
    """Asked "Send it to the lead / Keep it in my diary only", Priya's own words for keeping it
    ("no just keep it in my diary", "keep it private") keep the entry in her diary."""
    priya = Chat(demo, clock, "mentee@example.org")
    assert "Shall I send it" in priya.said("diary: my mentor was drunk at work today")
    assert "Saved to your diary" in priya.said(answer)
    assert "drunk at work" in priya.said("my diary")


def test_minutes_kept_for_a_concern_come_back_after_the_concern_was_put_aside_and_resumed(
    demo: Engine, clock: Clock
) -> None:
    """Priya is logging minutes, raises a concern (her minutes are kept to come back to), puts
    the concern aside with "my meetings", carries on with it and sends it: the minutes come
    back, as promised."""
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("minutes")
    priya.said("yesterday")
    assert "kept your meeting minutes" in priya.said("raise a concern")
    priya.said("1")
    priya.said("Tom keeps cancelling at the last minute")
    assert "put your concern aside" in priya.said("my meetings")
    priya.said("carry on with my concern")
    sent = priya.said("Send it")
    assert sent.startswith("Sent to the project lead")
    assert "Back to your meeting minutes" in sent


# -- a worry said while the bot waits on a choice --------------------------------------------


@pytest.mark.parametrize(
    "worry",
    [
        "honestly I'm worried about the way Tom talks to me, it's belittling",
        "tom made a comment about my appearance that made me really uncomfortable",
    ],
)
def test_a_worry_said_at_a_choice_is_a_concern_not_the_answer(
    demo: Engine, clock: Clock, worry: str
) -> None:
    """Asked who owns an action (Priya / Tom / both), Priya writes about how Tom treats her
    instead. Her words name Tom, but they are not an answer: the concern path comes first, the
    minutes are kept, and nothing of the minutes is saved with Tom as owner."""
    priya = Chat(demo, clock, "mentee@example.org")
    asked = priya.said("met tom today, we talked about budgets. actions: chase the rota paper")
    assert "Who will do" in asked
    reply = priya.said(worry)
    assert "kept your meeting minutes" in reply
    assert "Shall I send it to the project lead?" in reply
    sent = priya.said("send it")
    assert sent.startswith("Sent to the project lead")
    assert "Back to your meeting minutes" in sent
    assert "Who will do" in sent
    (concern,) = _concerns(demo)
    assert worry in concern.text
    with transaction(demo) as s:
        assert s.exec(select(Minutes)).first() is None


def test_a_no_with_a_worry_after_it_is_a_concern_not_only_the_no(
    demo: Engine, clock: Clock
) -> None:
    """At a yes/no question, "no, ..." followed by a worry is not just a no: the worry goes to
    the concern path first, and nothing is saved in the meantime."""
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("met tom today, we talked about budgets. actions: chase the rota paper")
    assert "Shall I save these minutes?" in priya.said("me")
    reply = priya.said("no, tom shouted at me again after the meeting and i felt humiliated")
    assert "kept your meeting minutes" in reply
    assert "Shall I send it to the project lead?" in reply
    with transaction(demo) as s:
        assert s.exec(select(Minutes)).first() is None


def test_a_worry_written_into_the_discussion_stays_there_until_the_save(
    demo: Engine, clock: Clock
) -> None:
    """While the discussion is being written, a worry in it is part of the text: kept as
    written, and offered to the lead by the safety check before anything is saved."""
    priya = Chat(demo, clock, "mentee@example.org")
    assert "discuss" in priya.said("log minutes for today's meeting").lower()
    written = priya.said("we talked about my worry that Tom belittles me in front of the team")
    assert "kept your meeting minutes" not in written
    assert _concerns(demo) == []
