"""What booking and changing a meeting share: the ways of meeting, a meeting's facts read from
a message, the proposal sent to the partner, clashes, calendar files, and the readings a "when"
question holds."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from conversations.calendar_invite import Attendee, Method, meeting_invite
from conversations.dates import (
    When,
    format_day,
    format_duration,
    format_when,
    part_offers,
    pick_option,
)
from conversations.dialogs.base import Context, Outgoing
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.language.meeting_facts import Facts
from conversations.language.normalise import normalise
from conversations.messages import Attachment, Choice, Incoming, Part, Question, Text
from storage import meeting_queries, queries
from storage.models import AuditLog, Cohort, Meeting, MeetingStatus, Pairing, Person, Scheme

ACTION_PREFIX = "meeting"
MAX_MESSAGE = 2000
MAX_REASON = 500
# "Running late" is for a meeting started up to half an hour ago or starting in the next 12 hours.
LATE_WINDOW = timedelta(minutes=30)


class Mode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


MODE_TEXT = {Mode.IN_PERSON: "in person", Mode.VIDEO: "by video", Mode.PHONE: "by phone"}

NOT_FOUND = (
    "I couldn't find that meeting among yours, so there's nothing to do. "
    "Type *my meetings* to see your meetings."
)


# -- shared helpers ---------------------------------------------------------------------------


def _first_name(person: Person | None) -> str:
    return person.display_name.split(" ", 1)[0] if person is not None else "your partner"


def _person(ctx: Context, person_id: int) -> Person:
    person = ctx.session.get(Person, person_id)
    assert person is not None, f"no person {person_id}"
    return person


def _scheme_zone(ctx: Context, pairing: Pairing) -> ZoneInfo:
    cohort = ctx.session.get(Cohort, pairing.cohort_id)
    scheme = ctx.session.get(Scheme, cohort.scheme_id) if cohort is not None else None
    return ZoneInfo(scheme.time_zone if scheme is not None else "Europe/London")


def show_when(at: datetime, zone: ZoneInfo, scheme_zone: ZoneInfo, now: datetime) -> str:
    """ "Tue 24 Nov, 15:00", naming the reader's zone when it is not the scheme's."""
    text = format_when(at, zone, now)
    if zone.key != scheme_zone.key:
        text += f" (your time, {zone.key})"
    return text


def _whens(ctx: Context, at: datetime, other: Person, zone: ZoneInfo) -> tuple[str, str]:
    """When ``at`` is for the person and for ``other``, each in their own zone."""
    return show_when(at, ctx.tz, zone, ctx.now), show_when(
        at, ZoneInfo(other.time_zone), zone, ctx.now
    )


def _mode_text(mode: str) -> str:
    try:
        return MODE_TEXT[Mode(mode)]
    except ValueError:
        return mode


def _summary(
    at: datetime,
    minutes: int,
    mode: str,
    zone: ZoneInfo,
    scheme_zone: ZoneInfo,
    now: datetime,
    location: str | None = None,
) -> str:
    where = f"\n• *Where:* {location}" if location else ""
    return (
        f"• *When:* {show_when(at, zone, scheme_zone, now)}\n"
        f"• *How long:* {format_duration(timedelta(minutes=minutes))}\n"
        f"• *How:* {_mode_text(mode)}{where}"
    )


def _agenda_part(agenda: str) -> list[Part]:
    return [Text(f"*Agenda:* {agenda}", private=True)] if agenda else []


def _audit(ctx: Context, action: str, meeting_id: int, **detail: Any) -> None:
    ctx.session.add(
        AuditLog(
            at=ctx.now,
            actor_id=ctx.person_id,
            action=action,
            subject=f"meeting:{meeting_id}",
            detail=detail,
        )
    )


def _answer_buttons(meeting_id: int, asked: str = "Does that suit you?") -> Question:
    return Question(
        asked,
        (
            Choice("Accept", f"{ACTION_PREFIX}:accept:{meeting_id}"),
            Choice("Suggest another time", f"{ACTION_PREFIX}:suggest:{meeting_id}"),
            Choice("Decline", f"{ACTION_PREFIX}:decline:{meeting_id}"),
        ),
    )


def _proposal(
    ctx: Context, meeting: Meeting, pairing: Pairing, recipient: Person, headline: str
) -> Outgoing:
    """The proposal for ``recipient``, in their zone, with Accept / Suggest / Decline."""
    assert meeting.id is not None
    zone, scheme_zone = ZoneInfo(recipient.time_zone), _scheme_zone(ctx, pairing)
    at, minutes = meeting.starts_at, meeting.duration_minutes
    summary = _summary(at, minutes, meeting.mode, zone, scheme_zone, ctx.now, meeting.location)
    parts: list[Part] = [
        Text(f"{headline}\n{summary}"),
        *_agenda_part(meeting.agenda),
        _answer_buttons(meeting.id),
    ]
    assert recipient.id is not None
    return Outgoing(parts=tuple(parts), recipient_id=recipient.id, kind="meeting")


def proposal_clash(
    ctx: Context, pairing: Pairing, at: datetime, minutes: int, exclude: Collection[int] = ()
) -> str | None:
    """Why a meeting at ``at`` can't be proposed (a partner is busy, without saying with what;
    ``exclude``: the meetings a change does not clash with), or None when both are free."""
    partner_id = queries.partner_of(pairing, ctx.person_id)
    busy = meeting_queries.busy_people(
        ctx.session, [ctx.person_id, partner_id], at, minutes, exclude
    )
    if not busy:
        return None
    partner = _first_name(ctx.session.get(Person, partner_id))
    if busy == {ctx.person_id, partner_id}:
        who = f"You and {partner} both already have a meeting booked"
    elif ctx.person_id in busy:
        who = "You already have a meeting booked"
    else:
        who = f"{partner} already has a meeting booked"
    return f"{who} at that time, so I can't double-book it."


def slot_taken(
    ctx: Context,
    pairing: Pairing,
    at: datetime,
    minutes: int,
    exclude: Collection[int] = (),
    passed: str = "has passed now.",
) -> str | None:
    """Why a meeting at ``at`` can't be proposed (it has passed, or a partner is busy), asking
    for another time; None when it can."""
    if at <= ctx.now:
        problem: str | None = f"{format_when(at, ctx.tz, ctx.now)} {passed}"
    else:
        problem = proposal_clash(ctx, pairing, at, minutes, exclude)
    return f"{problem} What other time would suit?" if problem else None


def _same_slot(ctx: Context, meeting: Meeting) -> set[int]:
    """The meetings a change of ``meeting`` does not clash with: itself, the meeting it would
    replace (a move) and the moves already proposed for it (a new move supersedes them)."""
    assert meeting.id is not None
    ids = {meeting.id}
    if meeting.replaces_id is not None:
        ids.add(meeting.replaces_id)
    ids |= {m.id for m in meeting_queries.pending_moves(ctx.session, meeting.id) if m.id}
    return ids


def _invite(ctx: Context, meeting: Meeting, pairing: Pairing, method: Method) -> Attachment | None:
    """The next version of the meeting's calendar file; a CANCEL only if an invite is out."""
    assert meeting.id is not None
    sent = meeting_queries.invite_actions(ctx.session, meeting.id)
    if method == "CANCEL" and (not sent or sent[-1] != meeting_queries.INVITE):
        return None
    mentee, mentor = _person(ctx, pairing.mentee_id), _person(ctx, pairing.mentor_id)
    attachment = meeting_invite(
        meeting_id=meeting.id,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        mode=meeting.mode,
        mentee=Attendee(mentee.display_name, mentee.email),
        mentor=Attendee(mentor.display_name, mentor.email),
        method=method,
        sequence=len(sent),
        now=ctx.now,
    )
    action = meeting_queries.INVITE if method == "REQUEST" else meeting_queries.INVITE_CANCEL
    _audit(ctx, action, meeting.id, sequence=len(sent))
    return attachment


