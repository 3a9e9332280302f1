"""The dialog kit's shared steps, through a dialog built from it (the guided diary): typed
answers in people's own words at the confirmation and at "which part", one vocabulary for skip,
and the typed state checked on load."""

from __future__ import annotations

from typing import ClassVar

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.dialogs import kit
from conversations.dialogs.base import Context, Turn, counted
from conversations.dialogs.diary import DiaryState, GuidedDiary
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import queries
from storage.db import transaction
from storage.models import DiaryEntry
from tests.transcript import Chat


def _entries(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as session:
        return list(session.exec(select(DiaryEntry)).all())


def _three_answers(mentee: Chat) -> str:
    mentee.said("diary")
    mentee.said("yes")  # the What? / So what? / Now what? prompts
    mentee.said("The rota meeting went badly")
    mentee.said("I spoke too fast")
    return mentee.said("Slow down and ask questions")


@pytest.mark.parametrize("yes", ["yep", "yeah go on", "sounds good", "👍", "ok save it"])
def test_a_guided_entry_is_saved_on_a_yes_in_own_words(
    demo: Engine, mentee: Chat, yes: str
) -> None:
    asked = _three_answers(mentee)
    assert "Shall I save it?" in asked
    mentee.restart()  # a new turn in a new process, as on Slack or Teams
    saved = mentee.said(yes)
    assert "Saved to your diary" in saved
    [entry] = _entries(demo)
    assert (entry.what_happened, entry.so_what, entry.now_what) == (
        "The rota meeting went badly",
        "I spoke too fast",
        "Slow down and ask questions",
    )


def test_no_at_the_confirmation_asks_which_part_and_a_typo_picks_it(
    demo: Engine, mentee: Chat
) -> None:
    _three_answers(mentee)
    assert "Which part would you like to change?" in mentee.said("nah")
    asked = mentee.said("so wat")  # a typo of the label
    assert "You wrote: I spoke too fast" in asked
    assert "*So what?*" in asked
    again = mentee.said("I rushed and didn't listen")
    assert "I rushed and didn't listen" in again
    assert "Shall I save it?" in again
    mentee.said("save")
    [entry] = _entries(demo)
    assert entry.so_what == "I rushed and didn't listen"
    assert entry.now_what == "Slow down and ask questions"


def test_naming_a_part_at_the_confirmation_goes_straight_to_it(demo: Engine, mentee: Chat) -> None:
    _three_answers(mentee)
    asked = mentee.said("change the now what")
    assert "*Now what?*" in asked


def test_a_yes_but_a_change_at_the_confirmation_changes_it_and_saves_nothing_yet(
    demo: Engine, mentee: Chat
) -> None:
    _three_answers(mentee)
    mentee.restart()
    shown = mentee.said("yes but change the now what to Pause before I answer")
    assert "Pause before I answer" in shown
    assert "Shall I save it?" in shown
    assert _entries(demo) == []
    mentee.said("save")
    [entry] = _entries(demo)
    assert entry.now_what == "Pause before I answer"


@pytest.mark.parametrize("skip", ["skip", "pass", "none", "nothing really"])
def test_skip_in_own_words_leaves_an_answer_out(demo: Engine, mentee: Chat, skip: str) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the What? / So what? / Now what? prompts
    mentee.said("A hard handover")
    mentee.said(skip)
    mentee.said("Write it down next time")
    assert "Saved to your diary" in mentee.said("yes")
    [entry] = _entries(demo)
    assert entry.so_what == ""


def test_something_else_at_the_confirmation_is_asked_again_and_nothing_saved(
    demo: Engine, mentee: Chat
) -> None:
    _three_answers(mentee)
    again = mentee.said("purple elephants")
    assert "Please choose *Save* or *Change something*" in again
    assert _entries(demo) == []


def test_a_saved_state_that_does_not_fit_the_model_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        GuidedDiary().load({"step": "confirm", "answers": {"what_happened": "old shape"}})
    assert GuidedDiary().load({"step": "confirm", "values": {"so_what": "x"}}) == DiaryState(
        step="confirm", values={"so_what": "x"}
    )


# -- the generic steps added for the application form (any form may use them) ----------------


def _size(ctx: Context, msg: Incoming) -> kit.Read:
    """A longer answer the choice reads on its own, filling the detail too."""
    if "big" not in msg.text.lower():
        return kit.Read(problem="Small or large, please.")
    return kit.Read("l", also={"detail": msg.text})


class _Parcel(kit.Form[kit.FormState]):
    name: ClassVar[str] = "parcel"
    title: ClassVar[str] = "A parcel"
    schema_version: ClassVar[int] = 1
    State = kit.FormState
    fields: ClassVar[tuple[kit.FormField, ...]] = (
        kit.FormField(
            "size",
            "Size",
            "Which size?",
            guarded=False,
            choices=(("s", "Small"), ("l", "Large")),
            reader=_size,
            problem="Small or large, please.",
        ),
        kit.FormField(
            "note",
            "Note",
            "What does the label say?",
            later=kit.Later(
                "Fine: I'll ask again at the end.", "Last thing: the label?", "I need it now."
            ),
        ),
        kit.FormField("detail", "Detail", "Anything else?", repeat=False, max_length=20),
    )

    def summary(self, ctx: Context, state: kit.FormState) -> list[Part]:
        return [Text(", ".join(f"{k}={v}" for k, v in sorted(state.values.items())))]

    def save(self, ctx: Context, state: kit.FormState) -> Turn:
        return Turn(replies=[Text("Saved.")])


class _OneThing(_Parcel):
    fields: ClassVar[tuple[kit.FormField, ...]] = (kit.FormField("detail", "Detail", "Anything?"),)


class _Reviewed(_OneThing):
    """A saved record reviewed first: a step of the form's own, before the kit's."""

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        state = kit.FormState(step="review", values={"detail": "a box"})
        return Turn(replies=self._ask_review(ctx, state), state=state.to_state())

    def own_steps(self) -> kit.OwnSteps[kit.FormState]:
        return {"review": (self._ask_review, self._on_review)}

    def _ask_review(self, ctx: Context, state: kit.FormState) -> list[Part]:
        return [Text(f"It holds {state.values['detail']}. Keep it?")]

    def _on_review(self, ctx: Context, state: kit.FormState, msg: Incoming) -> Turn:
        if msg.text == "keep":
            return Turn(replies=[Text("Kept.")])
        return self.edit_part(ctx, state, "detail")


def _talk(db: Engine, clock: Clock, form: kit.Form[kit.FormState], *lines: str) -> list[str]:
    """Start ``form`` and answer it line by line (each a typed reply in a new turn)."""
    said: list[str] = []
    with transaction(db) as session:
        person = queries.person_by_email(session, "mentee@example.org")
        assert person is not None
        ctx = Context(session, person, clock.now(), [])
        turn = form.start(ctx, Incoming(ctx.person_id, text="start"))
        for line in lines:
            said.append("\n".join(p.text for p in turn.replies if isinstance(p, Text | Question)))
            assert turn.state is not None
            turn = form.step(ctx, turn.state, Incoming(ctx.person_id, text=line))
        said.append("\n".join(p.text for p in turn.replies if isinstance(p, Text | Question)))
    return said


def test_a_choice_a_field_reads_on_its_own_also_fills_what_it_says(
    demo: Engine, clock: Clock
) -> None:
    said = _talk(demo, clock, _Parcel(), "purple", "a big box with a bow", "Fragile")
    assert said[1] == "Small or large, please.\nWhich size?"
    # The size and the detail in one answer: the detail is not asked.
    assert said[2] == "What does the label say?"
    assert said[3] == "detail=a big box with a bow, note=Fragile, size=l\nShall I save it?"


def test_a_field_put_off_is_asked_last_and_only_once(demo: Engine, clock: Clock) -> None:
    said = _talk(demo, clock, _Parcel(), "small", "I don't have it yet", "no", "later", "Fragile")
    assert said[2] == "Fine: I'll ask again at the end.\nAnything else?"
    assert said[3] == "Last thing: the label?"
    assert said[4] == "I need it now.\nLast thing: the label?"
    assert said[5].endswith("Shall I save it?")


def test_a_field_that_does_not_repeat_says_only_the_problem(demo: Engine, clock: Clock) -> None:
    said = _talk(demo, clock, _Parcel(), "Large", "Fragile", "x" * 30)
    assert said[3].startswith("That's 30 characters, more than I can keep here (20).")
    assert "Anything else?" not in said[3]


def test_change_at_a_form_of_one_field_goes_straight_to_it(demo: Engine, clock: Clock) -> None:
    said = _talk(demo, clock, _OneThing(), "a box", "no", "a crate")
    assert said[2] == "You wrote: a box\nAnything?"  # no "which part" with one part
    assert said[3] == "detail=a crate\nShall I save it?"


def test_a_form_runs_its_own_step_then_the_kit_s(demo: Engine, clock: Clock) -> None:
    said = _talk(demo, clock, _Reviewed(), "change it", "a crate")
    assert said[0] == "It holds a box. Keep it?"
    assert said[1] == "You wrote: a box\nAnything?"
    assert said[2] == "detail=a crate\nShall I save it?"
    assert _talk(demo, clock, _Reviewed(), "keep") == ["It holds a box. Keep it?", "Kept."]
    state = kit.FormState(step="review", values={"detail": "a box"}).to_state()
    assert _Reviewed().prompt(None, state) == [Text("It holds a box. Keep it?")]  # type: ignore[arg-type]


def test_a_choice_with_its_own_reader_takes_its_button_as_pressed(
    demo: Engine, clock: Clock
) -> None:
    """On Slack and Teams a pressed button may come with no text: the button's value counts."""
    with transaction(demo) as session:
        person = queries.person_by_email(session, "mentee@example.org")
        assert person is not None
        ctx = Context(session, person, clock.now(), [])
        pressed = Incoming(ctx.person_id, text="", action="kit:size", values={"value": "s"})
        assert _Parcel().fields[0].read(ctx, pressed) == kit.Read("s")


def test_chosen_takes_a_pressed_button_or_a_typed_label_and_nothing_else() -> None:
    choices = (Choice("Tom Okafor", "pick", "12"), Choice("Sam Lee", "pick", "15"))
    pressed = Incoming(person_id=1, text="", action="pick", values={"value": "15"})
    assert kit.chosen(pressed, choices) == choices[1]
    assert kit.chosen(Incoming(person_id=1, text="tom please"), choices) == choices[0]
    assert kit.chosen(Incoming(person_id=1, text="2"), choices) == choices[1]
    # A button of another list, or a value no longer offered, picks nothing.
    gone = Incoming(person_id=1, text="", action="pick", values={"value": "99"})
    other = Incoming(person_id=1, text="", action="other", values={"value": "12"})
    assert kit.chosen(gone, choices) is None
    assert kit.chosen(other, choices) is None
    assert kit.chosen(Incoming(person_id=1, text="someone else"), choices) is None


def test_counted_says_a_count_with_its_noun() -> None:
    assert [counted(n, "mentee") for n in (0, 1, 2)] == ["0 mentees", "1 mentee", "2 mentees"]
