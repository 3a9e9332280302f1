"""Operations (issue 14, item 8): ``GET /readyz`` and ``GET /metrics`` as an operator's probes
see them, JSON logs that carry no personal text, the migration lock on PostgreSQL, and a
``mentorbot serve`` that stops within 10 s on SIGTERM, finishing its turn in flight and giving
back the outbox rows it holds. The serve tests run the real process against the Slack fake and
a local webhook; the clock is fixed (Mon 23 Nov 2026, 10:00 London)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine, create_engine, text
from sqlmodel import col, select

from bot import health, logs, metrics
from bot.outbox import AMBIGUOUS
from bot.server import build_app
from conversations.clock import Clock, parse_instant
from conversations.messages import Text, part_to_json
from conversations.scheme_config import load_demo
from storage import outbox_queries
from storage.db import open_database, script_heads, transaction
from storage.models import ChannelIdentity, Cohort, Membership, Outbox, OutboxStatus, Scheme
from tests.conftest import NOW, PG_URL
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.webhook_server import FakeWebhook
from tests.test_slack_harness import MENTEE, MENTOR, USERS, message, shown
from tests.test_slack_inbox import _free_port, _post, _serve
from tests.test_teams import _teams
from tests.test_teams import connector as connector  # (the fixture)
from tests.test_urgent_lane import SAFEGUARDING
from tests.transcript import Chat

START = parse_instant(NOW)
DIARY = "diary: the tangerine umbrella meeting rattled me, mail me at quill.ferndale@example.net"
PRIVATE_WORDS = ("tangerine umbrella", "quill.ferndale", "example.net")


def at(minutes: float) -> Clock:
    return Clock.fixed((START + timedelta(minutes=minutes)).isoformat())


def lead_channel(db: Engine, address: dict[str, str] | None) -> int:
    """Point the demo scheme's lead channel at ``address`` (None: no route); its id."""
    with transaction(db) as s:
        scheme = s.exec(select(Scheme)).one()
        if address is None:
            scheme.settings = {**(scheme.settings or {}), "channels": {}}
            s.add(scheme)
        else:
            outbox_queries.set_scheme_channel(s, scheme, address)
        assert scheme.id is not None
        return scheme.id


def write_to_lead_channel(db: Engine, count: int) -> list[int]:
    """``count`` messages for the lead channel, due at the start."""
    with transaction(db) as s:
        scheme = s.exec(select(Scheme)).one()
        rows = [
            Outbox(
                scheme_id=scheme.id,
                channel=scheme.lead_channel,
                kind="message",
                parts=[part_to_json(Text(f"Update {n} for the lead"))],
                preview=f"Update {n}",
                next_attempt_at=START,
                created_at=START,
            )
            for n in range(count)
        ]
        s.add_all(rows)
        s.flush()
        return [row.id for row in rows if row.id is not None]


@contextlib.asynccontextmanager
async def running(db: Engine, clock: Clock) -> AsyncIterator[TestClient[aiohttp.web.Request]]:
    app = build_app(db, clock, sweep_interval=3600)
    async with TestClient(TestServer(app)) as client:
        yield client


async def get(client: TestClient[aiohttp.web.Request], path: str) -> tuple[int, str]:
    response = await client.get(path)
    return response.status, await response.text()


# -- /readyz ----------------------------------------------------------------------------------


async def test_readyz_fails_on_an_urgent_concern_nobody_received_and_names_nobody(
    demo: Engine,
) -> None:
    lead_channel(demo, None)  # the lead channel has no route, and the lead and chair are on
    priya = Chat(demo, Clock.fixed(NOW), "mentee@example.org")  # the console, which nobody reads
    priya.said(SAFEGUARDING)
    assert "marked urgent" in priya.said("Send it")

    async with running(demo, at(1)) as client:  # a minute later: still within the promise
        status, body = await get(client, "/readyz")
        assert status == 200, body
        ready = json.loads(body)
        assert ready["ready"] is True
        assert {name for name, check in ready["checks"].items() if check["ok"]} == {
            "database",
            "migrations",
            "outbox",
            "urgent",
        }
        assert await get(client, "/healthz") == (200, "ok\n")

    async with running(demo, at(10)) as client:  # ten minutes on, nobody has it yet
        status, body = await get(client, "/readyz")
        assert await get(client, "/healthz") == (200, "ok\n")  # liveness is another matter
    assert status == 503
    checks = json.loads(body)["checks"]
    assert checks["urgent"] == {
        "ok": False,
        "undelivered": 1,
        "reason": "1 urgent concern not delivered to anyone after 5 minutes",
    }
    assert all(checks[name]["ok"] for name in ("database", "migrations", "outbox"))
    for private in ("patient", "scan", "Priya", "@", "safeguarding"):
        assert private not in body


