"""The schema keeps data right by itself: constraints, not Python checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from storage.db import (
    DatabaseError,
    make_engine,
    migrate,
    open_database,
    script_heads,
    transaction,
)
from storage.models import (
    Cohort,
    Meeting,
    Pairing,
    Person,
    ProcessedEvent,
    Scheme,
)

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _person(session: Session, email: str) -> Person:
    person = Person(email=email, display_name=email.split("@")[0], created_at=AT)
    session.add(person)
    session.flush()
    return person


def _cohort(session: Session) -> Cohort:
    scheme = Scheme(slug="s", name="S", lead_channel="lead", updated_at=AT)
    session.add(scheme)
    session.flush()
    assert scheme.id is not None
    cohort = Cohort(
        scheme_id=scheme.id,
        slug="c",
        name="C",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    session.add(cohort)
    session.flush()
    return cohort


def test_migrations_create_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    expected = {
        "person", "channel_identity", "scheme", "cohort", "membership", "application",
        "mentor_profile", "pairing", "contract", "meeting", "minutes", "action_item",
        "diary_entry", "survey", "survey_question", "survey_response", "concern", "event",
        "dialog_state", "processed_event", "outbox", "nudge", "audit_log", "alembic_version",
        "review", "conflict_of_interest", "match_proposal", "fit_check", "scheme_change",
    }  # fmt: skip
    assert expected <= tables


def _head_revision() -> str:
    """The newest migration: the one every migrated database must be at."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from storage.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            == _head_revision()
        )


def test_the_newest_migration_read_from_the_files_is_alembics() -> None:
    """What ``migrate`` compares a database with before it leaves Alembic unimported."""
    assert script_heads() == {_head_revision()}


def _version(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def test_a_database_behind_the_newest_migration_is_still_upgraded(engine: Engine) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from storage.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    assert _version(engine) != _head_revision()

    migrate(engine)

    assert _version(engine) == _head_revision()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_the_migrations_build_exactly_the_schema_of_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_an_email_belongs_to_one_person(engine: Engine) -> None:
    with transaction(engine) as session:
        _person(session, "sam@example.org")
    with pytest.raises(IntegrityError), transaction(engine) as session:
        _person(session, "sam@example.org")


def test_a_repeated_event_id_is_refused_by_the_database(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(ProcessedEvent(platform="slack", event_id="Ev1", processed_at=AT))
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(ProcessedEvent(platform="slack", event_id="Ev1", processed_at=AT))
    with transaction(engine) as session:  # the same id on another platform is another event
        session.add(ProcessedEvent(platform="teams", event_id="Ev1", processed_at=AT))


def test_naive_datetimes_are_rejected(engine: Engine) -> None:
    naive = datetime(2026, 11, 23, 10, 0)  # noqa: DTZ001  (the point of the test)
    with pytest.raises(StatementError, match="timezone"), transaction(engine) as session:
        session.add(Person(email="n@example.org", display_name="N", created_at=naive))


def test_datetimes_come_back_aware_in_utc(engine: Engine) -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2026, 7, 1, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    with transaction(engine) as session:
        session.add(Person(email="t@example.org", display_name="T", created_at=local))
    with transaction(engine) as session:
        person = session.exec(select(Person)).one()
    assert person.created_at == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
    assert person.created_at.tzinfo is not None


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(Pairing(cohort_id=999, mentee_id=998, mentor_id=997, started_at=AT))


def test_a_mentee_has_one_active_mentor_at_a_time(engine: Engine) -> None:
    with transaction(engine) as session:
        cohort = _cohort(session)
        mentee, first, second = (_person(session, f"{n}@example.org") for n in "abc")
        assert cohort.id
        assert mentee.id
        assert first.id
        assert second.id
        session.add(
            Pairing(cohort_id=cohort.id, mentee_id=mentee.id, mentor_id=first.id, started_at=AT)
        )
        ids = (cohort.id, mentee.id, first.id, second.id)
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(Pairing(cohort_id=ids[0], mentee_id=ids[1], mentor_id=ids[3], started_at=AT))
    # Once the first pairing has ended, a new one is allowed and the history is kept.
    with transaction(engine) as session:
        old = session.exec(select(Pairing)).one()
        old.status = "ended_early"
        session.add(old)
    with transaction(engine) as session:
        session.add(Pairing(cohort_id=ids[0], mentee_id=ids[1], mentor_id=ids[3], started_at=AT))
    with transaction(engine) as session:
        assert len(session.exec(select(Pairing)).all()) == 2


def test_a_meeting_cannot_last_zero_minutes(engine: Engine) -> None:
    with transaction(engine) as session:
        cohort = _cohort(session)
        mentee, mentor = _person(session, "m@example.org"), _person(session, "n@example.org")
        assert cohort.id
        assert mentee.id
        assert mentor.id
        pairing = Pairing(
            cohort_id=cohort.id, mentee_id=mentee.id, mentor_id=mentor.id, started_at=AT
        )
        session.add(pairing)
        session.flush()
        assert pairing.id is not None
        pairing_id, mentee_id = pairing.id, mentee.id
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(
            Meeting(
                pairing_id=pairing_id,
                starts_at=AT,
                duration_minutes=0,
                proposed_by_id=mentee_id,
                created_at=AT,
                updated_at=AT,
            )
        )


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    db = open_database(f"sqlite:///{tmp_path}/wal.sqlite3")
    with db.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_the_default_database_is_a_file_under_var(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = make_engine()
    assert str(db.url) == "sqlite:///var/mentorbot.sqlite3"


def test_an_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(DatabaseError, match="cannot reach the database"):
        open_database("postgresql://nobody@127.0.0.1:1/nothing")


def test_last_contact_follows_every_meeting_change(engine: Engine) -> None:
    """The nudge sweep relies on Pairing.last_contact_at; the ORM hook keeps it right."""
    later = AT + timedelta(days=20)
    with transaction(engine) as session:
        cohort = _cohort(session)
        mentee, mentor = _person(session, "m@example.org"), _person(session, "n@example.org")
        assert cohort.id
        assert mentee.id
        assert mentor.id
        pairing = Pairing(
            cohort_id=cohort.id, mentee_id=mentee.id, mentor_id=mentor.id, started_at=AT
        )
        session.add(pairing)
        session.flush()
        assert pairing.last_contact_at == AT  # a new pairing starts from its start
        meeting = Meeting(
            pairing_id=pairing.id, starts_at=later, duration_minutes=60, proposed_by_id=mentee.id,
            created_at=AT, updated_at=AT,
        )  # fmt: skip
        session.add(meeting)
        session.flush()
        assert pairing.last_contact_at == AT  # only proposed: not a contact yet
        meeting.status = "confirmed"
        session.add(meeting)
        session.flush()
        assert pairing.last_contact_at == later
        pairing_id, meeting_id = pairing.id, meeting.id
    with transaction(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.status = "cancelled"
        session.add(meeting)
    with transaction(engine) as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        assert pairing.last_contact_at == AT
