"""draft choices: a seller's "Track it" / "Not a promise" on a promise in a draft

Compose mode asks "You are promising X: track it?". The answer is kept per seller and per
promise sentence (its sha256, normalised) so that sync, recording the sent mail later, can
store a promise the seller said was none as dismissed instead of open.

Revision ID: 0004_draft_choices
Revises: 0003_story_indexes
Create Date: 2026-11-22 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_draft_choices"
down_revision = "0003_story_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_choices",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_draft_choices_tenant_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_draft_choices")),
        sa.UniqueConstraint("tenant_id", "user_id", "text_hash", name="uq_draft_choices_text"),
    )


def downgrade() -> None:
    op.drop_table("draft_choices")
