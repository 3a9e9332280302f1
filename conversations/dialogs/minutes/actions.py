"""The pair's actions once agreed: listed, ticked off, undone, re-dated and re-owned, by number,
by button or in people's own words ("sent priya the template this morn", "undo that", "can we
push the rota paper to the 13th", "that last action is toms not mine", "whats tom got to do?").

Map:
- ``my_actions``: the pair's open actions, numbered as "done 2" reads them (or one person's).
- ``ActionUpdate``: the dialog behind "done ...": ticks off at once what is named in full or by
  number; asks "Mark ... as done?" when the words only point at it, and which one when several
  fit (answered by number or a word of it).
- ``action_questions``: the engine's open questions for a person with actions, so that a
  message about them in a new turn reaches ``ActionUpdate`` (the reading is
  ``conversations.language.actions``).

Only the two partners see or change a pair's actions (``storage.minutes_queries`` scopes every
read to the asking person). Ticking off does not notify the partner (see the package's notes).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from conversations.dates import Ask, format_day
from conversations.dialogs.base import Context, Turn
from conversations.intents import Intent, IntentName, recognise
from conversations.language.actions import (
    Talk,
    action_number,
    covers,
    match_actions,
    read_action_talk,
)
from conversations.language.choices import pick
from conversations.language.numbers import one_number
from conversations.language.sections import (
    Action,
    SectionContext,
    names_self,
    read_due,
    read_sections,
)
from conversations.language.vocabulary import Meaning, meaning
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.open_questions import Answered, OpenQuestion
from storage import minutes_queries
from storage.models import ActionItem, Minutes, Pairing

ACTION_PREFIX = "action"  # buttons "action:done:12" / "action:reopen:12"
MARK = "dialog:actions:mark"
KEEP = "dialog:actions:keep"
PICK = "dialog:actions:pick"
RECENT = timedelta(minutes=30)  # "undo that", "that last action": what was just done
BOTH_NAME = "Both"


def not_paired(what: str) -> Turn:
    return Turn(
        replies=[
            Text(
                f"You're not in a mentoring pair, so there are no {what} for you here. "
                f"{what[:1].upper() + what[1:]} belong to each pair and only its two partners "
                "can see them. Type *help* to see what I can do for you."
            )
        ]
    )


def action_row(ctx: Context, number: int, action: ActionItem) -> str:
    owner = "you" if action.owner_id == ctx.person_id else action.owner_name or "no owner"
    if action.due is None:
        due = "no due date"
    elif action.due < ctx.today:
        due = f"due {format_day(action.due, ctx.today)}, *overdue*"
    elif action.due == ctx.today:
        due = "due today"
    else:
        due = f"due {format_day(action.due, ctx.today)}"
    return f"{number}. {action.text} ({owner}, {due})"


def my_actions(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The pair's open actions, numbered as "done 2" reads them."""
    return _all_listed(ctx)


def _all_listed(ctx: Context) -> Turn:
    if not minutes_queries.pairings_of(ctx.session, ctx.person_id):
        return not_paired("actions")
    actions = minutes_queries.open_actions(ctx.session, ctx.person_id)
    if not actions:
        return Turn(
            replies=[
                Text(
                    "You have no open actions. Nice work! Actions agreed in a meeting's minutes "
                    "will show here."
                )
            ]
        )
    lines = ["Your pair's open actions:"]
    lines += [action_row(ctx, n, a) for n, a in enumerate(actions, start=1)]
    return Turn(
        replies=[
            Text("\n".join(lines), private=True),
            Text("Say *done 2* (the number) or *done* and a few words of it to tick one off."),
        ]
    )


def _whose(ctx: Context, who: str) -> int | None:
    """The person of the pair a word names ("tom", "me"), or None."""
    if names_self(who):
        return ctx.person_id
    for pairing in minutes_queries.pairings_of(ctx.session, ctx.person_id):
        for person_id in (pairing.mentee_id, pairing.mentor_id):
            name = ctx.name_of(person_id).lower()
            if who in (name, name.split(" ", 1)[0]):
                return person_id
    return None


