"""Encryption at rest for what people write: diary entries, minutes and actions, concerns,
written survey and application answers, messages in the outbox and unfinished drafts.

Each value is sealed with AES-GCM (``cryptography``) under the database's current key and
stored as ``sealed:1:<key id>:<base64 of nonce + ciphertext>``; the key id lets older values
be read after ``mentorbot keys rotate``. A value written before sealing existed (no prefix) is
read as it is, and sealed the next time it is written or rotated.

The keys belong to the engine (``engine.dialect``), so two databases in one process never
share one. Where the keys come from: ``MENTORBOT_DATA_KEY`` (one or more base64 keys, comma
separated, the first one current), else a key file (``MENTORBOT_DATA_KEY_FILE``, or beside a
SQLite database, created once with mode 0600). PostgreSQL needs the environment or a named key
file: the server refuses to start without a key.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Engine, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeDecorator
from sqlmodel.sql.sqltypes import AutoString

PREFIX = "sealed:1:"
KEY_ENV = "MENTORBOT_DATA_KEY"
KEY_FILE_ENV = "MENTORBOT_DATA_KEY_FILE"
_NONCE = 12


class KeyError_(Exception):
    """A key is missing or unusable: said in one line."""


@dataclass(frozen=True)
class Keyring:
    """The keys of one database: ``current`` seals, every key opens what it sealed."""

    keys: dict[str, bytes]
    current: str
    source: str  # where the keys came from, for messages ("the key file var/demo.key")

    @staticmethod
    def of(raw_keys: list[bytes], source: str) -> Keyring:
        keys = {key_id(k): k for k in raw_keys}
        return Keyring(keys=keys, current=key_id(raw_keys[0]), source=source)

    def seal(self, text: str) -> str:
        nonce = secrets.token_bytes(_NONCE)
        sealed = _cipher(self.keys[self.current]).encrypt(nonce, text.encode(), None)
        return f"{PREFIX}{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # written before sealing
        kid, _, body = stored.removeprefix(PREFIX).partition(":")
        key = self.keys.get(kid)
        if key is None:
            raise KeyError_(f"a value was sealed with key {kid}, which {self.source} does not hold")
        raw = base64.b64decode(body)
        try:
            return _cipher(key).decrypt(raw[:_NONCE], raw[_NONCE:], None).decode()
        except InvalidTag:
            raise KeyError_(f"a value sealed with key {kid} has been altered") from None


@functools.lru_cache(maxsize=8)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _decode(text: str, source: str) -> list[bytes]:
    keys = []
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            key = base64.b64decode(part, validate=True)
        except ValueError:
            raise KeyError_(f"{source} holds something that is not a base64 key") from None
        if len(key) != 32:
            raise KeyError_(f"{source} holds a key of {len(key)} bytes: keys are 32 bytes")
        keys.append(key)
    if not keys:
        raise KeyError_(f"{source} holds no key")
    return keys


def key_file_for(engine: Engine) -> Path | None:
    """The key file: named by ``MENTORBOT_DATA_KEY_FILE``, else beside a SQLite database."""
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return Path(named)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return Path(f"{database}.key")
    return None


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Write the keys (current first), readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(base64.b64encode(k).decode() + "\n" for k in keys)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
    path.chmod(0o600)


def load_keyring(engine: Engine) -> Keyring:
    """The database's keys (see the module's text); a SQLite demo gets its key file made."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Keyring.of(_decode(env, KEY_ENV), KEY_ENV)
    path = key_file_for(engine)
    if path is None:
        if engine.dialect.name == "sqlite":  # an in-memory database: a key for this process
            return Keyring.of([new_key()], "this process")
        raise KeyError_(
            f'no data key: set {KEY_ENV} (a base64 32-byte key: python -c "import base64,os;'
            f'print(base64.b64encode(os.urandom(32)).decode())") or {KEY_FILE_ENV}'
        )
    if not path.exists():
        write_key_file(path, [new_key()])
    try:
        text = path.read_text()
    except OSError as exc:
        raise KeyError_(f"cannot read the key file {path}: {exc.strerror}") from None
    return Keyring.of(_decode(text, f"the key file {path}"), f"the key file {path}")


def attach(engine: Engine, keyring: Keyring) -> None:
    engine.dialect.mentorbot_keyring = keyring  # type: ignore[attr-defined]


def keyring_of(dialect: Dialect) -> Keyring:
    found = getattr(dialect, "mentorbot_keyring", None)
    if found is None:
        raise KeyError_("this database was opened without its data key (use open_database)")
    assert isinstance(found, Keyring)
    return found


class _Uncomparable(TypeDecorator.Comparator[Any]):
    """Sealed values are ciphertext to the database (a fresh nonce each time): comparing one in
    SQL would silently match nothing, so it is refused. Read the rows, then compare."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        # Against another column (SQLAlchemy's own bookkeeping) or NULL it is fine.
        if any(o is not None and not isinstance(o, ClauseElement) for o in other):
            raise TypeError(
                f"a sealed column ({self.expr}) cannot be compared with a value in SQL: read "
                "the rows and compare their values"
            )
        return super().operate(op, *other, **kwargs)


class SealedText(TypeDecorator[str]):
    """A text column whose values are sealed at rest (the column stays a VARCHAR)."""

    impl = AutoString
    cache_ok = True
    comparator_factory = _Uncomparable

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).open(value)


class SealedJSON(TypeDecorator[Any]):
    """A JSON value (a dict or a list) sealed at rest: the column stays JSON and holds one JSON
    string, the sealed text of the value."""

    impl = JSON
    cache_ok = True
    comparator_factory = _Uncomparable

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring_of(dialect).seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if not isinstance(value, str):  # None, or a value written before sealing
            return value
        return json.loads(keyring_of(dialect).open(value))


def sealed_columns() -> list[tuple[Any, Any]]:
    """Every sealed column of the schema, as (table, column)."""
    from sqlmodel import SQLModel

    return [
        (table, column)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, SealedText | SealedJSON)
    ]


def reseal(engine: Engine) -> int:
    """Seal every value again under the current key (in one transaction); the count resealed.
    Values already under the current key are left as they are."""
    from sqlalchemy import select, update

    keyring = keyring_of(engine.dialect)
    mark = f"{PREFIX}{keyring.current}:"
    count = 0
    with engine.begin() as connection:
        for table, column in sealed_columns():
            raw = select(table.c.id, column.expression.cast(Text))  # the stored text, unopened
            stale = [
                row_id
                for row_id, stored in connection.execute(raw)
                if not str(stored or "").lstrip('"').startswith(mark)  # JSON: a quoted string
            ]
            for row_id in stale:
                (value,) = connection.execute(select(column).where(table.c.id == row_id)).one()
                connection.execute(
                    update(table).where(table.c.id == row_id).values({column.name: value})
                )
            count += len(stale)
    return count


def rotate(engine: Engine) -> tuple[str, int]:
    """A new current key (a key file gets one; ``MENTORBOT_DATA_KEY`` must already list the
    new key first), then everything resealed under it: the new key's id and the count."""
    keyring = keyring_of(engine.dialect)
    if keyring.source.startswith("the key file"):
        path = key_file_for(engine)
        assert path is not None
        raw = [new_key(), *keyring.keys.values()]
        write_key_file(path, raw)  # the old keys stay, so a rotation cut short loses nothing
        keyring = Keyring.of(raw, keyring.source)
        attach(engine, keyring)
    return keyring.current, reseal(engine)
