"""The audit log (issue 13, item 4): append-only on both databases, purged only by retention,
listed by ``mentorbot audit``, and written when someone reads another person's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from conversations.clock import Clock
from storage import audit
from storage.db import transaction
from storage.models import AuditLog, AuditPermit
from tests.conftest import NOW
from tests.test_cli import mentorbot
from tests.transcript import Chat

AT = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _rows(db: Engine, action: str | None = None) -> list[AuditLog]:
    with transaction(db) as session:
        query = select(AuditLog).order_by(col(AuditLog.id))
        if action is not None:
            query = query.where(AuditLog.action == action)
        return list(session.exec(query).all())


def _one_row(db: Engine) -> int:
    with transaction(db) as session:
        row = audit.record(session, "concern_opened", "C1", AT, actor_id=None, surface="slack")
        session.flush()
        assert row.id is not None
        return row.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'nothing' WHERE id = :id",
        "DELETE FROM audit_log WHERE id = :id",
    ],
)
def test_the_audit_log_cannot_be_edited_or_deleted(engine: Engine, statement: str) -> None:
    """Someone with the database open cannot quietly change or remove what was recorded."""
    row_id = _one_row(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement), {"id": row_id})
    (row,) = _rows(engine)
    assert (row.id, row.action, row.subject) == (row_id, "concern_opened", "C1")


def test_only_the_purge_removes_rows_and_the_log_is_guarded_again_after(engine: Engine) -> None:
    with transaction(engine) as session:
        for days in (3000, 2500, 10):
            audit.record(session, "report_shown", "cohort:1", AT - timedelta(days=days))
    with transaction(engine) as session:
        purged = audit.purge(session, before=AT - timedelta(days=6 * 365))
    assert purged == 2
    assert [r.at for r in _rows(engine)] == [AT - timedelta(days=10)]
    with transaction(engine) as session:
        assert session.exec(select(AuditPermit)).all() == []
    # The permit went with the purge: the log is append-only again.
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))


def test_reading_failed_messages_is_recorded(demo: Engine, clock: Clock) -> None:
    lead = Chat(demo, clock, "lead@example.org")
    lead.said("failed messages")
    (row,) = _rows(demo, "failed_messages_read")
    assert row.actor_id == lead.person_id
    assert row.detail["surface"] == "console"


def test_the_audit_command_lists_who_did_what_when_and_where(db_url: str) -> None:
    loaded = mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url)
    assert loaded.returncode == 0, loaded.stderr
    mentorbot(
        "chat", "--user", "lead@example.org", "--now", NOW, stdin="failed messages\n", db=db_url
    )
    mentorbot("inbox", "--channel", "lead", "--now", NOW, db=db_url)
    mentorbot("export", "--user", "mentee@example.org", "--now", NOW, db=db_url)

    listed = mentorbot("audit", db=db_url)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert any(
        "failed_messages_read" in line and "<lead@example.org>" in line and "on console" in line
        for line in lines
    )
    assert any("channel_read  channel:lead  on cli" in line for line in lines)
    assert any("export  person:" in line and "on cli" in line for line in lines)

    theirs = mentorbot("audit", "--user", "mentee@example.org", db=db_url)
    assert theirs.returncode == 0, theirs.stderr
    assert "export  person:" in theirs.stdout
    assert "failed_messages_read" not in theirs.stdout

    later = mentorbot("audit", "--since", "2099-01-01", db=db_url)
    assert later.stdout == "Nothing in the audit log.\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--since", "last tuesday"), "is not a date"),
        (("--user", "nobody@example.org"), "nobody with the email"),
    ],
)
def test_the_audit_command_refuses_bad_input_in_one_line(
    db_url: str, args: tuple[str, ...], error: str
) -> None:
    mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url)
    result = mentorbot("audit", *args, db=db_url)
    assert result.returncode == 2
    assert error in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
