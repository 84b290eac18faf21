"""Records to plain JSON-ready dicts (the shapes of the story and the lists)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import Account, AccountDomain, Commitment, Contact, Deal, Interaction, Signal


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def contact(c: Contact, addresses: Iterable[str]) -> dict[str, Any]:
    """A contact card."""
    return {
        "id": str(c.id), "name": c.display_name, "title": c.title, "phone": c.phone,
        "company": c.company, "account_id": _text(c.account_id),
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


def contact_row(row: Sequence[Any], addresses: Iterable[str]) -> dict[str, Any]:
    """A contact card from a row (id, display_name, title, phone, company, account_id,
    merged_into, interaction_count, last_activity_at, evidence, ...), ids already text."""
    cid, name, title, phone, company, account_id, merged_into, count, last, evidence = row[:10]
    return {
        "id": cid, "name": name, "title": title, "phone": phone, "company": company,
        "account_id": account_id or None, "addresses": list(addresses),
        "merged_into": merged_into or None, "interaction_count": count,
        "last_activity_at": _iso(last), "evidence": evidence or {},
    }


def account_row(aid: str, name: str, count: int, last: datetime | None,
                domains: list[str]) -> dict[str, Any]:
    """An account with its domains, from its fields."""
    return {"id": aid, "name": name, "domains": domains, "interaction_count": count,
            "last_activity_at": _iso(last)}


def interaction(i: Interaction, team: list[str]) -> dict[str, Any]:
    """A timeline entry."""
    return interaction_row((str(i.id), i.kind, i.direction, i.subject, i.snippet, i.occurred_at,
                            i.ends_at, i.thread_id, i.from_address, i.cancelled), team)


def interaction_row(row: Sequence[Any], team: list[str]) -> dict[str, Any]:
    """A timeline entry from a ``story_sql.TIMELINE`` row."""
    iid, kind, direction, subject, snippet, at, ends_at, thread_id, from_address, cancelled = row
    return {
        "id": iid, "kind": kind, "direction": direction, "subject": subject,
        "snippet": snippet, "occurred_at": _iso(at), "ends_at": _iso(ends_at),
        "thread_id": thread_id, "from": from_address, "team": team, "cancelled": cancelled,
    }


def commitment(c: Commitment, subject: str | None, today: date) -> dict[str, Any]:
    """An open promise or request, with its overdue flag."""
    return commitment_row((str(c.id), c.kind, c.side, c.action, c.text, c.evidence_start,
                           c.evidence_end, c.due_on, c.status, c.snoozed_until,
                           _text(c.interaction_id), c.created_at, subject), today)


def commitment_row(row: Sequence[Any], today: date) -> dict[str, Any]:
    """An open promise or request, with its overdue flag, from a ``COMMITMENTS`` row."""
    (cid, kind, side, action, text, ev_start, ev_end, due_on, status, snoozed_until,
     interaction_id, created_at, subject) = row
    snoozed = snoozed_until is not None and snoozed_until > today
    return {
        "id": cid, "kind": kind, "side": side, "action": action, "text": text,
        "evidence": {"start": ev_start, "end": ev_end},
        "due_on": _iso(due_on), "status": status,
        "overdue": bool(due_on and due_on < today and status == "open" and not snoozed),
        "snoozed_until": _iso(snoozed_until), "interaction_id": interaction_id or None,
        "source_subject": subject, "created_at": _iso(created_at),
    }


def signal(s: Signal) -> dict[str, Any]:
    """A deal signal with its evidence."""
    return signal_row((str(s.id), s.kind, s.value, s.text, s.evidence_start, s.evidence_end,
                       s.confidence, s.occurred_at, _text(s.interaction_id)))


def signal_row(row: Sequence[Any]) -> dict[str, Any]:
    """A deal signal with its evidence, from a ``SIGNALS`` row."""
    sid, kind, value, text, ev_start, ev_end, confidence, at, interaction_id = row
    return {
        "id": sid, "kind": kind, "value": value, "text": text,
        "evidence": {"start": ev_start, "end": ev_end},
        "confidence": confidence, "occurred_at": _iso(at),
        "interaction_id": interaction_id or None,
    }


def deal(d: Deal, now: datetime, two_way: datetime | None, court: str | None,
         history: list[dict], owner_name: str | None) -> dict[str, Any]:
    """A deal with its age in stage, last two-way touch and whose court the ball is in."""
    return deal_row((str(d.id), d.name, d.stage, d.amount, d.currency, d.close_date,
                     d.stage_changed_at, owner_name), now, two_way, court, history)


def deal_row(row: Sequence[Any], now: datetime, two_way: datetime | None, court: str | None,
             history: list[dict]) -> dict[str, Any]:
    """A deal with its age in stage, last two-way touch and whose court the ball is in,
    from a ``DEALS`` row (the owner's name last)."""
    did, name, stage, amount, currency, close_date, stage_changed_at, owner = row
    return {
        "id": did, "name": name, "stage": stage,
        "amount": str(amount) if amount is not None else None, "currency": currency,
        "close_date": _iso(close_date), "owner": owner,
        "days_in_stage": max(0, (now - stage_changed_at).days),
        "last_two_way_touch": _iso(two_way), "ball_in_court": court,
        "stage_history": history,
    }
