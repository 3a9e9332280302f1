"""Changing a meeting that exists: answer a proposal, reschedule or cancel; see the package's
docstring. A ``kit.Steps`` dialog: pick the meeting, then a new time to confirm and send, or a
reason to cancel or decline with; the confirmation, the patient-data guard and the safety check
(on the reason) are the kit's (``kit.Confirming``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field

from conversations.dates import (
    When,
    days_named,
    find_when,
    format_day,
    format_duration,
    format_when,
)
from conversations.dialogs import kit, safety_check
from conversations.dialogs.base import Context, Outgoing, Turn, say
from conversations.dialogs.meetings.common import (
    ACTION_PREFIX,
    MAX_MESSAGE,
    MAX_REASON,
    NOT_FOUND,
    _answer_buttons,
    _audit,
    _book_again,
    _during_events,
    _first_name,
    _hold_when,
    _invite,
    _is_mentee,
    _mode_text,
    _options_question,
    _person,
    _picked_option,
    _same_slot,
    _scheme_zone,
    _send_question,
    _summary,
    _too_long,
    _whens,
    new_meeting,
    proposal_clash,
    send_proposal,
    show_when,
    slot_taken,
)
from conversations.intents import IntentName, recognise
from conversations.language.choices import answer, pick, yes_to
from conversations.language.meeting_facts import Facts, as_time, read_facts, which_and_new
from conversations.language.meetings import rebooks
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import find_patient_data, remove_patient_data
from storage import meeting_queries, queries
from storage.models import Meeting, MeetingStatus, Pairing, Person


class Flow(StrEnum):
    RESCHEDULE = "reschedule"
    SUGGEST = "suggest"
    CANCEL = "cancel"
    DECLINE = "decline"


class ChangeStep(StrEnum):
    PICK = "pick"
    WHEN = "when"
    REASON = "reason"


class ChangeState(kit.StepState):
    """A change being made, validated on load: the meeting picked and what it would become."""

    step: str  # a ``ChangeStep``, or the kit's confirm, guard or safety step
    flow: Flow
    new: str = ""  # a new time said with the request, read once the meeting is picked
    meeting_id: int | None = None
    at: datetime | None = None
    minutes: int | None = None
    mode: str | None = None
    location: str | None = None
    pairing_id: int = 0
    partner: str = ""  # the partner's first name
    changed: bool = False  # "yes but make it 3pm": "Shall I send it with that change?"
    # What a "when" question holds (``common._hold_when``): readings to choose between.
    held: dict[str, Any] = Field(default_factory=dict)
    reason: str | None = None  # a reason held while the guard or the safety check asks
    safety_checked: list[str] = Field(default_factory=list)
    safety: dict[str, Any] | None = None


C_PICK = "dialog:change_meeting:pick"
C_NO_REASON = "dialog:change_meeting:no_reason"
C_KEEP = "dialog:change_meeting:keep"
C_OPTION = "dialog:change_meeting:option"
# How a typed reply is read at the cancel question (see conversations/language).
_REASON = (Choice("Keep it", C_KEEP), Choice("No reason", C_NO_REASON))
NO_PARTNER = (
    "You don't have a mentoring partner at the moment, so there are no meetings to change. "
    "If you have questions, your project lead can help."
)
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
        partner = _person(ctx, queries.partner_of(found.pairing, ctx.person_id))
        return f"You proposed this meeting, so {_first_name(partner)} needs to accept it."
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


def _typed(msg: Incoming) -> str:
    return msg.text.strip() if msg.action is None else ""


def _day_named(ctx: Context, text: str) -> date | None:
    found = find_when(text, ctx.now, ctx.tz, need_time=False) if text else None
    return found.value.day if found is not None and isinstance(found.value, When) else None


def _upcoming(ctx: Context) -> list[_Found]:
    return [
        _Found(*row) for row in meeting_queries.upcoming_for(ctx.session, ctx.person_id, ctx.now)
    ]


def _on(ctx: Context, day: date, meetings: list[_Found]) -> list[_Found]:
    return [f for f in meetings if f.meeting.starts_at.astimezone(ctx.tz).date() == day]


def _slot(state: ChangeState) -> tuple[datetime, int, str]:
    """The time, length and way of meeting the change would give the meeting."""
    assert state.at is not None
    assert state.minutes is not None
    assert state.mode is not None
    return state.at.astimezone(UTC), state.minutes, state.mode


class ChangeMeeting(kit.CheckedSteps[ChangeState]):
    """Answer a proposal (accept / suggest another time / decline), reschedule or cancel."""

    name: ClassVar[str] = "change_meeting"
    title: ClassVar[str] = "Your meeting change"
    schema_version: ClassVar[int] = 4
    State = ChangeState
    guard_where = "a message about a meeting"
    change_label = "Change the time"
    free_text = frozenset({ChangeStep.REASON})

    def __init__(self) -> None:
        # Each step: what it asks, and how it takes the answer; the kit's take the rest.
        self.steps = {
            ChangeStep.PICK: (self._pick_prompt, self._on_pick),
            ChangeStep.WHEN: (self._when_prompt, self._on_when),
            ChangeStep.REASON: (self._reason_prompt, self._on_reason),
        }

    @staticmethod
    def interruptible(state: dict[str, Any], intent: IntentName) -> bool:
        """Another request is served while a meeting, a time or a yes is awaited (a reason
        being typed keeps its text)."""
        return state.get("step") in (ChangeStep.PICK, ChangeStep.WHEN, kit.CONFIRM)

    # -- starting -----------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if msg.action is not None and msg.action.startswith(f"{ACTION_PREFIX}:"):
            return self._button(ctx, msg.action)
        cancel = recognise(msg.text).name is IntentName.CANCEL_MEETING
        flow = Flow.CANCEL if cancel else Flow.RESCHEDULE
        text = _typed(msg)
        if (problem := _too_long(text, MAX_MESSAGE, "a meeting change")) is not None:
            return Turn(replies=[problem])
        if not queries.active_pairings(ctx.session, ctx.person_id):
            return Turn(replies=[Text(NO_PARTNER)])
        if not (upcoming := _upcoming(ctx)):
            verb = "cancel" if cancel else "move"
            hint = " Type *book a meeting* to arrange one." if _is_mentee(ctx) else ""
            return Turn(replies=[Text(f"You have no upcoming meetings to {verb}.{hint}")])
        which, new = (
            (text, "")
            if cancel
            else which_and_new(text, ctx, [f.meeting.starts_at for f in upcoming])
        )
        first = find_when(text, ctx.now, ctx.tz, need_time=False) if cancel else None
        if first is not None and rebooks(text[first.end :]):
            later = find_when(text[first.end :], ctx.now, ctx.tz, need_time=False)
            if later is not None:  # "cancel thurs and book the 19th at 11 instead": a move
                flow, which, new = Flow.RESCHEDULE, text[: first.end], text[first.end :]
        state = ChangeState(step=ChangeStep.PICK, flow=flow, new=new)
        candidates = upcoming
        notes: list[Part] = []
        # "poorly today so cant do tomorrow": the day a meeting is on, of the days named.
        named = days_named(which, ctx.now, ctx.tz)
        day = next((d for d in named if _on(ctx, d, upcoming)), _day_named(ctx, which))
        if day is not None:
            if on_day := _on(ctx, day, upcoming):
                candidates = on_day
            else:
                notes.append(Text(f"You have no meeting on {format_day(day, ctx.today)}."))
        if len(candidates) == 1 and not notes:
            return self._picked(ctx, state, candidates[0])
        return Turn(
            replies=[*notes, self._pick_question(ctx, flow, candidates)], state=state.to_state()
        )

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
        state = self._with_meeting(ctx, ChangeState(step=ChangeStep.PICK, flow=flow), found)
        return self.ask(ctx, state, ChangeStep.WHEN if verb == "suggest" else ChangeStep.REASON)

    def suggest(self, ctx: Context, found: _Found, facts: Facts) -> Turn:
        """Another time offered for ``found`` in a typed answer to it: shown to confirm."""
        state = ChangeState(step=ChangeStep.WHEN, flow=Flow.SUGGEST)
        return self._absorb(ctx, self._with_meeting(ctx, state, found), facts)

    def decline(self, ctx: Context, found: _Found, msg: Incoming) -> Turn:
        """``found`` turned down in a typed answer to it: all its words are the reason.

        The reply is never read as the reason question's buttons ("that's no good for me" is
        not *Keep it*); patient data in it is still asked about before it goes anywhere.
        """
        state = ChangeState(step=ChangeStep.REASON, flow=Flow.DECLINE)
        state, text = self._with_meeting(ctx, state, found), msg.text.strip()
        return self._reason(ctx, state, text if len(text.split()) > 1 else "")

    @staticmethod
    def _with_meeting(ctx: Context, state: ChangeState, found: _Found) -> ChangeState:
        meeting, partner = found.meeting, queries.partner_of(found.pairing, ctx.person_id)
        state.meeting_id, state.at = meeting.id, meeting.starts_at
        state.minutes, state.mode = meeting.duration_minutes, meeting.mode
        state.pairing_id, state.partner = meeting.pairing_id, _first_name(_person(ctx, partner))
        return state

    def _picked(self, ctx: Context, state: ChangeState, found: _Found) -> Turn:
        if (why := _changeable(ctx, found)) is not None:
            return Turn(replies=[Text(why)])
        self._with_meeting(ctx, state, found)
        if state.flow is Flow.CANCEL:
            return self.ask(ctx, state, ChangeStep.REASON)
        new, state.new, state.step = state.new, "", ChangeStep.WHEN
        if new:
            start = found.meeting.starts_at
            facts = read_facts(as_time(new), ctx, base=start, whole=True, agenda="none")
            if facts.found_anything:
                return self._absorb(ctx, state, facts)
        return self.ask(ctx, state, ChangeStep.WHEN)

    # -- asking -------------------------------------------------------------------------------

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        state = self.load(raw)
        if state.step != ChangeStep.PICK and _find(ctx, state.meeting_id) is None:
            return [Text(NOT_FOUND)]
        return self.asked(ctx, state)

    def _meeting(self, ctx: Context, state: ChangeState) -> tuple[_Found, Person, ZoneInfo, str]:
        """The meeting being changed, the partner, the scheme's zone and when it is now."""
        found = _find(ctx, state.meeting_id)
        assert found is not None
        partner = _person(ctx, queries.partner_of(found.pairing, ctx.person_id))
        zone = _scheme_zone(ctx, found.pairing)
        return found, partner, zone, show_when(found.meeting.starts_at, ctx.tz, zone, ctx.now)

    def _pick_question(self, ctx: Context, flow: Flow, candidates: list[_Found]) -> Question:
        verb = "cancel" if flow is Flow.CANCEL else "move"
        choices = tuple(
            Choice(
                f"{format_when(f.meeting.starts_at, ctx.tz, ctx.now)} with "
                f"{ctx.name_of(queries.partner_of(f.pairing, ctx.person_id))} "
                f"({f.meeting.status})",
                C_PICK,
                str(f.id),
            )
            for f in candidates[:10]
        )
        return Question(f"Which meeting would you like to {verb}?", choices)

    def _pick_prompt(self, ctx: Context, state: ChangeState) -> list[Part]:
        if not (upcoming := _upcoming(ctx)):
            return [Text("You have no upcoming meetings now. Type *cancel* to stop.")]
        return [self._pick_question(ctx, state.flow, upcoming)]

    def _when_prompt(self, ctx: Context, state: ChangeState) -> list[Part]:
        if state.held.get("options"):
            return [_options_question(state.held, ctx, C_OPTION)]
        _, partner, _, current = self._meeting(ctx, state)
        first, example = _first_name(partner), "For example *Thursday at 10am*."
        if state.flow is Flow.SUGGEST:
            asked = f"{first} proposed {current}. What time would suit you instead? {example} "
            return [Text(f"{asked}I'll send it to {first} to accept.")]
        asked = f"Your meeting with {partner.display_name} is on {current}. What new time would "
        return [Text(f"{asked}suit? {example} {first} will be asked to accept it.")]

    def _reason_prompt(self, ctx: Context, state: ChangeState) -> list[Part]:
        _, partner, _, current = self._meeting(ctx, state)
        first = _first_name(partner)
        if state.flow is Flow.DECLINE:
            asked = f"You're declining {first}'s proposal for {current}. Would you like to tell "
            asked += f"{first} why? Type a reason (optional), or choose:"
            labels = ("Decline without a reason", "Don't decline")
        else:
            asked = f"Shall I cancel your meeting with {partner.display_name} on {current}? "
            asked += f"{first} will be told. You can type a reason for {first} (optional), or "
            asked += "choose:"
            labels = ("Cancel it, no reason", "Keep the meeting")
        return [Question(asked, (Choice(labels[0], C_NO_REASON), Choice(labels[1], C_KEEP)))]

    # -- the kit's confirmation, guard and safety check ---------------------------------------

    def summary(self, ctx: Context, state: ChangeState) -> list[Part]:
        _, partner, zone, current = self._meeting(ctx, state)
        at, minutes, mode = _slot(state)
        summary = _summary(at, minutes, mode, ctx.tz, zone, ctx.now, state.location)
        lead = (
            f"I'll suggest this to {partner.display_name} instead of {current}:"
            if state.flow is Flow.SUGGEST
            else f"I'll ask {partner.display_name} to move your meeting from {current} to:"
        )
        during = _during_events(ctx, at, minutes)
        return [Text(f"{lead}\n{summary}"), *([during] if during else [])]

    def question(self, ctx: Context, state: ChangeState) -> str:
        at, minutes, _ = _slot(state)
        return _send_question(ctx, state.partner, at, minutes, state.changed)

    def confirm_choices(self, ctx: Context, state: ChangeState) -> tuple[Choice, ...]:
        return (
            Choice(f"Send to {state.partner}", self.SAVE),
            Choice(self.change_label, self.CHANGE),
        )

    def confirm_reply(self, ctx: Context, state: ChangeState, msg: Incoming) -> Turn | None:
        # "yes but make it 3pm": the confirmation then asks "... with that change?".
        state.changed = msg.action is None and kit.yes_but(msg.text) is not None
        return None

    def parts(self) -> tuple[tuple[str, str], ...]:
        return (("when", "The time"),)

    def edit_part(self, ctx: Context, state: ChangeState, part: str) -> Turn:
        return self.ask(ctx, state, ChangeStep.WHEN)

    def changed(self, ctx: Context, state: ChangeState, msg: Incoming) -> Turn | None:
        """A new time, length or way of meeting typed at the confirmation ("make it 3pm")."""
        facts = read_facts(msg.text.strip(), ctx, base=state.at, whole=True, agenda="none")
        return self._absorb(ctx, state, facts) if facts.found_anything else None

    def _guarded_texts(self, state: ChangeState) -> list[str]:
        return [state.reason] if state.reason else []

    def remove_patient_data(self, state: ChangeState, pattern: str | None) -> None:
        reason = state.reason or ""
        state.reason = remove_patient_data(reason, find_patient_data(reason, pattern))

    def rewrite(self, ctx: Context, state: ChangeState) -> Turn:
        """The guard's *rewrite*: the reason typed again."""
        state.reason = None
        return self.ask(ctx, state, ChangeStep.REASON)

    def safety_wording(self, state: ChangeState) -> safety_check.Wording:
        """Who reads the reason (the partner); buttons in the person's own words ("Keep it in
        my reason only")."""
        shared = safety_check.shared_wording("your reason", state.partner, sent=True)
        mine = "my reason"
        return replace(shared, keep=f"Keep it in {mine} only", also_keep=f"Yes, keep it in {mine}")

    def safety_pairing(self, state: ChangeState) -> int:
        return state.pairing_id

    def left_out(self, ctx: Context, state: ChangeState, texts: list[str]) -> Turn:
        state.reason = ""
        note = "I've left your reason out: it's with the project lead."
        return safety_check.with_note(note, self.save(ctx, state))

    def save(self, ctx: Context, state: ChangeState) -> Turn:
        """Send the new time, or decline or cancel with the reason (checked by now)."""
        if state.flow in (Flow.RESCHEDULE, Flow.SUGGEST):
            return self._send(ctx, state)
        return self._finish(ctx, state, state.reason or "")

    # -- answers ------------------------------------------------------------------------------

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        if state.step != ChangeStep.PICK and _find(ctx, state.meeting_id) is None:
            return Turn(replies=[Text(NOT_FOUND)])
        limit = MAX_REASON if state.step == ChangeStep.REASON else MAX_MESSAGE
        if (problem := _too_long(_typed(msg), limit, "this")) is not None:
            return self.again(ctx, state, problem.text)
        return self.take(ctx, state, msg)

    def _on_pick(self, ctx: Context, state: ChangeState, msg: Incoming) -> Turn:
        text, upcoming = _typed(msg), _upcoming(ctx)
        typed = pick(text, self._pick_question(ctx, state.flow, upcoming).choices)
        found: _Found | None = None
        if msg.action == C_PICK or typed is not None:  # "2", "the friday one", "thurs pls"
            found = _find(ctx, msg.values.get("value") if typed is None else typed.value)
        elif (day := _day_named(ctx, text)) is not None and len(on := _on(ctx, day, upcoming)) == 1:
            found = on[0]
        if found is None:
            return self.again(ctx, state, "Please choose one of these meetings.")
        return self._picked(ctx, state, found)

    def _on_when(self, ctx: Context, state: ChangeState, msg: Incoming) -> Turn:
        text = _typed(msg)
        if state.held.get("options"):
            option = _picked_option(state.held, ctx, msg, text, C_OPTION)
            if option is not None and option.has_time:
                return self._absorb(ctx, state, Facts(at=option.at_utc))
            if msg.action == C_OPTION:
                return self.again(ctx, state, "Please choose one of these.")
        return self._new_time(
            ctx, state, as_time(text), "Sorry, I couldn't read a day and time in that."
        )

    def _new_time(self, ctx: Context, state: ChangeState, said: str, why: str) -> Turn:
        """Read a new time, length or way of meeting (``why``: what to say when there is none)."""
        if not said:
            return self.again(ctx, state, kit.NOTHING)
        facts = read_facts(said, ctx, base=state.at, whole=True, agenda="none")
        if not facts.found_anything:
            return self.again(ctx, state, why)
        return self._absorb(ctx, state, facts)

    def _on_reason(self, ctx: Context, state: ChangeState, msg: Incoming) -> Turn:
        text = _typed(msg)
        asked = self._reason_prompt(ctx, state)[-1]
        again = yes_to(text, asked.choices) if isinstance(asked, Question) else None
        said = answer(text, _REASON, yes=C_NO_REASON, no=C_KEEP, whole=True)
        said = msg.action or (again.action if again is not None else said)
        if said == C_KEEP:
            return Turn(replies=[Text("OK, I've left the meeting as it is.")])
        if said == C_NO_REASON:
            return self._reason(ctx, state, "")
        if not text:
            return self.again(ctx, state, kit.NOTHING)
        return self._reason(ctx, state, text)

    def _reason(self, ctx: Context, state: ChangeState, text: str) -> Turn:
        """A reason (or none): through the kit's guard and safety check, then ``save``."""
        state.reason = text
        return self._save_guarded(ctx, state)

    def _absorb(self, ctx: Context, state: ChangeState, facts: Facts) -> Turn:
        """Take what was said about the new time; confirm it, or say why it can't be."""
        state.held = {}
        replies: list[Part] = [Text(note) for note in facts.notes]
        if facts.problems:
            state.step, question = ChangeStep.WHEN, facts.problems[0][1]
            _hold_when(state.held, facts, question, ctx)
            asked = self._when_prompt(ctx, state) if state.held["options"] else [Text(question)]
            return Turn(replies=[*replies, *asked], state=state.to_state())
        state.at = facts.at or state.at
        state.minutes = facts.minutes if facts.minutes is not None else state.minutes
        state.mode, state.location = facts.mode or state.mode, facts.location or state.location
        if (problem := self._problem(ctx, state, self._meeting(ctx, state)[0])) is not None:
            state.step = ChangeStep.WHEN
            return Turn(replies=[*replies, Text(problem)], state=state.to_state())
        state.step = kit.CONFIRM
        return Turn(replies=[*replies, *self._confirmation(ctx, state)], state=state.to_state())

    @staticmethod
    def _problem(ctx: Context, state: ChangeState, found: _Found) -> str | None:
        """Why the meeting can't become what ``state`` says, asking for another time (None: it
        can)."""
        at, minutes, mode = _slot(state)
        meeting = found.meeting
        if (at, minutes, mode) == (meeting.starts_at, meeting.duration_minutes, meeting.mode):
            return "That's what it's already booked for. What other time would suit?"
        exclude = _same_slot(ctx, meeting)
        return slot_taken(ctx, found.pairing, at, minutes, exclude, passed="has passed.")

    # -- doing --------------------------------------------------------------------------------

    def _accept(self, ctx: Context, found: _Found) -> Turn:
        meeting, pairing = found.meeting, found.pairing
        start, minutes = meeting.starts_at, meeting.duration_minutes
        if clash := proposal_clash(ctx, pairing, start, minutes, exclude=_same_slot(ctx, meeting)):
            other = _answer_buttons(found.id).choices[1:]  # suggest another time, or decline
            said = Text(f"{clash} You could suggest another time instead.")
            return Turn(replies=[said, Question("What would you like to do?", other)])
        proposer, zone = _person(ctx, meeting.proposed_by_id), _scheme_zone(ctx, pairing)
        calendar = "The calendar invite is attached: add it to your calendar."
        mine, theirs = _whens(ctx, start, proposer, zone)
        files: list[Part] = []
        # A move: the meeting it replaces gives way now, with its calendar cancellation.
        if (original := meeting_queries.replaced(ctx.session, meeting, ctx.now)) is not None:
            assert original.id is not None
            was_mine, was_theirs = _whens(ctx, original.starts_at, proposer, zone)
            mine, theirs = f"{mine} (moved from {was_mine})", f"{theirs} (moved from {was_theirs})"
            if (cancel_file := _invite(ctx, original, pairing, "CANCEL")) is not None:
                calendar = (
                    "The new calendar invite is attached, with the cancellation of the old one."
                )
                files.append(cancel_file)
            original.status, original.updated_at = MeetingStatus.MOVED.value, ctx.now
            ctx.session.add(original)
            _audit(ctx, "meeting.moved", original.id, to=found.id)
        meeting.status, meeting.updated_at = MeetingStatus.CONFIRMED.value, ctx.now
        ctx.session.add(meeting)
        _audit(ctx, "meeting.accepted", found.id)
        invite = _invite(ctx, meeting, pairing, "REQUEST")
        assert invite is not None
        files.append(invite)
        length = f"{format_duration(timedelta(minutes=minutes))}, {_mode_text(meeting.mode)}"
        done = (
            f"Confirmed: your meeting with {proposer.display_name} on {mine} ({length}). "
            f"{_first_name(proposer)} has been told. {calendar}"
        )
        told = (
            f"{ctx.person.display_name} accepted: your meeting on {theirs} is confirmed "
            f"({length}). {calendar}"
        )
        assert proposer.id is not None
        return Turn(
            replies=[Text(done), *files],
            outgoing=[Outgoing((Text(told), *files), proposer.id, kind="meeting")],
        )

    def _send(self, ctx: Context, state: ChangeState) -> Turn:
        found, partner, zone, _ = self._meeting(ctx, state)
        suggest = state.flow is Flow.SUGGEST
        why = _answerable(ctx, found, "answer") if suggest else _changeable(ctx, found)
        if why is not None:
            return Turn(replies=[Text(why)])
        if (problem := self._problem(ctx, state, found)) is not None:
            state.step = ChangeStep.WHEN
            return Turn([Text(problem)], state.to_state())
        at, minutes, mode = _slot(state)
        meeting, pairing = found.meeting, found.pairing
        was_confirmed = meeting.status == MeetingStatus.CONFIRMED.value
        original = (
            meeting if was_confirmed else meeting_queries.replaced(ctx.session, meeting, ctx.now)
        )
        if was_confirmed:
            # Moving a confirmed meeting never loses it: the move is a new proposal that
            # replaces it only once accepted (an earlier move not yet answered gives way).
            moves = meeting_queries.pending_moves(ctx.session, found.id)
            for older in moves[1:]:
                older.status, older.updated_at = MeetingStatus.CANCELLED.value, ctx.now
                ctx.session.add(older)
            keeps = {"agenda": meeting.agenda, "location": meeting.location}
            meeting = moves[0] if moves else new_meeting(ctx, pairing, at, minutes, **keeps)
            meeting.replaces_id = found.id
        meeting.starts_at, meeting.duration_minutes, meeting.mode = at, minutes, mode
        meeting.location = state.location or meeting.location
        me, old = ctx.person.display_name, (original or found.meeting).starts_at
        headline = (
            f"{me} suggests another time for your meeting:"
            if suggest and original is None
            else f"{me} would like to move your meeting on {_whens(ctx, old, partner, zone)[1]} to:"
        )
        if original is not None:
            headline += "\n(Until you accept, your meeting stays as it is.)"
        action, starts = f"meeting.{state.flow.value}", at.isoformat()
        sent, out = send_proposal(ctx, meeting, pairing, headline, action, starts_at=starts)
        if original is not None:
            kept = show_when(original.starts_at, ctx.tz, zone, ctx.now)
            sent += f" Until {_first_name(partner)} accepts, your meeting on {kept} stays as it is."
        return Turn(replies=[Text(sent)], outgoing=[out])

    def _finish(self, ctx: Context, state: ChangeState, reason: str) -> Turn:
        """Decline or cancel, with an optional reason, telling the other person."""
        found, partner, zone, mine = self._meeting(ctx, state)
        decline = state.flow is Flow.DECLINE
        why = _answerable(ctx, found, "decline") if decline else _changeable(ctx, found)
        if why is not None:
            return Turn(replies=[Text(why)])
        meeting, pairing, first = found.meeting, found.pairing, _first_name(partner)
        theirs = _whens(ctx, meeting.starts_at, partner, zone)[1]
        # A declined (or withdrawn) move leaves the meeting it would replace as it was: no
        # calendar cancellation goes out, since no invite was ever sent for the move.
        original = meeting_queries.replaced(ctx.session, meeting, ctx.now)
        cancel_file = _invite(ctx, meeting, pairing, "CANCEL")
        status = MeetingStatus.DECLINED if decline else MeetingStatus.CANCELLED
        meeting.status, meeting.decline_reason = status.value, reason or None
        meeting.updated_at = ctx.now
        ctx.session.add(meeting)
        _audit(ctx, f"meeting.{state.flow.value}d", found.id)
        for move in meeting_queries.pending_moves(ctx.session, found.id):
            move.status = MeetingStatus.CANCELLED.value  # a cancelled meeting is not moved
            move.updated_at = ctx.now
            ctx.session.add(move)
        me = ctx.person.display_name
        because = [Text(f"*Reason:* {reason}", private=True)] if reason else []
        assert partner.id is not None
        if original is not None:
            kept_mine, kept_theirs = _whens(ctx, original.starts_at, partner, zone)
            verb = "declined moving" if decline else "withdrew the move of"
            told = f"{me} {verb} your meeting to {theirs}. Your meeting on {kept_theirs} stays as it is."
            done = (
                f"{'Declined' if decline else 'Withdrawn'}: the move to {mine}. "
                f"Your meeting with {partner.display_name} on {kept_mine} stays as it is. "
                f"{first} has been told."
            )
            return say(
                done, outgoing=[Outgoing((Text(told), *because), partner.id, kind="meeting")]
            )
        if decline:
            told = f"{me} declined the meeting on {theirs}."
            done = f"Declined: the meeting on {mine}. {first} has been told."
        else:
            told = f"{me} has cancelled your meeting on {theirs}."
            done = f"Cancelled: your meeting with {partner.display_name} on {mine}. {first} has been told."
        calendar: list[Part] = (
            [Text("Here's the calendar cancellation."), cancel_file] if cancel_file else []
        )
        # The mentee arranges the meetings: they are offered another time, the mentor is told so.
        arranges = Text(
            f"{_first_name(ctx.person)} arranges your meetings and will be in touch about "
            "another time."
        )
        mentee = pairing.mentee_id == ctx.person_id
        theirs_parts: tuple[Part, ...] = (
            Text(told),
            *because,
            *calendar,
            arranges if mentee else _book_again(),
        )
        return Turn(
            replies=[Text(done), *calendar, *([_book_again()] if mentee else [])],
            outgoing=[Outgoing(theirs_parts, partner.id, kind="meeting")],
        )
