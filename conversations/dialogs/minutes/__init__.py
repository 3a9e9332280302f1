"""Minutes and actions: the mentee logs a meeting's minutes ("log minutes for today's meeting", or
everything in one message); both partners list the pair's open actions ("my actions"), tick one
off ("done 2") and read the minutes ("our minutes").

Map:
- ``LogMinutes``: the dialog. It reads what the first message carries, asks only for what is
  missing (a ``Steps`` table; see ``minutes.mmd``), then the kit's confirmation and guard, and
  saves the ``Minutes``, its ``ActionItem`` rows and marks the meeting held (several held meetings
  without minutes: it asks which). The mentor is told, never the content in the preview; a next
  meeting agreed is offered as a proposal to the mentor.
- ``read_minutes`` / ``parse_action``: a whole message / one action line, through the language
  layer's sections reader (``conversations.language.sections``).
- ``actions``: the pair's actions once agreed; ``read``: minutes read back, to the pair only;
  ``offer``: after saving, booking the next meeting.

Rules: only the mentee of an active pairing logs minutes (SCHEME.md); minutes and actions are read
only through ``storage.minutes_queries``, scoped to the asker. Ticking off an action does not
notify the partner: actions change often, and a message per tick would be noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from conversations.dates import (
    Ask,
    When,
    format_day,
    format_duration,
    format_when,
    parse_duration,
)
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Outgoing, Registry, Turn, counted, say
from conversations.dialogs.kit import (
    NOTHING,
    CheckedSteps,
    StepState,
    StepTaker,
    chosen,
    patient_data_in,
    reask,
)
from conversations.dialogs.matching import first_minutes_questions
from conversations.dialogs.meetings import (
    MODE_TEXT,
    Mode,
    find_mode,
    proposal_clash,
    propose_meeting,
)
from conversations.dialogs.minutes import actions, offer, read
from conversations.dialogs.minutes.actions import ACTION_PREFIX
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.language import is_empty
from conversations.language.choices import pick
from conversations.language.days import held_time, past_day, pick_days
from conversations.language.sections import (
    Action,
    SectionContext,
    hedged_none,
    read_action,
    read_correction,
    read_due,
    read_owner,
    read_sections,
    says_agreed,
)
from conversations.language.vocabulary import Meaning, is_no, is_yes, leading, meaning
from conversations.language.write_up import (
    next_meeting_said,
    nothing_to_add,
    opening,
    read_write_up,
)
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_EDIT,
    GUARD_KEEP,
    GUARD_REMOVE,
    Finding,
    find_patient_data,
    remove_patient_data,
)
from storage import meeting_queries, minutes_queries
from storage.models import ActionItem, Meeting, MeetingStatus, Minutes, Pairing, PairingStatus
from storage.models import Person as PersonRow

MAX_TEXT = 5000
MAX_ACTIONS = 20
MAX_CANDIDATES = 5  # meetings offered when several have no minutes
BOTH: Literal["both"] = "both"
BOTH_NAME = "Both"

OWNER = "dialog:minutes:owner"
MEETING = "dialog:minutes:meeting"
BOOK = "dialog:minutes:book"
NO_BOOK = "dialog:minutes:no_book"
NO_DUE = "dialog:minutes:no_due"

Owner = int | Literal["both"]


class Step(StrEnum):
    WHEN = "when"
    # A meeting that was never booked: what time it was and how they met, to record it as held.
    MET = "met"
    DISCUSSION = "discussion"
    DECISIONS = "decisions"
    ACTIONS = "actions"
    OWNER = "owner"
    DUE = "due"
    NEXT = "next_meeting"
    # The kit's confirmation and patient-data guard (``Confirming``).
    CONFIRM = "confirm"
    GUARD = "guard"
    # Several held meetings have no minutes: which one these are for.
    WHICH_MEETING = "which_meeting"
    # Saved; the next meeting agreed in them: send the partner a proposal?
    BOOK_NEXT = "book_next"
    # The patient data guard's "let me rewrite it": the part that held it, typed again.
    REWRITE = "rewrite"


@dataclass
class ParsedAction:
    """One agreed action, as read from a line and kept between turns. ``owner`` None: not said,
    or ``owner_said`` names nobody in the pair. ``due`` None and ``no_date`` false: not said, or
    ``due_note`` says why the date could not be used (a past or impossible date)."""

    text: str
    owner: Owner | None = None
    owner_said: str | None = None
    due: date | None = None
    no_date: bool = False
    due_note: str | None = None
    asap: bool = False

    def dated(self, due: date | None) -> None:
        self.due, self.no_date, self.due_note = due, due is None, None


class NextState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: datetime
    has_time: bool


class MinutesState(StepState):
    """What ``LogMinutes`` keeps between turns, validated on load (``schema_version`` 2)."""

    pairing_id: int
    meeting_id: int | None = None
    held_on: date | None = None
    candidates: list[int] = Field(default_factory=list)  # held meetings with no minutes
    discussion: str = ""
    discussion_optional: bool = False  # a one-message write-up: its discussion may be empty
    decisions: str = ""
    actions: list[ParsedAction] = Field(default_factory=list)
    actions_asked: bool = False
    pending: int | None = None  # the action whose owner or due date is asked
    next: NextState | None = None
    next_asked: bool = False
    next_booked: str | None = None  # the next meeting already booked, as shown
    next_words: str | None = None
    next_mode: str | None = None
    next_minutes: int | None = None
    booking_text: str | None = None
    notes: dict[str, str] = Field(default_factory=dict)  # said before a step is asked
    # A meeting never booked: when (local time), how long and how it was held.
    met_at: time | None = None
    met_for: int | None = None
    met_by: str | None = None
    met_asked: bool = False
    # The patient-data guard: asked as soon as written (early), kept, put off, or removed.
    guard_early: bool = False
    guard_kept: bool = False
    guard_later: bool = False
    removed: bool = False
    rewrite: str | None = None  # the part typed again: "discussion" or an action's number
    safety_checked: list[str] = Field(default_factory=list)
    safety: dict[str, Any] | None = None
    reader: str = ""  # the mentor's first name: who else reads the minutes (the safety check)

    @property
    def action(self) -> ParsedAction:
        """The action whose owner or due date is asked."""
        return self.actions[self.pending or 0]


# -- who is in the pair ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """The two people of a pairing, as the minutes name them."""

    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str

    @classmethod
    def of(cls, ctx: Context, pairing: Pairing) -> Pair:
        return cls(
            pairing.mentee_id,
            ctx.name_of(pairing.mentee_id),
            pairing.mentor_id,
            ctx.name_of(pairing.mentor_id),
        )

    def name(self, owner: Owner | None) -> str:
        if owner == BOTH:
            return BOTH_NAME
        if owner == self.mentee_id:
            return self.mentee_name
        if owner == self.mentor_id:
            return self.mentor_name
        return "(not yet known)"

    def first_name(self, person_id: int) -> str:
        return self.name(person_id).split(" ", 1)[0]

    def other(self, person_id: int) -> int:
        return self.mentor_id if person_id == self.mentee_id else self.mentee_id

    def who(self, word: str, speaker_id: int) -> Owner | None:
        """The owner an answer names: "me", "tom", "both of us", "it's Tom's" (the language
        layer's reading, of this pair)."""
        said = read_owner(word, (self.name(speaker_id),), (self.name(self.other(speaker_id)),))
        return self.owner(said, speaker_id)

    def owner(self, said: Literal["me", "partner", "both"] | None, speaker_id: int) -> Owner | None:
        """The person an owner read by the language layer is, for ``speaker_id``."""
        if said == "me":
            return speaker_id
        if said == "partner":
            return self.other(speaker_id)
        return BOTH if said == "both" else None

    def context(
        self,
        speaker_id: int,
        now: datetime,
        tz: ZoneInfo,
        next_meeting: date | None = None,
        meeting_at: datetime | None = None,
    ) -> SectionContext:
        """How the language layer reads this pair's words."""
        other, own = (self.name(self.other(speaker_id)),), (self.name(speaker_id),)
        return SectionContext(now, tz, other, own, next_meeting, meeting_at)

    def parsed(self, action: Action, speaker_id: int) -> ParsedAction:
        """The language layer's action, its owner this pair's."""
        return ParsedAction(**{**asdict(action), "owner": self.owner(action.owner, speaker_id)})


def parse_action(
    line: str, pair: Pair, speaker_id: int, now: datetime, tz: ZoneInfo, *, strict: bool = False
) -> ParsedAction | None:
    """Read "Tom: send the budget template by Friday" (owner first, due date anywhere), through
    the language layer's sections reader.

    ``strict`` (a line outside an "actions:" list) needs an owner from the pair, so a note such as
    "Budget: overspent" is not taken for an action. None when the line holds no action."""
    action = read_action(line, pair.context(speaker_id, now, tz), listed=not strict)
    return None if action is None else pair.parsed(action, speaker_id)


def _owners(pair: Pair) -> str:
    """Why an owner named outside the pair can't be kept."""
    mentee, mentor = pair.first_name(pair.mentee_id), pair.first_name(pair.mentor_id)
    return f"Actions are for {mentee}, {mentor} or both of you."


NO_ACTION = "I couldn't find an action in that."


def _part_name(part: str) -> str:
    return f"action {part}" if part.isdigit() else f"the {part}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _next_meeting(
    text: str, now: datetime, tz: ZoneInfo, meeting_at: datetime | None = None
) -> When | Ask | None:
    """A typed next meeting ("next meeting 12 Jan 3pm", "Tue 5 Jan at 3pm", "not yet")."""
    return next_meeting_said(text, SectionContext(now=now, tz=tz, meeting_at=meeting_at))


