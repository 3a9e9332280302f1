"""The Slack channel, on slack-bolt's async app. Imported only when ``SLACK_BOT_TOKEN`` is set.

Map of the package:
- ``blocks``: neutral parts <-> Block Kit and Slack text (no SDK import; pure functions);
- ``sender``: the Web API client, posting, the outbox :class:`SlackSender`, error mapping;
- ``listeners``: ``register(bolt_app, deps)``: the inbox middleware and every listener;
- ``inbox``: deliveries stored before the ack, and replayed until their work is done;
- ``home``: the App Home view;
- ``gate``: what a request must pass first (signature and timestamp, a well-formed body, our
  workspace, not a bot).

:func:`mount` adds ``POST /slack/events`` to the aiohttp server (HTTP mode, signatures checked
by bolt) and, when ``SLACK_APP_TOKEN`` is set, connects Socket Mode as well; the inbox's replay
loop runs for as long as the server does. With ``TurnProcess`` (what ``mentorbot serve`` uses)
this process only verifies, stores and acks; the turns and the replay loop run in the turn
worker process (``worker.py``). Configuration:
``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET`` (HTTP mode), ``SLACK_APP_TOKEN`` (Socket Mode),
``SLACK_API_URL`` (the Web API base URL; default ``https://slack.com/api/``), ``SLACK_TEAM_ID``
(our workspace; default: the bot token's, from ``auth.test`` at start-up).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine as Database

from bot import metrics
from bot.channels.slack import gate
from bot.channels.slack.inbox import InboxPolicy, SlackInbox
from bot.channels.slack.listeners import Deps, Wiring, back_again, event_key, keep, register
from bot.channels.slack.sender import PLATFORM, SlackSender, make_client, sender_from_env
from bot.channels.slack.worker import TurnWorker
from bot.settings import TurnProcess
from conversations.clock import Clock
from conversations.engine import Engine as DialogEngine
from conversations.registry import default_registry

__all__ = [
    "PLATFORM",
    "SLACK",
    "SlackRuntime",
    "SlackSender",
    "TurnProcess",
    "mount",
    "sender_from_env",
]

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    app_token: str = field(repr=False)
    api_url: str | None
    team_id: str = ""

    @classmethod
    def from_env(cls) -> SlackSettings:
        return cls(
            bot_token=os.environ.get("SLACK_BOT_TOKEN", ""),
            signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""),
            app_token=os.environ.get("SLACK_APP_TOKEN", ""),
            api_url=os.environ.get("SLACK_API_URL") or None,
            team_id=os.environ.get("SLACK_TEAM_ID", "").strip(),
        )


class SlackRuntime:
    """The bolt app and its dependencies for one aiohttp application's lifetime."""

    def __init__(
        self,
        settings: SlackSettings,
        db: Database,
        clock: Clock,
        policy: InboxPolicy | None = None,
        worker: TurnProcess | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.policy = policy or InboxPolicy()
        self.worker = TurnWorker(db, worker) if worker is not None else None
        self.bolt: AsyncApp | None = None
        self.deps: Deps | None = None
        self.wiring: Wiring | None = None
        self.gate = gate.Gate(settings.signing_secret, settings.team_id)
        self.client: AsyncWebClient | None = None

    async def lifespan(self, _app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as http:
            client = self.client = make_client(http, self.settings.bot_token, self.settings.api_url)
            hand_off = self.worker is not None
            self.bolt = AsyncApp(
                client=client,
                signing_secret=self.settings.signing_secret,
                request_verification_enabled=bool(self.settings.signing_secret),
                # Handing off, a listener only acks: answer when it has, with no task to start.
                process_before_response=hand_off,
                name="mentorbot",
            )
            workspace = await self.gate.identify(client)
            if workspace is not None and workspace.bot_user_id:  # auth.test took our token
                await asyncio.to_thread(back_again, self.db, self.clock, workspace.team_id)
            gate.install(self.bolt, self.gate, client)  # before any other middleware
            inbox = SlackInbox(self.db, policy=self.policy, hand_off=hand_off)
            self.deps = Deps(
                db=self.db,
                clock=self.clock,
                engine=DialogEngine(
                    self.db, self.clock, default_registry(), on_turn=metrics.EVENTS.turn
                ),
                client=client,
                inbox=inbox,
            )
            self.wiring = register(self.bolt, self.deps)
            stop = asyncio.Event()
            replaying: asyncio.Task[None] | None = None
            if self.worker is not None:
                await _warm(inbox.threads)
                await self.worker.start()
                inbox.notify = self.worker.wake
            else:
                # Replays from the inbox: the same listeners, returning when their work is done.
                replayer = AsyncApp(
                    client=client,
                    request_verification_enabled=False,
                    process_before_response=True,
                    name="mentorbot-inbox",
                )
                register(replayer, self.deps)
                # Start the worker threads now: a thread started while serving holds the loop
                # until it runs, and on a busy machine that can take a while.
                await _warm(self.deps.turns, inbox.threads)
                replaying = asyncio.create_task(inbox.run(replayer, stop))
            socket = None
            if self.settings.app_token:
                from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

                socket = AsyncSocketModeHandler(self.bolt, self.settings.app_token)
                await socket.connect_async()  # type: ignore[no-untyped-call]
                log.info("Slack Socket Mode connected")
            try:
                yield
            finally:
                if socket is not None:
                    with contextlib.suppress(Exception):
                        await socket.close_async()  # type: ignore[no-untyped-call]
                stop.set()
                if replaying is not None:
                    await replaying
                if self.worker is not None:
                    await self.worker.stop()
                await self.deps.idle(limit=10)
                self.deps.turns.shutdown(wait=True)
                inbox.close()

    async def stopping(self, _app: web.Application) -> None:
        """The server is stopping: the turn worker finishes what it holds meanwhile."""
        if self.worker is not None:
            self.worker.quit()

    async def handle(self, request: web.Request) -> web.Response:
        if self.bolt is None or self.client is None:
            return web.Response(status=503, text="starting\n")
        body = await self.gate.screen_http(request, self.client)
        if isinstance(body, web.Response):
            return body
        if self.worker is not None and body.get("type") == "event_callback":
            return await self._hand_off_event(body)
        response = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _hand_off_event(self, body: dict[str, Any]) -> web.Response:
        """An Events API delivery, handed off to the turn worker without going through bolt:
        its ack is an empty 200 whatever the event, so stored is all there is to do here."""
        assert self.deps is not None
        key = event_key(body)
        if key is None:
            log.warning("Slack event with no event_id: acknowledged only")
        else:
            stopped = await keep(self.deps.inbox, key, body)
            if stopped is not None:
                return web.Response(status=stopped.status, text="")
        return web.Response(status=200, text="")


SLACK = web.AppKey("mentorbot_slack", SlackRuntime)


async def _warm(*pools: ThreadPoolExecutor) -> None:
    """Start every thread of ``pools`` (each starts on a submit that finds no idle thread)."""
    loop = asyncio.get_running_loop()
    for pool in pools:
        started = threading.Barrier(pool._max_workers, timeout=5)
        await asyncio.gather(
            *(loop.run_in_executor(pool, started.wait) for _ in range(pool._max_workers)),
            return_exceptions=True,
        )


def mount(
    app: web.Application,
    db: Database,
    clock: Clock,
    *,
    policy: InboxPolicy | None = None,
    worker: TurnProcess | None = None,
) -> None:
    """Add the Slack channel to ``app``: ``POST /slack/events`` (when a signing secret is set)
    and Socket Mode (when ``SLACK_APP_TOKEN`` is set); ``policy`` paces the inbox's retries.
    ``worker``: the turns run in a worker process (else here, after the ack)."""
    settings = SlackSettings.from_env()
    if not settings.bot_token:
        raise RuntimeError("SLACK_BOT_TOKEN is not set")
    if not settings.signing_secret and not settings.app_token:
        raise RuntimeError(
            "set SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode) for Slack"
        )
    runtime = SlackRuntime(settings, db, clock, policy, worker)
    app[SLACK] = runtime
    app.cleanup_ctx.append(runtime.lifespan)
    app.on_shutdown.append(runtime.stopping)
    if settings.signing_secret:
        app.router.add_post(EVENTS_PATH, runtime.handle)
