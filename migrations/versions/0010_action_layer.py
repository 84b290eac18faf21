"""action layer: promises that close themselves, stale promises, nudges

``commitments.closed_by_interaction_id`` / ``closed_evidence`` / ``closed_how`` /
``reopened_at``: a promise or request closed by the later mail that delivered it, with the
evidence, and reopened by the seller. ``commitments.due_set_by_seller``: a due date the
seller set in the pane. ``tenants.stale_promise_days``: after how many days a promise without
a due date leaves the overdue list. ``nudges``: what the nudge round found and sent, once.
``mentions``: people the mail names with their role, for the account's stakeholders.

Revision ID: 0010_action_layer
Revises: 0009_rel_sync_safety
Create Date: 2026-12-01 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_action_layer"
down_revision = "0009_rel_sync_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(sa.Column("closed_by_interaction_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("closed_evidence", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("closed_how", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("due_set_by_seller", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_index("ix_commitments_owner", ["tenant_id", "owner_user_id", "status"],
                           unique=False)
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("stale_promise_days", sa.Integer(), nullable=True))
    op.create_table(
        "nudges",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"],
                                name=op.f("fk_nudges_tenant_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_nudges")),
        sa.UniqueConstraint("tenant_id", "user_id", "dedupe_key", name="uq_nudges_key"),
    )
    with op.batch_alter_table("nudges") as batch:
        batch.create_index("ix_nudges_user", ["tenant_id", "user_id", "status", "created_at"],
                           unique=False)
    op.create_table(
        "mentions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("interaction_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("evidence_start", sa.Integer(), nullable=True),
        sa.Column("evidence_end", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id", "interaction_id"],
                                ["interactions.tenant_id", "interactions.id"],
                                name=op.f("fk_mentions_tenant_id_interactions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("mentions") as batch:
        batch.create_index("ix_mentions_account", ["tenant_id", "account_id", "occurred_at"],
                           unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_index("ix_mentions_account")
    op.drop_table("mentions")
    with op.batch_alter_table("nudges") as batch:
        batch.drop_index("ix_nudges_user")
    op.drop_table("nudges")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("stale_promise_days")
    with op.batch_alter_table("commitments") as batch:
        batch.drop_index("ix_commitments_owner")
        batch.drop_column("due_set_by_seller")
        batch.drop_column("reopened_at")
        batch.drop_column("closed_how")
        batch.drop_column("closed_evidence")
        batch.drop_column("closed_by_interaction_id")
