"""The reflective diary: a quick note ("diary: ...") saved at once, a guided entry
(What happened? / So what? / Now what?) confirmed before saving, and "my diary", paginated.

Entries are private to their author: every read goes through ``queries.diary_entries``, which is
scoped to the author. See ``diary.mmd`` for the guided entry's states.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from conversations import markup
from conversations.dates import Ask, format_day, past_day
from conversations.dialogs import kit, safety_check
from conversations.dialogs.base import Context, Outgoing, Turn, say
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName, recognise
from conversations.language.diary import days_named, mentions, someone_elses_diary, topic
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import find_patient_data, remove_patient_data
from storage import queries
from storage.models import DiaryEntry, Role

MAX_ENTRY = 5000
PAGE = 5


class Step(StrEnum):
    """The diary's steps beside the kit's: a quick note the guard found patient data in, to
    write again; whether to use the prompts; a free entry without them."""

    REWRITE_NOTE = "rewrite_note"
    OFFER = "offer"
    FREE = "free"


# A guided entry's three parts (the kit asks for each in turn; *skip* leaves one out).
FIELDS = tuple(
    kit.FormField(key, label, question, optional=True, max_length=MAX_ENTRY)
    for key, label, question in (
        (
            "what_happened",
            "What happened",
            "*What happened?* Describe the situation or meeting in a few lines.",
        ),
        ("so_what", "So what", "*So what?* What did it mean to you, and what did you learn?"),
        ("now_what", "Now what", "*Now what?* What will you do next, or differently?"),
    )
)

REWRITE = "Please write your note again, without the patient details."

SAFETY = safety_check.Wording(
    keep="Keep it in my diary only",
    also_ask="Would you also like to keep it in your diary? Only you can read it.",
    also_keep="Yes, keep it in my diary",
)

PROMPTS = "dialog:diary:prompts"
OFFER = Question(
    "Would you like the What? / So what? / Now what? prompts?",
    (Choice("Yes, use the prompts", PROMPTS, "yes"), Choice("No, I'll just write", PROMPTS, "no")),
)
WRITE = "What would you like to write? Send it in one message and I'll save it as it is."
ASKED: dict[str, Part] = {
    Step.REWRITE_NOTE: Text(REWRITE),
    Step.OFFER: OFFER,
    Step.FREE: Text(WRITE),
}


def not_a_mentee(ctx: Context) -> Turn | None:
    if Role.MENTEE.value in ctx.roles:
        return None
    return say(
        "The reflective diary is for mentees, so I can't keep one for you. "
        "Type *help* to see what I can do for you."
    )


def too_long(text: str) -> Text | None:
    if len(text) <= MAX_ENTRY:
        return None
    return Text(
        f"That's {len(text):,} characters, more than one entry can hold ({MAX_ENTRY:,}). "
        "Nothing was saved. Could you shorten it, or split it into two entries?"
    )


def _dated(ctx: Context, said: str) -> tuple[str, date | Ask | None]:
    """A note and the day it is for: "fri|first proper meeting" is for last Friday. A word
    that names no day belongs to the note ("diary for the team - ...")."""
    head, bar, rest = said.partition("|")
    if not bar:
        return said, None
    day = past_day(head, ctx.today)
    return (rest, day) if day is not None else (f"for {head} - {rest}", None)


def quick_note(ctx: Context, said: str) -> Turn:
    """ "diary: ..." saves a dated entry at once (once the kit's guard and safety check have
    let it through)."""
    if (refusal := not_a_mentee(ctx)) is not None:
        return refusal
    text, day = _dated(ctx, said.strip())
    text = text.strip()
    if isinstance(day, Ask):
        return say(f"{day.question} Nothing was saved: please send the note again.")
    if (problem := too_long(text)) is not None:
        return Turn(replies=[problem])
    state = DiaryState(step=kit.CONFIRM, note=text, day=day.isoformat() if day else None)
    return GuidedDiary()._save_guarded(ctx, state)


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
    """The start of the entry, as written (never read as markup)."""
    body = " ".join(_body(entry).split())
    return markup.literal(body if len(body) <= 200 else body[:199].rstrip() + "…")


def my_diary(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The author's entries, newest first, a page at a time."""
    if someone_elses_diary(msg.text):
        # Nobody reads another person's diary, whoever they are: not their mentor, not the lead.
        return say(
            "Diaries are private: only the person who writes one can read it, and I "
            "don't show them to anyone else, their mentor included. If they'd like your "
            "view on an entry, they can share it with you."
        )
    if (refusal := not_a_mentee(ctx)) is not None:
        return refusal
    given = str(msg.values.get("value", 0))
    offset = int(given) if given.isdecimal() else 0
    entries, total = queries.diary_entries(ctx.session, ctx.person_id, offset=offset, limit=PAGE)
    if total == 0:
        return say(
            "Your diary is empty. Write *diary: ...* to save a note, or *diary* for a guided entry."
        )
    if not entries:
        return say("There are no older entries. Type *my diary* to start again.")
    first, last = offset + 1, offset + len(entries)
    listed = _listing(
        f"Your diary (only you can read it), entries {first}–{last} of {total}:", entries
    )
    if last < total:
        more = Choice("Show older entries", INTENT_ACTION_PREFIX + IntentName.MY_DIARY, str(last))
        listed.replies.append(Question("Would you like to see more?", (more,)))
    return listed


