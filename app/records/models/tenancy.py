"""Tenants (Entra directories), their internal domains, and users (sellers)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TenantScoped, UTCDateTime, new_id, utcnow


class Tenant(Base):
    """An Entra tenant; its id is the directory id (``tid``)."""

    __tablename__ = "tenants"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    contact_policy: Mapped[str] = mapped_column(sa.String(20), default="sent")
    # what colleagues see of mail they were not on (metadata | subject | full); None: the
    # STORYLINE_VISIBILITY default
    visibility: Mapped[str | None] = mapped_column(sa.String(10))
    # a promise without a due date is stale (off the overdue list) after this many days;
    # None: the STORYLINE_STALE_PROMISE_DAYS default (14)
    stale_promise_days: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TenantDomain(TenantScoped, Base):
    """A mail domain that belongs to the tenant itself: its people are colleagues."""

    __tablename__ = "tenant_domains"
    domain: Mapped[str] = mapped_column(sa.String(253), primary_key=True)
    __table_args__ = (sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),)


FUNCTIONS = ("sales", "support", "finance", "success")


class User(TenantScoped, Base):
    """A seller (a member of the tenant whose mailbox may be synced), or a team mailbox."""

    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    oid: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    email: Mapped[str] = mapped_column(sa.String(320))
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    sync_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A team mailbox (support@, billing@ ...) is synced like a seller's but is nobody's:
    # its mail is its function's, and only its function sees it when ``function_only``.
    # A seller may carry a function too (what a function-only team mailbox checks).
    team_mailbox: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    function: Mapped[str | None] = mapped_column(sa.String(20))
    function_only: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    __table_args__ = (
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "email", name="uq_users_email"),
        sa.Index("ix_users_oid", "tenant_id", "oid", unique=True),
    )


__all__ = ["FUNCTIONS", "Tenant", "TenantDomain", "User"]
