"""Erasing a person (UK GDPR article 17), table by table, and the log that lets a restored backup
erase them again.

- :data:`POLICY`: what erasure does with each column that refers to ``person.id``. It is checked
  against the schema itself (:func:`unhandled`): a new table or column that refers to a person
  makes :func:`erase` refuse to run, and the tests fail, until it is given a policy here.
- :func:`erase`: in one transaction, deletes what is the person's alone, keeps what is someone
  else's record (a decision on an application, the pair's minutes, who handled a concern) with
  the person shown as "erased participant", keeps concerns under legal hold, removes their name
  and email from every text and JSON column left, and writes an audit row without personal data.
  The person's row stays as a tombstone (no name, no email) so the rows kept still hold together.
- :class:`ErasureLog`: an append-only file of keyed hashes (HMAC-SHA256 of the lowercased email
  under a secret kept beside it, never in the database), so ``mentorbot erase --replay`` can find
  the people erased since a backup was taken without the log holding anyone's email.
- :func:`scrub_files`: on SQLite, the WAL is checkpointed and truncated, so the old pages that
  held the name do not outlive the erasure (``secure_delete`` zeroes what is deleted; see
  storage.db). PostgreSQL leaves dead tuples until VACUUM: docs/privacy.md says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import JSON, Column, CursorResult, Engine, String, Table, delete, or_, text, update
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select

from storage import audit, person_refs
from storage.models import (
    DEFAULT_TIME_ZONE,
    ActionItem,
    ChannelIdentity,
    Concern,
    Contract,
    Inbox,
    Meeting,
    MeetingStatus,
    Outbox,
    Pairing,
    PairingStatus,
    Person,
)
from storage.sealing import SealedJSON, SealedText

ERASED_NAME = "erased participant"
AUDIT_ACTION = "erasure"
ENDED_REASON = "participant erased"
HOLD_REASON = (
    "legal hold: a concern the person raised, or one about their pairing, is kept until the end "
    "of its retention, with the person shown as an erased participant"
)


class Policy(StrEnum):
    # The rows are the person's alone: deleted.
    DELETE = "delete"
    # The column only says who did something to someone else's record: emptied.
    NULL = "null"
    # The row is someone else's record too (a decision on their application, the pair's
    # meetings and minutes, who handled a concern): kept, pointing at the tombstone.
    KEEP = "keep"
    # A concern they raised: kept under legal hold until its retention ends.
    HOLD = "hold"


POLICY: dict[tuple[str, str], Policy] = {
    ("channel_identity", "person_id"): Policy.DELETE,
    ("membership", "person_id"): Policy.DELETE,
    ("application", "person_id"): Policy.DELETE,
    ("review", "reviewer_id"): Policy.KEEP,
    ("conflict_of_interest", "mentee_id"): Policy.DELETE,
    ("conflict_of_interest", "mentor_id"): Policy.DELETE,
    ("conflict_of_interest", "declared_by_id"): Policy.NULL,
    ("match_proposal", "created_by_id"): Policy.NULL,
    ("match_proposal", "decided_by_id"): Policy.NULL,
    ("mentor_profile", "person_id"): Policy.DELETE,
    ("pairing", "mentee_id"): Policy.KEEP,
    ("pairing", "mentor_id"): Policy.KEEP,
    ("fit_check", "person_id"): Policy.DELETE,
    ("scheme_change", "recorded_by_id"): Policy.NULL,
    ("meeting", "proposed_by_id"): Policy.KEEP,
    ("minutes", "author_id"): Policy.KEEP,
    ("action_item", "owner_id"): Policy.NULL,
    ("diary_entry", "author_id"): Policy.DELETE,
    ("diary_entry", "shared_with_id"): Policy.NULL,
    ("survey_response", "person_id"): Policy.DELETE,
    ("concern", "raised_by_id"): Policy.HOLD,
    ("concern", "acknowledged_by_id"): Policy.KEEP,
    ("concern", "resolved_by_id"): Policy.KEEP,
    ("dialog_state", "person_id"): Policy.DELETE,
    ("outbox", "recipient_id"): Policy.DELETE,
    ("audit_log", "actor_id"): Policy.KEEP,
}


class UnhandledReference(RuntimeError):
    """A column refers to a person and :data:`POLICY` does not say what erasure does with it."""


def person_references() -> list[tuple[str, str]]:
    """Every (table, column) of the schema with a foreign key to ``person.id``."""
    return person_refs.person_foreign_keys()


def unhandled() -> list[tuple[str, str]]:
    """References to a person that :data:`POLICY` does not cover (should be none)."""
    return [ref for ref in person_references() if ref not in POLICY]


@dataclass
class Erasure:
    """What one erasure did: counts per table, no personal data."""

    person_id: int
    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    held_concerns: list[int] = field(default_factory=list)

    def summary(self) -> str:
        gone = sum(self.deleted.values())
        changed = sum(self.anonymised.values())
        held = len(self.held_concerns)
        return (
            f"Erased person {self.person_id}: {gone} rows deleted, {changed} anonymised, "
            f"{held} concern{'s' if held != 1 else ''} kept under legal hold."
        )


def erase(session: Session, person: Person, now: datetime, *, replayed: bool = False) -> Erasure:
    """Erase ``person`` within ``session``'s transaction (see the module docstring)."""
    missing = unhandled()
    if missing:
        names = ", ".join(f"{t}.{c}" for t, c in missing)
        raise UnhandledReference(f"erasure does not know what to do with {names}")
    assert person.id is not None
    pid = person.id
    result = Erasure(pid)
    name, email = person.display_name, person.email
    if session.get_bind().dialect.name == "sqlite":
        # Deleted and rewritten records are overwritten with zeros, not left in free space.
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON")

    identities = session.exec(select(ChannelIdentity).where(ChannelIdentity.person_id == pid)).all()
    result.held_concerns = _held_concerns(session, pid)
    _end_pairings(session, pid, now, result)
    _anonymise_shared(session, pid, result)
    user_ids = [i.user_id for i in identities]

    tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
    for (table_name, column_name), policy in POLICY.items():
        table = tables[table_name]
        column = table.c[column_name]
        if policy is Policy.DELETE:
            count = _run(session, delete(table).where(column == pid))
            _count(result.deleted, table_name, count)
        elif policy is Policy.NULL:
            count = _run(session, update(table).where(column == pid).values({column_name: None}))
            _count(result.anonymised, table_name, count)
    if user_ids:
        # Events they sent that are still waiting (a done event's body is emptied already).
        # Bodies are sealed at rest: read and matched here, not by the database.
        ids = {json.dumps(user_id) for user_id in user_ids}
        theirs = [
            event.id
            for event in session.exec(select(Inbox)).all()
            if any(i in json.dumps(event.body) for i in ids)
        ]
        if theirs:
            count = _run(session, delete(Inbox).where(col(Inbox.id).in_(theirs)))
            _count(result.deleted, "inbox", count)

    tombstone = session.get(Person, pid)
    assert tombstone is not None
    tombstone.email = f"erased-{pid}@erased.invalid"
    tombstone.display_name = ERASED_NAME
    tombstone.time_zone = DEFAULT_TIME_ZONE
    tombstone.paused_until = None
    tombstone.pause_starts_at = None
    tombstone.last_active_at = None
    tombstone.erased_at = now
    session.add(tombstone)
    session.flush()
    _count(result.anonymised, "person", 1)
    # Audit rows are append-only; an erasure may change them (a name in a note), and leaves
    # its own row.
    with audit.permitted(session, AUDIT_ACTION):
        for table_name, count in _scrub(session, [name, email, email.lower()]):
            _count(result.anonymised, table_name, count)
    audit.record(
        session,
        AUDIT_ACTION,
        f"person:{pid}",
        now,
        surface="cli",
        deleted=result.deleted,
        anonymised=result.anonymised,
        held={"concern": result.held_concerns},
        hold_reason=HOLD_REASON if result.held_concerns else "",
        replayed=replayed,
    )
    return result


