"""The pair's actions once agreed: listed, ticked off, undone, re-dated and re-owned, by number,
by button or in people's own words ("sent priya the template this morn", "undo that", "push the
rota paper to the 13th", "that last action is toms not mine", "whats tom got to do?").

Map:
- ``my_actions``: the pair's open actions, numbered as "done 2" reads them (or one person's).
- ``ActionUpdate``: a ``kit.Steps`` dialog: ticks off at once what is named in full or by
  number; asks "Mark ... as done?" when the words only point at it, which one when several
  fit, and whether to add actions said after the minutes were saved.
- ``action_questions``: open questions, so that such words in a new turn reach it (read by
  ``conversations.language.actions``).

Only the two partners see or change a pair's actions (``storage.minutes_queries`` scopes every
read to the asker). Ticking off does not notify the partner (see the package's notes).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from conversations.dates import Ask, format_day
from conversations.dialogs import kit
from conversations.dialogs.base import Context, Turn, counted, say
from conversations.intents import Intent, IntentName, recognise
from conversations.language.actions import (
    Talk,
    action_number,
    covers,
    done_words,
    match_actions,
    read_action_talk,
)
from conversations.language.numbers import one_number
from conversations.language.pairing import named
from conversations.language.sections import SectionContext, names_self, read_due, read_sections
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.open_questions import Answered, OpenQuestion
from storage import minutes_queries
from storage.models import ActionItem, Minutes, Pairing
from storage.queries import partner_of

ACTION_PREFIX = "action"  # buttons "action:done:12" / "action:reopen:12"
MARK = "dialog:actions:mark"
KEEP = "dialog:actions:keep"
PICK = "dialog:actions:pick"
ADD = "dialog:actions:add"
NOT_ADD = "dialog:actions:not_add"
RECENT = timedelta(minutes=30)  # "undo that", "that last action": what was just done
ADD_WITHIN = timedelta(days=31)  # actions said later belong to minutes this recent
BOTH_NAME = "Both"
ADDING = Question("Shall I add them?", (Choice("Yes, add them", ADD), Choice("No", NOT_ADD)))


def not_paired(what: str) -> Turn:
    return say(
        f"You're not in a mentoring pair, so there are no {what} for you here. "
        f"{what[:1].upper() + what[1:]} belong to each pair and only its two partners "
        "can see them. Type *help* to see what I can do for you."
    )


def pair_context(ctx: Context, pairing: Pairing, **more: Any) -> SectionContext:
    """How the language layer reads what one of ``pairing`` writes (``more``: meeting_at)."""
    partner = ctx.name_of(partner_of(pairing, ctx.person_id))
    own = ctx.name_of(ctx.person_id)
    return SectionContext(ctx.now, ctx.tz, partner_names=(partner,), own_names=(own,), **more)


def _private(*lines: str) -> Turn:
    return Turn(replies=[Text("\n".join(lines), private=True)])


def owner_of(ctx: Context, action: ActionItem) -> str:
    return "you" if action.owner_id == ctx.person_id else action.owner_name or "no owner"


def due_of(ctx: Context, due: date | None) -> str:
    return f"due {format_day(due, ctx.today)}" if due else "no due date"


def action_row(ctx: Context, number: int, action: ActionItem) -> str:
    due = due_of(ctx, action.due)
    if action.due == ctx.today:
        due = "due today"
    elif action.due is not None and action.due < ctx.today:
        due += ", *overdue*"
    return f"{number}. {action.text} ({owner_of(ctx, action)}, {due})"


def my_actions(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The pair's open actions, numbered as "done 2" reads them."""
    return _listed(ctx)


def _listed(ctx: Context, person: int | None = None) -> Turn:
    """The pair's open actions, or one partner's with the shared ones ("whats tom got to do?"),
    numbered as in the whole list so that "done 2" ticks off the one shown as 2."""
    if not minutes_queries.pairings_of(ctx.session, ctx.person_id):
        return not_paired("actions")
    numbered = enumerate(minutes_queries.open_actions(ctx.session, ctx.person_id), start=1)
    shown = [(n, a) for n, a in numbered if person is None or a.owner_id in (person, None)]
    rows = [action_row(ctx, n, a) for n, a in shown]
    if person is None:
        if not rows:
            return say(
                "You have no open actions. Nice work! Actions agreed in a meeting's minutes "
                "will show here."
            )
        hint = "Say *done 2* (the number) or *done* and a few words of it to tick one off."
        listing = Text("\n".join(["Your pair's open actions:", *rows]), private=True)
        return Turn(replies=[listing, Text(hint)])
    name = "You have" if person == ctx.person_id else f"{ctx.name_of(person).split(' ', 1)[0]} has"
    if not rows:
        return say(f"{name} no open actions just now.")
    return _private(f"{name} these open actions:", *rows)


