"""Shared fixtures: a database per test on SQLite and, when ``MENTORBOT_TEST_DATABASE_URL`` is
set, on PostgreSQL too (each test in its own schema); a fixed clock; a chat transcript helper."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

from conversations.clock import Clock
from storage.db import database_url, open_database
from tests.transcript import Chat

PG_URL = os.environ.get("MENTORBOT_TEST_DATABASE_URL")
NOW = "2026-11-23T10:00:00+00:00"  # a Monday, 10:00 in London (GMT)


def pytest_report_header() -> str:
    where = (
        "SQLite and PostgreSQL"
        if PG_URL
        else "SQLite only (set MENTORBOT_TEST_DATABASE_URL for PostgreSQL)"
    )
    return f"mentorbot databases: {where}"


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