# A Slack message id is its timestamp ("1700000000.000100"); Teams' are anything else.
_SLACK_TS = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class Posted:
    """A message the bot posted to a person, as the platform knows it."""

    platform: str
    address: dict[str, Any]
    message_id: str


def posted_to(session: Session, person_id: int) -> list[Posted]:
    """The messages the outbox recorded as posted to the person, with the address of their
    account on the platform that took each (told apart by the shape of its id; ``teams`` is
    the placeholder of a send whose id Teams did not give). Replies posted in the turn that
    asked for them are not recorded with an id, so they are not here."""
    identities = session.exec(
        select(ChannelIdentity).where(ChannelIdentity.person_id == person_id)
    ).all()
    ids = session.exec(
        select(Outbox.platform_message_id)
        .where(Outbox.recipient_id == person_id, col(Outbox.platform_message_id).is_not(None))
        .order_by(col(Outbox.id))
    ).all()
    found: list[Posted] = []
    for message_id in ids:
        if not message_id or message_id == "teams":
            continue
        platform = "slack" if _SLACK_TS.match(message_id) else "teams"
        found.extend(
            Posted(platform, dict(i.address), message_id)
            for i in identities
            if i.platform == platform
        )
    return found


def _run(session: Session, statement: Any, params: dict[str, Any] | None = None) -> int:
    result = cast("CursorResult[Any]", session.execute(statement, params))
    return int(result.rowcount or 0)


