"""The delivery log of prep cards and digests: what was sent to whom, so nothing goes twice."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.records.models.base import Base, TenantScoped, UTCDateTime, new_id, utcnow

KINDS = ("card", "digest", "handoff", "nudge")  # handoff: a team mailbox alert for an owner
STATUSES = ("sending", "sent", "failed", "cancelled")


class PrepDelivery(TenantScoped, Base):
    """One card (per meeting occurrence) or digest (per local day) for one seller.

    ``dedupe_key`` is ``card:<meeting id>:<start as UTC ISO>`` or ``digest:<local date>``; the
    unique (tenant, user, key) constraint is what makes "never twice" hold even when two
    workers race: the row is claimed (inserted) before the Graph call. A meeting that moves
    gets a new key, so its seller gets one corrected card; ``chain_id`` stays the same so
    Teams replaces the earlier notification instead of adding a second.
    """

    __tablename__ = "prep_deliveries"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(10))  # card | digest
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)  # interaction id; None: digest
    dedupe_key: Mapped[str] = mapped_column(sa.String(120))
    meeting_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10), default="sending")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    graph_message_id: Mapped[str | None] = mapped_column(sa.String(200))
    chain_id: Mapped[int] = mapped_column(sa.BigInteger)
    card: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # exactly what was sent
    error: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"],
                                ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "user_id", "dedupe_key",
                            name="uq_prep_deliveries_key"),
        sa.Index("ix_prep_deliveries_meeting", "tenant_id", "meeting_id"),
        sa.Index("ix_prep_deliveries_sent", "tenant_id", "sent_at"),
    )


NUDGE_KINDS = ("promise_due", "unanswered", "deal_cold", "single_threaded", "risk")
NUDGE_STATUSES = ("open", "sent", "done", "snoozed", "held")


class Nudge(TenantScoped, Base):
    """One thing a seller should act on, found by the nudge round and sent once.

    ``dedupe_key`` names what it is about (``promise_due:<commitment id>:<due date>``,
    ``unanswered:<interaction id>``, ``deal_cold:<deal id>:<since>`` ...): the unique
    (tenant, user, key) row is claimed before Graph is called, so a second round, or a second
    worker, sends nothing. ``reason`` is the sentence the seller reads; ``evidence`` the facts
    behind it (subjects, dates, the words of a signal); ``link`` the deep link to the story.
    Done closes it for good; Snooze (``snoozed_until``) holds it until then.
    """

    __tablename__ = "nudges"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(20))
    dedupe_key: Mapped[str] = mapped_column(sa.String(160))
    subject_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)  # commitment, mail or deal
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    reason: Mapped[str] = mapped_column(sa.String(300))
    evidence: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)  # its PrepDelivery row
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"],
                                ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "user_id", "dedupe_key", name="uq_nudges_key"),
        sa.Index("ix_nudges_user", "tenant_id", "user_id", "status", "created_at"),
    )
