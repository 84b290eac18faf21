"""What was promised and what was signalled, the deals they move, and what sellers said of
the promises in their drafts."""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TenantScoped, UTCDateTime, new_id, tenant_fk, utcnow

COMMITMENT_STATUSES = ("open", "done", "cancelled")


class DealStage(StrEnum):
    """A deal's stage, in the order deals move through them; the one list of them (the task
    pane's copy in addin/taskpane/js/story.js is checked against it by a test)."""

    LEAD = "lead"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def is_open(self) -> bool:
        """Still being worked: neither won nor lost."""
        return self not in (DealStage.WON, DealStage.LOST)

    @property
    def label(self) -> str:
        """How a seller reads it ("Negotiation")."""
        return self.value.capitalize()


# Plain strings, for columns and SQL ``IN`` lists.
DEAL_STAGES: tuple[str, ...] = tuple(s.value for s in DealStage)
OPEN_STAGES: tuple[str, ...] = tuple(s.value for s in DealStage if s.is_open)


class Commitment(TenantScoped, Base):
    """A promise (``kind='promise'``) or a request (``kind='request'``) found in an interaction.

    ``side`` says who owes it: ``us`` (a seller) or ``them`` (the customer). Overdue is derived
    from ``due_on`` and today, never stored.
    """

    __tablename__ = "commitments"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    interaction_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(10))
    side: Mapped[str] = mapped_column(sa.String(4))
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)  # the customer involved
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    action: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_start: Mapped[int | None] = mapped_column(sa.Integer)
    evidence_end: Mapped[int | None] = mapped_column(sa.Integer)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    # calibrated probability the extraction is right; shown: seen by default (else a suggestion)
    confidence: Mapped[float] = mapped_column(sa.Float, default=1.0, server_default="1")
    shown: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    snoozed_until: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Auto-close: the later mail (or meeting) that delivered it, and the words or attachment
    # that show it; closed_how is "auto" (Storyline closed it) or "seller" (PATCH). A seller
    # who reopens it sets reopened_at: only mail after that may close it again.
    closed_by_interaction_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    closed_evidence: Mapped[str | None] = mapped_column(sa.String(300))
    closed_how: Mapped[str | None] = mapped_column(sa.String(10))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the seller set due_on by hand: later extraction never overwrites it
    due_set_by_seller: Mapped[bool] = mapped_column(sa.Boolean, default=False,
                                                    server_default=sa.false())
    __table_args__ = (
        tenant_fk("interaction_id", "interactions", ondelete="CASCADE"),
        sa.Index("ix_commitments_owner", "tenant_id", "owner_user_id", "status"),
        sa.Index("ix_commitments_contact", "tenant_id", "contact_id", "status"),
        sa.Index("ix_commitments_account", "tenant_id", "account_id", "status"),
    )


class Signal(TenantScoped, Base):
    """A deal signal (budget, competitor, risk, ...) with the words that show it."""

    __tablename__ = "signals"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    interaction_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(30))
    value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_start: Mapped[int | None] = mapped_column(sa.Integer)
    evidence_end: Mapped[int | None] = mapped_column(sa.Integer)
    confidence: Mapped[float] = mapped_column(sa.Float, default=0.5)
    shown: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        tenant_fk("interaction_id", "interactions", ondelete="CASCADE"),
        sa.Index("ix_signals_contact", "tenant_id", "contact_id", "occurred_at"),
        sa.Index("ix_signals_account", "tenant_id", "account_id", "occurred_at"),
    )


class Mention(TenantScoped, Base):
    """A person the mail names with their role ("Zeynep Fontaine (Finance Business Partner)"):
    linked to the account's contact of that name when there is one (app.extract.people)."""

    __tablename__ = "mentions"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    interaction_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(120))
    evidence_start: Mapped[int | None] = mapped_column(sa.Integer)
    evidence_end: Mapped[int | None] = mapped_column(sa.Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        tenant_fk("interaction_id", "interactions", ondelete="CASCADE"),
        sa.Index("ix_mentions_account", "tenant_id", "account_id", "occurred_at"),
    )


class Deal(TenantScoped, Base):
    """An opportunity with an account."""

    __tablename__ = "deals"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    name: Mapped[str] = mapped_column(sa.String(200))
    stage: Mapped[str] = mapped_column(sa.String(20), default="lead")
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    close_date: Mapped[date | None] = mapped_column(sa.Date)
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        tenant_fk("account_id", "accounts"),
        sa.Index("ix_deals_account", "tenant_id", "account_id"),
    )


class DealStageChange(TenantScoped, Base):
    """One move of a deal from one stage to another (the stage history)."""

    __tablename__ = "deal_stage_changes"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    deal_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    from_stage: Mapped[str | None] = mapped_column(sa.String(20))
    to_stage: Mapped[str] = mapped_column(sa.String(20))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    __table_args__ = (
        tenant_fk("deal_id", "deals"),
        sa.Index("ix_deal_stage_changes_deal", "tenant_id", "deal_id", "changed_at"),
    )


class DealInteraction(TenantScoped, Base):
    """A thread or meeting linked to a deal."""

    __tablename__ = "deal_interactions"
    deal_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    interaction_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    __table_args__ = (
        tenant_fk("deal_id", "deals"),
        tenant_fk("interaction_id", "interactions"),
    )


def normalise_promise(text: str) -> str:
    """A promise sentence as compared: lowercase, whitespace collapsed, punctuation (and
    spaces) stripped at both ends."""
    words = " ".join(text.lower().split())
    start, end = 0, len(words)
    while start < end and _trimmed(words[start]):
        start += 1
    while end > start and _trimmed(words[end - 1]):
        end -= 1
    return words[start:end]


def promise_text_key(text: str) -> str:
    """The sha256 hex of a promise sentence, normalised (:func:`normalise_promise`) so the
    draft's words and the sent mail's match."""
    return hashlib.sha256(normalise_promise(text).encode()).hexdigest()


def _trimmed(char: str) -> bool:
    """Punctuation (any script: "." "…" "“") or a space, dropped at the ends of a sentence."""
    return char == " " or unicodedata.category(char).startswith("P")


class DraftChoice(TenantScoped, Base):
    """A seller's answer in compose mode to "You are promising X: track it?", for the
    sentence (by hash), so sync can honour "Not a promise" when the mail is sent. One per
    seller and sentence: a later choice replaces an earlier one."""

    __tablename__ = "draft_choices"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    text_hash: Mapped[str] = mapped_column(sa.String(64))
    choice: Mapped[str] = mapped_column(sa.String(10))  # track | ignore
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        tenant_fk("user_id", "users"),
        sa.UniqueConstraint("tenant_id", "user_id", "text_hash", name="uq_draft_choices_text"),
    )
