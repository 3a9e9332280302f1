"""The console is live: what arrives for you while ``mentorbot chat`` is open (a partner's
answer, a nudge, a lead-channel alert for the lead and chair) shows between your inputs, once
each, and its choices can be answered by number."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot import cli
from bot.channels import console
from conversations.clock import Clock, parse_instant
from conversations.engine import Engine as DialogEngine
from conversations.registry import default_registry
from storage import outbox_queries, queries
from storage.db import open_database, transaction
from storage.models import AuditLog, Nudge, Outbox, Person, Scheme
from tests.conftest import NOW
from tests.test_cli import loaded  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat, saved_files

ONE_SHOT = "book a meeting on Tuesday 3pm for an hour by video"
PROPOSAL = "Priya Shah would like to meet:"
CONCERN = "I want to raise a safeguarding concern: a colleague shared a scan in a group chat"


class _Output:
    """A process's stdout, read as it comes by a thread, so the test can wait for a line."""

    def __init__(self, stream: io.BufferedReader) -> None:
        self._text = ""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: io.BufferedReader) -> None:
        while chunk := stream.read1(4096):
            with self._lock:
                self._text += chunk.decode("utf-8")

    @property
    def text(self) -> str:
        with self._lock:
            return self._text

    def wait_for(self, wanted: str, seconds: float = 15.0) -> str:
        deadline = time.monotonic() + seconds
        while wanted not in self.text:
            if time.monotonic() > deadline:
                pytest.fail(f"{wanted!r} did not appear in the chat; it showed:\n{self.text}")
            time.sleep(0.05)
        return self.text

    def finish(self) -> str:
        self._thread.join(timeout=30)
        return self.text


