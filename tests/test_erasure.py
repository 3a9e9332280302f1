"""Erasure (issue 13, item 1): ``mentorbot erase --user EMAIL`` and ``--replay``.

The world: the demo scheme, where Priya Shah (mentee@example.org) is paired with Tom Okafor. She
has written in her diary, raised a concern about Tom, has a Slack account, messages the bot
posted to her, a meeting with Tom whose agenda names her, and a Slack event still waiting.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Column, Engine, ForeignKey, Integer, String, Table, inspect, text
from sqlalchemy.sql import sqltypes
from sqlmodel import SQLModel, select

from bot.channels.base import DeliveryError
from bot.channels.teams.adapter import TeamsSender, TeamsSettings
from conversations.clock import Clock
from storage import audit, erasure
from storage.db import transaction
from storage.models import (
    AuditLog,
    ChannelIdentity,
    Concern,
    DialogState,
    DiaryEntry,
    Inbox,
    Meeting,
    Outbox,
    Pairing,
    Person,
)
from tests.concern_world import raise_concern
from tests.conftest import NOW
from tests.fakes.bot_connector import BOT_ID, TENANT, FakeBotConnector
from tests.fakes.bot_connector import Person as TeamsUser
from tests.fakes.slack_api import FakeSlackApi
from tests.test_cli import mentorbot
from tests.transcript import Chat

NAME = "Priya Shah"
EMAIL = "mentee@example.org"
PARTNER = "mentor@example.org"
SLACK_USER = "U0PRIYA01"


@pytest.fixture
def erasure_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "erasure"
    monkeypatch.setenv("MENTORBOT_ERASURE_DIR", str(folder))
    monkeypatch.delenv("MENTORBOT_ERASURE_KEY", raising=False)
    return folder


def _person(db: Engine, email: str) -> Person | None:
    with transaction(db) as s:
        return s.exec(select(Person).where(Person.email == email)).first()


def _build(db: Engine, clock: Clock) -> int:
    """Priya's world (see the module docstring); returns her person id."""
    priya = Chat(db, clock, EMAIL)
    priya.said("can i write in my diary")
    assert "Saved to your diary" in priya.said("told Tom I need more notice before meetings")
    raise_concern(
        Chat(db, clock, EMAIL), "raise a concern: Tom keeps cancelling at the last minute", "1"
    )
    now = clock.now()
    with transaction(db) as s:
        me = s.exec(select(Person).where(Person.email == EMAIL)).one()
        tom = s.exec(select(Person).where(Person.email == PARTNER)).one()
        pairing = s.exec(select(Pairing).where(Pairing.mentee_id == me.id)).one()
        assert me.id is not None
        assert tom.id is not None
        assert pairing.id is not None
        s.add(
            ChannelIdentity(
                person_id=me.id,
                platform="slack",
                tenant="T1",
                user_id=SLACK_USER,
                address={"team": "T1", "user": SLACK_USER, "channel": "D0PRIYA"},
                created_at=now,
            )
        )
        s.add(
            Meeting(
                pairing_id=pairing.id,
                starts_at=now + timedelta(days=3),
                duration_minutes=60,
                agenda=f"Goals for {NAME} this term",
                proposed_by_id=tom.id,
                created_at=now,
                updated_at=now,
            )
        )
        s.add(
            Outbox(
                recipient_id=me.id,
                parts=[{"kind": "text", "text": f"Hello {NAME}"}],
                status="sent",
                next_attempt_at=now,
                created_at=now,
                sent_at=now,
                platform_message_id="1700000000.000100",
            )
        )
        s.add(
            Outbox(
                recipient_id=tom.id,
                parts=[{"kind": "text", "text": f"{NAME} <{EMAIL}> accepted your meeting"}],
                next_attempt_at=now,
                created_at=now,
            )
        )
        # A lead's note on an alert, in the append-only audit log.
        audit.record(s, "resolved", "C1", now, actor_id=tom.id, note=f"spoke to {NAME}")
        s.add(
            Inbox(
                platform="slack",
                event_key="Ev1",
                body={"event": {"user": SLACK_USER, "text": "are you there?"}},
                next_attempt_at=now,
                received_at=now,
            )
        )
        return me.id


