"""The outbox deliverer: sends what the dialogs and the scheduler wrote, and records the outcome.

- :class:`Deliverer` ``.deliver_once()``: claim a batch (``storage.outbox_queries.claim``,
  in a worker thread: storage is synchronous), send it through the platform's
  :class:`~bot.channels.base.Sender`, record each outcome in its own small transaction;
  ``.run(stop, interval)``: repeat until ``stop`` is set, idling ``interval`` seconds when
  nothing was due.
- :class:`DeliveryStats`: what one pass did.

Order and pace. Rows are claimed most urgent first (priority 0, safety concerns, ahead of any
nudge backlog). Within a batch, rows for one address go one after another, in claim order, at
least the platform's interval apart (``pacing``: Slack allows about 1 message/s per channel);
different addresses go concurrently, at most ``concurrency`` sends at a time. One address takes
at most what fits in ``window`` seconds per batch; the rest is given back at once, so a pass
stays short and an urgent row claimed by the next pass is not stuck behind a backlog. Pacing is
per process: workers sharing a channel rely on the platform's 429 and ``Retry-After``.

Failures. A 429 waits ``Retry-After``; other retryable failures back off exponentially with
jitter; after ``max_attempts``, or on a permanent failure, the row is ``dead`` with its error
(``storage.outbox_queries.dead_letters`` shows the lead). When a send to an address fails, the
rest of that address's batch waits as long as the failed row, so it does not overtake it.
An *ambiguous* failure (the request may have been applied) is never re-sent, since a create on
Slack or Teams is not idempotent: it is dead-lettered as "ambiguous: may have been delivered" so
a person checks, instead of risking a duplicate. An unexpected exception from a sender is
treated the same way.

Urgent concerns have their own lane. Their lead-channel alert is never dead: not after
``max_attempts``, not on a permanent or ambiguous failure (a second copy in the lead channel is
better than none); it is retried at least every two minutes until the channel takes it. The
first permanent failure sends the concern by its second route in the same transaction
(``conversations.urgent``: direct messages to the lead and the chair, and an email to each when
this process can send email), and each pass first
looks for urgent alerts that no platform here can reach, or that are still waiting a few
minutes after they were written, and sends those by it too (one small indexed query: normally
there are none).

Crashes. A row leaves ``pending`` only when its send is recorded, so nothing is lost: rows of a
worker that died are claimed again once its lease runs out. What can be sent twice is a send
that reached the platform before the worker died and before its outcome was committed. Each
outcome is committed on its own, holding the send's concurrency slot until then, so at most
``concurrency`` rows can be in that state: that is the duplicate bound after a crash (1 with
``concurrency=1``). A send is never started with less than a quarter of the lease left, so a
live worker does not race a worker that re-claimed its rows; the lease must exceed ``window``
plus the sender's own timeout. Recording holds a database connection, so keep ``concurrency``
within the engine's pool (SQLAlchemy's default: 5), or connections are opened and closed per send.

Stopping (``run``'s ``stop``: ``mentorbot serve`` got SIGTERM). No new send starts; rows claimed
and not yet sent are given back at once (``claimed_by`` and ``lease_until`` cleared), so another
process sends them without waiting for the lease; a send in flight gets a few seconds, then
counts as ambiguous, like a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot import metrics
from bot.channels.base import DeliveryError, Sender
from bot.redaction import redact
from conversations import urgent
from conversations.clock import Clock
from conversations.messages import Part, part_from_json
from storage import outbox_queries, platform_queries
from storage.db import transaction
from storage.models import OutboxStatus

log = logging.getLogger(__name__)

# Minimum seconds between two messages to one conversation, per platform. Slack: about 1/s per
# channel. Teams allows a bot, per conversation, 7 per second, 8 per 2 s, 60 per 30 s and 1,800
# per hour: the hourly limit is one every 2 s sustained, which keeps within all four. Incoming
# webhooks share Slack's channel limit.
DEFAULT_PACING: Mapping[str, float] = {"slack": 1.0, "teams": 2.0, "webhook": 1.0}
AMBIGUOUS = "ambiguous: may have been delivered"


@dataclass(frozen=True)
class DeliveryStats:
    """One pass: rows sent, rows that failed and will be retried, rows given up (dead)."""

    sent: int = 0
    failed: int = 0
    dead: int = 0

    def __add__(self, other: DeliveryStats) -> DeliveryStats:
        return DeliveryStats(
            self.sent + other.sent, self.failed + other.failed, self.dead + other.dead
        )

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.dead


@dataclass(frozen=True)
class _Job:
    """A claimed row, as plain data for the event loop (no ORM object crosses threads)."""

    row_id: int
    platform: str
    address: dict[str, Any]
    parts: list[dict[str, Any]]
    preview: str
    lease_until: datetime

    @property
    def pace_key(self) -> str:
        # A thread is inside its chat: one pace, one order for both.
        chat = {k: v for k, v in self.address.items() if k != "thread"}
        return f"{self.platform}:{json.dumps(chat, sort_keys=True)}"


@dataclass(frozen=True)
class _Outcome:
    message_id: str | None = None
    error: str = ""
    retry_after: float | None = None
    permanent: bool = False


class Deliverer:
    """Delivers due outbox rows through ``senders`` (by platform, in order of preference)."""

    def __init__(
        self,
        db: Engine,
        clock: Clock,
        senders: Mapping[str, Sender],
        worker: str,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 100,
        max_attempts: int = 8,
        *,
        concurrency: int = 4,
        pacing: Mapping[str, float] = DEFAULT_PACING,
        window: float = 5.0,
        rng: random.Random | None = None,
        environ: Mapping[str, str] = os.environ,
        recheck: float = 30.0,
    ) -> None:
        if batch < 1 or concurrency < 1 or max_attempts < 1:
            raise ValueError("batch, concurrency and max_attempts must be at least 1")
        self.db = db
        self.clock = clock
        self.senders = dict(senders)
        self.platforms: Sequence[str] = [p for p in self.senders if p != "console"]
        self.worker = worker
        self.lease = lease
        self.batch = batch
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.pacing = dict(pacing)
        self.window = window
        self.rng = rng
        self.environ = environ
        self._next_send: dict[str, float] = {}  # pace key -> loop time of the next allowed send
        self.recheck = recheck
        self._cut_off: tuple[float, frozenset[str]] | None = None  # (looked at, platforms)
        self._stop: asyncio.Event | None = None  # set: start no new send (``run``)
        self._abandon: asyncio.Event | None = None  # set: give up on sends in flight

    async def run(self, stop: asyncio.Event, interval: float = 1.0, grace: float = 3.0) -> None:
        """Deliver until ``stop`` is set; when a pass found nothing, wait ``interval`` seconds.

        Once ``stop`` is set no new send starts: the rows of the pass not yet sent are given
        back, sends in flight get ``grace`` seconds, and one still going after that is
        abandoned and recorded as ambiguous (it may have been delivered: never sent twice,
        like any ambiguous failure). Last, every row this worker still holds is given back."""
        self._stop = stop
        self._abandon = asyncio.Event()
        abandoning = asyncio.create_task(self._abandon_after(stop, grace))
        try:
            while not stop.is_set():
                try:
                    stats = await self.deliver_once()
                except Exception:
                    log.exception("outbox delivery failed; trying again in %.0f s", interval)
                    stats = DeliveryStats()
                metrics.EVENTS.delivered(stats.sent, stats.failed, stats.dead)
                if stats.total == 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=interval)
        finally:
            abandoning.cancel()
            released = await asyncio.to_thread(self._release_held)
            if released:
                log.info("stopping: gave back %d outbox rows unsent", released)

    async def _abandon_after(self, stop: asyncio.Event, grace: float) -> None:
        await stop.wait()
        await asyncio.sleep(grace)
        assert self._abandon is not None
        self._abandon.set()

    def _stopping(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    async def deliver_once(self) -> DeliveryStats:
        """Claim one batch and deliver it; returns what happened to the rows tried."""
        if not self.platforms:
            return DeliveryStats()
        platforms = await asyncio.to_thread(self._watch_urgent)
        groups = await asyncio.to_thread(self._claim, platforms)
        if not groups:
            return DeliveryStats()
        self._forget_old_pacing()
        slots = asyncio.Semaphore(self.concurrency)
        results = await asyncio.gather(
            *(self._deliver_group(group, slots) for group in groups), return_exceptions=True
        )
        stats = DeliveryStats()
        for result in results:
            if isinstance(result, BaseException):
                raise result
            stats += result
        return stats

    # -- claiming (worker thread) ------------------------------------------------------------

    def _watch_urgent(self) -> list[str]:
        """The platforms usable in this pass (those a platform cut off, by uninstalling the
        app or revoking its token, are left out: ``conversations.cut_off``). Urgent alerts
        nothing usable can reach, or still waiting: send them by the second route (their
        messages are claimed by this same pass)."""
        with transaction(self.db) as session:
            platforms = self._usable(session)
            urgent.watch(session, self.clock.now(), platforms, self.environ)
        return platforms

    def _usable(self, session: Session) -> list[str]:
        """``self.platforms`` less those cut off, looked up at most every ``recheck`` s."""
        now = time.monotonic()
        if self._cut_off is None or now - self._cut_off[0] >= self.recheck:
            self._cut_off = (now, frozenset(platform_queries.cut_off(session)))
        return [p for p in self.platforms if p not in self._cut_off[1]]

    def _claim(self, platforms: Sequence[str]) -> list[list[_Job]]:
        """Claim a batch and group it by address (in claim order), keeping per address what
        fits in the window; the rest is given back in the same transaction."""
        now = self.clock.now()
        with transaction(self.db) as session:
            rows = outbox_queries.claim(
                session, self.worker, now, self.batch, self.lease, platforms=platforms
            )
            if not rows:
                return []
            found = outbox_queries.routes(session, rows, platforms)
            groups: dict[str, list[_Job]] = {}
            give_back: list[int] = []
            for row in rows:
                assert row.id is not None
                assert row.lease_until is not None
                route = found.get(row.id)
                if route is None:  # its identity or channel went away since the claim's check
                    give_back.append(row.id)
                    continue
                job = _Job(
                    row_id=row.id,
                    platform=route.platform,
                    address=route.address,
                    parts=list(row.parts),
                    preview=row.preview,
                    lease_until=row.lease_until,
                )
                group = groups.setdefault(job.pace_key, [])
                if len(group) < self._per_address(job.platform):
                    group.append(job)
                else:
                    give_back.append(job.row_id)
            outbox_queries.release(session, give_back, self.worker)
        return list(groups.values())

    def _per_address(self, platform: str) -> int:
        interval = self.pacing.get(platform, 0.0)
        if interval <= 0:
            return self.batch
        return 1 + int(self.window / interval)

    # -- sending (event loop) ----------------------------------------------------------------

    async def _deliver_group(self, group: list[_Job], slots: asyncio.Semaphore) -> DeliveryStats:
        """One address's rows, one after another, paced; stops at a retryable failure (the rest
        then waits as long as the failed row) or when the lease is nearly over."""
        stats = DeliveryStats()
        margin = self.lease / 4
        for n, job in enumerate(group):
            await self._pace(job)
            rest = [j.row_id for j in group[n:]]
            if self._stopping():
                await asyncio.to_thread(self._release, rest, None)
                break
            if self.clock.now() >= job.lease_until - margin:
                log.warning("lease nearly over: giving back %d rows unsent", len(rest))
                await asyncio.to_thread(self._release, rest, None)
                break
            async with slots:  # held until the outcome is committed: the crash duplicate bound
                outcome = await self._send_unless_abandoned(job)
                result, retry_at = await asyncio.to_thread(self._record, job, outcome)
            stats += result
            if retry_at is not None and len(rest) > 1:
                await asyncio.to_thread(self._release, rest[1:], retry_at)
                break
        return stats

    async def _pace(self, job: _Job) -> None:
        interval = self.pacing.get(job.platform, 0.0)
        if interval <= 0:
            return
        loop = asyncio.get_running_loop()
        wait = self._next_send.get(job.pace_key, 0.0) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._next_send[job.pace_key] = loop.time() + interval

    def _forget_old_pacing(self) -> None:
        now = asyncio.get_running_loop().time()
        for key in [k for k, at in self._next_send.items() if at <= now]:
            del self._next_send[key]

    async def _send_unless_abandoned(self, job: _Job) -> _Outcome:
        """The send's outcome; when the server stops and the send is still going after the
        grace (``run``), it is cancelled and counts as ambiguous."""
        abandon = self._abandon
        if abandon is None:
            return await self._send(job)
        sending = asyncio.create_task(self._send(job))
        abandoned = asyncio.create_task(abandon.wait())
        await asyncio.wait({sending, abandoned}, return_when=asyncio.FIRST_COMPLETED)
        abandoned.cancel()
        if sending.done():
            return sending.result()
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        log.warning("stopping: outbox row %d was still being sent; given up", job.row_id)
        return _Outcome(error=f"{AMBIGUOUS}: the server stopped while sending", permanent=True)

    async def _send(self, job: _Job) -> _Outcome:
        sender = self.senders[job.platform]
        try:
            parts: list[Part] = [part_from_json(p) for p in job.parts]
        except (KeyError, TypeError, ValueError) as exc:
            return _Outcome(error=f"unreadable message parts: {exc!r}", permanent=True)
        try:
            message_id = await sender.send(job.address, parts, job.preview, outbox_id=job.row_id)
        except DeliveryError as exc:
            if exc.ambiguous:
                return _Outcome(error=f"{AMBIGUOUS}: {exc}", permanent=True)
            return _Outcome(error=str(exc), retry_after=exc.retry_after, permanent=exc.permanent)
        except Exception as exc:  # a sender bug: whether it reached the platform is unknown
            log.exception(
                "sender %s failed unexpectedly on outbox row %d", job.platform, job.row_id
            )
            return _Outcome(error=f"{AMBIGUOUS}: {type(exc).__name__}: {exc}", permanent=True)
        return _Outcome(message_id=message_id)

    # -- recording (worker thread) -----------------------------------------------------------

    def _record(self, job: _Job, outcome: _Outcome) -> tuple[DeliveryStats, datetime | None]:
        """Commit one outcome; returns its stats and, after a retryable failure, when the row
        is due again."""
        now = self.clock.now()
        # The error is stored and shown to the lead: no token a platform echoed goes with it.
        outcome = replace(outcome, error=redact(outcome.error))
        with transaction(self.db) as session:
            if outcome.message_id is not None:
                if not outbox_queries.record_sent(
                    session, job.row_id, self.worker, now, outcome.message_id
                ):
                    log.warning(
                        "outbox row %d was sent but no longer held by %s (lease ran out, or it "
                        "was marked sent elsewhere): it may go out twice",
                        job.row_id,
                        self.worker,
                    )
                return DeliveryStats(sent=1), None
            row = outbox_queries.record_failure(
                session,
                job.row_id,
                self.worker,
                now,
                outcome.error,
                outcome.retry_after,
                outcome.permanent,
                self.max_attempts,
                rng=self.rng,
            )
            if row is not None and outcome.permanent and outbox_queries.is_urgent_alert(row):
                assert row.concern_id is not None
                urgent.use_second_route(
                    session,
                    row.concern_id,
                    row.id,
                    outcome.error,
                    now,
                    urgent.second_routes(self.platforms, session),
                )
        if row is None:
            log.warning("outbox row %d failed but is no longer held by %s", job.row_id, self.worker)
            return DeliveryStats(failed=1), None
        if row.status == OutboxStatus.DEAD.value:
            log.warning("outbox row %d is dead after %d attempts", job.row_id, row.attempts)
            return DeliveryStats(dead=1), None
        log.info(
            "outbox row %d failed (%s); next attempt at %s",
            job.row_id,
            outcome.error,
            row.next_attempt_at.isoformat(),
        )
        return DeliveryStats(failed=1), row.next_attempt_at

    def _release(self, row_ids: list[int], not_before: datetime | None) -> None:
        with transaction(self.db) as session:
            outbox_queries.release(session, row_ids, self.worker, not_before)

    def _release_held(self) -> int:
        with transaction(self.db) as session:
            return outbox_queries.release_held(session, self.worker)
