"""Across the handoff: what a team mailbox heard that the account's owner must know now.

An escalation, a cancellation threat (risk signals of those kinds) or, in a finance mailbox, a
customer disputing an invoice, found in mail a team mailbox received from a customer. Each
becomes one alert for the account's owner: the owner of its open deal, else the seller who
knows the account best. Nothing here sends anything; app/prep/handoff.py delivers.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import (
    Account,
    Deal,
    Interaction,
    InteractionMailbox,
    Participant,
    Relationship,
    Signal,
    User,
)
from .models.deals import OPEN_STAGES

# risk signal subtypes that must reach the account's owner at once
ALERT_RISKS = {"escalation": "escalation", "cancel": "cancellation", "churn": "cancellation"}
_INVOICE = re.compile(r"\b(invoice|invoiced|billing|bill|payment|statement)s?\b", re.I)
_DISPUTE = re.compile(
    r"\b(dispute[sd]?|disputing|incorrect(ly)?|wrong(ly)?|overcharg\w*|double[- ]?(billed|charged)"
    r"|charged twice|not (been )?agreed|do(es)? not agree|don'?t agree|never (agreed|ordered)"
    r"|refuse to pay|will not pay|won'?t pay|withhold\w* payment|credit note)\b", re.I)


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamAlert:
    """One thing a team mailbox heard from a customer that the account's owner must hear."""

    tenant_id: uuid.UUID
    interaction_id: uuid.UUID
    kind: str  # escalation | cancellation | invoice_dispute
    function: str
    subject: str
    evidence: str
    account_id: uuid.UUID
    account_name: str
    owner_user_id: uuid.UUID
    occurred_at: datetime


def is_invoice_dispute(text: str) -> bool:
    """True when the text disputes an invoice or a payment asked of the customer."""
    return bool(_INVOICE.search(text) and _DISPUTE.search(text))


def _team_inbound(session: Session, tenant_id: uuid.UUID,
                  since: datetime) -> list[tuple[Interaction, str]]:
    rows = session.execute(
        sa.select(Interaction, User.function)
        .join(InteractionMailbox, sa.and_(InteractionMailbox.tenant_id == Interaction.tenant_id,
                                          InteractionMailbox.interaction_id == Interaction.id))
        .join(User, sa.and_(User.tenant_id == InteractionMailbox.tenant_id,
                            User.id == InteractionMailbox.user_id, User.team_mailbox.is_(True)))
        .where(Interaction.tenant_id == tenant_id, Interaction.direction == "inbound",
               Interaction.deleted_at.is_(None), Interaction.account_id.is_not(None),
               Interaction.occurred_at >= since)
        .order_by(Interaction.occurred_at)).all()
    seen: dict[uuid.UUID, tuple[Interaction, str]] = {}
    for interaction, function in rows:
        seen.setdefault(interaction.id, (interaction, function or "support"))
    return list(seen.values())


def _risk_kinds(session: Session, tenant_id: uuid.UUID,
                ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """For each interaction, the first alerting risk signal: (alert kind, its evidence)."""
    out: dict[uuid.UUID, tuple[str, str]] = {}
    if not ids:
        return out
    for interaction_id, value, text in session.execute(
            sa.select(Signal.interaction_id, Signal.value, Signal.text).where(
                Signal.tenant_id == tenant_id, Signal.kind == "risk",
                Signal.interaction_id.in_(ids)).order_by(Signal.occurred_at)):
        subtype = value.get("subtype") if isinstance(value, dict) else value
        kind = ALERT_RISKS.get(str(subtype or "").lower())
        if kind and interaction_id is not None:
            out.setdefault(interaction_id, (kind, text))
    return out


def account_owner(session: Session, *, tenant_id: uuid.UUID,
                  account_id: uuid.UUID) -> uuid.UUID | None:
    """The owner of the account's newest open deal, else the seller (not a team mailbox) with
    the most interactions with its people; None when nobody on our side knows them."""
    owner = session.scalar(
        sa.select(Deal.owner_user_id).where(
            Deal.tenant_id == tenant_id, Deal.account_id == account_id,
            Deal.stage.in_(OPEN_STAGES), Deal.owner_user_id.is_not(None))
        .order_by(Deal.created_at.desc()).limit(1))
    if owner is not None:
        return owner
    people = sa.select(Participant.contact_id).where(
        Participant.tenant_id == tenant_id, Participant.contact_id.is_not(None),
        Participant.interaction_id.in_(sa.select(Interaction.id).where(
            Interaction.tenant_id == tenant_id, Interaction.account_id == account_id)))
    return session.scalar(
        sa.select(Relationship.user_id)
        .join(User, sa.and_(User.tenant_id == Relationship.tenant_id,
                            User.id == Relationship.user_id, User.team_mailbox.is_(False)))
        .where(Relationship.tenant_id == tenant_id, Relationship.contact_id.in_(people))
        .group_by(Relationship.user_id)
        .order_by(sa.func.sum(Relationship.interactions).desc(), Relationship.user_id)
        .limit(1))


def team_alerts(session: Session, *, tenant_id: uuid.UUID, since: datetime) -> list[TeamAlert]:
    """Escalations, cancellation threats and invoice disputes that team mailboxes received
    from customers since ``since``, each with the account owner who must hear of it."""
    inbound = _team_inbound(session, tenant_id, since)
    risks = _risk_kinds(session, tenant_id, [i.id for i, _f in inbound])
    alerts: list[TeamAlert] = []
    owners: dict[uuid.UUID, uuid.UUID | None] = {}
    for interaction, function in inbound:
        found = risks.get(interaction.id)
        text = f"{interaction.subject}\n{interaction.body_text or interaction.snippet}"
        if found is None and function == "finance" and is_invoice_dispute(text):
            found = ("invoice_dispute", interaction.snippet or interaction.subject)
        if found is None or interaction.account_id is None:
            continue
        account_id = interaction.account_id
        if account_id not in owners:
            owners[account_id] = account_owner(session, tenant_id=tenant_id,
                                               account_id=account_id)
        owner = owners[account_id]
        account = session.get(Account, (tenant_id, account_id))
        if owner is None or account is None:
            continue
        alerts.append(TeamAlert(
            tenant_id=tenant_id, interaction_id=interaction.id, kind=found[0],
            function=function, subject=interaction.subject, evidence=found[1],
            account_id=account_id, account_name=account.name, owner_user_id=owner,
            occurred_at=interaction.occurred_at))
    return alerts
