"""Scale: pairing.last_contact_at (kept on every meeting change) and the indexes the nudge
sweep's candidate queries use.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairing") as batch_op:
        batch_op.add_column(
            sa.Column("last_contact_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index("ix_pairing_status_contact", ["status", "last_contact_at"])
    op.execute(
        "UPDATE pairing SET last_contact_at = COALESCE("
        "(SELECT MAX(m.starts_at) FROM meeting m WHERE m.pairing_id = pairing.id"
        " AND m.status IN ('held', 'confirmed') AND m.starts_at > pairing.started_at),"
        " started_at)"
    )
    with op.batch_alter_table("action_item") as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_due"), ["due"])
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.create_index("ix_outbox_created", ["created_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_created")
    with op.batch_alter_table("action_item") as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_due"))
    with op.batch_alter_table("pairing") as batch_op:
        batch_op.drop_index("ix_pairing_status_contact")
        batch_op.drop_column("last_contact_at")
