"""The audit log becomes append-only: a trigger refuses UPDATE and DELETE unless the
transaction holds a row of ``audit_permit`` (``storage.audit.permitted``: retention's purge
and erasure's anonymising are the only users).

Revision ID: 0013_audit
Revises: 0012_pause
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_audit"
down_revision: str | None = "0012_pause"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSED = "audit_log is append-only: rows are removed only by retention (storage.audit.purge)"


def upgrade() -> None:
    op.create_table(
        "audit_permit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reason", sa.String(length=64), nullable=False),
    )
    # Rows are found by what was done (a platform cut off, an alert's history).
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM audit_permit) THEN
                    RAISE EXCEPTION '{REFUSED}';
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "WHEN NOT EXISTS (SELECT 1 FROM audit_permit) "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_log_no_{event}")
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_table("audit_permit")
