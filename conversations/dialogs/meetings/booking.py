"""Booking: the mentee proposes a meeting; see the package's docstring. A kit ``Form`` (its
confirmation, change of a part, guard and safety check); here a "when" is read with what is held
(a day still without its time, readings to choose from), and the proposal is sent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from pydantic import Field

from conversations.dates import format_day, format_duration
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Turn, say
from conversations.dialogs.kit import CONFIRM, Form, FormField, FormState, Read, yes_but
from conversations.dialogs.meetings.common import (
    MAX_MESSAGE,
    MODE_TEXT,
    Mode,
    _agenda_part,
    _during_events,
    _first_name,
    _hold_when,
    _options_question,
    _picked_option,
    _scheme_zone,
    _send_question,
    _summary,
    _too_long,
    new_meeting,
    send_proposal,
    slot_taken,
)
from conversations.intents import IntentName
from conversations.language.choices import pick
from conversations.language.meeting_facts import Facts, as_time, read_facts
from conversations.language.meetings import find_mode
from conversations.language.vocabulary import leading
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import meeting_queries, queries
from storage.models import Pairing, PairingStatus, Person

MAX_AGENDA = 1000
MODES = (
    (Mode.IN_PERSON.value, "In person"),
    (Mode.VIDEO.value, "Video"),
    (Mode.PHONE.value, "Phone"),
)
LENGTHS = (("60", "1 hour"), ("90", "1 hour 30 minutes"), ("120", "2 hours"))
OPTION = "dialog:book_meeting:option"
LONGER = "dialog:book_meeting:longer"
CHOOSE = "Please choose one of these."
WAITS = ("when", "length", "mode", CONFIRM)


class BookState(FormState):
    """The booking so far: ``values`` holds when (ISO), mode, length (minutes) and agenda."""

    pairing_id: int
    mentor: str  # the mentor's first name
    # A "when" half answered: a day still without its time, and what a "when" question holds
    # (``common._hold_when``: readings to choose from, the question, a part of the day, a time).
    day: str | None = None
    held: dict[str, Any] = Field(default_factory=dict)
    location: str | None = None
    assumed: bool = True  # the length is the scheme's usual one, not said
    changed: bool = False  # the confirmation follows a yes with a change


def _mentee_pairing(ctx: Context) -> Pairing | Turn:
    """The pairing in which the person is the mentee, or a kind refusal."""
    pairings = queries.active_pairings(ctx.session, ctx.person_id)
    for pairing in pairings:
        if pairing.mentee_id == ctx.person_id:
            return pairing
    why = (
        "You're not paired with a mentor at the moment, so there's no meeting to book yet. "
        "Once you're matched I'll help you arrange meetings. If you have questions, your "
        "project lead can help."
    )
    if pairings:
        names = " and ".join(ctx.name_of(p.mentee_id) for p in pairings)
        first = _first_name(ctx.session.get(Person, pairings[0].mentee_id))
        why = (
            f"In this scheme the mentee arranges the meetings, so {names} will book them with "
            f"you. If a time suits you, suggest it to {first} and they can book it here. When a "
            "meeting is booked you'll get it to accept, suggest another time or decline, and you "
            "can reschedule or cancel it too."
        )
    return say(why)


def _usual(ctx: Context) -> int:
    """The scheme's usual (and least expected) length of a meeting, in minutes."""
    return ctx.settings().meetings.min_minutes


def _duration(minutes: int) -> str:
    return format_duration(timedelta(minutes=minutes))


def _at(state: BookState) -> datetime | None:
    when = state.values.get("when")
    return datetime.fromisoformat(when) if when else None


