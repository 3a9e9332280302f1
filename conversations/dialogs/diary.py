"""The reflective diary: a quick note ("diary: ...") saved at once, a guided entry
(What happened? / So what? / Now what?) confirmed before saving, and "my diary", paginated.

Entries are private to their author: every read goes through ``queries.diary_entries``, which is
scoped to the author. See ``diary.mmd`` for the guided entry's states.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from conversations.dates import format_day
from conversations.dialogs import safety_check
from conversations.dialogs.base import Context, Turn
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName, recognise
from conversations.language import Meaning, brief
from conversations.language.choices import answer, pick
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
from storage import queries
from storage.models import DiaryEntry, Role

MAX_ENTRY = 5000
PAGE = 5


class Step(StrEnum):
    WHAT_HAPPENED = "what_happened"
    SO_WHAT = "so_what"
    NOW_WHAT = "now_what"
    CONFIRM = "confirm"
    WHICH_PART = "which_part"
    # The entry seems to hold patient data: remove it, rewrite, or save anyway.
    GUARD = "guard"
    REWRITE_NOTE = "rewrite_note"
    # It reads like a concern: send it to the project lead, keep it here, or both.
    SAFETY = safety_check.STEP


QUESTIONS = {
    Step.WHAT_HAPPENED: "*What happened?* Describe the situation or meeting in a few lines.",
    Step.SO_WHAT: "*So what?* What did it mean to you, and what did you learn?",
    Step.NOW_WHAT: "*Now what?* What will you do next, or differently?",
}
ORDER = [Step.WHAT_HAPPENED, Step.SO_WHAT, Step.NOW_WHAT]
LABELS = {Step.WHAT_HAPPENED: "What happened", Step.SO_WHAT: "So what", Step.NOW_WHAT: "Now what"}

REWRITE = "Please write your note again, without the patient details."

SAFETY = safety_check.Wording(
    keep="Keep it in my diary only",
    also_ask="Would you also like to keep it in your diary? Only you can read it.",
    also_keep="Yes, keep it in my diary",
)

SAVE = "dialog:diary:save"
CHANGE = "dialog:diary:change"
CONFIRM = (Choice("Save", SAVE), Choice("Change something", CHANGE))
PART = "dialog:diary:part"


def not_a_mentee(ctx: Context) -> Turn | None:
    if Role.MENTEE.value in ctx.roles:
        return None
    return Turn(
        replies=[
            Text(
                "The reflective diary is for mentees, so I can't keep one for you. "
                "Type *help* to see what I can do for you."
            )
        ]
    )


def too_long(text: str) -> Text | None:
    if len(text) <= MAX_ENTRY:
        return None
    return Text(
        f"That's {len(text):,} characters, more than one entry can hold ({MAX_ENTRY:,}). "
        "Nothing was saved. Could you shorten it, or split it into two entries?"
    )


def _findings(ctx: Context, *texts: str) -> list[Finding]:
    pattern = ctx.scheme_setting("hospital_number_pattern")
    return [f for text in texts for f in find_patient_data(text, pattern)]


def _saved(ctx: Context) -> Turn:
    return Turn(
        replies=[
            Text(
                f"Saved to your diary for {format_day(ctx.today)}. Only you can read it. "
                "Type *my diary* to see your entries."
            )
        ]
    )


def _save_note(ctx: Context, text: str, state: dict[str, Any] | None = None) -> Turn:
    """Save a quick note, once the safety check has let it through."""
    state = {**(state or {}), "note": text}
    if (asking := safety_check.gate(ctx, state, [text], SAFETY)) is not None:
        return asking
    ctx.session.add(
        DiaryEntry(author_id=ctx.person_id, written_on=ctx.today, text=text, created_at=ctx.now)
    )
    return _saved(ctx)


def quick_note(ctx: Context, text: str) -> Turn:
    """ "diary: ..." saves a dated entry at once (unless it seems to hold patient data)."""
    if (refusal := not_a_mentee(ctx)) is not None:
        return refusal
    text = text.strip()
    if (problem := too_long(text)) is not None:
        return Turn(replies=[problem])
    if findings := _findings(ctx, text):
        state = {"step": Step.GUARD.value, "note": text}
        return Turn(replies=guard_question(findings, "your diary"), state=state)
    return _save_note(ctx, text)


def after_meeting_prompt(partner_name: str) -> list[Part]:
    """What the bot says after a meeting to invite a reflection (sent by the nudges)."""
    return [
        Text(
            f"How did your meeting with {partner_name} go? A few lines in your diary can help "
            "you notice what you're learning. Only you can read it."
        ),
        Question(
            "Would you like to write now?",
            (Choice("Write in my diary", INTENT_ACTION_PREFIX + IntentName.DIARY_GUIDED),),
        ),
    ]


def _snippet(entry: DiaryEntry) -> str:
    if entry.text:
        body = entry.text
    else:
        body = " / ".join(x for x in (entry.what_happened, entry.so_what, entry.now_what) if x)
    body = " ".join(body.split())
    return body if len(body) <= 200 else body[:199].rstrip() + "…"


def my_diary(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The author's entries, newest first, a page at a time."""
    if (refusal := not_a_mentee(ctx)) is not None:
        return refusal
    try:
        offset = max(0, int(msg.values.get("value", 0)))
    except (TypeError, ValueError):
        offset = 0
    entries, total = queries.diary_entries(ctx.session, ctx.person_id, offset=offset, limit=PAGE)
    if total == 0:
        return Turn(
            replies=[
                Text(
                    "Your diary is empty. Write *diary: ...* to save a note, "
                    "or *diary* for a guided entry."
                )
            ]
        )
    if not entries:
        return Turn(replies=[Text("There are no older entries. Type *my diary* to start again.")])
    first, last = offset + 1, offset + len(entries)
    lines = [f"Your diary (only you can read it), entries {first}–{last} of {total}:"]
    lines += [f"• {format_day(e.written_on)}: {_snippet(e)}" for e in entries]
    replies: list[Part] = [Text("\n".join(lines), private=True)]
    if last < total:
        more = Choice("Show older entries", INTENT_ACTION_PREFIX + IntentName.MY_DIARY, str(last))
        replies.append(Question("Would you like to see more?", (more,)))
    return Turn(replies=replies)


