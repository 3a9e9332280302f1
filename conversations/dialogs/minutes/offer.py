"""After minutes are saved with no next meeting agreed or booked: "Would you like to book your
next meeting with Tom now?". The answer comes as plain text in a new turn ("go on then",
"later"), so the question is an open one (``conversations.open_questions``), read from the
minutes just saved: it closes itself once a meeting is booked or half an hour has passed.
"""

from __future__ import annotations

from datetime import timedelta

from conversations.dialogs.base import Context, Turn
from conversations.dialogs.meetings import BookMeeting
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.language.later import puts_off
from conversations.language.vocabulary import Meaning, meaning
from conversations.messages import Choice, Incoming, Question, Text
from conversations.open_questions import Answered, OpenQuestion
from storage import meeting_queries, minutes_queries

OPEN_FOR = timedelta(minutes=30)
NEXT_AGREED = "Next meeting agreed:"  # the minutes' own note of a next meeting agreed in them


def offer(partner_first: str) -> Question:
    """The question asked after saving."""
    return Question(
        f"Would you like to book your next meeting with {partner_first} now? Or say *later*.",
        (Choice("Yes, book it", INTENT_ACTION_PREFIX + IntentName.BOOK_MEETING.value),),
    )


def wanted(ctx: Context) -> bool:
    """Whether the person has no meeting to come: the offer is worth making."""
    return not meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now)


def _fits(ctx: Context, text: str) -> bool:
    return meaning(text) in (Meaning.YES, Meaning.NO) or puts_off(text)


def _answer(ctx: Context, msg: Incoming) -> Answered:
    if meaning(msg.text) is Meaning.YES:
        booking = Incoming(person_id=ctx.person_id, text="book a meeting")
        return Answered(BookMeeting().start(ctx, booking), BookMeeting.name)
    said = (
        "OK, no meeting booked for now. Say *book a meeting* whenever you're ready, and I'll "
        "send your partner the proposal."
    )
    return Answered(Turn(replies=[Text(said)]))


def book_next_questions(ctx: Context) -> list[OpenQuestion]:
    """The offer, open for half an hour after the minutes were saved, while nothing is booked."""
    saved = minutes_queries.minutes_written_since(ctx.session, ctx.person_id, ctx.now - OPEN_FOR)
    if not saved or NEXT_AGREED in saved[0].decisions or not wanted(ctx):
        return []
    return [
        OpenQuestion(
            f"book_next:{saved[0].id}", saved[0].created_at, "Booking your next meeting",
            _fits, _answer,
        )
    ]  # fmt: skip
