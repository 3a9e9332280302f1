"""What booking and changing a meeting share: the ways of meeting, a meeting's facts read from
a message, the proposal sent to the partner, clashes, calendar files, and the readings a "when"
question holds."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from conversations.calendar_invite import Attendee, Method, meeting_invite
from conversations.dates import (
    Ask,
    When,
    check_meeting_length,
    find_duration,
    find_when,
    format_day,
    format_duration,
    format_when,
    parse_when,
    part_offers,
    pick_option,
)
from conversations.dialogs.base import Context, Outgoing
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.language.meetings import (
    AGENDA_TEXT,
    find_place,
    find_whereabouts,
)
from conversations.language.meetings import find_mode as mode_named
from conversations.language.normalise import normalise
from conversations.language.vocabulary import Meaning, leading
from conversations.messages import Attachment, Choice, Incoming, Part, Question, Text
from storage import meeting_queries, queries
from storage.models import (
    AuditLog,
    Cohort,
    Meeting,
    Pairing,
    Person,
    Scheme,
)

ACTION_PREFIX = "meeting"
MAX_MESSAGE = 2000
MAX_AGENDA = 1000
MAX_REASON = 500
# "Running late" is for a meeting started up to half an hour ago or starting in the next 12 hours.
LATE_WINDOW = timedelta(minutes=30)


class Mode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


MODE_TEXT = {Mode.IN_PERSON: "in person", Mode.VIDEO: "by video", Mode.PHONE: "by phone"}
MODE_BUTTON = {Mode.IN_PERSON: "In person", Mode.VIDEO: "Video", Mode.PHONE: "Phone"}
_AGENDA_MARKER = re.compile(r"\bagenda\b\s*[:\-]\s*(?P<agenda>\S.*)$", re.I | re.S)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
# How a typed reply is read at the send and cancel questions (see conversations/language).
_SEND = (Choice("Send", "send"),)
_REASON = (Choice("Keep it", "keep"), Choice("No reason", "no_reason"))

NOT_FOUND = (
    "I couldn't find that meeting among yours, so there's nothing to do. "
    "Type *my meetings* to see your meetings."
)


# -- reading facts from a message -------------------------------------------------------------


@dataclass
class Facts:
    """What one message said about a meeting; ``problems`` are (field, question) to ask back."""

    at: datetime | None = None
    day: date | None = None
    minutes: int | None = None
    mode: str | None = None
    location: str | None = None  # "in person at northfield"
    agenda: str | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Readings to choose from ("next Tuesday" on a Monday), or times to offer ("after lunch").
    options: tuple[When, ...] = ()
    part: str | None = None  # "after lunch": the part of the day a time is wanted for
    wall: str | None = None  # "3pm" said without a day: kept while the day is asked

    @property
    def found_anything(self) -> bool:
        return bool(
            self.at or self.day or self.minutes or self.mode or self.agenda is not None
        ) or bool(self.problems)


def _place(day: date, wall: time, ctx: Context) -> datetime | Ask:
    """``wall`` on ``day`` in the person's zone, refusing a time the clocks skip or the past."""
    local = datetime.combine(day, wall, tzinfo=ctx.tz)
    back = local.astimezone(UTC).astimezone(ctx.tz)
    if (back.date(), back.time()) != (day, wall):
        return Ask(
            f"There is no {wall:%H:%M} on {format_day(day)}: the clocks go forward that night. "
            "What time did you mean?",
            "nonexistent",
        )
    if local <= ctx.now:
        return Ask(
            f"{format_when(local, ctx.tz, ctx.now)} is in the past. When would you like to meet?",
            "past",
        )
    return local.astimezone(UTC)


_BARE_HOUR = re.compile(r"\s*(?:\d{1,2}(?:[.:]\d{2})?)\s*[?!.]*\s*")


def _as_time(text: str) -> str:
    """A bare "9" or "4.30" given as a new time is a time of day ("at 9"), not a date."""
    return f"at {text.strip(' ?!.')}" if _BARE_HOUR.fullmatch(text) else text


