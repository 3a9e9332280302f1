"""After minutes are saved with no next meeting agreed or booked: "Would you like to book your
next meeting with Tom now?", answered in a new turn ("go on then", "later"), so an open question
(``conversations.open_questions``) that closes once a meeting is booked or after half an hour.
Likewise, while nothing is booked, the next meeting said in words after recent minutes ("next
one in 6 wks same time pls") starts a booking then, counted from the meeting minuted.
"""

from __future__ import annotations

from datetime import timedelta

from conversations.dates import When
from conversations.dialogs.base import Context, say
from conversations.dialogs.meetings import MODE_TEXT, BookMeeting, Mode, find_mode
from conversations.dialogs.minutes.actions import pair_context
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.language.later import puts_off
from conversations.language.sections import read_sections
from conversations.language.vocabulary import Meaning, meaning
from conversations.messages import Choice, Incoming, Question
from conversations.open_questions import Answered, OpenQuestion
from storage import meeting_queries, minutes_queries
from storage.models import Meeting, Pairing

OPEN_FOR = timedelta(minutes=30)
RECENT_MINUTES = timedelta(days=31)  # "next one in 6 wks same time" counts from these
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


def _book(ctx: Context, text: str) -> Answered:
    asked = Incoming(person_id=ctx.person_id, text=text)
    return Answered(BookMeeting().start(ctx, asked), BookMeeting.name)


def _answer(ctx: Context, msg: Incoming) -> Answered:
    if meaning(msg.text) is Meaning.YES:
        return _book(ctx, "book a meeting")
    said = (
        "OK, no meeting booked for now. Say *book a meeting* whenever you're ready, and I'll "
        "send your partner the proposal."
    )
    return Answered(say(said))


def _next_said(ctx: Context, text: str, meeting: Meeting, pairing: Pairing) -> str | None:
    """ "book a meeting ..." with the time, length and way of the next meeting a message names
    (counted from the meeting minuted), or None."""
    if pairing.mentee_id != ctx.person_id:
        return None
    context = pair_context(ctx, pairing, meeting_at=meeting.starts_at)
    said = read_sections(text, context).next_meeting
    if said is None or not isinstance(said.when, When) or not said.when.has_time:
        return None
    if said.when.at_utc <= ctx.now:
        return None
    mode = find_mode(said.said) or meeting.mode
    how = MODE_TEXT.get(Mode(mode), "") if mode in set(Mode) else ""
    local = said.when.local
    return (
        f"book a meeting on {local.day} {local:%b} {local.year} at {local:%H:%M} "
        f"for {said.when.minutes or meeting.duration_minutes} minutes {how}"
    ).strip()


def book_next_questions(ctx: Context) -> list[OpenQuestion]:
    """The offer, open for half an hour after the minutes were saved, while nothing is booked;
    and, while nothing is booked, the next meeting said in words after recent minutes."""
    if not wanted(ctx):
        return []
    found = []
    saved = minutes_queries.minutes_written_since(ctx.session, ctx.person_id, ctx.now - OPEN_FOR)
    if saved and NEXT_AGREED not in saved[0].decisions:
        found.append(
            OpenQuestion(
                f"book_next:{saved[0].id}", saved[0].created_at, "Booking your next meeting",
                _fits, _answer,
            )
        )  # fmt: skip
    latest = minutes_queries.latest_minutes(ctx.session, ctx.person_id, ctx.today - RECENT_MINUTES)
    if latest is None or (meeting_id := latest[0].meeting_id) is None:
        return found
    if (booked := meeting_queries.meeting_for(ctx.session, meeting_id, ctx.person_id)) is None:
        return found

    def said(ctx: Context, text: str) -> str | None:
        return _next_said(ctx, text, *booked)

    found.append(
        OpenQuestion(
            f"next_said:{latest[0].id}", latest[0].created_at, "Booking your next meeting",
            lambda ctx, text: said(ctx, text) is not None,
            lambda ctx, msg: _book(ctx, said(ctx, msg.text) or "book a meeting"),
        )
    )  # fmt: skip
    return found
