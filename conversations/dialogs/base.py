"""What every dialog is: a small state machine whose turn is a function of
(saved state, incoming message, context) returning replies, the next state and messages for others.

Dialogs never send. They may read and write domain rows through ``ctx.session`` (the engine's
transaction), so the state change, the domain change and the outbox commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from conversations.dates import format_when
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Part, Text, part_to_json, preview
from storage.models import Outbox, Person, Scheme
from storage.queries import Enrolment
from storage.scheme_settings import SchemeSettings

if TYPE_CHECKING:
    from conversations.open_questions import OpenQuestion


@dataclass(frozen=True)
class Outgoing:
    """A message for someone other than the person speaking: a person, or a scheme channel."""

    parts: tuple[Part, ...]
    recipient_id: int | None = None
    channel: str | None = None
    scheme_id: int | None = None
    kind: str = "message"
    priority: int = 5  # lower first: 0 urgent concerns, 1 other concerns, 5 messages, 7 nudges
    not_before: datetime | None = None  # held back until then (a snoozed alert)
    concern_id: int | None = None  # what a lead-channel alert is about: urgent has its own lane
    # With ``channel``: this exact route, not the channel's current one (the old lead channel,
    # told that its alerts have moved).
    address: dict[str, Any] | None = None


def say(*texts: str, **more: Any) -> Turn:
    """A turn that says these lines (``more``: the other fields of ``Turn``; no ``state`` ends
    the dialog)."""
    return Turn(replies=[Text(text) for text in texts], **more)


def counted(count: int, noun: str) -> str:
    """ "1 mentee", "2 mentees": a count and its noun, plural when it is not one."""
    return f"{count} {noun}{'s' * (count != 1)}"


def to_lead_channel(scheme: Scheme, *parts: Part, **more: Any) -> Outgoing:
    """A message for the scheme's lead channel (``more``: the other fields of ``Outgoing``)."""
    return Outgoing(parts=parts, channel=scheme.lead_channel, scheme_id=scheme.id, **more)


@dataclass
class Context:
    """What a dialog may use during one turn."""

    session: Session
    person: Person
    now: datetime
    enrolments: list[Enrolment]

    @property
    def person_id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.person.time_zone)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def roles(self) -> set[str]:
        return {e.role for e in self.enrolments}

    @property
    def first_name(self) -> str:
        return self.person.display_name.split(" ", 1)[0]

    def enrolment(self, *roles: str) -> Enrolment | None:
        """The person's newest enrolment in one of ``roles`` (any role when none is given)."""
        for enrolment in self.enrolments:
            if not roles or enrolment.role in roles:
                return enrolment
        return None

    def settings(self) -> SchemeSettings:
        """The typed settings of the scheme of the person's newest enrolment (the defaults when
        they have none)."""
        enrolment = self.enrolment()
        return SchemeSettings.read(enrolment.scheme.settings if enrolment else None)

    def name_of(self, person_id: int) -> str:
        other = self.session.get(Person, person_id)
        return other.display_name if other is not None else "someone who has left the scheme"

    def local(self, when: datetime) -> datetime:
        """``when`` in this person's time zone."""
        return when.astimezone(self.tz)

    def when(self, at: datetime) -> str:
        """``at`` as this person reads it: "Thu 12 Mar, 15:00" (the year only when not this year)."""
        return format_when(at, self.tz, self.now)

    def by(self, person_id: int | None, at: datetime) -> str:
        """Who did something, and when: "by Sam Lee, Thu 12 Mar, 15:00" ("someone" if unknown)."""
        who = self.name_of(person_id) if person_id else "someone"
        return f"by {who}, {self.when(at)}"


@dataclass
class Turn:
    """A dialog's answer to one message. ``state=None`` means the dialog is finished."""

    replies: list[Part]
    state: dict[str, Any] | None = None
    outgoing: list[Outgoing] = field(default_factory=list)
    advanced: bool = True  # False for a turn that did not move on (a re-ask): "back" skips it
    # The pressed question stays, its buttons there for the next press (a refused press, or
    # *Open*, *Contact them* or *Snooze* on a lead-channel alert: only acknowledging settles it).
    keep_question: bool = False


class Dialog(Protocol):
    """A journey. ``name`` is stable: it is stored with the state."""

    name: ClassVar[str]
    title: ClassVar[str]
    schema_version: ClassVar[int]

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        """Begin from the message that asked for this journey (it may carry every fact)."""
        ...

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        """Take the next message while the dialog is in ``state``."""
        ...

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        """Ask again what ``state`` is waiting for (after "back", or when the person returns)."""
        ...


Answer = Callable[[Context, Incoming, Intent], Turn]
# The questions open for the person in ``Context`` (``conversations.open_questions``).
Finder = Callable[[Context], "list[OpenQuestion]"]


@dataclass
class Registry:
    """Which dialog or answer serves each intent. Built explicitly by ``default_registry``."""

    dialogs: dict[str, Dialog] = field(default_factory=dict)
    starts: dict[IntentName, str] = field(default_factory=dict)
    answers: dict[IntentName, Answer] = field(default_factory=dict)
    # Global words (help, menu, what's next, cancel, back) and the fallback for unknown text.
    globals: dict[IntentName, Answer] = field(default_factory=dict)
    # About the shared place a message was said in ("use this channel for lead alerts"): they
    # come before any dialog, and their replies are for the place.
    place_answers: dict[IntentName, Answer] = field(default_factory=dict)
    # Nothing about the person in them (help): may be shown in a shared place. Any other reply
    # to a message from a shared place goes to the person's own chat.
    shareable: set[IntentName] = field(default_factory=set)
    # Buttons on messages sent unprompted carry action ids like "meeting:accept:12": the part
    # before the first colon picks the intent.
    action_routes: dict[str, IntentName] = field(default_factory=dict)
    # Who has which question open (``conversations.open_questions``): typed replies answer them.
    open_questions: list[Finder] = field(default_factory=list)

    def route_action(self, action: str) -> IntentName | None:
        return self.action_routes.get(action.split(":", 1)[0])

    def add_dialog(self, dialog: Dialog, *intents: IntentName) -> None:
        self.dialogs[dialog.name] = dialog
        for intent in intents:
            self.starts[intent] = dialog.name


def outbox_row(out: Outgoing, now: datetime) -> Outbox:
    """The outbox row for a message to someone else (also written outside turns)."""
    return Outbox(
        recipient_id=out.recipient_id,
        channel=out.channel,
        address=out.address,
        scheme_id=out.scheme_id,
        kind=out.kind,
        priority=out.priority,
        concern_id=out.concern_id,
        parts=[part_to_json(p) for p in out.parts],
        preview=preview(list(out.parts)),
        next_attempt_at=max(now, out.not_before) if out.not_before else now,
        created_at=now,
    )
