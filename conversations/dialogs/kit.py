"""The dialog kit: the steps every form-like dialog shares, written once.

A dialog built from the kit declares its fields as data (the way python-telegram-bot declares a
ConversationHandler's states, and Rasa a form's ``required_slots``) and says how to summarise and
save what was gathered. The kit runs the rest:

- **Ask only for what is missing.** Each turn asks for the first field with no value (a field a
  start message already filled is never asked).
- **FreeText** fields keep what was typed (``skip`` or "none" leaves an optional one out); **Ask**
  fields read the text with their own parser and re-ask, saying why, when it cannot be read;
  **Choose** fields take a number, a label, a distinctive word of a label or a near miss.
- **Confirm/Change**: "Shall I save it?" understands yes and no in people's own words (the one
  vocabulary in ``conversations.language``), "change something" or a field's name ("change the
  so what"), and a typed correction that one of the fields can read ("actually make it 4pm").
- **Guard**: before saving, text that seems to hold patient data is named, and the person
  chooses to remove it, rewrite it or keep it (``conversations.patient_data``).
- **Safety**: before saving, text that reads like a concern is offered to the project lead first
  (``safety_check``), once.

A form may word its confirmation for the record at hand and add buttons of its own
(``question``, ``confirm_choices``), read an answer there before the kit does
(``confirm_reply``: a contract signs on "I agree", never on a plain "yes"), and say who reads
what the safety check asks about (``safety_wording``, ``safety_pairing``).

The state is a pydantic model per dialog (``FormState`` and its subclasses), validated on load,
stored with the dialog's ``schema_version`` (the engine puts aside a state of another version).

A flow that is not a form (choices that branch, a send that may end a pairing) is a ``Steps``
dialog: a table of steps, each naming what it asks and how it takes the answer, over a typed
``StepState``; ``reask`` and ``guarded`` (the patient-data guard's answer) serve it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from conversations.corrections import CHANGE_FIELD, FieldNames
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Turn
from conversations.intents import IntentName, recognise
from conversations.language.choices import pick
from conversations.language.later import not_yet
from conversations.language.vocabulary import Meaning, as_typed, is_empty, leading
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_EDIT,
    GUARD_KEEP,
    GUARD_REMOVE,
    Finding,
    find_patient_data,
    guard_choice,
    guard_question,
    remove_patient_data,
)

CONFIRM = "confirm"
WHICH = "which_part"
GUARD = "guard"
SAFETY = safety_check.STEP

NOTHING = "I didn't get anything there."


class FormState(BaseModel):
    """What a form dialog keeps between turns. Subclasses add their own typed fields."""

    model_config = ConfigDict(extra="forbid")

    step: str
    values: dict[str, Any] = Field(default_factory=dict)
    editing: bool = False
    # An answer held while the guard or the safety check asks about it (``check_on_answer``),
    # and the field it answers.
    pending: Any = None
    holding: str | None = None
    # The safety check's bookkeeping (``safety_check.CHECKED`` / ``NOTICED``).
    safety_checked: list[str] = Field(default_factory=list)
    safety: dict[str, Any] | None = None
    # Fields put off ("later", "not yet"): asked again once every other one is answered.
    later: list[str] = Field(default_factory=list)

    def to_state(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


S = TypeVar("S", bound=FormState)
FormAsker = Callable[[Context, S], list[Part]]
FormTaker = Callable[[Context, S, Incoming], Turn]
OwnSteps = dict[str, tuple[FormAsker[S], FormTaker[S]]]


@dataclass(frozen=True)
class Read:
    """A field's reading of a reply: the value to keep (any JSON value), or why it could not
    be kept."""

    value: Any = None
    problem: str | None = None
    # Other fields the same answer fills ("Leading a team of 12 in CT" is the position and
    # the detail about it): kept unless they already have a value.
    also: dict[str, Any] = dataclass_field(default_factory=dict)


Reader = Callable[[Context, Incoming], Read]
Asker = Callable[[Context], list[Part]]


@dataclass(frozen=True)
class Later:
    """A field that may be put off once ("later", "I don't have it yet"): the rest are asked
    first, then it is asked again (``question``) and can't be put off again (``needed``)."""

    note: str  # said when it is put off: "No problem: I'll ask for it again before you submit."
    question: str
    needed: str


YES_NO = (("yes", "Yes"), ("no", "No"))


