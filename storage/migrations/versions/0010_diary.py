"""A diary entry its author has shared with their partner (and when).

Revision ID: 0010_diary
Revises: 0009_inbox
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_diary"
down_revision: str | None = "0009_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("diary_entry") as batch:
        batch.add_column(sa.Column("shared_with_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("shared_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_diary_entry_shared_with_id",
            "person",
            ["shared_with_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("diary_entry") as batch:
        batch.drop_constraint("fk_diary_entry_shared_with_id", type_="foreignkey")
        batch.drop_column("shared_at")
        batch.drop_column("shared_with_id")
