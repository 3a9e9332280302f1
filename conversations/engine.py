"""The engine runs one turn: de-duplicate, load state, run the dialog, save state and outbox.

One turn is one database transaction:
1. look the platform event id up (a retried delivery is ignored);
2. load the person's dialog state for this conversation;
3. handle words about a shared place ("use this channel for lead alerts", said there) and then
   a global word (help, menu, cancel, back, what's next) before any dialog;
4. otherwise give the message to the active dialog, or start the journey it asks for. Words that
   raise a concern ("raise a concern") interrupt any dialog, which is kept in the concern's
   state and taken up again when the concern is sent or cancelled; a dialog that
   ``keeps_aside`` (an unsent concern) put aside by another request is kept in a row of its
   own and picked up when its journey is asked for again. A clear request for another journey
   while a dialog waits on a slot or a choice (``interruptible``), or any such request to a
   dialog left over a day, is served and the dialog kept in a row of its own until "carry on
   ...". A typed reply with no journey of its own may answer a question the bot asked
   unprompted (``Registry.open_questions``: a proposal, a check-in, a fit check, an alert);
5. record the event id (a unique key: of two deliveries running at once, one gives way), save
   the new state with an optimistic version check, and write every reply and every message for
   someone else to the outbox, in the same transaction.
The writes come last so that, on SQLite, the turn holds the database's one write lock only
while it writes (unless the dialog itself writes earlier), not while the dialog thinks.
A concurrent turn for the same person makes the version check fail; the turn is then run again
from the fresh state. Channels deliver the outbox rows after the commit, never during it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine as Database
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from conversations.clock import Clock
from conversations.dialogs.base import Context, Dialog, Outgoing, Registry, Turn, outbox_row
from conversations.intents import (
    GLOBAL_WORDS,
    Intent,
    IntentName,
    a_worry_besides_the_answer,
    raises_a_concern,
    recognise,
)
from conversations.language.away import says_away
from conversations.language.vocabulary import Meaning, meaning
from conversations.messages import (
    Incoming,
    Part,
    Question,
    Text,
    Where,
    only_public_text,
    part_to_json,
    preview,
)
from conversations.open_questions import (
    HANDOFF,
    NOTHING_WAITING,
    WhichQuestion,
    open_questions,
    route,
)
from conversations.self_harm import help_first
from storage import queries
from storage.db import transaction
from storage.models import DialogState, Outbox, OutboxStatus, Person
from storage.queries import enrolments

log = logging.getLogger(__name__)

REPLY_GRACE = timedelta(seconds=30)
# A dialog left this long is put aside by a new request rather than resumed mid-question.
STALE_AFTER = timedelta(days=1)


class ConcurrentTurn(Exception):
    """Another turn for the same conversation committed first."""


class _Duplicate(Exception):
    """The event was recorded by another delivery while this turn ran."""


@dataclass(frozen=True)
class Delivered:
    """The replies of one turn, and the outbox rows that hold them (to mark sent once shown).

    ``shareable`` is True only for replies fit for the shared place they were asked in (help,
    the answer about the place itself). Everything else said in a shared place is about the
    person, and channels show it in the person's own chat: safe by default."""

    parts: list[Part]
    outbox_ids: list[int]
    duplicate: bool = False
    shareable: bool = False
    # The pressed question stays as it was (see ``Turn.keep_question``): channels leave it.
    keep_question: bool = False


# Told of each turn run (not of a duplicate): its platform and how long it took, in seconds.
TurnObserver = Callable[[str, float], None]


