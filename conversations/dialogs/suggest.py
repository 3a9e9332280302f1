"""The fallback: what to say when a message is not understood, never leaving the person guessing
the magic words.

A message sharing words with things this person can do ("meeting pls") gets the two or three
likeliest as buttons ("Did you mean: My meetings / Book a meeting?"), each taken when pressed or
when its label, number or a word of it is typed next turn; anything else then is read afresh.
A message about something else ("what's the weather") gets a kind pointer to what the bot does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from conversations.dialogs.base import Context, Turn, say
from conversations.intents import INTENT_ACTION_PREFIX, IntentName, candidates, recognise
from conversations.language import brief
from conversations.language.choices import pick
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.open_questions import NOTHING_WAITING
from conversations.patient_data import find_patient_data
from storage.models import Role

# How many suggestions to offer, and how much weaker than the best one a suggestion may be.
MOST = 3
WEAKEST_SHARE = 0.5
# A suggestion is answered by typing only this soon after it was made; later, typed words are
# read afresh (a "2" tomorrow is not an answer to today's question).
ANSWER_WITHIN = timedelta(hours=1)

LABELS: dict[IntentName, str] = {
    IntentName.BOOK_MEETING: "Book a meeting",
    IntentName.MY_MEETINGS: "My meetings",
    IntentName.MY_PARTNER: "Who my partner is",
    IntentName.RESCHEDULE_MEETING: "Move a meeting",
    IntentName.CANCEL_MEETING: "Cancel a meeting",
    IntentName.LOG_MINUTES: "Log minutes",
    IntentName.MY_MINUTES: "Our minutes",
    IntentName.MY_ACTIONS: "My actions",
    IntentName.DIARY_GUIDED: "Write in my diary",
    IntentName.MY_DIARY: "Read my diary",
    IntentName.CONTRACT: "Sign the contract",
    IntentName.CHECKIN: "Check-in",
    IntentName.PREFERENCES: "Choose my mentor",
    IntentName.REGISTER_MENTOR: "My mentor profile",
    IntentName.MENTOR_CAPACITY: "My capacity",
    IntentName.CONCERN: "Raise a concern",
    IntentName.MY_CONCERNS: "My concerns",
    IntentName.PAUSE_REMINDERS: "Pause reminders",
    IntentName.RESUME_REMINDERS: "Turn reminders back on",
    IntentName.WHATS_NEXT: "What's next",
    IntentName.HELP: "Help",
    IntentName.APPLY: "Apply",
    IntentName.REPORT: "Reports",
    IntentName.REVIEW_APPLICATIONS: "Review applications",
    IntentName.SELECTION_STATUS: "Selection status",
    IntentName.PROPOSE_MATCHES: "Propose matches",
    IntentName.OPEN_CONCERNS: "Open concerns",
}

_PAIR = (
    IntentName.MY_MEETINGS,
    IntentName.RESCHEDULE_MEETING,
    IntentName.CANCEL_MEETING,
    IntentName.LOG_MINUTES,
    IntentName.MY_MINUTES,
    IntentName.MY_ACTIONS,
    IntentName.CONTRACT,
    IntentName.CHECKIN,
)
_BY_ROLE: dict[str, tuple[IntentName, ...]] = {
    Role.MENTEE.value: (
        IntentName.BOOK_MEETING,
        *_PAIR,
        IntentName.DIARY_GUIDED,
        IntentName.MY_DIARY,
        IntentName.PREFERENCES,
    ),
    Role.MENTOR.value: (*_PAIR, IntentName.REGISTER_MENTOR, IntentName.MENTOR_CAPACITY),
    "lead": (IntentName.REPORT, IntentName.PROPOSE_MATCHES, IntentName.OPEN_CONCERNS),
    "steering_chair": (IntentName.REVIEW_APPLICATIONS, IntentName.SELECTION_STATUS),
    "steering_member": (IntentName.REVIEW_APPLICATIONS, IntentName.SELECTION_STATUS),
    "moderator": (IntentName.REVIEW_APPLICATIONS, IntentName.SELECTION_STATUS),
}
_EVERYONE = (
    IntentName.WHATS_NEXT,
    IntentName.MY_PARTNER,
    IntentName.CONCERN,
    IntentName.MY_CONCERNS,
    IntentName.PAUSE_REMINDERS,
    IntentName.RESUME_REMINDERS,
    IntentName.HELP,
)

# What the bot is for, by role: the pointer after a message about something else.
_WHAT_I_DO = {
    Role.MENTEE.value: "book, move or cancel meetings with your mentor, keep your minutes and "
    "actions, write in your private diary, answer check-ins, or pass a concern to the project lead",
    Role.MENTOR.value: "answer your mentee's meeting requests, keep your minutes and actions, "
    "update your mentor profile, answer check-ins, or pass a concern to the project lead",
    "lead": "follow up concerns and alerts, propose matches and produce the scheme's reports",
}
_WHAT_I_DO_FOR_ANYONE = (
    "tell you what's next in the mentoring scheme, pause your reminders, or pass a concern to "
    "the project lead"
)


def offerable(ctx: Context) -> list[IntentName]:
    """What this person can ask for, in the order they are offered."""
    offered: list[IntentName] = []
    for role in (Role.MENTEE.value, Role.MENTOR.value, "lead", *sorted(ctx.roles)):
        if role in ctx.roles:
            offered += [i for i in _BY_ROLE.get(role, ()) if i not in offered]
    if not ctx.roles:
        offered.append(IntentName.APPLY)
    return offered + [i for i in _EVERYONE if i not in offered]


def suggestions(ctx: Context, text: str) -> list[Choice]:
    """The two or three things a message not understood most likely asked for."""
    ranked = candidates(text, offerable(ctx))
    if not ranked:
        return []
    best = ranked[0].score
    return [
        Choice(LABELS[c.name], INTENT_ACTION_PREFIX + c.name.value)
        for c in ranked[:MOST]
        if c.score >= best * WEAKEST_SHARE
    ]


# Offered first when a message not understood names a patient: it may be a concern.
TO_THE_LEAD = Choice(
    "Pass this to the project lead", INTENT_ACTION_PREFIX + IntentName.CONCERN.value
)


def names_a_patient(ctx: Context, text: str) -> bool:
    """Whether ``text`` holds a patient identifier (an NHS or hospital number, a date of birth)."""
    return bool(find_patient_data(text, ctx.settings().hospital_number_pattern))


def pointer(ctx: Context) -> Text:
    """A kind pointer to what the bot does, for a message about something else."""
    does = next(
        (_WHAT_I_DO[role] for role in (Role.MENTEE.value, Role.MENTOR.value, "lead")
         if role in ctx.roles),
        _WHAT_I_DO_FOR_ANYONE,
    )  # fmt: skip
    return Text(
        "Sorry, I can't help with that one (or I didn't follow it): I'm here for "
        f"your mentoring. I can {does}. Type *help* to see how, or *menu* for buttons."
    )


def nothing_to_read(msg: Incoming) -> Turn | None:
    """A button of something already finished, or a message with no words: said so."""
    if msg.action is not None:
        return say(
            "That button belongs to something we've already finished. Type *menu* to start again."
        )
    if not msg.text.strip():
        return say("I didn't get any words there. Type *help* to see what I can do.")
    return None


class Suggestions:
    """The fallback's offer, kept for one turn so that typing a suggestion takes it."""

    name: ClassVar[str] = "suggest"
    title: ClassVar[str] = "my suggestions"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (nothing := nothing_to_read(msg)) is not None:
            return nothing
        if brief(msg.text) is not None and recognise(msg.text).name is IntentName.UNKNOWN:
            # A "yep" or "nah" with no question waiting (it was answered, or put aside).
            return say(NOTHING_WAITING)
        offered = suggestions(ctx, msg.text)
        if names_a_patient(ctx, msg.text):
            # Never the out-of-scope reply: a message about a patient may be a concern.
            others = [c for c in offered if c.action != TO_THE_LEAD.action]
            offered = [TO_THE_LEAD, *others[: MOST - 1]]
        if not offered:
            return Turn(replies=[pointer(ctx)])
        state = {
            "offered": [[c.label, c.action] for c in offered],
            "asked_at": ctx.now.isoformat(),
        }
        return Turn(replies=self.prompt(ctx, state), state=state)

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        # The engine reads an answer to the offer (``taken``) first: this is a new message.
        return self.start(ctx, msg)

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        return [Question("Sorry, I didn't understand that. Did you mean:", _choices(state))]

    def taken(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Incoming | None:
        """The offer's button that a typed reply picks ("2", "my meetings", "the diary one"),
        as if pressed; None when the reply is something else (or the offer is stale)."""
        if msg.action is not None or not msg.text.strip():
            return None
        asked = state.get("asked_at")
        if not isinstance(asked, str) or ctx.now - datetime.fromisoformat(asked) > ANSWER_WITHIN:
            return None
        if recognise(msg.text).name not in (IntentName.UNKNOWN, IntentName.GREETING):
            return None  # a request of its own, in its own words
        choice = pick(msg.text, _choices(state))
        if choice is None:
            return None
        return replace(msg, text=choice.label, action=choice.action)


def _choices(state: dict[str, Any]) -> tuple[Choice, ...]:
    return tuple(Choice(str(label), str(action)) for label, action in state.get("offered", []))
