"""rel sync safety: messages set aside, and mailbox links to check after a resync

``sync_states.items_set_aside`` / ``last_set_aside``: a message that cannot be stored is set
aside with its reason (shown in the sync status) instead of stopping its folder.
``interaction_mailboxes.resync_pending``: after a 410 the folder is read again from scratch;
links it does not meet again were deleted while the delta link was gone.

Revision ID: 0009_rel_sync_safety
Revises: 0008_ext_shown
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_rel_sync_safety"
down_revision = "0008_ext_shown"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_states") as batch:
        batch.add_column(sa.Column("items_set_aside", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_set_aside", sa.Text(), nullable=True))
    with op.batch_alter_table("interaction_mailboxes") as batch:
        batch.add_column(sa.Column("resync_pending", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("interaction_mailboxes") as batch:
        batch.drop_column("resync_pending")
    with op.batch_alter_table("sync_states") as batch:
        batch.drop_column("last_set_aside")
        batch.drop_column("items_set_aside")