def _listing(head: str, entries: list[DiaryEntry]) -> Turn:
    """Entries listed for their author alone: the day, and the start of each."""
    lines = [head, *(f"• {format_day(e.written_on)}: {_snippet(e)}" for e in entries)]
    return Turn(replies=[Text("\n".join(lines), private=True)])


class DiaryState(kit.FormState):
    """A guided entry's answers, or a quick note waiting on the guard or the safety check."""

    note: str | None = None
    day: str | None = None  # the day a quick note is for (ISO), when not today


class GuidedDiary(kit.Form[DiaryState]):
    """What happened? / So what? / Now what?, then a confirmation before saving."""

    name: ClassVar[str] = "diary"
    title: ClassVar[str] = "Your diary entry"
    schema_version: ClassVar[int] = 2
    State = DiaryState
    fields: ClassVar[tuple[kit.FormField, ...]] = FIELDS
    guard_where = "your diary"
    wording = SAFETY
    SAVE = "dialog:diary:save"
    CHANGE = "dialog:diary:change"
    PART = "dialog:diary:part"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        intent = recognise(msg.text, msg.action)
        if intent.name is IntentName.DIARY_NOTE:
            return quick_note(ctx, intent.rest)
        # The prompts are offered, never forced: some people would rather just write.
        return not_a_mentee(ctx) or Turn(
            replies=[Text("Let's write a diary entry. It's private: only you can read it."), OFFER],
            state={"step": Step.OFFER.value},
        )

    def begin(self, ctx: Context, msg: Incoming, state: DiaryState) -> list[Part]:
        return [Text("Answer each question in a few lines (type *skip* to leave one out).")]

    def summary(self, ctx: Context, state: DiaryState) -> list[Part]:
        lines = "\n".join(f"*{f.label}:* {f.shown(state.values.get(f.name))}" for f in FIELDS)
        return [Text("Here's your entry:\n" + lines, private=True)]

    def nothing_to_save(self, ctx: Context, state: DiaryState) -> Turn | None:
        return say(
            "All three were skipped, so there's nothing to save. "
            "Type *diary* whenever you'd like to write."
        )

    def save(self, ctx: Context, state: DiaryState) -> Turn:
        day = date.fromisoformat(state.day) if state.day else ctx.today
        written = (
            {"text": state.note}
            if state.note is not None
            else {f.name: state.values.get(f.name, "") for f in FIELDS}
        )
        entry = DiaryEntry(author_id=ctx.person_id, written_on=day, created_at=ctx.now, **written)
        ctx.session.add(entry)
        return say(
            f"Saved to your diary for {format_day(day)}. Only you can read it. "
            "Type *my diary* to see your entries."
        )

    def _guarded_texts(self, state: DiaryState) -> list[str]:
        # A quick note is one text, not a guided entry's three (it is not in ``values``).
        return [state.note] if state.note is not None else super()._guarded_texts(state)

    def remove_patient_data(self, state: DiaryState, pattern: str | None) -> None:
        if state.note is None:
            return super().remove_patient_data(state, pattern)
        state.note = remove_patient_data(state.note, find_patient_data(state.note, pattern))

    def rewrite(self, ctx: Context, state: DiaryState) -> Turn:
        if state.note is None:
            return super().rewrite(ctx, state)
        return say(REWRITE, state={"step": Step.REWRITE_NOTE.value})

    def takes_free_text(self, raw: dict[str, Any]) -> bool:
        return raw.get("step") in (Step.FREE, Step.REWRITE_NOTE) or super().takes_free_text(raw)

    def prompt(self, ctx: Context, raw: dict[str, Any]) -> list[Part]:
        own = ASKED.get(raw.get("step", ""))
        return [own] if own is not None else super().prompt(ctx, raw)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        step, text = self.load(raw).step, msg.text.strip()
        if step == Step.OFFER:
            return self._on_offer(ctx, msg)
        if step in (Step.REWRITE_NOTE, Step.FREE):
            if not text:
                return Turn(replies=self.prompt(ctx, raw), state=raw, advanced=False)
            return quick_note(ctx, text)
        return super().step(ctx, raw, msg)

    def _on_offer(self, ctx: Context, msg: Incoming) -> Turn:
        picked = kit.chosen(msg, OFFER.choices)
        value = picked.value if picked is not None else None
        if value == "yes":
            return super().start(ctx, msg)
        if value == "no":
            return say(WRITE, state={"step": Step.FREE.value})
        if len(msg.text.split()) >= 6:
            return quick_note(ctx, msg.text)  # they went straight to writing: that's the entry
        return kit.reask("Please choose one of these.", [OFFER], {"step": Step.OFFER.value})


# -- one entry: delete it, share it with the partner, find entries -------------------------------


