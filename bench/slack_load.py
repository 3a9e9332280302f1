"""Benchmark (not a test): Slack event handling under load, our full path against a bare
slack-bolt app that only acknowledges.

    .venv/bin/python bench/slack_load.py [--rate 100] [--seconds 5] [--rounds 2]
        [--database postgresql://...]

Our path, as ``mentorbot serve`` runs it: signed event -> signature check -> stored in the
inbox (a database insert, on the inbox's own threads, before the ack) -> ack; the turn worker
(a process the app starts, woken through a pipe) then claims the row -> dialog turn ->
database commit (closing the inbox row) -> reply posted to a fake Web API that answers in
50-150 ms. The bare app: the same signed events to a slack-bolt app whose listener only acks.
The two alternate (ours, bare, ours, bare ...) so that both see the same machine; our turn
worker is held (SIGSTOP) while the bare app is measured, so that its backlog does not slow
the bare app down. At the end it says how many of the inbox's rows the turn worker had done
(it answers one person's messages one after another, and the load comes from two people).

Each part runs in a process of its own, as it would in production: the load generator (this
process, standing in for Slack), the fake Web API (Slack's side, with its delays), and the app
under test. Sharing one event loop with the load generator and the fake API would count their
work as the app's latency. For each it reports the ack latency at a
fixed rate (p50/p95/p99) and the peak throughput with 32 requests in flight. Targets (issue 11):
ack p99 under 100 ms at 100 events/s; our p50 at most 2x the bare app's + 1 ms; our peak
throughput at least 0.25x the bare app's (issue 5). Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from aiohttp import web

from conversations.clock import Clock
from conversations.scheme_config import load_demo
from storage.db import database_url, open_database
from tests.fakes.slack_api import FakeSlackApi
from tests.test_slack_harness import SECRET, USERS, message, sign


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/slack/events"


def _bare_app(api_url: str) -> web.Application:
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=api_url), signing_secret=SECRET
    )

    @bolt.event("message")
    async def only_ack(ack: Any) -> None:
        await ack()

    async def handle(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    return app


async def _post(http: aiohttp.ClientSession, url: str, text: str, user: str) -> float:
    body = json.dumps(message(text, user=user))
    start = time.perf_counter()
    async with http.post(
        url, data=body, headers={"Content-Type": "application/json", **sign(body)}
    ) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
    return (time.perf_counter() - start) * 1000


async def at_rate(
    http: aiohttp.ClientSession, url: str, rate: float, seconds: float
) -> list[float]:
    """Send ``rate`` events per second for ``seconds``; the ack latency of each, in ms."""
    tasks = []
    users = list(USERS)[:2]
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_post(http, url, "help", users[n % 2])))
    return list(await asyncio.gather(*tasks))


async def peak(http: aiohttp.ClientSession, url: str, seconds: float, in_flight: int = 32) -> float:
    """Events acked per second with ``in_flight`` requests always outstanding."""
    done = 0
    stop = time.perf_counter() + seconds
    users = list(USERS)[:2]

    async def worker(k: int) -> None:
        nonlocal done
        while time.perf_counter() < stop:
            await _post(http, url, "help", users[k % 2])
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(in_flight)))
    return done / (time.perf_counter() - start)


def _inbox_counts(db_url: str) -> dict[str, int]:
    """The inbox's rows by status: how far our turn worker has got with what was acked."""
    from sqlalchemy import text

    db = open_database(db_url)
    try:
        with db.connect() as connection:
            rows = connection.execute(text("SELECT status, count(*) FROM inbox GROUP BY status"))
            return {str(status): int(n) for status, n in rows}
    finally:
        db.dispose()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _child_async(kind: str, db_url: str, api_url: str, pipe: Connection) -> None:
    """Serve one part (``api``, ``ours`` or ``bare``) until the parent says stop."""
    loop = asyncio.get_running_loop()
    cleanup: list[Any] = []
    worker: Any = None  # our turn worker (ours only)
    if kind == "api":
        api = FakeSlackApi(users=dict(USERS))
        api.delay = (0.05, 0.15)
        await api.start()
        url = api.url
        cleanup.append(api.stop)
    elif kind == "ours":
        db = open_database(db_url)
        os.environ.update(
            {
                "SLACK_API_URL": api_url,
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SECRET,
            }
        )
        from bot.channels import slack
        from bot.settings import TurnProcess

        app = web.Application()
        slack.mount(app, db, Clock(), worker=TurnProcess())  # as ``mentorbot serve`` does
        runner, url = await _serve(app)
        cleanup.append(runner.cleanup)
        worker = app[slack.SLACK].worker
    else:
        runner, url = await _serve(_bare_app(api_url))
        cleanup.append(runner.cleanup)
    pipe.send(url)
    while (said := await loop.run_in_executor(None, pipe.recv)) != "stop":
        # Our turn worker is held while the bare app is measured (it would slow it down).
        if worker is not None and worker.process is not None:
            os.kill(worker.process.pid, signal.SIGSTOP if said == "hold" else signal.SIGCONT)
        pipe.send("done")
    for step in cleanup:
        await step()


