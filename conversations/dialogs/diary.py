"""The reflective diary: a quick note ("diary: ...") saved at once, a guided entry
(What happened? / So what? / Now what?) confirmed before saving, and "my diary", paginated.

Entries are private to their author: every read goes through ``queries.diary_entries``, which is
scoped to the author. See ``diary.mmd`` for the guided entry's states.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from conversations.dates import format_day
from conversations.dialogs import kit, safety_check
from conversations.dialogs.base import Context, Turn
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName, recognise
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


class DiaryState(kit.FormState):
    """A guided entry's answers, or a quick note waiting on the guard or the safety check."""

    note: str | None = None


class GuidedDiary(kit.Form[DiaryState]):
    """What happened? / So what? / Now what?, then a confirmation before saving."""

    name: ClassVar[str] = "diary"
    title: ClassVar[str] = "Your diary entry"
    schema_version: ClassVar[int] = 2
    State = DiaryState
    fields: ClassVar[tuple[kit.FormField, ...]] = tuple(
        kit.FormField(
            step.value, LABELS[step], QUESTIONS[step], optional=True, max_length=MAX_ENTRY
        )
        for step in ORDER
    )
    guard_where = "your diary"
    wording = SAFETY
    SAVE = "dialog:diary:save"
    CHANGE = "dialog:diary:change"
    PART = "dialog:diary:part"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        intent = recognise(msg.text, msg.action)
        if intent.name is IntentName.DIARY_NOTE:
            return quick_note(ctx, intent.rest)
        if (refusal := not_a_mentee(ctx)) is not None:
            return refusal
        return super().start(ctx, msg)

    def begin(self, ctx: Context, msg: Incoming, state: DiaryState) -> list[Part]:
        return [
            Text(
                "Let's write a diary entry. It's private: only you can read it. "
                "Answer each question in a few lines (type *skip* to leave one out)."
            )
        ]

    def summary(self, ctx: Context, state: DiaryState) -> list[Part]:
        lines = "\n".join(
            f"*{LABELS[s]}:* {state.values.get(s.value) or '(skipped)'}" for s in ORDER
        )
        return [Text("Here's your entry:\n" + lines, private=True)]

    def nothing_to_save(self, ctx: Context, state: DiaryState) -> Turn | None:
        return Turn(
            replies=[
                Text(
                    "All three were skipped, so there's nothing to save. "
                    "Type *diary* whenever you'd like to write."
                )
            ]
        )

    def save(self, ctx: Context, state: DiaryState) -> Turn:
        if state.note is not None:
            return _save_note(ctx, state.note, state.to_state())
        ctx.session.add(
            DiaryEntry(
                author_id=ctx.person_id,
                written_on=ctx.today,
                what_happened=state.values.get(Step.WHAT_HAPPENED.value, ""),
                so_what=state.values.get(Step.SO_WHAT.value, ""),
                now_what=state.values.get(Step.NOW_WHAT.value, ""),
                created_at=ctx.now,
            )
        )
        return _saved(ctx)

    def _guarded_texts(self, state: DiaryState) -> list[str]:
        # A quick note is one text, not a guided entry's three (it is not in ``values``).
        return [state.note] if state.note is not None else super()._guarded_texts(state)

    # A quick note waits on its own steps: the guard (remove, rewrite, keep) and a rewrite.
    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        if raw.get("step") == Step.REWRITE_NOTE.value:
            return [Text(REWRITE)]
        return super().prompt(ctx, raw)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        state = self.load(raw)
        if state.step == Step.REWRITE_NOTE.value:
            text = msg.text.strip()
            if not text:
                return Turn(replies=[Text(REWRITE)], state=raw, advanced=False)
            return quick_note(ctx, text)
        if state.note is not None and state.step == kit.GUARD:
            choice = guard_choice(msg.action, msg.text)
            if choice == GUARD_EDIT:
                return Turn(replies=[Text(REWRITE)], state={"step": Step.REWRITE_NOTE.value})
            if choice == GUARD_REMOVE:
                pattern = ctx.scheme_setting("hospital_number_pattern")
                note = remove_patient_data(state.note, find_patient_data(state.note, pattern))
                return _save_note(ctx, note)
            if choice == GUARD_KEEP:
                return _save_note(ctx, state.note)
        return super().step(ctx, raw, msg)
