"""The kit's ``Steps``: a dialog whose steps are declared as data over a typed state (the
concern dialog is built from it), and ``reask``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

from conversations.dialogs import kit
from conversations.dialogs.base import Context, Turn
from conversations.language import Meaning, meaning
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage.models import Person


class Pet(kit.StepState):
    animal: str | None = None


class PetDialog(kit.Steps[Pet]):
    name: ClassVar[str] = "pet"
    State = Pet

    def __init__(self) -> None:
        self.steps = {
            "animal": (lambda ctx, state: [Text("Cat or dog?")], self._on_animal),
            "sure": (self._sure, self._on_sure),
        }

    def _sure(self, ctx: Context, state: Pet) -> list[Part]:
        return [Question(f"A {state.animal}, sure?", (Choice("Yes", "pet:yes"),))]

    def _on_animal(self, ctx: Context, state: Pet, msg: Incoming) -> Turn:
        if msg.text not in ("cat", "dog"):
            return self.again(ctx, state, "Please say cat or dog.")
        state.animal = msg.text
        return self.ask(ctx, state, "sure")

    def _on_sure(self, ctx: Context, state: Pet, msg: Incoming) -> Turn:
        if meaning(msg.text) is Meaning.YES:
            return Turn(replies=[Text(f"Noted: a {state.animal}.")])
        return self.again(ctx, state, "Yes or no?")


def _ctx() -> Context:
    person = Person(id=1, display_name="Priya Shah", email="p@example.org")
    return Context(session=None, person=person, now=datetime.now(UTC), enrolments=[])  # type: ignore[arg-type]


def _said(text: str) -> Incoming:
    return Incoming(person_id=1, text=text)


def test_each_step_asks_its_question_and_takes_its_answer() -> None:
    dialog, ctx = PetDialog(), _ctx()
    state: dict[str, Any] = {"step": "animal"}
    assert dialog.prompt(ctx, state) == [Text("Cat or dog?")]
    wrong = dialog.step(ctx, state, _said("fish"))
    assert wrong.replies == [Text("Please say cat or dog."), Text("Cat or dog?")]
    assert wrong.advanced is False  # "back" skips a question asked again
    assert wrong.state == state
    asked = dialog.step(ctx, state, _said("dog"))
    assert asked.state == {"step": "sure", "animal": "dog"}
    assert dialog.step(ctx, asked.state, _said("yep")).replies == [Text("Noted: a dog.")]


def test_a_saved_state_that_does_not_fit_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        PetDialog().prompt(_ctx(), {"step": "animal", "colour": "black"})


def test_reask_says_why_first_and_does_not_move_on() -> None:
    turn = kit.reask("Please pick one.", [Text("Which?")], {"step": "x"})
    assert turn.replies == [Text("Please pick one."), Text("Which?")]
    assert (turn.state, turn.advanced) == ({"step": "x"}, False)


def test_the_guard_answer_for_a_steps_dialog() -> None:
    ctx, text = _ctx(), "The patient 943 476 5919 was left waiting"
    assert kit.patient_data_in(ctx, text)
    removed = kit.guarded(ctx, _said("remove it"), text)
    assert removed == kit.Guarded("The patient [removed] was left waiting")
    assert kit.guarded(ctx, _said("3"), text) == kit.Guarded(text)
    assert kit.guarded(ctx, _said("let me rewrite it"), text) == kit.Guarded(None)
    assert kit.guarded(ctx, _said("what?"), text) is None


def test_a_yes_with_a_change_at_a_steps_confirmation() -> None:
    assert kit.yes_but("yes but make it 90 mins") == "but make it 90 minutes"
    assert kit.yes_but("ok, can we do 4pm instead") == "can we do 4pm instead"
    assert kit.yes_but("yes please") is None  # a plain yes changes nothing
    assert kit.yes_but("no, the Friday after") is None  # a no is read by the dialog itself
    assert kit.yes_but("make it 4pm") is None