# -- the dialog ------------------------------------------------------------------------------

QUESTIONS = {
    Step.WHEN: "When did you meet? For example *today*, *yesterday* or *Thu 19 Nov*.",
    Step.DISCUSSION: "What did you discuss, and what did you decide? A few lines is plenty.",
    Step.DECISIONS: "What did you decide? Say *none* to leave decisions out.",
    Step.ACTIONS: (
        "Anything else to add, such as the actions you agreed? One per line (or separated by "
        ";), each with who and when, like *Tom: send the budget template by Friday*. Say *no* "
        "if that's everything."
    ),
    Step.NEXT: (
        "When is your next meeting? For example *Tue 5 Jan 3pm*. "
        "Say *not yet* if you haven't agreed one."
    ),
}
CORRECTIONS = (
    "To change something, say for example *change action 2 due to 12 Dec*, *remove action 1*, "
    "*add action: Tom: call HR by Friday* or *change the next meeting to 12 Jan 3pm*, "
    "or choose *Change something*."
)
# The parts a correction names on its own ("change the next meeting"): asked again.
EDITED = {
    "discussion": Step.DISCUSSION,
    "decisions": Step.DECISIONS,
    "next": Step.NEXT,
    "day": Step.WHEN,
}
PARTS = (
    (Step.WHEN.value, "The day we met"),
    (Step.DISCUSSION.value, "Discussion"),
    (Step.DECISIONS.value, "Decisions"),
    (Step.ACTIONS.value, "Actions"),
    (Step.NEXT.value, "Next meeting"),
)


def _too_long(text: str) -> Text | None:
    if len(text) <= MAX_TEXT:
        return None
    return Text(
        f"That's {len(text):,} characters, more than I can keep in one go ({MAX_TEXT:,}). "
        "Nothing was saved. Could you shorten it?"
    )


def _mentee_pairing(ctx: Context) -> Pairing | Turn:
    """The active pairing the person is the mentee of, or a kind refusal."""
    pairings = minutes_queries.pairings_of(ctx.session, ctx.person_id)
    for pairing in pairings:
        if pairing.mentee_id == ctx.person_id:
            return pairing
    if pairings:
        mentee = ctx.name_of(pairings[0].mentee_id).split(" ", 1)[0]
        return say(
            f"In this scheme the mentee keeps the minutes, so {mentee} will log them. I'll let "
            "you know when they're saved, and you can read them any time with *our minutes*."
        )
    return say(
        "Minutes belong to a mentoring pair, and you're not in one at the moment, so there's "
        "nothing for me to log. Type *help* to see what I can do for you."
    )


def _to_minute(ctx: Context, state: MinutesState, day: date | None = None) -> list[Meeting]:
    """The pair's meetings that have started and have no minutes (held on ``day``, when said),
    most recent first."""
    window: dict[str, datetime] = {}
    if day is not None:
        start = datetime.combine(day, time(), tzinfo=ctx.tz)
        end = start + timedelta(days=1)
        window = {"since": start.astimezone(UTC), "until": end.astimezone(UTC)}
    return minutes_queries.meetings_to_minute(
        ctx.session, ctx.person_id, state.pairing_id, ctx.now, **window
    )


