"""Questions the bot asked someone unprompted, still open, and the typed replies that answer them.

A meeting proposal reaches the mentor as a notification, a check-in as a nudge: not inside a
dialog. On Slack and Teams the reply comes hours later as plain text in a new turn, so the
engine asks each journey for its reader's open questions (``Registry.open_questions``) and gives
the reply to the one it fits. Open questions are read from the domain rows themselves (a
``proposed`` meeting waiting for this reader, a check-in nudged and not yet answered), so an
answered, withdrawn, superseded or expired question closes itself: there is nothing to forget to
close.

Map:
- :class:`OpenQuestion`: one question, with ``fits`` (pure: would this reply answer it?) and
  ``answer`` (do it: the turn and, when it goes on, the dialog that carries it).
- :func:`route`: which open question a reply answers: the one whose day it names, the only one
  it fits, each clause to its own ("yes to thurs, no to the 13th"), or ask which.
- :class:`WhichQuestion`: the short dialog that asks which, when several fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, ClassVar

from conversations.dates import When, find_when
from conversations.dialogs.base import Context, Finder, Turn
from conversations.messages import Choice, Incoming, Part, Question, Text


@dataclass(frozen=True)
class Answered:
    """What answering did: the turn, and the dialog its state belongs to when it goes on
    (a counter-proposal waits for "send it")."""

    turn: Turn
    dialog: str | None = None


@dataclass(frozen=True)
class OpenQuestion:
    key: str  # stable: "meeting:12", "survey:3"
    asked_at: datetime
    label: str  # "Thu 5 Mar, 10:00 with Priya Shah": for "which do you mean?"
    fits: Callable[[Context, str], bool]
    answer: Callable[[Context, Incoming], Answered]
    # The days it is about: a reply naming one of them is for this question.
    days: tuple[date, ...] = field(default_factory=tuple)


# A turn's state key naming the dialog that carries on from here (the engine switches to it).
HANDOFF = "_handoff"


def open_questions(ctx: Context, finders: Sequence[Finder]) -> list[OpenQuestion]:
    """Every question open for ``ctx.person``, oldest first."""
    found = [q for finder in finders for q in finder(ctx)]
    return sorted(found, key=lambda q: q.asked_at)


def days_named(ctx: Context, text: str) -> set[date]:
    """The days a message names ("thurs", "the 13th"), in the reader's zone."""
    days: set[date] = set()
    rest = text
    for _ in range(4):
        found = find_when(rest, ctx.now, ctx.tz, need_time=False)
        if found is None:
            break
        if isinstance(found.value, When):
            days.add(found.value.day)
        if found.rest == rest:
            break
        rest = found.rest
    return days


# Clauses of one reply: "yes to thurs, no to the 13th", "thursday's fine but i cant do the 13th".
_CLAUSES = re.compile(r"\s*(?:[,;]|\b(?:and|but|though|whereas|however)\b)\s*", re.I)


@dataclass(frozen=True)
class Routed:
    """Where a reply goes: answered (one or more questions), or ask which."""

    answers: list[tuple[OpenQuestion, Incoming]]
    which: list[OpenQuestion] = field(default_factory=list)


def route(ctx: Context, questions: list[OpenQuestion], msg: Incoming) -> Routed | None:
    """The open question(s) a typed reply answers, the ones to ask about, or None (not a reply)."""
    text = msg.text.strip()
    if not questions or not text:
        return None
    if len(questions) > 1:
        split = _by_clause(ctx, questions, msg)
        if split is not None:
            return Routed(answers=split)
    named = days_named(ctx, text)
    candidates = [q for q in questions if named & set(q.days)] or questions
    fitting = [q for q in candidates if q.fits(ctx, text)]
    if len(fitting) == 1:
        return Routed(answers=[(fitting[0], msg)])
    if len(fitting) > 1:
        return Routed(answers=[], which=fitting)
    return None


def _by_clause(
    ctx: Context, questions: list[OpenQuestion], msg: Incoming
) -> list[tuple[OpenQuestion, Incoming]] | None:
    """ "yes to thurs, no to the 13th": each clause to the question whose day it names."""
    clauses = [c for c in _CLAUSES.split(msg.text.strip()) if c]
    if len(clauses) < 2:
        return None
    pairs: list[tuple[OpenQuestion, Incoming]] = []
    for clause in clauses:
        named = days_named(ctx, clause)
        owners = [q for q in questions if named & set(q.days)]
        if len(owners) != 1 or not owners[0].fits(ctx, clause):
            continue
        pairs.append((owners[0], replace(msg, text=clause)))
    if len({q.key for q, _ in pairs}) < 2:
        return None
    return pairs