class EntryState(kit.FormState):
    entry_id: int


def _own_entries(ctx: Context) -> list[DiaryEntry]:
    """The person's own entries, newest first (nobody else's)."""
    return queries.diary_entries(ctx.session, ctx.person_id, limit=1000)[0]


def _which_entry(ctx: Context, text: str) -> DiaryEntry | None:
    """The entry a request names: one from a day ("friday's entry"), one about something
    ("the one about the rota"), or else the newest."""
    if (about := topic(text)) is not None:
        return next(iter(_mentioning(ctx, about)), None)
    entries = _own_entries(ctx)
    dated = (e for day in days_named(text, ctx.today) for e in entries if e.written_on == day)
    return next(dated, entries[0] if entries else None)


def _mentioning(ctx: Context, about: str) -> list[DiaryEntry]:
    return [e for e in _own_entries(ctx) if mentions(_body(e), about)]


def _body(entry: DiaryEntry) -> str:
    if entry.text:
        return entry.text
    return " / ".join(x for x in (entry.what_happened, entry.so_what, entry.now_what) if x)


class _OneEntry(kit.Form[EntryState]):
    """A confirmation about one of the person's own entries, then the change."""

    State = EntryState
    fields: ClassVar[tuple[kit.FormField, ...]] = ()
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := not_a_mentee(ctx)) is not None:
            return refusal
        entry = _which_entry(ctx, msg.text)
        if entry is None or entry.id is None:
            return say("I couldn't find that entry. Type *my diary* to see your entries.")
        if (refusal := self.refuse(ctx, entry)) is not None:
            return refusal
        state = EntryState(step=kit.CONFIRM, entry_id=entry.id)
        return Turn(replies=self._confirmation(ctx, state), state=state.to_state())

    def refuse(self, ctx: Context, entry: DiaryEntry) -> Turn | None:
        return None

    def entry(self, ctx: Context, state: EntryState) -> DiaryEntry | None:
        return queries.own_diary_entry(ctx.session, ctx.person_id, state.entry_id)

    def summary(self, ctx: Context, state: EntryState) -> list[Part]:
        entry = self.entry(ctx, state)
        if entry is None:
            return [Text("That entry has gone.")]
        return [
            Text(f"Your entry for {format_day(entry.written_on)}:\n{_snippet(entry)}", private=True)
        ]


class DeleteEntry(_OneEntry):
    name: ClassVar[str] = "diary_delete"
    title: ClassVar[str] = "Deleting a diary entry"
    confirm_question = "Delete this entry? It can't be brought back."
    save_label = "Yes, delete it"
    change_label = "No, keep it"

    def save(self, ctx: Context, state: EntryState) -> Turn:
        entry = self.entry(ctx, state)
        if entry is None:
            return say("That entry has already gone.")
        day = entry.written_on
        ctx.session.delete(entry)
        return say(
            f"Deleted your entry for {format_day(day)}. Your other entries are as they were."
        )

    def declined(self, ctx: Context, state: EntryState) -> Turn:
        return say("OK, I've kept it.")


class ShareEntry(_OneEntry):
    name: ClassVar[str] = "diary_share"
    title: ClassVar[str] = "Sharing a diary entry"
    save_label = "Yes, share it"
    change_label = "No, keep it private"

    confirm_question = "Share this entry with your mentor? They'll be able to read it."

    def refuse(self, ctx: Context, entry: DiaryEntry) -> Turn | None:
        if _partner(ctx) is None:
            return say("You don't have a mentor to share it with at the moment.")
        return None

    def save(self, ctx: Context, state: EntryState) -> Turn:
        entry, partner = self.entry(ctx, state), _partner(ctx)
        if entry is None or partner is None:
            return say("I couldn't share it: that entry or your pairing has changed.")
        entry.shared_with_id, entry.shared_at = partner, ctx.now
        ctx.session.add(entry)
        name = ctx.name_of(partner).split(" ", 1)[0]
        note = Outgoing(
            parts=(
                Text(
                    f"{ctx.first_name} has shared a diary entry with you ({format_day(entry.written_on)}):"
                ),
                Text(markup.literal(_body(entry)), private=True),
                Text("Only you and they can read it. You could talk it over at your next meeting."),
            ),
            recipient_id=partner,
        )
        return say(
            f"Shared with {name}: I've sent it to them. Your other entries stay private to you.",
            outgoing=[note],
        )


def _partner(ctx: Context) -> int | None:
    pairings = queries.active_pairings(ctx.session, ctx.person_id)
    return queries.partner_of(pairings[0], ctx.person_id) if len(pairings) == 1 else None


def search_diary(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """ "What did I write about the rota?": the author's entries that mention it."""
    if (refusal := not_a_mentee(ctx)) is not None:
        return refusal
    if (about := topic(msg.text)) is None:
        return my_diary(ctx, msg, intent)
    found = _mentioning(ctx, about)
    if not found:
        return say(f"None of your entries mention {about}. Type *my diary* to see them all.")
    return _listing(f"Your entries about {about} (only you can read them):", found[:PAGE])
