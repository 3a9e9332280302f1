"""Data people would lose: a pair's own contract deadline (a re-match gets its start plus the
scheme's contract period, not the cohort's deadline), and a proposed move of a confirmed meeting
that points at the meeting it replaces (the original stays confirmed until the move is accepted).

Existing re-matched pairs get their own deadline: their start (in the scheme's time zone) plus
the scheme's ``contract.period_days`` (default 21).

Revision ID: 0007_data
Revises: 0006_urgent
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0007_data"
down_revision: str | None = "0006_urgent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_CONTRACT_DAYS = 21


def _period_days(settings: Any) -> int:
    if isinstance(settings, str):
        import json

        settings = json.loads(settings)
    contract = (settings or {}).get("contract") or {}
    return int(contract.get("period_days", DEFAULT_CONTRACT_DAYS))


def upgrade() -> None:
    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_deadline", sa.Date(), nullable=True))
        batch_op.create_index("ix_pairing_contract_deadline", ["contract_deadline"], unique=False)
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_meeting_replaces_id", "meeting", ["replaces_id"], ["id"], ondelete="SET NULL"
        )

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT pairing.id, pairing.started_at, scheme.time_zone, scheme.settings "
            "FROM pairing JOIN cohort ON cohort.id = pairing.cohort_id "
            "JOIN scheme ON scheme.id = cohort.scheme_id "
            "WHERE pairing.previous_pairing_id IS NOT NULL"
        )
    ).all()
    for pairing_id, started_at, zone, settings in rows:
        if isinstance(started_at, str):
            started_at = datetime.fromisoformat(started_at)
        if started_at.tzinfo is None:
            started_at = started_at.replace(tzinfo=ZoneInfo("UTC"))
        day = started_at.astimezone(ZoneInfo(zone)).date()
        bind.execute(
            sa.text("UPDATE pairing SET contract_deadline = :deadline WHERE id = :id"),
            {"deadline": day + timedelta(days=_period_days(settings)), "id": pairing_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint("fk_meeting_replaces_id", type_="foreignkey")
        batch_op.drop_column("replaces_id")
    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.drop_index("ix_pairing_contract_deadline")
        batch_op.drop_column("contract_deadline")