def _listed_for(ctx: Context, person_id: int) -> Turn:
    """One partner's open actions, shared ones included ("whats tom got to do?")."""
    mine = person_id == ctx.person_id
    # Numbered as in the whole list, so that "done 2" ticks off the one shown as 2.
    numbered = enumerate(minutes_queries.open_actions(ctx.session, ctx.person_id), start=1)
    rows = [action_row(ctx, n, a) for n, a in numbered if a.owner_id in (person_id, None)]
    name = "You have" if mine else f"{ctx.name_of(person_id).split(' ', 1)[0]} has"
    if not rows:
        return Turn(replies=[Text(f"{name} no open actions just now.")])
    lines = [f"{name} these open actions:", *rows]
    return Turn(replies=[Text("\n".join(lines), private=True)])


# -- the dialog ------------------------------------------------------------------------------


class Pending(BaseModel):
    """What ``ActionUpdate`` waits on: yes/no to marking one action done, or which one."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    asking: Literal["mark", "which", "add"]
    ids: list[int] = Field(default_factory=list)
    # "add": actions said after the minutes were saved, for the minutes ``minutes_id``.
    adding: list[dict[str, Any]] = Field(default_factory=list)
    minutes_id: int | None = None

    def to_state(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ActionUpdate:
    """ "done 2", "done draft business case", the buttons, and actions in people's words."""

    name: ClassVar[str] = "actions"
    title: ClassVar[str] = "Your actions"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if not minutes_queries.pairings_of(ctx.session, ctx.person_id):
            return not_paired("actions")
        if msg.action and msg.action.startswith(f"{ACTION_PREFIX}:"):
            return _action_button(ctx, msg.action)
        said = msg.text.strip()
        talk = read_action_talk(said)
        if talk is None or talk.kind == "done":
            rest = _after_done(said) if talk is None or said.lower().startswith("done") else None
            return self._done(ctx, rest if rest is not None else talk.what if talk else said)
        return answer_talk(ctx, talk)

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        pending = Pending.model_validate(state)
        if pending.asking == "add":
            return _adding_question(ctx, pending)
        rows = [r for i in pending.ids if (r := _open(ctx, i)) is not None]
        return [_mark_question(rows[0]) if pending.asking == "mark" else _which(rows)]

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        if msg.action is None and recognise(msg.text).name is IntentName.DONE_ACTION:
            return self.start(ctx, msg)  # "done rota": a new request, not this one's answer
        pending = Pending.model_validate(state)
        if pending.asking == "add":
            return _on_adding(ctx, pending, msg)
        rows = [r for i in pending.ids if (r := _open(ctx, i)) is not None]
        if not rows:
            return Turn(replies=[Text("That action is no longer open.")])
        if pending.asking == "mark":
            said = MARK if msg.action == MARK else KEEP if msg.action == KEEP else None
            heard = meaning(msg.text) if said is None else None
            said = said or (MARK if heard is Meaning.YES else KEEP if heard is Meaning.NO else None)
            if said == MARK:
                return close(ctx, rows[0])
            if said == KEEP:
                return Turn(replies=[Text(f"OK, *{rows[0].text}* stays open.")])
            return Turn(
                replies=[Text("Please say yes or no."), _mark_question(rows[0])],
                state=state,
                advanced=False,
            )
        if msg.action == PICK:
            chosen = [r for r in rows if str(r.id) == str(msg.values.get("value", ""))]
        else:
            index = one_number(msg.text)
            if index is not None and 1 <= index <= len(rows):
                chosen = [rows[index - 1]]
            else:
                picked = pick(msg.text, _which(rows).choices, by_meaning=False)
                chosen = [r for r in rows if picked is not None and str(r.id) == picked.value]
        if not chosen:
            return Turn(
                replies=[Text("Please choose one of these."), _which(rows)],
                state=state,
                advanced=False,
            )
        return close(ctx, chosen[0])

    def _done(self, ctx: Context, said: str) -> Turn:
        said = said.strip().strip(".!").strip()
        actions = minutes_queries.open_actions(ctx.session, ctx.person_id)
        if not actions:
            return Turn(replies=[Text("You have no open actions to tick off.")])
        if len(said) > 500:
            return Turn(
                replies=[
                    Text(
                        "That's too long for me to match to an action. Say *done 2*, using its "
                        "number from *my actions*."
                    )
                ]
            )
        if (index := action_number(said)) is not None:
            if not 1 <= index <= len(actions):
                count = len(actions)
                return Turn(
                    replies=[
                        Text(
                            f"There's no action {index}: you have {count} open action"
                            f"{'s' * (count != 1)}. Type *my actions* to see them numbered."
                        )
                    ]
                )
            return close(ctx, actions[index - 1])
        found, whole = match_actions(said, [a.text for a in actions])
        if not found:
            return Turn(
                replies=[
                    Text(
                        f"I couldn't find an open action like '{said}'. Type *my actions* to see "
                        "them, then say *done* and its number."
                    )
                ]
            )
        rows = [actions[i] for i in found[:5]]
        if len(rows) == 1 and whole:
            if covers(said, rows[0].text):
                return close(ctx, rows[0])
            return _ask(Pending(asking="mark", ids=[_id(rows[0])]), [_mark_question(rows[0])])
        lead = "" if whole else f"I couldn't find '{said}' exactly. Did you mean one of these?"
        return _ask(Pending(asking="which", ids=[_id(r) for r in rows]), [_which(rows, lead)])