def _count(into: dict[str, int], table: str, count: int | None) -> None:
    if count:
        into[table] = into.get(table, 0) + count


def _held_concerns(session: Session, pid: int) -> list[int]:
    pairings = select(Pairing.id).where(
        or_(col(Pairing.mentee_id) == pid, col(Pairing.mentor_id) == pid)
    )
    ids = session.exec(
        select(Concern.id).where(
            or_(col(Concern.raised_by_id) == pid, col(Concern.pairing_id).in_(pairings))
        )
    ).all()
    return sorted(i for i in ids if i is not None)


def _end_pairings(session: Session, pid: int, now: datetime, result: Erasure) -> None:
    """Their active pairings end (kept as history), and meetings not yet held are cancelled:
    no nudge or reminder goes on about an erased participant."""
    active = session.exec(
        select(Pairing).where(
            or_(col(Pairing.mentee_id) == pid, col(Pairing.mentor_id) == pid),
            Pairing.status == PairingStatus.ACTIVE.value,
        )
    ).all()
    for pairing in active:
        pairing.status = PairingStatus.ENDED_EARLY.value
        pairing.ended_at = now
        pairing.end_reason = ENDED_REASON
        session.add(pairing)
    session.flush()
    _count(result.anonymised, "pairing", len(active))
    ids = [p.id for p in active]
    if ids:
        upcoming = (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)
        count = _run(
            session,
            update(Meeting)
            .where(col(Meeting.pairing_id).in_(ids), col(Meeting.status).in_(upcoming))
            .values(status=MeetingStatus.CANCELLED.value, updated_at=now),
        )
        _count(result.anonymised, "meeting", count)


def _anonymise_shared(session: Session, pid: int, result: Erasure) -> None:
    """What names the person outside a foreign key: their signature on a pair's contract, and
    their name on actions they owned."""
    for side in ("mentee", "mentor"):
        pairings = select(Pairing.id).where(getattr(Pairing, f"{side}_id") == pid)
        signed = getattr(Contract, f"{side}_signed_name")
        count = _run(
            session,
            update(Contract)
            .where(col(Contract.pairing_id).in_(pairings), signed.is_not(None))
            .values({f"{side}_signed_name": ERASED_NAME}),
        )
        _count(result.anonymised, "contract", count)
    count = _run(
        session,
        update(ActionItem).where(col(ActionItem.owner_id) == pid).values(owner_name=ERASED_NAME),
    )
    _count(result.anonymised, "action_item", count)


