"""Records to plain JSON-ready dicts (the shapes of the story and the lists)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import (
    Account,
    AccountDomain,
    Commitment,
    Contact,
    Deal,
    Interaction,
    Participant,
    Signal,
    User,
)


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def contact(c: Contact, addresses: Iterable[str]) -> dict[str, Any]:
    """A contact card."""
    return {
        "id": str(c.id), "name": c.display_name, "title": c.title, "phone": c.phone,
        "company": c.company, "account_id": str(c.account_id) if c.account_id else None,
        "addresses": list(addresses), "merged_into": str(c.merged_into) if c.merged_into else None,
        "interaction_count": c.interaction_count, "last_activity_at": _iso(c.last_activity_at),
        "evidence": c.evidence or {},
    }


def account(session: Session, tenant_id: uuid.UUID, a: Account) -> dict[str, Any]:
    """An account with its domains."""
    domains = session.scalars(
        sa.select(AccountDomain.domain).where(
            AccountDomain.tenant_id == tenant_id, AccountDomain.account_id == a.id
        ).order_by(AccountDomain.domain)
    ).all()
    return {"id": str(a.id), "name": a.name, "domains": list(domains),
            "interaction_count": a.interaction_count, "last_activity_at": _iso(a.last_activity_at)}


def team_names(session: Session, tenant_id: uuid.UUID,
               interaction_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """For each interaction, the names of our people on it."""
    if not interaction_ids:
        return {}
    out: dict[uuid.UUID, list[str]] = {}
    for iid, name in session.execute(
        sa.select(Participant.interaction_id, User.display_name)
        .join(User, sa.and_(User.tenant_id == Participant.tenant_id,
                            User.id == Participant.user_id))
        .where(Participant.tenant_id == tenant_id, Participant.interaction_id.in_(interaction_ids))
    ):
        names = out.setdefault(iid, [])
        if name not in names:
            names.append(name)
    return out


def interaction(i: Interaction, team: list[str]) -> dict[str, Any]:
    """A timeline entry."""
    return {
        "id": str(i.id), "kind": i.kind, "direction": i.direction, "subject": i.subject,
        "snippet": i.snippet, "occurred_at": _iso(i.occurred_at), "ends_at": _iso(i.ends_at),
        "thread_id": i.thread_id, "from": i.from_address, "team": team,
        "cancelled": i.cancelled,
    }


def commitment(c: Commitment, subject: str | None, today: date) -> dict[str, Any]:
    """An open promise or request, with its overdue flag."""
    snoozed = c.snoozed_until is not None and c.snoozed_until > today
    return {
        "id": str(c.id), "kind": c.kind, "side": c.side, "action": c.action, "text": c.text,
        "evidence": {"start": c.evidence_start, "end": c.evidence_end},
        "due_on": _iso(c.due_on), "status": c.status,
        "overdue": bool(c.due_on and c.due_on < today and c.status == "open" and not snoozed),
        "snoozed_until": _iso(c.snoozed_until),
        "interaction_id": str(c.interaction_id) if c.interaction_id else None,
        "source_subject": subject, "created_at": _iso(c.created_at),
    }


def signal(s: Signal) -> dict[str, Any]:
    """A deal signal with its evidence."""
    return {
        "id": str(s.id), "kind": s.kind, "value": s.value, "text": s.text,
        "evidence": {"start": s.evidence_start, "end": s.evidence_end},
        "confidence": s.confidence, "occurred_at": _iso(s.occurred_at),
        "interaction_id": str(s.interaction_id) if s.interaction_id else None,
    }


def deal(d: Deal, now: datetime, two_way: datetime | None, court: str | None,
         history: list[dict], owner_name: str | None) -> dict[str, Any]:
    """A deal with its age in stage, last two-way touch and whose court the ball is in."""
    return {
        "id": str(d.id), "name": d.name, "stage": d.stage,
        "amount": str(d.amount) if d.amount is not None else None, "currency": d.currency,
        "close_date": _iso(d.close_date), "owner": owner_name,
        "days_in_stage": max(0, (now - d.stage_changed_at).days),
        "last_two_way_touch": _iso(two_way), "ball_in_court": court,
        "stage_history": history,
    }
