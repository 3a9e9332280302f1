"""``mentorbot serve``: one aiohttp server for the chat platforms, running the scheduler.

Routes: ``GET /healthz`` (liveness: the process answers), ``GET /readyz`` (``bot.health``: the
database, its migrations, the outbox and urgent concerns), ``GET /metrics`` (``bot.metrics``,
Prometheus text), ``GET /calendar/{token}.ics`` (a meeting invite behind a signed, expiring
link: ``bot.channels.teams.calendar``); Slack (``POST /slack/events``) when ``SLACK_BOT_TOKEN`` is set and
Teams (``POST /api/messages``) when ``TEAMS_APP_ID`` is set: each channel module's
``mount(app, db, clock)`` adds its routes.

Stopping (SIGTERM or SIGINT): the server stops listening, and everything winds down at once
(``on_shutdown``): the scheduler stops sweeping and its deliverer starts no new send, waits
briefly for those in flight and gives back the outbox rows it holds (``bot.outbox``); the Slack
turn worker finishes the turns it holds; requests in flight (Teams turns) get
:data:`REQUESTS_GRACE` seconds. The process is gone within 10 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine

from bot import health, metrics, scheduler
from bot.channels.teams import calendar
from bot.settings import TurnProcess, chat_platforms
from conversations.clock import Clock
from storage.db import sync_to_disk

log = logging.getLogger(__name__)

# How long requests in flight (a Teams turn runs inside its request) may take once stopping.
REQUESTS_GRACE = 5.0


def build_app(
    db: Engine, clock: Clock, sweep_interval: float = 60.0, turns: TurnProcess | None = None
) -> web.Application:
    """``turns``: run Slack's dialog turns in a worker process (else in this one)."""
    app = web.Application()
    platforms = chat_platforms()
    registry = metrics.registry(db, clock, platforms)
    outbox_minutes = health.outbox_minutes()
    stopping = asyncio.Event()

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        found = await asyncio.to_thread(health.readiness, db, clock, platforms, outbox_minutes)
        return web.json_response(found.as_json(), status=200 if found.ready else 503)

    async def metrics_text(_request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def stop_scheduler(_app: web.Application) -> None:
        stopping.set()  # at once, while requests in flight finish

    async def run_scheduler(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(scheduler.run(db, clock, stopping, interval=sweep_interval))
        yield
        stopping.set()
        try:
            await asyncio.wait_for(task, timeout=8)
        except (TimeoutError, asyncio.CancelledError):
            log.error("the scheduler did not stop in time")

    async def keep_synced(_app: web.Application) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(sync_every_second(db, stop))
        yield
        stop.set()
        await task

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_text)
    app.on_shutdown.append(stop_scheduler)
    calendar.serve_route(app, calendar.CalendarLinks.of(db, clock))
    mount_channels(app, db, clock, turns)
    app.cleanup_ctx.append(run_scheduler)
    app.cleanup_ctx.append(keep_synced)
    return app


async def sync_every_second(db: Engine, stop: asyncio.Event) -> None:
    """SQLite commits wait for no disk (``storage.db``): write them through every second, so a
    power cut takes at most about a second of work. Off the loop, like every storage call."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(sync_to_disk, db)
        except Exception:
            log.exception("could not sync the database to disk; trying again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


def mount_channels(
    app: web.Application, db: Engine, clock: Clock, turns: TurnProcess | None = None
) -> list[str]:
    """Mount each chat platform that is configured; its SDK is imported only then."""
    mounted: list[str] = []
    if os.environ.get("SLACK_BOT_TOKEN"):
        from bot.channels import slack

        slack.mount(app, db, clock, worker=turns)
        mounted.append("slack")
    if os.environ.get("TEAMS_APP_ID") or os.environ.get("TEAMS_ALLOW_UNAUTHENTICATED") == "true":
        from bot.channels import teams

        teams.mount(app, db, clock)
        mounted.append("teams")
    return mounted


def unsafe_exposure(host: str) -> str | None:
    """Why ``mentorbot serve --host host`` must not start, or None. Teams without
    authentication (no ``TEAMS_APP_ID``, ``TEAMS_ALLOW_UNAUTHENTICATED=true``) would take anyone's
    word for who they are: it is for local testing, so only on a loopback address."""
    if os.environ.get("TEAMS_APP_ID") or os.environ.get("TEAMS_ALLOW_UNAUTHENTICATED") != "true":
        return None
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"TEAMS_ALLOW_UNAUTHENTICATED=true accepts Teams requests without checking who sent them, "
        f"so it is allowed only on a loopback address: use --host 127.0.0.1, not {host!r}"
    )


def serve(
    db: Engine, clock: Clock, host: str, port: int, sweep_interval: float, now: str | None = None
) -> None:
    """``now``: the fixed time of ``--now``, which the Slack turn worker process shares."""
    log.info(
        "mentorbot serving on http://%s:%d (nudge sweep every %.0f s)", host, port, sweep_interval
    )
    app = build_app(db, clock, sweep_interval, TurnProcess(now=now))
    # SIGTERM and SIGINT end it gracefully (see the module docstring).
    web.run_app(app, host=host, port=port, print=None, shutdown_timeout=REQUESTS_GRACE)
