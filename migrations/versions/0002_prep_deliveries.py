"""prep deliveries: the log of meeting prep cards and digests sent through Teams

Revision ID: 0002_prep_deliveries
Revises: 0001_initial_schema
Create Date: 2026-11-22 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_prep_deliveries"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prep_deliveries",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("meeting_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("graph_message_id", sa.String(length=200), nullable=True),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("card", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_prep_deliveries_tenant_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_prep_deliveries")),
        sa.UniqueConstraint("tenant_id", "user_id", "dedupe_key",
                            name="uq_prep_deliveries_key"),
    )
    with op.batch_alter_table("prep_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_prep_deliveries_meeting", ["tenant_id", "meeting_id"],
                              unique=False)
        batch_op.create_index("ix_prep_deliveries_sent", ["tenant_id", "sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("prep_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_prep_deliveries_sent")
        batch_op.drop_index("ix_prep_deliveries_meeting")
    op.drop_table("prep_deliveries")
