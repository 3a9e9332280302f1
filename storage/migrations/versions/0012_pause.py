"""A pause of reminders that starts later ("im away 23rd-27th march, no reminders that wk").

Revision ID: 0012_pause
Revises: 0010_diary
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_pause"
down_revision: str | None = "0010_diary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(
            sa.Column("pause_starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("pause_starts_at")
