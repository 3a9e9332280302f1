"""Nothing Slack delivers is lost after our 200 (issue 11, item 6): each delivery is stored in
the inbox before the ack, and its work is tried again until it is done. The failures are real:
a database trigger refuses the concern once; a ``mentorbot serve`` process is killed (SIGKILL)
after its ack and before its commit. Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Engine, text
from sqlmodel import select

from bot.channels.slack.inbox import InboxPolicy
from conversations.clock import Clock
from conversations.scheme_config import load_demo
from storage.db import open_database, transaction
from storage.models import Concern, Inbox
from tests.conftest import NOW
from tests.fakes.slack_api import FakeSlackApi
from tests.loop_watch import HeldLock
from tests.test_slack_harness import (
    MENTEE,
    SECRET,
    USERS,
    SlackHarness,
    message,
    shown,
    sign,
)
from tests.transcript import Chat

SAFEGUARDING = (
    "I want to raise a safeguarding concern: a colleague shared a patient's scan in a public "
    "group chat"
)
SENT = "Sent to the project lead, marked urgent."
QUICK = InboxPolicy(retry_base=timedelta(milliseconds=200), poll=0.1)


@pytest.fixture
async def slack(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    async with SlackHarness(demo, clock, policy=QUICK) as harness:
        yield harness


def _concerns(db: Engine) -> list[Concern]:
    with transaction(db) as session:
        return list(session.exec(select(Concern)).all())


def _inbox(db: Engine, event_id: str) -> Inbox:
    with transaction(db) as session:
        return session.exec(select(Inbox).where(Inbox.event_key == f"ev:{event_id}")).one()


def _sent_replies(posts: list[dict[str, object]]) -> list[dict[str, object]]:
    return [p for p in posts if SENT in shown(p)]


@contextlib.contextmanager
def concerns_refused(db: Engine, table: str = "concern") -> Iterator[None]:
    """A trigger that makes the database refuse every new concern (or row of ``table``),
    until the block ends."""
    trigger = f"refuse_{table}"
    with db.begin() as conn:
        if db.dialect.name == "sqlite":
            conn.execute(
                text(
                    f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
                )
            )
        else:
            conn.execute(
                text(
                    f"CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$"
                )
            )
            conn.execute(
                text(
                    f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {trigger}()"
                )
            )
    try:
        yield
    finally:
        with db.begin() as conn:
            if db.dialect.name == "sqlite":
                conn.execute(text(f"DROP TRIGGER {trigger}"))
            else:
                conn.execute(text(f"DROP TRIGGER {trigger} ON {table}"))


async def test_a_turn_the_database_refuses_is_tried_again_and_answered_once(
    slack: SlackHarness,
) -> None:
    await slack.event(message(SAFEGUARDING))
    assert "Tom won't be told what you wrote." in shown(slack.last_post(f"D{MENTEE}"))
    send = message("Send it")
    with concerns_refused(slack.db):
        status, _ = await slack.event(send)
        assert status == 200  # acknowledged: Slack will not send it again
        row = _inbox(slack.db, send["event_id"])
        assert row.status == "pending"
        assert row.attempts >= 1
        assert "refused by the test trigger" in (row.last_error or "")
        assert _concerns(slack.db) == []
        assert _sent_replies(slack.posts_to(f"D{MENTEE}")) == []
    # The database takes concerns again: the inbox tries the turn again by itself.
    await slack.api.wait_until(lambda: bool(_sent_replies(slack.posts_to(f"D{MENTEE}"))), 30)
    await slack.idle()
    [concern] = _concerns(slack.db)
    assert (concern.category, concern.urgent) == ("safety", True)
    assert len(_sent_replies(slack.posts_to(f"D{MENTEE}"))) == 1
    row = _inbox(slack.db, send["event_id"])
    assert (row.status, row.body) == ("done", {})  # no second copy of what was written


async def test_a_redelivery_while_the_first_is_still_being_tried_is_not_run_twice(
    slack: SlackHarness,
) -> None:
    await slack.event(message(SAFEGUARDING))
    send = message("Send it")
    with concerns_refused(slack.db):
        await slack.event(send)
        status, _ = await slack.event(send, headers={"X-Slack-Retry-Num": "1"})
        assert status == 200
    await slack.api.wait_until(lambda: bool(_sent_replies(slack.posts_to(f"D{MENTEE}"))), 30)
    await slack.idle()
    assert len(_concerns(slack.db)) == 1
    assert len(_sent_replies(slack.posts_to(f"D{MENTEE}"))) == 1


# -- a real process, killed between its ack and its commit ----------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _serve(
    db_url: str, api: FakeSlackApi, port: int, extra: Mapping[str, str] | None = None
) -> asyncio.subprocess.Process:
    """``mentorbot serve`` against the Slack fake (``extra``: more environment), once it
    answers /healthz."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MENTORBOT_NOW")}
    env.update(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api.url}
    )
    env.pop("SLACK_APP_TOKEN", None)
    env.update(extra or {})
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--port", str(port), "--db", db_url, "--now", NOW,
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with aiohttp.ClientSession() as http, asyncio.timeout(60):
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return server
            await asyncio.sleep(0.2)