@dataclass(frozen=True)
class FormField:
    """One thing a form asks for.

    ``reader`` reads a typed reply (None: free text, kept as written); ``choices`` makes it a
    choice (value, label) read by number, label, word or near miss. ``optional`` lets *skip*
    leave it out; ``guarded`` puts its text through the patient-data guard and the safety check.
    """

    name: str
    label: str  # "So what": how "Which part would you like to change?" names it
    question: str
    optional: bool = False
    guarded: bool = True
    reader: Reader | None = None
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 5000
    # Other words people use for the field ("about me" for the bio): "change my about me".
    words: tuple[str, ...] = ()
    # How a value is shown in the summary (default: as it is, or "(skipped)").
    show: Callable[[Any], str] | None = None
    # A question that depends on the person or the scheme (it replaces ``question``).
    asker: Asker | None = None
    # A typed correction at the confirmation may be for this field ("actually make it 4pm"):
    # only for fields whose reader reads little else (a time, a length), not free text.
    corrects: bool = False
    # What to say when a reply picks none of ``choices`` (a yes/no: "Please answer yes or no").
    problem: str | None = None
    later: Later | None = None
    # False: a reply that can't be read gets only its problem, not the question again (a long
    # listing the person has just seen).
    repeat: bool = True

    def shown(self, value: Any) -> str:
        if self.show is not None:
            return self.show(value)
        return str(value) if value not in (None, "") else "(skipped)"

    def ask(self, ctx: Context | None = None) -> list[Part]:
        if self.asker is not None and ctx is not None:
            return self.asker(ctx)
        if self.choices:
            return [
                Question(
                    self.question,
                    tuple(
                        Choice(label, f"kit:{self.name}", value) for value, label in self.choices
                    ),
                )
            ]
        return [Text(self.question)]

    def read(self, ctx: Context, msg: Incoming) -> Read:
        text = msg.text.strip()
        if self.choices and msg.action == f"kit:{self.name}":
            value = str(msg.values.get("value", ""))
            if value in {v for v, _ in self.choices}:
                return Read(value)  # its own button, whatever else reads the field
        if self.reader is not None and msg.action is not None:
            return self.reader(ctx, msg)
        if self.choices:
            options = [Choice(label, f"kit:{self.name}", value) for value, label in self.choices]
            chosen = pick(text, options)
            if chosen is None and self.reader is not None and text:
                return self.reader(ctx, msg)  # a longer answer the field reads on its own
            if chosen is None:
                return Read(problem=self.problem or "Please pick one of these.")
            return Read(chosen.value)
        if not text:
            return Read(problem=NOTHING)
        if self.optional and is_empty(text, self.label):
            return Read("")
        if len(text) > self.max_length:
            return Read(
                problem=f"That's {len(text):,} characters, more than I can keep here "
                f"({self.max_length:,}). Nothing was saved. Could you shorten it?"
            )
        if self.reader is not None:
            return self.reader(ctx, msg)
        return Read(text)


class _Stateful(Protocol):
    step: str

    def to_state(self) -> dict[str, Any]: ...


C = TypeVar("C", bound=_Stateful)


