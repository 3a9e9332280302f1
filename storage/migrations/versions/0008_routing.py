"""An outbox row may carry its own route: the notice to a lead channel's old route that its
alerts now go elsewhere (the channel's current route is already the new one).

Revision ID: 0008_routing
Revises: 0007_data
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_routing"
down_revision: str | None = "0007_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("address")