def new_meeting(ctx: Context, pairing: Pairing, at: datetime, minutes: int, **more: Any) -> Meeting:
    """A meeting of ``pairing`` at ``at``, not yet saved: ``send_proposal`` proposes it."""
    assert pairing.id is not None
    return Meeting(
        pairing_id=pairing.id,
        starts_at=at,
        duration_minutes=minutes,
        proposed_by_id=ctx.person_id,
        created_at=ctx.now,
        updated_at=ctx.now,
        **more,
    )


def send_proposal(
    ctx: Context,
    meeting: Meeting,
    pairing: Pairing,
    headline: str = "",
    action: str = "meeting.proposed",
    **detail: Any,
) -> tuple[str, Outgoing]:
    """Save ``meeting`` as the person's proposal and propose it to the partner (``headline``:
    what the proposal opens with). Returns what the person is told ("Sent to Tom Lee: Thu 12
    Mar, 15:00. I'll let you know when Tom replies.") and the proposal."""
    meeting.status, meeting.proposed_by_id = MeetingStatus.PROPOSED.value, ctx.person_id
    meeting.decline_reason, meeting.updated_at = None, ctx.now
    ctx.session.add(meeting)
    ctx.session.flush()
    assert meeting.id is not None
    _audit(ctx, action, meeting.id, **detail)
    partner = _person(ctx, queries.partner_of(pairing, ctx.person_id))
    headline = headline or f"{ctx.person.display_name} would like to meet:"
    when = show_when(meeting.starts_at, ctx.tz, _scheme_zone(ctx, pairing), ctx.now)
    sent = (
        f"Sent to {partner.display_name}: {when}. "
        f"I'll let you know when {_first_name(partner)} replies."
    )
    return sent, _proposal(ctx, meeting, pairing, partner, headline)