def _whose(ctx: Context, who: str) -> int | None:
    """The person of the pair a word names ("tom", "me"), or None."""
    if names_self(who):
        return ctx.person_id
    pairings = minutes_queries.pairings_of(ctx.session, ctx.person_id)
    people = [
        (p, ctx.name_of(p), "") for pair in pairings for p in (pair.mentee_id, pair.mentor_id)
    ]
    return next(iter(named(who, people)), None)


# -- the dialog ------------------------------------------------------------------------------


class Adding(BaseModel):
    """An action said after the minutes were saved, to add to them."""

    text: str
    owner: int | None = None  # None: both of them
    due: date | None = None


class ActionState(kit.StepState):
    """What ``ActionUpdate`` waits on: yes/no to marking one action done (``ids``: it), which
    one (``ids``: those that fit), or yes/no to adding actions to the minutes ``minutes_id``."""

    step: Literal["mark", "which", "add"]
    ids: list[int] = Field(default_factory=list)
    adding: list[Adding] = Field(default_factory=list)
    minutes_id: int | None = None


class ActionUpdate(kit.Steps[ActionState]):
    """ "done 2", "done draft business case", the buttons, and actions in people's own words."""

    name: ClassVar[str] = "actions"
    title: ClassVar[str] = "Your actions"
    schema_version: ClassVar[int] = 2
    State = ActionState

    def __init__(self) -> None:
        self.steps = {
            "mark": (lambda ctx, state: [_mark_question(_rows(ctx, state)[0])], self._on_mark),
            "which": (lambda ctx, state: [_which(_rows(ctx, state))], self._on_which),
            "add": (_adding_question, self._on_add),
        }

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if not minutes_queries.pairings_of(ctx.session, ctx.person_id):
            return not_paired("actions")
        if msg.action and msg.action.startswith(f"{ACTION_PREFIX}:"):
            return _action_button(ctx, msg.action)
        if (said := done_words(msg.text)) is not None:
            return _done(ctx, said)
        talk = read_action_talk(msg.text.strip())
        assert talk is not None  # ``done_words`` read every other message as done
        return answer_talk(ctx, talk)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        if msg.action is None and recognise(msg.text).name is IntentName.DONE_ACTION:
            return self.start(ctx, msg)  # "done rota": a new request, not this one's answer
        state = self.load(raw)
        if state.step != "add" and not _rows(ctx, state):
            return say("That action is no longer open.")
        return super().step(ctx, raw, msg)

    def _on_mark(self, ctx: Context, state: ActionState, msg: Incoming) -> Turn:
        row = _rows(ctx, state)[0]
        if (said := kit.chosen(msg, _mark_question(row).choices)) is None:
            return self.again(ctx, state, "Please say yes or no.")
        if said.action == KEEP:
            return say(f"OK, *{row.text}* stays open.")
        return close(ctx, row)

    def _on_which(self, ctx: Context, state: ActionState, msg: Incoming) -> Turn:
        rows = _rows(ctx, state)
        index = one_number(msg.text) if msg.action is None else None
        if index is not None and 1 <= index <= len(rows):
            return close(ctx, rows[index - 1])
        said = kit.chosen(msg, _which(rows).choices)
        row = next((r for r in rows if said is not None and str(r.id) == said.value), None)
        if row is None:
            return self.again(ctx, state, "Please choose one of these.")
        return close(ctx, row)

    def _on_add(self, ctx: Context, state: ActionState, msg: Incoming) -> Turn:
        if (said := kit.chosen(msg, ADDING.choices)) is None:
            return self.again(ctx, state, "Please say yes or no.")
        if said.action == NOT_ADD:
            return say("OK, I haven't added anything.")
        found = minutes_queries.minutes_of(ctx.session, ctx.person_id, state.minutes_id or 0)
        if found is None:
            return say("Those minutes are no longer yours to add to. Nothing added.")
        minutes = found[0]
        for action in state.adding:
            ctx.session.add(
                ActionItem(
                    pairing_id=minutes.pairing_id,
                    minutes_id=minutes.id,
                    owner_id=action.owner,
                    owner_name=ctx.name_of(action.owner) if action.owner else BOTH_NAME,
                    text=action.text,
                    due=action.due,
                    created_at=ctx.now,
                )
            )
        added = f"Added {counted(len(state.adding), 'action')} to the minutes of"
        day = format_day(minutes.held_on, ctx.today)
        return say(f"{added} {day}. Type *my actions* to see what's open.")


