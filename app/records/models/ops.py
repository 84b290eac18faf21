"""Sync state, Graph subscriptions, suppressions, erasures, thread marks and the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TenantScoped, UTCDateTime, new_id, tenant_fk, utcnow


class SyncState(TenantScoped, Base):
    """Where the sync of one mailbox folder (or calendar) stands: its delta link and health."""

    __tablename__ = "sync_states"
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    folder: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # inbox|sentitems|calendar
    delta_link: Mapped[str | None] = mapped_column(sa.Text)
    next_link: Mapped[str | None] = mapped_column(sa.Text)  # resume point mid-round
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    items_seen: Mapped[int] = mapped_column(sa.Integer, default=0)
    items_stored: Mapped[int] = mapped_column(sa.Integer, default=0)
    # messages that could not be stored, each set aside so the folder goes on past it
    items_set_aside: Mapped[int | None] = mapped_column(sa.Integer, default=0)
    last_set_aside: Mapped[str | None] = mapped_column(sa.Text)
    __table_args__ = (tenant_fk("user_id", "users"),)


class Subscription(TenantScoped, Base):
    """A Graph change-notification subscription for one mailbox resource."""

    __tablename__ = "subscriptions"
    id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)  # Graph's id
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    resource: Mapped[str] = mapped_column(sa.String(400))
    client_state: Mapped[str] = mapped_column(sa.String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        tenant_fk("user_id", "users"),
        sa.Index("ix_subscriptions_id", "id"),
    )


class Suppression(TenantScoped, Base):
    """An address or domain never to track, for the whole tenant or for one user."""

    __tablename__ = "suppressions"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(sa.String(10))  # address | domain
    value: Mapped[str] = mapped_column(sa.String(320))
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)  # None: whole tenant
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (sa.Index("ix_suppressions_value", "tenant_id", "value"),)


class AuditEvent(TenantScoped, Base):
    """Who did what to the record (merges, erasures, suppressions)."""

    __tablename__ = "audit_events"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    action: Mapped[str] = mapped_column(sa.String(40))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class ErasedAddress(TenantScoped, Base):
    """An erased person's address, kept only as a keyed hash (HMAC-SHA256 with the
    settings' ``erasure_key``) so that sync never records them again."""

    __tablename__ = "erased_addresses"
    address_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)


class ThreadMark(TenantScoped, Base):
    """A seller's choice for one of their threads: ``shared`` with the team (colleagues see
    it in full) or ``private`` (only the sellers whose mailboxes hold it see it)."""

    __tablename__ = "thread_marks"
    thread_id: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    mark: Mapped[str] = mapped_column(sa.String(10))  # shared | private
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (tenant_fk("user_id", "users"),)