def _after_done(said: str) -> str | None:
    words = said.split(maxsplit=1)
    if words and words[0].lower().strip(":") == "done":
        return words[1] if len(words) > 1 else ""
    return None


def _id(row: ActionItem) -> int:
    assert row.id is not None
    return row.id


def _open(ctx: Context, action_id: int) -> ActionItem | None:
    row = minutes_queries.action_of(ctx.session, ctx.person_id, action_id)
    return row if row is not None and row.done_at is None else None


def _ask(pending: Pending, parts: list[Part]) -> Turn:
    return Turn(replies=parts, state=pending.to_state())


def _mark_question(row: ActionItem) -> Question:
    return Question(
        f"Mark *{row.text}* as done?", (Choice("Yes, it's done", MARK), Choice("No", KEEP))
    )


def _which(rows: list[ActionItem], lead: str = "") -> Question:
    return Question(
        lead or "Which one did you mean?",
        tuple(Choice(r.text[:70], PICK, str(r.id)) for r in rows),
    )


def _action_button(ctx: Context, action: str) -> Turn:
    parts = action.split(":")
    row = None
    if len(parts) == 3 and parts[2].isdigit():
        row = minutes_queries.action_of(ctx.session, ctx.person_id, int(parts[2]))
    if row is None or parts[1] not in ("done", "reopen"):
        return Turn(replies=[Text("I couldn't find that action. Type *my actions* to see yours.")])
    if parts[1] == "done":
        if row.done_at is not None:
            return Turn(replies=[Text(f"*{row.text}* was already ticked off.")])
        return close(ctx, row)
    return reopen(ctx, row)


def reopen(ctx: Context, row: ActionItem) -> Turn:
    if row.done_at is None:
        return Turn(replies=[Text(f"*{row.text}* is still open.")])
    row.done_at = None
    ctx.session.add(row)
    return Turn(
        replies=[Text(f"Reopened: *{row.text}*. Type *my actions* to see the list.", private=True)]
    )


def close(ctx: Context, action: ActionItem) -> Turn:
    left = len(minutes_queries.open_actions(ctx.session, ctx.person_id)) - 1
    action.done_at = ctx.now
    ctx.session.add(action)
    still = (
        f"{left} action{'s' * (left != 1)} still open: type *my actions* to see them."
        if left
        else "That was the last open action."
    )
    return Turn(
        replies=[
            Text(f"Ticked off: *{action.text}*.", private=True),
            Text(still),
            Question("Wrong one?", (Choice("Undo", f"{ACTION_PREFIX}:reopen:{action.id}"),)),
        ]
    )


# -- actions in people's own words, in a new turn -----------------------------------------------


def _target(ctx: Context, talk: Talk) -> list[ActionItem]:
    """The actions ``talk`` is about: those its words name, or the one just touched."""
    if talk.kind == "undo":
        since = ctx.now - RECENT
        done = [
            a
            for a in minutes_queries.actions_touched(ctx.session, ctx.person_id)
            if a.done_at is not None and a.done_at >= since
        ]
        return done[:1]
    actions = minutes_queries.open_actions(ctx.session, ctx.person_id)
    if talk.number is not None:  # "2 is done": numbered as "my actions" lists them
        return actions[talk.number - 1 : talk.number] if talk.number >= 1 else []
    found, whole = match_actions(talk.what, [a.text for a in actions])
    if found and (whole or len(found) == 1):
        return [actions[i] for i in found]
    if talk.kind == "owner":  # "that last action": the one stored a moment ago
        since = ctx.now - RECENT
        fresh = [
            a
            for a in minutes_queries.actions_touched(ctx.session, ctx.person_id)
            if a.done_at is None and a.created_at >= since
        ]
        return fresh[:1]
    return []