@pytest.fixture
def mentor_chat(loaded: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], _Output]]:  # noqa: F811
    """``mentorbot chat --user mentor@example.org`` running with a pipe as its stdin."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MENTORBOT_NOW")}
    command = [sys.executable, "-m", "bot", "chat", "--user", "mentor@example.org"]
    process = subprocess.Popen(
        [*command, "--now", NOW, "--db", loaded, "--files-dir", str(tmp_path / "files")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    output = _Output(process.stdout)  # type: ignore[arg-type]
    try:
        yield process, output
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        output.finish()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_a_proposal_made_elsewhere_appears_in_the_open_chat_and_is_answered_by_number(
    loaded: str,  # noqa: F811
    mentor_chat: tuple[subprocess.Popen[bytes], _Output],
) -> None:
    process, output = mentor_chat
    assert process.stdin is not None

    def type_line(line: str) -> None:
        assert process.stdin is not None
        process.stdin.write(f"{line}\n".encode())
        process.stdin.flush()

    type_line("help")
    output.wait_for("Here's what I can do for you:")  # Tom's chat is open, and he types nothing
    db = open_database(loaded)
    try:
        mentee = Chat(db, Clock.fixed(NOW), "mentee@example.org")  # Priya, in another terminal
        mentee.said(ONE_SHOT)
        assert "Sent to Tom Okafor" in mentee.said("1")
        output.wait_for("Does that suit you?\n  1. Accept")
        type_line("1")
        output.wait_for("Confirmed: your meeting with Priya Shah on Tue 24 Nov, 15:00")
        process.stdin.close()
        assert process.wait(timeout=30) == 0
        shown = output.finish()
        assert shown.count(PROPOSAL) == 1
        assert "[calendar invite: Tue 24 Nov, 15:00 saved to " in shown
        [invite] = saved_files(shown)
        assert invite.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
        assert "Tom Okafor accepted: your meeting on Tue 24 Nov, 15:00" in mentee.inbox()
        with transaction(db) as s:
            tom = queries.person_by_email(s, "mentor@example.org")
            assert tom is not None
            waiting = outbox_queries.due_for_console(s, Clock.fixed(NOW).now(), recipient_id=tom.id)
            assert waiting == []  # the proposal was marked delivered when it was shown
    finally:
        db.dispose()
    assert process.stderr is not None
    assert process.stderr.read() == b""


# -- in process ------------------------------------------------------------------------------


def _person(db: Engine, email: str) -> Person:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
    assert person is not None
    assert person.id is not None
    return person


def _reader(db: Engine, clock: Clock, email: str) -> tuple[cli._Live, console.ConsoleSession]:
    person = _person(db, email)
    assert person.id is not None
    session = console.ConsoleSession(person_id=person.id)
    return cli._Live(db, clock, person, session), session


def test_two_consoles_for_the_same_person_show_a_message_once(
    demo: Engine, mentee: Chat, clock: Clock
) -> None:
    """Both consoles find the proposal waiting; only the one that marks it first shows it."""
    mentee.said(ONE_SHOT)
    mentee.said("1")
    tom = _person(demo, "mentor@example.org")
    now = clock.now()
    with transaction(demo) as second:
        seen_by_second = outbox_queries.due_for_console(second, now, recipient_id=tom.id)
        with transaction(demo) as first:
            seen_by_first = outbox_queries.due_for_console(first, now, recipient_id=tom.id)
            assert [r.id for r in seen_by_first] == [r.id for r in seen_by_second] != []
            taken_by_first = outbox_queries.take_for_console(first, seen_by_first, now)
        taken_by_second = outbox_queries.take_for_console(second, seen_by_second, now)
    assert [r.id for r in taken_by_first] == [r.id for r in seen_by_first]
    assert taken_by_second == []
    with transaction(demo) as s:
        row = s.get(Outbox, taken_by_first[0].id)
        assert row is not None
        assert (row.status, row.attempts) == ("sent", 1)
    # And through the chat's own loop: the first console shows it, the second nothing.
    mentee.said("book a meeting on Wednesday 3pm for an hour by video")
    mentee.said("1")
    shown = [_reader(demo, clock, "mentor@example.org")[0].arrived() for _ in range(2)]
    assert [len(s) for s in shown] == [1, 0]
    assert shown[0][0].startswith(PROPOSAL)


def _raise_concern(db: Engine, clock: Clock) -> None:
    mentee = Chat(db, clock, "mentee@example.org")
    mentee.said(CONCERN)
    mentee.said("Send it")


def _answer(db: Engine, clock: Clock, session: console.ConsoleSession, line: str) -> str:
    msg, _ = session.inbound(line)
    assert msg is not None
    delivered = DialogEngine(db, clock, default_registry()).handle(msg)
    return console.render(delivered.parts)


def test_the_lead_channel_shows_to_the_lead_and_to_nobody_else(demo: Engine, clock: Clock) -> None:
    _raise_concern(demo, clock)
    for email in ("mentee@example.org", "mentor@example.org", "steering@example.org"):
        live, _ = _reader(demo, clock, email)
        assert not any("C1" in shown for shown in live.arrived()), email
    live, session = _reader(demo, clock, "lead@example.org")
    chair, _ = _reader(demo, clock, "chair@example.org")
    [alert] = live.arrived()
    assert alert.startswith("[lead channel]\nURGENT: safety concern C1 in Demo cohort")
    assert "  1. Open\n  2. Acknowledge\n  3. Contact them\n  4. Snooze 1 week" in alert
    assert "scan" not in alert
    assert live.arrived() == []  # once
    assert "Acknowledged C1." in _answer(demo, clock, session, "2")
    lead = _person(demo, "lead@example.org")
    with transaction(demo) as s:
        [read] = s.exec(select(AuditLog).where(AuditLog.action == cli.CHANNEL_READ)).all()
        assert (read.actor_id, read.subject) == (lead.id, "channel:lead")
        assert (read.detail["surface"], read.detail["messages"]) == ("console", 1)
    # The channel is the chair's too: the alert the lead took is shown to her as well, once.
    also, acknowledged = chair.arrived()
    assert also.startswith("[lead channel]\nURGENT: safety concern C1 in Demo cohort")
    assert acknowledged == "[lead channel]\nC1 acknowledged by Morgan Ellis, Mon 23 Nov, 10:00."
    assert chair.arrived() == []
    # the lead sees the note of her own acknowledgement once (the channel's record), no more
    assert [x.split("\n")[1] for x in live.arrived()] == [
        "C1 acknowledged by Morgan Ellis, Mon 23 Nov, 10:00."
    ]
    assert live.arrived() == []


def test_a_lead_channel_delivered_elsewhere_is_left_to_its_route(
    demo: Engine, clock: Clock
) -> None:
    with transaction(demo) as s:
        scheme = s.exec(select(Scheme)).one()
        outbox_queries.set_scheme_channel(s, scheme, {"platform": "webhook", "url_env": "HOOK"})
    _raise_concern(demo, clock)
    live, _ = _reader(demo, clock, "lead@example.org")
    assert live.arrived() == []
    with transaction(demo) as s:
        alert = s.exec(select(Outbox).where(Outbox.kind == "concern")).one()
        assert alert.status == "pending"  # for the webhook's deliverer


def test_a_nudge_falling_due_while_the_chat_is_open_appears(demo: Engine) -> None:
    """The chat sweeps as the scheduler would: the reminder made on Saturday waits for Monday's
    working hours, then shows in the chat still open, once, without ``mentorbot nudge``."""
    now = ["2026-11-28T10:00:00+00:00"]  # Saturday
    clock = Clock(source=lambda: parse_instant(now[0]))
    live, _ = _reader(demo, clock, "mentee@example.org")
    assert live.arrived() == []  # swept: made, but not due until Monday
    with transaction(demo) as s:
        made = s.exec(select(Nudge.rule)).all()
        assert any(rule.startswith("meeting_due") for rule in made)
    now[0] = "2026-11-30T10:00:00+00:00"  # Monday, the chat still open
    shown = "\n\n".join(live.arrived())
    assert "It's 4 weeks since you were paired with Tom" in shown
    assert "4 weeks since" not in "\n\n".join(live.arrived())  # once
