"""initial schema

Revision ID: 0001_initial_schema
Revises: (none)
Create Date: 2026-11-22 19:54:20.856039
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial_schema"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "accounts",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interaction_count", sa.Integer(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_accounts")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_accounts_activity", ["tenant_id", "interaction_count"], unique=False
        )
        batch_op.create_index("ix_accounts_name", ["tenant_id", "name"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_audit_events")),
    )
    op.create_table(
        "contact_merges",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("moved_addresses", sa.JSON(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_by", sa.Uuid(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_contact_merges")),
    )
    with op.batch_alter_table("contact_merges", schema=None) as batch_op:
        batch_op.create_index("ix_contact_merges_source", ["tenant_id", "source_id"], unique=False)

    op.create_table(
        "interactions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("external_key", sa.String(length=400), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("thread_id", sa.String(length=400), nullable=True),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("snippet", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("from_address", sa.String(length=320), nullable=True),
        sa.Column("from_user_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_interactions")),
        sa.UniqueConstraint("tenant_id", "kind", "external_key", name="uq_interactions_key"),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interactions_account", ["tenant_id", "account_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_interactions_thread", ["tenant_id", "thread_id", "occurred_at"], unique=False
        )

    op.create_table(
        "suppressions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_suppressions")),
    )
    with op.batch_alter_table("suppressions", schema=None) as batch_op:
        batch_op.create_index("ix_suppressions_value", ["tenant_id", "value"], unique=False)

    op.create_table(
        "tenants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_policy", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
    )
    op.create_table(
        "account_domains",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["accounts.tenant_id", "accounts.id"],
            name=op.f("fk_account_domains_tenant_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "domain", name=op.f("pk_account_domains")),
    )
    with op.batch_alter_table("account_domains", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_domains_account", ["tenant_id", "account_id"], unique=False
        )

    op.create_table(
        "commitments",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("interaction_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("owner_user_id", sa.Uuid(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence_start", sa.Integer(), nullable=True),
        sa.Column("evidence_end", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "interaction_id"],
            ["interactions.tenant_id", "interactions.id"],
            name=op.f("fk_commitments_tenant_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commitments_account", ["tenant_id", "account_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_commitments_contact", ["tenant_id", "contact_id", "status"], unique=False
        )

    op.create_table(
        "contacts",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interaction_count", sa.Integer(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["accounts.tenant_id", "accounts.id"],
            name=op.f("fk_contacts_tenant_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_account", ["tenant_id", "account_id", "name_key"], unique=False
        )
        batch_op.create_index(
            "ix_contacts_activity", ["tenant_id", "interaction_count"], unique=False
        )
        batch_op.create_index("ix_contacts_name", ["tenant_id", "name_key"], unique=False)

    op.create_table(
        "deals",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("owner_user_id", sa.Uuid(), nullable=True),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["accounts.tenant_id", "accounts.id"],
            name=op.f("fk_deals_tenant_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_deals")),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index("ix_deals_account", ["tenant_id", "account_id"], unique=False)

    op.create_table(
        "interaction_mailboxes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("interaction_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("graph_id", sa.String(length=400), nullable=True),
        sa.Column("folder", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "interaction_id"],
            ["interactions.tenant_id", "interactions.id"],
            name=op.f("fk_interaction_mailboxes_tenant_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "interaction_id", "user_id", name=op.f("pk_interaction_mailboxes")
        ),
    )
    with op.batch_alter_table("interaction_mailboxes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interaction_mailboxes_graph", ["tenant_id", "user_id", "graph_id"], unique=False
        )

    op.create_table(
        "participants",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("interaction_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "interaction_id"],
            ["interactions.tenant_id", "interactions.id"],
            name=op.f("fk_participants_tenant_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "interaction_id", "address", "role", name=op.f("pk_participants")
        ),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participants_contact", ["tenant_id", "contact_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_participants_user", ["tenant_id", "user_id", "occurred_at"], unique=False
        )

    op.create_table(
        "signals",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("interaction_id", sa.Uuid(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence_start", sa.Integer(), nullable=True),
        sa.Column("evidence_end", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "interaction_id"],
            ["interactions.tenant_id", "interactions.id"],
            name=op.f("fk_signals_tenant_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_signals")),
    )
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signals_account", ["tenant_id", "account_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_signals_contact", ["tenant_id", "contact_id", "occurred_at"], unique=False
        )

    op.create_table(
        "tenant_domains",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_tenant_domains_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "domain", name=op.f("pk_tenant_domains")),
    )
    op.create_table(
        "users",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("oid", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("sync_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_users_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_users")),
        sa.UniqueConstraint("tenant_id", "email", name="uq_users_email"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_oid", ["tenant_id", "oid"], unique=True)

    op.create_table(
        "contact_addresses",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "contact_id"],
            ["contacts.tenant_id", "contacts.id"],
            name=op.f("fk_contact_addresses_tenant_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "address", name=op.f("pk_contact_addresses")),
    )
    with op.batch_alter_table("contact_addresses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_addresses_contact", ["tenant_id", "contact_id"], unique=False
        )

    op.create_table(
        "deal_interactions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=False),
        sa.Column("interaction_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deal_id"],
            ["deals.tenant_id", "deals.id"],
            name=op.f("fk_deal_interactions_tenant_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "interaction_id"],
            ["interactions.tenant_id", "interactions.id"],
            name=op.f("fk_deal_interactions_tenant_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "deal_id", "interaction_id", name=op.f("pk_deal_interactions")
        ),
    )
    op.create_table(
        "deal_stage_changes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deal_id"],
            ["deals.tenant_id", "deals.id"],
            name=op.f("fk_deal_stage_changes_tenant_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_deal_stage_changes")),
    )
    with op.batch_alter_table("deal_stage_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_stage_changes_deal", ["tenant_id", "deal_id", "changed_at"], unique=False
        )

    op.create_table(
        "relationships",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("interactions", sa.Integer(), nullable=False),
        sa.Column("inbound", sa.Integer(), nullable=False),
        sa.Column("outbound", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "contact_id"],
            ["contacts.tenant_id", "contacts.id"],
            name=op.f("fk_relationships_tenant_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "contact_id", "user_id", name=op.f("pk_relationships")
        ),
    )
    op.create_table(
        "subscriptions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("resource", sa.String(length=400), nullable=False),
        sa.Column("client_state", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_subscriptions_tenant_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_subscriptions")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_subscriptions_id", ["id"], unique=False)

    op.create_table(
        "sync_states",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("folder", sa.String(length=40), nullable=False),
        sa.Column("delta_link", sa.Text(), nullable=True),
        sa.Column("next_link", sa.Text(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("items_seen", sa.Integer(), nullable=False),
        sa.Column("items_stored", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_sync_states_tenant_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "folder", name=op.f("pk_sync_states")),
    )


def downgrade() -> None:

    op.drop_table("sync_states")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriptions_id")

    op.drop_table("subscriptions")
    op.drop_table("relationships")
    with op.batch_alter_table("deal_stage_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_stage_changes_deal")

    op.drop_table("deal_stage_changes")
    op.drop_table("deal_interactions")
    with op.batch_alter_table("contact_addresses", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_addresses_contact")

    op.drop_table("contact_addresses")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_oid")

    op.drop_table("users")
    op.drop_table("tenant_domains")
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_index("ix_signals_contact")
        batch_op.drop_index("ix_signals_account")

    op.drop_table("signals")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_user")
        batch_op.drop_index("ix_participants_contact")

    op.drop_table("participants")
    with op.batch_alter_table("interaction_mailboxes", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_mailboxes_graph")

    op.drop_table("interaction_mailboxes")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_account")

    op.drop_table("deals")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_name")
        batch_op.drop_index("ix_contacts_activity")
        batch_op.drop_index("ix_contacts_account")

    op.drop_table("contacts")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_commitments_contact")
        batch_op.drop_index("ix_commitments_account")

    op.drop_table("commitments")
    with op.batch_alter_table("account_domains", schema=None) as batch_op:
        batch_op.drop_index("ix_account_domains_account")

    op.drop_table("account_domains")
    op.drop_table("tenants")
    with op.batch_alter_table("suppressions", schema=None) as batch_op:
        batch_op.drop_index("ix_suppressions_value")

    op.drop_table("suppressions")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_thread")
        batch_op.drop_index("ix_interactions_account")

    op.drop_table("interactions")
    with op.batch_alter_table("contact_merges", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_merges_source")

    op.drop_table("contact_merges")
    op.drop_table("audit_events")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_name")
        batch_op.drop_index("ix_accounts_activity")

    op.drop_table("accounts")
