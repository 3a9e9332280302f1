"""Selection, matching and reports: steering reviews, declared conflicts of interest, match
proposals, fit checks after the first meeting, scheme changes made after feedback.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conflict_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["declared_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["mentee_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mentor_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cohort_id", "mentee_id", "mentor_id", "kind"),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_mentee_id"), ["mentee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_mentor_id"), ["mentor_id"], unique=False
        )

    op.create_table(
        "match_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("pairs", sa.JSON(), nullable=False),
        sa.Column("unmatched", sa.JSON(), nullable=False),
        sa.Column("score", sa.JSON(), nullable=False),
        sa.Column("rationale", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("match_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_proposal_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "scheme_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scheme_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheme_change_cohort_id"), ["cohort_id"], unique=False)

    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "reviewer_id", "stage"),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_reviewer_id"), ["reviewer_id"], unique=False)

    op.create_table(
        "fit_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairing.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pairing_id", "person_id"),
    )
    with op.batch_alter_table("fit_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fit_check_pairing_id"), ["pairing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fit_check_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("decision_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )

    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("previous_pairing_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_pairing_previous_pairing_id",
            "pairing",
            ["previous_pairing_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            "fk_pairing_proposal_id", "match_proposal", ["proposal_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.drop_constraint("fk_pairing_proposal_id", type_="foreignkey")
        batch_op.drop_constraint("fk_pairing_previous_pairing_id", type_="foreignkey")
        batch_op.drop_column("previous_pairing_id")
        batch_op.drop_column("proposal_id")

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_at")

    with op.batch_alter_table("fit_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fit_check_person_id"))
        batch_op.drop_index(batch_op.f("ix_fit_check_pairing_id"))

    op.drop_table("fit_check")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_review_application_id"))

    op.drop_table("review")
    with op.batch_alter_table("scheme_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheme_change_cohort_id"))

    op.drop_table("scheme_change")
    with op.batch_alter_table("match_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_proposal_cohort_id"))

    op.drop_table("match_proposal")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_mentee_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_cohort_id"))

    op.drop_table("conflict_of_interest")
