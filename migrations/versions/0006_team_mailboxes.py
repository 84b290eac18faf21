"""team mailboxes: shared mailboxes (support@, billing@ ...) synced with a function label

A team mailbox is a ``users`` row that nobody signs in as: ``team_mailbox`` marks it,
``function`` names its function (support, finance, success, sales; a seller may carry one
too), and ``function_only`` keeps its mail to people of that function.

Revision ID: 0006_team_mailboxes
Revises: 0005_teams_thread
Create Date: 2026-12-01 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_team_mailboxes"
down_revision = "0005_teams_thread"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("team_mailbox", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("function", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("function_only", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("function_only")
        batch.drop_column("function")
        batch.drop_column("team_mailbox")
