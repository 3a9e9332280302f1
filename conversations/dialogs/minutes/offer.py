"""After minutes are saved with no next meeting agreed or booked: "Would you like to book your
next meeting with Tom now?". The answer comes as plain text in a new turn ("go on then",
"later"), so the question is an open one (``conversations.open_questions``), read from the
minutes just saved: it closes itself once a meeting is booked or half an hour has passed.

Likewise, while nothing is booked, the next meeting said in words after recent minutes ("tom and
i agreed to meet every 6 wks so next one in 6 wks same time pls") starts a booking at that time,
counted from the meeting minuted, its way of meeting as before.
"""

from __future__ import annotations

from datetime import timedelta

from conversations.dates import When
from conversations.dialogs.base import Context, Turn
from conversations.dialogs.meetings import MODE_TEXT, BookMeeting, Mode, find_mode
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.language.later import puts_off
from conversations.language.sections import SectionContext, read_sections
from conversations.language.vocabulary import Meaning, meaning
from conversations.messages import Choice, Incoming, Question, Text
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


def _answer(ctx: Context, msg: Incoming) -> Answered:
    if meaning(msg.text) is Meaning.YES:
        booking = Incoming(person_id=ctx.person_id, text="book a meeting")
        return Answered(BookMeeting().start(ctx, booking), BookMeeting.name)
    said = (
        "OK, no meeting booked for now. Say *book a meeting* whenever you're ready, and I'll "
        "send your partner the proposal."
    )
    return Answered(Turn(replies=[Text(said)]))


def _next_said(ctx: Context, text: str, meeting: Meeting) -> str | None:
    """The booking a message asks for when it names the next meeting ("next one in 6 wks same
    time pls"), counted from the meeting minuted: "book a meeting ..." with its time, length and
    way, or None."""
    pairing = ctx.session.get(Pairing, meeting.pairing_id)
    if pairing is None or pairing.mentee_id != ctx.person_id:
        return None
    context = SectionContext(
        now=ctx.now,
        tz=ctx.tz,
        partner_names=(ctx.name_of(pairing.mentor_id),),
        own_names=(ctx.name_of(ctx.person_id),),
        meeting_at=meeting.starts_at,
    )
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
    rows, _ = minutes_queries.minutes_page(ctx.session, ctx.person_id, 0, 1)
    meeting = ctx.session.get(Meeting, rows[0].meeting_id) if rows and rows[0].meeting_id else None
    if meeting is not None and rows[0].held_on >= ctx.today - RECENT_MINUTES:

        def book(ctx: Context, msg: Incoming) -> Answered:
            booking = _next_said(ctx, msg.text, meeting) or "book a meeting"
            asked = Incoming(person_id=ctx.person_id, text=booking)
            return Answered(BookMeeting().start(ctx, asked), BookMeeting.name)

        found.append(
            OpenQuestion(
                f"next_said:{rows[0].id}", rows[0].created_at, "Booking your next meeting",
                lambda ctx, text: _next_said(ctx, text, meeting) is not None, book,
            )
        )  # fmt: skip
    return found
