"""The fallback, played as typed chat (every reply a new turn, as on Slack and Teams): what a
message not understood probably meant is offered as buttons that work pressed or typed, and a
message about something else gets a kind pointer to what the bot does."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from conversations.clock import Clock
from conversations.messages import Incoming
from storage.db import transaction
from storage.models import DialogState
from tests.transcript import Chat


def typed(chat: Chat, text: str) -> str:
    return chat.send(Incoming(person_id=chat.person_id, text=text))


def pressed(chat: Chat, action: str, label: str) -> str:
    return chat.send(Incoming(person_id=chat.person_id, text=label, action=action))


def _waiting(chat: Chat) -> list[str | None]:
    with transaction(chat.db) as session:
        rows = session.exec(select(DialogState).where(DialogState.person_id == chat.person_id))
        return [row.dialog for row in rows]


def test_a_message_not_understood_offers_the_likeliest_things(mentee: Chat) -> None:
    reply = typed(mentee, "meeting pls")
    assert "Did you mean:" in reply
    assert "1. My meetings" in reply
    assert "2. Book a meeting" in reply
    assert "Diary" not in reply


def test_a_suggestion_typed_by_number_is_taken(mentee: Chat) -> None:
    typed(mentee, "meeting pls")
    assert "When would you like to meet Tom?" in typed(mentee, "2")


def test_a_suggestion_typed_by_label_or_word_is_taken(mentee: Chat, mentor: Chat) -> None:
    typed(mentee, "the meeting thing")
    assert "When would you like to meet Tom?" in typed(mentee, "Book a meeting")
    typed(mentor, "meeting pls")
    assert "no meetings coming up" in typed(mentor, "the first one")


def test_a_suggestion_pressed_is_taken(mentee: Chat) -> None:
    typed(mentee, "meeting pls")
    assert "When would you like to meet Tom?" in pressed(
        mentee, "intent:book_meeting", "Book a meeting"
    )


def test_after_a_suggestion_a_new_request_is_read_afresh(mentee: Chat) -> None:
    typed(mentee, "meeting pls")
    reply = typed(mentee, "whats next for me")
    assert "Here's what's next for you" in reply
    assert "put" not in reply  # nothing was "put aside": the offer just lapses
    assert _waiting(mentee) == [None]


def test_a_stale_suggestion_is_not_answered_by_a_number(mentee: Chat) -> None:
    typed(mentee, "meeting pls")
    mentee.clock = Clock.fixed(mentee.clock.now() + timedelta(hours=3))
    mentee.restart()
    assert "When would you like" not in typed(mentee, "2")


def test_out_of_scope_gets_a_kind_pointer_to_what_the_bot_does(mentee: Chat) -> None:
    for message in ("whats the weather doing in leeds", "can you order lunch"):
        reply = typed(mentee, message)
        assert "I'm here for your mentoring" in reply
        assert "book, move or cancel meetings" in reply
        assert "Did you mean" not in reply
    assert _waiting(mentee) == [None]


def test_padded_and_near_miss_requests_start_their_journey(mentee: Chat) -> None:
    assert "When would you like to meet Tom?" in typed(
        mentee, "hi, hope you're well, could we book a meeting?"
    )
    typed(mentee, "cancel")
    assert "Here's what's next for you" in typed(mentee, "so whats next then?")
    assert "no reminders from me until Wed 26 May" in typed(
        mentee, "on leave til 26/5, no reminders pls"
    )


def test_who_my_mentor_is_and_how_to_reach_them(mentee: Chat, mentor: Chat) -> None:
    for question in (
        "whos my mentor again? forgot his surname 🙈",
        "hows best to get hold of tom?",
    ):
        reply = typed(mentee, question)
        assert "Your mentor is *Tom Okafor*" in reply
        assert "Email: mentor@example.org" in reply
    assert "Your mentee is *Priya Shah*" in typed(mentor, "who is my mentee")


def test_a_yes_or_dunno_with_nothing_asked_gets_the_one_nothing_waiting_message(
    mentee: Chat,
) -> None:
    # "yes" (engine) and "dunno" or "maybe later" (the fallback) with no question open: one message.
    for said in ("yep", "dunno", "maybe later"):
        assert typed(mentee, said) == (
            "There's nothing waiting for your answer just now. Type *menu* to see what I can do."
        )


def test_a_message_marked_urgent_that_nothing_else_understood_gets_the_concern_path(
    mentee: Chat,
) -> None:
    # A concern is never lost: "urgent" anywhere in a message not otherwise understood offers
    # to pass it to the project lead, never the out-of-scope pointer.
    reply = typed(mentee, "urgent - can someone ring me back about the unit")
    assert "can't help with that one" not in reply
    assert "I'm here for your mentoring" not in reply
    assert "project lead" in reply


def test_a_message_naming_a_patient_offers_the_project_lead_first(mentee: Chat) -> None:
    # The demo scheme's hospital numbers look like AB1234567.
    reply = typed(mentee, "KT4417802 again today, third time this month")
    assert "can't help with that one" not in reply
    assert "1. Pass this to the project lead" in reply
    assert "project lead" in pressed(mentee, "intent:concern", "Pass this to the project lead")
