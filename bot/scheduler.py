"""The scheduler: sweep for due nudges, then deliver the outbox; once on demand
(``mentorbot nudge``) or every minute inside ``mentorbot serve``.

Several processes may run it at once on PostgreSQL: the sweep's unique keys make each nudge
exist once, and the deliverer claims rows with ``FOR UPDATE SKIP LOCKED`` under a lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from sqlalchemy import Engine

from bot import metrics, reach
from bot.channels.base import Sender
from bot.channels.webhook import WebhookSender
from bot.outbox import Deliverer, DeliveryStats
from bot.settings import chat_platforms
from conversations.clock import Clock
from conversations.nudges import SweepStats, sweep
from storage import outbox_queries, retention
from storage.db import transaction
from storage.retention import Purged

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextlib.asynccontextmanager
async def deliverer(db: Engine, clock: Clock) -> AsyncIterator[Deliverer]:
    """A deliverer with every sender this process can use (Slack, Teams, webhooks, email)."""
    async with aiohttp.ClientSession() as http:
        found = senders(http, db, clock)
        for platform, sender in found.items():
            if hasattr(sender, "opened"):  # Slack and Teams open a person's chat when needed
                sender.opened = reach.chat_opened(db, platform)
        yield Deliverer(db, clock, found, worker=worker_name())


async def link_people(db: Engine, clock: Clock, sender: Deliverer) -> None:
    """Before a sweep: link people who never wrote to the bot on the platforms that can look
    them up by email (Slack), so the sweep can welcome them (``bot.reach``)."""
    slack = sender.senders.get("slack")
    client = getattr(slack, "client", None)
    if client is None:
        return
    try:
        await reach.link_slack(db, clock, client)
    except Exception:
        log.exception("linking people on Slack failed; trying again at the next sweep")


def senders(
    http: aiohttp.ClientSession, db: Engine | None = None, clock: Clock | None = None
) -> dict[str, Sender]:
    """Every sender this process can use, preferred first; a platform's SDK is imported only
    when that platform is configured. With ``db`` and ``clock``, Teams offers meeting invites
    through signed download links (``bot.channels.teams.calendar``)."""
    found: dict[str, Sender] = {}
    platforms = chat_platforms()
    if "slack" in platforms:
        from bot.channels import slack

        found["slack"] = slack.sender_from_env(http)
    if "teams" in platforms:
        from bot.channels import teams
        from bot.channels.teams.calendar import CalendarLinks

        links = CalendarLinks.of(db, clock) if db is not None and clock is not None else None
        found["teams"] = teams.sender_from_env(http, links=links)
    found["webhook"] = WebhookSender(http)
    if os.environ.get("MENTORBOT_SMTP_URL"):  # people on no chat platform; urgent concerns
        from bot.channels import email

        mail = email.sender_from_env()
        if mail is not None:
            found["email"] = mail
    return found


@dataclass(frozen=True)
class TickStats:
    swept: SweepStats
    delivered: DeliveryStats
    waiting: int

    def summary(self) -> str:
        failures = self.delivered.failed + self.delivered.dead
        line = (
            f"{self.swept.created} nudge{'s' if self.swept.created != 1 else ''} created, "
            f"{self.delivered.sent} message{'s' if self.delivered.sent != 1 else ''} sent, "
            f"{failures} failure{'s' if failures != 1 else ''}"
        )
        if self.waiting:
            line += f" ({self.waiting} waiting: in console inboxes or due later)"
        return line + "."


async def tick(db: Engine, clock: Clock, sender: Deliverer, max_rounds: int = 100) -> TickStats:
    """One sweep, then deliver until nothing more is due now."""
    await link_people(db, clock, sender)
    swept = await asyncio.to_thread(timed_sweep, db, clock)
    delivered = DeliveryStats()
    for _ in range(max_rounds):
        stats = await sender.deliver_once()
        delivered = delivered + stats
        if stats.total == 0:
            break
    left = await asyncio.to_thread(waiting, db)
    return TickStats(swept=swept, delivered=delivered, waiting=left)


def retain(db: Engine, clock: Clock, *, always: bool = False) -> Purged:
    """Apply the retention schedule: now (``mentorbot retention``), or when a day has passed
    since the last run (``serve``; an empty :class:`Purged` when it was not due)."""
    with transaction(db) as session:
        if not always and not retention.due(session, clock.now()):
            return Purged()
        return retention.apply(session, clock.now())


def waiting(db: Engine) -> int:
    with transaction(db) as session:
        return outbox_queries.pending_count(session)


def timed_sweep(db: Engine, clock: Clock) -> SweepStats:
    """A sweep, counted in this process's metrics (``bot.metrics``)."""
    started = time.perf_counter()
    swept = sweep(db, clock, reach.rules())
    metrics.EVENTS.swept(time.perf_counter() - started, swept.by_rule)
    return swept


async def run(db: Engine, clock: Clock, stop: asyncio.Event, interval: float = 60.0) -> None:
    """Sweep every ``interval`` seconds and deliver continuously, until ``stop`` is set; then
    the deliverer gives back what it holds (``Deliverer.run``)."""
    async with deliverer(db, clock) as sender:
        delivering = asyncio.create_task(sender.run(stop, interval=1.0))
        try:
            while not stop.is_set():
                await link_people(db, clock, sender)
                try:
                    swept = await asyncio.to_thread(timed_sweep, db, clock)
                    if swept.created:
                        log.info("created %d nudges", swept.created)
                except Exception:
                    log.exception("the nudge sweep failed; trying again in %.0f s", interval)
                try:
                    purged = await asyncio.to_thread(retain, db, clock)
                    if any(purged.counts().values()):
                        log.info("%s", purged.summary())
                except Exception:
                    log.exception("retention failed; trying again in %.0f s", interval)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)
        finally:
            stop.set()
            await delivering