class GuidedDiary:
    """What happened? / So what? / Now what?, then a confirmation before saving."""

    name: ClassVar[str] = "diary"
    title: ClassVar[str] = "Your diary entry"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        intent = recognise(msg.text, msg.action)
        if intent.name is IntentName.DIARY_NOTE:
            return quick_note(ctx, intent.rest)
        if (refusal := not_a_mentee(ctx)) is not None:
            return refusal
        intro = Text(
            "Let's write a diary entry. It's private: only you can read it. "
            "Answer each question in a few lines (type *skip* to leave one out)."
        )
        state = {"step": Step.WHAT_HAPPENED.value, "answers": {}}
        return Turn(replies=[intro, Text(QUESTIONS[Step.WHAT_HAPPENED])], state=state)

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = Step(state["step"])
        if step is Step.GUARD:
            return guard_question(self._state_findings(ctx, state), "your diary")
        if step is Step.SAFETY:
            return safety_check.prompt(state, SAFETY)
        if step is Step.REWRITE_NOTE:
            return [Text(REWRITE)]
        if step is Step.CONFIRM:
            return self._confirmation(state)
        if step is Step.WHICH_PART:
            return [self._which_part()]
        return [Text(QUESTIONS[step])]

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = Step(state["step"])
        answers: dict[str, str] = dict(state.get("answers", {}))
        text = msg.text.strip()
        if step is Step.CONFIRM:
            return self._on_confirm(ctx, state, answers, msg)
        if step is Step.WHICH_PART:
            return self._on_which_part(state, msg)
        if step is Step.GUARD:
            return self._on_guard(ctx, state, msg)
        if step is Step.SAFETY:
            return safety_check.step(
                ctx,
                state,
                msg,
                SAFETY,
                save=lambda kept: self._resume(ctx, kept),
                leave_out=lambda kept, texts: self._leave_out(ctx, kept, texts),
            )
        if step is Step.REWRITE_NOTE:
            if not text:
                return Turn(replies=[Text(REWRITE)], state=state, advanced=False)
            return quick_note(ctx, text)
        if not text and msg.action is None:
            return Turn(
                replies=[Text("I didn't get anything there."), Text(QUESTIONS[step])],
                state=state,
                advanced=False,
            )
        if (problem := too_long(text)) is not None:
            return Turn(replies=[problem, Text(QUESTIONS[step])], state=state, advanced=False)
        answers[step.value] = "" if brief(text) in (Meaning.SKIP, Meaning.NONE) else text
        following = self._next_step(step, answers, editing=bool(state.get("editing")))
        new_state = {"step": following.value, "answers": answers}
        if following is Step.CONFIRM:
            if not any(answers.values()):
                return Turn(
                    replies=[
                        Text(
                            "All three were skipped, so there's nothing to save. "
                            "Type *diary* whenever you'd like to write."
                        )
                    ]
                )
            return Turn(replies=self._confirmation(new_state), state=new_state)
        return Turn(replies=[Text(QUESTIONS[following])], state=new_state)

    @staticmethod
    def _next_step(step: Step, answers: dict[str, str], editing: bool) -> Step:
        if editing:
            return Step.CONFIRM
        index = ORDER.index(step)
        return ORDER[index + 1] if index + 1 < len(ORDER) else Step.CONFIRM

    @staticmethod
    def _confirmation(state: dict[str, Any]) -> list[Part]:
        answers = state["answers"]
        summary = "\n".join(f"*{LABELS[s]}:* {answers.get(s.value) or '(skipped)'}" for s in ORDER)
        return [
            Text("Here's your entry:\n" + summary, private=True),
            Question(
                "Shall I save it?",
                CONFIRM,
            ),
        ]

    @staticmethod
    def _which_part() -> Question:
        return Question(
            "Which part would you like to change?",
            tuple(Choice(LABELS[s], PART, s.value) for s in ORDER),
        )

    def _on_confirm(
        self, ctx: Context, state: dict[str, Any], answers: dict[str, str], msg: Incoming
    ) -> Turn:
        word = msg.text.strip().lower()
        for part in ORDER:
            if word.startswith(f"change {LABELS[part].lower()}") or word == LABELS[part].lower():
                return self._edit(part, answers)
        picked = msg.action or answer(msg.text, CONFIRM, yes=SAVE, no=CHANGE)
        if picked == SAVE:
            if findings := _findings(ctx, *answers.values()):
                guarded = {"step": Step.GUARD.value, "answers": answers}
                return Turn(replies=guard_question(findings, "your diary"), state=guarded)
            return self._save_entry(ctx, answers)
        if picked == CHANGE:
            return Turn(
                replies=[self._which_part()],
                state={"step": Step.WHICH_PART.value, "answers": answers},
            )
        return Turn(
            replies=[
                Text(
                    "Please choose *Save* or *Change something*, "
                    "or type *cancel* to leave it unsaved."
                ),
                *self._confirmation(state)[1:],
            ],
            state=state,
            advanced=False,
        )

    def _on_which_part(self, state: dict[str, Any], msg: Incoming) -> Turn:
        answers = dict(state.get("answers", {}))
        typed = pick(msg.text, self._which_part().choices) if msg.action is None else None
        chosen = msg.values.get("value") if msg.action == PART else typed and typed.value
        for part in ORDER:
            if chosen == part.value:
                return self._edit(part, answers)
        return Turn(
            replies=[Text("Please pick one of these."), self._which_part()],
            state=state,
            advanced=False,
        )

    @staticmethod
    def _edit(part: Step, answers: dict[str, str]) -> Turn:
        current = answers.get(part.value) or "(skipped)"
        return Turn(
            replies=[Text(f"You wrote: {current}", private=True), Text(QUESTIONS[part])],
            state={"step": part.value, "answers": answers, "editing": True},
        )

    @staticmethod
    def _save_entry(
        ctx: Context, answers: dict[str, str], state: dict[str, Any] | None = None
    ) -> Turn:
        """Save a guided entry, once the safety check has let it through."""
        state = {**(state or {}), "answers": answers}
        if (asking := safety_check.gate(ctx, state, list(answers.values()), SAFETY)) is not None:
            return asking
        ctx.session.add(
            DiaryEntry(
                author_id=ctx.person_id,
                written_on=ctx.today,
                what_happened=answers.get(Step.WHAT_HAPPENED.value, ""),
                so_what=answers.get(Step.SO_WHAT.value, ""),
                now_what=answers.get(Step.NOW_WHAT.value, ""),
                created_at=ctx.now,
            )
        )
        return _saved(ctx)

    def _resume(self, ctx: Context, state: dict[str, Any]) -> Turn:
        if "note" in state:
            return _save_note(ctx, state["note"], state)
        return self._save_entry(ctx, dict(state.get("answers", {})), state)

    def _leave_out(self, ctx: Context, state: dict[str, Any], texts: list[str]) -> Turn:
        """After a concern went to the lead: save the rest of the entry without it, if any."""
        nothing = Turn(
            replies=[Text("OK, I haven't put it in your diary: it's with the project lead.")]
        )
        if "note" in state:
            return nothing
        answers = {k: ("" if v in texts else v) for k, v in state.get("answers", {}).items()}
        if not any(answers.values()):
            return nothing
        saved = self._save_entry(ctx, answers, state)
        return safety_check.with_note("I've left that part out of your diary.", saved)

    @staticmethod
    def _state_findings(ctx: Context, state: dict[str, Any]) -> list[Finding]:
        texts = [state["note"]] if "note" in state else list(state.get("answers", {}).values())
        return _findings(ctx, *texts)

    def _on_guard(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        choice = guard_choice(msg.action, msg.text)
        pattern = ctx.scheme_setting("hospital_number_pattern")
        note: str | None = state.get("note")
        answers: dict[str, str] = dict(state.get("answers", {}))
        if choice == GUARD_REMOVE:
            if note is not None:
                return _save_note(ctx, remove_patient_data(note, find_patient_data(note, pattern)))
            cleaned = {
                key: remove_patient_data(value, find_patient_data(value, pattern))
                for key, value in answers.items()
            }
            return self._save_entry(ctx, cleaned)
        if choice == GUARD_KEEP:
            return _save_note(ctx, note) if note is not None else self._save_entry(ctx, answers)
        if choice == GUARD_EDIT:
            if note is not None:
                return Turn(replies=[Text(REWRITE)], state={"step": Step.REWRITE_NOTE.value})
            return Turn(
                replies=[self._which_part()],
                state={"step": Step.WHICH_PART.value, "answers": answers},
            )
        return Turn(
            replies=[Text("Please choose one of these."), *self.prompt(ctx, state)[1:]],
            state=state,
            advanced=False,
        )
