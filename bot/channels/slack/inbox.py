"""The Slack inbox: nothing Slack delivers is lost after our 200.

Slack does not retry an event we answered with a 2xx, so the event is stored before the answer:
1. the global middleware (``listeners.register``) writes each delivery to the ``inbox`` table,
   keyed by :func:`listeners.event_key`, in a worker thread of its own (:meth:`SlackInbox.store`),
   before any listener runs, so before any ``ack()`` (bolt acks Events API deliveries itself,
   before the listener starts). A delivery already in the inbox is answered 200 and dropped; a
   delivery that cannot be stored is answered 503, so Slack sends it again;
2. the listener runs as before (ack, then the work) inside :func:`inboxed`, which closes the row
   when the work is done (a dialog turn closes it in its own transaction, through
   ``queries.record_event``), and records a failed attempt when the work raised;
3. :meth:`SlackInbox.run` (started with the Slack channel in ``mentorbot serve``) replays the
   rows that are due: failed attempts after a back-off, and rows whose process died while it
   held them. A replay is dispatched through a second bolt app over the same listeners, with
   ``process_before_response`` so it returns when the work has finished. At start-up the rows of
   this machine's dead processes are given back at once; other rows wait for their lease.
   Replays run concurrently (at most ``InboxPolicy.concurrency``), one person's in the order
   they arrived.

Hand-off (``SlackInbox(hand_off=True)``, what ``mentorbot serve`` runs): the serving process
only verifies, stores and acks. It stores each row leased to nobody, acks (a listener gives
only its ack: :func:`inboxed`) and wakes the turn worker (``worker.py``, a process of its own),
whose :meth:`SlackInbox.run` claims the row at once and does the work. The serving process's
interpreter then never waits behind a dialog turn.

Exactly once: a replayed turn whose first run had committed finds its ``processed_event`` row
and does nothing again; its reply is already in the outbox. Rows are leased with the wall clock
(``timer``), not the scheme's clock, which tests and demos fix.

Speed of the ack. On SQLite (WAL, ``synchronous=NORMAL``: see ``storage.db``) the insert
survives the process dying, which is what the 200 must survive, without waiting for the disk.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import random
import secrets
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_bolt.request.async_request import AsyncBoltRequest
from sqlalchemy import Engine as Database

from bot.channels.slack.sender import PLATFORM, dm_channel, post_parts
from bot.redaction import redact
from conversations.clock import Clock
from conversations.messages import Text
from storage import inbox_queries
from storage.db import transaction

T = TypeVar("T")
log = logging.getLogger(__name__)

# Keys in a bolt request's context.
KEY = "mentorbot_inbox_key"  # the inbox row this request's work closes
REPLAY = "mentorbot_inbox_replay"  # the request comes from the inbox, not from Slack
STARTED = "mentorbot_inbox_started"  # a listener took the request
HAND_OFF = "mentorbot_inbox_hand_off"  # stored for the turn worker: the listener only acks

GAVE_UP = (
    "Sorry, something went wrong on my side and I couldn't take in your last message, even "
    "after trying again for a while. Please send it again. If it was about a concern, you can "
    "also contact the project lead directly."
)


@dataclass(frozen=True)
class InboxPolicy:
    """How rows are leased and retried. A failed attempt waits ``retry_base`` doubling (with
    jitter) up to ``retry_cap``; after ``max_attempts`` the row is dead and the person is told.
    The defaults retry for about twenty minutes."""

    lease: timedelta = timedelta(seconds=60)
    retry_base: timedelta = timedelta(seconds=2)
    retry_cap: timedelta = timedelta(minutes=5)
    max_attempts: int = 10
    poll: float = 1.0
    batch: int = 8
    concurrency: int = 16  # rows replayed at once (one person's one after another)
    keep: timedelta = timedelta(days=7)


def _host() -> str:
    return socket.gethostname()


def worker_name() -> str:
    """``host:pid:token``: the token tells this process from an earlier one with the same pid
    (a restarted container is often pid 1 again)."""
    return f"{_host()}:{os.getpid()}:{secrets.token_hex(4)}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Pending:
    """A claimed row, as plain data for the event loop."""

    key: str
    body: dict[str, Any]
    attempts: int = 0

    @property
    def person(self) -> str:
        """Who the delivery is from (their deliveries are replayed in order); else its key."""
        event = self.body.get("event")
        user = self.body.get("user")
        edited = event.get("message") if isinstance(event, dict) else None
        found = [
            event.get("user") if isinstance(event, dict) else None,
            edited.get("user") if isinstance(edited, dict) else None,  # an edit: its author
            user.get("id") if isinstance(user, dict) else user,
            self.body.get("user_id"),
        ]
        return next((f"user:{u}" for u in found if isinstance(u, str) and u), self.key)


class SlackInbox:
    """The inbox's storage calls, each on the inbox's own threads (never on the event loop,
    and never queued behind dialog turns), and the replay loop. ``hand_off``: rows are stored
    for the turn worker (leased to nobody) and ``notify`` is called after each one."""

    def __init__(
        self,
        db: Database,
        timer: Clock | None = None,
        policy: InboxPolicy | None = None,
        worker: str | None = None,
        rng: random.Random | None = None,
        hand_off: bool = False,
    ) -> None:
        self.db = db
        self.timer = timer or Clock()
        self.policy = policy or InboxPolicy()
        self.worker = worker or worker_name()
        self.rng = rng
        self.hand_off = hand_off
        self.notify: Callable[[], None] | None = None
        self.threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="slack-inbox")
        self._closed: set[str] = set()  # rows a dialog turn closed (no need to look again)

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.threads, function, *args)

    # -- storage (in the inbox threads) -----------------------------------------------------

    def _store(self, key: str, body: dict[str, Any]) -> bool:
        # A connection, not an ORM session: this is on the ack's path, keep it lean.
        with self.db.begin() as connection:
            holder = None if self.hand_off else self.worker
            return inbox_queries.store(
                connection, PLATFORM, key, body, self.timer.now(), holder, self.policy.lease
            )

    def _done(self, key: str) -> None:
        with transaction(self.db) as session:
            # Usually the turn closed it already: a read, then no write at all.
            if inbox_queries.is_pending(session, PLATFORM, key):
                inbox_queries.close(session, PLATFORM, key, self.timer.now())

    def _failed(self, key: str, error: str) -> bool:
        with transaction(self.db) as session:
            row = inbox_queries.record_failure(
                session,
                PLATFORM,
                key,
                self.timer.now(),
                error,
                self.policy.max_attempts,
                base=self.policy.retry_base,
                cap=self.policy.retry_cap,
                rng=self.rng,
            )
            return row is not None and row.status == "dead"

    def _claim(self, limit: int) -> list[Pending]:
        with transaction(self.db) as session:
            rows = inbox_queries.claim(
                session, PLATFORM, self.worker, self.timer.now(), limit, self.policy.lease
            )
            return [Pending(row.event_key, dict(row.body), row.attempts) for row in rows]

    def _gone(self, holder: str) -> bool:
        host, _, rest = holder.partition(":")
        pid_text = rest.partition(":")[0]
        if host != _host() or holder == self.worker or not pid_text.isdigit():
            return False
        pid = int(pid_text)
        return pid == os.getpid() or not _running(pid)

    def _recover(self) -> int:
        with transaction(self.db) as session:
            return inbox_queries.release_workers(session, PLATFORM, f"{_host()}:", self._gone)

    def _prune(self) -> int:
        with transaction(self.db) as session:
            return inbox_queries.prune(session, self.timer.now() - self.policy.keep)

    async def store(self, key: str, body: dict[str, Any]) -> bool:
        """Keep the delivery; False when it is already in the inbox (a redelivery)."""
        fresh = await self._call(self._store, key, body)
        if fresh and self.notify is not None:
            self.notify()
        return fresh

    def closed(self, key: str | None) -> None:
        """A dialog turn has closed ``key``'s row in its own transaction (or found it done)."""
        if key is not None:
            self._closed.add(key)

    async def done(self, key: str) -> None:
        if key in self._closed:
            self._closed.discard(key)
            return
        await self._call(self._done, key)

    async def failed(self, key: str, error: str) -> bool:
        """Record a failed attempt; True when that was the last one (the row is dead)."""
        self._closed.discard(key)
        return await self._call(self._failed, key, redact(error))

    # -- the replay loop --------------------------------------------------------------------

    async def run(
        self, replayer: AsyncApp, stop: asyncio.Event, wake: asyncio.Event | None = None
    ) -> None:
        """Replay due rows through ``replayer`` until ``stop`` is set: first the rows of this
        machine's processes that died, then whatever falls due. ``wake`` (set when a row has
        been stored) makes it look at once instead of after ``policy.poll``. Up to
        ``policy.concurrency`` rows are in hand at once; one person's run one after another,
        oldest first. On ``stop`` it claims no more and waits for the rows in hand."""
        try:
            recovered = await self._call(self._recover)
            if recovered:
                log.warning("Slack inbox: %d events of a stopped process taken over", recovered)
            await self._call(self._prune)
        except Exception:
            log.exception("Slack inbox: start-up recovery failed; leases will run out instead")
        wake = wake or asyncio.Event()
        queues: dict[str, list[Pending]] = {}  # per person, the rows in hand, oldest first
        in_hand: set[str] = set()
        chains: set[asyncio.Task[None]] = set()

        async def chain(person: str) -> None:
            queue = queues[person]
            while queue:
                row = queue[0]
                try:
                    # A task of its own, so the listener's deps.track() sees a short task.
                    await asyncio.create_task(self.replay(replayer, row))
                except Exception:
                    log.exception(
                        "Slack inbox: replaying %s failed; its lease will run out", row.key
                    )
                queue.pop(0)
                in_hand.discard(row.key)
                wake.set()  # room for another row
            del queues[person]

        while not stop.is_set():
            wake.clear()
            room = min(self.policy.batch, self.policy.concurrency - len(in_hand))
            claimed: list[Pending] = []
            if room > 0:
                try:
                    claimed = await self._call(self._claim, room)
                except Exception:
                    log.exception("Slack inbox: claiming failed; trying again shortly")
            for row in claimed:
                if row.key in in_hand:
                    continue  # its lease ran out while it waited here: it is in hand already
                in_hand.add(row.key)
                queue = queues.setdefault(row.person, [])
                queue.append(row)
                if len(queue) == 1:
                    task = asyncio.create_task(chain(row.person))
                    chains.add(task)
                    task.add_done_callback(chains.discard)
            if len(claimed) < room or room <= 0:
                waking = asyncio.create_task(wake.wait())
                stopping = asyncio.create_task(stop.wait())
                await asyncio.wait(
                    (waking, stopping), timeout=self.policy.poll, return_when="FIRST_COMPLETED"
                )
                waking.cancel()
                stopping.cancel()
        if chains:
            await asyncio.wait(list(chains))

    async def replay(self, replayer: AsyncApp, row: Pending) -> None:
        if row.attempts:
            log.info("Slack inbox: trying %s again (attempt %d)", row.key, row.attempts + 1)
        request = AsyncBoltRequest(body=row.body, mode="socket_mode", context={REPLAY: True})
        response = await replayer.async_dispatch(request)
        if request.context.get(STARTED):
            return  # the listener closed the row, or recorded its failure
        if response.status == 404:
            await self.done(row.key)  # no listener takes this kind of delivery
        else:
            await self.failed(row.key, f"not handled (HTTP {response.status}): {response.body}")

    def close(self) -> None:
        self.threads.shutdown(wait=True)


