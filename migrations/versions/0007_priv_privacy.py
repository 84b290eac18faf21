"""privacy: erased addresses (keyed hashes), thread marks, visibility and private mail

An erasure keeps only a keyed hash of the address so that sync never records the person
again; a seller can share a thread with the team or make it private; a tenant can choose
what colleagues see of mail they were not on; mail Outlook marks private (or free-mail
tied to no account) shows only to its owners.

Revision ID: 0007_priv_privacy
Revises: 0006_team_mailboxes
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_priv_privacy"
down_revision = "0006_team_mailboxes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_addresses",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "address_hash", name="pk_erased_addresses"),
    )
    op.create_table(
        "thread_marks",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.String(length=400), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("mark", sa.String(length=10), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"],
                                name="fk_thread_marks_tenant_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "thread_id", "user_id", name="pk_thread_marks"),
    )
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("visibility", sa.String(length=10), nullable=True))
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("sensitivity", sa.String(length=12), nullable=False,
                                   server_default="normal"))
        batch.add_column(sa.Column("private", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("private")
        batch.drop_column("sensitivity")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("visibility")
    op.drop_table("thread_marks")
    op.drop_table("erased_addresses")