# -- asking which -----------------------------------------------------------------------------

W_PICK = "dialog:open_question:pick"
_ALL = "all"
_BOTH = re.compile(r"\b(?:both|all|each|every)\b", re.I)
_NUMBER = re.compile(r"^\s*(?:the\s+)?(\d{1,2}|first|second|third)\b", re.I)
_ORDINALS = {"first": 1, "second": 2, "third": 3}


# A "yes" or "ok" with no question open for it: the one way the bot says so.
NOTHING_WAITING = (
    "There's nothing waiting for your answer just now. Type *menu* to see what I can do."
)


def which_question(questions: list[OpenQuestion]) -> Question:
    choices = [Choice(q.label, W_PICK, q.key) for q in questions]
    choices.append(Choice("Both" if len(questions) == 2 else "All of them", W_PICK, _ALL))
    return Question("I have more than one question waiting for you. Which do you mean?",
                    tuple(choices))  # fmt: skip


class WhichQuestion:
    """Several open questions fit a reply ("ok"): ask which, then answer it with that reply."""

    name: ClassVar[str] = "open_question"
    title: ClassVar[str] = "Your answer"
    schema_version: ClassVar[int] = 1

    def __init__(self, finders: Sequence[Finder]) -> None:
        self.finders = finders

    def ask(self, msg: Incoming, questions: list[OpenQuestion]) -> Turn:
        state = {"text": msg.text.strip(), "keys": [q.key for q in questions]}
        return Turn(replies=[which_question(questions)], state=state)

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        return Turn(replies=[Text(NOTHING_WAITING)])

    def _open(self, ctx: Context, state: dict[str, Any]) -> list[OpenQuestion]:
        keys = list(state.get("keys", []))
        by_key = {q.key: q for q in open_questions(ctx, self.finders)}
        return [by_key[k] for k in keys if k in by_key]

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        questions = self._open(ctx, state)
        if not questions:
            return [
                Text("Those questions have been answered since. Type *my meetings* to see yours.")
            ]
        return [which_question(questions)]

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        questions = self._open(ctx, state)
        if not questions:
            return Turn(replies=self.prompt(ctx, state))
        picked = self._picked(ctx, questions, msg)
        if not picked:
            return Turn(
                replies=[Text("Please choose one of these."), which_question(questions)],
                state=state,
                advanced=False,
            )
        said = replace(msg, text=str(state.get("text", "")), action=None)
        replies: list[Part] = []
        outgoing = []
        for number, question in enumerate(picked):
            if not question.fits(ctx, said.text):
                continue
            done = question.answer(ctx, said)
            replies += done.turn.replies
            outgoing += done.turn.outgoing
            if done.turn.state is not None:
                # It goes on (a check-in to fill in): that dialog takes over, and the rest wait.
                for rest in picked[number + 1 :]:
                    replies.append(Text(f"(I'll keep {_lower(rest.label)} open for afterwards.)"))
                state = {HANDOFF: done.dialog, **done.turn.state}
                return Turn(replies=replies, state=state, outgoing=outgoing)
        return Turn(replies=replies, outgoing=outgoing)

    def _picked(
        self, ctx: Context, questions: list[OpenQuestion], msg: Incoming
    ) -> list[OpenQuestion]:
        if msg.action == W_PICK:
            value = str(msg.values.get("value", ""))
            return questions if value == _ALL else [q for q in questions if q.key == value]
        text = msg.text.strip()
        if _BOTH.search(text):
            return questions
        if number := _NUMBER.match(text):
            word = number.group(1).lower()
            n = _ORDINALS.get(word) or int(word)
            if 1 <= n <= len(questions):
                return [questions[n - 1]]
            if n == len(questions) + 1:
                return questions
        named = days_named(ctx, text)
        by_day = [q for q in questions if named & set(q.days)]
        if by_day:
            return by_day
        # "the check-in": a word of one label only
        words = _words(text)
        by_label = [q for q in questions if words & _words(q.label)]
        return by_label if len(by_label) == 1 else []


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w-]+", text.lower()) if len(w) > 3} - {"your", "with", "that"}


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]