class Confirming(Generic[C]):
    """The steps before a save, for any dialog: the confirmation ("Shall I save it?"), which part
    to change, the patient-data guard and the safety check. A ``Form`` is built on it; a
    ``Steps`` dialog with steps of its own (the minutes) uses it through the hooks below, and
    sends its ``CONFIRM``, ``WHICH``, ``GUARD`` and ``SAFETY`` steps to ``checking_prompt`` and
    ``checking_step``."""

    confirm_question: ClassVar[str] = "Shall I save it?"
    which_question: ClassVar[str] = "Which part would you like to change?"
    save_label: ClassVar[str] = "Save"
    change_label: ClassVar[str] = "Change something"
    guard_where: ClassVar[str] = "here"  # "your diary": where patient data mustn't be kept
    wording: ClassVar[safety_check.Wording | None] = None

    SAVE: ClassVar[str] = "kit:save"
    CHANGE: ClassVar[str] = "kit:change"
    PART: ClassVar[str] = "kit:part"

    # -- hooks --------------------------------------------------------------------------------

    def load(self, raw: dict[str, Any]) -> C:
        raise NotImplementedError

    def summary(self, ctx: Context, state: C) -> list[Part]:
        raise NotImplementedError

    def save(self, ctx: Context, state: C) -> Turn:
        raise NotImplementedError

    def parts(self) -> Sequence[tuple[str, str]]:
        """The parts "Which part would you like to change?" offers: (name, label)."""
        raise NotImplementedError

    def edit_part(self, ctx: Context, state: C, part: str) -> Turn:
        """What changing a part does (ask for it again, showing what it holds)."""
        raise NotImplementedError

    def part_named(self, text: str) -> str | None:
        """The part a reply at the confirmation names on its own ("the so what")."""
        return None

    def changed(self, ctx: Context, state: C, msg: Incoming) -> Turn | None:
        """A typed change at the confirmation ("change action 2 due to 12 Dec"); None: not one."""
        return None

    def _guarded_texts(self, state: C) -> list[str]:
        """The texts the patient-data guard and the safety check read."""
        raise NotImplementedError

    def remove_patient_data(self, state: C, pattern: str | None) -> None:
        """The guard's *remove*: take what seems to be patient data out of the written parts."""
        raise NotImplementedError

    def left_out(self, ctx: Context, state: C, texts: list[str]) -> Turn:
        """After the safety check sent some text to the lead: save the rest without it."""
        raise NotImplementedError

    def declined(self, ctx: Context, state: C) -> Turn:
        """Nothing to change, answered no: nothing is done."""
        return Turn(replies=[Text("OK, I've left it as it was.")])

    def question(self, ctx: Context, state: C) -> str:
        """The confirmation's question (``confirm_question``, unless it depends on the person)."""
        return self.confirm_question

    def confirm_choices(self, ctx: Context, state: C) -> tuple[Choice, ...]:
        """The buttons of the confirmation (a contract adds "Save without signing")."""
        return (Choice(self.save_label, self.SAVE), Choice(self.change_label, self.CHANGE))

    def confirm_reply(self, ctx: Context, state: C, msg: Incoming) -> Turn | None:
        """A dialog's own reading of an answer at the confirmation, before the kit's (None: the
        kit reads it): a button of its own, or a yes that must not save ("I agree" signs)."""
        return None

    def safety_wording(self, state: C) -> safety_check.Wording | None:
        """How the safety check words where the text goes ("Tom can read the contract.")."""
        return self.wording

    def safety_pairing(self, state: C) -> int | None:
        """The pairing a concern noticed by the safety check is about (None: the only one)."""
        return None

    def safety_kept(self, ctx: Context, raw: dict[str, Any]) -> Turn:
        """The safety check let the text through: carry on to the save."""
        return self._save_checked(ctx, self.load(raw))

    def safety_left_out(self, ctx: Context, raw: dict[str, Any], texts: list[str]) -> Turn:
        """The safety check sent ``texts`` to the lead and they are not to be kept."""
        return self.left_out(ctx, self.load(raw), texts)

    def rewrite(self, ctx: Context, state: C) -> Turn:
        """The guard's *rewrite*: which part to write again."""
        state.step = WHICH
        return Turn(replies=[self._which_part()], state=state.to_state())

    def guarded_choice(self, ctx: Context, state: C, choice: str) -> Turn:
        """The guard answered (``GUARD_REMOVE``, ``GUARD_KEEP`` or ``GUARD_EDIT``)."""
        if choice == GUARD_REMOVE:
            self.remove_patient_data(state, ctx.settings().hospital_number_pattern)
        elif choice != GUARD_KEEP:
            return self.rewrite(ctx, state)
        return self._save_checked(ctx, state)

    # -- the steps ----------------------------------------------------------------------------

    def checking_prompt(self, ctx: Context, state: C) -> list[Part] | None:
        """The question of a confirm, which-part, guard or safety step (None: not one)."""
        if state.step == CONFIRM:
            return self._confirmation(ctx, state)
        if state.step == WHICH:
            return [self._which_part()]
        if state.step == GUARD:
            return guard_question(self._findings(ctx, state), self.guard_where)
        if state.step == SAFETY and (wording := self.safety_wording(state)) is not None:
            return safety_check.prompt(state.to_state(), wording)
        return None

    def checking_step(self, ctx: Context, state: C, msg: Incoming) -> Turn | None:
        """The answer to a confirm, which-part, guard or safety step (None: not one)."""
        if state.step == CONFIRM:
            return self._on_confirm(ctx, state, msg)
        if state.step == WHICH:
            return self._on_which(ctx, state, msg)
        if state.step == GUARD:
            return self._on_guard(ctx, state, msg)
        if state.step == SAFETY and (wording := self.safety_wording(state)) is not None:
            return safety_check.step(
                ctx,
                state.to_state(),
                msg,
                wording,
                save=lambda kept: self.safety_kept(ctx, kept),
                leave_out=lambda kept, texts: self.safety_left_out(ctx, kept, texts),
                pairing_id=self.safety_pairing(state),
            )
        return None

    def _confirmation(self, ctx: Context, state: C) -> list[Part]:
        return [
            *self.summary(ctx, state),
            Question(self.question(ctx, state), self.confirm_choices(ctx, state)),
        ]

    def _which_part(self) -> Question:
        return Question(
            self.which_question,
            tuple(Choice(label, self.PART, name) for name, label in self.parts()),
        )

    def _on_confirm(self, ctx: Context, state: C, msg: Incoming) -> Turn:
        if (own := self.confirm_reply(ctx, state, msg)) is not None:
            return own
        reading = leading(msg.text) if msg.action is None else None
        said = reading.meaning if reading is not None else None
        if reading is not None and reading.rest and said in (Meaning.YES, Meaning.NO):
            # "yes but make it 90 mins", "yes, but change my workplace to ...": the rest,
            # without the word that joins it on, says what to change.
            words = _JOINED.sub("", as_typed(msg.text, reading.rest))
            rest = Incoming(person_id=msg.person_id, text=words)
            if (changed := self.changed(ctx, state, rest)) is not None:
                return changed
        choices = self.confirm_choices(ctx, state)
        picked = pick(msg.text, choices) if msg.action is None and said is None else None
        action = msg.action or (picked.action if picked is not None else None)
        if action == self.SAVE or said is Meaning.YES or _is(msg.text, self.save_label):
            return self._save_guarded(ctx, state)
        parts = self.parts()
        value = picked.value if picked is not None else msg.values.get("value")
        if action == self.PART and value in dict(parts):  # a part's own button ("Change the time")
            return self.edit_part(ctx, state, str(value))
        if not parts and (action == self.CHANGE or said is Meaning.NO):
            return self.declined(ctx, state)
        if (part := self.part_named(msg.text)) is not None:
            return self.edit_part(ctx, state, part)
        if (
            action == self.CHANGE
            or said is Meaning.NO
            or _is(msg.text, self.change_label, "change", "edit")
        ):
            if len(parts) == 1:  # nothing to choose between
                return self.edit_part(ctx, state, parts[0][0])
            state.step = WHICH
            return Turn(replies=[self._which_part()], state=state.to_state())
        if msg.action is None and (changed := self.changed(ctx, state, msg)) is not None:
            return changed
        labels = [f"*{choice.label}*" for choice in choices]
        options = " or ".join(labels) if len(labels) == 2 else "one of these"
        return Turn(
            replies=[
                Text(f"Please choose {options}, or type *cancel* to leave it unsaved."),
                *self._confirmation(ctx, state)[-1:],
            ],
            state=state.to_state(),
            advanced=False,
        )

    def _on_which(self, ctx: Context, state: C, msg: Incoming) -> Turn:
        names = {name for name, _ in self.parts()}
        labels = {label: name for name, label in self.parts()}
        chosen: str | None
        if msg.action == self.PART:
            chosen = str(msg.values.get("value")) if msg.values.get("value") in names else None
        elif (
            exact := next((n for lb, n in labels.items() if _is(msg.text, lb)), None)
        ) is not None:
            chosen = exact  # a part's own name ("Next meeting"), whatever else it could mean
        else:
            # Words for another journey ("I'm at full capacity") pick no part of this one.
            other = recognise(msg.text, None).name is not IntentName.UNKNOWN
            picked = None if other else pick(msg.text, self._which_part().choices)
            chosen = picked.value if picked is not None else None
            if chosen is None and (changed := self.changed(ctx, state, msg)) is not None:
                return changed  # the change itself, typed ("change action 2 due to Fri")
            # Otherwise the engine takes such words there, putting this dialog aside.
        if chosen is None:
            return Turn(
                replies=[Text("Please pick one of these."), self._which_part()],
                state=state.to_state(),
                advanced=False,
            )
        return self.edit_part(ctx, state, chosen)

    def _findings(self, ctx: Context, state: C) -> list[Finding]:
        pattern = ctx.settings().hospital_number_pattern
        return [f for text in self._guarded_texts(state) for f in find_patient_data(text, pattern)]

    def _save_guarded(self, ctx: Context, state: C) -> Turn:
        if findings := self._findings(ctx, state):
            state.step = GUARD
            return Turn(replies=guard_question(findings, self.guard_where), state=state.to_state())
        return self._save_checked(ctx, state)

    def _save_checked(self, ctx: Context, state: C) -> Turn:
        if (wording := self.safety_wording(state)) is not None:
            texts = [t for t in self._guarded_texts(state) if t]
            asking = safety_check.gate(ctx, state.to_state(), texts, wording)
            if asking is not None:
                return asking
        return self.save(ctx, state)

    def _on_guard(self, ctx: Context, state: C, msg: Incoming) -> Turn:
        if (choice := guard_choice(msg.action, msg.text)) is not None:
            return self.guarded_choice(ctx, state, choice)
        return Turn(
            replies=[
                Text("Please choose one of these."),
                *guard_question(self._findings(ctx, state), self.guard_where)[1:],
            ],
            state=state.to_state(),
            advanced=False,
        )


