"""Changing a meeting that exists: answer a proposal, reschedule or cancel; see the package's
docstring."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, timedelta
from enum import StrEnum
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from conversations.dates import (
    When,
    find_when,
    format_day,
    format_duration,
    format_when,
)
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Outgoing, Turn
from conversations.dialogs.meetings.common import (
    _REASON,
    _SEND,
    ACTION_PREFIX,
    MAX_MESSAGE,
    MAX_REASON,
    NOT_FOUND,
    _audit,
    _book_again,
    _clash,
    _drop_when,
    _during_events,
    _first_name,
    _hold_when,
    _invite,
    _is_mentee,
    _load_at,
    _mode_text,
    _options_question,
    _person,
    _picked_option,
    _proposal,
    _same_slot,
    _scheme_zone,
    _send_question,
    _summary,
    _too_long,
    _yes_but,
    guarded,
    show_when,
)
from conversations.intents import IntentName, recognise
from conversations.language.choices import answer, pick, yes_to
from conversations.language.meeting_facts import Facts, as_time, read_facts
from conversations.language.meetings import (
    rebooks,
)
from conversations.messages import Attachment, Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_EDIT,
    find_patient_data,
    guard_question,
)
from storage import meeting_queries, queries
from storage.models import (
    Meeting,
    MeetingStatus,
    Pairing,
    Person,
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
                as_time(new), ctx, base=found.meeting.starts_at, whole=True, agenda="none"
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
            asked = self.prompt(ctx, state)[-1]
            typed = pick(text, asked.choices) if isinstance(asked, Question) and text else None
            if msg.action == C_WHEN or (typed is not None and typed.action == C_WHEN):
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
        said = as_time(text) if step is ChangeStep.WHEN else change or text
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
        asked = self.prompt(ctx, state)[-1]
        again = yes_to(text, asked.choices) if isinstance(asked, Question) else None
        said = {C_KEEP: "keep", C_NO_REASON: "no_reason"}.get(again.action, said) if again else said
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
        choice, kept = guarded(ctx, state.get("guard") or "", msg)
        if kept is not None:
            return self._finish(ctx, state, found, kept)
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