def test_readyz_fails_when_deliverable_messages_wait_too_long(demo: Engine) -> None:
    lead_channel(demo, {"platform": "webhook", "url": "https://hooks.example.invalid/x"})
    write_to_lead_channel(demo, 2)
    platforms = ["webhook"]
    ten = health.readiness(demo, at(10), platforms, health.DEFAULT_OUTBOX_MINUTES)
    assert ten.ready
    assert ten.checks["outbox"] == {"ok": True, "oldest_due_minutes": 10.0}

    late = health.readiness(demo, at(20), platforms, health.DEFAULT_OUTBOX_MINUTES)
    assert not late.ready
    assert late.checks["outbox"] == {
        "ok": False,
        "oldest_due_minutes": 20.0,
        "reason": "the oldest due message has waited 20 minutes (limit 15)",
    }
    patient = health.outbox_minutes({health.OUTBOX_SETTING: "30"})
    assert health.readiness(demo, at(20), platforms, patient).ready
    # A process that cannot deliver to the channel (no webhook sender) is not held to it: the
    # rows wait for a process that can (or for the console).
    assert health.readiness(demo, at(20), ["slack"], health.DEFAULT_OUTBOX_MINUTES).ready
    assert health.outbox_minutes({health.OUTBOX_SETTING: "soon"}) == 15.0


def test_readyz_fails_on_old_migrations_and_an_unreachable_database(demo: Engine) -> None:
    [head] = script_heads() or []
    with demo.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0011_older'"))
    behind = health.readiness(demo, Clock.fixed(NOW), ["webhook"], 15)
    assert not behind.ready
    assert behind.checks["migrations"] == {
        "ok": False,
        "reason": f"the database is at 0011_older; this code expects {head}",
    }

    nowhere = create_engine("postgresql+psycopg://nobody:pw-never-shown@127.0.0.1:1/x")
    down = health.readiness(nowhere, Clock.fixed(NOW), ["webhook"], 15)
    assert not down.ready
    assert down.checks == {
        "database": {"ok": False, "reason": "cannot read the database (OperationalError)"}
    }


# -- /metrics ---------------------------------------------------------------------------------


def _samples(body: str) -> dict[str, float]:
    found = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


async def test_metrics_show_the_outbox_the_sweep_and_who_cannot_be_reached(demo: Engine) -> None:
    lead_channel(demo, None)
    write_to_lead_channel(demo, 3)
    with transaction(demo) as s:
        members = s.exec(
            select(Membership.person_id)
            .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
            .distinct()
        ).all()
        # One person is on Slack: the rest are reached by no chat platform.
        s.add(
            ChannelIdentity(person_id=members[0], platform="slack", user_id="U1", created_at=START)
        )
    async with running(demo, at(5)) as client:
        status, body = await get(client, "/metrics")
    assert status == 200
    metrics = _samples(body)
    assert metrics["mentorbot_database_up"] == 1
    assert metrics['mentorbot_outbox_due{priority="5"}'] == 3
    assert metrics["mentorbot_people_not_reachable"] == len(members) - 1
    # The server's first sweep ran at start: the demo's first nudges, by rule.
    created = {k: v for k, v in metrics.items() if k.startswith("mentorbot_nudges_created_total")}
    assert sum(created.values()) >= 2
    assert metrics["mentorbot_sweep_seconds_count"] >= 1
    assert all(name.startswith("mentorbot_") for name in metrics)
    assert "example.org" not in body