def _child(kind: str, db_url: str, api_url: str, pipe: Connection) -> None:
    asyncio.run(_child_async(kind, db_url, api_url, pipe))


def _fresh_database(postgresql: str | None) -> tuple[str, str]:
    """A SQLite file in a new folder; or, given a PostgreSQL URL, a new schema there (and the
    statement that drops it)."""
    if not postgresql:
        folder = tempfile.mkdtemp(prefix="mentorbot-slack-bench-")
        return f"sqlite:///{folder}/bench.sqlite3", ""
    from urllib.parse import quote

    url = database_url(postgresql)
    schema = f"bench_{os.getpid()}_{int(time.time())}"
    _admin(url, f'CREATE SCHEMA "{schema}"')
    search = quote(f"-csearch_path={schema}")
    return f"{url}{'&' if '?' in url else '?'}options={search}", f'DROP SCHEMA "{schema}" CASCADE'


def _admin(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(statement))
    admin.dispose()


def _tell(pipe: Connection, what: str) -> None:
    pipe.send(what)
    pipe.recv()


def _start(
    kind: str, db_url: str, api_url: str = ""
) -> tuple[multiprocessing.Process, Connection, str]:
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_child, args=(kind, db_url, api_url, child), daemon=True
    )
    process.start()
    if not parent.poll(60):
        raise RuntimeError(f"the {kind} process did not start")
    return process, parent, str(parent.recv())


async def main_async(args: argparse.Namespace) -> int:
    db_url, drop = _fresh_database(args.database)
    db = open_database(db_url)
    load_demo(db, Clock())
    db.dispose()
    parts = [_start("api", db_url)]
    api_url = parts[0][2]
    parts.append(_start("ours", db_url, api_url))
    parts.append(_start("bare", db_url, api_url))
    ours_url, bare_url = parts[1][2], parts[2][2]
    latencies: dict[str, list[float]] = {"ours": [], "bare": []}
    throughput: dict[str, list[float]] = {"ours": [], "bare": []}
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:
            for url in (ours_url, bare_url):  # warm up both (identities, caches)
                await at_rate(http, url, 20, 1)
            for _ in range(args.rounds):
                for name, url in (("ours", ours_url), ("bare", bare_url)):
                    _tell(parts[1][1], "go on" if name == "ours" else "hold")
                    latencies[name] += await at_rate(http, url, args.rate, args.seconds)
                    await asyncio.sleep(1)  # (our turn worker works on: it shares the machine)
                    throughput[name].append(await peak(http, url, args.seconds / 2))
                    await asyncio.sleep(1)
        _tell(parts[1][1], "go on")
        backlog = _inbox_counts(db_url)
    finally:
        for process, pipe, _ in reversed(parts):
            pipe.send("stop")
            process.join(10)
            if process.is_alive():
                process.kill()
        if drop:
            _admin(database_url(args.database), drop)

    print(f"{args.rounds} rounds of {args.seconds:.0f} s at {args.rate:.0f} events/s, alternating")
    print(f"{'':6} {'p50':>8} {'p95':>8} {'p99':>8} {'peak events/s':>14}")
    row = {}
    for name in ("ours", "bare"):
        values = latencies[name]
        row[name] = (
            statistics.median(values),
            _pct(values, 0.95),
            _pct(values, 0.99),
            statistics.median(throughput[name]),
        )
        p50, p95, p99, top = row[name]
        print(f"{name:6} {p50:7.1f}ms {p95:7.1f}ms {p99:7.1f}ms {top:14.0f}")
    print(
        "our turn worker, at the end: "
        + ", ".join(f"{n} {status}" for status, n in sorted(backlog.items()))
        + " (inbox rows)"
    )
    ours, bare = row["ours"], row["bare"]
    print(
        f"ratios: p50 x{ours[0] / bare[0]:.2f} (target <= 2x + 1 ms), "
        f"throughput x{ours[3] / bare[3]:.2f} (target >= 0.25x)"
    )
    ok = ours[2] < 100 and ours[0] <= 2 * bare[0] + 1 and ours[3] >= 0.25 * bare[3]
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--database", metavar="POSTGRESQL_URL", help="run on PostgreSQL (a new schema), not SQLite"
    )
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