class Engine:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        registry: Registry,
        max_attempts: int = 5,
        on_turn: TurnObserver | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.registry = registry
        self.max_attempts = max_attempts
        self.on_turn = on_turn  # the channels count turns with it (bot.metrics)

    def handle(self, msg: Incoming) -> Delivered:
        """Run one turn for ``msg`` and return the replies to show the person."""
        started = time.perf_counter()
        delivered = self._handle(msg)
        if self.on_turn is not None and not delivered.duplicate:
            self.on_turn(msg.platform, time.perf_counter() - started)
        return delivered

    def _handle(self, msg: Incoming) -> Delivered:
        for attempt in range(1, self.max_attempts + 1):
            try:
                with transaction(self.db) as session:
                    return self._turn(session, msg)
            except _Duplicate:
                return Delivered(parts=[], outbox_ids=[], duplicate=True)
            except ConcurrentTurn:
                log.info("concurrent turn for person %s, attempt %d", msg.person_id, attempt)
        raise RuntimeError("the conversation kept changing under this turn; giving up")

    def mark_delivered(self, outbox_ids: list[int]) -> None:
        """Record that the replies were shown to the person."""
        if not outbox_ids:
            return
        with transaction(self.db) as session:
            session.exec(
                update(Outbox)
                .where(
                    col(Outbox.id).in_(outbox_ids), col(Outbox.status) == OutboxStatus.PENDING.value
                )
                .values(status=OutboxStatus.SENT.value, sent_at=self.clock.now(), attempts=1)
            )

    # -- one turn -------------------------------------------------------------------------

    def _turn(self, session: Session, msg: Incoming) -> Delivered:
        now = self.clock.now()
        if msg.event_id is not None and queries.event_recorded(session, msg.platform, msg.event_id):
            return Delivered(parts=[], outbox_ids=[], duplicate=True)
        person = session.get(Person, msg.person_id)
        if person is None:
            raise LookupError(f"no person {msg.person_id}")
        ctx = Context(
            session=session, person=person, now=now, enrolments=enrolments(session, msg.person_id)
        )
        row = session.exec(
            select(DialogState).where(
                DialogState.person_id == msg.person_id, DialogState.conversation == msg.conversation
            )
        ).first()
        old_version = row.version if row is not None else None
        if row is not None:
            # Work on a detached copy: only _save_state writes it, under the version check.
            session.expunge(row)
        else:
            row = DialogState(
                person_id=msg.person_id, conversation=msg.conversation, updated_at=now
            )

        intent = recognise(msg.text, msg.action)
        place_answer = self.registry.place_answers.get(intent.name)
        shareable = keep = False
        if msg.where is Where.CHANNEL and place_answer is not None:
            # About the place, not the person: any dialog of theirs is left as it was.
            turn = place_answer(ctx, msg, intent)
            replies, outgoing, shareable = turn.replies, turn.outgoing, True
        else:
            replies, outgoing, keep = self._run(ctx, row, msg, intent)
            replies = [*(Text(note) for note in msg.notes), *replies]
            if msg.action is None:
                replies = help_first(msg.text, replies)
            shareable = (
                msg.where is Where.CHANNEL
                and intent.name in self.registry.shareable
                and row.dialog is None
                and only_public_text(replies)
            )

        # The writes: the event first (so a savepoint below is never the transaction's first
        # statement, which pysqlite would commit on its own), then the rest.
        if msg.event_id is not None and not _first_time(session, msg, now):
            raise _Duplicate
        if msg.action is not None or msg.text.strip():
            person.last_active_at = now  # the silence rule watches this
            session.add(person)
        row.updated_at = now
        _save_state(session, row, old_version)
        outbox_ids = _write_outbox(session, ctx, replies, outgoing, now, _within(msg))
        if keep and msg.action is not None and msg.event_id is not None:
            # Not the question's answer: a later press of it (by the lead, say) still counts.
            queries.forget_event(session, msg.platform, msg.event_id)
        return Delivered(
            parts=replies, outbox_ids=outbox_ids, shareable=shareable, keep_question=keep
        )

    def _run(
        self, ctx: Context, row: DialogState, msg: Incoming, intent: Intent
    ) -> tuple[list[Part], list[Outgoing], bool]:
        active = self.registry.dialogs.get(row.dialog) if row.dialog else None
        if msg.action and intent.name is IntentName.UNKNOWN:
            routed = self.registry.route_action(msg.action)
            if routed is not None and not (
                active and msg.action.startswith(f"dialog:{active.name}:")
            ):
                intent = Intent(routed)
        if row.dialog and (active is None or row.schema_version != active.schema_version):
            # The dialog changed shape since this state was saved: start afresh, kindly.
            _clear(row)
            active = None
            note: list[Part] = [
                Text("I've been updated since we last spoke, so I've closed what we were doing.")
            ]
        else:
            note = []

        taken = getattr(active, "taken", None)
        if active is not None and callable(taken):
            # An offer that only lives for its answer (the fallback's "Did you mean"): a typed
            # pick of one of its buttons is that button pressed; anything else is read afresh.
            pressed = taken(ctx, dict(row.state), msg)
            _clear(row)
            active = None
            if pressed is not None:
                msg, intent = pressed, recognise(pressed.text, pressed.action)

        if intent.name is IntentName.BACK and active is None and msg.action is None:
            # "undo" with no dialog to go back in: the Undo of what was just done (an action
            # just ticked off), typed, when a question waiting takes it.
            answered = self._answer_open(ctx, row, None, msg)
            if answered is not None:
                return note + answered[0], answered[1], False
        if intent.name in GLOBAL_WORDS:
            return note + self._global(ctx, row, active, msg, intent), [], False

        if active is not None and self._interrupts(msg, intent, active, row):
            # "raise a concern" in the middle of anything: the concern now, and what was being
            # done kept to come back to once the concern is sent or cancelled.
            stash = _stash(row)
            dialog = self.registry.dialogs[self.registry.starts[intent.name]]
            turn = dialog.start(ctx, msg)
            _apply(row, dialog, turn, starting=True)
            said = [Text(f"I've kept {active.title.lower()} to come back to afterwards.")]
            return note + said + turn.replies + self._resume(ctx, row, stash), turn.outgoing, False

        typed = msg.action is None and bool(msg.text.strip())
        if active is not None and typed and self._sets_aside(ctx, row, active, msg, intent):
            # A clear new request while the dialog waits on a choice, or after a day: served,
            # and the dialog kept to carry on with later.
            note += self._set_aside(ctx, row, active)
            active = None
        if typed and (active is None or self._may_set_aside(row, active)):
            carried = self._carry_on(ctx, row, active, msg)
            if carried is not None:
                return note + carried, [], False
        if typed and (
            intent.name in _NOT_A_SWITCH
            or meaning(msg.text) is not None
            or (intent.name in _MEETING_IN_PASSING and not _COMMAND.match(msg.text))
            or _away_in_passing(msg.text, intent)
        ):
            # A meeting said in passing ("not thurs but fri same time?") may answer a proposal
            # or a move waiting for this person: that is tried first; a plain request
            # ("book a meeting ...") is a request.
            answered = self._answer_open(ctx, row, active, msg)
            if answered is not None:
                return note + answered[0], answered[1], False

        if active is not None and not _starts_new_journey(msg, intent):
            kept = row.state.get(RESUME)
            state = {k: v for k, v in row.state.items() if k != RESUME}
            turn = active.step(ctx, state, msg)
            if not self._asks_for_another_journey(msg, intent, turn, active):
                handed = self._handed_to(active, turn)
                _apply(row, handed, turn, starting=handed is not active)
                back = self._resume(ctx, row, kept)
                return note + turn.replies + back, turn.outgoing, turn.keep_question
            # The dialog could not use the words (it asked again) and they name another
            # journey ("I'm at full capacity" while a button was expected): start that one.

        replaced: list[Part] = []
        if active is not None:
            replaced = [Text(f"I've put {active.title.lower()} aside.")]
            if getattr(active, "keeps_aside", False):
                # A draft that matters (an unsent concern) is kept until it is picked up.
                _put_aside(ctx.session, row, ctx.now)
                replaced = [Text(f"{_aside_note(active)}")]
            _clear(row)
        if typed and intent.name is IntentName.UNKNOWN and meaning(msg.text) in _ANSWERS:
            # "yes fine" with no question waiting: say so, rather than "didn't understand".
            return (
                note + replaced + [Text(NOTHING_WAITING)],
                [],
                False,
            )
        dialog_name = self.registry.starts.get(intent.name)
        if dialog_name is not None:
            dialog = self.registry.dialogs[dialog_name]
            resumed = self._pick_up(ctx, row, dialog, msg)
            if resumed is not None:
                return note + replaced + resumed, [], False
            turn = dialog.start(ctx, msg)
            _apply(row, dialog, turn, starting=True)
        else:
            answer = (
                self.registry.answers.get(intent.name) or self.registry.globals[IntentName.UNKNOWN]
            )
            turn = answer(ctx, msg, intent)
        return note + replaced + turn.replies, turn.outgoing, turn.keep_question

    # -- open questions and dialogs put aside ---------------------------------------------

    def _may_set_aside(self, row: DialogState, active: Dialog) -> bool:
        """Never a draft that keeps itself aside (an unsent concern), nor a safety check."""
        return not getattr(active, "keeps_aside", False) and row.state.get("step") != SAFETY_STEP

    def _sets_aside(
        self, ctx: Context, row: DialogState, active: Dialog, msg: Incoming, intent: Intent
    ) -> bool:
        """A clear request for another journey, while ``active`` waits on a question that is
        not free text (the dialog says which are: ``interruptible``), or after a day."""
        if not self._may_set_aside(row, active):
            return False
        if intent.name in _NOT_A_SWITCH or intent.name in GLOBAL_WORDS:
            return False
        if meaning(msg.text) is not None:
            return False  # "sure, go on": an answer to the question waiting, not a request
        own = self.registry.starts.get(intent.name)
        if own == active.name or (own is None and intent.name not in self.registry.answers):
            return False
        if ctx.now - row.updated_at > STALE_AFTER:
            return True
        interruptible = getattr(active, "interruptible", None)
        return callable(interruptible) and bool(interruptible(dict(row.state), intent.name))

    def _set_aside(self, ctx: Context, row: DialogState, active: Dialog) -> list[Part]:
        _put_aside(ctx.session, row, ctx.now, KEPT + active.name)
        _clear(row)
        what, say = _kept_words(active)
        return [Text(f"I've kept {what}: say *{say}* to finish it.")]

    def _carry_on(
        self, ctx: Context, row: DialogState, active: Dialog | None, msg: Incoming
    ) -> list[Part] | None:
        """ "carry on booking": a dialog put aside by ``_set_aside``, taken up where it was."""
        said = _CARRY_ON.match(msg.text)
        if said is None:
            return None
        kept = _kept_rows(ctx.session, row)
        words = set(re.findall(r"\w+", said["rest"].lower())) - _FILLER
        wanted = self.registry.starts.get(recognise(said["rest"]).name)
        chosen = [
            k for k in kept
            if k.dialog in self.registry.dialogs
            and (k.dialog == wanted or words & _words_of(self.registry.dialogs[k.dialog]))
        ]  # fmt: skip
        if not chosen and not words and len(kept) == 1:
            chosen = kept
        if not chosen:
            return None
        aside = max(chosen, key=lambda k: k.updated_at)
        dialog = self.registry.dialogs[str(aside.dialog)]
        if aside.schema_version != dialog.schema_version:
            ctx.session.delete(aside)
            return None
        replies: list[Part] = []
        if active is not None:
            replies += self._set_aside(ctx, row, active)
        row.dialog = dialog.name
        row.schema_version = dialog.schema_version
        row.state = dict(aside.state)
        row.history = list(aside.history)
        ctx.session.delete(aside)
        state = {k: v for k, v in row.state.items() if k != RESUME}
        return [*replies, Text(f"Back to {dialog.title.lower()}:"), *dialog.prompt(ctx, state)]

    def _answer_open(
        self, ctx: Context, row: DialogState, active: Dialog | None, msg: Incoming
    ) -> tuple[list[Part], list[Outgoing]] | None:
        """A typed reply to a question the bot asked unprompted (a proposal, a check-in).

        With a dialog under way, only a question asked since its last turn can take the reply
        (and the dialog is then kept aside to carry on with)."""
        if not self.registry.open_questions:
            return None
        questions = open_questions(ctx, self.registry.open_questions)
        if active is not None:
            if not self._may_set_aside(row, active):
                return None
            questions = [q for q in questions if q.asked_at > row.updated_at]
        routed = route(ctx, questions, msg)
        if routed is None:
            return None
        said: list[Part] = self._set_aside(ctx, row, active) if active is not None else []
        if routed.which:
            which = self.registry.dialogs[WhichQuestion.name]
            assert isinstance(which, WhichQuestion)
            turn = which.ask(msg, routed.which)
            _apply(row, which, turn, starting=True)
            return said + turn.replies, []
        replies, outgoing = list(said), []
        for question, reply in routed.answers:
            done = question.answer(ctx, reply)
            replies += done.turn.replies
            outgoing += done.turn.outgoing
            if done.turn.state is not None and done.dialog in self.registry.dialogs:
                _apply(row, self.registry.dialogs[done.dialog], done.turn, starting=True)
                break
        return replies, outgoing

    def _handed_to(self, active: Dialog, turn: Turn) -> Dialog:
        """The dialog a turn's state belongs to: ``active``, or the one it hands over to."""
        if turn.state is None or HANDOFF not in turn.state:
            return active
        name = turn.state[HANDOFF]
        turn.state = {k: v for k, v in turn.state.items() if k != HANDOFF}
        return self.registry.dialogs.get(str(name), active)

    def _interrupts(self, msg: Incoming, intent: Intent, active: Dialog, row: DialogState) -> bool:
        """A concern comes first: "raise a concern" anywhere, and a worry said in one's own
        words while a choice or a yes is awaited (never taken as the answer: "how Tom spoke to
        me" is not Tom picked as an action's owner). Where words are typed (``takes_free_text``)
        they are kept there, and the safety check offers written text to the lead before
        anything is saved."""
        if msg.action is not None or intent.name is not IntentName.CONCERN:
            return False
        if self.registry.starts.get(intent.name) in (None, active.name):
            return False
        if raises_a_concern(msg.text):
            return True
        if not a_worry_besides_the_answer(msg.text):
            return False
        writing = getattr(active, "takes_free_text", None)
        state = dict(row.state)
        free = not callable(writing) or bool(writing(state))  # a dialog that doesn't say
        return state.get("step") != SAFETY_STEP and not free

    def _resume(self, ctx: Context, row: DialogState, kept: Any) -> list[Part]:
        """After a turn of a dialog that interrupted another: keep the other for later, or,
        once this one has finished, go back to it."""
        if not isinstance(kept, dict):
            return []
        if row.dialog is not None:
            row.state = {**row.state, RESUME: kept}
            return []
        dialog = self.registry.dialogs.get(str(kept.get("dialog")))
        if dialog is None or kept.get("schema_version") != dialog.schema_version:
            return []
        row.dialog = dialog.name
        row.schema_version = dialog.schema_version
        row.state = dict(kept["state"])
        row.history = list(kept.get("history", []))
        return [Text(f"Back to {dialog.title.lower()}:"), *dialog.prompt(ctx, dict(row.state))]

    def _pick_up(
        self, ctx: Context, row: DialogState, dialog: Dialog, msg: Incoming
    ) -> list[Part] | None:
        """The draft of ``dialog`` put aside earlier, picked up again (when the dialog keeps
        drafts and the message does not start a new one)."""
        resumes = getattr(dialog, "resumes", None)
        if not callable(resumes) or not resumes(msg):
            return None
        aside = _aside_row(ctx.session, row)
        if aside is None or aside.dialog != dialog.name:
            return None
        if aside.schema_version != dialog.schema_version:
            return None
        row.dialog = dialog.name
        row.schema_version = dialog.schema_version
        row.state = dict(aside.state)
        row.history = []
        ctx.session.delete(aside)
        return [
            Text(f"Here's {dialog.title.lower()} from earlier; it hasn't been sent yet."),
            *dialog.prompt(ctx, {k: v for k, v in row.state.items() if k != RESUME}),
        ]

    def _asks_for_another_journey(
        self, msg: Incoming, intent: Intent, turn: Turn, active: Dialog
    ) -> bool:
        return (
            msg.action is None
            and not turn.advanced
            and turn.state is not None
            and intent.name not in _NOT_A_SWITCH
            and self.registry.starts.get(intent.name) != active.name  # its own words
            and (intent.name in self.registry.starts or intent.name in self.registry.answers)
        )

    def _global(
        self,
        ctx: Context,
        row: DialogState,
        active: Dialog | None,
        msg: Incoming,
        intent: Intent,
    ) -> list[Part]:
        if intent.name is IntentName.CANCEL:
            if active is None:
                return [Text("There's nothing to cancel. Type *menu* to see what I can do.")]
            # A dialog that keeps something (a draft) says so instead of "nothing was saved".
            note_for = getattr(active, "cancel_note", None)
            note = note_for(ctx, dict(row.state)) if callable(note_for) else None
            kept = row.state.get(RESUME)
            _clear(row)
            back = self._resume(ctx, row, kept)
            if back:
                return [Text(f"Cancelled {active.title.lower()}: {note or 'nothing was saved.'}"),
                        *back]  # fmt: skip
            return [
                Text(
                    f"Cancelled {active.title.lower()}: {note or 'nothing was saved.'} "
                    "Type *menu* when you want to do something else."
                )
            ]
        if intent.name is IntentName.BACK:
            if active is None:
                return [Text("There's nothing to go back to. Type *menu* to see what I can do.")]
            if not row.history:
                return [
                    Text("This is the first question, so there's nothing before it."),
                    *active.prompt(ctx, dict(row.state)),
                ]
            history = list(row.history)
            row.state = history.pop()
            row.history = history
            return [Text("OK, going back."), *active.prompt(ctx, dict(row.state))]
        answer = self.registry.globals[intent.name]
        replies = list(answer(ctx, msg, intent).replies)
        if active is None:
            return replies
        if any(isinstance(part, Question) for part in replies):
            # One set of numbered choices per reply: a menu button would start something new.
            replies.append(
                Text(
                    f"(You're in the middle of {active.title.lower()}: choosing from the menu "
                    "puts it aside.)"
                )
            )
            return replies
        replies.append(
            Text(
                f"You're in the middle of {active.title.lower()}. "
                "Carry on where we were, or type *cancel* to stop."
            )
        )
        replies.extend(active.prompt(ctx, dict(row.state)))
        return replies