def propose_meeting(ctx: Context, meeting: Meeting, pairing: Pairing) -> Outgoing:
    """The proposal of a new ``meeting`` to the partner, as a booking sends it."""
    return send_proposal(ctx, meeting, pairing)[1]


def _too_long(text: str, limit: int, what: str) -> Text | None:
    if len(text) <= limit:
        return None
    return Text(
        f"That's {len(text):,} characters, more than I can take for {what} ({limit:,}). "
        "Nothing was saved. Could you make it shorter?"
    )


def _book_again() -> Question:
    return Question(
        "Would you like to book another time?",
        (Choice("Book another time", INTENT_ACTION_PREFIX + IntentName.BOOK_MEETING.value),),
    )


def _is_mentee(ctx: Context) -> bool:
    """Is the person the mentee of one of their active pairings (the one who books)?"""
    return any(
        p.mentee_id == ctx.person_id for p in queries.active_pairings(ctx.session, ctx.person_id)
    )


def _hold_when(state: dict[str, Any], facts: Facts, question: str, ctx: Context) -> None:
    """Keep what a "when" question needs: readings to choose from, times to offer, a time or a
    part of the day waiting for the rest."""
    options = facts.options
    if not options and facts.part and facts.day is not None:  # "after lunch": offer a few times
        options = part_offers(facts.day, facts.part, ctx.now, ctx.tz)
    state["options"] = [
        {"at": o.at_utc.isoformat(), "has_time": o.has_time} for o in options
    ] or None
    state["ask"], state["part"], state["wall"] = question, facts.part, facts.wall


def _options(state: dict[str, Any], ctx: Context) -> tuple[When, ...]:
    held = [(datetime.fromisoformat(o["at"]), o["has_time"]) for o in state.get("options") or ()]
    return tuple(When(at.astimezone(UTC), at.astimezone(ctx.tz), bool(timed)) for at, timed in held)


def _options_question(state: dict[str, Any], ctx: Context, action: str) -> Question:
    choices = tuple(
        Choice(
            format_when(o.at_utc, ctx.tz, ctx.now) if o.has_time else format_day(o.day, ctx.today),
            action,
            str(i),
        )
        for i, o in enumerate(_options(state, ctx))
    )
    return Question(state.get("ask") or "Which of these?", choices)


def _picked_option(
    state: dict[str, Any], ctx: Context, msg: Incoming, text: str, action: str
) -> When | None:
    """The option a button or a typed answer ("2", "the 10th", "the later one") chose."""
    options = _options(state, ctx)
    if msg.action == action:
        index = str(msg.values.get("value", ""))
        return options[int(index)] if index.isdigit() and int(index) < len(options) else None
    if not text:
        return None
    # "this wk", "nxt wk": read as typed, then in plain words.
    return pick_option(text, options, ctx.now, ctx.tz) or pick_option(
        normalise(text), options, ctx.now, ctx.tz
    )


def _during_events(ctx: Context, at: datetime, minutes: int) -> Text | None:
    """A note when the slot overlaps one of the scheme's events (the networking session)."""
    events = meeting_queries.events_during(ctx.session, ctx.person_id, at, minutes)
    if not events:
        return None
    said = "; ".join(
        f"*{event.name}* ({format_when(start, ctx.tz, ctx.now)} to {end.astimezone(ctx.tz):%H:%M})"
        for event, start, end in events
    )
    return Text(f"That time clashes with the scheme's {said}.")


def _send_question(ctx: Context, first: str, at: datetime, minutes: int, changed: bool) -> str:
    """ "Shall I send it to Tom?" ("... with that change?" after a yes with a change), or,
    when the slot overlaps one of the scheme's events, "... anyway, or change the time?"."""
    if _during_events(ctx, at, minutes) is not None:
        return f"Shall I send it to {first} anyway, or change the time?"
    return f"Shall I send it to {first}{' with that change' if changed else ''}?"
