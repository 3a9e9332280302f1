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

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, ClassVar
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
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName, recognise
from conversations.language import is_empty
from conversations.language.choices import answer, pick
from conversations.language.meetings import (
    AGENDA_TEXT,
    find_place,
    find_whereabouts,
    minutes_late,
    rebooks,
)
from conversations.language.meetings import find_mode as mode_named
from conversations.language.normalise import normalise
from conversations.language.vocabulary import Meaning, leading
from conversations.messages import Attachment, Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_EDIT,
    GUARD_KEEP,
    GUARD_REMOVE,
    find_patient_data,
    guard_choice,
    guard_question,
    remove_patient_data,
)
from storage import meeting_queries, queries
from storage.models import (
    AuditLog,
    Cohort,
    Meeting,
    MeetingStatus,
    Pairing,
    PairingStatus,
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


def find_mode(text: str) -> str | None:
    """The way of meeting a text names ("by video", "face to face", "phone"), if any."""
    return _find_mode(text)


def _find_mode(text: str) -> str | None:
    return mode_named(text)


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
    facts.mode = _find_mode(rest)
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


# -- booking ----------------------------------------------------------------------------------


class BookStep(StrEnum):
    WHEN = "when"
    LENGTH = "length"
    MODE = "mode"
    AGENDA = "agenda"
    CONFIRM = "confirm"
    GUARD = "guard"
    # The agenda reads like a concern: send it to the project lead, keep it, or both.
    SAFETY = safety_check.STEP


B_SEND = "dialog:book_meeting:send"
B_FIELD = "dialog:book_meeting:field"
B_LENGTH = "dialog:book_meeting:length"
B_MODE = "dialog:book_meeting:mode"
B_NO_AGENDA = "dialog:book_meeting:no_agenda"
B_OPTION = "dialog:book_meeting:option"
_FIELD_WORDS = {
    "when": re.compile(r"^(?:change (?:the )?(?:time|date|day|when)|the time|time|date)$", re.I),
    "length": re.compile(r"^(?:change (?:the )?(?:length|duration)|length|duration)$", re.I),
    "mode": re.compile(r"^(?:change (?:the )?(?:mode|way|how)(?: we meet)?|mode|how)$", re.I),
    "agenda": re.compile(r"^(?:(?:add|change) (?:an |the )?agenda|agenda)$", re.I),
}


def _mentee_pairing(ctx: Context) -> tuple[Pairing | None, Turn | None]:
    """The pairing in which the person is the mentee, or a kind refusal."""
    pairings = queries.active_pairings(ctx.session, ctx.person_id)
    for pairing in pairings:
        if pairing.mentee_id == ctx.person_id:
            return pairing, None
    if pairings:
        names = " and ".join(ctx.name_of(p.mentee_id) for p in pairings)
        first = _first_name(ctx.session.get(Person, pairings[0].mentee_id))
        return None, Turn(
            replies=[
                Text(
                    f"In this scheme the mentee arranges the meetings, so {names} will book "
                    f"them with you. If a time suits you, suggest it to {first} and they can "
                    "book it here. When a meeting is booked you'll get it to accept, suggest "
                    "another time or decline, and you can reschedule or cancel it too."
                )
            ]
        )
    return None, Turn(
        replies=[
            Text(
                "You're not paired with a mentor at the moment, so there's no meeting to book "
                "yet. Once you're matched I'll help you arrange meetings. If you have questions, "
                "your project lead can help."
            )
        ]
    )


class BookMeeting:
    """The mentee proposes a meeting: when, how long, how; confirm; sent to the mentor."""

    name: ClassVar[str] = "book_meeting"
    title: ClassVar[str] = "Your meeting booking"
    schema_version: ClassVar[int] = 1
    # Set aside by another request, it is named so and taken up again by "carry on booking".
    kept_words: ClassVar[tuple[str, str]] = ("your booking draft", "carry on booking")

    @staticmethod
    def interruptible(state: dict[str, Any], intent: IntentName) -> bool:
        """Another request is served while a slot or a choice is awaited, not while the agenda
        is typed; words about moving a meeting are a correction of this one."""
        waits = (BookStep.WHEN, BookStep.LENGTH, BookStep.MODE, BookStep.CONFIRM)
        return intent is not IntentName.RESCHEDULE_MEETING and state.get("step") in waits

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        pairing, refusal = _mentee_pairing(ctx)
        if refusal is not None:
            return refusal
        assert pairing is not None
        assert pairing.id is not None
        # A "Book a meeting" button may carry the facts in its value (the minutes journey offers
        # Choice("Book it", "intent:book_meeting", "5 Dec at 3pm")); typed text carries them itself.
        text = msg.text if msg.action is None else str(msg.values.get("value", ""))
        if (problem := _too_long(text, MAX_MESSAGE, "a booking")) is not None:
            example = "*book a meeting next Tuesday 3pm for an hour by video*"
            return Turn(replies=[problem, Text(f"Try something like {example}.")])
        state: dict[str, Any] = {
            "step": BookStep.WHEN.value,
            "pairing_id": pairing.id,
            "at": None,
            "day": None,
            "minutes": None,
            "mode": None,
            "agenda": "",
            "editing": False,
        }
        facts = read_facts(text, ctx, whole=False, agenda="sentence")
        return self._absorb(ctx, state, facts)

    # -- asking -------------------------------------------------------------------------------

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = BookStep(state["step"])
        if step is BookStep.WHEN:
            if state.get("options"):
                return [_options_question(state, ctx, B_OPTION)]
            if state.get("wall"):
                return [Text(f"Which day would you like, at {state['wall']}?")]
            if state.get("day"):
                day = date.fromisoformat(state["day"])
                return [Text(f"What time on {format_day(day, ctx.today)}?")]
            mentor = self._mentor(ctx, state)
            return [
                Text(
                    f"When would you like to meet {_first_name(mentor)}? "
                    "For example *Thursday at 10am*."
                )
            ]
        if step is BookStep.LENGTH:
            return [
                Question(
                    "How long will it be? The scheme suggests at least an hour "
                    "(or type a length, like *45 minutes*).",
                    (
                        Choice("1 hour", B_LENGTH, "60"),
                        Choice("1 hour 30 minutes", B_LENGTH, "90"),
                        Choice("2 hours", B_LENGTH, "120"),
                    ),
                )
            ]
        if step is BookStep.MODE:
            return [Question(self._mode_question(ctx, state), self._mode_choices())]
        if step is BookStep.AGENDA:
            return [
                Question(
                    "What would you like to talk about? Type a line or two "
                    f"({_first_name(self._mentor(ctx, state))} will see it).",
                    (Choice("No agenda", B_NO_AGENDA),),
                )
            ]
        if step is BookStep.GUARD:
            findings = find_patient_data(
                state.get("guard") or "", ctx.settings().hospital_number_pattern
            )
            return guard_question(findings, "a meeting agenda")
        if step is BookStep.SAFETY:
            return safety_check.prompt(state, self._safety_wording(ctx, state))
        return self._confirmation(ctx, state)

    @staticmethod
    def _mentor(ctx: Context, state: dict[str, Any]) -> Person | None:
        pairing = ctx.session.get(Pairing, state["pairing_id"])
        return ctx.session.get(Person, pairing.mentor_id) if pairing is not None else None

    def _mode_question(self, ctx: Context, state: dict[str, Any]) -> str:
        pairing = ctx.session.get(Pairing, state["pairing_id"])
        text = "How will you meet?"
        if pairing is None:
            return text
        ways_of_working = meeting_queries.mentor_ways_of_working(ctx.session, pairing.mentor_id)
        ways = [MODE_TEXT[Mode(w)] for w in ways_of_working if w in Mode._value2member_map_]
        if ways:
            name = _first_name(ctx.session.get(Person, pairing.mentor_id))
            text += f" ({name} prefers to meet {' or '.join(ways)}.)"
        return text

    @staticmethod
    def _mode_choices() -> tuple[Choice, ...]:
        return tuple(Choice(MODE_BUTTON[m], B_MODE, m.value) for m in Mode)

    def _confirmation(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        pairing = ctx.session.get(Pairing, state["pairing_id"])
        at = _load_at(state)
        assert pairing is not None
        assert at is not None
        mentor = _person(ctx, pairing.mentor_id)
        first = _first_name(mentor)
        summary = _summary(
            at, state["minutes"], state["mode"], ctx.tz, _scheme_zone(ctx, pairing), ctx.now
        )
        if state.get("location"):
            summary += f"\n• *Where:* {state['location']}"
        parts: list[Part] = [
            Text(f"Here's the meeting I'll propose to {mentor.display_name}:\n{summary}"),
            *_agenda_part(state.get("agenda") or ""),
        ]
        minimum = _min_minutes(ctx)
        if state.get("length_assumed"):
            parts.append(
                Text(
                    f"I've made it {format_duration(timedelta(minutes=state['minutes']))}, the "
                    "scheme's usual length: say *make it 90 minutes* to change it."
                )
            )
        elif state["minutes"] < minimum:
            parts.append(
                Text(
                    f"A note: the scheme expects meetings of at least "
                    f"{format_duration(timedelta(minutes=minimum))}. A shorter one is fine if "
                    "that's what you both want."
                )
            )
        agenda_label = "Change the agenda" if state.get("agenda") else "Add an agenda"
        question, sending = _send_question(first, state), self._sending(ctx, state, first)
        if len(sending) > 1:  # shorter than the scheme expects: keep it, or make it longer?
            question = (
                f"Shall I keep it at {format_duration(timedelta(minutes=state['minutes']))} and "
                f"send it to {first}, or make it {format_duration(timedelta(minutes=minimum))}?"
            )
        if (during := _during_events(ctx, at, state["minutes"])) is not None:
            parts.append(during)
            question = f"Shall I send it to {first} anyway, or change the time?"
        parts.append(
            Question(
                question,
                (
                    *sending,
                    Choice("Change the time", B_FIELD, "when"),
                    Choice("Change the length", B_FIELD, "length"),
                    Choice("Change how we meet", B_FIELD, "mode"),
                    Choice(agenda_label, B_FIELD, "agenda"),
                ),
            )
        )
        return parts

    @staticmethod
    def _sending(ctx: Context, state: dict[str, Any], first: str) -> tuple[Choice, ...]:
        """Send it; for a meeting shorter than the scheme expects, keep its length or not."""
        minimum = _min_minutes(ctx)
        if state.get("length_assumed") or state["minutes"] >= minimum:
            return (Choice(f"Send to {first}", B_SEND),)
        short = format_duration(timedelta(minutes=state["minutes"]))
        longer = format_duration(timedelta(minutes=minimum))
        return (
            Choice(f"Send to {first}, keep {short}", B_SEND),
            Choice(f"Make it {longer}", B_LENGTH, str(minimum)),
        )

    # -- moving on ----------------------------------------------------------------------------

    def _absorb(
        self, ctx: Context, state: dict[str, Any], facts: Facts, said: list[Part] | None = None
    ) -> Turn:
        """Take what a message said into ``state`` and ask for what is next."""
        replies: list[Part] = list(said or [])
        state = _drop_when(state)
        if facts.at is not None:
            state["at"], state["day"] = facts.at.isoformat(), None
        elif facts.day is not None:
            state["day"], state["at"] = facts.day.isoformat(), None
        if facts.minutes is not None:
            state["minutes"], state["length_assumed"] = facts.minutes, False
        if facts.mode is not None:
            state["mode"] = facts.mode
        if facts.location:
            state["location"] = facts.location
        replies += [Text(note) for note in facts.notes]
        if facts.problems:
            where, question = facts.problems[0]
            state["step"] = BookStep.WHEN.value if where == "when" else BookStep.LENGTH.value
            if where == "when":
                _hold_when(state, facts, question, ctx)
                if state["options"]:
                    return Turn(replies=[*replies, *self.prompt(ctx, state)], state=state)
            return Turn(replies=[*replies, Text(question)], state=state)
        if facts.part and state.get("day") and state.get("at") is None:  # "tmrw after lunch"
            _hold_when(state, facts, "", ctx)
            state["ask"] = f"What time on {format_day(facts.day or ctx.today, ctx.today)}?"
        if facts.agenda is not None:
            turn = self._take_agenda(ctx, state, facts.agenda, replies)
            if turn is not None:
                return turn
            state["agenda"] = facts.agenda
        return self._next(ctx, state, replies)

    def _take_agenda(
        self, ctx: Context, state: dict[str, Any], agenda: str, replies: list[Part]
    ) -> Turn | None:
        """A Turn when the agenda can't be taken as it is (too long, or patient data)."""
        if (problem := _too_long(agenda, MAX_AGENDA, "an agenda")) is not None:
            state["step"] = BookStep.AGENDA.value
            return Turn(replies=[*replies, problem, *self.prompt(ctx, state)], state=state)
        findings = find_patient_data(agenda, ctx.settings().hospital_number_pattern)
        if findings:
            state["step"], state["guard"] = BookStep.GUARD.value, agenda
            return Turn(
                replies=[*replies, *guard_question(findings, "a meeting agenda")], state=state
            )
        return None

    def _next(self, ctx: Context, state: dict[str, Any], replies: list[Part]) -> Turn:
        """Ask for the first missing fact, or check the slot and show the confirmation."""
        state = dict(state)
        if state.get("at") is None:
            state["step"] = BookStep.WHEN.value
        elif state.get("mode") is None:
            state["step"] = BookStep.MODE.value
        else:
            if state.get("minutes") is None:
                # No length said: the scheme's minimum, shown in the confirmation to change.
                state["minutes"], state["length_assumed"] = _min_minutes(ctx), True
            pairing = ctx.session.get(Pairing, state["pairing_id"])
            at = _load_at(state)
            assert pairing is not None
            assert at is not None
            problem = None
            if at <= ctx.now:
                problem = f"{format_when(at, ctx.tz, ctx.now)} has passed now."
            else:
                problem = _clash(ctx, pairing, at, state["minutes"])
            if problem is not None:
                state["step"] = BookStep.WHEN.value
                return Turn(
                    replies=[*replies, Text(f"{problem} What other time would suit?")],
                    state=state,
                )
            state["step"] = BookStep.CONFIRM.value
        return Turn(replies=[*replies, *self.prompt(ctx, state)], state=state)

    # -- answers ------------------------------------------------------------------------------

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = BookStep(state["step"])
        text = msg.text.strip() if msg.action is None else ""
        limit = MAX_AGENDA if step is BookStep.AGENDA else MAX_MESSAGE
        if (problem := _too_long(text, limit, "this")) is not None:
            return Turn(replies=[problem, *self.prompt(ctx, state)], state=state, advanced=False)
        if step is BookStep.GUARD:
            return self._on_guard(ctx, state, msg)
        if step is BookStep.SAFETY:
            return safety_check.step(
                ctx,
                state,
                msg,
                self._safety_wording(ctx, state),
                save=lambda kept: self._send(ctx, kept),
                leave_out=lambda kept, _texts: self._next(
                    ctx,
                    {**kept, "agenda": ""},
                    [Text("I've left that out of the agenda: it's with the project lead.")],
                ),
                pairing_id=int(state["pairing_id"]),
            )
        if step is BookStep.CONFIRM:
            return self._on_confirm(ctx, state, msg, text)
        if not text and msg.action is None:
            return self._again(ctx, state, "I didn't get anything there.")
        if step is BookStep.WHEN:
            if state.get("options"):
                option = _picked_option(state, ctx, msg, text, B_OPTION)
                if option is not None:
                    facts = Facts(at=option.at_utc) if option.has_time else Facts(day=option.day)
                    return self._absorb(ctx, state, facts)
                if msg.action == B_OPTION:
                    return self._again(ctx, state, "Please choose one of these.")
            facts = read_facts(
                _as_time(text),
                ctx,
                base=_load_at(state),
                day=date.fromisoformat(state["day"]) if state.get("day") else None,
                whole=True,
                agenda="marker",
                **_held_facts(state),
            )
            if facts.at is None and facts.day is None and not facts.problems:
                return self._again(ctx, state, "Sorry, I couldn't read a day and time in that.")
            return self._absorb(ctx, state, facts)
        if step is BookStep.LENGTH:
            if msg.action == B_LENGTH:
                chosen = str(msg.values.get("value", ""))
                minutes = int(chosen) if chosen.isdigit() else 0
                if check_meeting_length(timedelta(minutes=minutes)) is not None:
                    return self._again(ctx, state, "Please choose one of these.")
                return self._next(ctx, {**state, "minutes": minutes, "length_assumed": False}, [])
            facts = read_facts(text, ctx, base=_load_at(state), agenda="marker", bare_length=True)
            if facts.minutes is None and not facts.problems:
                return self._again(
                    ctx, state, "Please give a length, like *1 hour* or *90 minutes*."
                )
            return self._absorb(ctx, state, facts)
        if step is BookStep.MODE:
            typed = pick(text, self._mode_choices()) if msg.action is None else None
            mode = msg.values.get("value") if msg.action == B_MODE else _find_mode(text)
            mode = mode or (typed.value if typed else None)  # "2", "vidoe", "in peson pls"
            if mode not in Mode._value2member_map_:
                return self._again(ctx, state, "Please choose one of these.")
            return self._next(ctx, {**state, "mode": mode}, [])
        # BookStep.AGENDA
        if msg.action == B_NO_AGENDA or is_empty(text):
            return self._next(ctx, {**state, "agenda": ""}, [])
        state = dict(state)
        turn = self._take_agenda(ctx, state, text, [])
        return turn or self._next(ctx, {**state, "agenda": text}, [])

    def _again(self, ctx: Context, state: dict[str, Any], why: str) -> Turn:
        return Turn(replies=[Text(why), *self.prompt(ctx, state)], state=state, advanced=False)

    def _on_guard(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        agenda = state.get("guard") or ""
        choice = guard_choice(msg.action, msg.text)
        rest = {k: v for k, v in state.items() if k != "guard"}
        if choice == GUARD_REMOVE:
            findings = find_patient_data(agenda, ctx.settings().hospital_number_pattern)
            cleaned = remove_patient_data(agenda, findings)
            return self._next(ctx, {**rest, "agenda": cleaned}, [Text("Removed.")])
        if choice == GUARD_KEEP:
            return self._next(ctx, {**rest, "agenda": agenda}, [])
        if choice == GUARD_EDIT:
            rest["step"] = BookStep.AGENDA.value
            return Turn(replies=self.prompt(ctx, rest), state=rest)
        return self._again(ctx, state, "Please choose one of these.")

    def _on_confirm(self, ctx: Context, state: dict[str, Any], msg: Incoming, text: str) -> Turn:
        sending = self._sending(ctx, state, _first_name(self._mentor(ctx, state)))
        chosen = pick(text, sending) if len(sending) > 1 and msg.action is None else None
        action = chosen.action if chosen is not None else msg.action
        if action == B_SEND or answer(text, _SEND, yes="send") == "send":
            return self._send(ctx, state)
        if action == B_LENGTH:  # "make it an hour" at a short meeting
            value = chosen.value if chosen is not None else str(msg.values.get("value", ""))
            minutes = int(value) if value.isdigit() else _min_minutes(ctx)
            return self._next(ctx, {**state, "minutes": minutes, "length_assumed": False}, [])
        wanted = msg.values.get("value") if msg.action == B_FIELD else None
        for name, pattern in _FIELD_WORDS.items():
            if wanted is None and pattern.match(text):
                wanted = name
        if wanted in ("when", "length", "mode", "agenda"):
            edit = {**state, "step": wanted}
            return Turn(replies=self.prompt(ctx, edit), state=edit)
        at = _load_at(state)
        change = _yes_but(text)
        facts = read_facts(change or text, ctx, base=at, agenda="marker")
        if len(sending) > 1 and facts.minutes == state["minutes"] and facts.at is None:
            return self._send(ctx, state)  # "leave it at 20 mins": kept as it is
        if facts.found_anything:
            return self._absorb(ctx, {**state, "changed": change is not None}, facts)
        shown = self._confirmation(ctx, state)[-1]
        typed = pick(text, shown.choices) if isinstance(shown, Question) and text else None
        if typed is not None:  # "pick another time", "change how we meet pls"
            pressed = replace(msg, text="", action=typed.action, values={"value": typed.value})
            return self._on_confirm(ctx, state, pressed, "")
        return Turn(
            replies=[
                Text(
                    "Please choose one of these, or tell me what to change "
                    "(for example *change the time to 4pm* or *make it 90 minutes*)."
                ),
                *self._confirmation(ctx, state)[-1:],
            ],
            state=state,
            advanced=False,
        )

    def _safety_wording(self, ctx: Context, state: dict[str, Any]) -> safety_check.Wording:
        mentor = _first_name(self._mentor(ctx, state))
        return safety_check.shared_wording("the agenda", mentor, sent=True)

    def _send(self, ctx: Context, state: dict[str, Any]) -> Turn:
        agenda = [state.get("agenda") or ""]
        wording = self._safety_wording(ctx, state)
        if (asking := safety_check.gate(ctx, state, agenda, wording)) is not None:
            return asking
        pairing = ctx.session.get(Pairing, state["pairing_id"])
        if (
            pairing is None
            or pairing.status != PairingStatus.ACTIVE.value
            or pairing.mentee_id != ctx.person_id
        ):
            return Turn(
                replies=[Text("Your pairing has changed since we started, so nothing was sent.")]
            )
        at = _load_at(state)
        assert at is not None
        assert pairing.id is not None
        blocked = self._next(ctx, state, [])
        if BookStep(blocked.state["step"] if blocked.state else "when") is not BookStep.CONFIRM:
            return blocked
        meeting = Meeting(
            pairing_id=pairing.id,
            starts_at=at,
            duration_minutes=state["minutes"],
            mode=state["mode"],
            location=state.get("location") or "",
            agenda=state.get("agenda") or "",
            status=MeetingStatus.PROPOSED.value,
            proposed_by_id=ctx.person_id,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(meeting)
        ctx.session.flush()
        assert meeting.id is not None
        _audit(ctx, "meeting.proposed", meeting.id)
        mentor = _person(ctx, pairing.mentor_id)
        first = _first_name(mentor)
        out = _proposal(
            ctx, meeting, pairing, mentor, f"{ctx.person.display_name} would like to meet:"
        )
        when = show_when(at, ctx.tz, _scheme_zone(ctx, pairing), ctx.now)
        return Turn(
            replies=[
                Text(
                    f"Sent to {mentor.display_name}: {when}. I'll let you know when {first} "
                    "replies. Type *my meetings* to see your meetings."
                )
            ],
            outgoing=[out],
        )


# -- changing a meeting that exists: answer, reschedule, cancel -------------------------------


def _reason_wording(partner_first: str) -> safety_check.Wording:
    return safety_check.Wording(
        keep="Keep it in my reason only",
        also_ask=f"{partner_first} will see your reason. Shall I keep what you wrote there too?",
        also_keep="Yes, keep it in my reason",
        who_reads=f"{partner_first} will see your reason.",
        not_yet=f"I haven't sent anything to {partner_first} yet.",
    )


class Flow(StrEnum):
    RESCHEDULE = "reschedule"
    SUGGEST = "suggest"
    CANCEL = "cancel"
    DECLINE = "decline"


class ChangeStep(StrEnum):
    PICK = "pick"
    WHEN = "when"
    CONFIRM = "confirm"
    REASON = "reason"
    GUARD = "guard"
    # The reason reads like a concern: send it to the project lead, keep it, or both.
    SAFETY = safety_check.STEP


C_PICK = "dialog:change_meeting:pick"
C_SEND = "dialog:change_meeting:send"
C_WHEN = "dialog:change_meeting:when"
C_NO_REASON = "dialog:change_meeting:no_reason"
C_KEEP = "dialog:change_meeting:keep"
C_OPTION = "dialog:change_meeting:option"
_SPLIT_TO = re.compile(r"\s(?:to|until|till)\s", re.I)
_MEETING_WORD = re.compile(r"\b(?:meeting|call)\b", re.I)
_STATUS_WORDS = {
    MeetingStatus.CONFIRMED.value: "is already confirmed",
    MeetingStatus.DECLINED.value: "was declined",
    MeetingStatus.CANCELLED.value: "was cancelled",
    MeetingStatus.HELD.value: "has already taken place",
    MeetingStatus.MOVED.value: "was moved to another time",
}


@dataclass(frozen=True)
class _Found:
    meeting: Meeting
    pairing: Pairing

    @property
    def id(self) -> int:
        assert self.meeting.id is not None
        return self.meeting.id


def _find(ctx: Context, meeting_id: Any) -> _Found | None:
    try:
        number = int(meeting_id)
    except (TypeError, ValueError):
        return None
    row = meeting_queries.meeting_for(ctx.session, number, ctx.person_id)
    return None if row is None else _Found(*row)


def _answerable(ctx: Context, found: _Found, verb: str) -> str | None:
    """Why ``ctx.person`` can't accept/suggest/decline this proposal now, or None."""
    meeting = found.meeting
    if meeting.status != MeetingStatus.PROPOSED.value:
        word = _STATUS_WORDS.get(meeting.status, f"is {meeting.status}")
        return (
            f"That meeting {word}, so there's nothing to {verb}. Type *my meetings* to see yours."
        )
    if meeting.proposed_by_id == ctx.person_id:
        partner = _first_name(
            ctx.session.get(Person, queries.partner_of(found.pairing, ctx.person_id))
        )
        return f"You proposed this meeting, so {partner} needs to accept it."
    if meeting.starts_at <= ctx.now:
        return "That time has already passed, so it can't be answered now. Type *my meetings* to see yours."
    return None


def _changeable(ctx: Context, found: _Found) -> str | None:
    meeting = found.meeting
    if meeting.status not in meeting_queries.OPEN_STATUSES:
        word = _STATUS_WORDS.get(meeting.status, f"is {meeting.status}")
        return f"That meeting {word}, so it can't be changed. Type *my meetings* to see yours."
    if meeting.starts_at <= ctx.now:
        return "That meeting has already started, so it can't be changed now."
    return None


def _which_and_new(
    text: str, ctx: Context, upcoming: list[tuple[Meeting, Pairing]]
) -> tuple[str, str]:
    """Split "move the meeting on Tuesday to Wednesday 9am" into the part naming the meeting and
    the part giving the new time. Without "to", a day that has a meeting names it."""
    noun = _MEETING_WORD.search(text)
    splits = list(_SPLIT_TO.finditer(text, noun.end() if noun else 0))

    def says_when(part: str) -> bool:
        return find_when(part, ctx.now, ctx.tz, need_time=False) is not None

    # "agreed on the phone to move weds to thurs 2pm": the "to" between a meeting and a time.
    fitting = [
        s
        for s in splits
        if says_when(text[s.end() :]) and (noun is not None or says_when(text[: s.start()]))
    ]
    split = fitting[0] if fitting else (splits[0] if splits else None)
    if split is not None:
        return text[: split.start()], text[split.end() :]
    found = find_when(text, ctx.now, ctx.tz, need_time=False)
    if found is not None and isinstance(found.value, When):
        day = found.value.day
        for meeting, _ in upcoming:
            if meeting.starts_at.astimezone(ctx.tz).date() == day:
                # "start tmrw 30 mins earlier": the day names the meeting, the rest its new time
                moved = find_when(text, ctx.now, ctx.tz, need_time=False, anchor=meeting.starts_at)
                if moved is not None and isinstance(moved.value, When) and moved.value.has_time:
                    return text, text
                # "cant do weds now, can we do fri same time", "make fridays one 90 mins": the
                # rest says what the meeting on that day becomes.
                rest = read_facts(found.rest, ctx, base=meeting.starts_at, agenda="none")
                return text[: found.end], found.rest if rest.found_anything else ""
    return "", text


class ChangeMeeting:
    """Answer a proposal (accept / suggest another time / decline), reschedule or cancel."""

    name: ClassVar[str] = "change_meeting"
    title: ClassVar[str] = "Your meeting change"
    schema_version: ClassVar[int] = 1

    @staticmethod
    def interruptible(state: dict[str, Any], intent: IntentName) -> bool:
        """Another request is served while a meeting, a time or a yes is awaited (a reason
        being typed keeps its text)."""
        return state.get("step") in (ChangeStep.PICK, ChangeStep.WHEN, ChangeStep.CONFIRM)

    # -- starting -----------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if msg.action is not None and msg.action.startswith(f"{ACTION_PREFIX}:"):
            return self._button(ctx, msg.action)
        flow = (
            Flow.CANCEL
            if recognise(msg.text).name is IntentName.CANCEL_MEETING
            else Flow.RESCHEDULE
        )
        text = msg.text.strip() if msg.action is None else ""
        if (problem := _too_long(text, MAX_MESSAGE, "a meeting change")) is not None:
            return Turn(replies=[problem])
        if not queries.active_pairings(ctx.session, ctx.person_id):
            return Turn(
                replies=[
                    Text(
                        "You don't have a mentoring partner at the moment, so there are no "
                        "meetings to change. If you have questions, your project lead can help."
                    )
                ]
            )
        upcoming = meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now)
        if not upcoming:
            verb = "cancel" if flow is Flow.CANCEL else "move"
            hint = " Type *book a meeting* to arrange one." if _is_mentee(ctx) else ""
            return Turn(replies=[Text(f"You have no upcoming meetings to {verb}.{hint}")])
        which, new = (text, "") if flow is Flow.CANCEL else _which_and_new(text, ctx, upcoming)
        first = find_when(text, ctx.now, ctx.tz, need_time=False) if flow is Flow.CANCEL else None
        if first is not None and rebooks(text[first.end :]):
            later = find_when(text[first.end :], ctx.now, ctx.tz, need_time=False)
            if later is not None:  # "cancel thurs and book the 19th at 11 instead": a move
                flow, which, new = Flow.RESCHEDULE, text[: first.end], text[first.end :]
        state: dict[str, Any] = {"flow": flow.value, "step": ChangeStep.PICK.value, "new": new}
        candidates = upcoming
        notes: list[Part] = []
        found = find_when(which, ctx.now, ctx.tz, need_time=False) if which else None
        if found is not None and isinstance(found.value, When):
            day = found.value.day
            on_day = [(m, p) for m, p in upcoming if m.starts_at.astimezone(ctx.tz).date() == day]
            if on_day:
                candidates = on_day
            else:
                notes.append(Text(f"You have no meeting on {format_day(day, ctx.today)}."))
        if len(candidates) == 1 and not notes:
            return self._picked(ctx, state, _Found(*candidates[0]))
        return Turn(replies=[*notes, self._pick_question(ctx, flow, candidates)], state=state)

    def _pick_question(
        self, ctx: Context, flow: Flow, candidates: list[tuple[Meeting, Pairing]]
    ) -> Question:
        verb = "cancel" if flow is Flow.CANCEL else "move"
        choices = tuple(
            Choice(
                f"{format_when(m.starts_at, ctx.tz, ctx.now)} with "
                f"{ctx.name_of(queries.partner_of(p, ctx.person_id))} ({m.status})",
                C_PICK,
                str(m.id),
            )
            for m, p in candidates[:10]
        )
        return Question(f"Which meeting would you like to {verb}?", choices)

    def _button(self, ctx: Context, action: str) -> Turn:
        parts = action.split(":")
        verb = parts[1] if len(parts) == 3 else ""
        found = _find(ctx, parts[2]) if len(parts) == 3 else None
        if found is None or verb not in ("accept", "suggest", "decline"):
            return Turn(replies=[Text(NOT_FOUND)])
        if (why := _answerable(ctx, found, verb)) is not None:
            return Turn(replies=[Text(why)])
        if verb == "accept":
            return self._accept(ctx, found)
        flow = Flow.SUGGEST if verb == "suggest" else Flow.DECLINE
        state = self._with_meeting({"flow": flow.value, "new": ""}, found.meeting)
        state["step"] = (ChangeStep.WHEN if flow is Flow.SUGGEST else ChangeStep.REASON).value
        return Turn(replies=self.prompt(ctx, state), state=state)

    @staticmethod
    def _with_meeting(state: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
        return {
            **state,
            "meeting_id": meeting.id,
            "at": meeting.starts_at.astimezone(UTC).isoformat(),
            "minutes": meeting.duration_minutes,
            "mode": meeting.mode,
        }

    def _picked(self, ctx: Context, state: dict[str, Any], found: _Found) -> Turn:
        if (why := _changeable(ctx, found)) is not None:
            return Turn(replies=[Text(why)])
        state = self._with_meeting(state, found.meeting)
        if Flow(state["flow"]) is Flow.CANCEL:
            state["step"] = ChangeStep.REASON.value
            return Turn(replies=self.prompt(ctx, state), state=state)
        new = state.pop("new", "")
        state["step"] = ChangeStep.WHEN.value
        if new:
            facts = read_facts(
                _as_time(new), ctx, base=found.meeting.starts_at, whole=True, agenda="none"
            )
            if facts.found_anything:
                return self._absorb(ctx, state, facts, found)
        return Turn(replies=self.prompt(ctx, state), state=state)

    # -- asking -------------------------------------------------------------------------------

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = ChangeStep(state["step"])
        flow = Flow(state["flow"])
        if step is ChangeStep.PICK:
            upcoming = meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now)
            if not upcoming:
                return [Text("You have no upcoming meetings now. Type *cancel* to stop.")]
            return [self._pick_question(ctx, flow, upcoming)]
        found = _find(ctx, state.get("meeting_id"))
        if found is None:
            return [Text(NOT_FOUND)]
        partner = _person(ctx, queries.partner_of(found.pairing, ctx.person_id))
        first = _first_name(partner)
        scheme_zone = _scheme_zone(ctx, found.pairing)
        current = show_when(found.meeting.starts_at, ctx.tz, scheme_zone, ctx.now)
        if step is ChangeStep.WHEN and state.get("options"):
            return [_options_question(state, ctx, C_OPTION)]
        if step is ChangeStep.WHEN:
            if flow is Flow.SUGGEST:
                return [
                    Text(
                        f"{first} proposed {current}. What time would suit you instead? "
                        f"For example *Thursday at 10am*. I'll send it to {first} to accept."
                    )
                ]
            return [
                Text(
                    f"Your meeting with {partner.display_name} is on {current}. What new time "
                    f"would suit? For example *Thursday at 10am*. {first} will be asked to "
                    "accept it."
                )
            ]
        if step is ChangeStep.CONFIRM:
            at = _load_at(state)
            assert at is not None
            summary = _summary(at, state["minutes"], state["mode"], ctx.tz, scheme_zone, ctx.now)
            if state.get("location"):
                summary += f"\n• *Where:* {state['location']}"
            lead = (
                f"I'll suggest this to {partner.display_name} instead of {current}:"
                if flow is Flow.SUGGEST
                else f"I'll ask {partner.display_name} to move your meeting from {current} to:"
            )
            during = _during_events(ctx, at, state["minutes"])
            return [
                Text(f"{lead}\n{summary}"),
                *([during] if during is not None else []),
                Question(
                    _send_question(first, state)
                    if during is None
                    else f"Shall I send it to {first} anyway, or change the time?",
                    (Choice(f"Send to {first}", C_SEND), Choice("Change the time", C_WHEN)),
                ),
            ]
        if step is ChangeStep.GUARD:
            findings = find_patient_data(
                state.get("guard") or "", ctx.settings().hospital_number_pattern
            )
            return guard_question(findings, "a message about a meeting")
        if step is ChangeStep.SAFETY:
            return safety_check.prompt(state, _reason_wording(first))
        # ChangeStep.REASON
        if flow is Flow.DECLINE:
            return [
                Question(
                    f"You're declining {first}'s proposal for {current}. Would you like to tell "
                    f"{first} why? Type a reason (optional), or choose:",
                    (
                        Choice("Decline without a reason", C_NO_REASON),
                        Choice("Don't decline", C_KEEP),
                    ),
                )
            ]
        return [
            Question(
                f"Shall I cancel your meeting with {partner.display_name} on {current}? "
                f"{first} will be told. You can type a reason for {first} (optional), or choose:",
                (Choice("Cancel it, no reason", C_NO_REASON), Choice("Keep the meeting", C_KEEP)),
            )
        ]

    # -- answers ------------------------------------------------------------------------------

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = ChangeStep(state["step"])
        text = msg.text.strip() if msg.action is None else ""
        limit = MAX_REASON if step is ChangeStep.REASON else MAX_MESSAGE
        if (problem := _too_long(text, limit, "this")) is not None:
            return Turn(replies=[problem, *self.prompt(ctx, state)], state=state, advanced=False)
        if step is ChangeStep.PICK:
            return self._on_pick(ctx, state, msg, text)
        found = _find(ctx, state.get("meeting_id"))
        if found is None:
            return Turn(replies=[Text(NOT_FOUND)])
        if step is ChangeStep.GUARD:
            return self._on_guard(ctx, state, msg, found)
        if step is ChangeStep.SAFETY:
            partner = _person(ctx, queries.partner_of(found.pairing, ctx.person_id))
            return safety_check.step(
                ctx,
                state,
                msg,
                _reason_wording(_first_name(partner)),
                save=lambda kept: self._finish(ctx, kept, found, kept["reason"]),
                leave_out=lambda kept, _texts: safety_check.with_note(
                    "I've left your reason out: it's with the project lead.",
                    self._finish(ctx, kept, found, ""),
                ),
                pairing_id=found.pairing.id,
            )
        if step is ChangeStep.REASON:
            return self._on_reason(ctx, state, msg, text, found)
        if step is ChangeStep.CONFIRM:
            if msg.action == C_SEND or answer(text, _SEND, yes="send") == "send":
                return self._send(ctx, state, found)
            if msg.action == C_WHEN or _FIELD_WORDS["when"].match(text):
                edit = {**state, "step": ChangeStep.WHEN.value}
                return Turn(replies=self.prompt(ctx, edit), state=edit)
        if step is ChangeStep.WHEN and state.get("options"):
            option = _picked_option(state, ctx, msg, text, C_OPTION)
            if option is not None and option.has_time:
                return self._absorb(ctx, state, Facts(at=option.at_utc), found)
            if msg.action == C_OPTION:
                return self._again(ctx, state, "Please choose one of these.")
        if not text:
            return self._again(ctx, state, "I didn't get anything there.")
        change = _yes_but(text) if step is ChangeStep.CONFIRM else None
        said = _as_time(text) if step is ChangeStep.WHEN else change or text
        facts = read_facts(said, ctx, base=_load_at(state), whole=True, agenda="none")
        state = {**state, "changed": change is not None}
        if not facts.found_anything:
            why = (
                "Please choose one of these, or tell me the new time."
                if step is ChangeStep.CONFIRM
                else "Sorry, I couldn't read a day and time in that."
            )
            return self._again(ctx, state, why)
        return self._absorb(ctx, state, facts, found)

    def _again(self, ctx: Context, state: dict[str, Any], why: str) -> Turn:
        return Turn(replies=[Text(why), *self.prompt(ctx, state)], state=state, advanced=False)

    def _on_pick(self, ctx: Context, state: dict[str, Any], msg: Incoming, text: str) -> Turn:
        found: _Found | None = None
        upcoming = meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now)
        typed = pick(text, self._pick_question(ctx, Flow(state["flow"]), upcoming).choices)
        if msg.action == C_PICK or typed is not None:  # "2", "the friday one", "thurs pls"
            found = _find(ctx, msg.values.get("value") if typed is None else typed.value)
        elif text:
            when = find_when(text, ctx.now, ctx.tz, need_time=False)
            if when is not None and isinstance(when.value, When):
                day = when.value.day
                on_day = [
                    (m, p)
                    for m, p in meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now)
                    if m.starts_at.astimezone(ctx.tz).date() == day
                ]
                if len(on_day) == 1:
                    found = _Found(*on_day[0])
        if found is None:
            return self._again(ctx, state, "Please choose one of these meetings.")
        return self._picked(ctx, dict(state), found)

    def _absorb(self, ctx: Context, state: dict[str, Any], facts: Facts, found: _Found) -> Turn:
        state = _drop_when(state)
        replies: list[Part] = [Text(note) for note in facts.notes]
        if facts.problems:
            state["step"] = ChangeStep.WHEN.value
            _hold_when(state, facts, facts.problems[0][1], ctx)
            if state["options"]:
                return Turn(replies=[*replies, *self.prompt(ctx, state)], state=state)
            return Turn(replies=[*replies, Text(facts.problems[0][1])], state=state)
        if facts.at is not None:
            state["at"] = facts.at.isoformat()
        if facts.minutes is not None:
            state["minutes"] = facts.minutes
        if facts.mode is not None:
            state["mode"] = facts.mode
        if facts.location:
            state["location"] = facts.location
        at = _load_at(state)
        assert at is not None
        meeting = found.meeting
        unchanged = (at, state["minutes"], state["mode"]) == (
            meeting.starts_at,
            meeting.duration_minutes,
            meeting.mode,
        )
        problem: str | None = None
        if unchanged:
            problem = "That's what it's already booked for."
        elif at <= ctx.now:
            problem = f"{format_when(at, ctx.tz, ctx.now)} has passed."
        else:
            problem = _clash(
                ctx, found.pairing, at, state["minutes"], exclude=_same_slot(ctx, found.meeting)
            )
        if problem is not None:
            state["step"] = ChangeStep.WHEN.value
            return Turn(
                replies=[*replies, Text(f"{problem} What other time would suit?")], state=state
            )
        state["step"] = ChangeStep.CONFIRM.value
        return Turn(replies=[*replies, *self.prompt(ctx, state)], state=state)

    def _on_reason(
        self, ctx: Context, state: dict[str, Any], msg: Incoming, text: str, found: _Found
    ) -> Turn:
        said = answer(text, _REASON, yes="no_reason", no="keep", whole=True)
        if msg.action == C_KEEP or said == "keep":
            return Turn(replies=[Text("OK, I've left the meeting as it is.")])
        if msg.action == C_NO_REASON or said == "no_reason":
            return self._finish(ctx, state, found, "")
        if not text:
            return self._again(ctx, state, "I didn't get anything there.")
        findings = find_patient_data(text, ctx.settings().hospital_number_pattern)
        if findings:
            guarded = {**state, "step": ChangeStep.GUARD.value, "guard": text}
            return Turn(
                replies=guard_question(findings, "a message about a meeting"), state=guarded
            )
        return self._finish(ctx, state, found, text)

    def _on_guard(self, ctx: Context, state: dict[str, Any], msg: Incoming, found: _Found) -> Turn:
        reason = state.get("guard") or ""
        choice = guard_choice(msg.action, msg.text)
        if choice == GUARD_REMOVE:
            findings = find_patient_data(reason, ctx.settings().hospital_number_pattern)
            return self._finish(ctx, state, found, remove_patient_data(reason, findings))
        if choice == GUARD_KEEP:
            return self._finish(ctx, state, found, reason)
        if choice == GUARD_EDIT:
            edit = {k: v for k, v in state.items() if k != "guard"}
            edit["step"] = ChangeStep.REASON.value
            return Turn(replies=self.prompt(ctx, edit), state=edit)
        return self._again(ctx, state, "Please choose one of these.")

    # -- doing --------------------------------------------------------------------------------

    def _accept(self, ctx: Context, found: _Found) -> Turn:
        meeting, pairing = found.meeting, found.pairing
        clash = _clash(
            ctx,
            pairing,
            meeting.starts_at,
            meeting.duration_minutes,
            exclude=_same_slot(ctx, meeting),
        )
        if clash is not None:
            return Turn(
                replies=[
                    Text(f"{clash} You could suggest another time instead."),
                    Question(
                        "What would you like to do?",
                        (
                            Choice("Suggest another time", f"{ACTION_PREFIX}:suggest:{found.id}"),
                            Choice("Decline", f"{ACTION_PREFIX}:decline:{found.id}"),
                        ),
                    ),
                ]
            )
        proposer = _person(ctx, meeting.proposed_by_id)
        scheme_zone = _scheme_zone(ctx, pairing)
        # A move: the meeting it replaces gives way now, with its calendar cancellation.
        original = self._replaced(ctx, meeting)
        cancel_file: Attachment | None = None
        moved_from: tuple[str, str] | None = None
        if original is not None:
            assert original.id is not None
            cancel_file = _invite(ctx, original, pairing, "CANCEL")
            moved_from = (
                show_when(original.starts_at, ctx.tz, scheme_zone, ctx.now),
                show_when(original.starts_at, ZoneInfo(proposer.time_zone), scheme_zone, ctx.now),
            )
            original.status = MeetingStatus.MOVED.value
            original.updated_at = ctx.now
            ctx.session.add(original)
            _audit(ctx, "meeting.moved", original.id, to=found.id)
        meeting.status = MeetingStatus.CONFIRMED.value
        meeting.updated_at = ctx.now
        ctx.session.add(meeting)
        _audit(ctx, "meeting.accepted", found.id)
        invite = _invite(ctx, meeting, pairing, "REQUEST")
        assert invite is not None
        length = f"{format_duration(timedelta(minutes=meeting.duration_minutes))}, {_mode_text(meeting.mode)}"
        mine = show_when(meeting.starts_at, ctx.tz, scheme_zone, ctx.now)
        theirs = show_when(meeting.starts_at, ZoneInfo(proposer.time_zone), scheme_zone, ctx.now)
        calendar = "The calendar invite is attached: add it to your calendar."
        files: list[Part] = [invite]
        mine_moved = theirs_moved = ""
        if moved_from is not None:
            mine_moved, theirs_moved = (f" (moved from {when})" for when in moved_from)
            if cancel_file is not None:
                calendar = (
                    "The new calendar invite is attached, with the cancellation of the old one."
                )
                files = [cancel_file, invite]
        assert proposer.id is not None
        return Turn(
            replies=[
                Text(
                    f"Confirmed: your meeting with {proposer.display_name} on {mine}{mine_moved} "
                    f"({length}). {_first_name(proposer)} has been told. {calendar}"
                ),
                *files,
            ],
            outgoing=[
                Outgoing(
                    parts=(
                        Text(
                            f"{ctx.person.display_name} accepted: your meeting on {theirs}"
                            f"{theirs_moved} is confirmed ({length}). {calendar}"
                        ),
                        *files,
                    ),
                    recipient_id=proposer.id,
                    kind="meeting",
                )
            ],
        )

    @staticmethod
    def _replaced(ctx: Context, meeting: Meeting) -> Meeting | None:
        """The confirmed meeting a proposed move replaces, while it is still ahead."""
        if meeting.replaces_id is None:
            return None
        original = ctx.session.get(Meeting, meeting.replaces_id)
        if (
            original is None
            or original.pairing_id != meeting.pairing_id
            or original.status != MeetingStatus.CONFIRMED.value
            or original.starts_at <= ctx.now
        ):
            return None
        return original

    def _send(self, ctx: Context, state: dict[str, Any], found: _Found) -> Turn:
        flow = Flow(state["flow"])
        why = _answerable(ctx, found, "answer") if flow is Flow.SUGGEST else _changeable(ctx, found)
        if why is not None:
            return Turn(replies=[Text(why)])
        at = _load_at(state)
        assert at is not None
        recheck = self._absorb(ctx, {**state, "step": ChangeStep.WHEN.value}, Facts(), found)
        if recheck.state is None or recheck.state["step"] != ChangeStep.CONFIRM.value:
            return recheck
        meeting, pairing = found.meeting, found.pairing
        partner = _person(ctx, queries.partner_of(pairing, ctx.person_id))
        scheme_zone = _scheme_zone(ctx, pairing)
        old_for_partner = show_when(
            meeting.starts_at, ZoneInfo(partner.time_zone), scheme_zone, ctx.now
        )
        was_confirmed = meeting.status == MeetingStatus.CONFIRMED.value
        original = meeting if was_confirmed else self._replaced(ctx, meeting)
        if was_confirmed:
            # Moving a confirmed meeting never loses it: the move is a new proposal that
            # replaces it only once accepted (an earlier move not yet answered gives way).
            assert meeting.id is not None
            moves = meeting_queries.pending_moves(ctx.session, meeting.id)
            for older in moves[1:]:
                older.status = MeetingStatus.CANCELLED.value
                older.updated_at = ctx.now
                ctx.session.add(older)
            meeting = (
                moves[0]
                if moves
                else Meeting(
                    pairing_id=pairing.id or 0,
                    starts_at=at,
                    duration_minutes=state["minutes"],
                    agenda=meeting.agenda,
                    location=meeting.location,
                    proposed_by_id=ctx.person_id,
                    replaces_id=meeting.id,
                    created_at=ctx.now,
                    updated_at=ctx.now,
                )
            )
        meeting.starts_at = at
        meeting.duration_minutes = state["minutes"]
        meeting.mode = state["mode"]
        meeting.location = state.get("location") or meeting.location
        meeting.status = MeetingStatus.PROPOSED.value
        meeting.proposed_by_id = ctx.person_id
        meeting.decline_reason = None
        meeting.updated_at = ctx.now
        ctx.session.add(meeting)
        ctx.session.flush()
        assert meeting.id is not None
        _audit(ctx, f"meeting.{flow.value}", meeting.id, starts_at=at.isoformat())
        me = ctx.person.display_name
        if original is not None:
            old_for_partner = show_when(
                original.starts_at, ZoneInfo(partner.time_zone), scheme_zone, ctx.now
            )
        headline = (
            f"{me} suggests another time for your meeting:"
            if flow is Flow.SUGGEST and original is None
            else f"{me} would like to move your meeting on {old_for_partner} to:"
        )
        if original is not None:
            headline += "\n(Until you accept, your meeting stays as it is.)"
        first = _first_name(partner)
        note = ""
        if original is not None:
            kept = show_when(original.starts_at, ctx.tz, scheme_zone, ctx.now)
            note = f" Until {first} accepts, your meeting on {kept} stays as it is."
        when = show_when(at, ctx.tz, scheme_zone, ctx.now)
        return Turn(
            replies=[
                Text(
                    f"Sent to {partner.display_name}: {when}. I'll let you know when {first} "
                    f"replies.{note}"
                )
            ],
            outgoing=[_proposal(ctx, meeting, pairing, partner, headline)],
        )

    def _finish(self, ctx: Context, state: dict[str, Any], found: _Found, reason: str) -> Turn:
        """Decline or cancel, with an optional reason, telling the other person."""
        partner_first = _first_name(_person(ctx, queries.partner_of(found.pairing, ctx.person_id)))
        held = {**state, "reason": reason}
        wording = _reason_wording(partner_first)
        if (asking := safety_check.gate(ctx, held, [reason], wording)) is not None:
            return asking
        flow = Flow(state["flow"])
        why = (
            _answerable(ctx, found, "decline") if flow is Flow.DECLINE else _changeable(ctx, found)
        )
        if why is not None:
            return Turn(replies=[Text(why)])
        meeting, pairing = found.meeting, found.pairing
        partner = _person(ctx, queries.partner_of(pairing, ctx.person_id))
        first = _first_name(partner)
        scheme_zone = _scheme_zone(ctx, pairing)
        mine = show_when(meeting.starts_at, ctx.tz, scheme_zone, ctx.now)
        theirs = show_when(meeting.starts_at, ZoneInfo(partner.time_zone), scheme_zone, ctx.now)
        # A declined (or withdrawn) move leaves the meeting it would replace as it was: no
        # calendar cancellation goes out, since no invite was ever sent for the move.
        original = self._replaced(ctx, meeting)
        cancel_file = _invite(ctx, meeting, pairing, "CANCEL")
        meeting.status = (
            MeetingStatus.DECLINED if flow is Flow.DECLINE else MeetingStatus.CANCELLED
        ).value
        meeting.decline_reason = reason or None
        meeting.updated_at = ctx.now
        ctx.session.add(meeting)
        _audit(ctx, f"meeting.{flow.value}d", found.id)
        for move in meeting_queries.pending_moves(ctx.session, found.id):
            move.status = MeetingStatus.CANCELLED.value  # a cancelled meeting is not moved
            move.updated_at = ctx.now
            ctx.session.add(move)
        me = ctx.person.display_name
        i_am_mentee = pairing.mentee_id == ctx.person_id
        if original is not None:
            kept_mine = show_when(original.starts_at, ctx.tz, scheme_zone, ctx.now)
            kept_theirs = show_when(
                original.starts_at, ZoneInfo(partner.time_zone), scheme_zone, ctx.now
            )
            verb = "declined moving" if flow is Flow.DECLINE else "withdrew the move of"
            told = (
                f"{me} {verb} your meeting to {theirs}. Your meeting on {kept_theirs} stays "
                "as it is."
            )
            done = (
                f"{'Declined' if flow is Flow.DECLINE else 'Withdrawn'}: the move to {mine}. "
                f"Your meeting with {partner.display_name} on {kept_mine} stays as it is. "
                f"{first} has been told."
            )
            because = (Text(f"*Reason:* {reason}", private=True),) if reason else ()
            assert partner.id is not None
            return Turn(
                replies=[Text(done)],
                outgoing=[
                    Outgoing(parts=(Text(told), *because), recipient_id=partner.id, kind="meeting")
                ],
            )
        if flow is Flow.DECLINE:
            told = f"{me} declined the meeting on {theirs}."
            done = f"Declined: the meeting on {mine}. {first} has been told."
        else:
            told = f"{me} has cancelled your meeting on {theirs}."
            done = f"Cancelled: your meeting with {partner.display_name} on {mine}. {first} has been told."
        theirs_parts: list[Part] = [Text(told)]
        if reason:
            theirs_parts.append(Text(f"*Reason:* {reason}", private=True))
        if cancel_file is not None:
            theirs_parts += [Text("Here's the calendar cancellation."), cancel_file]
        if i_am_mentee:
            theirs_parts.append(
                Text(
                    f"{_first_name(ctx.person)} arranges your meetings and will be in touch about another time."
                )
            )
        else:
            theirs_parts.append(_book_again())
        my_parts: list[Part] = [Text(done)]
        if cancel_file is not None:
            my_parts += [Text("Here's the calendar cancellation."), cancel_file]
        if i_am_mentee:
            my_parts.append(_book_again())
        assert partner.id is not None
        return Turn(
            replies=my_parts,
            outgoing=[Outgoing(parts=tuple(theirs_parts), recipient_id=partner.id, kind="meeting")],
        )


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
        original = ChangeMeeting._replaced(ctx, meeting)
        if original is not None and meeting.status == MeetingStatus.PROPOSED.value:
            status = status.replace(
                "proposed",
                f"proposed move of your {format_when(original.starts_at, ctx.tz, ctx.now)} meeting",
                1,
            )
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
        question = _answer_buttons(meeting.id)
        replies.append(
            Question(
                f"{first} proposed {format_when(meeting.starts_at, ctx.tz, ctx.now)}. Does that suit you?",
                question.choices,
            )
        )
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
        return Turn(
            replies=[
                Text(
                    "I couldn't find a meeting of yours starting soon, so I haven't told anyone. "
                    "Type *my meetings* to see your meetings."
                )
            ]
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
    return Turn(
        replies=[
            Text(
                f"I've told {partner.display_name} you're running {by}late. Your meeting is "
                "unchanged."
            )
        ],
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
