"""story indexes: a covering timeline index and a lookup of contacts merged into another

The story reads a contact's newest interactions: with ``interaction_id`` in the participants
index, a page is read from the index alone, in order (no sort of the whole history, no heap
visits on PostgreSQL). ``merged_family`` looks contacts up by ``merged_into`` on every story;
without an index that was a scan of all the tenant's contacts.

Revision ID: 0003_story_indexes
Revises: 0002_prep_deliveries
Create Date: 2026-11-22 20:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0003_story_indexes"
down_revision = "0002_prep_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_contact")
        batch_op.create_index(
            "ix_participants_contact",
            ["tenant_id", "contact_id", "occurred_at", "interaction_id"],
            unique=False,
        )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_merged", ["tenant_id", "merged_into"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_merged")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_contact")
        batch_op.create_index(
            "ix_participants_contact", ["tenant_id", "contact_id", "occurred_at"], unique=False
        )
