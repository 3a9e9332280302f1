"""What people write is sealed at rest (``storage.sealing``): every value already there is
sealed under the database's current key. The columns keep their types: a sealed text is text,
and a sealed JSON value is one JSON string.

Revision ID: 0014_sealed
Revises: 0013_audit
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.sealing import PREFIX, keyring_of

revision: str = "0014_sealed"
down_revision: str | None = "0013_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, a JSON column)
SEALED = (
    ("minutes", "discussion", False),
    ("minutes", "decisions", False),
    ("action_item", "text", False),
    ("diary_entry", "text", False),
    ("diary_entry", "what_happened", False),
    ("diary_entry", "so_what", False),
    ("diary_entry", "now_what", False),
    ("concern", "text", False),
    ("survey_response", "answers", True),
    ("application", "answers", True),
    ("outbox", "parts", True),
    ("dialog_state", "state", True),
    ("dialog_state", "history", True),
    ("inbox", "body", True),
)


def _rows(table: str, column: str, is_json: bool) -> list[tuple[int, Any]]:
    """Each row's value: a JSON column's as Python (a sealed one is a str)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(f'SELECT id, "{column}" FROM {table}')).all()
    if not is_json:
        return [(row_id, value) for row_id, value in rows]
    return [(row_id, json.loads(v) if isinstance(v, str) else v) for row_id, v in rows]


def _write(table: str, column: str, is_json: bool, row_id: int, value: Any) -> None:
    bind = op.get_bind()
    stored = json.dumps(value, ensure_ascii=False) if is_json else value
    cast = "CAST(:v AS JSON)" if is_json and bind.dialect.name == "postgresql" else ":v"
    bind.execute(
        sa.text(f'UPDATE {table} SET "{column}" = {cast} WHERE id = :id'),
        {"v": stored, "id": row_id},
    )


def upgrade() -> None:
    keyring = keyring_of(op.get_bind().dialect)
    for table, column, is_json in SEALED:
        for row_id, value in _rows(table, column, is_json):
            if value is None or (isinstance(value, str) and value.startswith(PREFIX)):
                continue
            plain = json.dumps(value, ensure_ascii=False) if is_json else value
            _write(table, column, is_json, row_id, keyring.seal(plain))


def downgrade() -> None:
    keyring = keyring_of(op.get_bind().dialect)
    for table, column, is_json in SEALED:
        for row_id, value in _rows(table, column, is_json):
            if isinstance(value, str) and value.startswith(PREFIX):
                plain = keyring.open(value)
                _write(table, column, is_json, row_id, json.loads(plain) if is_json else plain)