def _done(ctx: Context, said: str) -> Turn:
    """Tick off the action ``said`` names, by number or in words."""
    said = said.strip().strip(".!").strip()
    actions = minutes_queries.open_actions(ctx.session, ctx.person_id)
    if not actions:
        return say("You have no open actions to tick off.")
    if len(said) > 500:
        return say(
            "That's too long for me to match to an action. Say *done 2*, using its "
            "number from *my actions*."
        )
    if (index := action_number(said)) is not None:
        if not 1 <= index <= len(actions):
            have = counted(len(actions), "open action")
            return say(
                f"There's no action {index}: you have {have}. Type *my actions* to see them numbered."
            )
        return _tick(ctx, [actions[index - 1]])
    found, whole = match_actions(said, [a.text for a in actions])
    if not found:
        return say(
            f"I couldn't find an open action like '{said}'. Type *my actions* to see "
            "them, then say *done* and its number."
        )
    lead = "" if whole else f"I couldn't find '{said}' exactly. Did you mean one of these?"
    return _tick(ctx, [actions[i] for i in found[:5]], said, lead)


def _tick(ctx: Context, rows: list[ActionItem], said: str | None = None, lead: str = "") -> Turn:
    """Tick off the one action named in full (``said`` None: by its number); ask "Mark ... as
    done?" when the words only point at it, and which one when several fit or none exactly."""
    which = len(rows) > 1 or bool(lead)
    if not which and (said is None or covers(said, rows[0].text)):
        return close(ctx, rows[0])
    state = ActionState(step="which" if which else "mark", ids=[r.id or 0 for r in rows])
    asked = _which(rows, lead) if which else _mark_question(rows[0])
    return Turn(replies=[asked], state=state.to_state())


def _rows(ctx: Context, state: ActionState) -> list[ActionItem]:
    """The actions ``state`` asks about that are still open."""
    rows = [minutes_queries.action_of(ctx.session, ctx.person_id, i) for i in state.ids]
    return [r for r in rows if r is not None and r.done_at is None]


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
        return say("I couldn't find that action. Type *my actions* to see yours.")
    if parts[1] == "reopen":
        return reopen(ctx, row)
    if row.done_at is not None:
        return say(f"*{row.text}* was already ticked off.")
    return close(ctx, row)


def reopen(ctx: Context, row: ActionItem) -> Turn:
    if row.done_at is None:
        return say(f"*{row.text}* is still open.")
    row.done_at = None
    ctx.session.add(row)
    return _private(f"Reopened: *{row.text}*. Type *my actions* to see the list.")


def close(ctx: Context, action: ActionItem) -> Turn:
    left = len(minutes_queries.open_actions(ctx.session, ctx.person_id)) - 1
    action.done_at = ctx.now
    ctx.session.add(action)
    still = f"{counted(left, 'action')} still open: type *my actions* to see them."
    if not left:
        still = "That was the last open action."
    return Turn(
        replies=[
            Text(f"Ticked off: *{action.text}*.", private=True),
            Text(still),
            Question("Wrong one?", (Choice("Undo", f"{ACTION_PREFIX}:reopen:{action.id}"),)),
        ]
    )


# -- actions in people's own words, in a new turn -----------------------------------------------


def _just(ctx: Context, done: bool) -> list[ActionItem]:
    """The action just ticked off (``done``) or just added and still open, if there is one."""
    since = ctx.now - RECENT
    touched = minutes_queries.actions_touched(ctx.session, ctx.person_id)
    if done:
        return [a for a in touched if a.done_at is not None and a.done_at >= since][:1]
    return [a for a in touched if a.done_at is None and a.created_at >= since][:1]


def _target(ctx: Context, talk: Talk) -> list[ActionItem]:
    """The actions ``talk`` is about: those its words name, or the one just touched."""
    if talk.kind == "undo":
        return _just(ctx, done=True)
    actions = minutes_queries.open_actions(ctx.session, ctx.person_id)
    if talk.number is not None:  # "2 is done": numbered as "my actions" lists them
        return actions[talk.number - 1 : talk.number] if talk.number >= 1 else []
    found, whole = match_actions(talk.what, [a.text for a in actions])
    if found and (whole or len(found) == 1):
        return [actions[i] for i in found]
    return _just(ctx, done=False) if talk.kind == "owner" else []  # "that last action"


def fits(ctx: Context, text: str) -> bool:
    """Whether ``text`` is about the person's actions (and names one there is)."""
    talk = read_action_talk(text)
    if talk is None:
        return False
    if talk.kind in ("list", "owner") and _whose(ctx, talk.who) is None:
        return False
    return talk.kind == "list" or bool(_target(ctx, talk))


