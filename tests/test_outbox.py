"""The outbox deliverer against a real local webhook server, on SQLite and PostgreSQL.

Rows are written straight into the outbox (as the engine and the scheduler write them); the
deliverer sends them through ``WebhookSender`` to ``tests/fakes/webhook_server.py``; tests read
what the server received and what the database recorded. Time moves by an injected clock, except
in the crash test, where a real process is killed and leases expire in real time.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine, func, insert
from sqlmodel import col, select

from bot.channels.webhook import WebhookSender
from bot.outbox import Deliverer, DeliveryStats
from conversations.clock import Clock, parse_instant
from conversations.messages import Choice, Part, Question, Text, part_to_json
from storage import outbox_queries
from storage.db import make_engine, transaction
from storage.models import (
    ChannelIdentity,
    Cohort,
    Membership,
    Outbox,
    OutboxStatus,
    Person,
    Scheme,
)
from tests.conftest import NOW
from tests.fakes.webhook_server import FakeWebhook

WORKER_SCRIPT = Path(__file__).with_name("outbox_worker.py")
CHANNELS = ("lead", "team-1", "team-2", "team-3")


@pytest.fixture
async def hook() -> AsyncIterator[FakeWebhook]:
    async with FakeWebhook() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class MovingClock:
    """An injected clock the test moves forward by hand."""

    def __init__(self, start: str = NOW) -> None:
        self.current = parse_instant(start)
        self.clock = Clock(source=lambda: self.current)

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def time() -> MovingClock:
    return MovingClock()


@dataclass(frozen=True)
class World:
    """One scheme whose channels ``lead``, ``team-1`` .. ``team-3`` have webhooks; Ann is reached
    by webhook, Bob only on the console."""

    scheme_id: int
    ann: int
    bob: int


def _world(engine: Engine, url: str, at: datetime) -> World:
    with transaction(engine) as s:
        scheme = Scheme(
            slug="demo",
            name="Demo scheme",
            lead_channel="lead",
            settings={
                "channels": {
                    name: {"platform": "webhook", "url": f"{url}?channel={name}"}
                    for name in CHANNELS
                }
            },
            updated_at=at,
        )
        ann = Person(email="ann@example.org", display_name="Ann", created_at=at)
        bob = Person(email="bob@example.org", display_name="Bob", created_at=at)
        s.add_all([scheme, ann, bob])
        s.flush()
        assert scheme.id is not None
        assert ann.id is not None
        assert bob.id is not None
        cohort = Cohort(
            scheme_id=scheme.id,
            slug="c1",
            name="Cohort 1",
            starts_on=at.date(),
            ends_on=at.date() + timedelta(days=365),
        )
        s.add(cohort)
        s.flush()
        assert cohort.id is not None
        s.add_all(
            [
                Membership(person_id=ann.id, cohort_id=cohort.id, role="mentee"),
                Membership(person_id=bob.id, cohort_id=cohort.id, role="mentor"),
                ChannelIdentity(
                    person_id=ann.id,
                    platform="webhook",
                    user_id="ann",
                    address={"url": f"{url}?to=ann"},
                    created_at=at,
                ),
                ChannelIdentity(
                    person_id=bob.id, platform="console", user_id="bob", address={}, created_at=at
                ),
            ]
        )
        return World(scheme_id=scheme.id, ann=ann.id, bob=bob.id)


@pytest.fixture
def world(engine: Engine, hook: FakeWebhook, time: MovingClock) -> World:
    return _world(engine, hook.url, time.current)


def _add(
    engine: Engine,
    at: datetime,
    texts: list[str],
    *,
    channel: str | None = None,
    recipient_id: int | None = None,
    scheme_id: int | None = None,
    priority: int = 5,
    kind: str = "message",
) -> list[int]:
    values = [
        {
            "scheme_id": scheme_id,
            "recipient_id": recipient_id,
            "channel": channel,
            "kind": kind,
            "parts": [part_to_json(Text(text))],
            "preview": text,
            "priority": priority,
            "next_attempt_at": at,
            "created_at": at,
        }
        for text in texts
    ]
    with transaction(engine) as s:  # one multi-row INSERT: quick for the 1,000-row tests
        rows = s.exec(insert(Outbox).returning(col(Outbox.id)), params=values).all()
    return sorted(int(row[0]) for row in rows)


def _lead(engine: Engine, world: World, at: datetime, texts: list[str], **kw: Any) -> list[int]:
    return _add(engine, at, texts, channel="lead", scheme_id=world.scheme_id, **kw)


def _spread(engine: Engine, world: World, at: datetime, texts: list[str]) -> None:
    """Nudges over four channels (four conversations a deliverer may send to at once)."""
    for n, channel in enumerate(CHANNELS):
        _add(engine, at, texts[n :: len(CHANNELS)], channel=channel, scheme_id=world.scheme_id)


def _row(engine: Engine, row_id: int) -> Outbox:
    with transaction(engine) as s:
        row = s.get(Outbox, row_id)
    assert row is not None
    return row


def _deliverer(engine: Engine, clock: Clock, http: aiohttp.ClientSession, **kw: Any) -> Deliverer:
    options: dict[str, Any] = {"pacing": {}, "worker": "w1"}
    options.update(kw)
    return Deliverer(engine, clock, {"webhook": WebhookSender(http, read_timeout=2)}, **options)


async def _drain(deliverer: Deliverer) -> DeliveryStats:
    total = DeliveryStats()
    while (stats := await deliverer.deliver_once()).total:
        total += stats
    return total


# -- delivery and routing ------------------------------------------------------------------------


async def test_a_message_is_sent_once_and_console_rows_are_left_alone(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    at = time.current
    [to_lead] = _lead(engine, world, at, ["Concern raised by <!channel> & co"])
    [to_ann] = _add(engine, at, ["Your meeting is tomorrow"], recipient_id=world.ann)
    console_only = [
        *_add(engine, at, ["For Bob's console"], recipient_id=world.bob),
        *_add(engine, at, ["No address"], channel="steering", scheme_id=world.scheme_id),
        *_add(engine, at, ["No scheme"], channel="lead"),
    ]
    deliverer = _deliverer(engine, time.clock, http)

    assert await deliverer.deliver_once() == DeliveryStats(sent=2)
    assert await deliverer.deliver_once() == DeliveryStats()

    assert sorted(hook.texts()) == [
        "Concern raised by &lt;!channel&gt; &amp; co",
        "Your meeting is tomorrow",
    ]
    lead = _row(engine, to_lead)
    assert (lead.status, lead.attempts, lead.sent_at, lead.claimed_by) == ("sent", 1, at, None)
    assert {lead.platform_message_id, _row(engine, to_ann).platform_message_id} == {"m1", "m2"}
    for row_id in console_only:
        row = _row(engine, row_id)
        assert (row.status, row.attempts, row.claimed_by, row.lease_until) == (
            "pending",
            0,
            None,
            None,
        )


async def test_the_webhook_body_carries_the_text_and_the_parts(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    question = Question("Acknowledge?", (Choice("Yes", "ack:1"), Choice("Snooze", "snooze:1")))
    parts: list[Part] = [Text("Ann has been quiet for 5 weeks."), question]
    with transaction(engine) as s:
        s.add(
            Outbox(
                scheme_id=world.scheme_id,
                channel="lead",
                parts=[part_to_json(p) for p in parts],
                preview="Ann has been quiet for 5 weeks.",
                next_attempt_at=time.current,
                created_at=time.current,
            )
        )
    await _deliverer(engine, time.clock, http).deliver_once()
    [received] = hook.received
    assert received.body == {
        "text": "Ann has been quiet for 5 weeks.\n\nAcknowledge?\n  1. Yes\n  2. Snooze",
        "mentorbot": {
            "preview": "Ann has been quiet for 5 weeks.",
            "parts": [part_to_json(p) for p in parts],
        },
    }


async def test_a_safety_concern_overtakes_a_backlog_of_nudges(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    _lead(engine, world, time.current, [f"nudge {n}" for n in range(1000)], priority=7)
    [concern] = _lead(engine, world, time.current, ["URGENT concern"], priority=0)

    stats = await _deliverer(engine, time.clock, http, batch=100).deliver_once()

    assert stats == DeliveryStats(sent=100)
    assert hook.texts()[0] == "URGENT concern"
    assert _row(engine, concern).status == "sent"


async def test_pacing_spaces_one_address_and_a_batch_takes_what_fits_in_the_window(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    lead = _lead(engine, world, time.current, [f"lead {n}" for n in range(5)])
    _add(engine, time.current, ["ann 0"], recipient_id=world.ann)
    deliverer = _deliverer(engine, time.clock, http, pacing={"webhook": 0.05}, window=0.1)

    assert await deliverer.deliver_once() == DeliveryStats(sent=4)

    to_lead = [r for r in hook.received if r.text.startswith("lead")]
    assert [r.text for r in to_lead] == ["lead 0", "lead 1", "lead 2"]
    gaps = [b.at - a.at for a, b in itertools.pairwise(to_lead)]
    # Spaced, not sent back to back. Measured where the fake receives them, so a loaded
    # machine's transit jitter eats into the 0.05 s the sender kept between them.
    assert min(gaps) >= 0.025
    ann = next(r for r in hook.received if r.text == "ann 0")
    assert ann.at < to_lead[1].at  # the other address did not wait behind the lead channel
    for row_id in lead[3:]:  # given back unsent, for the next pass
        row = _row(engine, row_id)
        assert (row.status, row.attempts, row.claimed_by) == ("pending", 0, None)
    assert await deliverer.deliver_once() == DeliveryStats(sent=2)


# -- failures --------------------------------------------------------------------------------------


async def test_429_waits_for_retry_after_then_succeeds(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    [row_id] = _lead(engine, world, time.current, ["hello"])
    hook.fail_next(429, retry_after=30)
    deliverer = _deliverer(engine, time.clock, http)
    started = time.current

    assert await deliverer.deliver_once() == DeliveryStats(failed=1)
    row = _row(engine, row_id)
    assert row.next_attempt_at == started + timedelta(seconds=30)
    assert row.last_error == "webhook answered HTTP 429: no"

    time.advance(seconds=29)
    assert await deliverer.deliver_once() == DeliveryStats()
    assert len(hook.received) == 1

    time.advance(seconds=1)
    assert await deliverer.deliver_once() == DeliveryStats(sent=1)
    row = _row(engine, row_id)
    assert (row.status, row.attempts, len(hook.received)) == ("sent", 2, 2)


async def test_server_errors_back_off_longer_each_time_then_the_row_is_dead(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    [row_id] = _lead(engine, world, time.current, ["hello"])
    hook.fail_next(500, count=10)
    deliverer = _deliverer(engine, time.clock, http, max_attempts=5)

    waits: list[float] = []
    for _ in range(4):
        assert await deliverer.deliver_once() == DeliveryStats(failed=1)
        due = _row(engine, row_id).next_attempt_at
        waits.append((due - time.current).total_seconds())
        time.advance(seconds=waits[-1] - 1)
        assert await deliverer.deliver_once() == DeliveryStats()  # not before it is due
        time.advance(seconds=1)
    assert await deliverer.deliver_once() == DeliveryStats(dead=1)

    # 30 s doubling, with the jitter in the upper half: each wait at least the one before.
    for n, wait in enumerate(waits):
        assert 15 * 2**n <= wait <= 30 * 2**n
    assert waits == sorted(waits)
    row = _row(engine, row_id)
    assert (row.status, row.attempts, row.claimed_by) == ("dead", 5, None)
    assert row.last_error == "webhook answered HTTP 500: no"
    assert len(hook.received) == 5
    with transaction(engine) as s:
        letters = outbox_queries.dead_letters(s, world.scheme_id)
    assert [(d.id, d.channel, d.preview, d.attempts, d.last_error) for d in letters] == [
        (row_id, "lead", "hello", 5, "webhook answered HTTP 500: no")
    ]


async def test_a_failure_holds_back_the_rest_of_that_conversation(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    first, *rest = _lead(engine, world, time.current, ["one", "two", "three"])
    hook.fail_next(500)

    assert await _deliverer(engine, time.clock, http).deliver_once() == DeliveryStats(failed=1)

    due = _row(engine, first).next_attempt_at
    for row_id in rest:
        row = _row(engine, row_id)
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, due)
    assert hook.texts() == ["one"]


async def test_a_refused_message_is_dead_at_once_and_the_lead_sees_it(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    [row_id] = _add(engine, time.current, ["Your reply"], recipient_id=world.ann, kind="reply")
    hook.fail_next(403)
    deliverer = _deliverer(engine, time.clock, http)

    assert await deliverer.deliver_once() == DeliveryStats(dead=1)
    time.advance(hours=2)
    assert await deliverer.deliver_once() == DeliveryStats()

    row = _row(engine, row_id)
    assert (row.status, row.attempts, row.last_error) == (
        "dead",
        1,
        "webhook answered HTTP 403: no",
    )
    with transaction(engine) as s:
        [letter] = outbox_queries.dead_letters(s, world.scheme_id)
        assert outbox_queries.dead_letters(s, world.scheme_id + 1) == []
    assert (letter.recipient, letter.kind, letter.preview) == ("Ann", "reply", "Your reply")


async def test_a_timeout_after_sending_is_dead_as_maybe_delivered_and_never_resent(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    [row_id] = _lead(engine, world, time.current, ["hello"])
    hook.delay = 0.5
    deliverer = Deliverer(
        engine, time.clock, {"webhook": WebhookSender(http, read_timeout=0.1)}, "w1", pacing={}
    )

    assert await deliverer.deliver_once() == DeliveryStats(dead=1)
    time.advance(hours=2)
    assert await deliverer.deliver_once() == DeliveryStats()

    row = _row(engine, row_id)
    assert row.status == "dead"
    assert row.last_error is not None
    assert row.last_error.startswith("ambiguous: may have been delivered: ")
    assert len(hook.received) == 1


async def test_an_unreachable_webhook_is_retried(
    engine: Engine, http: aiohttp.ClientSession, time: MovingClock
) -> None:
    closed = FakeWebhook()
    await closed.start()
    url = closed.url
    await closed.stop()  # nothing listens on that port now: nothing can have been sent
    world = _world(engine, url, time.current)
    [row_id] = _lead(engine, world, time.current, ["hello"])

    assert await _deliverer(engine, time.clock, http).deliver_once() == DeliveryStats(failed=1)
    row = _row(engine, row_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error is not None
    assert row.last_error.startswith("webhook unreachable")


class Exploding:
    """A sender with a bug: whether its request went out is unknown."""

    platform = "webhook"

    async def send(
        self,
        address: dict[str, Any],
        parts: list[Part],
        preview: str,
        *,
        outbox_id: int | None = None,
    ) -> str:
        raise RuntimeError("bug in a renderer")


async def test_a_sender_bug_is_dead_as_maybe_delivered(
    engine: Engine, time: MovingClock, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    [row_id] = _lead(engine, world, time.current, ["hello"])
    deliverer = Deliverer(engine, time.clock, {"webhook": Exploding()}, "w1", pacing={})

    assert await deliverer.deliver_once() == DeliveryStats(dead=1)

    assert _row(engine, row_id).last_error == (
        "ambiguous: may have been delivered: RuntimeError: bug in a renderer"
    )
    assert "failed unexpectedly on outbox row" in caplog.text


async def test_run_delivers_until_stopped(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(_deliverer(engine, time.clock, http).run(stop, interval=0.01))
    _lead(engine, world, time.current, ["hello"])
    async with asyncio.timeout(10):
        await hook.wait_for(1)
    stop.set()
    async with asyncio.timeout(10):
        await task
    assert hook.texts() == ["hello"]


# -- claims, leases, concurrency and crashes -------------------------------------------------------


async def test_a_row_leased_to_another_worker_waits_for_the_lease_to_end(
    engine: Engine, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock, world: World
) -> None:
    [row_id] = _lead(engine, world, time.current, ["hello"])
    with transaction(engine) as s:
        [claimed] = outbox_queries.claim(
            s, "ghost", time.current, 10, timedelta(seconds=60), platforms=["webhook"]
        )
    assert (claimed.id, claimed.claimed_by) == (row_id, "ghost")
    deliverer = _deliverer(engine, time.clock, http)

    time.advance(seconds=59)
    assert await deliverer.deliver_once() == DeliveryStats()
    time.advance(seconds=2)
    assert await deliverer.deliver_once() == DeliveryStats(sent=1)
    with transaction(engine) as s:  # the ghost's late answer is not recorded over it
        assert not outbox_queries.record_sent(s, row_id, "ghost", time.current, "late")
    assert _row(engine, row_id).platform_message_id == "m1"


@pytest.fixture
def postgresql_only(db_url: str) -> None:
    """Listed before ``engine``, so SQLite skips before building a database."""
    if db_url.startswith("sqlite"):
        pytest.skip(
            "SQLite serves one process (README); concurrent claimers need PostgreSQL's "
            "FOR UPDATE SKIP LOCKED"
        )


@pytest.fixture
def second_engine(postgresql_only: None, db_url: str) -> Iterator[Engine]:
    db = make_engine(db_url)
    yield db
    db.dispose()


def _texts_by_status(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        rows = s.exec(select(Outbox.status, func.count()).group_by(col(Outbox.status))).all()
    return dict(rows)


async def test_two_deliverers_at_once_send_each_row_exactly_once(
    postgresql_only: None,
    engine: Engine,
    second_engine: Engine,
    hook: FakeWebhook,
    http: aiohttp.ClientSession,
    time: MovingClock,
    world: World,
) -> None:
    texts = [f"nudge {n}" for n in range(1000)]
    _spread(engine, world, time.current, texts)
    first = _deliverer(engine, time.clock, http, worker="a", batch=50)
    second = _deliverer(second_engine, time.clock, http, worker="b", batch=50)

    a, b = await asyncio.gather(_drain(first), _drain(second))

    assert a.sent + b.sent == 1000
    assert a.sent > 0
    assert b.sent > 0
    assert sorted(hook.counts().items()) == sorted((text, 1) for text in texts)
    assert _texts_by_status(engine) == {OutboxStatus.SENT.value: 1000}


async def test_a_killed_worker_loses_nothing_and_duplicates_at_most_its_send_in_flight(
    postgresql_only: None,
    db_url: str,
    engine: Engine,
    hook: FakeWebhook,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)  # the worker process runs on the real clock; so do leases here
    world = _world(engine, hook.url, now)
    texts = [f"nudge {n}" for n in range(1000)]
    _spread(engine, world, now - timedelta(minutes=1), texts)
    hook.delay = 0.005
    log_path = tmp_path / "worker.log"

    with log_path.open("wb") as log:
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            str(WORKER_SCRIPT),
            "--db",
            db_url,
            "--worker",
            "doomed",
            "--lease",
            "2",
            "--batch",
            "10",
            "--concurrency",
            "1",
            stdout=log,
            stderr=log,
            env={**os.environ, "PYTHONPATH": str(WORKER_SCRIPT.parent.parent)},
        )
        # The server holds each request 5 ms, so the kill lands while request 205 is in flight,
        # half-way through the worker's 21st claim of 10 rows.
        arrived = asyncio.create_task(hook.wait_for(205))
        exited = asyncio.create_task(worker.wait())
        done, _ = await asyncio.wait({arrived, exited}, timeout=30, return_when="FIRST_COMPLETED")
        exited.cancel()
        assert arrived in done, log_path.read_text()
        worker.kill()
        await worker.wait()
    received_at_kill = len(hook.received)
    assert 205 <= received_at_kill < 1000
    hook.delay = 0

    # One pass claims every free row at once: all but the dead worker's last claim (none if it
    # died between batches), whose lease has not run out yet.
    survivor = _deliverer(engine, Clock(), http, worker="survivor", batch=1000)
    await survivor.deliver_once()
    with transaction(engine) as s:
        held = s.exec(select(Outbox).where(Outbox.status == OutboxStatus.PENDING.value)).all()
    assert len(held) <= 10
    assert all(row.claimed_by == "doomed" for row in held)
    lease_end = max((row.lease_until for row in held if row.lease_until), default=now)
    await asyncio.sleep(max((lease_end - datetime.now(UTC)).total_seconds(), 0) + 0.05)
    await _drain(survivor)

    counts = hook.counts()
    assert set(counts) == set(texts)  # none lost
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= 1  # at most the one send in flight (concurrency 1) at the kill
    assert _texts_by_status(engine) == {OutboxStatus.SENT.value: 1000}


# ----------------------------------------------------------------------------- obsolete nudges


async def test_a_nudge_that_no_longer_applies_is_dropped_at_delivery(
    engine: Engine, world: World, hook: FakeWebhook, http: aiohttp.ClientSession, time: MovingClock
) -> None:
    """The scheduler wrote reminders for Ann (reached by webhook); before they went out she
    signed her contract, the meeting was cancelled and she answered the check-in. Only the
    reminder that still applies (the event) is sent; the others are dropped, with why."""
    from conversations import nudges
    from storage.models import Contract, Event, Meeting, Nudge, Pairing, Survey, SurveyResponse

    today = time.current.date()
    with transaction(engine) as s:
        cohort = s.exec(select(Cohort).where(Cohort.scheme_id == world.scheme_id)).one()
        cohort.contract_deadline = today + timedelta(days=7)
        pairing = Pairing(
            cohort_id=cohort.id or 0,
            mentee_id=world.ann,
            mentor_id=world.bob,
            started_at=time.current - timedelta(days=7),
        )
        s.add_all([cohort, pairing])
        s.flush()
        s.add_all(
            [
                Meeting(
                    pairing_id=pairing.id or 0,
                    starts_at=time.current + timedelta(days=1, hours=2),
                    duration_minutes=60,
                    status="confirmed",
                    proposed_by_id=world.ann,
                    created_at=time.current,
                    updated_at=time.current,
                ),
                Survey(
                    cohort_id=cohort.id or 0,
                    key="kit",
                    title="November check-in",
                    opens_on=today,
                    closes_on=today + timedelta(days=7),
                ),
                Event(
                    cohort_id=cohort.id or 0,
                    key="day",
                    name="Training day",
                    starts_at=time.current + timedelta(days=7),
                ),
            ]
        )
    stats = nudges.sweep(engine, time.clock)
    to_ann = {rule for rule, who in _nudged(engine) if who == world.ann}
    assert to_ann == {"contract_7d", "meeting_reminder", "survey_open", "event_7d"}, stats

    with transaction(engine) as s:
        pairing = s.exec(select(Pairing)).one()
        s.add(Contract(pairing_id=pairing.id or 0, mentee_signed_name="Ann",
                       mentee_signed_at=time.current, updated_at=time.current))  # fmt: skip
        meeting = s.exec(select(Meeting)).one()
        meeting.status = "cancelled"
        s.add(meeting)
        survey = s.exec(select(Survey)).one()
        s.add(SurveyResponse(survey_id=survey.id or 0, person_id=world.ann,
                             submitted_at=time.current))  # fmt: skip
    time.advance(hours=1)
    await _drain(_deliverer(engine, time.clock, http))

    assert len(hook.received) == 1
    assert hook.texts()[0].startswith("Coming up: Training day")
    with transaction(engine) as s:
        dropped = {
            rule: (row.status, row.last_error)
            for rule, row in s.exec(
                select(Nudge.rule, Outbox).join(Outbox, col(Outbox.id) == col(Nudge.outbox_id))
            ).all()
            if row.recipient_id == world.ann and rule != "event_7d"
        }
    assert dropped == {
        "contract_7d": ("obsolete", "obsolete: the contract is signed"),
        "meeting_reminder": ("obsolete", "obsolete: the meeting is no longer confirmed"),
        "survey_open": ("obsolete", "obsolete: the check-in is answered"),
    }


def _nudged(engine: Engine) -> list[tuple[str, int | None]]:
    from storage.models import Nudge

    with transaction(engine) as s:
        return [
            (rule, who)
            for rule, who in s.exec(
                select(Nudge.rule, Outbox.recipient_id).join(
                    Outbox, col(Outbox.id) == col(Nudge.outbox_id)
                )
            ).all()
        ]
