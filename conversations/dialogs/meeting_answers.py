"""A meeting proposal (or a move) answered by typing, in any later turn, on any channel.

The proposal reaches its reader as a notification with Accept / Suggest another time / Decline
buttons (see ``meetings``); those keep working. Here the same proposal is an open question
(``conversations.open_questions``) that a typed reply answers: accepted, another time offered
(shown to confirm, then sent back as the *Suggest another time* button does), or declined with
its words as the reason (through the patient-data guard and the safety check); how the reply is
read: ``conversations.language.proposal_replies``.
"""

from __future__ import annotations

from functools import partial

from conversations.dates import format_when
from conversations.dialogs.base import Context, Registry, Turn, say
from conversations.dialogs.meetings.changing import ChangeMeeting, _answerable, _find
from conversations.dialogs.meetings.common import _answer_buttons
from conversations.language.proposal_replies import Reply, read_reply
from conversations.messages import Incoming, Text
from conversations.open_questions import Answered, OpenQuestion
from storage import meeting_queries, queries
from storage.models import Meeting, MeetingStatus


def _fits(ctx: Context, text: str, meeting: Meeting) -> bool:
    return read_reply(ctx, text, meeting) is not None


def _answer(ctx: Context, msg: Incoming, meeting_id: int) -> Answered:
    change, found = ChangeMeeting(), _find(ctx, meeting_id)
    if found is None:
        return Answered(say("I couldn't find that meeting any more."))
    text = msg.text.strip()
    read = read_reply(ctx, text, found.meeting)
    verb = "answer" if read is None else read[0].value
    if (why := _answerable(ctx, found, verb)) is not None or read is None:
        return Answered(Turn(replies=[Text(why or "Sorry, I couldn't tell what you meant.")]))
    reply, facts = read
    if reply is Reply.UNSURE:
        when = format_when(found.meeting.starts_at, ctx.tz, ctx.now)
        unsure = Text(f"Sorry, I couldn't tell if that's a yes to {when}. Nothing is booked yet.")
        return Answered(Turn(replies=[unsure, _answer_buttons(found.id)]))
    if reply is Reply.ACCEPT:
        return Answered(change._accept(ctx, found))
    if reply is Reply.COUNTER:
        return Answered(change.suggest(ctx, found, facts), change.name)
    turn = change.decline(ctx, found, msg)
    return Answered(turn, change.name if turn.state is not None else None)


def open_proposals(ctx: Context) -> list[OpenQuestion]:
    """The proposals and moves waiting for this person's answer."""
    questions: list[OpenQuestion] = []
    for meeting, pairing in meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now):
        proposed = meeting.status == MeetingStatus.PROPOSED.value
        if not proposed or meeting.proposed_by_id == ctx.person_id:
            continue  # the person's own proposal waits for the other's answer
        assert meeting.id is not None
        partner = ctx.name_of(queries.partner_of(pairing, ctx.person_id))
        what = "move to " if meeting.replaces_id is not None else ""
        when = format_when(meeting.starts_at, ctx.tz, ctx.now)
        questions.append(
            OpenQuestion(
                key=f"meeting:{meeting.id}",
                asked_at=meeting.updated_at,
                label=f"{partner}: {what}{when}",
                fits=partial(_fits, meeting=meeting),
                answer=partial(_answer, meeting_id=meeting.id),
                days=(ctx.local(meeting.starts_at).date(),),
            )
        )
    return questions


def register(registry: Registry) -> None:
    """Proposals and moves are open questions for their reader."""
    registry.open_questions.append(open_proposals)