def fits(ctx: Context, text: str) -> bool:
    """Whether ``text`` is about the person's actions (and names one there is)."""
    talk = read_action_talk(text)
    if talk is None:
        return False
    if talk.kind == "list":
        return _whose(ctx, talk.who) is not None
    if talk.kind == "owner" and _whose(ctx, talk.who) is None:
        return False
    return bool(_target(ctx, talk))


def answer_talk(ctx: Context, talk: Talk) -> Turn:
    """Do what ``talk`` asks of the actions."""
    if talk.kind == "list":
        person = _whose(ctx, talk.who)
        return _listed_for(ctx, person) if person is not None else _all_listed(ctx)
    rows = _target(ctx, talk)
    if not rows:
        return Turn(
            replies=[Text("I couldn't tell which action you mean. Type *my actions* to see them.")]
        )
    if talk.kind == "undo":
        return reopen(ctx, rows[0])
    if len(rows) > 1:
        return _ask(Pending(asking="which", ids=[_id(r) for r in rows]), [_which(rows)])
    row = rows[0]
    if talk.kind == "done":
        if talk.number is not None or covers(talk.what, row.text):
            return close(ctx, row)
        return _ask(Pending(asking="mark", ids=[_id(row)]), [_mark_question(row)])
    if talk.kind == "due":
        return _redate(ctx, row, talk.when)
    return _reown(ctx, row, talk.who)


def _redate(ctx: Context, row: ActionItem, when: str) -> Turn:
    due = read_due(when, SectionContext(now=ctx.now, tz=ctx.tz))
    if isinstance(due, Ask) or due is None:
        why = due.question if isinstance(due, Ask) else f"I couldn't read a date in '{when}'."
        return Turn(replies=[Text(f"{why} *{row.text}* is still due as before.")])
    was = _due_text(ctx, row.due)
    row.due = due
    ctx.session.add(row)
    return Turn(
        replies=[
            Text(
                f"Done: *{row.text}* is now due {format_day(due, ctx.today)} (was {was}).",
                private=True,
            )
        ]
    )


def _due_text(ctx: Context, due: date | None) -> str:
    return format_day(due, ctx.today) if due else "no due date"


def _reown(ctx: Context, row: ActionItem, who: str) -> Turn:
    person = _whose(ctx, who)
    if person is None:
        return Turn(replies=[Text("Actions are for you, your partner or both of you.")])
    row.owner_id = person
    row.owner_name = ctx.name_of(person)
    ctx.session.add(row)
    owner = "you" if person == ctx.person_id else row.owner_name
    return Turn(replies=[Text(f"Done: *{row.text}* is now for {owner}.", private=True)])


# -- actions said after the minutes were saved ---------------------------------------------------

ADD = "dialog:actions:add"
NOT_ADD = "dialog:actions:not_add"
ADD_WITHIN = timedelta(days=31)  # actions said later belong to minutes this recent


def _latest_minutes(ctx: Context) -> Minutes | None:
    rows, _ = minutes_queries.minutes_page(ctx.session, ctx.person_id, 0, 1)
    if not rows or rows[0].held_on < ctx.today - ADD_WITHIN:
        return None
    return rows[0] if _pairing_of(ctx, rows[0]) is not None else None


def _pairing_of(ctx: Context, minutes: Minutes) -> Pairing | None:
    pairings = minutes_queries.pairings_of(ctx.session, ctx.person_id)
    return next((p for p in pairings if p.id == minutes.pairing_id), None)


def _said_actions(ctx: Context, text: str, pairing: Pairing) -> list[Action]:
    """The actions a message is made of ("we both need to look at the JD before the 16th"):
    every one with its owner, and nothing else said."""
    if recognise(text).name is not IntentName.UNKNOWN:
        return []
    other = pairing.mentor_id if pairing.mentee_id == ctx.person_id else pairing.mentee_id
    context = SectionContext(
        now=ctx.now,
        tz=ctx.tz,
        partner_names=(ctx.name_of(other),),
        own_names=(ctx.name_of(ctx.person_id),),
    )
    said = read_sections(text, context)
    if said.discussion or said.decisions or said.next_meeting or not said.actions:
        return []
    if any(a.owner is None for a in said.actions):
        return []
    return list(said.actions)