def _scrub(session: Session, words: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Replace the person's name and email in every text and JSON column of every table (the
    partner's minutes, messages to others, audit notes) with "erased participant"."""
    forms: list[str] = []
    for word in words:
        if len(word.strip()) < 2:
            continue
        for form in (word, json.dumps(word)[1:-1]):  # as typed, and as escaped inside JSON
            if form not in forms:
                forms.append(form)
    if not forms:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    for table in SQLModel.metadata.sorted_tables:
        if table.name == Person.__tablename__:  # the tombstone holds neither; others keep theirs
            continue
        for column in table.columns:
            if isinstance(column.type, SealedText | SealedJSON):
                # Sealed at rest: the database sees only ciphertext, so read, replace, reseal.
                count = _replace_sealed(session, table, column, forms)
                if count:
                    yield table.name, count
                continue
            kind = getattr(column.type, "impl_instance", column.type)  # AutoString: a String
            is_json = isinstance(kind, JSON)
            if not (is_json or isinstance(kind, String)):
                continue
            count = _replace(session, table, column.name, forms, is_json, postgres)
            if count:
                yield table.name, count


def _replace_sealed(session: Session, table: Table, column: Column[Any], forms: list[str]) -> int:
    """Every form replaced in a sealed column's values, row by row (opened, then sealed again)."""
    is_json = isinstance(column.type, SealedJSON)
    key = table.c.id
    count = 0
    for row_id, value in session.execute(core_select(key, column)).all():
        said = json.dumps(value, ensure_ascii=False) if is_json else str(value or "")
        if not any(form in said for form in forms):
            continue
        for form in forms:
            said = said.replace(form, ERASED_NAME)
        new = json.loads(said) if is_json else said
        session.execute(update(table).where(key == row_id).values({column.name: new}))
        count += 1
    return count


def _replace(
    session: Session,
    table: Table,
    column: str,
    forms: list[str],
    is_json: bool,
    postgres: bool,
) -> int:
    """One UPDATE per column: every form replaced, in rows holding any of them."""
    quoted = f'"{column}"'
    value = f"{quoted}::text" if postgres and is_json else quoted
    replaced = value
    found = []
    params = {"new": ERASED_NAME}
    for n, form in enumerate(forms):
        params[f"old{n}"] = form
        replaced = f"REPLACE({replaced}, :old{n}, :new)"
        found.append(
            f"strpos({value}, :old{n}) > 0" if postgres else f"instr({value}, :old{n}) > 0"
        )
    if postgres and is_json:
        replaced = f"({replaced})::json"
    where = " OR ".join(found)
    statement = text(f'UPDATE "{table.name}" SET {quoted} = {replaced} WHERE {where}')
    return _run(session, statement, params)


def scrub_files(engine: Engine) -> bool:
    """SQLite: rebuild the database file (VACUUM: pages freed before ``secure_delete`` was on
    may still hold old copies of a record), then checkpoint the WAL into it and truncate it, so
    no earlier page with the person's data stays in either file. False when another connection
    kept part of it (run it again when the server is idle)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA secure_delete=ON")
        try:
            raw.execute("VACUUM")
        except sqlite3.OperationalError:  # busy: a server holds a transaction open
            return False
        busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


# -- the erasure log --------------------------------------------------------------------------

KEY_FILE = "erasure.key"
LOG_FILE = "erasures.jsonl"


class ErasureLog:
    """Keyed hashes of erased people's emails, in a file beside the database (or in
    ``MENTORBOT_ERASURE_DIR``), under a secret from ``MENTORBOT_ERASURE_KEY`` or the key file
    beside it (created once, mode 0600). Kept outside the database on purpose: a backup of the
    database restored later must not lose the erasures made since."""

    def __init__(self, directory: Path, key: bytes | None = None) -> None:
        self.directory = directory
        self._key = key

    @classmethod
    def for_database(cls, engine: Engine, environ: dict[str, str] | None = None) -> ErasureLog:
        env = dict(os.environ if environ is None else environ)
        if env.get("MENTORBOT_ERASURE_DIR"):
            directory = Path(env["MENTORBOT_ERASURE_DIR"])
        elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            directory = Path(str(engine.url.database)).parent
        else:
            directory = Path("var")
        key = env.get("MENTORBOT_ERASURE_KEY")
        return cls(directory, key.encode() if key else None)

    @property
    def path(self) -> Path:
        return self.directory / LOG_FILE

    def key(self) -> bytes:
        if self._key is not None:
            return self._key
        path = self.directory / KEY_FILE
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
        self._key = path.read_text(encoding="ascii").strip().encode()
        return self._key

    def token(self, email: str) -> str:
        normal = email.strip().lower().encode()
        return hmac.new(self.key(), normal, hashlib.sha256).hexdigest()

    def tokens(self) -> set[str]:
        if not self.path.exists():
            return set()
        found = set()
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.add(str(json.loads(line)["token"]))
        return found

    def erased_on(self, emails: Iterable[str]) -> dict[str, datetime]:
        """When each of ``emails`` (lower-cased) in the log was erased; no key file is made
        while nobody has been erased."""
        if not self.path.exists():
            return {}
        logged: dict[str, datetime] = {}
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                logged[str(entry["token"])] = datetime.fromisoformat(str(entry["at"]))
        found = {}
        for email in emails:
            at = logged.get(self.token(email))
            if at is not None:
                found[email.strip().lower()] = at
        return found

    def record(self, email: str, at: datetime) -> None:
        """Append the person's token (before the erasure commits: a crash then leaves a log
        entry that a replay applies, never an erasure a replay would miss)."""
        token = self.token(email)
        if token in self.tokens():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        entry = json.dumps({"v": 1, "token": token, "at": at.isoformat()})
        with self.path.open("a", encoding="utf-8") as out:
            out.write(entry + "\n")
            out.flush()
            os.fsync(out.fileno())

    def to_replay(self, session: Session) -> list[Person]:
        """People not yet erased whose email is in the log."""
        tokens = self.tokens()
        if not tokens:
            return []
        people = session.exec(select(Person).where(col(Person.erased_at).is_(None))).all()
        return [p for p in people if self.token(p.email) in tokens]
