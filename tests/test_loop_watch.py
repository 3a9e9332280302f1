"""The loop watch (tests/loop_watch.py) that the Slack and Teams suites run under catches a real
block: a synchronous database call on the event loop that waits for a lock another connection
holds. (Without the watch, see tests/test_slack_inbox.py for the server staying responsive.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import select

from storage.db import transaction
from storage.models import AuditLog, ProcessedEvent
from tests.loop_watch import OURS, HeldLock, LoopWatch


def _touch(db: Engine) -> None:
    """A small storage call that has to wait for the lock (a write on SQLite, where readers
    never wait; a read of a locked table on PostgreSQL)."""
    with transaction(db) as session:
        if db.dialect.name == "sqlite":
            session.add(AuditLog(at=datetime.now(UTC), action="test"))
        else:
            session.exec(select(ProcessedEvent.id)).first()


async def handler(db: Engine) -> None:
    """Like a request handler that calls storage directly: it holds the loop until the lock
    goes."""
    _touch(db)


async def test_a_database_call_on_the_loop_waiting_for_a_lock_is_caught(engine: Engine) -> None:
    watch = LoopWatch()
    lock = HeldLock(engine, ("processed_event",))
    watch.start(asyncio.get_running_loop())
    await asyncio.sleep(0)  # debug mode times the callbacks that start after this one
    try:
        lock.release_after(1.0)
        await asyncio.create_task(handler(engine))
    finally:
        lock.join()
        watch.stop()
    [caught] = watch.found
    assert "coro=<handler()" in caught.text
    assert any(line.removeprefix("... ").startswith(OURS) for line in caught.where)  # named


async def test_the_same_call_in_a_worker_thread_is_not(engine: Engine) -> None:
    watch = LoopWatch()
    lock = HeldLock(engine, ("processed_event",))
    watch.start(asyncio.get_running_loop())
    await asyncio.sleep(0)
    try:
        lock.release_after(1.0)
        await asyncio.to_thread(_touch, engine)
    finally:
        lock.join()
        watch.stop()
    assert watch.found == []
