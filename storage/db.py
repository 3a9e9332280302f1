"""Engine, sessions and start-up migrations.

``DATABASE_URL`` picks the database: a SQLite file under ``./var/`` by default (WAL mode,
``synchronous=NORMAL``, foreign keys on, zero set-up), or PostgreSQL through psycopg 3 (``postgresql+psycopg://...``;
a plain ``postgresql://`` URL is read as psycopg 3 too). ``migrate`` upgrades the schema with
Alembic; every command calls it before touching data. A database already at the newest
migration (read from the migration files' text) is left alone without importing Alembic.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

import storage.schedule  # noqa: F401  (keeps Pairing.last_contact_at right on every flush)
from storage import sealing

DEFAULT_URL = "sqlite:///var/mentorbot.sqlite3"
MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(RuntimeError):
    """The database cannot be reached or its URL cannot be read; the message is one line."""


def database_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


_PASSWORD = re.compile(r"(?P<keep>(?:^|://)[^/?#@:]*:)[^/?#]*@")
_QUERY_PASSWORD = re.compile(r"(?P<keep>[?&]password=)[^&#]*", re.IGNORECASE)


def redacted(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages and ``repr``); works on URLs
    that cannot be parsed too."""
    url = _PASSWORD.sub(lambda m: f"{m['keep']}***@", url)
    return _QUERY_PASSWORD.sub(lambda m: f"{m['keep']}***", url)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # In WAL mode a commit then survives the process dying without waiting for the disk;
    # :func:`sync_to_disk`, every second in ``mentorbot serve``, bounds what a power cut takes.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_before_savepoint(connection: Connection, _name: str) -> None:
    """pysqlite opens a transaction only before a data-changing statement, so a ``SAVEPOINT``
    that comes first would start one of its own, and releasing it would commit at once, outside
    the transaction it belongs to. Open the transaction first."""
    dbapi = connection.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        dbapi.execute("BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (or ``DATABASE_URL``) with its data keys (``storage.sealing``);
    creates the SQLite file's folder, and a SQLite demo's key file, if needed."""
    engine = _engine(url)
    try:
        sealing.attach(engine, sealing.load_keyring(engine))
    except sealing.KeyError_ as exc:
        # A database that cannot be reached is the first thing to put right: say that first.
        try:
            with engine.connect():
                pass
        except OperationalError as unreachable:
            raise _unreachable(unreachable) from None
        finally:
            engine.dispose()
        raise DatabaseError(str(exc)) from None
    return engine


def _unreachable(exc: OperationalError) -> DatabaseError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return DatabaseError(f"cannot reach the database: {reason}")


def _engine(url: str | None) -> Engine:
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            path = parsed.database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # hide_parameters: an error never shows a statement's values (names, emails).
            engine = create_engine(resolved, connect_args={"timeout": 30}, hide_parameters=True)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "savepoint", _begin_before_savepoint)
            return engine
        if backend == "postgresql":
            return create_engine(
                resolved,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 10},
                hide_parameters=True,
            )
    except (ArgumentError, ValueError, ImportError, OSError) as exc:
        # A bad port, an unknown or missing driver, a folder that cannot be made: the message
        # names the URL without its password, and no traceback follows.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(
            f"cannot use the database URL {redacted(resolved)!r}: {redacted(reason)}"
        ) from None
    raise DatabaseError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


def sync_to_disk(engine: Engine) -> None:
    """SQLite: write the WAL's commits through to disk (a passive checkpoint, which never waits
    for readers or writers). PostgreSQL makes each commit durable itself."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


_REVISION_LINE = re.compile(r"^(?P<name>(?:down_)?revision)\b[^=\n]*=(?P<value>.+)$", re.MULTILINE)


def script_heads() -> frozenset[str] | None:
    """The newest revision(s) of ``migrations/versions``, read from each file's ``revision`` and
    ``down_revision`` lines without importing Alembic (some 60 ms of a chat's start-up otherwise);
    None when a file does not say them plainly."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {
            m["name"]: m["value"] for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8"))
        }
        try:
            revision = ast.literal_eval(found["revision"].strip())
            down = ast.literal_eval(found["down_revision"].strip())
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        parents.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions - parents) or None


def database_revision(connection: Connection) -> frozenset[str]:
    """The migration revision(s) the database is at (empty before the first migration)."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(
        connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
    )


def _at_head(connection: Connection) -> bool:
    heads = script_heads()
    return heads is not None and database_revision(connection) == heads


# The PostgreSQL advisory lock every process takes to migrate (any fixed 64-bit number; this
# one spells "mentorbot" in part), so processes starting together upgrade one at a time.
MIGRATION_LOCK = 0x6D656E746F72626F


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest schema (Alembic ``upgrade head``).

    On PostgreSQL the upgrade holds a transaction-level advisory lock (:data:`MIGRATION_LOCK`),
    taken in the connection that runs it and released when its transaction ends; a process
    that waited for the lock looks again and finds the schema already at head. On SQLite the
    lock is not needed: a database file has one server process (see docs/deploy.md)."""
    try:
        with engine.begin() as connection:
            if _at_head(connection):
                return
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                if _at_head(connection):  # another process upgraded while this one waited
                    return
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise _unreachable(exc) from exc


def open_database(url: str | None = None) -> Engine:
    """An engine whose schema is up to date: what every command starts with."""
    engine = make_engine(url)
    migrate(engine)
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits together at the end, or not at all."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def insert_new(session: Session | Connection, table: Table, values: dict[str, Any]) -> bool:
    """Insert one row unless it would break a unique constraint; True when it was inserted.

    ``INSERT ... ON CONFLICT DO NOTHING`` rather than a savepoint: on SQLite, pysqlite opens
    no transaction before a ``SAVEPOINT``, so releasing a savepoint taken as a transaction's
    first write commits it at once, outside the transaction it was meant to be part of."""
    bind = session.get_bind() if isinstance(session, Session) else session
    inserted = session.execute(_insert_new_statement(bind.dialect.name, table), values).first()
    return inserted is not None


@functools.cache
def _insert_new_statement(dialect: str, table: Table) -> Any:
    """Built once per table: building it costs more than the insert itself (the Slack inbox's
    insert is on the ack's path); the values come as parameters."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