# Words that are an answer's tone, not a new journey, when a dialog did not understand them.
_NOT_A_SWITCH = frozenset({IntentName.UNKNOWN, IntentName.GREETING, IntentName.THANKS})
_MEETING_IN_PASSING = frozenset(
    {IntentName.BOOK_MEETING, IntentName.RESCHEDULE_MEETING, IntentName.CANCEL_MEETING}
)
_REMINDERS = re.compile(r"\b(?:reminders?|nudges?)\b", re.I)


def _away_in_passing(text: str, intent: Intent) -> bool:
    """Saying "sorry, I'm on leave until Monday" with a proposal waiting answers it (a refusal with
    its reason); "pause my reminders, I'm on leave" still pauses them."""
    return (
        intent.name is IntentName.PAUSE_REMINDERS
        and says_away(text)
        and _REMINDERS.search(text) is None
    )


_COMMAND = re.compile(
    r"\s*(?:please\s+|pls\s+)?(?:book|reschedule|rearrange|cancel|move|arrange|schedule)\b", re.I
)


def _starts_new_journey(msg: Incoming, intent: Intent) -> bool:
    """Only a button that names a journey interrupts an active dialog; typed text goes to it."""
    return msg.action is not None and intent.name is not IntentName.UNKNOWN


def _first_time(session: Session, msg: Incoming, now: datetime) -> bool:
    assert msg.event_id is not None
    return queries.record_event(session, msg.platform, msg.event_id, now)


