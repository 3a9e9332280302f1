"""Exactly once at scale, on PostgreSQL: two scheduler processes at once, and one killed
part-way, over more than a thousand due nudges. (SQLite serves one process: skipped there.)"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from bot.channels.webhook import WebhookSender
from bot.outbox import Deliverer, DeliveryStats
from conversations.clock import Clock
from conversations.nudges import SweepStats, sweep
from storage.db import make_engine, transaction
from storage.models import Nudge, Outbox
from tests.factories import ROUND_THE_CLOCK, make_cohort
from tests.fakes.webhook_server import FakeWebhook

WORKER = Path(__file__).parent / "outbox_worker.py"
PAIRS = 600  # never met, ten weeks in: each pair's mentee and mentor are due a nudge


@pytest.fixture
def second(db_url: str) -> Iterator[Engine]:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serves one process (README): concurrent schedulers need PostgreSQL")
    db = make_engine(db_url)
    yield db
    db.dispose()


def _deliverer(db: Engine, clock: Clock, http: aiohttp.ClientSession, worker: str) -> Deliverer:
    return Deliverer(
        db, clock, {"webhook": WebhookSender(http)}, worker=worker, batch=50, pacing={}
    )


async def _drain(deliverer: Deliverer) -> DeliveryStats:
    total = DeliveryStats()
    while (stats := await deliverer.deliver_once()).total:
        total = total + stats
    return total


def _sent(db: Engine) -> int:
    with transaction(db) as s:
        return int(
            s.exec(
                select(func.count())
                .select_from(Outbox)
                .where(Outbox.kind == "nudge", col(Outbox.status) == "sent")
            ).one()
        )


def _nudges(db: Engine) -> int:
    with transaction(db) as s:
        return int(s.exec(select(func.count()).select_from(Nudge)).one())


async def test_two_schedulers_at_once_deliver_each_nudge_exactly_once(
    engine: Engine, second: Engine
) -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    async with FakeWebhook() as hook, aiohttp.ClientSession() as http:
        make_cohort(
            engine, pairs=PAIRS, due=1.0, now=now, webhook_url=hook.url, settings=ROUND_THE_CLOCK
        )
        start = threading.Barrier(2)
        results: list[SweepStats] = []

        def run_sweep(db: Engine) -> None:
            start.wait()
            results.append(sweep(db, Clock.fixed(now)))

        await asyncio.gather(
            asyncio.to_thread(run_sweep, engine), asyncio.to_thread(run_sweep, second)
        )
        a, b = await asyncio.gather(
            _drain(_deliverer(engine, Clock.fixed(now), http, "a")),
            _drain(_deliverer(second, Clock.fixed(now), http, "b")),
        )
    assert sum(r.created for r in results) == 2 * PAIRS  # each nudge created by one of them
    assert _nudges(engine) == 2 * PAIRS
    assert a.sent + b.sent == 2 * PAIRS
    counts = hook.counts()
    assert len(counts) == 2 * PAIRS  # a different message for each person
    assert set(counts.values()) == {1}  # and none twice
    assert _sent(engine) == 2 * PAIRS


async def test_a_scheduler_killed_part_way_loses_nothing(
    engine: Engine, second: Engine, db_url: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)  # the worker process runs on the real clock
    async with FakeWebhook() as hook, aiohttp.ClientSession() as http:
        make_cohort(
            engine, pairs=PAIRS, due=1.0, now=now, webhook_url=hook.url, settings=ROUND_THE_CLOCK
        )
        hook.delay = 0.005
        log_path = tmp_path / "worker.log"
        with log_path.open("wb") as log:
            worker = await asyncio.create_subprocess_exec(
                sys.executable, str(WORKER), "--sweep", "--db", db_url, "--worker", "doomed",
                "--lease", "2", "--batch", "10", "--concurrency", "1",
                stdout=log, stderr=log,
                env={**os.environ, "PYTHONPATH": str(WORKER.parent.parent)},
            )  # fmt: skip
            arrived = asyncio.create_task(hook.wait_for(205))
            exited = asyncio.create_task(worker.wait())
            done, _ = await asyncio.wait(
                {arrived, exited}, timeout=60, return_when="FIRST_COMPLETED"
            )
            exited.cancel()
            assert arrived in done, log_path.read_text()
            worker.kill()
            await worker.wait()
        assert 205 <= len(hook.received) < 2 * PAIRS
        hook.delay = 0
        # The next scheduler sweeps again (nothing new: every nudge exists once) and, once the
        # dead worker's lease has run out, delivers the rest.
        assert (await asyncio.to_thread(sweep, second, Clock())).created == 0
        survivor = _deliverer(second, Clock(), http, "survivor")
        await _drain(survivor)
        await asyncio.sleep(2.2)
        await _drain(survivor)
    counts = hook.counts()
    assert len(counts) == 2 * PAIRS  # none lost
    assert sum(n - 1 for n in counts.values()) <= 1  # at most the send in flight at the kill
    assert _nudges(engine) == 2 * PAIRS
    assert _sent(engine) == 2 * PAIRS