async def _post(port: int, body: dict[str, object]) -> int:
    raw = json.dumps(body)
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"http://127.0.0.1:{port}/slack/events",
            data=raw,
            headers={"Content-Type": "application/json", **sign(raw)},
        ) as response,
    ):
        return response.status


async def test_a_server_killed_after_its_ack_answers_once_it_is_back(db_url: str) -> None:
    clock = Clock.fixed(NOW)
    db = await asyncio.to_thread(open_database, db_url)  # (the test's own work, off the loop)
    try:
        await asyncio.to_thread(load_demo, db, clock)
        # Priya began the concern in another chat; her first Slack message sends it.
        began = await asyncio.to_thread(Chat(db, clock, "mentee@example.org").said, SAFEGUARDING)
        assert "Tom won't be told" in began
        async with FakeSlackApi(users=dict(USERS)) as api:
            api.stall("users.info")  # the first server hangs after its ack, before its commit
            # (and its sweep does not link Priya by email first: she links by her message)
            api.stall("users.lookupByEmail")
            port = _free_port()
            first = await _serve(db_url, api, port)
            try:
                send = message("Send it")
                assert await _post(port, send) == 200
                await api.wait_for("users.info", 1, limit=30)
                first.send_signal(signal.SIGKILL)
                await asyncio.wait_for(first.wait(), timeout=30)
            finally:
                if first.returncode is None:
                    first.kill()
            assert _concerns(db) == []
            assert _inbox(db, send["event_id"]).status == "pending"
            await api.unstall("users.info")
            await api.unstall("users.lookupByEmail")

            second = await _serve(db_url, api, _free_port())
            try:
                await api.wait_until(lambda: bool(_sent_replies(api.posts())), 60)
            finally:
                second.send_signal(signal.SIGTERM)
                _out, err = await asyncio.wait_for(second.communicate(), timeout=60)
        assert second.returncode == 0, err.decode()
        assert "Traceback" not in err.decode()
        [reply] = _sent_replies(api.posts())
        assert reply["channel"] == f"D{MENTEE}"
        [concern] = _concerns(db)
        assert (concern.category, concern.urgent) == ("safety", True)
        assert _inbox(db, send["event_id"]).status == "done"
    finally:
        db.dispose()


# -- no database call on the event loop (item 7) ----------------------------------------------


async def test_a_held_database_lock_stalls_neither_healthz_nor_slack(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection holds a lock for 3 s (released from a timer thread, so a blocked
    loop would get it back). Meanwhile /healthz keeps answering and, on PostgreSQL (where the
    lock is on the tables a turn uses), so does Slack; on SQLite a write lock covers the whole
    file, so the ack waits until the delivery can be stored (it is never acked unstored). This
    module runs under the loop watch: no callback may hold the loop."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    monkeypatch.delenv("TEAMS_ALLOW_UNAUTHENTICATED", raising=False)
    async with SlackHarness(demo, clock, whole_server=True) as slack:
        await slack.event(message("hello"))  # Priya is linked; auth.test is behind us
        assert slack.http is not None
        lock = await asyncio.to_thread(
            HeldLock, demo, ("processed_event", "dialog_state", "channel_identity")
        )
        try:
            lock.release_after(3.0)
            said = asyncio.create_task(slack.event(message("help"), wait=False))
            for _ in range(5):
                async with slack.http.get(slack.url_of("/healthz")) as response:
                    assert (response.status, await response.text()) == (200, "ok\n")
                assert not lock.released.is_set()
                await asyncio.sleep(0.1)
            if demo.dialect.name == "postgresql":
                assert (await said)[0] == 200
                assert not lock.released.is_set()
        finally:
            await asyncio.to_thread(lock.join)
        assert (await said)[0] == 200
        await slack.api.wait_until(
            lambda: any("what I can do" in shown(p) for p in slack.posts_to(f"D{MENTEE}")), 30
        )
        await slack.idle()