def _link_meeting(ctx: Context, state: MinutesState) -> None:
    """Choose the meeting the minutes are for: one held on the day said, or (no day said) the most
    recent meeting that has started and has no minutes; its day becomes the day held."""
    found, state.meeting_id = _to_minute(ctx, state, state.held_on), None
    if not state.held_on and len(found) > 1:
        # Several held meetings have no minutes: ask which, never guess.
        state.candidates = [m.id or 0 for m in found[:MAX_CANDIDATES]]
    elif found:
        state.held_on = state.held_on or ctx.local(found[0].starts_at).date()
        state.meeting_id = found[0].id


def _check_day(ctx: Context, pairing: Pairing, value: date | Ask) -> date | str:
    if isinstance(value, Ask):
        return f"{value.question} When did you meet?"
    started = ctx.local(pairing.started_at).date()
    if value < started:
        return (
            f"You were paired on {format_day(started, ctx.today)}, so you can't have met for the "
            f"scheme on {format_day(value, ctx.today)}. When did you meet?"
        )
    return value


def _set_next(state: MinutesState, value: When | Ask | None) -> None:
    """Keep the next meeting read; a question about it is said before it is asked again."""
    if isinstance(value, Ask):
        state.notes[Step.NEXT] = f"About the next meeting: {value.question}"
        state.next, state.next_asked = None, False
        return
    state.notes.pop(Step.NEXT, None)
    state.next = NextState(at=value.at_utc, has_time=value.has_time) if value else None
    state.next_asked = True


def _write(state: MinutesState, part: str, text: str) -> None:
    """Keep the discussion or the decisions as typed ("none": no decisions)."""
    setattr(state, part, "" if part == "decisions" and is_empty(text) else _capital(text))


def _meeting_at(ctx: Context, state: MinutesState) -> datetime | None:
    """When the meeting written up started: "same time", "in 4 weeks" count from it."""
    if state.meeting_id and (meeting := ctx.session.get(Meeting, state.meeting_id)):
        return meeting.starts_at
    return None


def _pick_meeting(ctx: Context, meetings: list[Meeting], text: str) -> list[Meeting]:
    """The meetings a typed answer names: its number, a day or "the latest" / "the first one"."""
    days = [ctx.local(m.starts_at).date() for m in meetings]
    return [meetings[i] for i in pick_days(text, days, ctx.today)]


TextTaker = Callable[[Context, MinutesState, str], Turn]