def answer_talk(ctx: Context, talk: Talk) -> Turn:
    """Do what ``talk`` asks of the actions."""
    if talk.kind == "list":
        return _listed(ctx, _whose(ctx, talk.who))
    rows = _target(ctx, talk)
    if not rows:
        return say("I couldn't tell which action you mean. Type *my actions* to see them.")
    if talk.kind == "undo":
        return reopen(ctx, rows[0])
    if talk.kind == "done" or len(rows) > 1:
        return _tick(ctx, rows, None if talk.number is not None else talk.what)
    if talk.kind == "due":
        return _redate(ctx, rows[0], talk.when)
    return _reown(ctx, rows[0], talk.who)


def _redate(ctx: Context, row: ActionItem, when: str) -> Turn:
    due = read_due(when, SectionContext(now=ctx.now, tz=ctx.tz))
    if isinstance(due, Ask) or due is None:
        why = due.question if isinstance(due, Ask) else f"I couldn't read a date in '{when}'."
        return say(f"{why} *{row.text}* is still due as before.")
    was = format_day(row.due, ctx.today) if row.due else "no due date"
    row.due = due
    ctx.session.add(row)
    return _private(f"Done: *{row.text}* is now due {format_day(due, ctx.today)} (was {was}).")


def _reown(ctx: Context, row: ActionItem, who: str) -> Turn:
    person = _whose(ctx, who)
    if person is None:
        return say("Actions are for you, your partner or both of you.")
    row.owner_id = person
    row.owner_name = ctx.name_of(person)
    ctx.session.add(row)
    return _private(f"Done: *{row.text}* is now for {owner_of(ctx, row)}.")


# -- actions said after the minutes were saved ---------------------------------------------------


def _latest(ctx: Context) -> tuple[Minutes, Pairing] | None:
    return minutes_queries.latest_minutes(ctx.session, ctx.person_id, ctx.today - ADD_WITHIN)


def _adding(ctx: Context, text: str) -> ActionState | None:
    """Actions a message is made of, to add to the latest minutes ("we both need to look at the
    JD before the 16th"): every one with its owner, and nothing else said."""
    found = _latest(ctx) if recognise(text).name is IntentName.UNKNOWN else None
    if found is None:
        return None
    minutes, pairing = found
    said = read_sections(text, pair_context(ctx, pairing))
    if said.discussion or said.decisions or said.next_meeting or not said.actions:
        return None
    if any(a.owner is None for a in said.actions):
        return None
    owners = {"me": ctx.person_id, "partner": partner_of(pairing, ctx.person_id), "both": None}
    adding = [Adding(text=a.text, owner=owners[a.owner or "both"], due=a.due) for a in said.actions]
    return ActionState(step="add", adding=adding, minutes_id=minutes.id)


def _adding_question(ctx: Context, state: ActionState) -> list[Part]:
    found = minutes_queries.minutes_of(ctx.session, ctx.person_id, state.minutes_id or 0)
    day = format_day(found[0].held_on, ctx.today) if found else "your last meeting"
    lines = [f"Add to the minutes of {day}:"]
    for action in state.adding:
        owner = action.owner
        who = "you" if owner == ctx.person_id else ctx.name_of(owner) if owner else BOTH_NAME
        lines.append(f"• {action.text} ({who}, {due_of(ctx, action.due)})")
    return [Text("\n".join(lines), private=True), ADDING]


def action_questions(ctx: Context) -> list[OpenQuestion]:
    """Open "questions" for a person with actions or recent minutes: a message about their
    actions, or actions said after the minutes were saved, in any turn."""
    found = []
    if (latest := _latest(ctx)) is not None:

        def add(ctx: Context, msg: Incoming) -> Answered:
            state = _adding(ctx, msg.text)
            assert state is not None
            asked = Turn(replies=_adding_question(ctx, state), state=state.to_state())
            return Answered(asked, ActionUpdate.name)

        def adds(ctx: Context, text: str) -> bool:
            return _adding(ctx, text) is not None

        minutes = latest[0]
        key = f"add_actions:{minutes.id}"
        found.append(OpenQuestion(key, minutes.created_at, "Adding actions", adds, add))
    if not (touched := minutes_queries.actions_touched(ctx.session, ctx.person_id)):
        return found

    def answered(ctx: Context, msg: Incoming) -> Answered:
        talk = read_action_talk(msg.text)
        turn = answer_talk(ctx, talk) if talk is not None else _listed(ctx)
        return Answered(turn, ActionUpdate.name if turn.state is not None else None)

    asked = min(a.created_at for a in touched)
    return [*found, OpenQuestion(f"actions:{ctx.person_id}", asked, "Your actions", fits, answered)]
