"""ext shown: calibrated confidence and shown on commitments, shown on signals

Extraction now gives every commitment and signal a calibrated ``confidence`` and ``shown``:
what a seller sees by default. The rest stays in the record as suggestions the seller can
confirm or dismiss. Existing rows were all shown, and a seller's own entries are certain, so
the defaults are shown = true and confidence = 1.

Revision ID: 0008_ext_shown
Revises: 0007_priv_privacy
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_ext_shown"
down_revision = "0007_priv_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("shown", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    with op.batch_alter_table("signals") as batch:
        batch.add_column(sa.Column("shown", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("signals") as batch:
        batch.drop_column("shown")
    with op.batch_alter_table("commitments") as batch:
        batch.drop_column("shown")
        batch.drop_column("confidence")