class LogMinutes(CheckedSteps[MinutesState]):
    """Gather the day, discussion, actions and next meeting (a table of steps, each asked only
    while it is missing); then the kit's confirmation, which-part question, patient-data guard
    and safety check (``Confirming``); save."""

    name: ClassVar[str] = "minutes"
    title: ClassVar[str] = "Your meeting minutes"
    schema_version: ClassVar[int] = 2
    confirm_question: ClassVar[str] = "Shall I save these minutes?"
    # Written text: a worry said there is kept and offered to the lead before the save.
    free_text = frozenset({Step.DISCUSSION, Step.DECISIONS, Step.ACTIONS, Step.REWRITE})
    which_question: ClassVar[str] = "What would you like to change?"
    guard_where: ClassVar[str] = "the minutes"
    State = MinutesState

    def __init__(self) -> None:
        # Each step: what it asks, and how it takes the answer.
        self.steps = {
            Step.WHEN: (self._plain, self._typed(self._on_when)),
            Step.MET: (self._met_question, self._typed(self._on_met)),
            Step.DISCUSSION: (self._plain, self._typed(self._on_written)),
            Step.DECISIONS: (self._plain, self._typed(self._on_written)),
            Step.ACTIONS: (self._plain, self._typed(self._on_actions)),
            Step.OWNER: (self._owner_question, self._on_owner),
            Step.DUE: (self._due_question, self._typed(self._on_due, (NO_DUE, "no date"))),
            Step.NEXT: (self._plain, self._typed(self._on_next)),
            Step.WHICH_MEETING: (self._which_meeting, self._on_which_meeting),
            Step.BOOK_NEXT: (self._book_question, self._on_book_next),
            Step.REWRITE: (self._rewrite_question, self._typed(self._on_rewrite)),
        }

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        said = meaning(msg.text)
        if state.step == Step.GUARD and state.guard_early and said in (Meaning.LATER, Meaning.NONE):
            # Not an answer to the guard asked as soon as it was written ("none", "not yet"):
            # the answer to what comes next, and the guard asked again before saving.
            state.guard_early, state.guard_later = False, True
            state.step = self._missing(state)
        return self.take(ctx, state, msg)

    def _typed(self, take: TextTaker, button: tuple[str, str] | None = None) -> StepTaker[Any]:
        """A step that reads typed words (``button``: a button that says them)."""

        def taker(ctx: Context, state: MinutesState, msg: Incoming) -> Turn:
            text = button[1] if button and msg.action == button[0] else msg.text.strip()
            if not text:
                return self.again(ctx, state, NOTHING)
            if (problem := _too_long(text)) is not None:
                return self.again(ctx, state, problem.text)
            return take(ctx, state, text)

        return taker

    def _plain(self, ctx: Context, state: MinutesState) -> list[Part]:
        return [Text(QUESTIONS[Step(state.step)])]

    # -- start ----------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        pairing = _mentee_pairing(ctx)
        if isinstance(pairing, Turn):
            return pairing
        assert pairing.id is not None
        text = "" if msg.action else msg.text
        if (problem := _too_long(text)) is not None:
            return say(problem.text, "Say *log minutes* and I'll ask for each part in turn.")
        pair = Pair.of(ctx, pairing)
        state = MinutesState(
            step=Step.WHEN, pairing_id=pairing.id, reader=pair.first_name(pair.mentor_id)
        )
        booked = meeting_queries.next_confirmed(ctx.session, ctx.person_id, pairing.id, ctx.now)
        if booked is not None:
            state.next_booked = format_when(booked, ctx.tz, ctx.now)
        written = read_write_up(text, self._context(ctx, state, pair))
        sections, agreed = written.sections, written.sections.next_meeting
        # "met Tom today for an hour by video; ...": how long and how, for a meeting that was
        # never booked (it is recorded as held when the minutes are saved).
        said = opening(text)
        length = parse_duration(said)
        if length is not None and timedelta() < length <= timedelta(hours=12):
            state.met_for = int(length.total_seconds() // 60)
        state.met_by = find_mode(said)
        # Notes of a day ("notes from today w tom: ...") with no meeting booked: asked whether
        # and when they met, and how. Said they met: recorded as held, at midday if no time.
        state.met_asked = written.met_said or bool(state.met_by or state.met_for)
        if (at := held_time(said)) is not None:
            state.met_at = at.at
        if written.held_on is not None:
            checked = _check_day(ctx, pairing, written.held_on)
            if isinstance(checked, str):
                state.notes[Step.WHEN] = checked
            else:
                state.held_on = checked
        if not state.notes:
            _link_meeting(ctx, state)
        state.discussion = "\n".join(sections.discussion)
        state.decisions = "\n".join(sections.decisions)
        if agreed is not None:
            # "next one same time in 4 weeks" counts from the meeting written up.
            when = agreed.when
            if agreed.said and (meeting_at := _meeting_at(ctx, state)) is not None:
                when = _next_meeting(agreed.said, ctx.now, ctx.tz, meeting_at)
            _set_next(state, when)
            state.next_words, state.next_mode = agreed.said, find_mode(agreed.said)
        said_before: list[Part] = [
            Text(
                f"Let's log the minutes. {pair.first_name(pairing.mentor_id)} will be able to "
                "read them too, and nobody else."
            )
        ]
        found = sections.actions
        if found is None and sections.discussion and says_agreed(text):
            found = ()  # notes that say what was discussed and agreed are the whole write-up
        if found is not None:
            # One message that carries the actions is the whole write-up: what it leaves out
            # (the discussion, dates, the next meeting) is left out, not asked for; the
            # confirmation shows it and a correction adds it. A date said that can't be used
            # ("asap", an unbooked "before our next one") is still asked.
            kept = [pair.parsed(a, ctx.person_id) for a in found[:MAX_ACTIONS]]
            state.actions, state.actions_asked = kept, True
            state.discussion_optional = state.next_asked = True
            for action in state.actions:
                if action.due is None and not action.due_note and not action.asap:
                    action.no_date = True
            if len(found) > MAX_ACTIONS:
                said_before.append(
                    Text(
                        f"I've kept the first {MAX_ACTIONS} actions: that's as many as one "
                        "meeting's minutes can hold."
                    )
                )
        return self._advance(ctx, state, *said_before)

    # -- what is still missing ------------------------------------------------------------

    def _advance(self, ctx: Context, state: MinutesState, *before: Part) -> Turn:
        """Ask for the first missing thing, or confirm when nothing is missing."""
        asked = state.guard_kept or state.guard_later
        if not asked and self._findings(ctx, state):
            # Patient data is named as soon as it is written, before anything else is asked.
            state.step, state.guard_early = Step.GUARD, True
            return Turn(replies=[*before, *self.asked(ctx, state)], state=state.to_state())
        state.step = self._missing(state)
        note = state.notes.pop(state.step, None)
        lead = [Text(note)] if note else []
        return Turn(replies=[*before, *lead, *self.asked(ctx, state)], state=state.to_state())

    @staticmethod
    def _missing(state: MinutesState) -> Step:
        """The first step still to answer (``pending``: the action it asks about)."""
        if not state.held_on:
            return Step.WHICH_MEETING if state.candidates else Step.WHEN
        unknown = not state.met_at or not state.met_by
        if unknown and not state.meeting_id and not state.met_asked:
            return Step.MET
        if not state.discussion and not state.discussion_optional:
            return Step.DISCUSSION
        if not state.actions_asked:
            return Step.ACTIONS
        owners = [n for n, a in enumerate(state.actions) if a.owner is None]
        dues = [n for n, a in enumerate(state.actions) if a.due is None and not a.no_date]
        for step, gaps in ((Step.OWNER, owners), (Step.DUE, dues)):
            if gaps:
                state.pending = gaps[0]
                return step
        state.pending = None
        if not state.next_asked and not state.next_booked:
            return Step.NEXT
        return Step.CONFIRM

    def _context(
        self, ctx: Context, state: MinutesState, pair: Pair | None = None
    ) -> SectionContext:
        """How the pair's words are read: "before our next one", "same time" have their dates."""
        booked = meeting_queries.next_confirmed(
            ctx.session, ctx.person_id, state.pairing_id, ctx.now
        )
        day = ctx.local(booked).date() if booked else None
        at = _meeting_at(ctx, state)
        return (pair or self._pair(ctx, state)).context(ctx.person_id, ctx.now, ctx.tz, day, at)

    # -- the questions --------------------------------------------------------------------

    def _met_question(self, ctx: Context, state: MinutesState) -> list[Part]:
        assert state.held_on is not None
        how = "in person, by video or by phone"
        if state.met_at:
            return [Text(f"And how did you meet: {how}?")]
        if state.met_by:
            return [Text("What time did you meet? For example *10am* or *10-11*.")]
        pair = self._pair(ctx, state)
        return [
            Text(
                f"You met {pair.first_name(pair.mentor_id)} on "
                f"{format_day(state.held_on, ctx.today)}? It wasn't booked, so I'll add it to "
                f"your meetings. What time was it, and was it {how}? For example *10-11 on "
                "Teams*."
            )
        ]

    def _owner_choices(self, ctx: Context, state: MinutesState) -> tuple[Choice, ...]:
        pair = self._pair(ctx, state)
        me, other = ctx.person_id, pair.other(ctx.person_id)
        return (
            Choice(f"{pair.name(me)} (you)", OWNER, str(me)),
            Choice(pair.name(other), OWNER, str(other)),
            Choice("Both of us", OWNER, BOTH),
        )

    def _owner_question(self, ctx: Context, state: MinutesState) -> list[Part]:
        said = state.action.owner_said
        lead = f"I don't know who '{said}' is. " if said else ""
        asked = f"{lead}Who will do *{state.action.text}*?"
        return [Question(asked, self._owner_choices(ctx, state))]

    def _due_question(self, ctx: Context, state: MinutesState) -> list[Part]:
        action = state.action
        asked = (
            f"*{action.text}*: {action.due_note} Or say *no date*."
            if action.due_note
            else f"When is *{action.text}* due? For example *Fri 4 Dec* or "
            "*end of the month*, or say *no date*."
        )
        return [Question(asked, (Choice("No due date", NO_DUE),))]

    def _rewrite_question(self, ctx: Context, state: MinutesState) -> list[Part]:
        return [Text(f"Please type {_part_name(state.rewrite or 'discussion')} again, without it.")]

    # -- the answers ----------------------------------------------------------------------

    def _on_when(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        value = past_day(text, ctx.today)
        if value is None:
            return self.again(ctx, state, "Sorry, I couldn't read a day in that.")
        checked = _check_day(ctx, self._pairing(ctx, state), value)
        if isinstance(checked, str):
            return reask(checked, [], state.to_state())
        state.held_on = checked
        state.met_asked = True  # the answer to "When did you meet?"
        _link_meeting(ctx, state)
        return self._advance(ctx, state)

    def _on_met(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        """What time they met and how ("yep 8-9 on teams"); "not sure" leaves it as it is."""
        at, mode = held_time(text), find_mode(text)
        if at is None and mode is None:
            if is_empty(text) or meaning(text) in (Meaning.LATER, Meaning.NONE):
                state.met_asked = True
                return self._advance(ctx, state)
            return self.again(ctx, state, "Sorry, I couldn't read a time or a way of meeting.")
        if at is not None:
            state.met_at = at.at
            length = parse_duration(text)
            minutes = at.minutes or (int(length.total_seconds() // 60) if length else None)
            state.met_for = minutes or state.met_for
        state.met_by = mode or state.met_by
        return self._advance(ctx, state)

    def _on_written(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        _write(state, state.step, text)  # the discussion or the decisions
        return self._advance(ctx, state)

    def _on_actions(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        if nothing_to_add(text):
            state.actions, state.actions_asked = [], True
            said = leading(text)
            if said is not None and said.meaning is Meaning.NO and is_empty(said.rest or "no"):
                # "nah", "no, nothing else to add" to "anything else?": that's everything ("no
                # not really": no actions, and the next meeting is still asked).
                state.next_asked = not hedged_none(text)
            return self._advance(ctx, state)
        if (said := leading(text)) is not None and said.meaning is Meaning.YES and not said.rest:
            return self.again(ctx, state, "Good: what were they?")  # "yes" is not an action
        # Every line of the answer is an action (an owner may be asked), wherever it comes.
        pair = self._pair(ctx, state)
        reading = read_sections("actions:\n" + text, self._context(ctx, state, pair))
        parsed = [pair.parsed(a, ctx.person_id) for a in reading.actions or ()]
        if not parsed:
            return self.again(ctx, state, NO_ACTION)
        if len(parsed) > MAX_ACTIONS:
            return self.again(
                ctx,
                state,
                f"That's {len(parsed)} actions; one meeting's minutes hold {MAX_ACTIONS}.",
            )
        state.actions, state.actions_asked = parsed, True
        return self._advance(ctx, state)

    def _on_owner(self, ctx: Context, state: MinutesState, msg: Incoming) -> Turn:
        if msg.action == OWNER:
            picked = chosen(msg, self._owner_choices(ctx, state))
            return self._owned(ctx, state, picked.value if picked else None)
        return self._typed(self._on_owner_typed)(ctx, state, msg)

    def _on_owner_typed(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        # "2", "option 3 pls", "tom": a choice of the question, as typed on Slack and Teams.
        picked = pick(text, self._owner_choices(ctx, state))
        owner = picked.value if picked else self._pair(ctx, state).who(text, ctx.person_id)
        return self._owned(ctx, state, owner)

    def _owned(self, ctx: Context, state: MinutesState, owner: Owner | str | None) -> Turn:
        if owner is None:
            return self.again(ctx, state, _owners(self._pair(ctx, state)))
        action = state.action
        action.owner = owner if owner == BOTH or isinstance(owner, int) else int(owner)
        action.owner_said = None
        return self._advance(ctx, state)

    def _on_due(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        action = state.action
        value = None if nothing_to_add(text) else read_due(text, self._context(ctx, state))
        if isinstance(value, Ask):
            return reask(value.question + " Or say *no date*.", [], state.to_state())
        if value is None and action.asap:
            action.text += " (asap)"  # "asap" with no date: kept in the words, so not lost
        action.dated(value)
        return self._advance(ctx, state)

    def _on_next(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        # "nothing booked yet", "none": not agreed yet, in the shared vocabulary's words.
        none = nothing_to_add(text)
        value = None if none else _next_meeting(text, ctx.now, ctx.tz, _meeting_at(ctx, state))
        if isinstance(value, Ask):
            return reask(value.question + " Or say *not yet*.", [], state.to_state())
        _set_next(state, value)
        state.next_mode = find_mode(text) if value else None
        return self._advance(ctx, state)

    def _on_rewrite(self, ctx: Context, state: MinutesState, text: str) -> Turn:
        part, state.rewrite = state.rewrite or "discussion", None
        if part.isdigit():
            state.actions[int(part) - 1].text = _capital(text)
        else:
            setattr(state, part, _capital(text))
        return self._advance(ctx, state)

    # -- confirm and correct -----------------------------------------------------------------

    def summary(self, ctx: Context, state: MinutesState) -> list[Part]:
        assert state.held_on is not None
        pair = self._pair(ctx, state)
        meeting_note = ""
        if state.meeting_id and (meeting := ctx.session.get(Meeting, state.meeting_id)):
            meeting_note = f" (the meeting booked for {ctx.local(meeting.starts_at):%H:%M})"
        lines = [
            "Here are the minutes:",
            f"*Meeting:* {format_day(state.held_on, ctx.today)}{meeting_note}",
            f"*Discussion:* {state.discussion or '(none written)'}",
        ]
        if state.decisions:
            lines.append(f"*Decisions:* {state.decisions}")
        if state.actions:
            lines.append("*Actions:*")
            lines += [
                f"{n}. {self._action_line(ctx, pair, a)}"
                for n, a in enumerate(state.actions, start=1)
            ]
        else:
            lines.append("*Actions:* none")
        booked = f"{state.next_booked} (already booked)" if state.next_booked else ""
        lines.append(f"*Next meeting:* {self._next_text(ctx, state) or booked or 'not agreed yet'}")
        return [Text("\n".join(lines), private=True), Text(CORRECTIONS)]

    @staticmethod
    def _action_line(ctx: Context, pair: Pair, action: ParsedAction) -> str:
        owner = "you" if action.owner == ctx.person_id else pair.name(action.owner)
        due = f"due {format_day(action.due, ctx.today)}" if action.due else "no due date"
        return f"{action.text}: {owner}, {due}"

    def _next_text(self, ctx: Context, state: MinutesState, zone: ZoneInfo | None = None) -> str:
        if state.next is None:
            return ""
        tz = zone or ctx.tz
        if state.next.has_time:
            return format_when(state.next.at, tz, ctx.now)
        return format_day(state.next.at.astimezone(tz).date(), ctx.now.astimezone(tz).date())

    def parts(self) -> tuple[tuple[str, str], ...]:
        return PARTS

    def edit_part(self, ctx: Context, state: MinutesState, part: str) -> Turn:
        return self._edit(ctx, state, Step(part))

    def changed(self, ctx: Context, state: MinutesState, msg: Incoming) -> Turn | None:
        return None if msg.action else self._correction(ctx, state, msg.text.strip())

    def _edit(self, ctx: Context, state: MinutesState, step: Step) -> Turn:
        if step is Step.ACTIONS:
            state.step = Step.CONFIRM
            return Turn(
                replies=[
                    Text(
                        "Tell me what to change about the actions: for example "
                        "*change action 2 due to 12 Dec*, *change action 1 owner to Tom*, "
                        "*change action 1 to: call HR by Friday*, *remove action 1* or "
                        "*add action: Tom: send the template by Friday*."
                    )
                ],
                state=state.to_state(),
            )
        state.step = step
        current = {Step.DISCUSSION: state.discussion, Step.DECISIONS: state.decisions}.get(step)
        shown: list[Part] = [Text(f"You wrote: {current}", private=True)] if current else []
        return Turn(replies=[*shown, *self.asked(ctx, state)], state=state.to_state())

    def _correction(self, ctx: Context, state: MinutesState, text: str) -> Turn | None:
        """A typed correction at the confirmation: actions, discussion, day, next meeting."""
        if (problem := _too_long(text)) is not None:
            return reask(problem.text, [], state.to_state())
        said = read_correction(text)
        if said is None:
            return None
        pair, actions = self._pair(ctx, state), state.actions
        index = said.number - 1 if said.number is not None else None
        if index is not None and not 0 <= index < len(actions):
            have = (
                f"the actions are numbered 1 to {len(actions)}"
                if actions
                else "there are no actions yet"
            )
            return reask(f"There's no action {said.number}: {have}.", [], state.to_state())
        action = actions[index] if index is not None else None
        if said.kind in EDITED and not said.value:  # "change the discussion": asked again
            return self._edit(ctx, state, EDITED[said.kind])
        if said.kind == "remove" and action is not None:
            actions.remove(action)
            return self._advance(ctx, state, Text(f"Removed: {action.text}."))
        if said.kind == "due" and action is not None:
            when = said.value
            due = None if nothing_to_add(when) else read_due(when, self._context(ctx, state, pair))
            if isinstance(due, Ask):
                return reask(due.question, [], state.to_state())
            action.dated(due)
            return self._advance(ctx, state)
        if said.kind == "owner" and action is not None:
            if (owner := pair.who(said.value, ctx.person_id)) is None:
                return reask(_owners(pair), [], state.to_state())
            action.owner, action.owner_said = owner, None
            return self._advance(ctx, state)
        replacing = said.kind == "replace" and action is not None
        if replacing or said.kind == "add":
            if not replacing and len(actions) >= MAX_ACTIONS:
                why = f"One meeting's minutes hold {MAX_ACTIONS} actions at most."
                return reask(why, [], state.to_state())
            parsed = parse_action(said.value, pair, ctx.person_id, ctx.now, ctx.tz)
            if parsed is None:
                return reask(NO_ACTION, [], state.to_state())
            if action is not None and replacing:
                if parsed.owner is None and parsed.owner_said is None:
                    parsed.owner = action.owner
                if parsed.due is None and not parsed.no_date and not parsed.due_note:
                    parsed.due, parsed.no_date = action.due, action.no_date
                actions[actions.index(action)] = parsed
            else:
                actions.append(parsed)
                state.actions_asked = True
            return self._advance(ctx, state)
        if said.kind in ("discussion", "decisions"):
            _write(state, said.kind, said.value)
            if not state.discussion:
                return self._edit(ctx, state, Step.DISCUSSION)
            return self._advance(ctx, state)
        if said.kind == "next":
            state.notes = {}
            _set_next(state, _next_meeting(said.value, ctx.now, ctx.tz))
            return self._advance(ctx, state)
        if said.kind == "no_next":
            state.next, state.next_asked = None, True
            return self._advance(ctx, state)
        return self._on_when(ctx, state, said.value) if said.kind == "day" else None

    # -- the patient data guard and saving ----------------------------------------------------

    def _guarded_texts(self, state: MinutesState) -> list[str]:
        return [state.discussion, state.decisions, *(a.text for a in state.actions)]

    def _findings(self, ctx: Context, state: MinutesState) -> list[Finding]:
        return [] if state.guard_kept else super()._findings(ctx, state)

    def remove_patient_data(self, state: MinutesState, pattern: str | None) -> None:
        def clean(text: str) -> str:
            return remove_patient_data(text, find_patient_data(text, pattern))

        state.removed = True
        state.discussion, state.decisions = clean(state.discussion), clean(state.decisions)
        for action in state.actions:
            action.text = clean(action.text)

    def guarded_choice(self, ctx: Context, state: MinutesState, choice: str) -> Turn:
        """Asked as soon as it was written (``guard_early``), a kept or removed text carries on
        to what is still missing; at the save, it is saved."""
        if choice == GUARD_EDIT:
            return self.rewrite(ctx, state)
        if choice == GUARD_KEEP:
            state.guard_kept = True
        elif choice == GUARD_REMOVE:
            self.remove_patient_data(state, ctx.settings().hospital_number_pattern)
        missing = self._missing(state.model_copy(deep=True))
        if state.guard_early and (choice == GUARD_KEEP or missing != Step.CONFIRM):
            return self._advance(ctx, state)
        return self._save_checked(ctx, state)

    def rewrite(self, ctx: Context, state: MinutesState) -> Turn:
        """The guard's *rewrite*: the part that holds it, typed again."""
        texts = {"discussion": state.discussion, "decisions": state.decisions}
        texts |= {str(n): a.text for n, a in enumerate(state.actions, start=1)}
        held = (part for part, text in texts.items() if patient_data_in(ctx, text))
        state.step, state.rewrite = Step.REWRITE, next(held, "discussion")
        asked = Text(
            f"OK, let's rewrite it. Please type {_part_name(state.rewrite)} again, without it."
        )
        return Turn(replies=[asked], state=state.to_state())

    def safety_wording(self, state: MinutesState) -> safety_check.Wording:
        return safety_check.shared_wording("the minutes", state.reader or "your mentor")

    def safety_pairing(self, state: MinutesState) -> int:
        return state.pairing_id

    def left_out(self, ctx: Context, state: MinutesState, texts: list[str]) -> Turn:
        """After a concern went to the lead: the minutes without what was sent."""
        if state.discussion in texts:
            # The discussion went to the lead: ask what else was discussed, rather than save
            # minutes with no discussion at all.
            state.discussion, state.discussion_optional = "", False
        if state.decisions in texts:
            state.decisions = ""
        state.actions = [a for a in state.actions if a.text not in texts]
        left = Text("I've left that out of the minutes: it's with the project lead.")
        return self._advance(ctx, state, left)

    def save(self, ctx: Context, state: MinutesState) -> Turn:
        pairing = self._pairing(ctx, state)
        if pairing.status != PairingStatus.ACTIVE.value or pairing.mentee_id != ctx.person_id:
            return say(
                "Your mentoring pairing has ended since we started, so I can't save these "
                "minutes. Nothing was saved."
            )
        assert state.held_on is not None
        pair, held_on = Pair.of(ctx, pairing), state.held_on
        meeting = self._meeting(ctx, state)
        decisions = state.decisions
        if state.next is not None:
            agreed = (
                f"{offer.NEXT_AGREED} {self._next_text(ctx, state)} ({ctx.person.time_zone} time)"
            )
            decisions = f"{decisions}\n{agreed}" if decisions else agreed
        booked = meeting
        if meeting is None:
            meeting = self._held_meeting(ctx, state, pairing, held_on)
        minutes = Minutes(
            pairing_id=pairing.id or 0,
            meeting_id=meeting.id if meeting else None,
            author_id=ctx.person_id,
            held_on=held_on,
            discussion=state.discussion,
            decisions=decisions,
            created_at=ctx.now,
        )
        ctx.session.add(minutes)
        ctx.session.flush()
        for action in state.actions:
            ctx.session.add(
                ActionItem(
                    pairing_id=pairing.id or 0,
                    minutes_id=minutes.id,
                    owner_id=action.owner if isinstance(action.owner, int) else None,
                    owner_name=pair.name(action.owner),
                    text=action.text,
                    due=action.due,
                    created_at=ctx.now,
                )
            )
        if meeting is not None:
            meeting.status = MeetingStatus.HELD.value
            meeting.updated_at = ctx.now
            ctx.session.add(meeting)
        actions_said = counted(len(state.actions), "action") if state.actions else "no actions"
        mentor_first = pair.first_name(pair.mentor_id)
        removed = " (without the patient details)" if state.removed else ""
        replies: list[Part] = [
            Text(
                f"Saved the minutes of your meeting on {format_day(held_on, ctx.today)}{removed}, "
                f"with {actions_said}. I've let {mentor_first} know (the notification doesn't show "
                "what you wrote). Type *my actions* to see what's open, or *our minutes* to "
                "read them back."
            )
        ]
        outgoing = [
            self._tell_mentor(ctx, pair, state, held_on),
            *first_minutes_questions(ctx, pairing),
        ]
        if state.next is not None:
            booking = self._booking(ctx, state, booked)
            if booking is not None:
                # The next meeting agreed: a proposal to the partner, once the mentee says so.
                replies += self._book_question(ctx, booking)
                return Turn(replies=replies, state=booking.to_state(), outgoing=outgoing)
            said = self._booking_text(ctx, state)
            book = Choice("Book it now", INTENT_ACTION_PREFIX + IntentName.BOOK_MEETING, said)
            asked = (
                f"You agreed to meet next on {self._next_text(ctx, state)}. Booking it sends "
                f"{mentor_first} a proposal to accept. Shall I start booking it now?"
            )
            replies += [
                Question(asked, (book,)),
                Text(f"Or book it later: say *book a meeting {said}*."),
            ]
        elif not state.next_booked and offer.wanted(ctx):
            replies.append(offer.offer(mentor_first))  # answered in a new turn: see offer.py
        # After the pair's first minutes, both are asked whether the pairing is a good fit.
        return Turn(replies=replies, outgoing=outgoing)

    def _booking(
        self, ctx: Context, state: MinutesState, meeting: Meeting | None
    ) -> MinutesState | None:
        """The proposal the next meeting would make: a time and a way of meeting (said, or the
        way the meeting written up was held); None when either is missing."""
        if state.next is None or not state.next.has_time:
            return None
        mode = state.next_mode or (meeting.mode if meeting is not None else None) or state.met_by
        if not mode:
            return None
        length = parse_duration(state.next_words or "")
        minutes = int(length.total_seconds() // 60) if length else 60
        return MinutesState(
            step=Step.BOOK_NEXT,
            pairing_id=state.pairing_id,
            next=state.next,
            next_mode=mode,
            next_minutes=max(minutes, 15),
            booking_text=self._booking_text(ctx, state),
        )

    def _book_question(self, ctx: Context, state: MinutesState) -> list[Part]:
        assert state.next is not None
        pair = self._pair(ctx, state)
        length = format_duration(timedelta(minutes=state.next_minutes or 60))
        mode = state.next_mode or ""
        how = MODE_TEXT.get(Mode(mode), mode).lower()
        return [
            Question(
                f"You agreed to meet next on {format_when(state.next.at, ctx.tz, ctx.now)} "
                f"({length}, {how}). Shall I send {pair.first_name(pair.mentor_id)} a proposal "
                "for it? They'll be asked to accept.",
                (Choice("Yes, send it", BOOK), Choice("Not now", NO_BOOK)),
            )
        ]

    def _on_book_next(self, ctx: Context, state: MinutesState, msg: Incoming) -> Turn:
        later = f"say *book a meeting {state.booking_text}* when you're ready."
        if msg.action == NO_BOOK or (msg.action is None and is_no(msg.text)):
            return say(f"OK, I haven't sent anything. To book it later, {later}")
        if not (msg.action == BOOK or (msg.action is None and is_yes(msg.text))):
            return self.again(ctx, state, "Please choose *Yes, send it* or *Not now*.")
        pairing = self._pairing(ctx, state)
        if pairing.status != PairingStatus.ACTIVE.value or pairing.mentee_id != ctx.person_id:
            return say("Your pairing has changed, so nothing was sent.")
        assert state.next is not None
        at, minutes = state.next.at, state.next_minutes or 60
        if at <= ctx.now:
            return say(f"That time has passed, so nothing was sent. To book, {later}")
        if (clash := proposal_clash(ctx, pairing, at, minutes)) is not None:
            return say(f"{clash} Nothing was sent. To book another time, {later}")
        meeting = Meeting(
            pairing_id=pairing.id or 0,
            starts_at=at,
            duration_minutes=minutes,
            mode=state.next_mode or "",
            status=MeetingStatus.PROPOSED.value,
            proposed_by_id=ctx.person_id,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(meeting)
        ctx.session.flush()
        out = propose_meeting(ctx, meeting, pairing)
        pair = Pair.of(ctx, pairing)
        first = pair.first_name(pair.mentor_id)
        return say(
            f"Sent to {pair.name(pair.mentor_id)}: {format_when(at, ctx.tz, ctx.now)}. I'll let "
            f"you know when {first} replies. Type *my meetings* to see your meetings.",
            outgoing=[out],
        )

    # -- which meeting ------------------------------------------------------------------------

    def _which_meeting(self, ctx: Context, state: MinutesState) -> list[Part]:
        meetings = self._candidates(ctx, state)
        return [
            Question(
                "Which meeting are these minutes for? More than one has none yet.",
                tuple(
                    Choice(format_when(m.starts_at, ctx.tz, ctx.now), MEETING, str(m.id))
                    for m in meetings
                ),
            )
        ]

    def _candidates(self, ctx: Context, state: MinutesState) -> list[Meeting]:
        return [m for m in _to_minute(ctx, state) if m.id in state.candidates]

    def _on_which_meeting(self, ctx: Context, state: MinutesState, msg: Incoming) -> Turn:
        meetings = self._candidates(ctx, state)
        if msg.action == MEETING:
            picked = [m for m in meetings if str(m.id) == str(msg.values.get("value", ""))]
        else:
            picked = _pick_meeting(ctx, meetings, msg.text)
        if len(picked) != 1:
            why = "Please pick one of these: its number or its day, such as *the 27th*."
            return self.again(ctx, state, why)
        meeting = picked[0]
        state.held_on = ctx.local(meeting.starts_at).date()
        state.meeting_id, state.candidates = meeting.id, []
        if state.next_words:
            _set_next(state, _next_meeting(state.next_words, ctx.now, ctx.tz, meeting.starts_at))
        return self._advance(ctx, state)

    def _booking_text(self, ctx: Context, state: MinutesState) -> str:
        """The next meeting as a booking dialog reads it back: "8 Jan 2027 15:00"."""
        assert state.next is not None
        local = state.next.at.astimezone(ctx.tz)
        day = f"{local.day} {local:%b} {local.year}"
        return f"{day} {local:%H:%M}" if state.next.has_time else day

    def _tell_mentor(
        self, ctx: Context, pair: Pair, state: MinutesState, held_on: date
    ) -> Outgoing:
        mentor = ctx.session.get(PersonRow, pair.mentor_id)
        zone = ZoneInfo(mentor.time_zone) if mentor is not None else ctx.tz
        their_today = ctx.now.astimezone(zone).date()
        mentee_first = pair.first_name(pair.mentee_id)
        lines: list[str] = []
        for action in state.actions:
            due = f", due {format_day(action.due, their_today)}" if action.due else ""
            owner = "you" if action.owner == pair.mentor_id else pair.name(action.owner)
            lines.append(f"• {action.text} ({owner}{due})")
        content: list[Part] = []
        if lines:
            content.append(Text("Actions agreed:\n" + "\n".join(lines), private=True))
        if next_text := self._next_text(ctx, state, zone):
            content.append(
                Text(f"Next meeting agreed: {next_text}. {mentee_first} will send you the booking.")
            )
        return Outgoing(
            parts=(
                Text(
                    f"{mentee_first} has logged the minutes of your meeting on "
                    f"{format_day(held_on, their_today)}."
                ),
                *content,
                Text("Type *our minutes* to read them, or *my actions* to see the open actions."),
            ),
            recipient_id=pair.mentor_id,
        )

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _pairing(ctx: Context, state: MinutesState) -> Pairing:
        pairing = ctx.session.get(Pairing, state.pairing_id)
        if pairing is None:
            raise LookupError("the pairing of these minutes has gone")
        return pairing

    def _pair(self, ctx: Context, state: MinutesState) -> Pair:
        return Pair.of(ctx, self._pairing(ctx, state))

    @staticmethod
    def _held_meeting(
        ctx: Context, state: MinutesState, pairing: Pairing, held_on: date
    ) -> Meeting | None:
        """A meeting never booked is recorded as held, so reports and reminders know the pair
        met: at the time and in the way said (else midday, in person), never later than now,
        for as long as said (else the scheme's hour)."""
        at = state.met_at or time(12)
        starts_at = min(datetime.combine(held_on, at, tzinfo=ctx.tz).astimezone(UTC), ctx.now)
        if starts_at <= pairing.started_at:
            return None
        meeting = Meeting(
            pairing_id=pairing.id or 0,
            starts_at=starts_at,
            duration_minutes=state.met_for or 60,
            mode=state.met_by or "in_person",
            status=MeetingStatus.HELD.value,
            proposed_by_id=ctx.person_id,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(meeting)
        ctx.session.flush()
        return meeting

    def _meeting(self, ctx: Context, state: MinutesState) -> Meeting | None:
        """The linked meeting, if it is still this pair's and still without minutes."""
        found = _to_minute(ctx, state) if state.meeting_id else []
        return next((m for m in found if m.id == state.meeting_id), None)


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(LogMinutes(), IntentName.LOG_MINUTES)
    registry.add_dialog(actions.ActionUpdate(), IntentName.DONE_ACTION)
    registry.answers[IntentName.MY_ACTIONS] = actions.my_actions
    registry.open_questions.append(actions.action_questions)
    registry.open_questions.append(offer.book_next_questions)
    registry.answers[IntentName.MY_MINUTES] = read.our_minutes
    registry.action_routes[ACTION_PREFIX] = IntentName.DONE_ACTION