# The state key of a dialog interrupted by this one (see ``Engine._interrupts``).
RESUME = "_resume"
# A draft put aside (``keeps_aside``) lives in a row of its own, next to the conversation's.
ASIDE = "#aside"


def _stash(row: DialogState) -> dict[str, Any]:
    return {
        "dialog": row.dialog,
        "schema_version": row.schema_version,
        "state": {k: v for k, v in row.state.items() if k != RESUME},
        "history": list(row.history),
    }


def _aside_row(session: Session, row: DialogState) -> DialogState | None:
    return session.exec(
        select(DialogState).where(
            DialogState.person_id == row.person_id,
            DialogState.conversation == row.conversation + ASIDE,
        )
    ).first()


def _put_aside(session: Session, row: DialogState, now: datetime, suffix: str = ASIDE) -> None:
    """Keep ``row``'s draft (replacing any older one put aside under ``suffix``)."""
    aside = session.exec(
        select(DialogState).where(
            DialogState.person_id == row.person_id,
            DialogState.conversation == row.conversation + suffix,
        )
    ).first() or DialogState(
        person_id=row.person_id, conversation=row.conversation + suffix, updated_at=now
    )
    aside.dialog = row.dialog
    aside.schema_version = row.schema_version
    aside.state = dict(row.state)  # with what it was to come back to (RESUME), kept too
    aside.history = []
    aside.updated_at = now
    session.add(aside)


