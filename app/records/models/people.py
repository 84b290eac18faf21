"""Customer organisations (accounts) and people (contacts), with their domains and addresses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TenantScoped, UTCDateTime, new_id, tenant_fk, utcnow


class Account(TenantScoped, Base):
    """A customer organisation."""

    __tablename__ = "accounts"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Rollups maintained on write so lists and the story need no scans.
    interaction_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        sa.Index("ix_accounts_activity", "tenant_id", "interaction_count"),
        sa.Index("ix_accounts_name", "tenant_id", "name"),
    )


class AccountDomain(TenantScoped, Base):
    """A registrable domain (public-suffix aware) that identifies an account."""

    __tablename__ = "account_domains"
    domain: Mapped[str] = mapped_column(sa.String(253), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    __table_args__ = (
        tenant_fk("account_id", "accounts"),
        sa.Index("ix_account_domains_account", "tenant_id", "account_id"),
    )


class Contact(TenantScoped, Base):
    """A person on the customer side. ``merged_into`` points at the survivor of a merge."""

    __tablename__ = "contacts"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    name_key: Mapped[str] = mapped_column(sa.String(200), default="")  # normalised, for dupes
    title: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    company: Mapped[str | None] = mapped_column(sa.String(200))
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    merged_into: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    source: Mapped[str] = mapped_column(sa.String(20), default="sent")
    # Where each enriched field came from: {"title": {"text": ..., "interaction_id": ...}}
    evidence: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    interaction_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        tenant_fk("account_id", "accounts", ondelete="SET NULL"),
        sa.Index("ix_contacts_account", "tenant_id", "account_id", "name_key"),
        sa.Index("ix_contacts_activity", "tenant_id", "interaction_count"),
        sa.Index("ix_contacts_name", "tenant_id", "name_key"),
        sa.Index("ix_contacts_merged", "tenant_id", "merged_into"),  # merged_family, per story
    )


class ContactAddress(TenantScoped, Base):
    """One normalised email address of a contact; an address belongs to one contact."""

    __tablename__ = "contact_addresses"
    address: Mapped[str] = mapped_column(sa.String(320), primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    is_primary: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    __table_args__ = (
        tenant_fk("contact_id", "contacts"),
        sa.Index("ix_contact_addresses_contact", "tenant_id", "contact_id"),
    )


class ContactMerge(TenantScoped, Base):
    """A merge of one contact into another, kept so it can be undone."""

    __tablename__ = "contact_merges"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    source_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    target_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    moved_addresses: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    merged_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (sa.Index("ix_contact_merges_source", "tenant_id", "source_id"),)
