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

The state is a pydantic model per dialog (``FormState`` and its subclasses), validated on load,
stored with the dialog's ``schema_version`` (the engine puts aside a state of another version).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Turn
from conversations.language.choices import pick
from conversations.language.vocabulary import Meaning, meaning
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
    values: dict[str, str] = Field(default_factory=dict)
    editing: bool = False
    # The safety check's bookkeeping (``safety_check.CHECKED`` / ``NOTICED``).
    safety_checked: list[str] = Field(default_factory=list)
    safety: dict[str, Any] | None = None

    def to_state(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


S = TypeVar("S", bound=FormState)


@dataclass(frozen=True)
class Read:
    """A field's reading of a reply: the value to keep, or why it could not be kept."""

    value: str | None = None
    problem: str | None = None


Reader = Callable[[Context, str], Read]


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

    def ask(self) -> list[Part]:
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
        if self.choices:
            if msg.action == f"kit:{self.name}":
                value = str(msg.values.get("value", ""))
                if value in {v for v, _ in self.choices}:
                    return Read(value)
            options = [Choice(label, f"kit:{self.name}", value) for value, label in self.choices]
            chosen = pick(text, options)
            if chosen is None:
                return Read(problem="Please pick one of these.")
            return Read(chosen.value)
        if not text:
            return Read(problem=NOTHING)
        if self.optional and meaning(text) in {Meaning.SKIP, Meaning.NONE}:
            return Read("")
        if len(text) > self.max_length:
            return Read(
                problem=f"That's {len(text):,} characters, more than I can keep here "
                f"({self.max_length:,}). Could you shorten it?"
            )
        if self.reader is not None:
            return self.reader(ctx, text)
        return Read(text)


class Form(Generic[S]):
    """A dialog made of fields, a confirmation and a save. Subclasses set the class variables
    and implement ``summary`` and ``save``; ``begin`` may fill fields from the start message."""

    name: ClassVar[str]
    title: ClassVar[str]
    schema_version: ClassVar[int]
    State: type[S]
    fields: ClassVar[Sequence[FormField]]
    confirm_question: ClassVar[str] = "Shall I save it?"
    save_label: ClassVar[str] = "Save"
    change_label: ClassVar[str] = "Change something"
    guard_where: ClassVar[str] = "here"  # "your diary": where patient data mustn't be kept
    wording: ClassVar[safety_check.Wording | None] = None

    SAVE: ClassVar[str] = "kit:save"
    CHANGE: ClassVar[str] = "kit:change"
    PART: ClassVar[str] = "kit:part"

    # -- what a form says and does ------------------------------------------------------------

    def summary(self, ctx: Context, state: S) -> list[Part]:
        raise NotImplementedError

    def save(self, ctx: Context, state: S) -> Turn:
        raise NotImplementedError

    def nothing_to_save(self, ctx: Context, state: S) -> Turn | None:
        """A turn to end with when every optional field was skipped (None: save anyway)."""
        return None

    def declined(self, ctx: Context, state: S) -> Turn:
        """A form with nothing to change, answered no: nothing is done."""
        return Turn(replies=[Text("OK, I've left it as it was.")])

    def begin(self, ctx: Context, msg: Incoming, state: S) -> list[Part]:
        """Fill what the start message already says; the replies to say before the first ask."""
        return []

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

    # -- the Dialog protocol ------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        state = self.State(step=self.fields[0].name)
        said = self.begin(ctx, msg, state)
        turn = self._next(ctx, state)
        return Turn(replies=[*said, *turn.replies], state=turn.state, outgoing=turn.outgoing)

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        state = self.load(raw)
        if state.step == CONFIRM:
            return self._confirmation(ctx, state)
        if state.step == WHICH:
            return [self._which_part()]
        if state.step == GUARD:
            return guard_question(self._findings(ctx, state), self.guard_where)
        if state.step == SAFETY and self.wording is not None:
            return safety_check.prompt(state.to_state(), self.wording)
        return self.field(state.step).ask()

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        if state.step == CONFIRM:
            return self._on_confirm(ctx, state, msg)
        if state.step == WHICH:
            return self._on_which(ctx, state, msg)
        if state.step == GUARD:
            return self._on_guard(ctx, state, msg)
        if state.step == SAFETY and self.wording is not None:
            return safety_check.step(
                ctx,
                state.to_state(),
                msg,
                self.wording,
                save=lambda kept: self._save_checked(ctx, self.load(kept)),
                leave_out=lambda kept, texts: self.left_out(ctx, self.load(kept), texts),
            )
        field = self.field(state.step)
        reading = field.read(ctx, msg)
        if reading.value is None:
            problem = Text(reading.problem or "Sorry, I didn't understand that.")
            return Turn(replies=[problem, *field.ask()], state=state.to_state(), advanced=False)
        state.values[field.name] = reading.value
        return self._next(ctx, state)

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
        for field in self.fields:
            if field.name not in state.values:
                return field
        return None

    def _next(self, ctx: Context, state: S) -> Turn:
        missing = None if state.editing else self._missing(state)
        if missing is not None:
            state.step = missing.name
            return Turn(replies=missing.ask(), state=state.to_state())
        if (missing := self._missing(state)) is not None:
            state.editing = False
            return self._next(ctx, state)
        if not any(state.values.values()) and (ending := self.nothing_to_save(ctx, state)):
            return ending
        state.step, state.editing = CONFIRM, False
        return Turn(replies=self._confirmation(ctx, state), state=state.to_state())

    def _confirmation(self, ctx: Context, state: S) -> list[Part]:
        return [
            *self.summary(ctx, state),
            Question(
                self.confirm_question,
                (Choice(self.save_label, self.SAVE), Choice(self.change_label, self.CHANGE)),
            ),
        ]

    def _which_part(self) -> Question:
        return Question(
            "Which part would you like to change?",
            tuple(Choice(f.label, self.PART, f.name) for f in self.fields),
        )

    def _on_confirm(self, ctx: Context, state: S, msg: Incoming) -> Turn:
        said = meaning(msg.text) if msg.action is None else None
        if msg.action == self.SAVE or said is Meaning.YES or _is(msg.text, self.save_label):
            return self._save_guarded(ctx, state)
        if not self.fields and (msg.action == self.CHANGE or said is Meaning.NO):
            return self.declined(ctx, state)
        if (edit := self._field_named(msg.text)) is not None:
            return self._edit(state, edit)
        if (
            msg.action == self.CHANGE
            or said is Meaning.NO
            or _is(msg.text, self.change_label, "change", "edit")
        ):
            state.step = WHICH
            return Turn(replies=[self._which_part()], state=state.to_state())
        if (corrected := self._correction(ctx, state, msg.text)) is not None:
            return corrected
        return Turn(
            replies=[
                Text(
                    f"Please choose *{self.save_label}* or *{self.change_label}*, "
                    "or type *cancel* to leave it unsaved."
                ),
                *self._confirmation(ctx, state)[-1:],
            ],
            state=state.to_state(),
            advanced=False,
        )

    def _field_named(self, text: str) -> FormField | None:
        words = text.strip().lower()
        for prefix in ("change the ", "change ", "edit the ", "edit "):
            words = words.removeprefix(prefix)
        for field in self.fields:
            if words == field.label.lower():
                return field
        return None

    def _correction(self, ctx: Context, state: S, text: str) -> Turn | None:
        """A typed correction one field can read ("actually make it 4pm")."""
        for field in self.fields:
            if field.reader is None:
                continue
            reading = field.reader(ctx, text)
            if reading.value is not None and reading.value != state.values.get(field.name):
                state.values[field.name] = reading.value
                return Turn(replies=self._confirmation(ctx, state), state=state.to_state())
        return None

    def _on_which(self, ctx: Context, state: S, msg: Incoming) -> Turn:
        if msg.action == self.PART:
            chosen = next((f for f in self.fields if f.name == msg.values.get("value")), None)
        else:
            picked = pick(msg.text, self._which_part().choices)
            chosen = self.field(picked.value) if picked is not None else None
        if chosen is None:
            return Turn(
                replies=[Text("Please pick one of these."), self._which_part()],
                state=state.to_state(),
                advanced=False,
            )
        return self._edit(state, chosen)

    def _edit(self, state: S, field: FormField) -> Turn:
        current = state.values.get(field.name) or "(skipped)"
        state.step, state.editing = field.name, True
        return Turn(
            replies=[Text(f"You wrote: {current}", private=True), *field.ask()],
            state=state.to_state(),
        )

    def _guarded_texts(self, state: S) -> list[str]:
        return [state.values.get(f.name, "") for f in self.fields if f.guarded and not f.choices]

    def _findings(self, ctx: Context, state: S) -> list[Finding]:
        pattern = ctx.scheme_setting("hospital_number_pattern")
        return [f for text in self._guarded_texts(state) for f in find_patient_data(text, pattern)]

    def _save_guarded(self, ctx: Context, state: S) -> Turn:
        if findings := self._findings(ctx, state):
            state.step = GUARD
            return Turn(replies=guard_question(findings, self.guard_where), state=state.to_state())
        return self._save_checked(ctx, state)

    def _save_checked(self, ctx: Context, state: S) -> Turn:
        if self.wording is not None:
            texts = [t for t in self._guarded_texts(state) if t]
            asking = safety_check.gate(ctx, state.to_state(), texts, self.wording)
            if asking is not None:
                return asking
        return self.save(ctx, state)

    def _on_guard(self, ctx: Context, state: S, msg: Incoming) -> Turn:
        choice = guard_choice(msg.action, msg.text)
        pattern = ctx.scheme_setting("hospital_number_pattern")
        if choice == GUARD_REMOVE:
            for field in self.fields:
                value = state.values.get(field.name, "")
                if field.guarded and value:
                    state.values[field.name] = remove_patient_data(
                        value, find_patient_data(value, pattern)
                    )
            return self._save_checked(ctx, state)
        if choice == GUARD_KEEP:
            return self._save_checked(ctx, state)
        if choice == GUARD_EDIT:
            state.step = WHICH
            return Turn(replies=[self._which_part()], state=state.to_state())
        return Turn(
            replies=[Text("Please choose one of these."), *self.prompt(ctx, state.to_state())[1:]],
            state=state.to_state(),
            advanced=False,
        )


def _is(text: str, *phrases: str) -> bool:
    said = " ".join(text.lower().split()).strip(" .!")
    return any(said == phrase.lower() for phrase in phrases)