# A dialog set aside by another request (``Engine._set_aside``): one row per dialog, next to
# the conversation's, until "carry on ..." takes it up again.
KEPT = "#kept:"
# The step a dialog is in while a safety check waits (``dialogs.safety_check.STEP``): never
# set aside, so a concern in the making is never interrupted.
SAFETY_STEP = "safety"
_ANSWERS = frozenset({Meaning.YES, Meaning.NO})
_CARRY_ON = re.compile(
    r"^\s*(?:please\s+)?(?:carry\s+on|continue|resume|go\s+back\s+to|back\s+to|finish|"
    r"pick\s+up)\b(?:\s+(?:with|on))?(?P<rest>.*?)[\s.!?]*$",
    re.I | re.S,
)
_FILLER = frozenset({"my", "the", "a", "your", "that", "this", "with", "on", "please", "pls"})


def _kept_rows(session: Session, row: DialogState) -> list[DialogState]:
    return list(
        session.exec(
            select(DialogState).where(
                DialogState.person_id == row.person_id,
                col(DialogState.conversation).startswith(row.conversation + KEPT),
            )
        ).all()
    )


def _kept_words(active: Dialog) -> tuple[str, str]:
    """How a dialog set aside is named, and what to say to carry on with it."""
    words = getattr(active, "kept_words", None)
    if isinstance(words, tuple) and len(words) == 2:
        return str(words[0]), str(words[1])
    title = active.title.lower()
    return title, f"carry on with {title.removeprefix('your ')}"


