"""A meeting proposal (or a move) answered by typing, in any later turn, on any channel.

The proposal reaches its reader as a notification with Accept / Suggest another time / Decline
buttons (see ``meetings``); those keep working. Here the same proposal is an open question
(``conversations.open_questions``) that a typed reply answers:
- "yes that works", "ok", "accept", "thurs 10 is good for me": accepted;
- "sorry can't do Thursday, how about Friday at 2?", "yes but I've only got 45 mins", "could we
  make it f2f instead?": a counter-proposal, first class: the new time, length or way of meeting
  is shown to confirm and then sent back to the proposer (it replaces the proposal, as the
  *Suggest another time* button does);
- "no, I'm away that week", "sorry no can't make thurs": declined, the words kept as the reason
  (through the same patient-data guard and safety check as a typed reason);
- "can we keep the original time?" on a move: the move is declined and the meeting stays.
"""

from __future__ import annotations

import re
from dataclasses import replace
from enum import StrEnum
from functools import partial

from conversations.dates import format_when
from conversations.dialogs.base import Context, Registry, Turn
from conversations.dialogs.meetings import (
    ChangeMeeting,
    ChangeStep,
    Facts,
    Flow,
    _answerable,
    _Found,
    read_facts,
)
from conversations.language.away import says_away
from conversations.language.normalise import normalise
from conversations.language.vocabulary import Meaning, meaning, without_idioms
from conversations.messages import Incoming, Text
from conversations.open_questions import Answered, OpenQuestion
from storage import meeting_queries, queries
from storage.models import Meeting, MeetingStatus

# Words that turn a proposal down ("can't", "not thurs", "doesn't work") wherever they are.
_NEGATIVE = re.compile(
    r"\b(?:no|nope|nah|not|can'?t|cannot|won'?t|unable|doesn'?t|don'?t|isn'?t|decline)\b", re.I
)
# A new time offered rather than only refused: "how about", "could do 2pm", "...instead", "?".
_COUNTER = re.compile(
    r"\?|\b(?:how|what)\s+about\b|\bcould\s+do\b|\binstead\b|\brather\b|\bbetter\b|\bbut\b"
    r"|\b(?:would|does|do)\b.*\b(?:work|suit)\b|\bmake\s+it\b",
    re.I,
)
# "can we keep the original time?", "stick with the old one": the move is not wanted.
_KEEP_ORIGINAL = re.compile(
    r"\b(?:keep|stick\s+(?:with|to)|stay\s+(?:with|on|at)|leave)\b.{0,30}?"
    r"\b(?:orig\w*|same|current|old|first|existing|planned|booked|as\s+(?:it\s+)?(?:is|was))\b",
    re.I,
)

_FIRST_CLAUSE = re.compile(r"[,.;!]")
_PARTS = re.compile(r"[,;!?]|\.(?!\d)|\bbut\b", re.I)


class Reply(StrEnum):
    ACCEPT = "accept"
    COUNTER = "counter"
    DECLINE = "decline"
    KEEP = "keep"


def _differs(facts: Facts, meeting: Meeting) -> bool:
    return bool(
        (facts.at is not None and facts.at != meeting.starts_at)
        or (facts.minutes is not None and facts.minutes != meeting.duration_minutes)
        or (facts.mode is not None and facts.mode != meeting.mode)
        or facts.problems
    )


def _offered(ctx: Context, text: str, meeting: Meeting) -> Facts:
    """What the reply says about a time: the last part of it that offers something new
    ("can't do Tuesday, how about Wednesday at 2?" offers Wednesday), else the whole of it."""
    whole = _facts(ctx, text, meeting)
    parts = [p for p in _PARTS.split(text) if p.strip()]
    if len(parts) > 1:
        for part in reversed(parts):
            facts = _facts(ctx, part, meeting)
            if _differs(facts, meeting):
                # "f2f instead? im at riverside that day": the place may be in another part.
                facts.location = facts.location or whole.location
                return facts
    return whole


