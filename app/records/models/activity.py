"""Interactions (emails, meetings), who took part, which mailboxes saw them, and the
per-person relationship rollups kept on write."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TenantScoped, UTCDateTime, new_id, tenant_fk, utcnow

DIRECTIONS = ("inbound", "outbound", "internal")
ROLES = ("from", "to", "cc", "bcc", "organizer", "attendee")


class Interaction(TenantScoped, Base):
    """One email or meeting, stored once per tenant however many mailboxes saw it.

    ``external_key`` is the internetMessageId of an email or the iCalUId of a meeting.
    """

    __tablename__ = "interactions"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(sa.String(10))  # email | meeting
    external_key: Mapped[str] = mapped_column(sa.String(400))
    direction: Mapped[str] = mapped_column(sa.String(10))
    thread_id: Mapped[str | None] = mapped_column(sa.String(400))
    subject: Mapped[str] = mapped_column(sa.String(400), default="")
    snippet: Mapped[str] = mapped_column(sa.String(300), default="")
    body_text: Mapped[str | None] = mapped_column(sa.Text)  # cleaned new part only
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # meetings
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    from_address: Mapped[str | None] = mapped_column(sa.String(320))
    from_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    cancelled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Outlook's sensitivity (normal | personal | private | confidential); ``private`` when it
    # is not normal or its outside people are free-mail addresses tied to no account: such
    # an interaction shows only to the sellers whose mailboxes hold it
    sensitivity: Mapped[str] = mapped_column(sa.String(12), default="normal")
    private: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # the Teams meeting's chat thread (19:meeting_...@thread.v2), from the event's join link:
    # how the Teams meeting side panel finds the meeting it is open in
    teams_thread_id: Mapped[str | None] = mapped_column(sa.String(300))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "kind", "external_key", name="uq_interactions_key"),
        sa.Index("ix_interactions_teams_thread", "tenant_id", "teams_thread_id"),
        sa.Index("ix_interactions_thread", "tenant_id", "thread_id", "occurred_at"),
        sa.Index("ix_interactions_account", "tenant_id", "account_id", "occurred_at"),
    )


class Participant(TenantScoped, Base):
    """A person on an interaction: a contact (customer side) or a user (our side).

    ``occurred_at`` and ``direction`` are copied from the interaction so the timeline of a
    contact is one index range scan, newest first.
    """

    __tablename__ = "participants"
    interaction_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(320), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    direction: Mapped[str] = mapped_column(sa.String(10))
    __table_args__ = (
        tenant_fk("interaction_id", "interactions"),
        # interaction_id last: a contact's newest page is read from the index alone, in order
        sa.Index("ix_participants_contact", "tenant_id", "contact_id", "occurred_at",
                 "interaction_id"),
        sa.Index("ix_participants_user", "tenant_id", "user_id", "occurred_at"),
    )


class InteractionMailbox(TenantScoped, Base):
    """A mailbox (user) in which an interaction was seen, with its Graph id there."""

    __tablename__ = "interaction_mailboxes"
    interaction_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    graph_id: Mapped[str | None] = mapped_column(sa.String(400))
    folder: Mapped[str | None] = mapped_column(sa.String(40))
    # set for a folder's links when it is read again after a 410; cleared as each is met
    resync_pending: Mapped[bool] = mapped_column(sa.Boolean, default=False,
                                                 server_default=sa.false())
    __table_args__ = (
        tenant_fk("interaction_id", "interactions"),
        sa.Index("ix_interaction_mailboxes_graph", "tenant_id", "user_id", "graph_id"),
    )


class Relationship(TenantScoped, Base):
    """Rollup of one seller's history with one contact (who on the team knows them)."""

    __tablename__ = "relationships"
    contact_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    interactions: Mapped[int] = mapped_column(sa.Integer, default=0)
    inbound: Mapped[int] = mapped_column(sa.Integer, default=0)
    outbound: Mapped[int] = mapped_column(sa.Integer, default=0)
    meetings: Mapped[int] = mapped_column(sa.Integer, default=0)
    first_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_outbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (tenant_fk("contact_id", "contacts"),)
