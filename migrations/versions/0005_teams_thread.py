"""teams thread: the Teams meeting chat a calendar meeting belongs to

The Teams meeting side panel knows the meeting it is open in by its chat thread id
(``chat.id`` in the Teams context); the calendar event carries the same id in its
``onlineMeeting.joinUrl``. Calendar sync stores it, so the panel shows that meeting's prep.

Revision ID: 0005_teams_thread
Revises: 0004_draft_choices
Create Date: 2026-11-23 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_teams_thread"
down_revision = "0004_draft_choices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("teams_thread_id", sa.String(length=300), nullable=True))
    op.create_index("ix_interactions_teams_thread", "interactions",
                    ["tenant_id", "teams_thread_id"])


def downgrade() -> None:
    op.drop_index("ix_interactions_teams_thread", table_name="interactions")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("teams_thread_id")
