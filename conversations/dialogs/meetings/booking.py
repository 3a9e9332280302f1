"""Booking: the mentee proposes a meeting; see the package's docstring."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from conversations.dates import (
    check_meeting_length,
    format_day,
    format_duration,
    format_when,
)
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Turn
from conversations.dialogs.meetings.common import (
    _SEND,
    MAX_AGENDA,
    MAX_MESSAGE,
    MODE_BUTTON,
    MODE_TEXT,
    Mode,
    _agenda_part,
    _audit,
    _clash,
    _drop_when,
    _during_events,
    _first_name,
    _held_facts,
    _hold_when,
    _load_at,
    _min_minutes,
    _options_question,
    _person,
    _picked_option,
    _proposal,
    _scheme_zone,
    _send_question,
    _summary,
    _too_long,
    _yes_but,
    guarded,
    show_when,
)
from conversations.intents import IntentName
from conversations.language import is_empty
from conversations.language.choices import answer, pick
from conversations.language.meeting_facts import Facts, as_time, read_facts
from conversations.language.meetings import find_mode
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_EDIT,
    GUARD_REMOVE,
    find_patient_data,
    guard_question,
)
from storage import meeting_queries, queries
from storage.models import (
    Meeting,
    MeetingStatus,
    Pairing,
    PairingStatus,
    Person,
)

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
                as_time(text),
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
            mode = msg.values.get("value") if msg.action == B_MODE else find_mode(text)
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
        choice, kept = guarded(ctx, state.get("guard") or "", msg)
        rest = {k: v for k, v in state.items() if k != "guard"}
        if kept is not None:
            said: list[Part] = [Text("Removed.")] if choice == GUARD_REMOVE else []
            return self._next(ctx, {**rest, "agenda": kept}, said)
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
