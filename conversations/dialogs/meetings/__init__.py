"""Meetings: the mentee books one, the mentor answers (accept / suggest another time / decline),
either side reschedules or cancels, and "my meetings" lists what is coming up.

Map (see ``meetings.mmd`` for the states):
- :class:`BookMeeting` ("book a meeting next Tuesday 3pm for an hour by video"): time, length and
  way of meeting, asked only when missing; a confirmation where any field can be changed; then a
  ``proposed`` Meeting and a proposal to the mentor with buttons ``meeting:<verb>:<id>``.
- :class:`ChangeMeeting`: everything done to a meeting that exists. Typed: "move our meeting to
  4pm", "cancel the meeting on Tuesday". Buttons on a proposal (routed here by the ``meeting``
  action prefix): accept (one turn), suggest another time, decline with an optional reason.
- :func:`my_meetings`: the upcoming proposed and confirmed meetings, in the reader's time zone.

Moving a confirmed meeting never loses it: the move is a new ``proposed`` meeting whose
``replaces_id`` points at the original, which stays confirmed (its reminders too) until the
partner accepts. Accepted, the original becomes ``moved`` (one calendar cancellation for it, one
invite for the new time); declined or withdrawn, the original is left as it was, and no calendar
cancellation is sent. Cancelling the original also cancels a move still waiting.

Rules kept here: the mentee arranges meetings (SCHEME.md), so only a mentee books; both sides may
answer, reschedule and cancel. Only the person who did not propose a time may accept it. A time in
the past, a length of 0 or over 12 hours, and a slot where either partner already has a proposed or
confirmed meeting are refused. Every read of a meeting goes through ``storage.meeting_queries``,
which returns nothing about meetings outside the asking person's pair, so a stranger pressing
``meeting:accept:<id>`` learns nothing. Each message is written in its reader's time zone, with the
zone named when it is not the scheme's. Calendar files: ``conversations.calendar_invite``.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from conversations.dates import format_duration, format_when
from conversations.dialogs.base import Context, Outgoing, Registry, Turn, say
from conversations.dialogs.meetings.booking import BookMeeting
from conversations.dialogs.meetings.changing import ChangeMeeting
from conversations.dialogs.meetings.common import (
    ACTION_PREFIX,
    LATE_WINDOW,
    MODE_TEXT,
    Mode,
    _answer_buttons,
    _first_name,
    _is_mentee,
    _mode_text,
    _person,
    _scheme_zone,
    proposal_clash,
    propose_meeting,
    show_when,
)
from conversations.intents import Intent, IntentName
from conversations.language.meetings import find_mode, minutes_late
from conversations.messages import Incoming, Part, Text
from storage import meeting_queries, queries
from storage.models import Meeting, MeetingStatus, Person

# What the minutes journey uses to offer and propose the next meeting.
__all__ = ["MODE_TEXT", "BookMeeting", "Mode", "find_mode", "proposal_clash", "propose_meeting"]


# -- my meetings ------------------------------------------------------------------------------


def my_meetings(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The person's upcoming proposed and confirmed meetings, in their own time zone."""
    upcoming = meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now)
    if not upcoming:
        hint = " Type *book a meeting* to arrange one." if _is_mentee(ctx) else ""
        return Turn(replies=[Text(f"You have no meetings coming up.{hint}")])
    scheme_zone = _scheme_zone(ctx, upcoming[0][1])
    heading = "Your upcoming meetings"
    if ctx.tz.key != scheme_zone.key:
        heading += f" (your time, {ctx.tz.key})"
    lines = [heading + ":"]
    waiting: tuple[Meeting, str] | None = None
    for meeting, pairing in upcoming:
        partner = ctx.session.get(Person, queries.partner_of(pairing, ctx.person_id))
        first = _first_name(partner)
        if meeting.status == MeetingStatus.CONFIRMED.value:
            status = "confirmed"
        elif meeting.proposed_by_id == ctx.person_id:
            status = f"proposed, waiting for {first} to reply"
        else:
            status = "proposed, waiting for your reply"
            waiting = waiting or (meeting, first)
        original = meeting_queries.replaced(ctx.session, meeting, ctx.now)
        if original is not None and meeting.status == MeetingStatus.PROPOSED.value:
            moved = (
                f"proposed move of your {format_when(original.starts_at, ctx.tz, ctx.now)} meeting"
            )
            status = status.replace("proposed", moved, 1)
        lines.append(
            f"• {format_when(meeting.starts_at, ctx.tz, ctx.now)} with "
            f"{partner.display_name if partner else 'your partner'}, "
            f"{format_duration(timedelta(minutes=meeting.duration_minutes))} "
            f"{_mode_text(meeting.mode)}: {status}"
        )
    lines.append("To change one, type *reschedule* or *cancel the meeting*.")
    replies: list[Part] = [Text("\n".join(lines))]
    if waiting is not None:
        meeting, first = waiting
        assert meeting.id is not None
        proposed = f"{first} proposed {format_when(meeting.starts_at, ctx.tz, ctx.now)}."
        replies.append(_answer_buttons(meeting.id, f"{proposed} Does that suit you?"))
    return Turn(replies=replies)


def running_late(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """ "running 10 mins late for tom": the partner in today's next meeting is told at once; the
    meeting itself is unchanged."""
    soon = [
        (m, p)
        for m, p in meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now - LATE_WINDOW)
        if m.status == MeetingStatus.CONFIRMED.value and m.starts_at - ctx.now <= LATE_WINDOW * 24
    ]
    if not soon:
        return say(
            "I couldn't find a meeting of yours starting soon, so I haven't told anyone. "
            "Type *my meetings* to see your meetings."
        )
    meeting, pairing = soon[0]
    partner = _person(ctx, queries.partner_of(pairing, ctx.person_id))
    late = minutes_late(msg.text)
    by = f"about {format_duration(timedelta(minutes=late))} " if late else ""
    theirs = show_when(
        meeting.starts_at, ZoneInfo(partner.time_zone), _scheme_zone(ctx, pairing), ctx.now
    )
    assert partner.id is not None
    told = f"{ctx.person.display_name} is running {by}late for your meeting on {theirs}."
    return say(
        f"I've told {partner.display_name} you're running {by}late. Your meeting is unchanged.",
        outgoing=[Outgoing(parts=(Text(told),), recipient_id=partner.id, kind="meeting")],
    )


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(BookMeeting(), IntentName.BOOK_MEETING)
    registry.add_dialog(ChangeMeeting(), IntentName.RESCHEDULE_MEETING, IntentName.CANCEL_MEETING)
    # Buttons on proposals sent to the partner ("meeting:accept:12") start ChangeMeeting.
    registry.action_routes[ACTION_PREFIX] = IntentName.RESCHEDULE_MEETING
    registry.answers[IntentName.MY_MEETINGS] = my_meetings
    registry.answers[IntentName.RUNNING_LATE] = running_late