Listener = Callable[..., Awaitable[Any]]


async def _ack(args: AsyncArgs) -> None:
    await args.ack()


def inboxed(
    listener: Listener,
    inbox: SlackInbox,
    acknowledge: Callable[[AsyncArgs], Awaitable[Any]] = _ack,
) -> Callable[[AsyncArgs], Awaitable[None]]:
    """``listener`` as bolt calls it (with the arguments it names), closing its inbox row when
    it returns and recording a failed attempt when it raises. A delivery handed off to the turn
    worker gets only ``acknowledge`` (the listener's ack, with what it answers at once)."""
    names = list(inspect.signature(listener).parameters)

    async def run(args: AsyncArgs) -> None:
        context = args.context
        if context.get(HAND_OFF):
            await acknowledge(args)
            return
        context[STARTED] = True
        key = context.get(KEY)
        kwargs = {
            name: getattr(args, name) if hasattr(args, name) else context.get(name)
            for name in names
        }
        try:
            await listener(**kwargs)
        except Exception as exc:
            if not isinstance(key, str):
                raise
            log.exception("Slack inbox: %s failed on %s; it will be tried again", key, names)
            if await inbox.failed(key, f"{type(exc).__name__}: {exc}"):
                log.error(
                    "Slack inbox: gave up on %s after %d attempts", key, inbox.policy.max_attempts
                )
                await _tell_gave_up(args)
            return
        if isinstance(key, str):
            await inbox.done(key)

    run.__name__ = run.__qualname__ = getattr(listener, "__name__", "listener")
    return run


async def _tell_gave_up(args: AsyncArgs) -> None:
    """Best effort: the person should not be left waiting for an answer that will not come."""
    body = args.body or {}
    event = body.get("event") or {}
    user = str(event.get("user") or (body.get("user") or {}).get("id") or body.get("user_id") or "")
    if not user:
        return
    try:
        channel = await dm_channel(args.client, user)
        await post_parts(args.client, channel, [Text(GAVE_UP)], GAVE_UP)
    except Exception:
        log.exception("Slack inbox: could not tell Slack user %s", user)
