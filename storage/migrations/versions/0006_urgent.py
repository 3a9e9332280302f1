"""Urgent concerns get their own lane: an outbox row knows its concern, and a concern whose
lead-channel alert could not be delivered has one ``second_route`` row (unique per concern).

Revision ID: 0006_urgent
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_urgent"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("concern_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_outbox_concern_id", "concern", ["concern_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "second_route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["concern_id"], ["concern.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("concern_id"),
    )


def downgrade() -> None:
    op.drop_table("second_route")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_concern_id", type_="foreignkey")
        batch_op.drop_column("concern_id")