def _erase(db_url: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``mentorbot erase ...`` as its own process: (exit code, stdout, stderr)."""
    done = mentorbot("erase", *args, "--now", NOW, stdin=stdin, db=db_url)
    return done.returncode, done.stdout, done.stderr


def _text_values(db: Engine) -> list[tuple[str, str, str]]:
    """Every text and JSON value of every table in the database (as the database itself
    describes its tables), as text: (table, column, value)."""
    found = []
    postgres = db.dialect.name == "postgresql"
    with db.connect() as connection:
        tables = inspect(connection).get_table_names()
        for table in tables:
            for column in inspect(connection).get_columns(table):
                if not isinstance(column["type"], String | JSON | sqltypes.Text):
                    continue
                name = column["name"]
                value = f'"{name}"::text' if postgres else f'"{name}"'
                rows = connection.execute(
                    text(f'SELECT {value} FROM "{table}" WHERE "{name}" IS NOT NULL')
                ).scalars()
                found.extend((table, name, str(v)) for v in rows)
    assert len(tables) > 20
    return found


def _mentions(db: Engine, *words: str) -> list[tuple[str, str]]:
    return [
        (table, column)
        for table, column, value in _text_values(db)
        if any(word.lower() in value.lower() for word in words)
    ]


def test_every_reference_to_a_person_has_an_erasure_policy() -> None:
    """A new table or column that refers to a person must be given a policy in
    storage/erasure.py (and so be erased) before this passes."""
    assert erasure.unhandled() == []
    assert set(erasure.POLICY) == set(erasure.person_references())


def test_a_new_reference_to_a_person_stops_erasure_until_it_is_handled(
    demo: Engine, clock: Clock
) -> None:
    table = Table(
        "new_notes",
        SQLModel.metadata,
        Column("id", Integer, primary_key=True),
        Column("person_id", Integer, ForeignKey("person.id")),
    )
    try:
        assert erasure.unhandled() == [("new_notes", "person_id")]
        with transaction(demo) as s:
            priya = s.exec(select(Person).where(Person.email == EMAIL)).one()
            with pytest.raises(erasure.UnhandledReference, match=r"new_notes\.person_id"):
                erasure.erase(s, priya, clock.now())
    finally:
        SQLModel.metadata.remove(table)
    assert _person(demo, EMAIL) is not None


def test_erasure_removes_the_person_and_keeps_the_concern_on_hold(
    demo: Engine, clock: Clock, db_url: str, erasure_dir: Path
) -> None:
    pid = _build(demo, clock)
    assert _mentions(demo, NAME, EMAIL)  # the world does name her
    code, out, err = _erase(db_url, "--user", EMAIL, "--yes")
    assert (code, err) == (0, "")
    assert "kept under legal hold" in out

    assert _mentions(demo, NAME, EMAIL) == []
    with transaction(demo) as s:
        tombstone = s.get(Person, pid)
        assert tombstone is not None
        assert tombstone.display_name == erasure.ERASED_NAME
        assert tombstone.erased_at is not None
        assert s.exec(select(DiaryEntry).where(DiaryEntry.author_id == pid)).all() == []
        assert s.exec(select(DialogState).where(DialogState.person_id == pid)).all() == []
        assert s.exec(select(ChannelIdentity).where(ChannelIdentity.person_id == pid)).all() == []
        assert s.exec(select(Outbox).where(Outbox.recipient_id == pid)).all() == []
        assert s.exec(select(Inbox)).all() == []
        [concern] = s.exec(select(Concern)).all()
        assert concern.raised_by_id == pid
        assert concern.text == "Tom keeps cancelling at the last minute"
        tom = s.exec(select(Person).where(Person.email == PARTNER)).one()
        assert tom.display_name == "Tom Okafor"
        [meeting] = s.exec(select(Meeting)).all()
        assert meeting.agenda == f"Goals for {erasure.ERASED_NAME} this term"
        assert meeting.status == "cancelled"
        [pairing] = s.exec(select(Pairing).where(Pairing.mentee_id == pid)).all()
        assert (pairing.status, pairing.end_reason) == ("ended_early", "participant erased")
        [message] = s.exec(select(Outbox).where(Outbox.recipient_id == tom.id)).all()
        assert message.parts[0]["text"].startswith(erasure.ERASED_NAME)
        [note] = s.exec(select(AuditLog).where(AuditLog.action == "resolved")).all()
        assert note.detail["note"] == f"spoke to {erasure.ERASED_NAME}"
        [audit] = s.exec(select(AuditLog).where(AuditLog.action == erasure.AUDIT_ACTION)).all()
    assert audit.subject == f"person:{pid}"
    assert audit.detail["held"] == {"concern": [concern.id]}
    assert audit.detail["hold_reason"] == erasure.HOLD_REASON
    assert audit.detail["deleted"]["diary_entry"] == 1
    report = mentorbot("report", "--cohort", "demo-cohort", "--now", NOW, db=db_url)
    assert report.returncode == 0, report.stderr
    assert "| erased participant | Tom Okafor | ended early |" in report.stdout
    assert NAME not in report.stdout
    log = (erasure_dir / erasure.LOG_FILE).read_text()
    assert EMAIL not in log
    assert "priya" not in log.lower()
    assert oct((erasure_dir / erasure.KEY_FILE).stat().st_mode & 0o777) == "0o600"


def test_nothing_of_the_name_or_email_is_left_in_the_sqlite_files(
    demo: Engine, clock: Clock, db_url: str, erasure_dir: Path
) -> None:
    if demo.dialect.name != "sqlite":
        pytest.skip("the raw file check is SQLite's; PostgreSQL's is the column check above")
    _build(demo, clock)
    # Some more turns, so older copies of her drafts are left in freed pages.
    priya = Chat(demo, clock, EMAIL)
    for line in ("can i write in my diary", "second entry about rotas", "my meetings"):
        priya.said(line)
    path = Path(str(demo.url.database))
    files = [path, Path(f"{path}-wal")]
    before = b"".join(f.read_bytes() for f in files if f.exists())
    assert NAME.encode() in before or EMAIL.encode() in before
    code, _, err = _erase(db_url, "--user", EMAIL, "--yes")
    assert (code, err) == (0, "")
    demo.dispose()  # the test's own connections may not hold the WAL open
    for f in files:
        if f.exists():
            raw = f.read_bytes()
            assert NAME.encode() not in raw, f
            assert EMAIL.encode() not in raw, f
            assert b"second entry about rotas" not in raw, f


def test_erasing_asks_first_and_a_no_erases_nothing(
    demo: Engine, db_url: str, erasure_dir: Path
) -> None:
    code, out, _ = _erase(db_url, "--user", EMAIL, stdin="no\n")
    assert code == 1
    assert f"This erases {NAME} <{EMAIL}>" in out
    assert "Nothing erased." in out
    assert _person(demo, EMAIL) is not None
    code, out, _ = _erase(db_url, "--user", EMAIL.upper(), stdin=f"{EMAIL}\n")
    assert code == 0
    assert _person(demo, EMAIL) is None


def test_erasing_again_is_harmless_and_an_unknown_email_is_refused(
    demo: Engine, clock: Clock, db_url: str, erasure_dir: Path
) -> None:
    _build(demo, clock)
    assert _erase(db_url, "--user", EMAIL, "--yes")[0] == 0
    with transaction(demo) as s:
        people = len(s.exec(select(Person)).all())
    code, out, err = _erase(db_url, "--user", EMAIL, "--yes")
    assert (code, err) == (0, "")
    assert out == f"{EMAIL} is already erased: nothing to do.\n"
    with transaction(demo) as s:
        assert len(s.exec(select(Person)).all()) == people
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "erasure")).all()) == 1
    code, out, err = _erase(db_url, "--user", "nobody@example.org", "--yes")
    assert code == 2
    assert err == "mentorbot: nobody with the email 'nobody@example.org' is in this database\n"


def test_a_restored_backup_is_erased_again_by_replay(
    demo: Engine, clock: Clock, db_url: str, erasure_dir: Path
) -> None:
    from conversations.scheme_config import load_demo

    _build(demo, clock)
    assert _erase(db_url, "--user", EMAIL, "--yes")[0] == 0
    # A restore brings her back (here: the scheme file still names her).
    load_demo(demo, clock)
    assert _person(demo, EMAIL) is not None
    code, out, err = _erase(db_url, "--replay")
    assert (code, err) == (0, "")
    assert out.startswith("Re-applied 1 of 1 logged erasure ")
    assert _person(demo, EMAIL) is None
    assert _mentions(demo, NAME, EMAIL) == []
    with transaction(demo) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.action == "erasure")).all()
    assert [r.detail["replayed"] for r in rows] == [False, True]
    code, out, _ = _erase(db_url, "--replay")
    assert out.startswith("Re-applied 0 of 1 logged erasure ")


def test_the_audit_row_holds_no_personal_data(demo: Engine, clock: Clock, db_url: str) -> None:
    pid = _build(demo, clock)
    with transaction(demo) as s:
        priya = s.get(Person, pid)
        assert priya is not None
        erasure.erase(s, priya, clock.now())
    with transaction(demo) as s:
        [audit] = s.exec(select(AuditLog).where(AuditLog.action == "erasure")).all()
    shown: dict[str, Any] = {"subject": audit.subject, "detail": audit.detail}
    assert "priya" not in repr(shown).lower()
    assert "mentee@" not in repr(shown)


# -- messages the bot posted to them --------------------------------------------------------


async def test_erasing_deletes_what_the_bot_posted_to_them_on_slack(
    demo: Engine, clock: Clock, db_url: str, erasure_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(demo, clock)
    async with FakeSlackApi() as api:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", api.url)
        code, out, err = await asyncio.to_thread(_erase, db_url, "--user", EMAIL, "--yes")
    assert (code, err) == (0, "")
    assert [(c["channel"], c["ts"]) for c in api.of("chat.delete")] == [
        ("D0PRIYA", "1700000000.000100")
    ]
    assert "Deleted 1 message the bot had posted to them." in out
    assert _person(demo, EMAIL) is None


async def test_without_the_platform_set_up_the_posts_are_reported_not_deleted(
    demo: Engine, clock: Clock, db_url: str, erasure_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(demo, clock)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    code, out, _ = await asyncio.to_thread(_erase, db_url, "--user", EMAIL, "--yes")
    assert code == 0
    assert (
        "Deleted 0 messages the bot had posted to them; 1 could not be deleted "
        "(slack is not set up here)." in out
    )


def _teams_address(connector: FakeBotConnector, user: TeamsUser, chat: bool) -> dict[str, Any]:
    reference: dict[str, Any] = {
        "user": {"id": user.user_id, "aadObjectId": user.aad},
        "bot": {"id": BOT_ID, "name": "mentorbot"},
        "channelId": "msteams",
        "serviceUrl": connector.url + "/",
    }
    if chat:
        reference["conversation"] = {"conversationType": "personal", "id": user.conversation}
    return {"platform": "teams", "tenantId": TENANT, "reference": reference}


async def test_a_teams_message_is_deleted_in_the_stored_conversation(
    demo: Engine, clock: Clock
) -> None:
    async with FakeBotConnector() as connector:
        user = connector.add_person(EMAIL, NAME)
        now = clock.now()
        with transaction(demo) as s:
            me = s.exec(select(Person).where(Person.email == EMAIL)).one()
            assert me.id is not None
            s.add(
                ChannelIdentity(
                    person_id=me.id,
                    platform="teams",
                    tenant=TENANT,
                    user_id=user.user_id,
                    address=_teams_address(connector, user, chat=True),
                    created_at=now,
                )
            )
            for message_id in ("act-out-3", "teams"):  # "teams": a send Teams gave no id for
                s.add(
                    Outbox(
                        recipient_id=me.id,
                        status="sent",
                        next_attempt_at=now,
                        created_at=now,
                        platform_message_id=message_id,
                    )
                )
        with transaction(demo) as s:
            [posted] = erasure.posted_to(s, me.id)
        assert (posted.platform, posted.message_id) == ("teams", "act-out-3")
        settings = TeamsSettings(app_id="app", tenant_id=TENANT, token_provider=lambda: "t")
        sender = TeamsSender(settings)
        assert await sender.delete(posted.address, posted.message_id) is True
        assert await sender.delete(posted.address, posted.message_id) is False  # gone already
        deletes = [c.path for c in connector.calls if c.method == "DELETE"]
        assert deletes == [f"/v3/conversations/{user.conversation}/activities/act-out-3"] * 2
        with pytest.raises(DeliveryError, match="no conversation"):
            await sender.delete(_teams_address(connector, user, chat=False), "act-out-3")


# -- asked for in chat ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked",
    [
        "delete my data",
        "please erase everything you hold on me",
        "i want my data removed",
        "hi, can you wipe all the info you have about me pls",
    ],
)
def test_asking_in_chat_tells_the_lead_and_erases_nothing_yet(
    demo: Engine, clock: Clock, asked: str
) -> None:
    priya = Chat(demo, clock, EMAIL)
    reply = priya.said(asked)
    assert "project lead, Morgan Ellis (lead@example.org)" in reply
    assert "Until then nothing is deleted" in reply
    lead = Chat(demo, clock, "lead@example.org").inbox()
    assert f"{NAME} ({EMAIL}) has asked for their data to be erased" in lead
    assert f"mentorbot erase --user {EMAIL}" in lead
    assert _person(demo, EMAIL) is not None
    with transaction(demo) as s:
        [audit] = s.exec(select(AuditLog).where(AuditLog.action == "erasure_requested")).all()
    assert audit.actor_id == priya.person_id
    assert "priya" not in repr(audit.detail).lower()


@pytest.mark.parametrize(
    "said", ["please don't delete my data", "delete my last diary entry", "forget it"]
)
def test_other_deleting_and_forgetting_is_not_an_erasure_request(
    demo: Engine, clock: Clock, said: str
) -> None:
    Chat(demo, clock, EMAIL).said(said)
    with transaction(demo) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "erasure_requested")).all() == []
    assert "asked for their data to be erased" not in Chat(demo, clock, "lead@example.org").inbox()


@pytest.mark.parametrize(
    "asked",
    [
        "what data do you hold on me?",
        "hiya, could i get a copy of all my information please",
        "send me everything you have about me",
        "I'd like to make a subject access request",
    ],
)
def test_asking_for_a_copy_of_ones_data_sends_the_lead_the_export_command(
    demo: Engine, clock: Clock, asked: str
) -> None:
    priya = Chat(demo, clock, EMAIL)
    reply = priya.said(asked)
    assert "project lead, Morgan Ellis (lead@example.org)" in reply
    assert "within a month" in reply
    lead = Chat(demo, clock, "lead@example.org").inbox()
    assert f"{NAME} ({EMAIL}) has asked for a copy of everything held about them" in lead
    assert f"mentorbot export --user {EMAIL}" in lead
    with transaction(demo) as s:
        [audit] = s.exec(select(AuditLog).where(AuditLog.action == "access_requested")).all()
    assert audit.actor_id == priya.person_id


@pytest.mark.parametrize("said", ["show me my details", "my diary", "delete my data"])
def test_other_requests_about_my_things_are_not_a_subject_access_request(
    demo: Engine, clock: Clock, said: str
) -> None:
    Chat(demo, clock, EMAIL).said(said)
    with transaction(demo) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "access_requested")).all() == []
    assert "copy of everything held" not in Chat(demo, clock, "lead@example.org").inbox()
