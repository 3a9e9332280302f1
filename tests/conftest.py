"""Shared fixtures: a database per test on SQLite and, when ``MENTORBOT_TEST_DATABASE_URL`` is
set, on PostgreSQL too (each test in its own schema); a fixed clock; a chat transcript helper.
Every async test of the Slack and Teams suites runs under :func:`loop_watch`: asyncio's debug
mode, failing the test when a callback held the event loop for over 100 ms.

Every Teams card and Slack message or view any test renders is checked
(:func:`every_card_checked`, rules in ``tests/card_rules.py``): a card that breaks a rule fails
the test that rendered it. ``MENTORBOT_CARD_TALLY=FILE`` writes a count of what the Teams cards
showed at the end of the run."""

from __future__ import annotations

import asyncio
import collections
import inspect
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

from bot.channels import rendered
from conversations.clock import Clock
from storage.db import database_url, open_database
from tests import card_rules
from tests.loop_watch import LoopWatch
from tests.transcript import Chat

PG_URL = os.environ.get("MENTORBOT_TEST_DATABASE_URL")
if PG_URL:
    # PostgreSQL refuses to open without a data key (storage.sealing): the tests' own, which
    # the commands the tests start inherit. SQLite tests without it get a key file each.
    os.environ.setdefault("MENTORBOT_DATA_KEY", "dGVzdHMtb25seS1ub3QtYS1yZWFsLWtleS0zMmJ5dGU=")
_TALLY: collections.Counter[str] = collections.Counter()
NOW = "2026-11-23T10:00:00+00:00"  # a Monday, 10:00 in London (GMT)


def pytest_report_header() -> str:
    where = (
        "SQLite and PostgreSQL"
        if PG_URL
        else "SQLite only (set MENTORBOT_TEST_DATABASE_URL for PostgreSQL)"
    )
    return f"mentorbot databases: {where}"


@pytest.fixture(autouse=True)
def every_card_checked() -> Iterator[None]:
    """Checks each card the test renders; a card breaking a rule fails the test after it ran
    (a failure raised inside the renderer could be taken for the bot's own error)."""
    found: list[str] = []

    def check(kind: str, payload: Any) -> None:
        found.extend(card_rules.problems(kind, payload))
        card_rules.tally(kind, payload, _TALLY)

    stop = rendered.watch(check)
    yield
    stop()
    if found:
        pytest.fail("cards broke the rules:\n" + "\n".join(dict.fromkeys(found)), pytrace=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("MENTORBOT_CARD_TALLY")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(dict(_TALLY), out, indent=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a private schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/mentorbot.sqlite3"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL: MENTORBOT_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{database_url(PG_URL)}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    db = open_database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed(NOW)


@pytest.fixture
def demo(engine: Engine, clock: Clock) -> Engine:
    """The demo scheme, loaded at the fixed clock: a database with people in it."""
    from conversations.scheme_config import load_demo

    load_demo(engine, clock)
    return engine


@pytest.fixture
def mentee(demo: Engine, clock: Clock) -> Chat:
    return Chat(demo, clock, "mentee@example.org")


@pytest.fixture
def mentor(demo: Engine, clock: Clock) -> Chat:
    return Chat(demo, clock, "mentor@example.org")


# Test modules whose async tests run under ``loop_watch`` (the Slack and Teams suites).
WATCHED_MODULES = ("test_slack", "test_teams")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        name = module.__name__.rpartition(".")[2] if module is not None else ""
        function = getattr(item, "obj", None)
        if (
            name.startswith(WATCHED_MODULES)
            and inspect.iscoroutinefunction(function)
            and isinstance(item, pytest.Function)
            and "loop_watch" not in item.fixturenames
        ):
            item.fixturenames.insert(0, "loop_watch")


@pytest.fixture
async def loop_watch() -> AsyncIterator[LoopWatch]:
    """asyncio debug mode for the test; it fails when a callback blocked the loop over 100 ms
    (slept on a lock, a socket, a disk: see tests/loop_watch.py)."""
    # A first import takes longer than that, and a server imports these before it serves.
    import bot.channels.slack
    import bot.channels.teams.adapter  # noqa: F401

    watch = LoopWatch()
    watch.start(asyncio.get_running_loop())
    try:
        yield watch
    finally:
        watch.stop()
        WATCHED.append(watch)
    assert not watch.found, f"callbacks held the event loop:\n{watch.report()}"


WATCHED: list[LoopWatch] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not WATCHED:
        return
    slow = [callback for watch in WATCHED for _, callback in watch.slow]
    held = [callback for watch in WATCHED for callback in watch.found]
    terminalreporter.write_line(
        f"loop watch: {len(WATCHED)} tests under asyncio debug mode; {len(slow)} callbacks "
        f"over {int(LoopWatch().limit * 1000)} ms, {len(held)} of them blocked the loop "
        "(the rest ran, or waited for a CPU, or were the test's own steps)"
    )
    if os.environ.get("MENTORBOT_LOOP_WATCH_VERBOSE"):
        for c in slow:
            terminalreporter.write_line(
                f"  {c.took:.3f} s: asleep {c.blocked:.3f}, running {c.running:.3f}, "
                f"waiting {c.waiting:.3f}, bookkeeping {c.bookkeeping:.3f}: {c.text[:140]}"
            )
            for line in c.where:
                terminalreporter.write_line(f"      {line}")