def _adding(ctx: Context, text: str) -> Pending | None:
    minutes = _latest_minutes(ctx)
    pairing = _pairing_of(ctx, minutes) if minutes is not None else None
    if minutes is None or pairing is None:
        return None
    other = pairing.mentor_id if pairing.mentee_id == ctx.person_id else pairing.mentee_id
    owners = {"me": ctx.person_id, "partner": other, "both": None}
    adding = [
        {
            "text": a.text,
            "owner": owners[a.owner or "both"],
            "due": a.due.isoformat() if a.due else None,
        }
        for a in _said_actions(ctx, text, pairing)
    ]
    return Pending(asking="add", adding=adding, minutes_id=minutes.id) if adding else None


def _adding_question(ctx: Context, pending: Pending) -> list[Part]:
    minutes = ctx.session.get(Minutes, pending.minutes_id)
    day = format_day(minutes.held_on, ctx.today) if minutes is not None else "your last meeting"
    lines = [f"Add to the minutes of {day}:"]
    for action in pending.adding:
        owner = action["owner"]
        who = "you" if owner == ctx.person_id else ctx.name_of(owner) if owner else BOTH_NAME
        due = f"due {format_day(date.fromisoformat(action['due']), ctx.today)}"
        lines.append(f"• {action['text']} ({who}, {due if action['due'] else 'no due date'})")
    return [
        Text("\n".join(lines), private=True),
        Question("Shall I add them?", (Choice("Yes, add them", ADD), Choice("No", NOT_ADD))),
    ]


def _on_adding(ctx: Context, pending: Pending, msg: Incoming) -> Turn:
    heard = meaning(msg.text) if msg.action is None else None
    if msg.action == NOT_ADD or heard is Meaning.NO:
        return Turn(replies=[Text("OK, I haven't added anything.")])
    if not (msg.action == ADD or heard is Meaning.YES):
        return Turn(
            replies=[Text("Please say yes or no."), *_adding_question(ctx, pending)],
            state=pending.to_state(),
            advanced=False,
        )
    minutes = ctx.session.get(Minutes, pending.minutes_id)
    if minutes is None or _pairing_of(ctx, minutes) is None:
        return Turn(replies=[Text("Those minutes are no longer yours to add to. Nothing added.")])
    for action in pending.adding:
        owner = action["owner"]
        ctx.session.add(
            ActionItem(
                pairing_id=minutes.pairing_id,
                minutes_id=minutes.id,
                owner_id=owner,
                owner_name=ctx.name_of(owner) if owner else BOTH_NAME,
                text=action["text"],
                due=date.fromisoformat(action["due"]) if action["due"] else None,
                created_at=ctx.now,
            )
        )
    count = len(pending.adding)
    return Turn(
        replies=[
            Text(
                f"Added {count} action{'s' * (count != 1)} to the minutes of "
                f"{format_day(minutes.held_on, ctx.today)}. Type *my actions* to see what's open."
            )
        ]
    )


def action_questions(ctx: Context) -> list[OpenQuestion]:
    """Open "questions" for a person with actions or recent minutes: a message about their
    actions, or actions said after the minutes were saved, in any turn."""
    touched = minutes_queries.actions_touched(ctx.session, ctx.person_id)
    found = []
    if (minutes := _latest_minutes(ctx)) is not None:

        def add(ctx: Context, msg: Incoming) -> Answered:
            pending = _adding(ctx, msg.text)
            assert pending is not None
            return Answered(
                Turn(replies=_adding_question(ctx, pending), state=pending.to_state()),
                ActionUpdate.name,
            )

        found.append(
            OpenQuestion(
                f"add_actions:{minutes.id}",
                minutes.created_at,
                "Adding actions",
                lambda ctx, text: _adding(ctx, text) is not None,
                add,
            )
        )
    if not touched:
        return found

    def answered(ctx: Context, msg: Incoming) -> Answered:
        talk = read_action_talk(msg.text)
        turn = answer_talk(ctx, talk) if talk is not None else _all_listed(ctx)
        return Answered(turn, ActionUpdate.name if turn.state is not None else None)

    asked = min(a.created_at for a in touched)
    return [*found, OpenQuestion(f"actions:{ctx.person_id}", asked, "Your actions", fits, answered)]
