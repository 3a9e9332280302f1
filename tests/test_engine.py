"""The engine: state survives restarts, repeated events are ignored, global words work anywhere,
and a concurrent turn is retried from fresh state rather than overwriting it."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.dialogs.base import Context, Turn
from conversations.engine import Engine as DialogEngine
from conversations.intents import IntentName
from conversations.messages import Incoming, Text
from conversations.registry import default_registry
from storage.db import open_database, transaction
from storage.models import DialogState, DiaryEntry, Outbox
from tests.transcript import Chat


def _entries(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as session:
        return list(session.exec(select(DiaryEntry)).all())


def test_a_guided_entry_survives_a_restart_between_answers(mentee: Chat) -> None:
    mentee.said("diary")
    assert "*What happened?*" in mentee.said("yes")  # the prompts
    assert "*So what?*" in mentee.said("Presented the rota change to the board.")
    mentee.restart()  # a new process, the next morning
    assert "*Now what?*" in mentee.said("I was calmer than I expected.")
    reply = mentee.said("Ask for board time again in March.")
    assert "Presented the rota change to the board." in reply
    assert "Shall I save it?" in reply
    assert "Saved to your diary for Mon 23 Nov" in mentee.said("1")
    [entry] = _entries(mentee.db)
    assert (entry.what_happened, entry.so_what, entry.now_what) == (
        "Presented the rota change to the board.",
        "I was calmer than I expected.",
        "Ask for board time again in March.",
    )


def test_state_survives_a_new_database_connection(db_url: str, demo: Engine, clock: Clock) -> None:
    first = Chat(demo, clock, "mentee@example.org")
    first.said("diary")
    first.said("yes")  # the prompts
    first.said("A hard conversation about leave.")
    demo.dispose()
    reopened = open_database(db_url)
    try:
        second = Chat(reopened, clock, "mentee@example.org")
        assert "*Now what?*" in second.said("Learned to pause before answering.")
    finally:
        reopened.dispose()


def test_a_repeated_event_id_is_ignored(mentee: Chat) -> None:
    msg = Incoming(
        person_id=mentee.person_id, text="diary: first try", event_id="Ev42", platform="slack"
    )
    first = mentee.bot.handle(msg)
    again = mentee.bot.handle(msg)
    assert "Saved to your diary" in first.parts[0].text  # type: ignore[union-attr]
    assert again.duplicate
    assert again.parts == []
    assert len(_entries(mentee.db)) == 1


@pytest.mark.parametrize(
    "answers",
    [
        [],
        ["What happened answer"],
        ["What happened answer", "So what answer"],
        ["What happened answer", "So what answer", "Now what answer"],
        ["What happened answer", "So what answer", "Now what answer", "2"],
    ],
    ids=["what-happened", "so-what", "now-what", "confirm", "which-part"],
)
def test_cancel_works_from_any_step(mentee: Chat, answers: list[str]) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    for answer in answers:
        mentee.said(answer)
    assert "Cancelled your diary entry: nothing was saved." in mentee.said("cancel")
    assert _entries(mentee.db) == []
    # The conversation is free again: the next message is not taken as a diary answer.
    assert "I'm here for your mentoring" in mentee.said("Presented to the board")


def test_back_returns_to_the_previous_question_and_keeps_later_answers_changeable(
    mentee: Chat,
) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    mentee.said("Typo'd answer")
    assert "*What happened?*" in mentee.said("back")
    assert "*So what?*" in mentee.said("The right answer")
    mentee.said("It mattered")
    mentee.said("Next steps")
    mentee.said("Save")
    [entry] = _entries(mentee.db)
    assert entry.what_happened == "The right answer"


def test_back_at_the_first_question_says_so(mentee: Chat) -> None:
    mentee.said("diary")
    reply = mentee.said("back")
    assert "This is the first question" in reply
    assert "What? / So what? / Now what? prompts?" in reply


def test_global_words_work_inside_a_dialog_without_losing_it(mentee: Chat) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    mentee.said("First answer")
    reply = mentee.said("help")
    assert "Here's what I can do for you:" in reply
    assert "You're in the middle of your diary entry" in reply
    assert "*So what?*" in reply
    assert "*Now what?*" in mentee.said("Second answer")


def test_cancel_with_nothing_running_says_so(mentee: Chat) -> None:
    assert "There's nothing to cancel" in mentee.said("cancel")
    assert "There's nothing to go back to" in mentee.said("back")


def test_every_reply_is_kept_in_the_outbox_and_marked_sent(mentee: Chat) -> None:
    mentee.said("help")
    mentee.said("diary: a note")
    with transaction(mentee.db) as session:
        rows = session.exec(select(Outbox).where(Outbox.recipient_id == mentee.person_id)).all()
    assert [(r.kind, r.status) for r in rows] == [("reply", "sent"), ("reply", "sent")]
    assert rows[1].preview.startswith("Saved to your diary")


class _Racing:
    """A test dialog that, on its first step, lets another process bump the saved state."""

    name: ClassVar[str] = "racing"
    title: ClassVar[str] = "A race"
    schema_version: ClassVar[int] = 1

    def __init__(self, db: Engine) -> None:
        self.db = db
        self.steps = 0

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        return Turn(replies=[Text("started")], state={"count": 0})

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Text]:  # type: ignore[override]
        return [Text(f"count {state['count']}")]

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        self.steps += 1
        if self.steps == 1:
            # Another worker handles a message for the same person in between.
            with self.db.begin() as conn:
                conn.execute(
                    update(DialogState)
                    .where(col(DialogState.person_id) == ctx.person_id)
                    .values(version=DialogState.version + 1, state={"count": 10})
                )
        return Turn(
            replies=[Text(f"count {state['count'] + 1}")], state={"count": state["count"] + 1}
        )


def test_a_concurrent_turn_is_retried_from_the_fresh_state(mentee: Chat, clock: Clock) -> None:
    registry = default_registry()
    racing = _Racing(mentee.db)
    registry.add_dialog(racing, IntentName.APPLY)
    bot = DialogEngine(mentee.db, clock, registry)
    bot.handle(Incoming(person_id=mentee.person_id, text="apply"))
    delivered = bot.handle(Incoming(person_id=mentee.person_id, text="go"))
    # The first attempt saw count 0 but lost the race; the retry built on the other worker's 10.
    assert delivered.parts == [Text("count 11")]
    assert racing.steps == 2
    with transaction(mentee.db) as session:
        row = session.exec(select(DialogState)).one()
    assert row.state == {"count": 11}


def test_the_menu_inside_a_dialog_shows_one_set_of_choices(mentee: Chat) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    reply = mentee.said("menu")
    assert reply.count("  1. ") == 1
    assert "You're in the middle of your diary entry" in reply
    # Choosing from the menu puts the entry aside and starts what was chosen.
    reply = mentee.said("Read my diary")
    assert "I've put your diary entry aside." in reply
    assert "Your diary is empty" in reply


def test_words_for_another_journey_switch_when_the_dialog_cannot_use_them(
    demo: Engine, clock: Clock
) -> None:
    leah = Chat(demo, clock, "mentor3@example.org")
    assert "Would you like to change something?" in leah.said("my mentor profile")
    reply = leah.said("I'm at full capacity")
    assert "I've put your mentor profile aside." in reply
    assert "you're marked *at full capacity*" in reply


def test_an_answer_that_mentions_a_journey_stays_an_answer(mentee: Chat) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    # Free text the dialog can use is an answer, even if it sounds like a journey.
    assert "*So what?*" in mentee.said("I had to book a meeting with the board")