def _words_of(dialog: Dialog) -> set[str]:
    said = " ".join((dialog.title, dialog.name.replace("_", " "), *_kept_words(dialog)))
    return set(re.findall(r"\w+", said.lower())) - _FILLER - {"carry", "finish", "kept"}


def _aside_note(active: Dialog) -> str:
    title = active.title.lower()
    return (
        f"I've put {title} aside. It hasn't been sent: say *carry on with my "
        f"{title.removeprefix('your ')}* to pick it up."
    )


def _clear(row: DialogState) -> None:
    row.dialog = None
    row.state = {}
    row.history = []


def _apply(row: DialogState, dialog: Dialog, turn: Turn, starting: bool = False) -> None:
    if turn.state is None:
        _clear(row)
        return
    if starting:
        row.history = []
    elif turn.advanced:
        row.history = [*row.history, dict(row.state)]
    row.dialog = dialog.name
    row.schema_version = dialog.schema_version
    row.state = turn.state


def _save_state(session: Session, row: DialogState, old_version: int | None) -> None:
    values: dict[str, Any] = {
        "dialog": row.dialog,
        "schema_version": row.schema_version,
        "state": row.state,
        "history": row.history,
        "updated_at": row.updated_at,
    }
    if old_version is None:
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError as exc:
            raise ConcurrentTurn from exc
        return
    result = session.exec(
        update(DialogState)
        .where(col(DialogState.id) == row.id, col(DialogState.version) == old_version)
        .values(version=old_version + 1, **values)
    )
    if result.rowcount != 1:
        raise ConcurrentTurn


def _within(msg: Incoming) -> dict[str, Any] | None:
    """Where in the person's chat the replies go, when not the chat itself: stored as the
    reply row's ``address`` (``outbox_queries.routes`` adds it to the person's own)."""
    return {"platform": msg.platform, "thread": msg.thread} if msg.thread else None


def _write_outbox(
    session: Session,
    ctx: Context,
    replies: list[Part],
    outgoing: list[Outgoing],
    now: datetime,
    within: dict[str, Any] | None = None,
) -> list[int]:
    reply_ids: list[int] = []
    if replies:
        row = Outbox(
            recipient_id=ctx.person_id,
            address=within,
            kind="reply",
            parts=[part_to_json(p) for p in replies],
            preview=preview(replies),
            # The channel shows replies at once and marks them sent; the deliverer only picks
            # one up after this grace, when the process died before showing it.
            next_attempt_at=now + REPLY_GRACE,
            created_at=now,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        reply_ids.append(row.id)
    for out in outgoing:
        session.add(outbox_row(out, now))
    return reply_ids