def _read_when(
    text: str, ctx: Context, base: datetime | None, day: date | None, whole: bool,
    part: str | None = None, wall: time | None = None,
) -> tuple[datetime | date | Ask | None, str, When | None]:  # fmt: skip
    """The moment in ``text``: an aware UTC datetime, a day still needing a time, an Ask, or None.

    ``base`` is the time already chosen: a new day keeps its time of day, a new time without a
    day keeps its day, and "same time", "the Friday after", "an hour later" are read against it.
    ``day`` is a day chosen without a time yet (``part``: "after lunch"); ``wall`` a time chosen
    without a day yet. Returns the rest of the text and what was read.
    """
    found = find_when(text, ctx.now, ctx.tz, need_time=False, anchor=base, part=part)
    value: When | Ask
    if found is None:
        if not whole or not text.strip():
            return None, text, None
        value = parse_when(text, ctx.now, ctx.tz, need_time=False, anchor=base, part=part)
        if isinstance(value, Ask) and value.reason == "unknown":
            return None, text, None
        rest = ""
    else:
        value, rest = found.value, found.rest
    if isinstance(value, Ask):
        return value, rest, None
    base_local = base.astimezone(ctx.tz) if base is not None else None
    if not value.has_time:
        kept = wall or (base_local.time() if base_local is not None else None)
        if kept is None:
            return value.day, rest, value
        return _place(value.day, kept, ctx), rest, value
    anchor = day or (base_local.date() if base_local is not None else None)
    if anchor is not None and not value.named_day:
        note = (value.assumed or "").replace("I took it as tomorrow.", "").strip() or None
        return _place(anchor, value.local.time(), ctx), rest, replace(value, assumed=note)
    if anchor is None and not value.named_day:  # "3pm": which day? (not assumed to be today)
        asked = Ask(f"Which day would you like, at {value.local:%H:%M}?", "no_time")
        return asked, rest, value
    return value.at_utc, rest, value


# The way of meeting a text names ("by video", "face to face", "phone"), if any.
find_mode = mode_named


def read_facts(
    text: str,
    ctx: Context,
    *,
    base: datetime | None = None,
    day: date | None = None,
    whole: bool = False,
    agenda: str = "sentence",
    bare_length: bool = False,
    part: str | None = None,
    wall: time | None = None,
) -> Facts:
    """Every fact about a meeting in one message: a moment, a length, a way of meeting, an agenda.

    ``agenda``: "sentence" reads "about ..." / "to discuss ..." / "agenda: ..." at the end of a
    booking sentence; "marker" only "agenda: ..."; "none" reads no agenda.
    """
    facts = Facts()
    body = text
    agenda_match = None
    if agenda != "none":
        agenda_match = (AGENDA_TEXT if agenda == "sentence" else _AGENDA_MARKER).search(body)
        if agenda_match is not None:
            facts.agenda = agenda_match["agenda"].strip()
            body = body[: agenda_match.start()]
    moment, rest, read = _read_when(body, ctx, base, day, whole, part, wall)
    if isinstance(moment, Ask) and read is not None:  # a time said without a day
        facts.wall = f"{read.local:%H:%M}"
    elif read is not None and read.assumed:
        facts.notes.append(read.assumed)
    if read is not None:
        facts.part = read.part
    if isinstance(moment, Ask):
        facts.problems.append(("when", moment.question))
        facts.options = moment.options
    elif isinstance(moment, datetime):
        facts.at = moment
    elif isinstance(moment, date):
        facts.day = moment
    if moment is not None and not isinstance(moment, Ask) and rest:
        second = find_when(rest, ctx.now, ctx.tz, need_time=False)
        if second is not None and base is None:
            facts.at = facts.day = None
            facts.problems.append(
                ("when", "I found more than one date there. Which one did you mean?")
            )
    length = find_duration(rest)
    if length is None and read is not None and read.minutes:  # "11-12" is an hour
        facts.minutes = read.minutes
    if length is not None:
        rest = length.rest
        problem = check_meeting_length(length.value)
        if problem is not None:
            facts.problems.append(("length", problem.question))
        else:
            facts.minutes = int(length.value.total_seconds()) // 60
    elif bare_length and (number := _BARE_NUMBER.match(rest)):
        n = int(number.group(1))
        value = timedelta(hours=n) if n <= 12 else timedelta(minutes=n)
        problem = check_meeting_length(value)
        if problem is not None:
            facts.problems.append(("length", problem.question))
        else:
            facts.minutes = int(value.total_seconds()) // 60
            facts.notes.append(f"I took '{n}' as {format_duration(value)}.")
    facts.mode = find_mode(rest)
    facts.location = find_place(body) or (
        find_whereabouts(body) if facts.mode == Mode.IN_PERSON.value else None
    )
    return facts


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