class Form(Confirming[S]):
    """A dialog made of fields, a confirmation and a save. Subclasses set the class variables
    and implement ``summary`` and ``save``; ``begin`` may fill fields from the start message."""

    name: ClassVar[str]
    title: ClassVar[str]
    schema_version: ClassVar[int]
    State: type[S]
    fields: ClassVar[Sequence[FormField]]
    # "You wrote: ..." before a field is asked again; "At the moment" for a saved record.
    current_label: ClassVar[str] = "You wrote"
    # Check each written answer as it is given (a profile), rather than all of them at the
    # save (a diary entry, read as a whole).
    check_on_answer: ClassVar[bool] = False
    # Said after the note when a required answer was left out for the lead ("a short one is
    # fine"), before it is asked again.
    still_needed: ClassVar[str] = ""

    # -- what a form says and does ------------------------------------------------------------

    def nothing_to_save(self, ctx: Context, state: S) -> Turn | None:
        """A turn to end with when every optional field was skipped (None: save anyway)."""
        return None

    def begin(self, ctx: Context, msg: Incoming, state: S) -> list[Part]:
        """Fill what the start message already says; the replies to say before the first ask."""
        return []

    def own_steps(self) -> OwnSteps[S]:
        """Steps of a form's own beside its fields, run before the kit's (a listing the person
        picks from, a saved record reviewed first): step -> (what it asks, how it takes the
        answer), as in ``Steps.steps``."""
        return {}

    def correction(self, ctx: Context, state: S, msg: Incoming) -> Turn | None:
        """A form's own reading of a typed correction at the confirmation, with what its state
        holds ("4pm" keeps the meeting's day); None lets the fields' readers try."""
        return None

    def left_out(self, ctx: Context, state: S, texts: list[str]) -> Turn:
        """After the safety check sent some text to the lead: save the rest without it."""
        kept = {k: ("" if v in texts else v) for k, v in state.values.items()}
        if not any(kept.values()):
            where = self.guard_where
            return Turn(
                replies=[Text(f"OK, I haven't put it in {where}: it's with the project lead.")]
            )
        state.values = kept
        note = f"I've left that part out of {self.guard_where}."
        return safety_check.with_note(note, self._save_checked(ctx, state))

    def takes_free_text(self, raw: dict[str, Any]) -> bool:
        """Whether the step waiting takes typed words (a field that is not a choice): a worry
        there is kept as written (a guarded field's safety check offers it to the lead before
        the save) rather than taken to the concern path at once, as it is at a choice, where a
        word of it could be read as picking "Tom" (the engine asks)."""
        field = next((f for f in self.fields if f.name == raw.get("step")), None)
        return field is not None and not field.choices

    # -- the Dialog protocol ------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        state = self.State(step=self.fields[0].name)
        said = self.begin(ctx, msg, state)
        turn = self._next(ctx, state)
        return Turn(replies=[*said, *turn.replies], state=turn.state, outgoing=turn.outgoing)

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        state = self.load(raw)
        if (own := self.own_steps().get(state.step)) is not None:
            return own[0](ctx, state)
        if (asked := self.checking_prompt(ctx, state)) is not None:
            return asked
        return self.ask_field(ctx, state, self.field(state.step))

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        if (own := self.own_steps().get(state.step)) is not None:
            return own[1](ctx, state, msg)
        if (checked := self.checking_step(ctx, state, msg)) is not None:
            return checked
        field = self.field(state.step)
        if field.later is not None and msg.action is None and not_yet(msg.text):
            if field.name in state.later:
                return self._again(ctx, state, field, field.later.needed)
            state.later.append(field.name)
            turn = self._next(ctx, state)
            return Turn([Text(field.later.note), *turn.replies], turn.state, turn.outgoing)
        reading = self.read_field(ctx, state, field, msg)
        if reading.value is None:
            return self._again(ctx, state, field, reading.problem)
        for name, value in reading.also.items():
            state.values.setdefault(name, value)
        return self._take(ctx, state, field, reading.value)

    def _again(self, ctx: Context, state: S, field: FormField, problem: str | None) -> Turn:
        """Say why a reply can't be kept, and ask again."""
        said = Text(problem or "Sorry, I didn't understand that.")
        asked = self.ask_field(ctx, state, field) if field.repeat else []
        return Turn(replies=[said, *asked], state=state.to_state(), advanced=False)

    def read_field(self, ctx: Context, state: S, field: FormField, msg: Incoming) -> Read:
        """How a reply to a field is read (a form may read with what its state holds)."""
        return field.read(ctx, msg)

    def ask_field(self, ctx: Context, state: S, field: FormField) -> list[Part]:
        """How a field is asked (a form may ask with what its state holds)."""
        if field.later is not None and field.name in state.later:
            return [Text(field.later.question)]
        return field.ask(ctx)

    # -- the shared steps ---------------------------------------------------------------------

    def load(self, raw: dict[str, Any]) -> S:
        try:
            return self.State.model_validate(raw)
        except ValidationError as error:
            raise ValueError(f"{self.name}: a saved state that does not fit: {error}") from None

    def field(self, name: str) -> FormField:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    def _missing(self, state: S) -> FormField | None:
        """The first field with no value; one put off only once every other has one."""
        gaps = [f for f in self.fields if f.name not in state.values]
        return next((f for f in gaps if f.name not in state.later), gaps[0] if gaps else None)

    def _next(self, ctx: Context, state: S) -> Turn:
        missing = None if state.editing else self._missing(state)
        if missing is not None:
            state.step = missing.name
            return Turn(replies=self.ask_field(ctx, state, missing), state=state.to_state())
        if (missing := self._missing(state)) is not None:
            state.editing = False
            return self._next(ctx, state)
        if not any(state.values.values()) and (ending := self.nothing_to_save(ctx, state)):
            return ending
        state.step, state.editing = CONFIRM, False
        return Turn(replies=self._confirmation(ctx, state), state=state.to_state())

    def _take(
        self, ctx: Context, state: S, field: FormField, value: Any, *, guarded: bool = False
    ) -> Turn:
        """Keep an answer: first through the guard and the safety check when answers are
        checked as they come (``guarded``: the guard has let it through)."""
        if self.check_on_answer and field.guarded and isinstance(value, str) and value:
            state.pending, state.holding = value, field.name
            pattern = ctx.settings().hospital_number_pattern
            if not guarded and (findings := find_patient_data(value, pattern)):
                state.step = GUARD
                return Turn(
                    replies=guard_question(findings, self.guard_where), state=state.to_state()
                )
            if (wording := self.safety_wording(state)) is not None:
                asking = safety_check.gate(ctx, state.to_state(), [value], wording)
                if asking is not None:
                    return asking
        state.values[field.name] = value
        state.pending = state.holding = None
        return self._next(ctx, state)

    def safety_kept(self, ctx: Context, raw: dict[str, Any]) -> Turn:
        return self._held(ctx, raw)

    def safety_left_out(self, ctx: Context, raw: dict[str, Any], texts: list[str]) -> Turn:
        return self._held_left_out(ctx, raw, texts)

    def _held(self, ctx: Context, raw: dict[str, Any]) -> Turn:
        """The safety check let a held answer through: keep it."""
        state = self.load(raw)
        if state.holding is None:
            return self._save_checked(ctx, state)
        state.values[state.holding] = state.pending
        state.pending = state.holding = None
        return self._next(ctx, state)

    def _held_left_out(self, ctx: Context, raw: dict[str, Any], texts: list[str]) -> Turn:
        state = self.load(raw)
        if state.holding is None:
            return self.left_out(ctx, state, texts)
        field = self.field(state.holding)
        state.step, state.pending, state.holding = field.name, None, None
        note = f"OK, I've left it out of {self.guard_where}: it's with the project lead."
        if field.optional:  # nothing more is needed there: carry on from where it was given
            state.values[field.name] = ""
            return safety_check.with_note(note, self._next(ctx, state))
        said = Text(f"{note} {self.still_needed}".strip())
        return Turn(replies=[said, *self.ask_field(ctx, state, field)], state=state.to_state())

    def parts(self) -> Sequence[tuple[str, str]]:
        return [(f.name, f.label) for f in self.fields]

    def part_named(self, text: str) -> str | None:
        field = self._field_named(text)
        return field.name if field is not None else None

    def edit_part(self, ctx: Context, state: S, part: str) -> Turn:
        return self._edit(ctx, state, self.field(part))

    def changed(self, ctx: Context, state: S, msg: Incoming) -> Turn | None:
        return self._named_change(ctx, state, msg) or self._correction(ctx, state, msg)

    def _names(self) -> FieldNames:
        return FieldNames((w, f.name) for f in self.fields for w in (f.label, *f.words))

    def _field_named(self, text: str) -> FormField | None:
        words = text.strip().lower()
        for prefix in ("change the ", "change my ", "change ", "edit the ", "edit my ", "edit "):
            words = words.removeprefix(prefix)
        key = self._names().find(words)
        return self.field(key) if key is not None else None

    def _named_change(self, ctx: Context, state: S, msg: Incoming) -> Turn | None:
        """ "change my organisation to St Example": straight into that field, with its value."""
        match = CHANGE_FIELD.match(msg.text) if msg.action is None else None
        key = self._names().find(match.group("field")) if match else None
        if match is None or key is None:
            return None
        field = self.field(key)
        if match.group("value") is None:
            return self._edit(ctx, state, field)
        typed = Incoming(person_id=msg.person_id, text=match.group("value").strip())
        reading = self.read_field(ctx, state, field, typed)
        state.step, state.editing = field.name, True
        if reading.value is None:
            problem = Text(reading.problem or "Sorry, I didn't understand that.")
            asked = self.ask_field(ctx, state, field)
            return Turn(replies=[problem, *asked], state=state.to_state(), advanced=False)
        return self._take(ctx, state, field, reading.value)

    def _correction(self, ctx: Context, state: S, msg: Incoming) -> Turn | None:
        """A typed correction one field can read ("actually make it 4pm")."""
        if (own := self.correction(ctx, state, msg)) is not None:
            return own
        for field in self.fields:
            if field.reader is None or not field.corrects:
                continue
            reading = field.reader(ctx, msg)
            if reading.value is not None and reading.value != state.values.get(field.name):
                state.values[field.name] = reading.value
                return Turn(replies=self._confirmation(ctx, state), state=state.to_state())
        return None

    def _edit(self, ctx: Context, state: S, field: FormField) -> Turn:
        current = field.shown(state.values.get(field.name))
        state.step, state.editing = field.name, True
        return Turn(
            replies=[
                Text(f"{self.current_label}: {current}", private=True),
                *self.ask_field(ctx, state, field),
            ],
            state=state.to_state(),
        )

    def _guarded_texts(self, state: S) -> list[str]:
        if state.holding is not None:
            return [str(state.pending or "")]
        if self.check_on_answer:
            return []  # each answer was checked as it was given
        texts = [state.values.get(f.name, "") for f in self.fields if f.guarded and not f.choices]
        return [t for t in texts if isinstance(t, str)]

    def remove_patient_data(self, state: S, pattern: str | None) -> None:
        """The guard's *remove*: take what seems to be patient data out of the written fields."""
        for field in self.fields:
            value = state.values.get(field.name, "")
            if field.guarded and isinstance(value, str) and value:
                state.values[field.name] = remove_patient_data(
                    value, find_patient_data(value, pattern)
                )

    def guarded_choice(self, ctx: Context, state: S, choice: str) -> Turn:
        if state.holding is None:  # the whole form, at the save
            return super().guarded_choice(ctx, state, choice)
        field, value = self.field(state.holding), str(state.pending or "")  # one answer
        if choice == GUARD_REMOVE:
            pattern = ctx.settings().hospital_number_pattern
            cleaned = remove_patient_data(value, find_patient_data(value, pattern))
            return self._take(ctx, state, field, cleaned, guarded=True)
        if choice == GUARD_KEEP:
            return self._take(ctx, state, field, value, guarded=True)
        state.step, state.pending, state.holding = field.name, None, None
        again = [Text("OK, please write it again."), *self.ask_field(ctx, state, field)]
        return Turn(replies=again, state=state.to_state())


