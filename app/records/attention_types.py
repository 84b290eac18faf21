"""The shapes of app/records/attention.py: the rules' thresholds, one item that needs a
seller's attention, and the small helpers the rules share (names, the seller, their clock)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .ageing import stale_days
from .models import Account, Contact, User

# Risk signals are kind "risk" with a subtype value (app/extract/patterns/signals.jsonl):
# these three say the customer may leave or is going over our heads; complaint, delay and
# on_hold are worth reading on the story but not worth interrupting a seller for.
RISK_KINDS: tuple[str, ...] = ("churn", "escalation", "cancel")


@dataclass(frozen=True, kw_only=True)
class AttentionOptions:
    """The thresholds of the rules (app/settings.py ``STORYLINE_NUDGE_*`` sets them)."""

    unanswered_hours: int = 24  # business (weekday) hours without a reply
    cold_days: int = 21  # days without a two-way touch (inbound and outbound)
    stage_age_factor: float = 1.5  # x the tenant's median time in the deal's stage
    single_thread_days: int = 30  # window in which only one customer contact is engaged
    risk_kinds: tuple[str, ...] = RISK_KINDS
    stale_promise_days: int = 14  # an undated promise older than this is stale
    risk_days: int = 7  # a risk signal is "new" for this long

    def for_tenant(self, session: Session, tenant_id: uuid.UUID) -> AttentionOptions:
        """These thresholds with the tenant's own stale-promise days, where it set them."""
        return replace(self, stale_promise_days=stale_promise_days(
            session, tenant_id, self.stale_promise_days))


@dataclass(frozen=True, kw_only=True)
class AttentionItem:
    """One thing a seller should act on, with why (``reason``) and the facts (``evidence``).

    ``dedupe_key`` names the thing and the moment it became due, so one nudge is sent for
    it: a promise whose due date moves, or a customer who writes again, is a new item.
    """

    kind: str  # one of app.prep.models.NUDGE_KINDS
    dedupe_key: str
    subject_id: uuid.UUID  # the commitment, interaction, deal or signal
    account_id: uuid.UUID | None
    account_name: str | None
    contact_id: uuid.UUID | None
    contact_name: str | None
    title: str
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)
    due_on: date | None = None
    occurred_at: datetime | None = None
    interaction_id: uuid.UUID | None = None


def day_label(day: date) -> str:
    """A date as a seller reads it in a sentence: "3 Dec"."""
    return f"{day.day} {day:%b}"


def seller(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
    """The seller, or None for a team mailbox or an unknown user (they get no items)."""
    user = session.get(User, (tenant_id, user_id))
    return None if user is None or user.team_mailbox else user


def stale_promise_days(session: Session, tenant_id: uuid.UUID, settings_default: int) -> int:
    """The tenant's days after which an undated promise is stale (None: the settings'), as
    the story reads it (:func:`app.records.ageing.stale_days`)."""
    return stale_days(session, tenant_id=tenant_id, default=settings_default)


def zone_of(name: str | None) -> ZoneInfo:
    """The seller's clock; an unknown or empty zone name reads as UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def names(session: Session, tenant_id: uuid.UUID, accounts: set[uuid.UUID | None],
          contacts: set[uuid.UUID | None]) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    """Account and contact names by id (a contact without a display name is left out)."""
    a = {i for i in accounts if i}
    c = {i for i in contacts if i}
    acc = dict(session.execute(sa.select(Account.id, Account.name).where(
        Account.tenant_id == tenant_id, Account.id.in_(a))).all()) if a else {}
    con = dict(session.execute(sa.select(Contact.id, Contact.display_name).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(c))).all()) if c else {}
    return acc, {k: v for k, v in con.items() if v}