class BookMeeting(Form[BookState]):
    """The mentee proposes a meeting: when, how, how long; confirm; sent to the mentor."""

    name: ClassVar[str] = "book_meeting"
    title: ClassVar[str] = "Your meeting booking"
    schema_version: ClassVar[int] = 2
    State = BookState
    # Set aside by another request, it is named so and taken up again by "carry on booking".
    kept_words: ClassVar[tuple[str, str]] = ("your booking draft", "carry on booking")
    fields: ClassVar[tuple[FormField, ...]] = (
        FormField("when", "The time", "When?", guarded=False, max_length=MAX_MESSAGE),
        FormField(
            "mode",
            "How we meet",
            "How will you meet?",
            guarded=False,
            choices=MODES,
            reader=lambda _ctx, msg: Read(find_mode(msg.text), CHOOSE),
            problem=CHOOSE,
            words=("how", "mode", "way"),
        ),
        FormField(
            "length",
            "The length",
            "How long will it be? The scheme suggests at least an hour "
            "(or type a length, like *45 minutes*).",
            guarded=False,
            choices=LENGTHS,
            words=("how long", "duration"),
        ),
        FormField("agenda", "The agenda", "", optional=True, max_length=MAX_AGENDA),
    )
    guard_where = "a meeting agenda"
    check_on_answer = True  # the agenda is checked as it is given, wherever it is typed

    @staticmethod
    def interruptible(state: dict[str, Any], intent: IntentName) -> bool:
        """Another request is served while a slot or a choice is awaited, not while the agenda
        is typed; words about moving a meeting are a correction of this one."""
        return intent is not IntentName.RESCHEDULE_MEETING and state.get("step") in WAITS

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if isinstance(pairing := _mentee_pairing(ctx), Turn):
            return pairing  # a kind refusal: the person is no one's mentee
        assert pairing.id is not None
        # A "Book a meeting" button may carry the facts in its value (the minutes journey offers
        # Choice("Book it", "intent:book_meeting", "5 Dec at 3pm")); typed text carries them itself.
        text = msg.text if msg.action is None else str(msg.values.get("value", ""))
        if (problem := _too_long(text, MAX_MESSAGE, "a booking")) is not None:
            example = "*book a meeting next Tuesday 3pm for an hour by video*"
            return Turn(replies=[problem, Text(f"Try something like {example}.")])
        mentor = _first_name(ctx.session.get(Person, pairing.mentor_id))
        state = BookState(step="when", pairing_id=pairing.id, mentor=mentor)
        state.values = {"length": _usual(ctx), "agenda": ""}
        return self._absorb(ctx, state, read_facts(text, ctx, whole=False, agenda="sentence"))

    # -- asking -------------------------------------------------------------------------------

    def ask_field(self, ctx: Context, state: BookState, field: FormField) -> list[Part]:
        if field.name == "when":
            if state.held.get("options"):
                return [_options_question(state.held, ctx, OPTION)]
            if state.held.get("wall"):
                return [Text(f"Which day would you like, at {state.held['wall']}?")]
            if state.day:
                return [
                    Text(f"What time on {format_day(date.fromisoformat(state.day), ctx.today)}?")
                ]
            example = "For example *Thursday at 10am*."
            return [Text(f"When would you like to meet {state.mentor}? {example}")]
        if field.name == "mode":
            pairing = ctx.session.get(Pairing, state.pairing_id)
            mentor = pairing.mentor_id if pairing is not None else 0
            ways = meeting_queries.mentor_ways_of_working(ctx.session, mentor)
            said = " or ".join(MODE_TEXT[Mode(w)] for w in ways if w in Mode._value2member_map_)
            prefers = f" ({state.mentor} prefers to meet {said}.)" if said else ""
            buttons = tuple(Choice(label, "kit:mode", value) for value, label in MODES)
            return [Question(f"How will you meet?{prefers}", buttons)]
        if field.name == "agenda":
            sees = f"({state.mentor} will see it)"
            asked = f"What would you like to talk about? Type a line or two {sees}."
            return [Question(asked, (Choice("No agenda", "kit:agenda", ""),))]
        return super().ask_field(ctx, state, field)

    def summary(self, ctx: Context, state: BookState) -> list[Part]:
        pairing = ctx.session.get(Pairing, state.pairing_id)
        at, minutes = _at(state), int(state.values["length"])
        assert pairing is not None
        assert at is not None
        mentor = ctx.name_of(pairing.mentor_id)
        zone = _scheme_zone(ctx, pairing)
        summary = _summary(at, minutes, state.values["mode"], ctx.tz, zone, ctx.now, state.location)
        parts: list[Part] = [
            Text(f"Here's the meeting I'll propose to {mentor}:\n{summary}"),
            *_agenda_part(state.values.get("agenda") or ""),
        ]
        shorter = "A shorter one is fine if that's what you both want."
        if state.assumed:
            said = "the scheme's usual length: say *make it 90 minutes* to change it."
            parts.append(Text(f"I've made it {_duration(minutes)}, {said}"))
        elif minutes < _usual(ctx):
            expects = f"the scheme expects meetings of at least {_duration(_usual(ctx))}"
            parts.append(Text(f"A note: {expects}. {shorter}"))
        if (during := _during_events(ctx, at, minutes)) is not None:
            parts.append(during)
        return parts

    def question(self, ctx: Context, state: BookState) -> str:
        at, minutes, first = _at(state), int(state.values["length"]), state.mentor
        assert at is not None
        if self._short(ctx, state) and _during_events(ctx, at, minutes) is None:
            keep = f"Shall I keep it at {_duration(minutes)} and send it to {first}"
            return f"{keep}, or make it {_duration(_usual(ctx))}?"
        return _send_question(ctx, first, at, minutes, state.changed)

    def confirm_choices(self, ctx: Context, state: BookState) -> tuple[Choice, ...]:
        """Send it (for a short meeting: keep its length, or make it the scheme's usual one),
        or change one part."""
        sending: tuple[Choice, ...] = (Choice(f"Send to {state.mentor}", self.SAVE),)
        if self._short(ctx, state):
            short, minimum = _duration(state.values["length"]), _usual(ctx)
            sending = (
                Choice(f"Send to {state.mentor}, keep {short}", self.SAVE),
                Choice(f"Make it {_duration(minimum)}", LONGER, str(minimum)),
            )
        agenda = "Change the agenda" if state.values.get("agenda") else "Add an agenda"
        return (
            *sending,
            Choice("Change the time", self.PART, "when"),
            Choice("Change the length", self.PART, "length"),
            Choice("Change how we meet", self.PART, "mode"),
            Choice(agenda, self.PART, "agenda"),
        )

    @staticmethod
    def _short(ctx: Context, state: BookState) -> bool:
        return not state.assumed and state.values["length"] < _usual(ctx)

    # -- reading ------------------------------------------------------------------------------

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        if state.step != "when":
            return super().step(ctx, raw, msg)
        field, text = self.field("when"), msg.text.strip() if msg.action is None else ""
        if msg.action is None and (problem := field.read(ctx, msg).problem):
            return self._again(ctx, state, field, problem)  # nothing, or too long
        if state.held.get("options"):
            option = _picked_option(state.held, ctx, msg, text, OPTION)
            if option is not None:
                facts = Facts(at=option.at_utc) if option.has_time else Facts(day=option.day)
                return self._absorb(ctx, state, facts)
            if msg.action == OPTION or (leading(text) and not read_facts(text, ctx).found_anything):
                # A bare "yes" to "Which Thursday: A or B?" says neither.
                return self._again(ctx, state, field, CHOOSE)
        wall = state.held.get("wall")
        facts = read_facts(
            as_time(text),
            ctx,
            base=_at(state),
            day=date.fromisoformat(state.day) if state.day else None,
            whole=True,
            agenda="marker",
            part=state.held.get("part"),
            wall=time.fromisoformat(wall) if wall else None,
        )
        if facts.at is None and facts.day is None and not facts.problems:
            return self._again(ctx, state, field, "Sorry, I couldn't read a day and time in that.")
        return self._absorb(ctx, state, facts)

    def read_field(self, ctx: Context, state: BookState, field: FormField, msg: Incoming) -> Read:
        text = msg.text.strip()
        if field.name == "when":  # "change the time to 4pm": on the meeting's day
            facts = read_facts(as_time(text), ctx, base=_at(state), whole=True)
            if facts.at is None:
                return Read(problem=facts.problems[0][1] if facts.problems else None)
            taken = self._taken(ctx, state, facts.at)
            return Read(problem=taken) if taken else Read(facts.at.isoformat())
        if field.name == "length":
            reading = self._length(ctx, state, msg)
            state.assumed = state.assumed and reading.value is None
            return reading
        if field.name == "agenda" and msg.action == "kit:agenda":
            return Read("")  # "No agenda"
        return super().read_field(ctx, state, field, msg)

    @staticmethod
    def _length(ctx: Context, state: BookState, msg: Incoming) -> Read:
        if msg.action is not None:  # its buttons, or a forged one
            value = str(msg.values.get("value")) if msg.action == "kit:length" else ""
            return Read(int(value)) if value in dict(LENGTHS) else Read(problem=CHOOSE)
        facts = read_facts(msg.text, ctx, base=_at(state), agenda="marker", bare_length=True)
        if facts.minutes is not None or facts.problems:
            problem = facts.problems[0][1] if facts.problems else None
            return Read(facts.minutes, problem and problem.removesuffix(" How long will it be?"))
        return Read(problem="Please give a length, like *1 hour* or *90 minutes*.")

    def _edit(self, ctx: Context, state: BookState, field: FormField) -> Turn:
        """Ask for one part again (the confirmation has just shown them all)."""
        state.step, state.editing = field.name, True
        return Turn(replies=self.ask_field(ctx, state, field), state=state.to_state())

    def confirm_reply(self, ctx: Context, state: BookState, msg: Incoming) -> Turn | None:
        """A short meeting's own buttons (typed too: "keep it at 30"), and a change typed at the
        confirmation ("4pm"); the kit reads the rest (send, or a part's button)."""
        state.changed = msg.action is None and yes_but(msg.text) is not None
        short = msg.action is None and self._short(ctx, state)
        typed = pick(msg.text, self.confirm_choices(ctx, state)[:2]) if short else None
        if typed is not None and typed.action == self.SAVE:
            return self._save_guarded(ctx, state)
        if (typed.action if typed is not None else msg.action) == LONGER:  # "make it an hour"
            state.values["length"] = _usual(ctx)
            return self._next(ctx, state)
        if msg.action is None and typed is None and leading(msg.text) is None:
            return self.correction(ctx, state, msg)
        return None

    def correction(self, ctx: Context, state: BookState, msg: Incoming) -> Turn | None:
        """ "4pm", "move it to Wednesday", "by phone instead": read on the meeting's day."""
        facts = read_facts(msg.text, ctx, base=_at(state), agenda="marker")
        if self._short(ctx, state) and facts.minutes == state.values["length"] and not facts.at:
            return self._save_guarded(ctx, state)  # "leave it at 20 mins": kept as it is
        return self._absorb(ctx, state, facts) if facts.found_anything else None

    def _absorb(self, ctx: Context, state: BookState, facts: Facts) -> Turn:
        """Take what a message said into ``state`` and ask for what is next."""
        said: list[Part] = [Text(note) for note in facts.notes]
        state.held = {}
        if facts.at is not None:
            state.values["when"], state.day = facts.at.isoformat(), None
        elif facts.day is not None:
            state.values.pop("when", None)
            state.day = facts.day.isoformat()
        if facts.minutes is not None:
            state.values["length"], state.assumed = facts.minutes, False
        if facts.mode is not None:
            state.values["mode"] = facts.mode
        state.location = facts.location or state.location
        if facts.problems:
            where, question = facts.problems[0]
            state.step = where
            asked: list[Part] = [Text(question)]
            if where == "when":
                _hold_when(state.held, facts, question, ctx)
                if state.held["options"]:  # "Which Thursday: Thu 5 Mar or Thu 12 Mar?"
                    asked = self.ask_field(ctx, state, self.field("when"))
            return Turn([*said, *asked], state.to_state())
        if facts.part and state.day and "when" not in state.values:  # "tmrw after lunch"
            _hold_when(state.held, facts, "", ctx)
            state.held["ask"] = f"What time on {format_day(facts.day or ctx.today, ctx.today)}?"
        if (at := _at(state)) is not None and (clash := self._taken(ctx, state, at)) is not None:
            state.step = "when"
            return Turn([*said, Text(clash)], state.to_state())
        if facts.agenda:
            if (problem := _too_long(facts.agenda, MAX_AGENDA, "an agenda")) is not None:
                state.step = "agenda"
                asked = self.ask_field(ctx, state, self.field("agenda"))
                return Turn([*said, problem, *asked], state.to_state())
            turn = self._take(ctx, state, self.field("agenda"), facts.agenda)
        else:
            turn = self._next(ctx, state)
        return Turn([*said, *turn.replies], turn.state, turn.outgoing)

    def _taken(self, ctx: Context, state: BookState, at: datetime) -> str | None:
        """Why the slot can't be proposed (it has passed, or a partner is busy), or None."""
        pairing = ctx.session.get(Pairing, state.pairing_id)
        assert pairing is not None
        return slot_taken(ctx, pairing, at, int(state.values.get("length") or 0))

    # -- sending ------------------------------------------------------------------------------

    def safety_wording(self, state: BookState) -> safety_check.Wording:
        return safety_check.shared_wording("the agenda", state.mentor, sent=True)

    def safety_pairing(self, state: BookState) -> int | None:
        return state.pairing_id

    def save(self, ctx: Context, state: BookState) -> Turn:
        pairing = ctx.session.get(Pairing, state.pairing_id)
        if pairing is None or (pairing.status, pairing.mentee_id) != (
            PairingStatus.ACTIVE.value,
            ctx.person_id,
        ):
            changed = "Your pairing has changed since we started, so nothing was sent."
            return Turn(replies=[Text(changed)])
        at = _at(state)
        assert at is not None
        if (taken := self._taken(ctx, state, at)) is not None:  # a pause, or booked since
            state.step = "when"
            return Turn(replies=[Text(taken)], state=state.to_state())
        meeting = new_meeting(
            ctx,
            pairing,
            at,
            state.values["length"],
            mode=state.values["mode"],
            location=state.location or "",
            agenda=state.values.get("agenda") or "",
        )
        sent, out = send_proposal(ctx, meeting, pairing)
        return say(f"{sent} Type *my meetings* to see your meetings.", outgoing=[out])
