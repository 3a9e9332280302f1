"""What people write is sealed at rest (``storage.sealing``): the columns become text, and
every value already there is sealed under the database's current key.

Revision ID: 0014_sealed
Revises: 0013_audit
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.sealing import keyring_of

revision: str = "0014_sealed"
down_revision: str | None = "0013_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, was JSON)
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


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    for table, column, _json in SEALED:
        if postgres:
            op.execute(
                f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE TEXT USING "{column}"::text'
            )
        else:
            with op.batch_alter_table(table) as batch:
                batch.alter_column(column, type_=sa.Text(), existing_nullable=False)
    keyring = keyring_of(bind.dialect)
    for table, column, _json in SEALED:
        rows = bind.execute(sa.text(f'SELECT id, "{column}" FROM {table}')).all()
        for row_id, value in rows:
            if value is None or str(value).startswith("sealed:"):
                continue
            plain = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            bind.execute(
                sa.text(f'UPDATE {table} SET "{column}" = :v WHERE id = :id'),
                {"v": keyring.seal(plain), "id": row_id},
            )


def downgrade() -> None:
    bind = op.get_bind()
    keyring = keyring_of(bind.dialect)
    for table, column, _json in SEALED:
        rows = bind.execute(sa.text(f'SELECT id, "{column}" FROM {table}')).all()
        for row_id, value in rows:
            if isinstance(value, str) and value.startswith("sealed:"):
                bind.execute(
                    sa.text(f'UPDATE {table} SET "{column}" = :v WHERE id = :id'),
                    {"v": keyring.open(value), "id": row_id},
                )
    postgres = bind.dialect.name == "postgresql"
    for table, column, was_json in SEALED:
        kind = "JSON" if was_json else "VARCHAR"
        if postgres:
            op.execute(
                f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE {kind} USING "{column}"::{kind}'
            )
        else:
            with op.batch_alter_table(table) as batch:
                batch.alter_column(
                    column, type_=sa.JSON() if was_json else sa.String(), existing_nullable=False
                )
