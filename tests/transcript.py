"""Conversation tests that read like chat logs: ``chat.said("help")`` returns what the bot
answered, rendered as the console channel shows it but in the message model's markup
(``*bold*``, as the dialogs wrote it; the terminal shows the words without the markers).
A file the bot sends is saved, as the console saves it, and shown as its one line
(``[calendar invite: Tue 24 Nov, 15:00 saved to .../files/...ics]``): :func:`saved_files`
finds the files a reply saved."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.channels import console
from bot.channels.slack import blocks as slack_blocks
from bot.channels.teams import cards as teams_cards
from conversations.clock import Clock
from conversations.engine import Engine as DialogEngine
from conversations.messages import Attachment, Incoming, Part, part_from_json, preview
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
    files: console.FileStore = field(init=False)

    def __post_init__(self) -> None:
        self.files = files_beside(self.db)
        self.restart()

    @property
    def person_id(self) -> int:
        with transaction(self.db) as s:
            person = queries.person_by_email(s, self.email)
        assert person is not None
        assert person.id is not None
        return person.id

    @property
    def zone(self) -> str:
        """The person's time zone now (a test may change it between turns)."""
        with transaction(self.db) as s:
            person = queries.person_by_email(s, self.email)
        assert person is not None
        return person.time_zone

    def render(self, parts: list[Part]) -> str:
        return console.render(
            parts, self.files, as_written=True, zone=self.zone, now=self.clock.now()
        )

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
        shown = self.render(delivered.parts)
        shown_on_every_platform(delivered.parts)
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
                shown.append(self.render(parts))
                shown_on_every_platform(parts)
                self.session.shown(parts)
            queries.mark_sent(tx, rows, self.clock.now())
        return "\n\n".join(shown)


def files_beside(db: Engine) -> console.FileStore:
    """Where a test's chats save files: beside its SQLite file (in the test's ``tmp_path``),
    else a new temporary directory (PostgreSQL)."""
    path = db.url.database if db.url.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not path.startswith("file:"):
        return console.FileStore(Path(path).parent / "files")
    return console.FileStore(Path(tempfile.mkdtemp(prefix="mentorbot-files-")))


_SAVED = re.compile(
    r"^\[(?:calendar \w+|attachment|file): [^\n]*? saved to (?P<path>[^\n]+)\]$", re.M
)


def saved_files(shown: str) -> list[Path]:
    """The files a console transcript says it saved, in order."""
    return [Path(m["path"]) for m in _SAVED.finditer(shown)]


def shown_on_every_platform(parts: list[Part]) -> None:
    """Render the message as Teams cards and Slack blocks as well, so the card rules
    (``tests/card_rules.py``, checked by ``conftest.py``) cover every message any conversation
    test makes, not only those the Slack and Teams suites send."""
    teams_cards.render_activities(parts, preview(parts))
    slack_blocks.render_messages(
        [p for p in parts if not (isinstance(p, Attachment) and p.is_binary)]
    )


def channel_inbox(db: Engine, clock: Clock, channel: str = "lead") -> str:
    """What waits in a scheme channel (as ``mentorbot inbox --channel`` prints it), marked sent."""
    with transaction(db) as tx:
        rows = outbox_queries.due_for_console(tx, clock.now(), channel=channel)
        shown = [console.render_stored(row.parts, as_written=True) for row in rows]
        for row in rows:
            shown_on_every_platform([part_from_json(p) for p in row.parts])
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
