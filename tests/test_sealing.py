"""Encryption at rest (issue 13, item 3): what people write is sealed in the database file, its
WAL and a pg_dump, read back as written, rotated to a new key, and never opened without one."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import Engine, text
from sqlmodel import select

from conversations.clock import Clock
from conversations.scheme_config import load_demo
from storage import sealing
from storage.db import DatabaseError, open_database, transaction
from storage.models import DiaryEntry, Outbox
from tests.conftest import NOW, PG_URL
from tests.test_cli import mentorbot
from tests.transcript import Chat

CANARY = "Canary-7f3e: the night shift rota broke me today"


def _write_the_canary(db: Engine, clock: Clock) -> None:
    priya = Chat(db, clock, "mentee@example.org")
    reply = priya.said(f"diary: {CANARY}")
    if "Saved to your diary" not in reply:
        reply = priya.said("save")
    assert "Saved to your diary" in reply
    assert CANARY in priya.said("my diary")  # read back as written


@pytest.fixture
def sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite database with its own key file (no key in the environment)."""
    monkeypatch.delenv(sealing.KEY_ENV, raising=False)
    monkeypatch.delenv(sealing.KEY_FILE_ENV, raising=False)
    return f"sqlite:///{tmp_path}/mentorbot.sqlite3"


def test_the_canary_is_in_neither_the_database_file_nor_its_wal(
    sqlite_file: str, clock: Clock, tmp_path: Path
) -> None:
    db = open_database(sqlite_file)
    load_demo(db, clock)
    _write_the_canary(db, clock)
    files = [tmp_path / "mentorbot.sqlite3", tmp_path / "mentorbot.sqlite3-wal"]
    assert files[1].stat().st_size > 0  # the WAL is read before any checkpoint
    for path in files:
        raw = path.read_bytes()
        assert CANARY.encode() not in raw, path
        assert b"night shift rota" not in raw, path
    with transaction(db) as session:
        (entry,) = session.exec(select(DiaryEntry)).all()
        assert entry.text == CANARY
        stored = session.execute(text("SELECT text FROM diary_entry")).scalar_one()
        assert stored.startswith("sealed:1:")
    db.dispose()


def test_the_demo_makes_its_key_file_once_readable_by_its_owner_only(
    sqlite_file: str, tmp_path: Path
) -> None:
    first = open_database(sqlite_file)
    key_file = tmp_path / "mentorbot.sqlite3.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    first.dispose()
    again = open_database(sqlite_file)
    assert key_file.read_text() == key
    assert sealing.keyring_of(again.dialect).current == sealing.keyring_of(first.dialect).current
    again.dispose()


def test_an_altered_value_is_refused_not_read(engine: Engine, clock: Clock) -> None:
    load_demo(engine, clock)
    _write_the_canary(engine, clock)
    with transaction(engine) as session:
        stored = session.execute(text("SELECT text FROM diary_entry")).scalar_one()
        flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
        session.execute(text("UPDATE diary_entry SET text = :t"), {"t": flipped})
    with pytest.raises(sealing.KeyError_, match="altered"), transaction(engine) as session:
        session.exec(select(DiaryEntry)).all()


def test_rotating_the_key_reseals_everything_and_old_backups_stay_readable(
    sqlite_file: str, clock: Clock, tmp_path: Path
) -> None:
    assert mentorbot("scheme", "load", "--demo", "--now", NOW, db=sqlite_file).returncode == 0
    mentorbot("chat", "--user", "mentee@example.org", "--now", NOW,
              stdin=f"diary: {CANARY}\nsave\n", db=sqlite_file)  # fmt: skip
    before = (tmp_path / "mentorbot.sqlite3.key").read_text().split()
    result = mentorbot("keys", "rotate", db=sqlite_file)
    assert result.returncode == 0, result.stderr
    after = (tmp_path / "mentorbot.sqlite3.key").read_text().split()
    assert after[1:] == before
    new_id = sealing.key_id(base64.b64decode(after[0]))
    assert f"under key {new_id}" in result.stdout
    db = open_database(sqlite_file)
    with transaction(db) as session:
        stored = session.execute(text("SELECT text FROM diary_entry")).scalars().all()
        assert stored
        assert all(s.startswith(f"sealed:1:{new_id}:") for s in stored)
        bodies = session.execute(text("SELECT parts FROM outbox")).scalars().all()
        assert bodies
        # A sealed JSON value is one JSON string.
        assert all(str(b).lstrip('"').startswith(f"sealed:1:{new_id}:") for b in bodies)
        assert [e.text for e in session.exec(select(DiaryEntry)).all()] == [CANARY]
        assert any(o.parts for o in session.exec(select(Outbox)).all())
    db.dispose()


def test_a_key_from_the_environment_is_rotated_only_with_the_new_key_first(
    sqlite_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sealing.KEY_ENV, "dGVzdHMtb25seS1ub3QtYS1yZWFsLWtleS0zMmJ5dGU=")
    result = mentorbot("keys", "rotate", db=sqlite_file)
    assert result.returncode == 2
    assert "put the new key first" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL: MENTORBOT_TEST_DATABASE_URL is not set")
def test_postgresql_refuses_to_open_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PG_URL is not None
    monkeypatch.delenv(sealing.KEY_ENV, raising=False)
    monkeypatch.delenv(sealing.KEY_FILE_ENV, raising=False)
    with pytest.raises(DatabaseError, match="no data key: set MENTORBOT_DATA_KEY"):
        open_database(PG_URL)
    result = mentorbot("nudge", db=PG_URL)
    assert result.returncode == 2
    assert "no data key" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _pg_dump() -> str:
    found = shutil.which("pg_dump")
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "pg_dump").exists():
            return str(folder / "pg_dump")
    raise AssertionError("pg_dump is not installed beside the PostgreSQL server")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_canary_is_not_in_a_pg_dump(db_url: str, engine: Engine, clock: Clock) -> None:
    load_demo(engine, clock)
    _write_the_canary(engine, clock)
    url = engine.url
    schema = unquote(db_url.rsplit("search_path%3D", 1)[-1]).split("&")[0]
    dump = subprocess.run(
        [_pg_dump(), "-h", str(url.host), "-p", str(url.port), "-U", str(url.username),
         "-n", schema, str(url.database)],
        capture_output=True, check=True, env={**os.environ, "PGPASSWORD": url.password or ""},
    )  # fmt: skip
    assert b"diary_entry" in dump.stdout
    assert CANARY.encode() not in dump.stdout
    assert b"night shift rota" not in dump.stdout


def test_comparing_a_sealed_column_with_a_value_is_refused_not_silently_empty() -> None:
    """Sealed values are ciphertext with a fresh nonce: ``text == "x"`` in SQL would match
    nothing without a word, so it is refused where the query is written."""
    from storage.models import ActionItem

    with pytest.raises(TypeError, match="cannot be compared with a value in SQL"):
        select(ActionItem).where(ActionItem.text == "send the template")