_JOINED = re.compile(r"^(?:but|and|though|although|however|except|only|just)\b[\s,:;-]*", re.I)


def _is(text: str, *phrases: str) -> bool:
    said = " ".join(text.lower().split()).strip(" .!")
    return any(said == phrase.lower() for phrase in phrases)


# -- dialogs whose steps are not a form's ---------------------------------------------------------


def reask(why: str, asked: Sequence[Part], state: dict[str, Any] | None) -> Turn:
    """Ask again, saying why first: a turn that does not move the dialog on ("back" skips it)."""
    return Turn(replies=[Text(why), *asked], state=state, advanced=False)


def yes_but(text: str) -> str | None:
    """What a yes with more asks to change at a ``Steps`` dialog's own confirmation (a ``Form``
    reads it at its own): "yes but make it 90 mins" is "but make it 90 minutes" (the rest,
    normalised, for the dialog to read), None when the text is not a yes with more."""
    reading = leading(text)
    if reading is None or reading.meaning is not Meaning.YES or not reading.rest:
        return None
    return reading.rest


class StepState(BaseModel):
    """What a ``Steps`` dialog keeps between turns: its step, and its own typed fields."""

    model_config = ConfigDict(extra="forbid")

    step: str

    def to_state(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


M = TypeVar("M", bound=StepState)
StepAsker = Callable[[Context, M], list[Part]]
StepTaker = Callable[[Context, M, Incoming], Turn]


class Steps(Generic[M]):
    """A dialog whose steps are declared as data, for flows that are not a form (choices that
    branch, a send that may end a pairing): ``steps`` maps each step to what it asks and how it
    takes the answer. The state is a pydantic model (``State``), validated on load."""

    State: type[M]
    steps: dict[str, tuple[StepAsker[M], StepTaker[M]]]
    # The steps that take written text (a reason, a discussion): see ``Form.takes_free_text``.
    free_text: ClassVar[frozenset[str]] = frozenset()

    def takes_free_text(self, raw: dict[str, Any]) -> bool:
        return raw.get("step") in self.free_text

    def load(self, raw: dict[str, Any]) -> M:
        try:
            return self.State.model_validate(raw)
        except ValidationError as error:
            raise ValueError(f"a saved state that does not fit: {error}") from None

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        state = self.load(raw)
        return self.steps[state.step][0](ctx, state)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        return self.steps[state.step][1](ctx, state, msg)

    def ask(self, ctx: Context, state: M, step: str) -> Turn:
        """Move to ``step`` and ask its question."""
        state.step = step
        return Turn(replies=self.steps[step][0](ctx, state), state=state.to_state())

    def again(self, ctx: Context, state: M, why: str) -> Turn:
        """Ask the question of the step ``state`` is in again, saying why."""
        return reask(why, self.steps[state.step][0](ctx, state), state.to_state())


class CheckedSteps(Steps[M], Confirming[M]):
    """A ``Steps`` dialog that confirms, guards and checks with the kit: its table holds only its
    own steps; at ``CONFIRM``, ``WHICH``, ``GUARD`` and ``SAFETY`` the kit asks and reads."""

    def asked(self, ctx: Context, state: M) -> list[Part]:
        """The question of the step ``state`` is in."""
        if (checking := self.checking_prompt(ctx, state)) is not None:
            return checking
        return self.steps[state.step][0](ctx, state)

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        return self.asked(ctx, self.load(raw))

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        return self.take(ctx, self.load(raw), msg)

    def take(self, ctx: Context, state: M, msg: Incoming) -> Turn:
        """The answer to the step ``state`` is in."""
        if (checked := self.checking_step(ctx, state, msg)) is not None:
            return checked
        return self.steps[state.step][1](ctx, state, msg)

    def ask(self, ctx: Context, state: M, step: str) -> Turn:
        state.step = step
        return Turn(replies=self.asked(ctx, state), state=state.to_state())

    def again(self, ctx: Context, state: M, why: str) -> Turn:
        return reask(why, self.asked(ctx, state), state.to_state())


def chosen(msg: Incoming, choices: Sequence[Choice]) -> Choice | None:
    """The choice a reply picks: its button pressed, or typed (its number, label or a word)."""
    if msg.action is None:
        return pick(msg.text, choices)
    value = str(msg.values.get("value", ""))
    return next((c for c in choices if (c.action, c.value) == (msg.action, value)), None)


def patient_data_in(ctx: Context, text: str) -> list[Finding]:
    """What in ``text`` seems to be patient data, by the scheme's hospital number pattern."""
    return find_patient_data(text, ctx.settings().hospital_number_pattern)


@dataclass(frozen=True)
class Guarded:
    """The answer to the patient-data guard about a text: the text to keep (the patient data
    removed, when that was chosen), or None when the person will write it again."""

    text: str | None


def guarded(ctx: Context, msg: Incoming, text: str) -> Guarded | None:
    """Read the answer to ``guard_question`` about ``text`` (None: not an answer to it), for a
    ``Steps`` dialog with a guard step of its own (a ``Form`` has the guard built in)."""
    choice = guard_choice(msg.action, msg.text)
    if choice == GUARD_REMOVE:
        return Guarded(remove_patient_data(text, patient_data_in(ctx, text)))
    if choice == GUARD_KEEP:
        return Guarded(text)
    return Guarded(None) if choice == GUARD_EDIT else None