def _facts(ctx: Context, text: str, meeting: Meeting) -> Facts:
    """The facts in ``text``, read as typed or, when that finds no moment, as normalised
    ("weds 11th" is "wednesday 11th")."""
    facts = read_facts(text, ctx, base=meeting.starts_at, agenda="none")
    if facts.at is None and facts.day is None and not facts.problems:
        plain = read_facts(normalise(text), ctx, base=meeting.starts_at, agenda="none")
        if plain.at is not None or plain.problems:
            facts.at, facts.problems, facts.notes = plain.at, plain.problems, plain.notes
    return facts


def read_reply(ctx: Context, text: str, meeting: Meeting) -> tuple[Reply, Facts] | None:
    """What a typed reply says to a proposal, or None when it is not an answer to it."""
    facts = _offered(ctx, text, meeting)
    plain = normalise(text)
    # The whole reply, or its first clause ("lovely, I'll book a room").
    said = meaning(text) or meaning(_FIRST_CLAUSE.split(plain, 1)[0])
    # "sorry, I'm on annual leave until Monday": being away turns the time down.
    negative = (
        said is Meaning.NO or _NEGATIVE.search(without_idioms(text)) is not None or says_away(text)
    )
    if meeting.replaces_id is not None and _KEEP_ORIGINAL.search(plain):
        return Reply.KEEP, facts
    if _differs(facts, meeting):
        if negative and _COUNTER.search(plain) is None:
            # "no sorry, on leave til monday": a refusal with its reason, not a new time.
            return Reply.DECLINE, facts
        return Reply.COUNTER, facts
    if negative:
        return Reply.DECLINE, facts
    if said is Meaning.YES or facts.at == meeting.starts_at:
        return Reply.ACCEPT, facts
    return None


def _fits(ctx: Context, text: str, meeting: Meeting) -> bool:
    return read_reply(ctx, text, meeting) is not None


def _answer(ctx: Context, msg: Incoming, meeting_id: int) -> Answered:
    row = meeting_queries.meeting_for(ctx.session, meeting_id, ctx.person_id)
    change = ChangeMeeting()
    if row is None:
        return Answered(Turn(replies=[Text("I couldn't find that meeting any more.")]))
    found = _Found(*row)
    text = msg.text.strip()
    read = read_reply(ctx, text, found.meeting)
    verb = "answer" if read is None else read[0].value
    if (why := _answerable(ctx, found, verb)) is not None or read is None:
        return Answered(Turn(replies=[Text(why or "Sorry, I couldn't tell what you meant.")]))
    reply, facts = read
    if reply is Reply.ACCEPT:
        return Answered(change._accept(ctx, found))
    if reply is Reply.COUNTER:
        state = change._with_meeting({"flow": Flow.SUGGEST.value}, found.meeting)
        state["step"] = ChangeStep.WHEN.value
        return Answered(change._absorb(ctx, state, facts, found), change.name)
    state = change._with_meeting({"flow": Flow.DECLINE.value}, found.meeting)
    state["step"] = ChangeStep.REASON.value
    if len(text.split()) <= 1:
        turn = change._finish(ctx, state, found, "")
    else:
        turn = change._on_reason(ctx, state, replace(msg, action=None), text, found)
    return Answered(turn, change.name if turn.state is not None else None)


def open_proposals(ctx: Context) -> list[OpenQuestion]:
    """The proposals and moves waiting for this person's answer."""
    questions: list[OpenQuestion] = []
    for meeting, pairing in meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now):
        if (
            meeting.status != MeetingStatus.PROPOSED.value
            or meeting.proposed_by_id == ctx.person_id
        ):
            continue
        assert meeting.id is not None
        meeting_id = meeting.id
        partner = ctx.name_of(queries.partner_of(pairing, ctx.person_id))
        what = "move to" if meeting.replaces_id is not None else ""
        when = format_when(meeting.starts_at, ctx.tz, ctx.now)
        questions.append(
            OpenQuestion(
                key=f"meeting:{meeting_id}",
                asked_at=meeting.updated_at,
                label=f"{partner}: {what + ' ' if what else ''}{when}",
                fits=partial(_fits, meeting=meeting),
                answer=partial(_answer, meeting_id=meeting_id),
                days=(ctx.local(meeting.starts_at).date(),),
            )
        )
    return questions


def register(registry: Registry) -> None:
    """Proposals and moves are open questions for their reader."""
    registry.open_questions.append(open_proposals)