async def test_teams_turns_are_counted_once_each(
    demo: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    registry = metrics.registry(demo, clock, ["teams"])

    def counted() -> float:
        found = registry.get_sample_value("mentorbot_turns_total", {"platform": "teams"})
        return found or 0.0

    def timed() -> float:
        found = registry.get_sample_value("mentorbot_turn_seconds_count", {"platform": "teams"})
        return found or 0.0

    before = counted(), timed()
    user = connector.add_person("mentee@example.org", "Priya Shah")
    async with _teams(demo, clock, connector) as bot:
        activity = await bot.say(user, "help")
        assert await bot.post(activity) == 200  # Teams sends it again: not a second turn
        await bot.say(user, "what's next")
    assert len(connector.sent()) == 2
    assert (counted(), timed()) == (before[0] + 2, before[1] + 2)


# -- the migration lock -------------------------------------------------------------------------


@pytest.mark.skipif(not PG_URL, reason="the lock is PostgreSQL's (SQLite: one process)")
def test_processes_starting_together_migrate_one_at_a_time(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: on SQLite migrations take no lock")
    errors: list[BaseException] = []
    start = threading.Barrier(5)

    def upgrade() -> None:
        start.wait()
        try:
            open_database(db_url).dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            at_now = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert frozenset(at_now) == script_heads()
    finally:
        engine.dispose()


def test_a_json_log_line_masks_emails_and_tokens_and_keeps_only_numeric_extras() -> None:
    record = logging.makeLogRecord(
        {
            "name": "bot.outbox",
            "levelname": "WARNING",
            "levelno": logging.WARNING,
            "msg": "could not reach %s (token xoxb-1234-5678-abcdefgh)",
            "args": ("pat.jones@example.org",),
            "outbox_id": 7,
            "who": "pat.jones@example.org",
        }
    )
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["message"] == "could not reach [email] (token [redacted])"
    assert (line["level"], line["logger"], line["outbox_id"]) == ("warning", "bot.outbox", 7)
    assert "who" not in line
    assert line["time"].endswith("+00:00")


# -- mentorbot serve: JSON logs, turns counted, SIGTERM ------------------------------------------


async def _fetch(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as r:
        return r.status, await r.text()


def _answered(api: FakeSlackApi, user: str, text: str) -> bool:
    return any(p["channel"] == f"D{user}" and text in shown(p) for p in api.posts())


async def test_serve_logs_json_counts_turns_and_stops_within_10s_on_sigterm(db_url: str) -> None:
    """One server's life: a diary turn (its text must reach no log line), the turn counted in
    /metrics, then a turn and a send in flight when SIGTERM comes."""
    db = await asyncio.to_thread(open_database, db_url)
    try:
        await asyncio.to_thread(load_demo, db, Clock.fixed(NOW))
        async with FakeSlackApi(users=dict(USERS)) as api, FakeWebhook() as hook:
            lead_channel(db, {"platform": "webhook", "url": hook.url})
            rows = write_to_lead_channel(db, 3)
            hook.stall()  # the first message reaches the webhook, which does not answer yet
            # Nobody is linked by email at start-up (so Tom's first turn asks users.info), and
            # the sweep's lookup hangs through the stop: it must not hold the process up.
            api.stall("users.lookupByEmail")
            port = _free_port()
            server = await _serve(db_url, api, port, {"MENTORBOT_LOG_FORMAT": "json"})
            try:
                assert await _post(port, message(DIARY, user=MENTEE)) == 200
                await api.wait_until(lambda: _answered(api, MENTEE, "Saved to your diary"), 60)
                status, body = await _fetch(port, "/metrics")
                ready, _ = await _fetch(port, "/readyz")

                api.stall("users.info")  # Tom's first turn waits on Slack mid-way
                await asyncio.wait_for(hook.wait_for(1), timeout=60)
                assert await _post(port, message("help", user=MENTOR)) == 200
                await api.wait_until(
                    lambda: any(c["user"] == MENTOR for c in api.of("users.info")), 60
                )
                with transaction(db) as s:
                    held = s.exec(select(Outbox).where(col(Outbox.id).in_(rows))).all()
                assert all(row.claimed_by for row in held)  # the server holds all three

                started = time.monotonic()
                server.send_signal(signal.SIGTERM)
                await asyncio.sleep(0.5)
                await api.unstall("users.info")  # the turn in flight goes on
                _out, err = await asyncio.wait_for(server.communicate(), timeout=30)
                took = time.monotonic() - started
            finally:
                if server.returncode is None:
                    server.kill()
                await hook.unstall()
                await api.unstall("users.lookupByEmail")
        assert server.returncode == 0, err.decode()
        assert took < 10, f"took {took:.1f} s to stop"

        # The diary turn ran in the Slack turn worker process; the server counts it.
        assert status == 200
        assert ready == 200
        metrics = _samples(body)
        assert metrics['mentorbot_turns_total{platform="slack"}'] == 1
        assert metrics['mentorbot_turn_seconds_count{platform="slack"}'] == 1

        # Every log line, the worker's too, is a JSON object; none holds what Priya wrote.
        lines = [json.loads(line) for line in err.decode().splitlines() if line.strip()]
        assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
        assert any("Slack turn worker ready" in line["message"] for line in lines)
        assert any(line["logger"] == "bot.channels.slack.worker" for line in lines)
        for word in PRIVATE_WORDS:
            assert word not in err.decode()
        assert "Traceback" not in err.decode()

        # Tom's turn was finished and answered before the worker stopped.
        assert _answered(api, MENTOR, "Here's what I can do for you")
        with transaction(db) as s:
            after = {row.id: row for row in s.exec(select(Outbox).where(col(Outbox.id).in_(rows)))}
            claimed = s.exec(select(Outbox).where(col(Outbox.claimed_by).is_not(None))).all()
        assert claimed == []  # no lease left behind
        first, *rest = rows
        # The one being sent may have arrived: never sent twice, shown to the lead to check.
        assert after[first].status == OutboxStatus.DEAD.value
        assert (after[first].last_error or "").startswith(AMBIGUOUS)
        assert [after[i].status for i in rest] == [OutboxStatus.PENDING.value] * 2
        assert [after[i].attempts for i in rest] == [0, 0]
        assert len(hook.received) == 1
    finally:
        db.dispose()
