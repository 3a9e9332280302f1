"""Conversation tests that read like chat logs: ``chat.said("help")`` returns what the bot
answered, rendered exactly as the console channel shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.channels import console
from conversations.clock import Clock
from conversations.engine import Engine as DialogEngine
from conversations.messages import Incoming, part_from_json
from conversations.registry import default_registry
from storage import outbox_queries, queries
from storage.db import transaction
from storage.models import Meeting


@dataclass
class Chat:
    db: Engine
    clock: Clock
    email: str
    bot: DialogEngine = field(init=False)
    session: console.ConsoleSession = field(init=False)

    def __post_init__(self) -> None:
        self.restart()

    @property
    def person_id(self) -> int:
        with transaction(self.db) as s:
            person = queries.person_by_email(s, self.email)
        assert person is not None
        assert person.id is not None
        return person.id

    def restart(self) -> None:
        """A new process: a new engine and console session over the same database."""
        self.bot = DialogEngine(self.db, self.clock, default_registry())
        self.session = console.ConsoleSession(person_id=self.person_id)

    def said(self, line: str) -> str:
        msg, prompt = self.session.inbound(line)
        if msg is None:
            assert prompt is not None
            return prompt
        return self.send(msg)

    def send(self, msg: Incoming) -> str:
        delivered = self.bot.handle(msg)
        self.bot.mark_delivered(delivered.outbox_ids)
        shown = console.render(delivered.parts)
        follow_up = self.session.shown(delivered.parts)
        return shown + (f"\n\n{follow_up}" if follow_up else "")

    def inbox(self) -> str:
        """What waits for this person (as ``mentorbot inbox`` prints it), marked delivered.
        Its choices can then be answered by number, as in ``mentorbot chat``."""
        with transaction(self.db) as tx:
            rows = outbox_queries.due_for_console(tx, self.clock.now(), recipient_id=self.person_id)
            shown = []
            for row in rows:
                parts = [part_from_json(p) for p in row.parts]
                shown.append(console.render(parts))
                self.session.shown(parts)
            queries.mark_sent(tx, rows, self.clock.now())
        return "\n\n".join(shown)


def channel_inbox(db: Engine, clock: Clock, channel: str = "lead") -> str:
    """What waits in a scheme channel (as ``mentorbot inbox --channel`` prints it), marked sent."""
    with transaction(db) as tx:
        rows = outbox_queries.due_for_console(tx, clock.now(), channel=channel)
        shown = [console.render_stored(row.parts) for row in rows]
        queries.mark_sent(tx, rows, clock.now())
    return "\n\n".join(shown)


def meetings(db: Engine) -> list[Meeting]:
    """Every meeting, oldest first."""
    with transaction(db) as session:
        return list(session.exec(select(Meeting).order_by(col(Meeting.id))).all())


def confirmed_meeting(mentee: Chat, mentor: Chat, said: str) -> Meeting:
    """A meeting the mentee asks for in ``said``, sends, and the mentor accepts."""
    mentee.said(said)
    assert "Sent to Tom Okafor" in mentee.said("yes")
    mentor.said("accept")
    [meeting] = meetings(mentee.db)
    assert meeting.status == "confirmed"
    mentor.inbox()
    return meeting