def _mode_text(mode: str) -> str:
    try:
        return MODE_TEXT[Mode(mode)]
    except ValueError:
        return mode


def _summary(
    at: datetime, minutes: int, mode: str, zone: ZoneInfo, scheme_zone: ZoneInfo, now: datetime
) -> str:
    return (
        f"• *When:* {show_when(at, zone, scheme_zone, now)}\n"
        f"• *How long:* {format_duration(timedelta(minutes=minutes))}\n"
        f"• *How:* {_mode_text(mode)}"
    )


def _agenda_part(agenda: str) -> list[Part]:
    return [Text(f"*Agenda:* {agenda}", private=True)] if agenda else []


def _min_minutes(ctx: Context) -> int:
    return ctx.settings().meetings.min_minutes


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


def _answer_buttons(meeting_id: int) -> Question:
    return Question(
        "Does that suit you?",
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
    zone = ZoneInfo(recipient.time_zone)
    summary = _summary(
        meeting.starts_at,
        meeting.duration_minutes,
        meeting.mode,
        zone,
        _scheme_zone(ctx, pairing),
        ctx.now,
    )
    if meeting.location:
        summary += f"\n• *Where:* {meeting.location}"
    parts: list[Part] = [
        Text(f"{headline}\n{summary}"),
        *_agenda_part(meeting.agenda),
        _answer_buttons(meeting.id),
    ]
    assert recipient.id is not None
    return Outgoing(parts=tuple(parts), recipient_id=recipient.id, kind="meeting")


def _clash(
    ctx: Context, pairing: Pairing, at: datetime, minutes: int, exclude: Collection[int] = ()
) -> str | None:
    """Why the slot is taken, without saying by what, or None when both partners are free."""
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


def proposal_clash(ctx: Context, pairing: Pairing, at: datetime, minutes: int) -> str | None:
    """Why a new meeting at ``at`` can't be proposed (a partner is busy), or None."""
    return _clash(ctx, pairing, at, minutes)


def propose_meeting(ctx: Context, meeting: Meeting, pairing: Pairing) -> Outgoing:
    """The proposal of a new (flushed) ``meeting`` to the partner, as a booking sends it."""
    assert meeting.id is not None
    _audit(ctx, "meeting.proposed", meeting.id)
    partner = _person(ctx, queries.partner_of(pairing, ctx.person_id))
    return _proposal(
        ctx, meeting, pairing, partner, f"{ctx.person.display_name} would like to meet:"
    )


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


def _load_at(state: dict[str, Any], key: str = "at") -> datetime | None:
    value = state.get(key)
    return datetime.fromisoformat(value) if value else None


_WHEN_KEYS = ("options", "ask", "part", "wall")


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


def _drop_when(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k not in _WHEN_KEYS}


def _options(state: dict[str, Any], ctx: Context) -> tuple[When, ...]:
    shown = []
    for option in state.get("options") or ():
        at = datetime.fromisoformat(option["at"])
        shown.append(When(at.astimezone(UTC), at.astimezone(ctx.tz), bool(option["has_time"])))
    return tuple(shown)


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


def _yes_but(text: str) -> str | None:
    """What a yes with a change at a confirmation changes: "yes but make it 90 mins" is
    "make it 90 mins" (None: not a yes with more)."""
    reading = leading(text)
    if reading is not None and reading.rest and reading.meaning is Meaning.YES:
        return reading.rest
    return None


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


def _send_question(first: str, state: dict[str, Any]) -> str:
    """ "Shall I send it to Tom?", or after a yes with a change, "... with that change?"."""
    return f"Shall I send it to {first}{' with that change' if state.get('changed') else ''}?"


def _held_facts(state: dict[str, Any]) -> dict[str, Any]:
    """The part of the day or time already said, for reading the answer to a "when" question."""
    wall = state.get("wall")
    return {"part": state.get("part"), "wall": time.fromisoformat(wall) if wall else None}
